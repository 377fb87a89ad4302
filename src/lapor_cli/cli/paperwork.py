"""The desk's paperwork: attachments (``lampiran``), the reporter's receipt slip
(``tanda-terima``) and letters to the reporter (``surat``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from lapor_cli.cli._app import JsonOpt, LaporTyper, OfficerOpt, officer, opened
from lapor_cli.cli.usage import IndonesianGroup
from lapor_cli.console import console, emit_json, literal, message, styled

PANEL = "Berkas dan surat"
NomorArg = Annotated[str, typer.Argument(help="Nomor register kasus, mis. DS-2026-00042.")]
TimpaOpt = Annotated[bool, typer.Option("--timpa", help="Timpa berkas keluaran yang sudah ada.")]


class ListByDefault(IndonesianGroup):
    """``lampiran NOMOR`` is ``lampiran daftar NOMOR``: a first argument that names no
    subcommand is the case number."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["daftar", *args]
        return super().parse_args(ctx, args)


def _render_attachments(nomor: str, items: list[dict]) -> None:
    if not items:
        message(
            f"Kasus {nomor} belum punya lampiran. Tambahkan: lapor lampiran tambah {nomor} BERKAS"
        )
        return
    from rich.table import Table

    table = Table(title=f"Lampiran {nomor}", title_justify="left", header_style="bold")
    for col in ("ID", "Nama", "Jenis", "Ukuran", "Ditambahkan", "Oleh", "Keterangan"):
        table.add_column(col, justify="right" if col in ("ID", "Ukuran") else "left")
    for item in items:
        when = (item["ditambahkan"] or "").replace("T", " ")[:16]
        cells = (
            item["id"],
            item["nama"],
            item["jenis_label"],
            item["ukuran_teks"],
            when,
            item["oleh"],
            item["keterangan"] or "",
        )
        table.add_row(*(literal(c) for c in cells))
    console.print(table)


def register(app: typer.Typer) -> None:
    lampiran_app = LaporTyper(
        cls=ListByDefault,
        help="Lampiran kasus (pindaian, foto, PDF, DOCX/XLSX): `lampiran NOMOR` menampilkan "
        "daftarnya; `lampiran tambah NOMOR BERKAS…`; `lampiran ambil NOMOR ID --keluaran BERKAS`.",
        subcommand_metavar="[NOMOR | tambah | ambil] ...",
    )
    app.add_typer(lampiran_app, name="lampiran", rich_help_panel=PANEL)

    @lampiran_app.command("daftar")
    def daftar(nomor: NomorArg, json: JsonOpt = False) -> None:
        """Daftar lampiran satu kasus: nama, jenis, ukuran, kapan, oleh siapa."""
        from lapor_cli.attachments import list_attachments

        with opened(write=False) as ctx:
            view = list_attachments(ctx.session, nomor)
        if json:
            emit_json(view)
            return
        _render_attachments(view["nomor"], view["lampiran"])

    @lampiran_app.command("tambah")
    def tambah(
        nomor: NomorArg,
        berkas: Annotated[
            list[Path],
            typer.Argument(
                metavar="BERKAS...",
                help="Berkas yang dilampirkan: PDF, JPEG, PNG, HEIC, DOCX, XLSX atau TXT.",
            ),
        ],
        keterangan: Annotated[
            str | None, typer.Option(help="Keterangan, mis. 'fotokopi KK'.", show_default=False)
        ] = None,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Lampirkan berkas ke kasus. Jenis dikenali dari isinya; program ditolak; berkas
        yang sama disimpan sekali."""
        from lapor_cli.attachments import add_attachments

        with opened(write=True) as ctx:
            added = add_attachments(
                ctx.session,
                nomor,
                list(berkas),
                now=ctx.now,
                petugas=officer(petugas),
                keterangan=keterangan,
            )
        if json:
            emit_json(
                {
                    "nomor": added.nomor,
                    "ditambahkan": added.ditambahkan,
                    "sudah_ada": added.sudah_ada,
                }
            )
            return
        for item in added.ditambahkan:
            message(
                styled(
                    f"Dilampirkan ke {added.nomor}: ",
                    (f"#{item['id']}", "bold"),
                    f" {item['nama']} ({item['jenis_label']}, {item['ukuran_teks']})",
                )
            )
        for item in added.sudah_ada:
            message(
                f"Sudah ada di {added.nomor} sebagai lampiran #{item['id']} "
                f"({item['nama']}): {item['berkas']} tidak dilampirkan lagi."
            )
        console.print(literal(added.nomor))

    @lampiran_app.command("ambil")
    def ambil(
        nomor: NomorArg,
        ident: Annotated[
            int, typer.Argument(metavar="ID", help="ID lampiran (lapor lampiran NOMOR).")
        ],
        keluaran: Annotated[
            Path, typer.Option("--keluaran", help="Berkas tujuan.", show_default=False)
        ],
        timpa: TimpaOpt = False,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Salin satu lampiran ke berkas (hanya dapat dibaca pemiliknya; tercatat di riwayat)."""
        from lapor_cli.attachments import fetch_attachment

        with opened(write=True) as ctx:
            view = fetch_attachment(
                ctx.session,
                nomor,
                ident,
                keluaran,
                now=ctx.now,
                petugas=officer(petugas),
                overwrite=timpa,
            )
        if json:
            emit_json(view)
            return
        message(
            f"Lampiran #{view['id']} {view['nama']} ({view['ukuran_teks']}) ditulis ke "
            f"{view['keluaran']}."
        )


def _write(target: Path, data: bytes, overwrite: bool) -> None:
    from lapor_cli.attachments import write_file

    write_file(target, data, overwrite=overwrite)


def register_receipt(app: typer.Typer) -> None:
    @app.command("tanda-terima", rich_help_panel=PANEL)
    def tanda_terima(
        nomor: NomorArg,
        keluaran: Annotated[
            Path | None,
            typer.Option(
                "--keluaran",
                help="Berkas tujuan (bawaan: tanda-terima-NOMOR.pdf; dengan --teks: layar).",
                show_default=False,
            ),
        ] = None,
        teks: Annotated[
            bool,
            typer.Option("--teks", help="Teks biasa untuk printer termal/dot-matrix, bukan PDF."),
        ] = False,
        lebar: Annotated[
            int, typer.Option(help="Lebar teks (--teks) dalam kolom: 32 untuk rol 58 mm.")
        ] = 40,
        kertas: Annotated[
            str, typer.Option(help="Ukuran kertas PDF: a5 atau a4.", show_default=True)
        ] = "a5",
        timpa: TimpaOpt = False,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Tanda terima untuk pelapor: nomor register, waktu diterima, batas waktu, cara
        menanyakan kasusnya. Tanpa NIK; isi kasus rahasia tidak dicetak."""
        from lapor_cli.errors import ValidationError
        from lapor_cli.files import target_problem
        from lapor_cli.receipts import receipt, receipt_text

        page = kertas.strip().upper()
        if page not in ("A5", "A4"):
            raise ValidationError("kertas", f"Kertas {kertas!r} tidak dikenal. Pilihan: a5, a4.")
        target = keluaran
        if target is None and not teks:
            target = Path(f"tanda-terima-{nomor.strip().upper()}.pdf")
        if target is not None:
            problem = target_problem(target, overwrite=timpa)
            if problem:
                raise ValidationError("keluaran", problem)
        text = None
        with opened(write=True) as ctx:
            slip = receipt(
                ctx.session,
                nomor,
                now=ctx.now,
                petugas=officer(petugas),
                settings=ctx.settings,
                kind="teks" if teks else "pdf",
            )
            if teks:
                text = receipt_text(slip, lebar)
                data = text.encode("utf-8")
            else:
                from lapor_cli.documents import receipt_pdf

                data = receipt_pdf(slip, now=ctx.now, page=page)
            if target is not None:
                _write(target, data, timpa)
        if json:
            doc = {**slip.as_json(), "berkas": str(target) if target else None}
            if target is None:
                doc["teks"] = text
            emit_json(doc)
            return
        if target is None:
            console.out(text, end="", highlight=False)
            return
        message(f"Tanda terima {slip.nomor} ditulis ke {target}.")


def register_letter(app: typer.Typer) -> None:
    @app.command("surat", rich_help_panel=PANEL)
    def surat(
        nomor: NomorArg,
        jenis: Annotated[
            str,
            typer.Option(
                "--jenis",
                metavar="jawaban|rujukan|arsip",
                help="jawaban (hasil/jawaban normatif), rujukan (bukan kewenangan, dirujuk ke "
                "instansi lain) atau arsip (bukan kewenangan, diarsipkan).",
                show_default=False,
            ),
        ],
        keluaran: Annotated[
            list[Path] | None,
            typer.Option(
                "--keluaran",
                help="Berkas tujuan, .pdf atau .docx (boleh berulang; bawaan: "
                "surat-JENIS-NOMOR.pdf dan .docx).",
                show_default=False,
            ),
        ] = None,
        nomor_surat: Annotated[
            str | None,
            typer.Option(
                "--nomor-surat",
                help="Nomor surat keluar dari buku agenda kantor (bawaan: dikosongkan).",
                show_default=False,
            ),
        ] = None,
        timpa: TimpaOpt = False,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Surat untuk pelapor dari data kasusnya, dengan templat kantor (data/surat.toml):
        PDF untuk dicetak dan DOCX untuk disunting."""
        from lapor_cli.errors import ValidationError
        from lapor_cli.files import target_problem

        kind = jenis.strip().lower()
        targets = list(keluaran or [])
        if not targets:
            stem = f"surat-{kind}-{nomor.strip().upper()}"
            targets = [Path(f"{stem}.pdf"), Path(f"{stem}.docx")]
        formats: list[str] = []
        for target in targets:
            suffix = target.suffix.lower().lstrip(".")
            if suffix not in ("pdf", "docx"):
                raise ValidationError(
                    "keluaran",
                    f"{target}: surat ditulis sebagai .pdf atau .docx; ganti akhiran namanya.",
                )
            problem = target_problem(target, overwrite=timpa)
            if problem:
                raise ValidationError("keluaran", problem)
            formats.append(suffix)
        from lapor_cli.documents import letter_docx, letter_pdf
        from lapor_cli.letters import letter

        with opened(write=True) as ctx:
            made = letter(
                ctx.session,
                nomor,
                jenis=jenis,
                now=ctx.now,
                petugas=officer(petugas),
                settings=ctx.settings,
                nomor_surat=nomor_surat,
                formats=tuple(dict.fromkeys(formats)),
            )
            # every document made before the first is written: a failure writes none
            made_files = [
                (target, (letter_pdf if kind_of_file == "pdf" else letter_docx)(made, now=ctx.now))
                for target, kind_of_file in zip(targets, formats, strict=True)
            ]
            for target, data in made_files:
                _write(target, data, timpa)
        if json:
            emit_json(
                {
                    "nomor": nomor.strip().upper(),
                    "jenis": kind,
                    "perihal": made.perihal,
                    "berkas": [str(t) for t in targets],
                }
            )
            return
        for target in targets:
            message(f"Surat {kind} ditulis ke {target}.")
