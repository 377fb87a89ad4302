"""The workbook's tables, each declared once: one :class:`~lapor_cli.monev.cells.Column` per
column, holding its header, its width, how a row gives its value and the kind of cell. Adding
a column is adding one line here; :mod:`lapor_cli.monev.workbook` writes whatever is listed.

- *Kasus*: the month's cases, a row per (fact, detail) pair; its first
  :data:`PRINTED_CASE_COLUMNS` columns are the printed page.
- *Terlambat*: every case overdue at month end (the month's and carried over), one fact a row.
- *Terbawa*: the earlier cases still open at month end, one fact a row.
- *Per unit* / *Per meja*: a :class:`~lapor_cli.monev.figures.UnitLine` a row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from lapor_cli.monev.cells import (
    DECIMAL,
    MOMENT,
    PERCENT,
    TEXT,
    WRAPPED,
    Column,
    fit,
    fit_text,
    headers,
)
from lapor_cli.monev.facts import SP4N, CaseFacts
from lapor_cli.monev.labels import jenis_label, kanal_label, kategori_label, status_label
from lapor_cli.monev.privacy import ANONIM_TEXT, name_cell, nik_cell, phone_cell, uraian_cell

__all__ = [
    "AGE_DAYS",
    "CARRIED_COLUMNS",
    "CARRIED_HEADERS",
    "CASE_COLUMNS",
    "CASE_COLUMNS_WITHOUT_NAMES",
    "DONE_DAYS",
    "IDENTITY_HEADERS",
    "LATE_DAYS",
    "PRINTED_CASE_COLUMNS",
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


def _deadline_width(facts: Sequence[CaseFacts], report: object) -> float:
    """A date (dd/mm/yyyy), or a moment when a deadline in minutes is listed."""
    return 16.5 if any(f.satuan == "menit" for f in facts) else 12.5


def _reported_back(fact: CaseFacts) -> str | None:
    """An SP4N-LAPOR! case closed by month end: reported back on the national system yet?"""
    if fact.kanal == SP4N and fact.closed:
        return "ya" if fact.dilaporkan_balik else "belum"
    return None


#: Headers of a number of days say which days: working days (the deadlines' count) or
#: calendar days (a case's age).
DONE_DAYS = "Lama selesai (hari kerja)"
LATE_DAYS = "Hari terlambat (hari kerja)"
AGE_DAYS = "Umur (hari kalender)"

#: The case list's columns. The first :data:`PRINTED_CASE_COLUMNS` are the printed page (its
#: print area): what a reader of the report needs, at a readable size on A4 landscape. The
#: rest (closing moment, authority, rating, SP4N-LAPOR! follow-up, identity) are for
#: filtering on screen; the reporter's identity is never printed.
CASE_COLUMNS: tuple[Column, ...] = (
    Column("Nomor", fit("nomor", len("Nomor")), lambda f, d: f.nomor),
    Column("Diterima", 16.5, lambda f, d: f.diterima, MOMENT),
    Column("Kanal", 12, lambda f, d: kanal_label(f.kanal), WRAPPED),
    Column("Jenis", 11, lambda f, d: jenis_label(f.jenis), WRAPPED),
    Column("Kategori", 18, lambda f, d: kategori_label(f.kategori), WRAPPED),
    Column("Uraian", fit_text("uraian", 16, cap=34), lambda f, d: uraian_cell(d), WRAPPED),
    Column("Unit", fit("unit", 4, cap=18), lambda f, d: f.unit, WRAPPED),
    Column("Status akhir bulan", 14, lambda f, d: status_label(f.status), WRAPPED),
    Column("Batas waktu", _deadline_width, lambda f, d: f.batas, MOMENT),
    Column("Tepat waktu", 9, lambda f, d: _yes_no(f.tepat_waktu)),
    Column(DONE_DAYS, 10, lambda f, d: f.hari_kerja),
    Column(LATE_DAYS, 12, lambda f, d: f.hari_terlambat),
    # -- not printed: for filtering on screen
    Column("Ditutup", 16.5, lambda f, d: f.ditutup, MOMENT),
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
)
PRINTED_CASE_COLUMNS = 12
#: The reporter's identity: left out of the workbook with ``ekspor --tanpa-nama``.
IDENTITY_HEADERS = ("Nama pelapor", "NIK", "HP")
CASE_COLUMNS_WITHOUT_NAMES = tuple(c for c in CASE_COLUMNS if c.header not in IDENTITY_HEADERS)

LATE_COLUMNS: tuple[Column, ...] = (
    Column("Nomor", fit("nomor", empty=13), lambda f: f.nomor),
    Column("Diterima", 16.5, lambda f: f.diterima, MOMENT),
    Column("Asal", 11, lambda f: "bulan ini" if f.bulan_ini else "bulan sebelumnya", WRAPPED),
    Column("Kanal", 12, lambda f: kanal_label(f.kanal), WRAPPED),
    Column("Jenis", 12, lambda f: jenis_label(f.jenis), WRAPPED),
    Column("Kategori", 22, lambda f: kategori_label(f.kategori), WRAPPED),
    Column("Unit", fit("unit", cap=24, empty=4), lambda f: f.unit, WRAPPED),
    Column("Status akhir bulan", 14, lambda f: status_label(f.status), WRAPPED),
    Column("Batas waktu", _deadline_width, lambda f: f.batas, MOMENT),
    Column(AGE_DAYS, 11, lambda f: f.umur_hari),
    Column(LATE_DAYS, 12, lambda f: f.hari_terlambat),
)

CARRIED_COLUMNS: tuple[Column, ...] = (
    Column("Nomor", fit("nomor", empty=13), lambda f: f.nomor),
    Column("Diterima", 16.5, lambda f: f.diterima, MOMENT),
    Column("Kanal", 12, lambda f: kanal_label(f.kanal), WRAPPED),
    Column("Jenis", 12, lambda f: jenis_label(f.jenis), WRAPPED),
    Column("Kategori", 22, lambda f: kategori_label(f.kategori), WRAPPED),
    Column("Unit", fit("unit", cap=24, empty=4), lambda f: f.unit, WRAPPED),
    Column("Status akhir bulan", 14, lambda f: status_label(f.status), WRAPPED),
    Column("Batas waktu", _deadline_width, lambda f: f.batas, MOMENT),
    Column("Terlambat", 10, lambda f: "ya" if f.terlambat else "tidak"),
    Column(LATE_DAYS, 12, lambda f: f.hari_terlambat),
    Column(AGE_DAYS, 11, lambda f: f.umur_hari),
)

SHARE_HEADER = "Porsi tepat waktu"  # charted under the per-unit and per-desk tables
UNIT_DAYS = "Rata-rata lama selesai (hari kerja)"
UNIT_COLUMNS: tuple[Column, ...] = (
    Column("Unit", fit("label", cap=50, empty=10), lambda line: line.label, TEXT),
    Column("Diterima", 11, lambda line: line.diterima),
    Column("Selesai", 11, lambda line: line.selesai),
    Column("Tepat waktu", 12, lambda line: line.tepat_waktu),
    Column(SHARE_HEADER, 14, lambda line: line.porsi_tepat_waktu, PERCENT),
    Column("Terlambat per akhir bulan", 14, lambda line: line.terlambat),
    Column(UNIT_DAYS, 16, lambda line: line.rata_hari_kerja, DECIMAL),
)
DESK_COLUMNS: tuple[Column, ...] = (replace(UNIT_COLUMNS[0], header="Meja"), *UNIT_COLUMNS[1:])
MONTH_COLUMNS: tuple[Column, ...] = (replace(UNIT_COLUMNS[0], header="Bulan"), *UNIT_COLUMNS[1:])

KASUS_HEADERS = headers(CASE_COLUMNS)
LATE_HEADERS = headers(LATE_COLUMNS)
CARRIED_HEADERS = headers(CARRIED_COLUMNS)
