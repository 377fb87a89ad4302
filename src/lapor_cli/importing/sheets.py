"""Reading an import file: a CSV or XLSX file as numbered rows (:func:`open_sheet`), and its
header row as column names (:func:`map_header`).

CSV goes through ``csv.reader``, a line of at most ``MAX_LINE_CHARS`` at a time (a cell at
most ``csv.field_size_limit()``, 131,072 characters). An XLSX file is first unpacked once to
check what it may expand to (:func:`.xlsx_limits.survey`), then read by python-calamine when
that proves its sheet small, else by openpyxl in read-only mode (memory then stays flat). Rows
are numbered as the spreadsheet shows them, the header included.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from lapor_cli.errors import LaporError
from lapor_cli.importing import xlsx_limits
from lapor_cli.importing.columns import (
    REQUIRED_COLUMNS,
    closest_heading,
    column_for,
    column_key,
    column_letter,
)
from lapor_cli.importing.results import RowError, shown
from lapor_cli.indonesian import angka

#: The template's sheet; a workbook is read from the sheet of this name, else its first one.
TEMPLATE_SHEET = "Formulir"
#: XLSX files up to this size may be read by python-calamine (whole sheet in memory: ~100 MB
#: for 4 MB, about 50,000 rows), when the survey also proves their sheet small
#: (``xlsx_limits.CALAMINE_MAX_*``); the others stream through openpyxl read-only.
CALAMINE_MAX_BYTES = 4 * 1024 * 1024
#: A CSV line longer than this (characters, its line break included) is refused before it is
#: read whole: a form's line is a few thousand; Excel's cells, 15 columns of at most 32,767.
MAX_LINE_CHARS = 1_048_576


@dataclass
class Sheet:
    """The rows of a file as the spreadsheet numbers them (header included)."""

    rows: Iterator[tuple[int, list[object]]]
    first_column: int  # the spreadsheet column of cells[0] (0 = A)
    position: Callable[[], int]  # progress units read so far
    total: int | None  # progress units in all


@contextmanager
def open_sheet(path: Path) -> Iterator[Sheet]:
    """Open a CSV or XLSX file (told apart by content, not by name) for streaming."""
    try:
        fh = path.open("rb")
    except FileNotFoundError:
        raise LaporError(f"Berkas {path} tidak ada.") from None
    except IsADirectoryError:
        raise LaporError(f"{path} adalah folder, bukan berkas CSV/XLSX.") from None
    except OSError as exc:
        raise LaporError(f"Berkas {path} tidak dapat dibuka: {exc.strerror}.") from None
    magic = fh.read(8)
    fh.seek(0)
    if magic.startswith(b"PK\x03\x04"):
        fh.close()
        with _xlsx_sheet(path) as sheet:
            yield sheet
        return
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        fh.close()
        raise LaporError(
            f"{path.name} adalah berkas Excel lama (.xls). Simpan sebagai .xlsx atau CSV UTF-8."
        )
    if magic.startswith((b"\xff\xfe", b"\xfe\xff")):
        fh.close()
        raise LaporError(
            f"{path.name} berenkode UTF-16. Simpan sebagai 'CSV UTF-8 (dipisah koma)' atau .xlsx."
        )
    text = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")
    try:
        yield _csv_sheet(path, fh, text)
    finally:
        text.close()


def _not_utf8(path: Path, row: int) -> LaporError:
    return LaporError(
        f"{path.name} bukan teks UTF-8 (sekitar baris {row}). Di Excel simpan sebagai "
        "'CSV UTF-8 (dipisah koma)', atau impor berkas .xlsx-nya."
    )


def _csv_sheet(path: Path, fh: IO[bytes], text: IO[str]) -> Sheet:
    """UTF-8 with or without BOM; the delimiter (comma or semicolon, as Excel in an
    Indonesian locale writes) is the one the header line uses more."""
    size = path.stat().st_size
    lines = _lines(path, text)
    try:
        first = next(lines, "")
    except UnicodeDecodeError:
        raise _not_utf8(path, 1) from None
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter)

    def rows() -> Iterator[tuple[int, list[object]]]:
        number = 0
        try:
            for number, record in enumerate(reader, start=1):  # used below
                yield number, record
        except UnicodeDecodeError:
            raise _not_utf8(path, number + 1) from None
        except csv.Error as exc:
            if "field larger" in str(exc):
                raise LaporError(
                    f"{path.name}: sel di baris {number + 1} terlalu panjang (lebih dari "
                    f"{csv.field_size_limit()} karakter); periksa tanda kutipnya."
                ) from None
            raise LaporError(f"{path.name}: CSV rusak di baris {number + 1}: {exc}.") from None

    return Sheet(rows(), 0, fh.tell, size)


def _lines(path: Path, text: IO[str]) -> Iterator[str]:
    """The lines of ``text``, each read only up to ``MAX_LINE_CHARS`` (a file without line
    breaks would otherwise be read whole into memory)."""
    number = 0
    while line := text.readline(MAX_LINE_CHARS + 1):
        number += 1
        if len(line) > MAX_LINE_CHARS:
            raise LaporError(
                f"{path.name}: baris {number} lebih dari {angka(MAX_LINE_CHARS)} karakter "
                "(batas impor; satu formulir hanya beberapa ribu). Periksa tanda kutip dan "
                "akhir barisnya, atau simpan ulang sebagai CSV dari Excel."
            )
        yield line


def _xlsx_cell(value: object) -> object:
    """A workbook cell as a plain value: empty → None; a whole number stays whole (NIKs and
    phone numbers typed as numbers come back as floats)."""
    if value is None or value == "":
        return None
    if type(value) is float and value.is_integer():
        return int(value)
    return value


@contextmanager
def _xlsx_sheet(path: Path) -> Iterator[Sheet]:
    """The sheet named ``Formulir`` (the template's), else the first sheet.

    The file is refused first if it unpacks to more than the limits of :mod:`.xlsx_limits`.
    python-calamine reads ~15× faster than openpyxl but holds the whole sheet in memory, so it
    reads files up to ``CALAMINE_MAX_BYTES`` whose sheet the survey proves small; the others
    stream through openpyxl in read-only mode, and memory stays flat however large the file
    is."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        CalamineWorkbook = None
    small = CalamineWorkbook is not None and path.stat().st_size <= CALAMINE_MAX_BYTES
    if not xlsx_limits.survey(path, calamine=small).calamine:
        with _openpyxl_sheet(path) as sheet:
            yield sheet
        return
    try:
        book = CalamineWorkbook.from_path(str(path))
        names = book.sheet_names
        sheet = book.get_sheet_by_name(TEMPLATE_SHEET if TEMPLATE_SHEET in names else names[0])
    except Exception as exc:  # calamine's errors have no common base class
        raise LaporError(f"{path.name} tidak dapat dibaca sebagai XLSX: {exc}") from None
    start = sheet.start or (0, 0)
    total = sheet.height + start[0]
    done = 0

    def rows() -> Iterator[tuple[int, list[object]]]:
        nonlocal done
        # iter_rows starts at the sheet's first row but at the first used column.
        for done, row in enumerate(sheet.iter_rows(), start=1):
            yield done, [_xlsx_cell(v) for v in row]

    try:
        yield Sheet(rows(), start[1], lambda: done, total)
    finally:
        book.close()


@contextmanager
def _openpyxl_sheet(path: Path) -> Iterator[Sheet]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zip, XML and openpyxl errors alike
        raise LaporError(f"{path.name} tidak dapat dibaca sebagai XLSX: {exc}") from None
    ws = book[TEMPLATE_SHEET] if TEMPLATE_SHEET in book.sheetnames else book.worksheets[0]
    total = ws.max_row
    done = 0

    def rows() -> Iterator[tuple[int, list[object]]]:
        nonlocal done
        read = ws.iter_rows(values_only=True)
        try:
            while True:
                try:
                    row = next(read, None)
                except Exception as exc:  # XML and openpyxl errors alike
                    raise LaporError(
                        f"{path.name} rusak di sekitar baris {done + 1}: {exc}. Buka dan "
                        "simpan ulang berkasnya di Excel."
                    ) from None
                if row is None:
                    return
                done += 1
                if done > xlsx_limits.MAX_ROWS:  # a row beyond the sheet: openpyxl fills the gap
                    raise LaporError(
                        f"{path.name} berisi lebih dari {angka(xlsx_limits.MAX_ROWS)} baris "
                        "(batas lembar Excel): berkasnya rusak atau bukan buatan Excel."
                    )
                yield done, [_xlsx_cell(v) for v in row]
        finally:
            read.close()  # its part of the zip, now (not when the collector finds it)

    try:
        yield Sheet(rows(), 0, lambda: done, total)
    finally:
        book.close()


def map_header(
    cells: list[object], first_column: int, row: int = 1
) -> tuple[list[str | None], list[RowError]]:
    """Column names by position (None: a column without a title) and the problems of the
    header (found on spreadsheet row ``row``). A heading is a column's name or one of its
    aliases (``Tgl Diterima``, ``No. HP``: :data:`~.columns.COLUMN_TABLE`); an unknown one is
    named with the closest known heading."""
    names: list[str | None] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells):
        title = "" if cell is None else str(cell).strip()
        letter = column_letter(first_column + index)
        if not column_key(title):
            names.append(None)
            continue
        key = column_for(title)
        if key is None:
            errors.append(RowError(row, title, shown(title), _unknown_heading(title, letter)))
            names.append(None)
            continue
        if key in seen:
            errors.append(
                RowError(
                    row,
                    key,
                    shown(cell),
                    f"Kolom {key} muncul dua kali (kolom {column_letter(first_column + seen[key])}"
                    f" {cells[seen[key]]!s} dan {letter} {title}). Hapus salah satunya.",
                )
            )
        seen[key] = index
        names.append(key)
    for key in REQUIRED_COLUMNS:
        if key not in seen:
            errors.append(
                RowError(
                    row,
                    key,
                    None,
                    f"Kolom wajib {key!r} tidak ada di baris judul. Tambahkan kolom itu "
                    "(buat templat dengan `lapor impor --templat FILE.xlsx`).",
                )
            )
    return names, errors


def _unknown_heading(title: str, letter: str) -> str:
    """``Kolom 'Tgl Terima' (kolom B) tidak dikenal; maksudnya 'Tgl Diterima' (kolom
    diterima)? …``."""
    text = f"Kolom {title!r} (kolom {letter}) tidak dikenal"
    close = closest_heading(title)
    if close is None:
        return (
            f"{text}. Pakai judul kolom templat (`lapor impor --templat FILE.xlsx`), atau hapus "
            "kolom itu."
        )
    column, heading = close
    which = f"{heading!r}" if heading == column else f"{heading!r} (kolom {column})"
    return f"{text}; maksudnya {which}? Ganti judulnya, atau hapus kolom itu."
