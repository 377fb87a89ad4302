"""The office's own calendar: days it closes (``libur tambah``), holidays it works after all
(``libur hapus``), and a year's non-working days as the deadlines see them (``libur``).

The office's days win over the ``holidays`` package's (SPEC §3); they are rows of
``hari_kantor``, and deadlines are derived from the calendar as it stands at each command.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from lapor_cli.deadlines import Deadlines
from lapor_cli.errors import NotFoundError, ValidationError
from lapor_cli.holiday_calendar import NonWorkingDay
from lapor_cli.models import OfficeDay
from lapor_cli.validation import clean_text

__all__ = ["Removed", "add_day_off", "days_of_year", "remove_day_off"]


def days_of_year(session: Session, year: int) -> list[NonWorkingDay]:
    """The non-working days of ``year``: the package's and the office's, cancellations out."""
    if not 1950 <= year <= 2100:
        raise ValidationError("tahun", f"Tahun {year} di luar jangkauan (1950–2100).")
    book = Deadlines(session)
    book.ensure_years(year, year)
    return [d for d in book.days() if d.tanggal.year == year]


def add_day_off(
    session: Session,
    day: date,
    keterangan: str,
    *,
    sk: str | None = None,
    now: datetime,
    petugas: str,
) -> str:
    """A day the office is closed (a regional anniversary, new cuti bersama); returns the
    description as stored. A holiday the office had cancelled becomes a day off again."""
    text = clean_text("keterangan", keterangan)
    if not text:
        raise ValidationError("keterangan", "Keterangan hari libur tidak boleh kosong.")
    sk = clean_text("sk", sk)
    petugas = clean_text("petugas", petugas) or "petugas"
    existing = session.get(OfficeDay, day)
    if existing is not None and existing.jenis == "libur":
        raise ValidationError(
            "tanggal", f"{day:%d/%m/%Y} sudah libur kantor ({existing.keterangan})."
        )
    if existing is not None:
        session.delete(existing)
        session.flush()
    session.add(
        OfficeDay(tanggal=day, jenis="libur", keterangan=text, sk=sk, dicatat=now, oleh=petugas)
    )
    return text


@dataclass(frozen=True, slots=True)
class Removed:
    """What ``libur hapus`` did: withdrew an office day off, or made a package holiday a
    working day (``holiday``: its name)."""

    tanggal: date
    holiday: str | None


def remove_day_off(
    session: Session,
    day: date,
    *,
    keterangan: str | None = None,
    now: datetime,
    petugas: str,
) -> Removed:
    """Make ``day`` a working day: withdraw the office's own day off, or cancel a holiday of
    the package (moved or cancelled by decree; ``keterangan``: e.g. the SKB's number)."""
    keterangan = clean_text("keterangan", keterangan)
    petugas = clean_text("petugas", petugas) or "petugas"
    existing = session.get(OfficeDay, day)
    if existing is not None and existing.jenis == "kerja":
        raise ValidationError("tanggal", f"{day:%d/%m/%Y} sudah dijadikan hari kerja.")
    holiday = Deadlines(session).package_day(day)
    if existing is not None:
        session.delete(existing)  # an office day off, withdrawn
        session.flush()
        if holiday is None:
            return Removed(day, None)
    if holiday is None:
        raise NotFoundError(
            f"{day:%d/%m/%Y} bukan hari libur; tidak ada yang dihapus. "
            f"Lihat `lapor libur --tahun {day.year}`."
        )
    session.add(
        OfficeDay(
            tanggal=day,
            jenis="kerja",
            keterangan=keterangan or f"{holiday.keterangan} dibatalkan",
            dicatat=now,
            oleh=petugas,
        )
    )
    return Removed(day, holiday.keterangan)
