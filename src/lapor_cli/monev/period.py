"""The period a monev covers — a month, a quarter (triwulan), a half-year (semester) or a
year — and the moment its figures are taken ("period end")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from lapor_cli.errors import ValidationError
from lapor_cli.indonesian import bulan_tahun

__all__ = ["Period", "month_period", "parse_period", "period_of"]

#: How many months each kind of period spans, by its code letter (none: a year).
_SPAN = {"Q": 3, "S": 6}
_ROMAN = ("I", "II", "III", "IV")
_CODE = re.compile(r"(\d{4})(?:-(?:([QS])(\d)|(\d{1,2})))?")


@dataclass(frozen=True)
class Period:
    """Calendar months of receipt and the moment their figures are taken ("period end")."""

    year: int
    month: int  # the first month
    start: datetime  # first moment of the first month
    stop: datetime  # first moment of the month after the last (exclusive)
    as_of: datetime  # period end: its last second, or now while it is running
    current: bool
    months: int = 1  # 1 (a month), 3 (triwulan), 6 (semester) or 12 (a year)

    @property
    def is_month(self) -> bool:
        return self.months == 1

    @property
    def key(self) -> str:
        """``2026-11``, ``2026-Q4``, ``2026-S2`` or ``2026``."""
        if self.months == 1:
            return f"{self.year:04d}-{self.month:02d}"
        if self.months == 12:
            return f"{self.year:04d}"
        letter = "Q" if self.months == 3 else "S"
        return f"{self.year:04d}-{letter}{(self.month - 1) // self.months + 1}"

    @property
    def kind(self) -> str:
        """``bulan``, ``triwulan``, ``semester`` or ``tahun``."""
        return {1: "bulan", 3: "triwulan", 6: "semester", 12: "tahun"}[self.months]

    @property
    def word(self) -> str:
        """How the labels call it: ``bulan`` for a month, ``periode`` otherwise."""
        return "bulan" if self.months == 1 else "periode"

    @property
    def last_day(self) -> date:
        return (self.stop - timedelta(days=1)).date()

    @property
    def label(self) -> str:
        """``November 2026``, ``Triwulan IV 2026``, ``Semester II 2026``, ``Tahun 2026``."""
        if self.months == 1:
            return bulan_tahun(self.year, self.month)
        if self.months == 12:
            return f"Tahun {self.year}"
        number = _ROMAN[(self.month - 1) // self.months]
        return f"{self.kind.capitalize()} {number} {self.year}"

    def month_periods(self) -> list[Period]:
        """The months of the period that have begun by period end, each as of its own end
        (the running one as of now)."""
        out = []
        for i in range(self.months):
            year, month = self.year + (self.month - 1 + i) // 12, (self.month - 1 + i) % 12 + 1
            if datetime(year, month, 1) > self.as_of:
                break
            out.append(month_period(year, month, now=self.as_of))
        return out


def _period(year: int, month: int, months: int, *, now: datetime, code: str) -> Period:
    start = datetime(year, month, 1)
    last = month - 1 + months
    stop = datetime(year + last // 12, last % 12 + 1, 1)
    if start > now:
        what = f"Bulan {code}" if months == 1 else f"Periode {code}"
        word = "bulan" if months == 1 else "periode"
        raise ValidationError(
            word,
            f"{what} belum dimulai (sekarang {now:%d/%m/%Y}); "
            f"monev hanya untuk {word} berjalan atau yang sudah lewat.",
        )
    current = now < stop
    as_of = now.replace(microsecond=0) if current else stop - timedelta(seconds=1)
    return Period(year, month, start, stop, as_of, current, months)


def month_period(year: int, month: int, *, now: datetime) -> Period:
    """The period of ``year``-``month`` as of ``now``; a month that has not begun is refused."""
    code = f"{year:04d}-{month:02d}"
    if not 1 <= month <= 12:
        raise ValidationError("bulan", f"Bulan {code} tidak dikenali.")
    return _period(year, month, 1, now=now, code=code)


def parse_period(value: str) -> tuple[int, int, int]:
    """``2026-Q4`` (triwulan 1–4), ``2026-S2`` (semester 1–2), ``2026`` (a year) or a month
    ``2026-11`` → (year, first month, months). Anything else is refused."""
    text = "".join(value.split()).upper()
    match = _CODE.fullmatch(text)
    if match is not None:
        year = int(match[1])
        if match[2]:
            months, number = _SPAN[match[2]], int(match[3])
            if year >= 1 and 1 <= number <= 12 // months:
                return year, (number - 1) * months + 1, months
        elif match[4]:
            if year >= 1 and 1 <= int(match[4]) <= 12:
                return year, int(match[4]), 1
        elif year >= 1:
            return year, 1, 12
    raise ValidationError(
        "periode",
        f"Periode {value!r} tidak dikenali. Tulis 2026-Q4 (triwulan 1–4), 2026-S2 "
        "(semester 1–2), 2026 (setahun) atau 2026-11 (sebulan).",
    )


def period_of(value: str, *, now: datetime) -> Period:
    """The period ``--periode`` names (:func:`parse_period`) as of ``now``; one that has not
    begun is refused as a month is."""
    year, month, months = parse_period(value)
    return _period(year, month, months, now=now, code="".join(value.split()).upper())
