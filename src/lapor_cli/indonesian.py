"""Indonesian date words: the names of days and months, and dates written the way a desk
writes them (``Senin, 23 November 2026 14:05``); whole numbers with a dot between thousands
(``1.159.000``).

Pure and independent of the machine's locale, so that a screen, a workbook and a letter say
the same on any computer. Used by the terminal layer (:mod:`lapor_cli.console` re-exports
:func:`tanggal`), the SLA calendar and the monev workbook.
"""

from __future__ import annotations

from datetime import date, datetime

__all__ = ["BULAN", "HARI", "angka", "bulan_tahun", "tanggal"]

HARI: tuple[str, ...] = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
"""Weekday names, indexed by ``date.weekday()`` (0 = Senin)."""

BULAN: tuple[str, ...] = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
"""Month names, indexed by ``month - 1``."""


def angka(number: int) -> str:
    """``1.159.000``: a whole number as Indonesian writes it."""
    return f"{number:,}".replace(",", ".")


def bulan_tahun(year: int, month: int) -> str:
    """``November 2026``."""
    return f"{BULAN[month - 1]} {year}"


def tanggal(value: date | datetime | None, *, with_day: bool = False, time: bool = False) -> str:
    """``23 November 2026``; with ``with_day`` ``Senin, 23 November 2026``; with ``time`` (a
    datetime only) `` 14:05`` after it. None is ``-``."""
    if value is None:
        return "-"
    text = f"{value.day} {BULAN[value.month - 1]} {value.year}"
    if with_day:
        text = f"{HARI[value.weekday()]}, {text}"
    if time and isinstance(value, datetime):
        text += f" {value:%H:%M}"
    return text
