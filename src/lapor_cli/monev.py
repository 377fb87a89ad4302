"""The monthly monitoring-and-evaluation (monev) figures and the workbook built from them.

One computation feeds both ``lapor rekap`` (Rich tables / JSON) and ``lapor ekspor`` (XLSX):
:func:`monthly` reads the month's cases with SQLAlchemy Core (columns, never ORM objects),
derives one :class:`CaseFacts` per case and sums them into a :class:`Monev`; the workbook's
case list is written from those very facts, so every summary figure can be recounted from
the sheet next to it. Nothing here asks what time it is: "now" is a parameter.

Definitions (the workbook's *Catatan* block says the same in Indonesian)
-------------------------------------------------------------------------

- **The month's cases**: receipt time ``diterima`` in ``[1st 00:00, 1st of next month
  00:00)``. Stored times are already naive office-local time, so this is the office's month.
- **Month end** ("keadaan per"): the last second of the month (23:59:59 of its last day), or
  *now* while the month is still running. A month that has not begun is refused.
- **Closed**: ``ditutup`` is set and ``<= month end`` (status ``selesai`` or ``diarsipkan``;
  the SOP never reopens a case, so "open at month end" is exactly "not closed by then").
- **Status at month end**: a closed case has its closing status; an open one the
  ``ke_status`` of its last history entry (``riwayat``, highest id) with ``waktu <= month
  end``. A case recorded after month end with an earlier receipt date had no entry yet and
  counts as ``diterima``.
- **Completion rate** = closed ÷ received. **On-time share** = closed on time ÷ closed, where
  "on time" is the ``tepat_waktu`` stored when the case was closed (or archived); a closed case
  without it is judged against its deadline now.
- **Working days to close** = ``calendar.count_workdays(diterima.date(), ditutup.date())``:
  the working days in (day of receipt, day of closing] under the case's profile calendar as it
  stands now (``Deadlines.calendar``); 0 = closed on the day it came in. Average and median
  over the closed cases.
- **Deadline** = ``Deadlines.due(row)``: the rule the case keeps, today's calendar, pauses
  counted up to month end.
- **Overdue at month end**: open at month end and month end is past the deadline. **Days
  late**: for such a case the working days in (deadline day, month-end day]; for a case closed
  late the working days in (deadline day, closing day]; never negative; blank otherwise.
  **Age** (``umur_hari``): calendar days from the day of receipt to the month-end day.
- **Carried over**: received before the month and still open at month end (listed in sheet
  *Terbawa*; the overdue ones also in *Terlambat*). The per-unit table and the other figures
  cover the month's own cases only.
- **Rating**: the ``skor`` of the month's cases that were closed by month end, as known when
  the report is made (a reporter rates after closing, possibly after month end).
- **Not in authority**: closed by month end with ``kewenangan`` false (archived; the reporter
  was told and possibly referred elsewhere).
- **SP4N-LAPOR! not reported back**: channel ``sp4n-lapor``, closed by month end, and
  ``dilaporkan_balik`` not true *now* (null counts as not reported: an archived case is
  reported back too). It is a to-do list, so it reflects today.
- **Category and unit** are the case's current ones: they classify the case, not its progress.

Privacy and safety of the workbook
----------------------------------

- NIK and phone are masked (``mask_nik``, ``mask_phone``); KK, email and address are left
  out. An anonim case shows no identity at all (name ``(anonim)``, NIK and HP empty). A
  rahasia case shows ``(rahasia)`` instead of its description. In descriptions, runs of 16
  digits (a NIK or KK typed into the text) and Indonesian mobile numbers are masked too.
- Text from the register is always a text cell, never a formula: openpyxl turns any ``str``
  starting with ``=`` into a formula (and ``#N/A`` etc. into error values), so a value that
  starts with ``= + - @ #``, a tab or a CR is written as a cell whose type is forced to text
  (``t="inlineStr"``) and given Excel's *quotePrefix* style, which keeps it text even when
  someone edits the cell later. The text itself is kept exactly as typed: no apostrophe or
  invisible character is added, so what the citizen wrote is what the reader sees.

Memory and speed: only the facts stay in memory (a few hundred bytes per case, repeated
values shared); names and descriptions are read in a second pass over a Core cursor and go
straight into openpyxl's write-only sheets, which stream to disk. The workbook is written to
a temporary file beside the target that replaces it only once complete. openpyxl is imported
inside :func:`write_workbook` (it costs ~200 ms), so ``rekap`` never pays for it. Writing
cells is openpyxl's cost (``benchmarks/bench_ekspor.py`` compares it with a bare write).
"""

from __future__ import annotations

import os
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from lapor_cli.console import BULAN, tanggal
from lapor_cli.deadlines import Deadlines
from lapor_cli.desks import DeskInfo, all_desks
from lapor_cli.errors import LaporError, ValidationError
from lapor_cli.models import Case, History
from lapor_cli.references import JENIS, JENIS_LABEL, KANAL, categories, kategori_label, units
from lapor_cli.validation import mask_nik, mask_phone
from lapor_cli.views import RAHASIA_TEXT, iso
from lapor_cli.workflow import CLOSED_STATUSES, OPEN_STATUSES, Status

SP4N = "sp4n-lapor"
NO_UNIT = "Tanpa unit (tidak/belum diteruskan)"
NO_CATEGORY = "Belum diverifikasi"
ANONIM_TEXT = "(anonim)"
SHEETS = ("Ringkasan", "Per unit", "Kasus", "Terlambat", "Terbawa")
#: The sheet a monev spanning several desks adds after "Per unit".
DESK_SHEET = "Per meja"
STATUS_ORDER = tuple(Status)

# ---------------------------------------------------------------- the period


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
        return f"{BULAN[self.month - 1]} {self.year}"


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


# ---------------------------------------------------------------- per-case facts


@dataclass(slots=True)
class CaseFacts:
    """One case as the month's figures see it (everything "as of month end")."""

    id: int
    nomor: str
    meja: str
    diterima: datetime
    kanal: str
    jenis: str
    kategori: str | None
    unit: str | None
    status: str  # at month end
    batas_waktu: datetime
    satuan: str  # "hari_kerja" | "menit": a deadline in minutes is a moment, else a date
    ditutup: datetime | None  # closing moment if closed by month end
    tepat_waktu: bool | None  # closed: within the deadline?
    hari_kerja: int | None  # closed: working days to close
    terlambat: bool  # open and past the deadline at month end
    hari_terlambat: int | None  # working days past the deadline (see module docstring)
    umur_hari: int | None  # open: calendar days since receipt, at month end
    skor: int | None  # rating of a case closed by month end
    kewenangan: bool | None
    dilaporkan_balik: bool | None
    bulan_ini: bool  # received in the month (False: carried over)

    @property
    def closed(self) -> bool:
        return self.ditutup is not None

    @property
    def bukan_kewenangan(self) -> bool:
        return self.closed and self.kewenangan is False

    @property
    def belum_dilaporkan_balik(self) -> bool:
        return self.kanal == SP4N and self.closed and not self.dilaporkan_balik

    def batas_iso(self) -> str:
        if self.satuan == "menit":
            return iso(self.batas_waktu) or ""
        return self.batas_waktu.date().isoformat()

    def as_json(self) -> dict[str, object]:
        return {
            "nomor": self.nomor,
            "diterima": iso(self.diterima),
            "kanal": self.kanal,
            "jenis": self.jenis,
            "kategori": self.kategori,
            "unit": self.unit,
            "status": self.status,
            "batas_waktu": self.batas_iso(),
            "umur_hari": self.umur_hari,
            "hari_terlambat": self.hari_terlambat,
            "bulan_ini": self.bulan_ini,
        }


FACT_COLUMNS = (
    Case.id,
    Case.nomor,
    Case.meja,
    Case.diterima,
    Case.kanal,
    Case.jenis,
    Case.kategori,
    Case.unit,
    Case.status,
    Case.ditutup,
    Case.tepat_waktu,
    Case.kewenangan,
    Case.dilaporkan_balik,
    Case.skor,
    Case.sla_profil,
    Case.sla_satuan,
    Case.sla_nilai,
    Case.sla_perpanjangan,
    Case.diperpanjang,
)
DETAIL_COLUMNS = (
    Case.id,
    Case.nomor_lapor,
    Case.nama,
    Case.nik,
    Case.hp,
    Case.anonim,
    Case.rahasia,
    Case.uraian,
)


class _OpenAtMonthEnd:
    """A row as it stood at month end, when it was still open: its later closing must not
    decide which pauses count towards its deadline (``Deadlines.due`` reads ``ditutup``)."""

    __slots__ = ("_row",)
    ditutup = None

    def __init__(self, row: Any) -> None:
        self._row = row

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)


def _facts(
    row: Any,
    book: Deadlines,
    period: Period,
    status_end: dict[int, str],
    share: Callable[[Any], Any],
) -> CaseFacts:
    """One case's facts. ``share`` returns one shared copy of equal values: the driver gives
    every row its own copy of "whatsapp", and 100,000 cases keep the facts in memory."""
    as_of = period.as_of
    closed = row.ditutup is not None and row.ditutup <= as_of
    if row.ditutup is not None and not closed and book.pauses(row.id):
        due = book.due(_OpenAtMonthEnd(row))
    else:
        due = book.due(row)
    cal = book.calendar(row.sla_profil)
    if closed:
        status = row.status
        on_time = row.tepat_waktu if row.tepat_waktu is not None else row.ditutup <= due
        workdays = cal.count_workdays(row.diterima.date(), row.ditutup.date())
        late = None if on_time else max(0, cal.count_workdays(due.date(), row.ditutup.date()))
        overdue, age = False, None
    else:
        status = status_end.get(row.id, Status.DITERIMA)
        if status in CLOSED_STATUSES:  # history and columns disagree: trust "not closed"
            status = row.status if row.status in OPEN_STATUSES else Status.DITERIMA
        on_time, workdays = None, None
        overdue = as_of > due
        late = max(0, cal.count_workdays(due.date(), as_of.date())) if overdue else None
        age = (as_of.date() - row.diterima.date()).days
    return CaseFacts(
        id=row.id,
        nomor=row.nomor,
        meja=share(row.meja),
        diterima=row.diterima,
        kanal=share(row.kanal),
        jenis=share(row.jenis),
        kategori=share(row.kategori),
        unit=share(row.unit),
        status=share(str(status)),
        batas_waktu=due,
        satuan=share(row.sla_satuan),
        ditutup=row.ditutup if closed else None,
        tepat_waktu=on_time,
        hari_kerja=workdays,
        terlambat=overdue,
        hari_terlambat=late,
        umur_hari=age,
        skor=row.skor if closed else None,
        kewenangan=row.kewenangan,
        dilaporkan_balik=row.dilaporkan_balik,
        bulan_ini=row.diterima >= period.start,
    )


def _status_at_month_end(conn: sa.Connection, period: Period) -> dict[int, str]:
    """``ke_status`` of the last history entry by month end, for every case open then."""
    t, h = Case.__table__, History.__table__
    still_open = sa.select(t.c.id).where(
        t.c.diterima < period.stop, sa.or_(t.c.ditutup.is_(None), t.c.ditutup > period.as_of)
    )
    last = (
        sa.select(sa.func.max(h.c.id).label("last_id"))
        .where(h.c.waktu <= period.as_of, h.c.ke_status.is_not(None), h.c.kasus_id.in_(still_open))
        .group_by(h.c.kasus_id)
        .subquery()
    )
    query = sa.select(h.c.kasus_id, h.c.ke_status).join(last, h.c.id == last.c.last_id)
    return {kasus_id: ke for kasus_id, ke in conn.execute(query)}


# ---------------------------------------------------------------- the figures


@dataclass(frozen=True)
class Figure:
    """One key figure: its JSON key, Indonesian label, value and kind (n / pct / dec)."""

    key: str
    label: str
    value: int | float | None
    kind: str = "n"


@dataclass(frozen=True)
class Count:
    """One line of a breakdown table."""

    key: str | None
    label: str
    jumlah: int


@dataclass
class UnitLine:
    unit: str | None
    diterima: int = 0
    selesai: int = 0
    tepat_waktu: int = 0
    terlambat: int = 0
    _days: list[int] = field(default_factory=list, repr=False)

    @property
    def label(self) -> str:
        return self.unit or NO_UNIT

    @property
    def porsi_tepat_waktu(self) -> float | None:
        return self.tepat_waktu / self.selesai if self.selesai else None

    @property
    def rata_hari_kerja(self) -> float | None:
        return statistics.fmean(self._days) if self._days else None

    def add(self, fact: CaseFacts) -> None:
        self.diterima += 1
        if fact.closed:
            self.selesai += 1
            self.tepat_waktu += bool(fact.tepat_waktu)
            self._days.append(fact.hari_kerja or 0)
        self.terlambat += fact.terlambat

    def as_json(self) -> dict[str, object]:
        return {
            "unit": self.unit,
            "diterima": self.diterima,
            "selesai": self.selesai,
            "tepat_waktu": self.tepat_waktu,
            "porsi_tepat_waktu": _round(self.porsi_tepat_waktu, 4),
            "terlambat": self.terlambat,
            "rata_hari_kerja": _round(self.rata_hari_kerja, 2),
        }


@dataclass
class DeskLine(UnitLine):
    """One desk's line of a monev that spans several desks (``unit`` holds the desk code)."""

    nama: str = ""

    @property
    def label(self) -> str:
        return f"{self.unit} — {self.nama}" if self.nama else str(self.unit)

    def as_json(self) -> dict[str, object]:
        doc = super().as_json()
        doc.pop("unit")
        return {"meja": self.unit, "nama": self.nama, **doc}


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Monev:
    """The month's figures, and the facts they were summed from."""

    kantor: str
    period: Period
    dibuat: datetime
    cases: list[CaseFacts]  # received in the month, by receipt time
    carried: list[CaseFacts]  # received earlier, still open at month end
    text_len: dict[str, int] = field(default_factory=dict)  # longest free text per column
    meja: str | None = None  # the one desk covered; None: every desk of the register
    desks: list[DeskInfo] = field(default_factory=list)  # the register's desks

    @property
    def spans_desks(self) -> bool:
        """A monev of several desks (a province's): it gets a per-desk breakdown."""
        return self.meja is None and len(self.desks) > 1

    # -- breakdowns ------------------------------------------------------------------------

    def per_jenis(self) -> list[Count]:
        counts = Counter(f.jenis for f in self.cases)
        return _breakdown(counts, [(j, JENIS_LABEL.get(j, j)) for j in JENIS])

    def per_kanal(self) -> list[Count]:
        counts = Counter(f.kanal for f in self.cases)
        return _breakdown(counts, [(k, k) for k in KANAL])

    def per_kategori(self) -> list[Count]:
        counts = Counter(f.kategori for f in self.cases)
        return _breakdown(counts, [(c.kode, f"{c.kode} — {c.label}") for c in categories()])

    def per_status(self) -> list[Count]:
        counts = Counter(f.status for f in self.cases)
        return _breakdown(counts, [(s.value, s.value) for s in STATUS_ORDER])

    def per_unit(self) -> list[UnitLine]:
        lines = {u.nama: UnitLine(u.nama) for u in units()}
        extra: dict[str | None, UnitLine] = {}
        for fact in self.cases:
            line = lines.get(fact.unit) if fact.unit is not None else None
            if line is None:
                line = extra.setdefault(fact.unit, UnitLine(fact.unit))
            line.add(fact)
        others = sorted((k for k in extra if k is not None), key=str.lower)
        ordered = [*lines.values(), *(extra[k] for k in others)]
        if None in extra:
            ordered.append(extra[None])
        return ordered

    def sheets(self) -> list[str]:
        """The workbook's sheets, in order."""
        names = list(SHEETS)
        if self.spans_desks:
            names.insert(names.index("Per unit") + 1, DESK_SHEET)
        return names

    def desk_label(self) -> str | None:
        """Which desks the figures cover, for a register with more than one desk."""
        if len(self.desks) <= 1:
            return None
        if self.meja is None:
            return f"Semua meja ({len(self.desks)}: {', '.join(d.kode for d in self.desks)})"
        for desk in self.desks:
            if desk.kode == self.meja:
                return f"{desk.kode} — {desk.nama} (awalan {desk.prefiks})"
        return self.meja

    def per_meja(self) -> list[DeskLine]:
        """Every desk in code order (zeros included), then any desk the list does not know."""
        lines = {d.kode: DeskLine(d.kode, nama=d.nama) for d in self.desks}
        for fact in self.cases:
            line = lines.get(fact.meja)
            if line is None:
                line = lines[fact.meja] = DeskLine(fact.meja)
            line.add(fact)
        return list(lines.values())

    # -- the key figures -------------------------------------------------------------------

    @property
    def closed(self) -> list[CaseFacts]:
        return [f for f in self.cases if f.closed]

    @property
    def overdue(self) -> list[CaseFacts]:
        """Every case overdue at month end (the month's and carried over), most late first."""
        late = [f for f in (*self.cases, *self.carried) if f.terlambat]
        late.sort(key=lambda f: (-(f.hari_terlambat or 0), f.diterima, f.nomor))
        return late

    def figures(self) -> list[Figure]:
        received = len(self.cases)
        closed = self.closed
        days = [f.hari_kerja or 0 for f in closed]
        on_time = sum(1 for f in closed if f.tepat_waktu)
        scores = [f.skor for f in self.cases if f.skor is not None]
        return [
            Figure("diterima", "Kasus diterima", received),
            Figure("selesai", "Selesai per akhir bulan (selesai + diarsipkan)", len(closed)),
            Figure(
                "tingkat_penyelesaian",
                "Tingkat penyelesaian (selesai ÷ diterima)",
                _ratio(len(closed), received),
                "pct",
            ),
            Figure("selesai_tepat_waktu", "Selesai tepat waktu", on_time),
            Figure(
                "porsi_tepat_waktu",
                "Porsi selesai tepat waktu (tepat waktu ÷ selesai)",
                _ratio(on_time, len(closed)),
                "pct",
            ),
            Figure(
                "rata_hari_kerja",
                "Rata-rata hari kerja sampai selesai",
                statistics.fmean(days) if days else None,
                "dec",
            ),
            Figure(
                "median_hari_kerja",
                "Median hari kerja sampai selesai",
                statistics.median(days) if days else None,
                "dec",
            ),
            Figure("terbuka", "Masih terbuka per akhir bulan", received - len(closed)),
            Figure(
                "terlambat",
                "Terlambat per akhir bulan (kasus bulan ini)",
                sum(1 for f in self.cases if f.terlambat),
            ),
            Figure(
                "terbawa_terbuka",
                "Kasus bulan sebelumnya masih terbuka per akhir bulan",
                len(self.carried),
            ),
            Figure(
                "terbawa_terlambat",
                "Kasus bulan sebelumnya terlambat per akhir bulan",
                sum(1 for f in self.carried if f.terlambat),
            ),
            Figure(
                "rata_skor",
                "Rata-rata penilaian pelapor (1–5)",
                statistics.fmean(scores) if scores else None,
                "dec",
            ),
            Figure("jumlah_skor", "Jumlah penilaian", len(scores)),
            Figure(
                "bukan_kewenangan",
                "Bukan kewenangan (diarsipkan, pelapor diberi tahu/dirujuk)",
                sum(1 for f in self.cases if f.bukan_kewenangan),
            ),
            Figure(
                "sp4n_belum_dilaporkan_balik",
                "SP4N-LAPOR! selesai tetapi belum dilaporkan balik",
                sum(1 for f in self.cases if f.belum_dilaporkan_balik),
            ),
        ]

    def as_json(self, *, with_cases: bool = True) -> dict[str, object]:
        doc: dict[str, object] = {
            "kantor": self.kantor,
            "meja": self.meja,
            "bulan": self.period.key,
            "periode": {
                "mulai": self.period.start.date().isoformat(),
                "sampai": self.period.last_day.isoformat(),
            },
            "bulan_berjalan": self.period.current,
            "keadaan_per": iso(self.period.as_of),
            "dibuat": iso(self.dibuat),
        }
        for fig in self.figures():
            value = fig.value
            if isinstance(value, float):
                value = round(value, 4 if fig.kind == "pct" else 2)
            doc[fig.key] = value
        doc["per_jenis"] = {c.key: c.jumlah for c in self.per_jenis()}
        doc["per_kanal"] = {c.key: c.jumlah for c in self.per_kanal()}
        doc["per_kategori"] = [{"kategori": c.key, "jumlah": c.jumlah} for c in self.per_kategori()]
        doc["per_status"] = {c.key: c.jumlah for c in self.per_status()}
        doc["per_unit"] = [line.as_json() for line in self.per_unit()]
        if self.spans_desks:
            doc["per_meja"] = [line.as_json() for line in self.per_meja()]
        if with_cases:
            doc["kasus_terlambat"] = [f.as_json() for f in self.overdue]
        return doc


def _breakdown(counts: Counter, known: list[tuple[str, str]]) -> list[Count]:
    """Known values in their order (zeros included), then unknown ones, then None."""
    lines = [Count(key, label, counts.get(key, 0)) for key, label in known]
    seen = {key for key, _ in known}
    for key in sorted((k for k in counts if k is not None and k not in seen), key=str):
        lines.append(Count(key, kategori_label(key) or key, counts[key]))
    if counts.get(None):
        lines.append(Count(None, NO_CATEGORY, counts[None]))
    return lines


def monthly(
    session: Session, period: Period, *, now: datetime, kantor: str, meja: str | None = None
) -> Monev:
    """Read the month's cases (and the earlier ones still open at month end) and their facts:
    of desk ``meja`` only, or of every desk."""
    t = Case.__table__
    conn = session.connection()
    in_month = _of_desk(sa.and_(t.c.diterima >= period.start, t.c.diterima < period.stop), meja)
    carried_over = _of_desk(
        sa.and_(
            t.c.diterima < period.start,
            sa.or_(t.c.ditutup.is_(None), t.c.ditutup > period.as_of),
        ),
        meja,
    )
    first, nama, nomor_lapor, uraian = conn.execute(
        sa.select(
            sa.func.min(t.c.diterima),
            sa.func.max(sa.case((in_month, sa.func.length(t.c.nama)))),
            sa.func.max(sa.case((in_month, sa.func.length(t.c.nomor_lapor)))),
            sa.func.max(sa.case((in_month, sa.func.length(t.c.uraian)))),
        ).where(sa.or_(in_month, carried_over))
    ).one()
    status_end = _status_at_month_end(conn, period)
    book = Deadlines(session, period.as_of)
    if first is not None:
        # Every calendar the facts need, loaded once: from the oldest receipt to month end.
        book.ensure_years(first.year, period.as_of.year + 1)

    shared: dict[Any, Any] = {}

    def share(value: Any) -> Any:
        return shared.setdefault(value, value)

    def facts(where: sa.ColumnElement[bool]) -> list[CaseFacts]:
        query = sa.select(*FACT_COLUMNS).where(where).order_by(t.c.diterima, t.c.id)
        rows = conn.execute(query.execution_options(yield_per=2000))
        return [_facts(row, book, period, status_end, share) for row in rows]

    text_len = {"nama": nama or 0, "nomor_lapor": nomor_lapor or 0, "uraian": uraian or 0}
    return Monev(
        kantor,
        period,
        now,
        facts(in_month),
        facts(carried_over),
        text_len,
        meja=meja,
        desks=all_desks(session),
    )


def _of_desk(where: sa.ColumnElement[bool], meja: str | None) -> sa.ColumnElement[bool]:
    return sa.and_(where, Case.__table__.c.meja == meja) if meja else where


@dataclass(slots=True)
class Detail:
    """The case-list columns that are not needed for the figures (read in a second pass)."""

    nomor_lapor: str | None
    nama: str | None
    nik: str | None
    hp: str | None
    anonim: bool
    rahasia: bool
    uraian: str


def case_details(session: Session, report: Monev) -> Iterator[tuple[CaseFacts, Detail]]:
    """The month's cases with their identity and text, streamed in the facts' order."""
    t = Case.__table__
    query = (
        sa.select(*DETAIL_COLUMNS)
        .where(
            _of_desk(
                sa.and_(t.c.diterima >= report.period.start, t.c.diterima < report.period.stop),
                report.meja,
            )
        )
        .order_by(t.c.diterima, t.c.id)
        .execution_options(yield_per=2000)
    )
    result = session.connection().execute(query)
    facts = iter(report.cases)
    for row in result:
        fact = next(facts, None)
        if fact is None or fact.id != row.id:  # one read transaction: cannot happen
            raise LaporError("Register berubah di tengah ekspor; ulangi perintahnya.")
        yield (
            fact,
            Detail(
                row.nomor_lapor,
                row.nama,
                row.nik,
                row.hp,
                bool(row.anonim),
                bool(row.rahasia),
                row.uraian,
            ),
        )
    if next(facts, None) is not None:
        raise LaporError("Register berubah di tengah ekspor; ulangi perintahnya.")


# ---------------------------------------------------------------- privacy helpers

_DIGIT = re.compile(r"\d")
_NIK_IN_TEXT = re.compile(r"(?<!\d)\d(?:[ .-]?\d){15}(?!\d)")
_PHONE_IN_TEXT = re.compile(r"(?<![\d+])(?:\+62|62|0)[ .-]?8(?:[ .-]?\d){7,11}(?!\d)")


def _mask_digits(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return mask_nik(digits) or ""


def _mask_phone_text(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = re.sub(r"[^\d+]", "", text)
    return mask_phone(digits) or ""


def scrub_text(text: str) -> str:
    """Mask a NIK/KK (16 digits) or a mobile number that someone typed into free text."""
    if _DIGIT.search(text) is None:
        return text
    text = _NIK_IN_TEXT.sub(_mask_digits, text)
    return _PHONE_IN_TEXT.sub(_mask_phone_text, text)


def identity_cells(detail: Detail) -> tuple[str | None, str | None, str | None]:
    """(name, masked NIK, masked phone) as the workbook shows them; anonim: no identity."""
    if detail.anonim:
        return ANONIM_TEXT, None, None
    return detail.nama, mask_nik(detail.nik), mask_phone(detail.hp)


def uraian_cell(detail: Detail) -> str:
    return RAHASIA_TEXT if detail.rahasia else scrub_text(detail.uraian)


# ---------------------------------------------------------------- output file


def output_path(
    keluaran: str | None, period: Period, *, overwrite: bool, meja: str | None = None
) -> Path:
    """Where the workbook goes: ``monev-YYYY-MM.xlsx`` here (one desk of several:
    ``monev-YYYY-MM-KODE.xlsx``), or ``--keluaran`` (a folder gets the default name). An
    existing file is refused unless ``overwrite``."""
    name = f"monev-{period.key}{f'-{meja}' if meja else ''}.xlsx"
    path = Path(keluaran).expanduser() if keluaran else Path(name)
    if path.is_dir():
        path = path / name
    if not path.parent.is_dir():
        raise ValidationError(
            "keluaran", f"Folder {path.parent} tidak ada. Buat foldernya dulu atau pilih lain."
        )
    if path.exists() and not overwrite:
        raise ValidationError(
            "keluaran",
            f"Berkas {path} sudah ada dan tidak ditimpa. Pakai --timpa untuk menimpanya, "
            "atau --keluaran BERKAS lain.",
        )
    return path


# ---------------------------------------------------------------- the workbook

DATETIME_FMT = "dd/mm/yyyy hh:mm"
DATE_FMT = "dd/mm/yyyy"
PCT_FMT = "0.0%"
DEC_FMT = "0.00"
RISKY_START = frozenset("=+-@#\t\r")
EXCEL_TEXT_LIMIT = 32_767
_ILLEGAL_XML = re.compile(r"[\000-\010\013\014\016-\037]")

KASUS_HEADERS = (
    "Nomor",
    "Diterima",
    "Kanal",
    "Jenis",
    "Kategori",
    "Unit",
    "Status akhir bulan",
    "Batas waktu",
    "Ditutup",
    "Tepat waktu",
    "Hari kerja selesai",
    "Hari terlambat",
    "Kewenangan",
    "Skor",
    "Nomor SP4N-LAPOR!",
    "Dilaporkan balik",
    "Anonim",
    "Rahasia",
    "Nama pelapor",
    "NIK",
    "HP",
    "Uraian",
)
LATE_HEADERS = (
    "Nomor",
    "Diterima",
    "Asal",
    "Kanal",
    "Jenis",
    "Kategori",
    "Unit",
    "Status akhir bulan",
    "Batas waktu",
    "Umur (hari)",
    "Hari terlambat",
)
CARRIED_HEADERS = (
    "Nomor",
    "Diterima",
    "Kanal",
    "Jenis",
    "Kategori",
    "Unit",
    "Status akhir bulan",
    "Batas waktu",
    "Terlambat",
    "Hari terlambat",
    "Umur (hari)",
)
UNIT_HEADERS = (
    "Unit",
    "Diterima",
    "Selesai",
    "Tepat waktu",
    "Porsi tepat waktu",
    "Terlambat per akhir bulan",
    "Rata-rata hari kerja",
)

NOTES = (
    "Kasus bulan ini: kasus dengan waktu diterima di bulan ini (waktu kantor).",
    "Keadaan per akhir bulan: detik terakhir bulan itu, atau saat workbook dibuat bila bulan "
    "masih berjalan. Status akhir bulan diambil dari riwayat kasus.",
    "Selesai: ditutup (selesai) atau diarsipkan (bukan kewenangan) paling lambat akhir bulan.",
    "Tepat waktu: ditutup paling lambat batas waktu SLA kasus itu, seperti dicatat saat ditutup.",
    "Hari kerja sampai selesai: hari kerja sesudah hari diterima sampai dengan hari ditutup "
    "(0 = selesai pada hari diterima), menurut kalender kerja profil SLA kasus.",
    "Terlambat: belum selesai pada akhir bulan dan batas waktunya sudah lewat. Hari terlambat: "
    "hari kerja sesudah hari batas waktu sampai akhir bulan (atau sampai ditutup).",
    "Kategori dan unit: seperti tercatat saat workbook dibuat. Penilaian: skor kasus yang "
    "selesai per akhir bulan. SP4N-LAPOR! belum dilaporkan balik: keadaan saat workbook dibuat.",
    "Privasi: NIK dan HP disamarkan; kasus anonim tanpa identitas; uraian kasus rahasia tidak "
    "ditampilkan. Teks dari pelapor selalu ditulis sebagai teks, tidak pernah sebagai rumus.",
)


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("ya" if value else "tidak")


class _Sheet:
    """A write-only sheet with the few cell kinds the workbook needs."""

    def __init__(self, wb: Any, title: str) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill

        self.ws = wb.create_sheet(title)
        # Printed (or turned into PDF) as a reader expects: landscape, one page wide.
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.paperSize = "9"  # A4
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.rows = 0
        self._cell = WriteOnlyCell
        self._bold = Font(bold=True)
        self._title = Font(bold=True, size=14)
        self._fill = PatternFill("solid", fgColor="DDEBF7")
        self._wrap = Alignment(wrap_text=True, vertical="top")

    def widths(self, widths: Iterable[float]) -> None:
        from openpyxl.utils import get_column_letter

        for i, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = width

    def append(self, row: Iterable[object]) -> int:
        self.ws.append(list(row))
        self.rows += 1
        return self.rows

    def styled(self, value: object, *, fmt: str | None = None, bold: bool = False) -> object:
        if value is None:
            return None
        cell = self._cell(self.ws)
        if fmt:
            cell.number_format = fmt
        if bold:
            cell.font = self._bold
        if isinstance(value, str):
            return self.text(value, cell=cell)
        cell.value = value
        return cell

    def text(self, value: str | None, *, cell: Any = None) -> object:
        """A register text as a text cell, never a formula (see the module docstring)."""
        if not value:
            return None
        risky = value[0] in RISKY_START
        if _ILLEGAL_XML.search(value):  # refused on input; never a crash on output
            value = _ILLEGAL_XML.sub("\ufffd", value)
        if "\r" in value:  # XML reads a bare CR back as LF anyway: say so explicitly
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        if len(value) > EXCEL_TEXT_LIMIT:
            value = value[: EXCEL_TEXT_LIMIT - 1] + "…"
        if cell is None and not risky:
            return value  # openpyxl writes it as an inline string
        cell = cell if cell is not None else self._cell(self.ws)
        cell.value = value  # "=…" binds as a formula and "#N/A" as an error value, so:
        cell.data_type = "s"
        if risky:
            cell.quotePrefix = True
        return cell

    def header(self, labels: Iterable[str]) -> int:
        cells = []
        for label in labels:
            cell = self._cell(self.ws, label)
            cell.font = self._bold
            cell.fill = self._fill
            cell.alignment = self._wrap
            cells.append(cell)
        return self.append(cells)

    def title(self, text: str) -> int:
        cell = self.text(text, cell=self._cell(self.ws))
        cell.font = self._title  # type: ignore[union-attr]
        return self.append([cell])

    def table(self, header: Iterable[str], last_row: int) -> None:
        """An autofilter over the header in row 1 and the data rows below it."""
        from openpyxl.utils import get_column_letter

        labels = list(header)
        self.ws.auto_filter.ref = f"A1:{get_column_letter(len(labels))}{max(last_row, 1)}"


def _width(*lengths: int, cap: int = 60, floor: int = 6) -> float:
    return float(min(cap, max(floor, *lengths) + 2))


def _fit(facts: list[CaseFacts], attribute: str, default: int, *, cap: int = 60) -> float:
    """A column width for the longest value of ``attribute`` among ``facts``."""
    longest = max((len(getattr(f, attribute) or "") for f in facts), default=default)
    return _width(longest, cap=cap)


def write_workbook(
    report: Monev,
    details: Iterable[tuple[CaseFacts, Detail]],
    path: Path,
    *,
    overwrite: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Write the monev workbook to ``path`` (through a temporary file beside it)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    wb.properties.title = f"Monev pengaduan {report.period.label}"
    wb.properties.creator = "lapor-cli"
    _write_summary(wb, report)
    _write_units(wb, report)
    if report.spans_desks:
        _write_desks(wb, report)
    _write_cases(wb, report, details, progress)
    _write_late(wb, report)
    _write_carried(wb, report)

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        wb.save(tmp)
        if path.exists() and not overwrite:
            raise ValidationError(
                "keluaran", f"Berkas {path} muncul selama ekspor dan tidak ditimpa."
            )
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise LaporError(
                f"Workbook tidak dapat ditulis ke {path}: {exc.strerror}. "
                "Tutup berkas itu bila sedang dibuka di Excel, atau pilih --keluaran lain."
            ) from None
    except OSError as exc:
        raise LaporError(
            f"Workbook tidak dapat ditulis di {path.parent}: {exc.strerror}. "
            "Periksa izin folder dan ruang disk."
        ) from None
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _value_cell(sheet: _Sheet, fig: Figure) -> object:
    if fig.value is None:
        return "-"
    fmt = {"pct": PCT_FMT, "dec": DEC_FMT}.get(fig.kind)
    return sheet.styled(fig.value, fmt=fmt) if fmt else fig.value


def _write_summary(wb: Any, report: Monev) -> None:
    sheet = _Sheet(wb, "Ringkasan")
    sheet.widths((62, 16, 12))
    period = report.period
    sheet.title(f"Monitoring dan evaluasi pengaduan — {report.kantor}")
    label = period.label + (" (bulan berjalan)" if period.current else "")
    sheet.append(["Kantor", sheet.text(report.kantor)])
    if (desks := report.desk_label()) is not None:
        sheet.append(["Meja", sheet.text(desks)])
    sheet.append(["Periode", label])
    sheet.append(
        [
            "Rentang tanggal diterima",
            f"{tanggal(period.start)} – {tanggal(period.last_day)}",
        ]
    )
    sheet.append(["Keadaan per", sheet.styled(period.as_of, fmt=DATETIME_FMT)])
    sheet.append(["Dibuat", sheet.styled(report.dibuat, fmt=DATETIME_FMT)])
    if not report.cases:
        sheet.append([sheet.styled("Tidak ada kasus yang diterima pada bulan ini.", bold=True)])
    sheet.append([])

    sheet.header(["Angka utama", "Nilai"])
    for fig in report.figures():
        sheet.append([fig.label, _value_cell(sheet, fig)])

    received = len(report.cases)
    blocks: dict[str, tuple[int, int]] = {}
    for key, title, lines in (
        ("jenis", "Menurut jenis", report.per_jenis()),
        ("kanal", "Menurut kanal", report.per_kanal()),
        ("kategori", "Menurut kategori", report.per_kategori()),
        ("status", "Status per akhir bulan", report.per_status()),
    ):
        sheet.append([])
        head = sheet.header([title, "Jumlah", "Persen"])
        for line in lines:
            share = _ratio(line.jumlah, received)
            sheet.append(
                [
                    sheet.text(line.label),
                    line.jumlah,
                    sheet.styled(share, fmt=PCT_FMT) if share is not None else None,
                ]
            )
        blocks[key] = (head, sheet.rows)

    sheet.append([])
    sheet.header(["Catatan"])
    for note in NOTES:
        sheet.append([note])

    if report.cases:
        from openpyxl.chart import BarChart, Reference

        for key, title, anchor_col in (
            ("kanal", "Kasus diterima per kanal", "E"),
            ("status", "Status kasus per akhir bulan", "E"),
        ):
            head, last = blocks[key]
            chart = BarChart()
            chart.type = "bar"
            chart.title = title
            chart.legend = None
            chart.height, chart.width = 9, 16
            data = Reference(sheet.ws, min_col=2, min_row=head, max_row=last)
            cats = Reference(sheet.ws, min_col=1, min_row=head + 1, max_row=last)
            chart.add_data(data, titles_from_data=True)
            chart.set_categories(cats)
            chart.x_axis.delete = False
            chart.y_axis.delete = False
            chart.y_axis.majorGridlines = None
            sheet.ws.add_chart(chart, f"{anchor_col}{head}")


def _write_units(wb: Any, report: Monev) -> None:
    _write_lines(wb, report, "Per unit", report.per_unit(), UNIT_HEADERS, "unit")


def _write_desks(wb: Any, report: Monev) -> None:
    """A province's monev: the month's figures of each desk side by side."""
    headers = ("Meja", *UNIT_HEADERS[1:])
    _write_lines(wb, report, DESK_SHEET, report.per_meja(), headers, "meja")


def _write_lines(
    wb: Any, report: Monev, title: str, lines: list[UnitLine], headers: tuple, per: str
) -> None:
    sheet = _Sheet(wb, title)
    longest = max((len(line.label) for line in lines), default=10)
    sheet.widths((_width(longest, cap=50), 11, 11, 12, 14, 14, 14))
    sheet.ws.freeze_panes = "B2"
    sheet.header(headers)
    for line in lines:
        share, days = line.porsi_tepat_waktu, line.rata_hari_kerja
        sheet.append(
            [
                sheet.text(line.label),
                line.diterima,
                line.selesai,
                line.tepat_waktu,
                sheet.styled(share, fmt=PCT_FMT),
                line.terlambat,
                sheet.styled(days, fmt=DEC_FMT),
            ]
        )
    last_unit_row = sheet.rows
    closed = report.closed
    days = [f.hari_kerja or 0 for f in closed]
    on_time = sum(1 for f in closed if f.tepat_waktu)
    share = _ratio(on_time, len(closed))
    sheet.append(
        [
            sheet.styled("Jumlah", bold=True),
            len(report.cases),
            len(closed),
            on_time,
            sheet.styled(share, fmt=PCT_FMT),
            sum(1 for f in report.cases if f.terlambat),
            sheet.styled(statistics.fmean(days) if days else None, fmt=DEC_FMT),
        ]
    )
    sheet.table(headers, last_unit_row)
    if closed:
        from openpyxl.chart import BarChart, Reference

        chart = BarChart()
        chart.type = "bar"
        chart.title = f"Porsi selesai tepat waktu per {per}"
        chart.legend = None
        chart.height, chart.width = 9, 18
        chart.add_data(
            Reference(sheet.ws, min_col=5, min_row=1, max_row=last_unit_row),
            titles_from_data=True,
        )
        chart.set_categories(Reference(sheet.ws, min_col=1, min_row=2, max_row=last_unit_row))
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
        chart.y_axis.number_format = "0%"
        chart.y_axis.majorGridlines = None
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        sheet.ws.add_chart(chart, f"A{sheet.rows + 3}")


def _write_cases(
    wb: Any,
    report: Monev,
    details: Iterable[tuple[CaseFacts, Detail]],
    progress: Callable[[int], None] | None,
) -> None:
    sheet = _Sheet(wb, "Kasus")
    facts = report.cases
    longest = report.text_len

    def most(values: Iterable[int]) -> int:
        return max(values, default=0)

    sheet.widths(
        (
            _width(most(len(f.nomor) for f in facts), len("Nomor")),
            17,
            _width(most(len(f.kanal) for f in facts), 5),
            10,
            _width(most(len(f.kategori or "") for f in facts), 8),
            _width(most(len(f.unit or "") for f in facts), 4, cap=45),
            16,
            17,
            17,
            9,
            10,
            10,
            11,
            6,
            _width(longest.get("nomor_lapor", 0), 12, cap=30),
            10,
            8,
            8,
            _width(longest.get("nama", 0), len(ANONIM_TEXT), 12, cap=40),
            19,
            17,
            _width(longest.get("uraian", 0), 10, cap=80),
        )
    )
    sheet.ws.freeze_panes = "B2"
    sheet.ws.print_title_rows = "1:1"
    sheet.ws.page_setup.orientation = "landscape"
    sheet.header(KASUS_HEADERS)

    ws = sheet.ws
    cell_class = sheet._cell
    text = sheet.text
    append = ws.append

    def dated(value: datetime | date | None, fmt: str) -> object:
        if value is None:
            return None
        cell = cell_class(ws)
        cell.number_format = fmt
        cell.value = value
        return cell

    done = 0
    for fact, detail in details:
        nama, nik, hp = identity_cells(detail)
        if fact.satuan == "menit":
            due = dated(fact.batas_waktu, DATETIME_FMT)
        else:
            due = dated(fact.batas_waktu.date(), DATE_FMT)
        append(
            [
                fact.nomor,
                dated(fact.diterima, DATETIME_FMT),
                fact.kanal,
                fact.jenis,
                text(fact.kategori),
                text(fact.unit),
                fact.status,
                due,
                dated(fact.ditutup, DATETIME_FMT),
                _yes_no(fact.tepat_waktu),
                fact.hari_kerja,
                fact.hari_terlambat,
                _yes_no(fact.kewenangan),
                fact.skor,
                text(detail.nomor_lapor),
                ("ya" if fact.dilaporkan_balik else "belum")
                if fact.kanal == SP4N and fact.closed
                else None,
                "ya" if detail.anonim else None,  # blank = no: fewer cells to write
                "ya" if detail.rahasia else None,
                text(nama),
                text(nik),
                text(hp),  # "+62…": text with quotePrefix, or an edit would make it a formula
                text(uraian_cell(detail)),
            ]
        )
        done += 1
        if progress is not None and done % 1000 == 0:
            progress(done)
    sheet.rows += done
    sheet.table(KASUS_HEADERS, sheet.rows)
    if progress is not None:
        progress(done)


def _write_fact_rows(sheet: _Sheet, rows: Iterable[list[object]]) -> None:
    for row in rows:
        sheet.append(row)


def _due_cell(sheet: _Sheet, fact: CaseFacts) -> object:
    if fact.satuan == "menit":
        return sheet.styled(fact.batas_waktu, fmt=DATETIME_FMT)
    return sheet.styled(fact.batas_waktu.date(), fmt=DATE_FMT)


def _write_late(wb: Any, report: Monev) -> None:
    sheet = _Sheet(wb, "Terlambat")
    late = report.overdue
    sheet.widths(
        (
            _fit(late, "nomor", 13),
            17,
            17,
            13,
            10,
            _fit(late, "kategori", 8),
            _fit(late, "unit", 4, cap=45),
            16,
            13,
            11,
            14,
        )
    )
    sheet.ws.freeze_panes = "B2"
    sheet.header(LATE_HEADERS)
    _write_fact_rows(
        sheet,
        (
            [
                f.nomor,
                sheet.styled(f.diterima, fmt=DATETIME_FMT),
                "bulan ini" if f.bulan_ini else "bulan sebelumnya",
                f.kanal,
                f.jenis,
                sheet.text(f.kategori),
                sheet.text(f.unit),
                f.status,
                _due_cell(sheet, f),
                f.umur_hari,
                f.hari_terlambat,
            ]
            for f in late
        ),
    )
    sheet.table(LATE_HEADERS, sheet.rows)


def _write_carried(wb: Any, report: Monev) -> None:
    sheet = _Sheet(wb, "Terbawa")
    carried = report.carried
    sheet.widths(
        (
            _fit(carried, "nomor", 13),
            17,
            13,
            10,
            _fit(carried, "kategori", 8),
            _fit(carried, "unit", 4, cap=45),
            16,
            13,
            10,
            14,
            11,
        )
    )
    sheet.ws.freeze_panes = "B2"
    sheet.header(CARRIED_HEADERS)
    _write_fact_rows(
        sheet,
        (
            [
                f.nomor,
                sheet.styled(f.diterima, fmt=DATETIME_FMT),
                f.kanal,
                f.jenis,
                sheet.text(f.kategori),
                sheet.text(f.unit),
                f.status,
                _due_cell(sheet, f),
                "ya" if f.terlambat else "tidak",
                f.hari_terlambat,
                f.umur_hari,
            ]
            for f in carried
        ),
    )
    sheet.table(CARRIED_HEADERS, sheet.rows)
