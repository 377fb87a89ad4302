"""The SOP commands: catat, verifikasi, distribusi, tindaklanjut, tutup, nilai, laporbalik,
and the views lihat and daftar. Parse, call the core, render."""

from __future__ import annotations

from typing import Annotated

import typer

from lapor_cli.cli._app import (
    DeskOpt,
    EveryDeskOpt,
    JsonOpt,
    OfficerOpt,
    PadaOpt,
    ReadDeskOpt,
    interactive,
    officer,
    opened,
    read_from_stdin,
    reading,
    tell_step,
)
from lapor_cli.console import (
    console,
    emit_json,
    emit_json_list,
    literal,
    message,
    styled,
    tanggal,
    warn,
)
from lapor_cli.errors import ValidationError

NomorArg = Annotated[str, typer.Argument(help="Nomor register kasus, mis. DS-2026-00042.")]


def _ask(label: str, *, choices: tuple[str, ...] | None = None) -> str:
    hint = f" ({', '.join(choices)})" if choices else ""
    return typer.prompt(f"{label}{hint}", err=True)


def register(app: typer.Typer) -> None:
    @app.command(rich_help_panel="Alur SOP")
    def catat(
        kanal: Annotated[
            str | None, typer.Option(help="Kanal masuk, mis. whatsapp, surat, sp4n-lapor.")
        ] = None,
        jenis: Annotated[str | None, typer.Option(help="aduan, aspirasi atau informasi.")] = None,
        uraian: Annotated[str | None, typer.Option(help="Isi aduan/aspirasi/permintaan.")] = None,
        nama: Annotated[
            str | None, typer.Option(help="Nama pelapor (wajib kecuali --anonim).")
        ] = None,
        nik: Annotated[
            str | None,
            typer.Option(help="NIK pelapor, 16 digit; '-' = baca dari masukan standar."),
        ] = None,
        kk: Annotated[
            str | None,
            typer.Option(help="Nomor Kartu Keluarga, 16 digit; '-' = dari masukan standar."),
        ] = None,
        hp: Annotated[
            str | None,
            typer.Option(help="Nomor HP/telepon pelapor; '-' = dari masukan standar."),
        ] = None,
        email: Annotated[str | None, typer.Option(help="Email pelapor.")] = None,
        alamat: Annotated[str | None, typer.Option(help="Alamat pelapor.")] = None,
        diterima: Annotated[
            str | None,
            typer.Option(
                help="Waktu diterima: 2026-11-23, 23/11/2026, '23 Nov 2026', kemarin; jam boleh "
                "menyusul: '2026-11-23 14:05' atau '23/11/2026 14.05' (bawaan: sekarang)."
            ),
        ] = None,
        lama: Annotated[
            bool,
            typer.Option(
                "--lama",
                help="Tanggal diterima memang lama (tahun lalu, atau lebih dari 30 hari lalu): "
                "catat juga.",
            ),
        ] = False,
        nomor_lapor: Annotated[
            str | None, typer.Option("--nomor-lapor", help="Nomor tiket SP4N-LAPOR!.")
        ] = None,
        nomor_formulir: Annotated[
            str | None, typer.Option("--nomor-formulir", help="Nomor formulir kertas.")
        ] = None,
        anonim: Annotated[
            bool, typer.Option("--anonim", help="Identitas pelapor dirahasiakan (tidak disimpan).")
        ] = False,
        rahasia: Annotated[
            bool,
            typer.Option("--rahasia", help="Isi laporan rahasia: tidak tampil di daftar/ekspor."),
        ] = False,
        segera: Annotated[
            bool,
            typer.Option(
                "--segera", help="Kasus mendesak (profil SLA boleh memberi batas lebih pendek)."
            ),
        ] = False,
        meja: DeskOpt = None,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Catat kasus baru (SOP langkah 2) dan cetak nomor registernya.

        NIK, KK dan HP yang diberikan sebagai '-' dibaca dari masukan standar (satu baris
        masing-masing, urut --nik, --kk, --hp; di terminal ditanyakan), agar tidak terlihat
        pengguna lain komputer ini di daftar proses."""
        from lapor_cli.recording import record
        from lapor_cli.references import JENIS, KANAL

        petugas = officer(petugas)
        nik, kk, hp = read_from_stdin(
            {"nik": nik, "kk": kk, "hp": hp},
            {"nik": "NIK pelapor", "kk": "Nomor KK", "hp": "Nomor HP pelapor"},
        )
        if interactive() and not json:
            kanal = kanal or _ask("Kanal", choices=KANAL)
            jenis = jenis or _ask("Jenis", choices=JENIS)
            uraian = uraian or _ask("Uraian")
            if not anonim and not nama:
                nama = _ask("Nama pelapor")
        raw = {
            "kanal": kanal,
            "jenis": jenis,
            "uraian": uraian,
            "nama": nama,
            "nik": nik,
            "kk": kk,
            "hp": hp,
            "email": email,
            "alamat": alamat,
            "diterima": diterima,
            "nomor_lapor": nomor_lapor,
            "nomor_formulir": nomor_formulir,
            "anonim": anonim,
            "rahasia": rahasia,
            "segera": segera,
            "petugas": petugas,
        }
        with opened(write=True) as ctx:
            made = record(
                ctx.session,
                raw,
                now=ctx.now,
                profile=ctx.settings["profil_sla"],
                meja=meja,
                lama=lama,
            )
        view = made.view
        if json:
            emit_json(view)
        else:
            console.print(styled("Kasus dicatat: ", (view["nomor"], "bold")))
            minutes = view["sla"]["satuan"] == "menit"
            console.print(
                literal(
                    f"Batas waktu: {tanggal(made.batas_waktu, with_day=True, time=minutes)} "
                    f"({made.aturan}, profil {view['sla']['profil']})"
                )
            )
        for note in made.notes:
            warn(note)
        if made.duplicates:
            warn(
                f"NIK/HP yang sama sudah ada di kasus terbuka {', '.join(made.duplicates)} — "
                "mungkin kasus ganda dari kanal lain."
            )

    @app.command(rich_help_panel="Alur SOP")
    def verifikasi(
        nomor: NomorArg,
        kategori: Annotated[str, typer.Option(help="Kode kategori, mis. DTKS, PKH, BPNT.")] = ...,  # type: ignore[assignment]
        kewenangan: Annotated[
            bool,
            typer.Option(
                "--kewenangan/--bukan-kewenangan", help="Termasuk kewenangan Dinas Sosial?"
            ),
        ] = True,
        alasan: Annotated[
            str | None,
            typer.Option(help="Wajib bila bukan kewenangan: yang disampaikan ke pelapor."),
        ] = None,
        dirujuk_ke: Annotated[
            str | None, typer.Option("--dirujuk-ke", help="Instansi tujuan rujukan.")
        ] = None,
        nomor_surat: Annotated[
            str | None, typer.Option("--nomor-surat", help="Nomor surat rujukan.")
        ] = None,
        catatan: Annotated[str | None, typer.Option(help="Catatan verifikasi.")] = None,
        klasifikasi: Annotated[
            str | None,
            typer.Option(
                help="Khusus aduan: berkadar-pengawasan atau tidak-berkadar-pengawasan "
                "(PermenPAN-RB 62/2018); profil SLA boleh memberi batas waktu menurutnya."
            ),
        ] = None,
        pada: PadaOpt = None,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Verifikasi dan kategorikan kasus (SOP langkah 3); bukan kewenangan → diarsipkan."""
        from lapor_cli.handling import verify_case

        with opened(write=True) as ctx:
            done = verify_case(
                ctx.session,
                nomor,
                now=ctx.now,
                petugas=officer(petugas),
                kategori=kategori,
                kewenangan=kewenangan,
                alasan=alasan,
                dirujuk_ke=dirujuk_ke,
                nomor_surat=nomor_surat,
                catatan=catatan,
                pada=pada,
                klasifikasi=klasifikasi,
            )
        tell_step(done, json)
        if not json and "sla" in done.step.data:  # the category or classification moved it
            minutes = done.view["sla"]["satuan"] == "menit"
            when = tanggal(done.batas_waktu, with_day=True, time=minutes)
            rule = f"{done.step.data['sla']}, profil {done.view['sla']['profil']}"
            message(f"Batas waktu kini {when} ({rule}).")

    @app.command(rich_help_panel="Alur SOP")
    def distribusi(
        nomor: NomorArg,
        unit: Annotated[
            str | None, typer.Option(help="Unit penanggung jawab tindak lanjut.")
        ] = None,
        tembusan: Annotated[
            list[str] | None, typer.Option(help="Tembusan (boleh berulang), mis. UPT, Balai Besar.")
        ] = None,
        jawaban_normatif: Annotated[
            str | None,
            typer.Option(
                "--jawaban-normatif",
                help="Jawaban normatif bila tidak perlu tindak lanjut lapangan.",
            ),
        ] = None,
        catatan: Annotated[str | None, typer.Option(help="Catatan disposisi.")] = None,
        pada: PadaOpt = None,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Teruskan kasus ke unit (dengan tembusan) atau beri jawaban normatif (SOP langkah 4)."""
        from lapor_cli.handling import distribute_case

        with opened(write=True) as ctx:
            done = distribute_case(
                ctx.session,
                nomor,
                now=ctx.now,
                petugas=officer(petugas),
                unit=unit,
                tembusan=tembusan,
                jawaban_normatif=jawaban_normatif,
                catatan=catatan,
                pada=pada,
            )
        tell_step(done, json)

    @app.command(rich_help_panel="Alur SOP")
    def tindaklanjut(
        nomor: NomorArg,
        catatan: Annotated[str | None, typer.Option(help="Tindak lanjut yang dilakukan.")] = None,
        oleh: Annotated[
            str | None, typer.Option(help="Siapa yang menindaklanjuti (pejabat/petugas unit).")
        ] = None,
        tugaskan: Annotated[
            str | None, typer.Option(help="Ditugaskan ke, mis. UPT, SDM Kesos, TKSK.")
        ] = None,
        pada: PadaOpt = None,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Catat satu langkah tindak lanjut unit (SOP langkah 5–7)."""
        from lapor_cli.handling import follow_up_case

        with opened(write=True) as ctx:
            done = follow_up_case(
                ctx.session,
                nomor,
                now=ctx.now,
                petugas=officer(petugas),
                catatan=catatan,
                oleh=oleh,
                tugaskan=tugaskan,
                pada=pada,
            )
        tell_step(done, json)

    @app.command(rich_help_panel="Alur SOP")
    def tutup(
        nomor: NomorArg,
        hasil: Annotated[str | None, typer.Option(help="Hasil penanganan.")] = None,
        dilaporkan: Annotated[
            bool,
            typer.Option(
                "--dilaporkan/--belum-dilaporkan",
                help="Kasus SP4N-LAPOR!: status sudah dilaporkan balik di SP4N-LAPOR!?",
            ),
        ] = False,
        pada: PadaOpt = None,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Tutup kasus dengan hasil penanganannya (SOP langkah 8)."""
        from lapor_cli.handling import close_case

        with opened(write=True) as ctx:
            done = close_case(
                ctx.session,
                nomor,
                now=ctx.now,
                petugas=officer(petugas),
                hasil=hasil,
                dilaporkan=dilaporkan,
                pada=pada,
            )
        tell_step(done, json, _verdict(done))

    @app.command(rich_help_panel="Alur SOP")
    def laporbalik(
        nomor: NomorArg,
        pada: PadaOpt = None,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Tandai status kasus SP4N-LAPOR! sudah dilaporkan balik di SP4N-LAPOR! (SOP langkah 9).

        Aduan ganda yang digabung ke kasus lain dilaporkan balik setelah kasus utamanya
        ditutup."""
        from lapor_cli.handling import report_back_case

        with opened(write=True) as ctx:
            done = report_back_case(
                ctx.session, nomor, now=ctx.now, petugas=officer(petugas), pada=pada
            )
        tell_step(done, json)

    @app.command(rich_help_panel="Alur SOP")
    def nilai(
        nomor: NomorArg,
        skor: Annotated[
            int, typer.Option(help="Penilaian pelapor 1 (buruk) sampai 5 (sangat baik).")
        ] = ...,  # type: ignore[assignment]
        komentar: Annotated[str | None, typer.Option(help="Komentar pelapor.")] = None,
        pada: PadaOpt = None,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Catat penilaian pelapor atas penanganan kasus yang sudah selesai (SOP langkah 9)."""
        from lapor_cli.handling import rate_case

        with opened(write=True) as ctx:
            done = rate_case(
                ctx.session,
                nomor,
                now=ctx.now,
                petugas=officer(petugas),
                skor=skor,
                komentar=komentar,
                pada=pada,
            )
        tell_step(done, json)

    @app.command(rich_help_panel="Melihat")
    def lihat(
        nomor: NomorArg,
        lengkap: Annotated[
            bool,
            typer.Option(
                "--lengkap", help="Tampilkan NIK, HP dan isi rahasia utuh (tercatat di riwayat)."
            ),
        ] = False,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Tampilkan satu kasus dengan seluruh riwayatnya."""
        from lapor_cli.listing import show_case

        if lengkap:  # the opening is recorded in the case's history
            with opened(write=True) as ctx:
                view = show_case(
                    ctx.session, nomor, now=ctx.now, reveal=True, petugas=officer(petugas)
                )
                view["kantor"] = ctx.settings["kantor_nama"]
        else:
            with reading() as read:
                view = show_case(read.db, nomor, now=read.now)
                view["kantor"] = read.settings["kantor_nama"]
        if json:
            emit_json(view)
            if view.get("rusak"):
                from lapor_cli.cli.render import warn_damaged

                warn_damaged(view)
        else:
            from lapor_cli.cli.render import render_case

            render_case(view)

    @app.command(rich_help_panel="Melihat")
    def daftar(
        status: Annotated[
            list[str] | None,
            typer.Option(
                help="Saring status (boleh berulang); 'terbuka' = semua yang belum selesai."
            ),
        ] = None,
        kanal: Annotated[str | None, typer.Option(help="Saring kanal.")] = None,
        bulan: Annotated[str | None, typer.Option(help="Bulan diterima, YYYY-MM.")] = None,
        cari: Annotated[
            str | None,
            typer.Option(
                help="Cari di nama, nomor dan uraian; atau NIK/nomor HP lengkap, ditulis "
                "bagaimana pun (0812-3456-7890, +62 812…)."
            ),
        ] = None,
        belum_dilaporkan: Annotated[
            bool,
            typer.Option(
                "--belum-dilaporkan", help="Kasus SP4N-LAPOR! yang belum dilaporkan balik."
            ),
        ] = False,
        batas: Annotated[
            int | None,
            typer.Option(
                help="Paling banyak N baris (bawaan 50 di layar, semua untuk --json; 0 = semua)."
            ),
        ] = None,
        meja: ReadDeskOpt = None,
        semua_meja: EveryDeskOpt = False,
        json: JsonOpt = False,
    ) -> None:
        """Daftar kasus dengan saringan dan pencarian."""
        from lapor_cli.dates import parse_month
        from lapor_cli.listing import list_cases, parse_statuses
        from lapor_cli.references import normalize_kanal

        statuses = parse_statuses(status or [])
        if batas is not None and batas < 0:
            raise ValidationError("batas", "--batas tidak boleh negatif.")
        limit = batas if batas is not None else (None if json else 50)
        with reading() as ctx:
            found = list_cases(
                ctx.db,
                now=ctx.now,
                status=statuses,
                kanal=normalize_kanal(kanal) if kanal else None,
                bulan=parse_month(bulan) if bulan else None,
                cari=cari,
                belum_dilaporkan=belum_dilaporkan,
                meja=meja,
                semua_meja=semua_meja,
                limit=limit,
            )
            if json:  # streamed: a million cases are never all in memory at once
                emit_json_list(found.views)
                return
            views = list(found.views)
        from lapor_cli.cli.render import render_list

        render_list(views, found.total)


def _verdict(done) -> str:
    """`tutup`: whether the case was closed within its deadline."""
    on_time = done.view["tepat_waktu"]
    if on_time is None:
        return ""
    return "; tepat waktu" if on_time else "; terlambat"
