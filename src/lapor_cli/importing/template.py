"""The blank import workbook (``lapor impor --templat FILE.xlsx``): the 'Formulir' sheet with
the headers, drop-downs for the value lists, a date format for ``diterima`` and Teks format for
the number columns, and a 'Petunjuk' sheet that explains every column. Both are drawn from
:data:`.columns.COLUMN_TABLE`.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from lapor_cli.errors import LaporError, ValidationError
from lapor_cli.files import replacing, target_problem
from lapor_cli.importing.columns import COLUMN_TABLE, Column, column_letter
from lapor_cli.importing.sheets import TEMPLATE_SHEET

if TYPE_CHECKING:
    from openpyxl import Workbook

HELP_SHEET = "Petunjuk"
TEMPLATE_ROWS = 1_048_576  # drop-downs and formats run to the sheet's last row

#: The number format of a column's cells, by the column's kind.
CELL_FORMAT = {"date": "yyyy-mm-dd hh:mm", "number": "@"}

GENERAL_HELP = (
    "Satu baris = satu formulir kertas. Baris 1 adalah judul kolom: jangan diubah (judul lain "
    "yang juga dikenali ada di kolom 'Judul lain' di bawah).",
    "Ya/tidak boleh ditulis ya/tidak, y/t, 1/0 atau true/false; kosong berarti tidak.",
    "Periksa dulu tanpa menulis apa pun: lapor impor BERKAS.xlsx --uji",
    "Tanggal diterima dari tahun lalu atau lebih dari 30 hari lalu ditolak sebagai salah ketik; "
    "bila memang benar, impor dengan --lama (berlaku untuk seluruh berkas).",
    "Semua atau tidak sama sekali: bila ada baris yang salah, tidak ada yang ditulis dan "
    "setiap baris yang salah disebut dengan nomor baris, kolom dan alasannya.",
    "Mengimpor berkas yang sama lagi tidak menggandakan kasus (lihat kolom nomor_formulir).",
    "Berkas CSV juga diterima (UTF-8, dipisah koma atau titik koma) dengan judul kolom yang sama.",
)


class GuideColumn(NamedTuple):
    """A column of the 'Petunjuk' sheet's table: one line per import column."""

    header: str
    width: int
    value: Callable[[Column], str]
    wrap: bool = False
    as_text: bool = False  # Teks format: an example NIK stays 16 digits


GUIDE_COLUMNS = (
    GuideColumn("Kolom", 18, lambda column: column.name),
    GuideColumn("Wajib", 20, lambda column: column.need),
    GuideColumn("Isi", 90, lambda column: column.help, wrap=True),
    GuideColumn("Contoh", 22, lambda column: column.example, as_text=True),
    GuideColumn("Judul lain", 40, lambda column: column.aliases, wrap=True),
)


def write_template(path: Path, *, replace: bool = False) -> None:
    """Write the blank import workbook to ``path`` (an ``.xlsx``); an existing file only with
    ``replace``, a symbolic link never (:func:`lapor_cli.files.replacing`)."""
    problem = target_problem(path, overwrite=replace)
    if problem:
        raise ValidationError("templat", problem)
    if path.suffix.lower() != ".xlsx":
        raise ValidationError("templat", f"Templat harus berkas .xlsx (diberikan {path.name}).")
    # Built in memory, then written beside ``path`` and renamed: a full disk leaves no partial
    # file (nor a half-closed zip that complains again when Python collects it).
    try:
        content = io.BytesIO()
        _template_book().save(content)  # openpyxl's sheets pass through temporary files
        with replacing(path, overwrite=replace, field="templat") as partial:
            partial.file.write(content.getvalue())
    except OSError as exc:
        raise LaporError(
            f"Templat tidak dapat ditulis ke {path}: {exc.strerror}. Periksa ruang disk dan "
            "izin foldernya."
        ) from None


def _template_book() -> Workbook:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    ws = book.active
    ws.title = TEMPLATE_SHEET
    ws.append([column.name for column in COLUMN_TABLE])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(COLUMN_TABLE):
        letter = column_letter(index)
        cell = ws[f"{letter}1"]
        cell.font, cell.fill = bold, fill
        dim = ws.column_dimensions[letter]
        dim.width = column.width or max(12, len(column.name) + 4)
        if column.kind in CELL_FORMAT:
            dim.number_format = CELL_FORMAT[column.kind]
        if column.wrap:
            dim.alignment = Alignment(wrap_text=True, vertical="top")
        if column.choices:
            rule = DataValidation(
                type="list",
                formula1='"' + ",".join(column.choices) + '"',
                allow_blank=True,
                showErrorMessage=True,
                showInputMessage=True,
                errorTitle=f"{column.name} tidak dikenal",
                error=f"Pilih {column.name} dari daftar: {', '.join(column.choices)}.",
                promptTitle=column.name,
                prompt=column.prompt,
            )
            rule.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
            ws.add_data_validation(rule)
    ws.freeze_panes = "A2"

    guide = book.create_sheet(HELP_SHEET)
    guide.append(["Petunjuk pengisian templat impor lapor-cli"])
    guide["A1"].font = Font(bold=True, size=14)
    guide.append([])
    for line in GENERAL_HELP:
        guide.append([line])
    guide.append([])
    guide.append([g.header for g in GUIDE_COLUMNS])
    for cell in guide[guide.max_row]:
        cell.font, cell.fill = bold, fill
    for column in COLUMN_TABLE:
        guide.append([g.value(column) for g in GUIDE_COLUMNS])
        for index, g in enumerate(GUIDE_COLUMNS, start=1):
            if g.as_text:
                guide.cell(guide.max_row, index).number_format = "@"
            if g.wrap:
                guide.cell(guide.max_row, index).alignment = Alignment(
                    wrap_text=True, vertical="top"
                )
    for index, g in enumerate(GUIDE_COLUMNS):
        guide.column_dimensions[column_letter(index)].width = g.width
    return book
