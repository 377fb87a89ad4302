"""The month a monev covers, and the moment its figures are taken ("month end")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from lapor_cli.errors import ValidationError
from lapor_cli.indonesian import bulan_tahun

__all__ = ["Period", "month_period"]


@dataclass(frozen=True)
class Period:
    """One calendar month of receipt and the moment its figures are taken ("month end")."""

    year: int
    month: int
    start: datetime  # first moment of the month
    stop: datetime  # first moment of the next month (exclusive)
    as_of: datetime  # month end: the month's last second, or now while it is running
    current: bool

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def last_day(self) -> date:
        return (self.stop - timedelta(days=1)).date()

    @property
    def label(self) -> str:
        """``November 2026``."""
        return bulan_tahun(self.year, self.month)


def month_period(year: int, month: int, *, now: datetime) -> Period:
    """The period of ``year``-``month`` as of ``now``; a month that has not begun is refused."""
    start = datetime(year, month, 1)
    stop = datetime(year + month // 12, month % 12 + 1, 1)
    if start > now:
        raise ValidationError(
            "bulan",
            f"Bulan {year:04d}-{month:02d} belum dimulai (sekarang {now:%d/%m/%Y}); "
            "monev hanya untuk bulan berjalan atau yang sudah lewat.",
        )
    current = now < stop
    as_of = now.replace(microsecond=0) if current else stop - timedelta(seconds=1)
    return Period(year, month, start, stop, as_of, current)
