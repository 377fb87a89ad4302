"""Personal data (UU 27/2022): pelapor (a person's own data), anonimkan (erase an identity),
retensi (the retention period), batasi/lepas (restrict processing), akses (the access log).
Parse, call the core (:mod:`lapor_cli.privacy`), render."""

from __future__ import annotations

from typing import Annotated

import typer

from lapor_cli.cli._app import JsonOpt, OfficerOpt, ReadDeskOpt, officer, opened
from lapor_cli.console import console, emit_json, literal, message, styled, warn

NomorArg = Annotated[str, typer.Argument(help="Nomor register kasus, mis. DS-2026-00042.")]
PANEL = "Data pribadi"
AlasanOpt = Annotated[str | None, typer.Option(help="Wajib: alasannya (tercatat di riwayat).")]


def _desk(session, meja: str | None) -> str | None:
    from lapor_cli.desks import desk_scope

    desk = desk_scope(session, meja)
    return desk.kode if desk else None


def register(app: typer.Typer) -> None:
    @app.command(rich_help_panel=PANEL)
    def pelapor(
        nik: Annotated[str | None, typer.Option(help="NIK orang yang meminta datanya.")] = None,
        hp: Annotated[str | None, typer.Option(help="Atau nomor HP-nya.")] = None,
        keluaran: Annotated[
            str | None,
            typer.Option(help="Tulis laporannya (JSON) ke berkas ini untuk diserahkan."),
        ] = None,
        timpa: Annotated[bool, typer.Option("--timpa", help="Timpa berkas yang ada.")] = False,
        meja: ReadDeskOpt = None,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Semua data satu orang di register (UU 27/2022 Pasal 32): kasusnya, riwayatnya,
        setiap pembukaan identitasnya dan ekspor yang memuatnya. Permintaan ini tercatat."""
        import json as jsonlib
        from pathlib import Path

        from lapor_cli import files
        from lapor_cli.privacy import subject_access

        target = Path(keluaran) if keluaran else None
        if target is not None:
            from lapor_cli.errors import ValidationError

            problem = files.target_problem(target, overwrite=timpa)
            if problem:
                raise ValidationError("keluaran", problem)
        with opened(write=True) as ctx:
            report = subject_access(
                ctx.session,
                nik=nik,
                hp=hp,
                now=ctx.now,
                petugas=officer(petugas),
                meja=_desk(ctx.session, meja),
                keluaran=str(target.resolve()) if target else None,
            )
            report["kantor"] = ctx.settings["kantor_nama"]
            if target is not None:
                text = jsonlib.dumps(report, ensure_ascii=False, indent=2) + "\n"
                with files.replacing(target, overwrite=timpa, field="keluaran") as partial:
                    partial.file.write(text.encode("utf-8"))
                report["berkas"] = str(target.resolve())
        if json:
            emit_json(report)
            return
        message(f"Data pribadi: {report['jumlah_kasus']} kasus ditemukan.")
        for case in report["kasus"]:
            console.print(
                literal(
                    f"{case['nomor']}  {case['status']}  {case['diterima']}  "
                    f"{case['nama'] or '-'}  NIK {case['nik'] or '-'}  HP {case['hp'] or '-'}"
                    + ("  [dibatasi]" if case["dibatasi"] else "")
                )
            )
            for entry in case["riwayat"]:
                console.print(
                    literal(f"    {entry['waktu']}  {entry['aksi']}  oleh {entry['oleh']}")
                )
        if report["akses"]:
            console.print(literal("Identitas dibuka atau diekspor:"))
            for row in report["akses"]:
                console.print(
                    literal(f"    {row['waktu']}  {row['nomor']}  {row['jenis']}  {row['petugas']}")
                )
        if target is not None:
            message(f"Laporan ditulis ke {report['berkas']}.")

    @app.command(rich_help_panel=PANEL)
    def anonimkan(
        nomor: NomorArg,
        alasan: Annotated[
            str | None,
            typer.Option(help="Wajib: permintaan pelapor, atau tujuan pemrosesan sudah selesai."),
        ] = None,
        paksa: Annotated[
            bool, typer.Option("--paksa", help="Juga kasus yang masih terbuka (atas permintaan).")
        ] = False,
        pengecualian: Annotated[
            str | None,
            typer.Option(
                help="Jangan hapus: catat bahwa permintaan pelapor dikecualikan (UU 27/2022 "
                "Pasal 15) dengan dasarnya, mis. 'kasus masih ditangani'."
            ),
        ] = None,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Hapus identitas pelapor (nama, NIK, KK, HP, email, alamat) dari kasus untuk
        selamanya; kasus, angkanya dan rantai riwayatnya tetap."""
        from lapor_cli.privacy import erase_case, record_exemption

        if pengecualian is not None:
            with opened(write=True) as ctx:
                noted = record_exemption(
                    ctx.session, nomor, now=ctx.now, petugas=officer(petugas), alasan=pengecualian
                )
            if json:
                emit_json(noted)
            else:
                message(styled("Pengecualian dicatat: ", (noted["nomor"], "bold")))
                console.print(literal(noted["nomor"]))
            return
        with opened(write=True) as ctx:
            done = erase_case(
                ctx.session,
                nomor,
                now=ctx.now,
                petugas=officer(petugas),
                alasan=alasan,
                paksa=paksa,
            )
            register = ctx.register
        _tell_erased([done], json)
        _scrubbed(register)

    @app.command(rich_help_panel=PANEL)
    def retensi(
        tahun: Annotated[
            int | None,
            typer.Option(help="Masa retensi dalam tahun (bawaan: pengaturan `lapor kantor`)."),
        ] = None,
        jalankan: Annotated[
            bool, typer.Option("--jalankan", help="Anonimkan kasusnya (tanpa ini: hanya daftar).")
        ] = False,
        meja: ReadDeskOpt = None,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Kasus selesai yang melewati masa retensi; --jalankan menganonimkannya."""
        from lapor_cli.privacy import retention_due, run_retention
        from lapor_cli.views import iso

        with opened(write=jalankan) as ctx:
            years, cutoff, cases = retention_due(
                ctx.session,
                now=ctx.now,
                years=tahun,
                settings=ctx.settings,
                meja=_desk(ctx.session, meja),
            )
            listed = [
                {
                    "nomor": c.nomor,
                    "status": c.status,
                    "diterima": iso(c.diterima),
                    "ditutup": iso(c.ditutup),
                }
                for c in cases
            ]
            erased = []
            if jalankan and cases:
                erased = run_retention(
                    ctx.session, cases, now=ctx.now, petugas=officer(petugas), years=years
                )
            register = ctx.register
        if jalankan:
            _scrubbed(register)
        doc = {
            "tahun": years,
            "batas": iso(cutoff),
            "dijalankan": jalankan,
            "kasus": listed,
            "dianonimkan": [e.nomor for e in erased],
        }
        if json:
            emit_json(doc)
            return
        verb = "dianonimkan" if jalankan else "akan dianonimkan (uji; tambahkan --jalankan)"
        message(
            f"Masa retensi {years} tahun (selesai sebelum {doc['batas']}): "
            f"{len(listed)} kasus {verb}."
        )
        for row in listed:
            console.print(literal(f"{row['nomor']}  {row['status']}  ditutup {row['ditutup']}"))

    @app.command(rich_help_panel=PANEL)
    def batasi(
        nomor: NomorArg, alasan: AlasanOpt = None, petugas: OfficerOpt = None, json: JsonOpt = False
    ) -> None:
        """Batasi pemrosesan identitas pelapor: tidak dapat dibuka (lihat --lengkap) maupun
        diekspor sampai `lapor lepas`."""
        from lapor_cli.privacy import restrict_case

        with opened(write=True) as ctx:
            done = restrict_case(
                ctx.session, nomor, now=ctx.now, petugas=officer(petugas), alasan=alasan
            )
        if json:
            emit_json(done)
            return
        message(styled("Dibatasi: ", (done["nomor"], "bold")))
        console.print(literal(done["nomor"]))

    @app.command(rich_help_panel=PANEL)
    def lepas(
        nomor: NomorArg, alasan: AlasanOpt = None, petugas: OfficerOpt = None, json: JsonOpt = False
    ) -> None:
        """Lepaskan pembatasan identitas sebuah kasus."""
        from lapor_cli.privacy import lift_case

        with opened(write=True) as ctx:
            done = lift_case(
                ctx.session, nomor, now=ctx.now, petugas=officer(petugas), alasan=alasan
            )
        if json:
            emit_json(done)
            return
        message(styled("Pembatasan dilepas: ", (done["nomor"], "bold")))
        console.print(literal(done["nomor"]))

    @app.command(rich_help_panel=PANEL)
    def akses(
        sejak: Annotated[
            str | None, typer.Option(help="Sejak tanggal/waktu ini, mis. 2026-11-01.")
        ] = None,
        petugas: Annotated[str | None, typer.Option(help="Hanya oleh petugas ini.")] = None,
        nomor: Annotated[str | None, typer.Option(help="Hanya kasus ini.")] = None,
        meja: ReadDeskOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Catatan setiap pembukaan identitas (lihat --lengkap) dan setiap ekspor yang memuat
        identitas (ekspor, pelapor): untuk audit atau mencari siapa terdampak kebocoran."""
        from lapor_cli.dates import parse_datetime
        from lapor_cli.privacy import access_log

        with opened(write=False) as ctx:
            since = parse_datetime("sejak", sejak, ctx.now) if sejak else None
            rows = access_log(
                ctx.session,
                sejak=since,
                petugas=petugas,
                nomor=nomor,
                meja=_desk(ctx.session, meja),
            )
        if json:
            emit_json([r.as_json() for r in rows])
            return
        message(f"{len(rows)} akses identitas.")
        for r in rows:
            doc = r.as_json()
            console.print(
                literal(
                    f"{doc['waktu']}  {doc['nomor'] or '-'}  {doc['jenis']}  {doc['petugas']}"
                    f"  {doc['keterangan'] or ''}"
                )
            )


def _scrubbed(register) -> None:
    """Rebuild the register file after an erasure; say so when it could not be done now."""
    from lapor_cli.privacy import scrub_storage

    problem = scrub_storage(register)
    if problem:
        warn(
            f"Identitas sudah dihapus dari register, tetapi {problem}. Tutup program lapor "
            "lain lalu jalankan `lapor retensi --jalankan` untuk membersihkan berkasnya."
        )


def _tell_erased(done, json: bool) -> None:
    if json:
        emit_json(done[0].as_json() if len(done) == 1 else [d.as_json() for d in done])
        return
    for d in done:
        fields = ", ".join(d.kolom) or "(sidik/garam saja)"
        message(styled("Identitas dihapus: ", (d.nomor, "bold"), f" ({fields})"))
        if d.teks:
            message(f"  Identitas juga dihapus dari: {', '.join(d.teks)}.")
        if d.catatan_riwayat:
            message(
                f"  {len(d.catatan_riwayat)} entri riwayat disamarkan (identitas di catatan/"
                "datanya diganti [dihapus]; rantai tetap terbukti)."
            )
        if d.lampiran:
            message(f"  {d.lampiran} lampiran (berkas pelapor) dihapus.")
        console.print(literal(d.nomor))
