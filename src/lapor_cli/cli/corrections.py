"""Mistakes mended: ubah (correct intake fields), batal (void), gabung (merge a duplicate),
buka (reopen a disputed answer). Parse, call the core, render."""

from __future__ import annotations

from typing import Annotated

import typer

from lapor_cli.cli._app import (
    JsonOpt,
    OfficerOpt,
    PadaOpt,
    officer,
    opened,
    read_from_stdin,
    tell_step,
)
from lapor_cli.console import console, emit_json, literal, message, styled, tanggal, warn

NomorArg = Annotated[str, typer.Argument(help="Nomor register kasus, mis. DS-2026-00042.")]
PANEL = "Koreksi"


def register(app: typer.Typer) -> None:
    @app.command(rich_help_panel=PANEL)
    def ubah(
        nomor: NomorArg,
        alasan: Annotated[
            str | None, typer.Option(help="Wajib: mengapa data dikoreksi (tercatat di riwayat).")
        ] = None,
        diterima: Annotated[
            str | None,
            typer.Option(help="Waktu diterima yang benar: 2026-11-23, '2026-11-23 14:05'."),
        ] = None,
        lama: Annotated[
            bool,
            typer.Option(
                "--lama",
                help="Waktu diterima yang benar memang lama (tahun lalu, atau lebih dari 30 "
                "hari lalu).",
            ),
        ] = False,
        kanal: Annotated[str | None, typer.Option(help="Kanal masuk yang benar.")] = None,
        jenis: Annotated[str | None, typer.Option(help="aduan, aspirasi atau informasi.")] = None,
        uraian: Annotated[str | None, typer.Option(help="Uraian yang benar.")] = None,
        nama: Annotated[str | None, typer.Option(help="Nama pelapor yang benar.")] = None,
        nik: Annotated[
            str | None, typer.Option(help="NIK yang benar; '-' = dari masukan standar.")
        ] = None,
        kk: Annotated[
            str | None, typer.Option(help="Nomor KK yang benar; '-' = dari masukan standar.")
        ] = None,
        hp: Annotated[
            str | None, typer.Option(help="Nomor HP yang benar; '-' = dari masukan standar.")
        ] = None,
        email: Annotated[str | None, typer.Option(help="Email pelapor.")] = None,
        alamat: Annotated[str | None, typer.Option(help="Alamat pelapor.")] = None,
        nomor_lapor: Annotated[
            str | None, typer.Option("--nomor-lapor", help="Nomor tiket SP4N-LAPOR!.")
        ] = None,
        nomor_formulir: Annotated[
            str | None, typer.Option("--nomor-formulir", help="Nomor formulir kertas.")
        ] = None,
        segera: Annotated[
            bool | None,
            typer.Option(
                "--segera/--tidak-segera", help="Kasus mendesak atau tidak.", show_default=False
            ),
        ] = None,
        rahasia: Annotated[
            bool | None,
            typer.Option(
                "--rahasia/--tidak-rahasia",
                help="Isi laporan rahasia atau tidak.",
                show_default=False,
            ),
        ] = None,
        kategori: Annotated[
            str | None, typer.Option(help="Kategori yang benar (kasus yang sudah diverifikasi).")
        ] = None,
        klasifikasi: Annotated[
            str | None,
            typer.Option(
                help="Klasifikasi aduan yang sudah diverifikasi: berkadar-pengawasan atau "
                "tidak-berkadar-pengawasan; '' = kosongkan."
            ),
        ] = None,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Koreksi data kasus yang salah catat; nilai lama dan baru tercatat di riwayat.

        Isian diperiksa sama seperti `catat`. Batas waktu mengikuti data yang benar: waktu
        diterima menggeser batas waktu; kanal, jenis, segera, kategori dan klasifikasi memilih
        lagi aturan dari profil SLA kasus itu; kasus yang sudah ditutup dinilai ulang tepat
        waktunya.
        Isian teks kosong ('') menghapus isian yang tidak wajib (mis. --email '')."""
        from lapor_cli.correcting import correct_case

        nik, kk, hp = read_from_stdin(
            {"nik": nik, "kk": kk, "hp": hp},
            {"nik": "NIK pelapor", "kk": "Nomor KK", "hp": "Nomor HP pelapor"},
        )
        fields = {
            "diterima": diterima,
            "kanal": kanal,
            "jenis": jenis,
            "uraian": uraian,
            "nama": nama,
            "nik": nik,
            "kk": kk,
            "hp": hp,
            "email": email,
            "alamat": alamat,
            "nomor_lapor": nomor_lapor,
            "nomor_formulir": nomor_formulir,
            "segera": segera,
            "rahasia": rahasia,
            "kategori": kategori,
            "klasifikasi": klasifikasi,
        }
        with opened(write=True) as ctx:
            done = correct_case(
                ctx.session,
                nomor,
                fields,
                now=ctx.now,
                petugas=officer(petugas),
                alasan=alasan,
                lama=lama,
            )
        if json:
            emit_json(
                {
                    **done.view,
                    "perubahan": {
                        name: {"lama": old, "baru": new}
                        for name, (old, new) in done.perubahan.items()
                    },
                }
            )
        else:
            _tell_correction(done)
        for note in done.notes:
            warn(note)
        if done.duplicates:
            warn(
                f"NIK/HP yang sama sudah ada di kasus terbuka {', '.join(done.duplicates)} — "
                "mungkin kasus ganda (`lapor gabung`)."
            )

    @app.command(rich_help_panel=PANEL)
    def batal(
        nomor: NomorArg,
        alasan: Annotated[
            str | None, typer.Option(help="Wajib: mengapa kasus ini salah catat.")
        ] = None,
        pada: PadaOpt = None,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Batalkan kasus yang salah catat (status dibatalkan, final).

        Kasus keluar dari sla, rekap dan monev; nomornya tidak dipakai lagi dan riwayatnya
        tetap. Cari dengan `lapor daftar --status dibatalkan`."""
        from lapor_cli.handling import void_case

        with opened(write=True) as ctx:
            done = void_case(
                ctx.session, nomor, now=ctx.now, petugas=officer(petugas), alasan=alasan, pada=pada
            )
        tell_step(done, json)

    @app.command(rich_help_panel=PANEL)
    def gabung(
        nomor: Annotated[str, typer.Argument(help="Nomor kasus ganda (yang digabungkan).")],
        ke: Annotated[str, typer.Option("--ke", metavar="UTAMA", help="Nomor kasus utama.")] = ...,  # type: ignore[assignment]
        alasan: Annotated[str | None, typer.Option(help="Wajib: mengapa kedua aduan sama.")] = None,
        pada: PadaOpt = None,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Gabungkan aduan ganda ke kasus utamanya (status digabung, final).

        Aduan yang sama dihitung sekali, di kasus utama; `lapor lihat UTAMA` menyebut semua
        pelapor dan kanalnya. Pelapor aduan ganda diberi tahu hasil kasus utama: kasus
        SP4N-LAPOR! yang digabung muncul di `daftar --belum-dilaporkan` setelah kasus utama
        ditutup."""
        from lapor_cli.handling import merge_case

        with opened(write=True) as ctx:
            done = merge_case(
                ctx.session,
                nomor,
                ke=ke,
                now=ctx.now,
                petugas=officer(petugas),
                alasan=alasan,
                pada=pada,
            )
        tell_step(done, json, f", kasus utama {done.view['digabung_ke']}")

    @app.command(rich_help_panel=PANEL)
    def buka(
        nomor: NomorArg,
        alasan: Annotated[
            str | None, typer.Option(help="Wajib: keberatan pelapor atas jawaban kasus.")
        ] = None,
        pada: PadaOpt = None,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Buka kembali kasus selesai yang jawabannya disanggah pelapor.

        Kasus kembali ke unitnya (didisposisikan), atau ke meja pengaduan (terverifikasi)
        bila dulu dijawab normatif, dengan batas tahap tindak lanjut baru sejak dibuka.
        Penutupan sebelumnya tetap di riwayat."""
        from lapor_cli.handling import reopen_case

        with opened(write=True) as ctx:
            done = reopen_case(
                ctx.session, nomor, now=ctx.now, petugas=officer(petugas), alasan=alasan, pada=pada
            )
        tell_step(done, json, f"; batas waktu {tanggal(done.batas_waktu, with_day=True)}")


def _tell_correction(done) -> None:
    """One line per corrected field, then the deadline when it moved; the number on stdout."""
    from lapor_cli.correcting import CORRECTABLE

    nomor = done.view["nomor"]
    message(styled("Dikoreksi: ", (nomor, "bold"), f" (status {done.view['status']})"))
    for name, (old, new) in done.perubahan.items():
        hidden = done.perubahan.keys()  # a change of `rahasia` hides the uraian too
        shown_old = _shown(name, old, done.view, hidden)
        shown_new = _shown(name, new, done.view, hidden)
        message(literal(f"  {CORRECTABLE[name]}: {shown_old} → {shown_new}"))
    if done.batas_waktu != done.batas_sebelum:
        message(
            f"Batas waktu: {tanggal(done.batas_sebelum, with_day=True)} → "
            f"{tanggal(done.batas_waktu, with_day=True)}."
        )
    if done.tepat_waktu is not None:
        verdict = "tepat waktu" if done.tepat_waktu[1] else "terlambat"
        message(f"Dinilai ulang: kasus ini ditutup {verdict} menurut data yang benar.")
    console.print(literal(nomor))


def _shown(name: str, value: object, view: dict, hidden) -> str:
    from datetime import datetime

    from lapor_cli.views import RAHASIA_TEXT, private_text

    if value is None or value == "":
        return "(kosong)"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if name == "diterima":
        return tanggal(datetime.fromisoformat(str(value)), time=True)
    if name == "uraian":
        if view["rahasia"] or "rahasia" in hidden:
            return RAHASIA_TEXT
        text = private_text(str(value))
        return text if len(text) <= 60 else text[:57] + "…"
    return str(value)
