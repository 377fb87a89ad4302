"""One case as the month's figures see it: :class:`CaseFacts`, everything "as of month end"
(the definitions are in the package's docstring), and :class:`Detail`, the identity and text
that only the workbook's case list needs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from lapor_cli.views import iso
from lapor_cli.workflow import CLOSED_STATUSES, OPEN_STATUSES, Status

if TYPE_CHECKING:
    from lapor_cli.deadlines import Deadlines
    from lapor_cli.monev.period import Period

__all__ = ["SP4N", "CaseFacts", "Detail", "case_facts"]

SP4N = "sp4n-lapor"


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
    hari_terlambat: int | None  # working days past the deadline (see the package docstring)
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

    @property
    def batas(self) -> date | datetime:
        """The deadline as a reader takes it: a moment for one in minutes, else a day."""
        return self.batas_waktu if self.satuan == "menit" else self.batas_waktu.date()

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


class _OpenAtMonthEnd:
    """A row as it stood at month end, when it was still open: its later closing must not
    decide which pauses count towards its deadline (``Deadlines.due`` reads ``ditutup``)."""

    __slots__ = ("_row",)
    ditutup = None

    def __init__(self, row: Any) -> None:
        self._row = row

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)


def case_facts(
    row: Any,
    book: Deadlines,
    period: Period,
    status_end: dict[int, str],
    share: Callable[[Any], Any],
) -> CaseFacts:
    """One case's facts from its row (the columns of ``reading.FACT_COLUMNS``), its deadline
    book and its status at month end (when it was open then). ``share`` returns one shared
    copy of equal values: the driver gives every row its own copy of "whatsapp", and 100,000
    cases keep the facts in memory."""
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
