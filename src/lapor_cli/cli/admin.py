"""Setting up and trying out: the office's settings (kantor) and the demo register."""

from __future__ import annotations

from typing import Annotated

import typer

from lapor_cli.cli._app import DeskOpt, JsonOpt, opened, state
from lapor_cli.console import console, emit_json, literal, message, styled
from lapor_cli.errors import ValidationError


def _erase_again(erasures: list[tuple]) -> list[str]:
    """After a restore: keep the replaced register's erasure log and apply every erasure
    again, so that an older backup never brings an erased identity back."""
    import os

    from lapor_cli.cli._app import officer
    from lapor_cli.privacy import keep_erasures, scrub_storage

    with opened(write=True) as ctx:
        again = keep_erasures(
            ctx.session, erasures, now=ctx.now, petugas=officer(os.environ.get("LAPOR_PETUGAS"))
        )
        register = ctx.register
    if again:
        problem = scrub_storage(register)
        if problem:
            from lapor_cli.console import warn

            warn(f"Penghapusan diterapkan ulang, tetapi {problem}.")
    return again


def register(app: typer.Typer) -> None:
    @app.command(rich_help_panel="Pengaturan")
    def kantor(
        nama: Annotated[
            str | None, typer.Option(help="Nama kantor, mis. 'Dinas Sosial Kota Kupang'.")
        ] = None,
        prefiks: Annotated[
            str | None,
            typer.Option(help="Awalan nomor register meja ini (hanya sebelum kasus pertamanya)."),
        ] = None,
        zona: Annotated[
            str | None, typer.Option(help="Zona waktu kantor: WIB, WITA atau WIT.")
        ] = None,
        kota: Annotated[
            str | None,
            typer.Option(
                help="Tempat di atas tanda tangan monev, mis. 'Kupang'.",
                rich_help_panel="Tanda tangan monev",
            ),
        ] = None,
        kepala: Annotated[
            str | None,
            typer.Option(
                help="Nama kepala dinas yang menandatangani monev.",
                rich_help_panel="Tanda tangan monev",
            ),
        ] = None,
        nip: Annotated[
            str | None,
            typer.Option(help="NIP kepala dinas (18 digit).", rich_help_panel="Tanda tangan monev"),
        ] = None,
        jabatan: Annotated[
            str | None,
            typer.Option(
                help="Jabatan penanda tangan (bawaan: 'Kepala ' + nama kantor), mis. "
                "'Plt. Kepala Dinas Sosial Kota Kupang'.",
                rich_help_panel="Tanda tangan monev",
            ),
        ] = None,
        retensi: Annotated[
            int | None,
            typer.Option(
                help="Masa retensi data pelapor dalam tahun sejak kasus selesai (`lapor retensi`)."
            ),
        ] = None,
        kontak: Annotated[
            str | None,
            typer.Option(
                help="Cara pelapor menanyakan kasusnya (dicetak di tanda terima dan surat), "
                "mis. 'WA 0812-0000-0000, loket pengaduan lt. 1'.",
                show_default=False,
            ),
        ] = None,
        lampiran_maks: Annotated[
            int | None,
            typer.Option(
                "--lampiran-maks",
                metavar="MB",
                help="Ukuran terbesar satu lampiran, MB (bawaan 20).",
                show_default=False,
            ),
        ] = None,
        meja: DeskOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Tampilkan atau ubah pengaturan kantor: nama, awalan nomor, zona waktu, kontak, batas
        ukuran lampiran, retensi, dan penanda tangan monev (kota, kepala, NIP, jabatan; nilai
        kosong "" menghapusnya)."""
        from lapor_cli.office import format_nip, office, paperwork_settings

        given = (nama, prefiks, zona, kota, kepala, nip, jabatan, retensi, kontak, lampiran_maks)
        changing = any(v is not None for v in given)
        with opened(write=changing) as ctx:
            info = office(
                ctx.session,
                meja=meja,
                nama=nama,
                prefiks=prefiks,
                zona=zona,
                kota=kota,
                kepala=kepala,
                nip=nip,
                jabatan=jabatan,
                retensi=retensi,
            )
            paper = paperwork_settings(ctx.session, kontak=kontak, lampiran_maks=lampiran_maks)
            location = ctx.register.location
        desk = info.meja
        sign = info.tanda_tangan
        view = {
            "kantor": info.kantor,
            "meja": desk.kode if desk else None,
            "prefiks": desk.prefiks if desk else None,
            "semua_meja": info.semua_meja,
            "zona_waktu": info.zona_waktu,
            "profil_sla": info.profil_sla,
            "kota": sign.kota or None,
            "kepala": sign.nama or None,
            "nip": sign.nip or None,
            "jabatan_kepala": sign.jabatan,
            "retensi_tahun": info.retensi_tahun,
            **paper,
            "register": location if not ctx.register.in_memory else None,
        }
        if json:
            emit_json(view)
            return
        lines = [f"Kantor      : {view['kantor']}"]
        if desk is not None:
            lines.append(f"Meja        : {desk.kode} — {desk.nama}")
            lines.append(f"Awalan nomor: {desk.prefiks}")
        if len(info.semua_meja) > 1:
            lines.append(f"Semua meja  : {', '.join(view['semua_meja'])} (rinciannya: lapor meja)")
        lines.append(f"Zona waktu  : {view['zona_waktu']}")
        lines.append(f"Profil SLA  : {view['profil_sla']}")
        unset = "(belum diisi)"
        lines.append(f"Kota        : {sign.kota or unset}")
        lines.append(f"Kepala      : {sign.nama or unset}")
        lines.append(f"NIP         : {format_nip(sign.nip) if sign.nip else unset}")
        lines.append(f"Jabatan     : {sign.jabatan}")
        if not (sign.kota and sign.nama and sign.nip):
            lines.append(
                "              (tanda tangan monev: lapor kantor --kota KOTA --kepala NAMA "
                "--nip NIP)"
            )
        lines.append(
            "Retensi     : "
            + (
                f"{info.retensi_tahun} tahun sejak kasus selesai"
                if info.retensi_tahun
                else "belum diatur (lapor kantor --retensi N)"
            )
        )
        lines.append(f"Kontak      : {view['kontak'] or '(belum diisi: lapor kantor --kontak)'}")
        lines.append(f"Lampiran    : paling besar {view['lampiran_maks_mb']} MB per berkas")
        lines.append(
            f"Register    : {view['register'] or '(belum ada; dibuat saat kasus pertama)'}"
        )
        for line in lines:
            console.print(literal(line))

    @app.command(rich_help_panel="Pemeliharaan")
    def cadangan(
        berkas: Annotated[str, typer.Argument(metavar="FILE", help="Berkas cadangan.")],
        pulihkan: Annotated[
            bool, typer.Option("--pulihkan", help="Pulihkan register DARI berkas cadangan ini.")
        ] = False,
        timpa: Annotated[
            bool, typer.Option("--timpa", help="Timpa berkas yang sudah ada.")
        ] = False,
        ya: Annotated[
            bool, typer.Option("--ya", help="Jangan tanya konfirmasi (untuk skrip).")
        ] = False,
        json: JsonOpt = False,
    ) -> None:
        """Salinan register yang utuh walau sedang dipakai; atau pulihkan dari salinan."""
        from pathlib import Path

        from lapor_cli import backups
        from lapor_cli.cli._app import interactive, location, office_clock
        from lapor_cli.db import KNOWN_REVISIONS, is_url

        register_path = location()
        if is_url(register_path):
            raise ValidationError(
                "db",
                "cadangan hanya untuk register berkas SQLite; register di server PostgreSQL "
                "dicadangkan dengan alat server itu (pg_dump).",
            )
        source, target = Path(register_path).expanduser(), Path(berkas).expanduser()
        if not pulihkan:
            count = backups.backup(source, target, overwrite=timpa)
            if json:
                emit_json({"cadangan": str(target), "kasus": count})
            else:
                message(f"Cadangan dibuat: {target} ({count} kasus).")
            return
        if not ya:
            if not interactive():
                raise ValidationError(
                    "ya", "Pemulihan mengganti register; ulangi dengan --ya untuk memastikan."
                )
            typer.confirm(
                f"Ganti register {source} dengan isi {target}? Register sekarang disimpan di "
                "sampingnya",
                abort=True,
                err=True,
            )
        erasures = backups.erasure_log(source)
        aside = backups.restore(target, source, KNOWN_REVISIONS, office_clock())
        again: list[str] = []
        if erasures:
            again = _erase_again(erasures)
        if json:
            emit_json(
                {
                    "dipulihkan_dari": str(target),
                    "register_lama": str(aside) if aside else None,
                    "dianonimkan_ulang": again,
                }
            )
        elif aside:
            message(f"Register dipulihkan dari {target}. Register lama disimpan: {aside}")
        else:
            message(f"Register dipulihkan dari {target} (sebelumnya belum ada register).")
        if again and not json:
            message(
                f"Penghapusan identitas diterapkan ulang pada {len(again)} kasus "
                f"(cadangan lebih lama dari penghapusannya): {', '.join(again)}."
            )

    @app.command(rich_help_panel="Pemeliharaan")
    def pindah(
        ke: Annotated[
            str,
            typer.Option(
                "--ke",
                help="Register tujuan yang masih kosong: path berkas SQLite atau "
                "postgresql+psycopg://pengguna@server/basisdata.",
                show_default=False,
            ),
        ],
        json: JsonOpt = False,
    ) -> None:
        """Salin seluruh register ke basis data lain (SQLite ↔ PostgreSQL), lalu periksa."""
        from lapor_cli import moving
        from lapor_cli.cli._app import location, warn_password_in_argument
        from lapor_cli.db import open_register, shown_location
        from lapor_cli.errors import RegisterError

        warn_password_in_argument("--ke", ke)
        source = open_register(location(), write=False)
        try:
            if source.in_memory:
                where = shown_location(location())
                raise RegisterError(f"Register asal {where} belum ada; tak ada yang disalin.")
            moved = moving.move(source, ke)
        finally:
            source.engine.dispose()
        if json:
            emit_json({"tujuan": moved.tujuan, "jumlah": moved.jumlah})
            return
        counts = moved.jumlah
        message(
            f"Register dipindahkan ke {moved.tujuan}: {counts['kasus']} kasus, "
            f"{counts['riwayat']} entri riwayat, {counts['hari_kantor']} hari libur kantor. "
            "Diperiksa: jumlah baris sama, rantai riwayat utuh, nomor urut konsisten."
        )
        message(
            "Register asal tidak diubah. Untuk memakai register baru, arahkan --db atau "
            "LAPOR_DB ke alamat yang sama dengan --ke."
        )

    @app.command(rich_help_panel="Pemeliharaan")
    def periksa(
        jangkar: Annotated[
            str | None,
            typer.Option(
                "--jangkar",
                metavar="JANGKAR",
                help="Buktikan register masih melanjutkan jangkar yang dicatat dulu "
                "(mis. 1234-3f9a2c7d1e5b8a40).",
                show_default=False,
            ),
        ] = None,
        json: JsonOpt = False,
    ) -> None:
        """Periksa keutuhan register: SQLite, skema, rantai riwayat, keadaan kasus, nomor."""
        from pathlib import Path

        from lapor_cli import maintenance
        from lapor_cli.cli._app import location
        from lapor_cli.db import KNOWN_REVISIONS, SCHEMA_HEAD, is_url, shown_location
        from lapor_cli.errors import RegisterError
        from lapor_cli.history import parse_anchor

        anchor = None
        if jangkar is not None:
            try:
                anchor = parse_anchor(jangkar)
            except ValueError as exc:
                raise ValidationError("jangkar", str(exc)) from None
        where = location()
        register = where if is_url(where) else Path(where).expanduser()
        report = maintenance.check(register, KNOWN_REVISIONS, anchor)
        kept = report.anchor
        view = {
            "register": shown_location(str(register)),
            "skema": report.schema,
            "skema_terbaru": SCHEMA_HEAD,
            "kasus": report.cases,
            "riwayat": report.entries,
            "jangkar": None
            if kept is None
            else {"jumlah": kept.count, "hash": kept.hash, "singkat": kept.short},
            "pemeriksaan": [
                {"nama": name, "ok": ok, "keterangan": detail} for name, ok, detail in report.checks
            ],
            "masalah": report.problems,
        }
        if json:
            emit_json(view)
        else:
            for name, ok, detail in report.checks:
                mark = ("✓", "green") if ok else ("✗", "bold red")
                console.print(styled(mark, f" {name}: {detail}"))
            console.print(literal(f"{report.cases} kasus, {report.entries} entri riwayat."))
            if kept is not None:
                console.print(styled("Jangkar rantai: ", (kept.short, "bold")))
                if not report.problems:
                    message(
                        "Catat atau cetak jangkar ini di luar register (buku, berita acara); "
                        f"kelak `lapor periksa --jangkar {kept.short}` membuktikan riwayat "
                        "sampai titik ini tidak diputar mundur atau dihitung ulang."
                    )
        if report.problems:
            raise RegisterError(f"Register bermasalah: {'; '.join(report.problems)}")

    @app.command(rich_help_panel="Pengaturan")
    def demo(json: JsonOpt = False) -> None:
        """Isi register demo terpisah dengan kasus contoh di setiap status, lalu tampilkan."""
        from pathlib import Path

        from lapor_cli import demo as demo_data
        from lapor_cli.cli._app import location

        state.demo = True
        path = Path(location())
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        with opened(write=True) as ctx:
            made = demo_data.fill(ctx.session, now=ctx.now)
        if json:
            emit_json({"register": str(path), "kasus": made})
            return
        message(f"Register demo dibuat: {path} ({made} kasus).")
        from lapor_cli.cli import app as root

        root(["--demo", "daftar", "--batas", "15"], prog_name="lapor", standalone_mode=False)
        message(
            styled(
                "\nCoba: ",
                ("lapor --demo lihat DS-2026-00001", "bold"),
                ", ",
                ("lapor --demo daftar --status terbuka", "bold"),
                ". Register kantor Anda sendiri tidak tersentuh.",
            )
        )
