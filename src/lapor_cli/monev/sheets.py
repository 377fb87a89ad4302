"""The workbook's tables, each declared once: one :class:`~lapor_cli.monev.cells.Column` per
column, holding its header, its width, how a row gives its value and the kind of cell. Adding
a column is adding one line here; :mod:`lapor_cli.monev.workbook` writes whatever is listed.

- *Kasus*: the month's cases, a row per (fact, detail) pair.
- *Terlambat*: every case overdue at month end (the month's and carried over), one fact a row.
- *Terbawa*: the earlier cases still open at month end, one fact a row.
- *Per unit* / *Per meja*: a :class:`~lapor_cli.monev.figures.UnitLine` a row.
"""

from __future__ import annotations

from dataclasses import replace

from lapor_cli.monev.cells import (
    DECIMAL,
    MOMENT,
    PERCENT,
    TEXT,
    Column,
    fit,
    fit_text,
    headers,
)
from lapor_cli.monev.facts import SP4N, CaseFacts
from lapor_cli.monev.privacy import ANONIM_TEXT, name_cell, nik_cell, phone_cell, uraian_cell

__all__ = [
    "CARRIED_COLUMNS",
    "CARRIED_HEADERS",
    "CASE_COLUMNS",
    "DESK_COLUMNS",
    "KASUS_HEADERS",
    "LATE_COLUMNS",
    "LATE_HEADERS",
    "MONTH_COLUMNS",
    "SHARE_HEADER",
    "UNIT_COLUMNS",
]


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("ya" if value else "tidak")


def _reported_back(fact: CaseFacts) -> str | None:
    """An SP4N-LAPOR! case closed by month end: reported back on the national system yet?"""
    if fact.kanal == SP4N and fact.closed:
        return "ya" if fact.dilaporkan_balik else "belum"
    return None


CASE_COLUMNS: tuple[Column, ...] = (
    Column("Nomor", fit("nomor", len("Nomor")), lambda f, d: f.nomor),
    Column("Diterima", 17, lambda f, d: f.diterima, MOMENT),
    Column("Kanal", fit("kanal", 5), lambda f, d: f.kanal),
    Column("Jenis", 10, lambda f, d: f.jenis),
    Column("Kategori", fit("kategori", 8), lambda f, d: f.kategori, TEXT),
    Column("Unit", fit("unit", 4, cap=45), lambda f, d: f.unit, TEXT),
    Column("Status akhir bulan", 16, lambda f, d: f.status),
    Column("Batas waktu", 17, lambda f, d: f.batas, MOMENT),
    Column("Ditutup", 17, lambda f, d: f.ditutup, MOMENT),
    Column("Tepat waktu", 9, lambda f, d: _yes_no(f.tepat_waktu)),
    Column("Hari kerja selesai", 10, lambda f, d: f.hari_kerja),
    Column("Hari terlambat", 10, lambda f, d: f.hari_terlambat),
    Column("Kewenangan", 11, lambda f, d: _yes_no(f.kewenangan)),
    Column("Skor", 6, lambda f, d: f.skor),
    Column(
        "Nomor SP4N-LAPOR!", fit_text("nomor_lapor", 12, cap=30), lambda f, d: d.nomor_lapor, TEXT
    ),
    Column("Dilaporkan balik", 10, lambda f, d: _reported_back(f)),
    # blank = no: fewer cells to write
    Column("Anonim", 8, lambda f, d: "ya" if d.anonim else None),
    Column("Rahasia", 8, lambda f, d: "ya" if d.rahasia else None),
    Column(
        "Nama pelapor",
        fit_text("nama", len(ANONIM_TEXT), 12, cap=40),
        lambda f, d: name_cell(d),
        TEXT,
    ),
    Column("NIK", 19, lambda f, d: nik_cell(d), TEXT),
    # "+62…": text with quotePrefix, or an edit would make it a formula
    Column("HP", 17, lambda f, d: phone_cell(d), TEXT),
    Column("Uraian", fit_text("uraian", 10, cap=80), lambda f, d: uraian_cell(d), TEXT),
)

LATE_COLUMNS: tuple[Column, ...] = (
    Column("Nomor", fit("nomor", empty=13), lambda f: f.nomor),
    Column("Diterima", 17, lambda f: f.diterima, MOMENT),
    Column("Asal", 17, lambda f: "bulan ini" if f.bulan_ini else "bulan sebelumnya"),
    Column("Kanal", 13, lambda f: f.kanal),
    Column("Jenis", 10, lambda f: f.jenis),
    Column("Kategori", fit("kategori", empty=8), lambda f: f.kategori, TEXT),
    Column("Unit", fit("unit", cap=45, empty=4), lambda f: f.unit, TEXT),
    Column("Status akhir bulan", 16, lambda f: f.status),
    Column("Batas waktu", 13, lambda f: f.batas, MOMENT),
    Column("Umur (hari)", 11, lambda f: f.umur_hari),
    Column("Hari terlambat", 14, lambda f: f.hari_terlambat),
)

CARRIED_COLUMNS: tuple[Column, ...] = (
    Column("Nomor", fit("nomor", empty=13), lambda f: f.nomor),
    Column("Diterima", 17, lambda f: f.diterima, MOMENT),
    Column("Kanal", 13, lambda f: f.kanal),
    Column("Jenis", 10, lambda f: f.jenis),
    Column("Kategori", fit("kategori", empty=8), lambda f: f.kategori, TEXT),
    Column("Unit", fit("unit", cap=45, empty=4), lambda f: f.unit, TEXT),
    Column("Status akhir bulan", 16, lambda f: f.status),
    Column("Batas waktu", 13, lambda f: f.batas, MOMENT),
    Column("Terlambat", 10, lambda f: "ya" if f.terlambat else "tidak"),
    Column("Hari terlambat", 14, lambda f: f.hari_terlambat),
    Column("Umur (hari)", 11, lambda f: f.umur_hari),
)

SHARE_HEADER = "Porsi tepat waktu"  # charted under the per-unit and per-desk tables
UNIT_COLUMNS: tuple[Column, ...] = (
    Column("Unit", fit("label", cap=50, empty=10), lambda line: line.label, TEXT),
    Column("Diterima", 11, lambda line: line.diterima),
    Column("Selesai", 11, lambda line: line.selesai),
    Column("Tepat waktu", 12, lambda line: line.tepat_waktu),
    Column(SHARE_HEADER, 14, lambda line: line.porsi_tepat_waktu, PERCENT),
    Column("Terlambat per akhir bulan", 14, lambda line: line.terlambat),
    Column("Rata-rata hari kerja", 14, lambda line: line.rata_hari_kerja, DECIMAL),
)
DESK_COLUMNS: tuple[Column, ...] = (replace(UNIT_COLUMNS[0], header="Meja"), *UNIT_COLUMNS[1:])
MONTH_COLUMNS: tuple[Column, ...] = (replace(UNIT_COLUMNS[0], header="Bulan"), *UNIT_COLUMNS[1:])

KASUS_HEADERS = headers(CASE_COLUMNS)
LATE_HEADERS = headers(LATE_COLUMNS)
CARRIED_HEADERS = headers(CARRIED_COLUMNS)
