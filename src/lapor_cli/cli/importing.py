"""The importing family: ``lapor impor FILE`` (paper forms from CSV/XLSX) and
``lapor impor --templat FILE.xlsx``. Parse, call the core (``lapor_cli.importing``), render."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lapor_cli.cli._app import (
    DeskOpt,
    JsonOpt,
    OfficerOpt,
    now_for,
    officer,
    opened,
    state,
    writing,
)
from lapor_cli.console import console, emit_json, err_console, literal, message, styled, warn
from lapor_cli.errors import LaporError

if TYPE_CHECKING:
    from lapor_cli.importing import ImportResult, Progress, RowError

#: Errors listed on a terminal; ``--json`` always carries all of them.
SCREEN_ERRORS = 1_000
#: Files smaller than this are checked too quickly for a progress bar to help.
BAR_FROM_BYTES = 256 * 1024
#: The error table, a column a line: (header, Rich column options, the cell of a RowError).
ERROR_COLUMNS: tuple[tuple[str, dict[str, Any], Callable[[RowError], str]], ...] = (
    ("Baris", {"justify": "right", "no_wrap": True}, lambda e: str(e.baris)),
    ("Kolom", {"no_wrap": True}, lambda e: e.kolom or "-"),
    ("Nilai", {"overflow": "fold", "max_width": 30}, lambda e: e.nilai or ""),
    ("Masalah", {"overflow": "fold"}, lambda e: e.pesan),
)


def register(app: typer.Typer) -> None:
    @app.command(rich_help_panel="Impor dan ekspor")
    def impor(
        berkas: Annotated[
            Path | None,
            typer.Argument(
                metavar="FILE",
                help="Berkas CSV (UTF-8, dipisah koma atau titik koma) atau XLSX; baris 1 = "
                "judul kolom.",
                show_default=False,
            ),
        ] = None,
        uji: Annotated[
            bool, typer.Option("--uji", help="Periksa saja dan laporkan; tidak menulis apa pun.")
        ] = False,
        lama: Annotated[
            bool,
            typer.Option(
                "--lama",
                help="Tanggal diterima yang lama (tahun lalu, atau lebih dari 30 hari lalu) "
                "memang benar, untuk seluruh berkas.",
            ),
        ] = False,
        perbarui: Annotated[
            bool,
            typer.Option(
                "--perbarui",
                help="Baris yang nomor formulirnya sudah diimpor tetapi isinya berubah: "
                "koreksi kasusnya (seperti `ubah`, alasan: nama berkas) alih-alih dilewati.",
            ),
        ] = False,
        templat: Annotated[
            Path | None,
            typer.Option(
                "--templat",
                metavar="FILE.xlsx",
                help="Buat templat XLSX kosong (judul kolom, daftar pilihan, petunjuk).",
                show_default=False,
            ),
        ] = None,
        timpa: Annotated[
            bool, typer.Option("--timpa", help="Dengan --templat: timpa berkas yang sudah ada.")
        ] = False,
        meja: DeskOpt = None,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Impor formulir kertas dari CSV/XLSX. Semua baris diperiksa dulu; satu baris salah →
        tidak ada yang ditulis. Baris yang sudah ada di register dilewati."""
        if templat is not None:
            if berkas is not None:
                raise typer.BadParameter(
                    "pakai FILE atau --templat, tidak keduanya.", param_hint="FILE"
                )
            _template(templat.expanduser(), timpa=timpa, json=json)
            return
        if berkas is None:
            raise typer.BadParameter(
                "sebutkan berkas yang diimpor, atau --templat FILE.xlsx untuk membuat templat.",
                param_hint="FILE",
            )
        try:
            result = _import(
                berkas.expanduser(),
                uji=uji,
                lama=lama,
                perbarui=perbarui,
                meja=meja,
                petugas=petugas,
                json=json,
            )
        except KeyboardInterrupt:
            raise LaporError("Impor dibatalkan (Ctrl-C); register tidak berubah.") from None
        _render(result, json=json)


def _template(path: Path, *, timpa: bool, json: bool) -> None:
    from lapor_cli.importing import write_template

    write_template(path, replace=timpa)
    if json:
        emit_json({"templat": str(path)})
        return
    console.print(styled("Templat impor ditulis: ", (str(path), "bold")))
    message("Isi lembar 'Formulir' (petunjuk di lembar 'Petunjuk'), lalu: lapor impor BERKAS --uji")


def _import(
    path: Path,
    *,
    uji: bool,
    lama: bool,
    perbarui: bool,
    meja: str | None,
    petugas: str | None,
    json: bool,
) -> ImportResult:
    from lapor_cli import importing

    show_bar = not json and sys.stderr.isatty() and importing.file_size(path) >= BAR_FROM_BYTES
    with _progress(show_bar) as progress:
        return importing.run_import(
            path,
            opened=opened,
            petugas=officer(petugas),
            meja=meja,
            uji=uji,
            lama=lama,
            perbarui=perbarui,
            progress=progress,
            clock=_early_clock,
            writing=writing,
        )


def _early_clock() -> tuple[str, datetime]:
    """(the register's time zone, its clock) as well as they can be told without opening the
    register (no SQLAlchemy yet): the zone read from a register file with sqlite3, else the
    usual one. A wrong guess costs time only: the check is made again with the write's own
    clock (``importing.parallel``)."""
    zone = _stored_zone() or "Asia/Jakarta"
    fixed = os.environ.get("LAPOR_WAKTU")
    if fixed:
        return zone, now_for(zone)
    from zoneinfo import ZoneInfo

    return zone, datetime.now(ZoneInfo(zone)).replace(tzinfo=None, microsecond=0)


def _stored_zone() -> str | None:
    """The ``zona_waktu`` a register file given by --db or LAPOR_DB holds (None: not told)."""
    import sqlite3

    where = None if state.demo else (state.db or os.environ.get("LAPOR_DB"))
    if not where or "://" in where or not Path(where).expanduser().is_file():
        return None
    try:
        uri = Path(where).expanduser().resolve().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True)
        try:
            row = conn.execute("SELECT nilai FROM pengaturan WHERE kunci = 'zona_waktu'").fetchone()
        finally:
            conn.close()
    except (sqlite3.Error, OSError, ValueError):
        return None
    return row[0] if row else None


@contextmanager
def _progress(show: bool) -> Iterator[Progress | None]:
    """A Rich progress bar on stderr (a terminal only), fed by the core's callback."""
    if not show:
        yield None
        return
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    labels = {
        "periksa": "Memeriksa baris",
        "tulis": "Menulis ke register",
        "impor": "Memeriksa dan menulis",
    }
    bar = Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TaskProgressColumn(),
        # Live needs the Console itself (it enters it as a context manager), not the lazy
        # proxy that console.py exports.
        console=err_console.real(),
        transient=True,
        # No refresh thread: a large import starts a second process, which must not be
        # forked from a process with threads. The bar is redrawn at each update instead.
        auto_refresh=False,
    )
    tasks: dict[str, int] = {}

    def update(phase: str, done: int, total: int | None) -> None:
        if phase not in tasks:
            tasks[phase] = bar.add_task(labels.get(phase, phase), total=total)
        bar.update(tasks[phase], completed=done, total=total)
        bar.refresh()

    with bar:
        yield update


def _render(result: ImportResult, *, json: bool) -> None:
    from lapor_cli.importing import ImportRefused

    if json:
        emit_json(result.as_json())
    elif result.galat:
        _error_table(result)
    else:
        _summary(result)
    if not json:
        for note in result.peringatan:
            warn(note)  # shown exactly: notes quote the file's own values
    if result.galat:
        raise ImportRefused(result.galat, header_row=result.header_row, bad_rows=result.bad_rows)


def _error_table(result: ImportResult) -> None:
    from rich import box
    from rich.table import Table

    from lapor_cli.importing.checks import MAX_LISTED_ROWS
    from lapor_cli.indonesian import angka

    table = Table(box=box.SIMPLE_HEAD, header_style="bold", show_lines=False)
    for header, options, _cell in ERROR_COLUMNS:
        table.add_column(header, **options)
    for error in result.galat[:SCREEN_ERRORS]:
        # Values and messages quote what the file holds ("[", "[/]", …): shown exactly.
        table.add_row(*(literal(cell(error)) for _header, _options, cell in ERROR_COLUMNS))
    console.print(table)
    if len(result.galat) > SCREEN_ERRORS:
        console.print(
            literal(
                f"… dan {angka(len(result.galat) - SCREEN_ERRORS)} masalah lain; "
                "semuanya tercantum dengan --json."
            )
        )
    if result.unlisted_rows:
        console.print(
            literal(
                f"… dan {angka(result.unlisted_rows)} baris bermasalah lainnya (dirinci hanya "
                f"{angka(MAX_LISTED_ROWS)} baris bermasalah pertama; perbaiki dulu yang ini)."
            )
        )


def _summary(result: ImportResult) -> None:
    skipped = (
        f"; {result.dilewati} baris dilewati karena sudah ada (di register atau di baris "
        "sebelumnya)"
        if result.dilewati
        else ""
    )
    if result.diperbarui:
        from lapor_cli.importing.updating import listed

        verb = "akan dikoreksi" if result.uji else "dikoreksi"
        skipped = (
            f"; {result.diperbarui} kasus yang sudah ada {verb} "
            f"({listed(result.nomor_diperbarui)}){skipped}"
        )
    if result.uji:
        console.print(
            literal(
                f"Uji saja, tidak ada yang ditulis: {result.baris} baris sah; "
                f"{result.diimpor} akan diimpor{skipped}."
            )
        )
    elif result.diimpor:
        numbers = (
            result.nomor_awal
            if result.nomor_awal == result.nomor_akhir
            else f"{result.nomor_awal} s.d. {result.nomor_akhir}"
        )
        console.print(
            styled("Diimpor: ", (str(result.diimpor), "bold"), f" kasus ({numbers}){skipped}.")
        )
    else:
        console.print(literal(f"Tidak ada kasus baru{skipped}."))
