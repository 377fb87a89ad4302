"""One case as the month's figures see it: :class:`CaseFacts`, everything "as of month end"
(the definitions are in the package's docstring), and :class:`Detail`, the identity and text
that only the workbook's case list needs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from lapor_cli.sla import HARI_KERJA, remaining_workdays
from lapor_cli.sqlread import doc, when
from lapor_cli.views import iso
from lapor_cli.workflow import CLOSED_STATUSES, OPEN_STATUSES, Status

if TYPE_CHECKING:
    from lapor_cli.deadlines import Deadlines
    from lapor_cli.monev.period import Period

__all__ = [
    "FOLLOW_UP_DAYS",
    "RESPONSE_ACTIONS",
    "SP4N",
    "CaseFacts",
    "Detail",
    "Steps",
    "case_facts",
]

SP4N = "sp4n-lapor"
#: The handling steps whose first one is the case's first response (not a pause, a
#: correction, an attachment or a rating).
RESPONSE_ACTIONS = ("verifikasi", "distribusi", "tindaklanjut", "tutup")
#: A distributed case is followed up "in time" within this many working days (SP4N-LAPOR!).
FOLLOW_UP_DAYS = 5


class Steps(NamedTuple):
    """A case's history by period end as the evaluators' figures need it (``waktu``, the
    time a step happened): its first handling step, its first distribution to a unit, its
    first follow-up, and whether it was paused then. A tuple: a month makes one per case."""

    first_step: datetime | None = None
    distributed: datetime | None = None
    followed_up: datetime | None = None
    paused: bool = False


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
    dibuka_kembali: bool = False  # reopened (``buka``) by month end
    #: Working days from receipt to the first handling step by period end (None: none yet).
    respons_hari: int | None = None
    #: Distributed to a unit by period end: followed up within 5 working days of it (True),
    #: not (False), or not yet decided (None; also when never distributed to a unit).
    tindak_lanjut_5: bool | None = None
    disposisi: bool = False  # distributed to a unit (``didisposisikan``) by period end
    ditunda: bool = False  # paused (``tunda`` not yet ``lanjut``) at period end

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


class _AtMonthEnd:
    """A row as it stood at month end: a closing or a reopening after it must not decide its
    deadline then (``Deadlines.due`` reads ``ditutup`` for the pauses and counts a reopened
    case from ``dibuka``)."""

    __slots__ = ("_row", "ditutup", "dibuka")

    def __init__(self, row: Any, ditutup: datetime | None, dibuka: datetime | None) -> None:
        self._row = row
        self.ditutup = ditutup
        self.dibuka = dibuka

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)


def case_facts(
    row: Any,
    book: Deadlines,
    period: Period,
    status_end: dict[int, tuple[str, Any, Any]],
    share: Callable[[Any], Any],
    reopened: set[int] = frozenset(),  # type: ignore[assignment]
    steps: dict[int, Steps] | None = None,
    memo: dict[Any, Any] | None = None,
) -> CaseFacts:
    """One case's facts from its row (the columns of ``reading.FACT_COLUMNS``), its deadline
    book and its last status entry by month end (``ke_status``, ``waktu`` and ``data`` as
    the driver gives them: when its row says it was not closed then; a case closed then and
    reopened since has its closing there), and the cases reopened by month end that
    ``dibuka`` does not show. The row's repeated texts come shared (one copy of "whatsapp"
    for all the cases: ``reading``); ``share`` returns one shared copy of the status.
    ``memo``, one dict for all the cases of one report: the deadlines and working-day counts
    that many cases share (same rule, same days), computed once (a case with pauses or a
    reopening is computed on its own)."""
    as_of = period.as_of
    kasus_id, received, row_ditutup, row_dibuka = row.id, row.diterima, row.ditutup, row.dibuka
    ditutup, tepat_waktu, status = row_ditutup, row.tepat_waktu, row.status
    if ditutup is not None and ditutup > as_of:
        ditutup = None
    end = status_end.get(kasus_id)
    if ditutup is None and end is not None and end[0] in CLOSED_STATUSES:
        # closed by month end and reopened since (`buka`): the closing as the history has it
        status, ditutup = end[0], when(end[1])
        data = doc(end[2])
        tepat_waktu = data.get("tepat_waktu") if isinstance(data, dict) else None
    dibuka = row_dibuka if row_dibuka is not None and row_dibuka <= as_of else None
    closed = ditutup is not None
    cal = book.calendar(row.sla_profil)
    if (
        memo is not None
        and row_dibuka is None
        and row.sla_satuan == HARI_KERJA
        and kasus_id not in book.all_pauses()
    ):
        due, workdays = _shared_deadline(row, ditutup, book, memo)
    else:
        at_end = row
        if dibuka != row_dibuka or ditutup != row_ditutup:
            at_end = _AtMonthEnd(row, ditutup, dibuka)
        due = book.due(at_end)
        workdays = book.workdays_to_close(at_end) if closed else None
        cal = book.calendar(row.sla_profil)
    if closed:
        on_time = tepat_waktu if tepat_waktu is not None else ditutup <= due
        late = None
        if not on_time:
            key = ("lewat", row.sla_profil, ditutup.date(), due, ditutup > due)
            if memo is None or (late := memo.get(key)) is None:
                late = max(1, -remaining_workdays(ditutup, due, cal))
                if memo is not None:
                    memo[key] = late
        overdue, age = False, None
    else:
        status = end[0] if end is not None else Status.DITERIMA
        if status in CLOSED_STATUSES:  # cannot be (see above); trust "not closed"
            status = row.status if row.status in OPEN_STATUSES else Status.DITERIMA
        on_time, workdays = None, None
        overdue = as_of > due
        late = None
        if overdue:
            key = ("late", row.sla_profil, due)
            if memo is None or (late := memo.get(key)) is None:
                late = -remaining_workdays(as_of, due, cal)
                if memo is not None:
                    memo[key] = late
        age = (as_of.date() - received.date()).days
    step = steps.get(kasus_id, _NO_STEPS) if steps else _NO_STEPS
    response = None
    count = cal.count_workdays
    if step.first_step is not None:
        response = count(received.date(), step.first_step.date())
    in_time = None
    distributed = step.distributed
    if distributed is not None:
        start = distributed.date()
        if step.followed_up is not None:
            in_time = count(start, step.followed_up.date()) <= FOLLOW_UP_DAYS
        elif count(start, as_of.date()) > FOLLOW_UP_DAYS:
            in_time = False
    return CaseFacts(
        kasus_id,
        row.nomor,
        row.meja,
        received,
        row.kanal,
        row.jenis,
        row.kategori,
        row.unit,
        share(str(status)),
        due,
        row.sla_satuan,
        ditutup,
        on_time,
        workdays,
        overdue,
        late,
        age,
        row.skor if closed else None,
        row.kewenangan,
        row.dilaporkan_balik,
        received >= period.start,
        dibuka is not None or kasus_id in reopened,
        response,
        in_time,
        distributed is not None,
        step.paused and not closed,
    )


def _shared_deadline(
    row: Any, ditutup: datetime | None, book: Deadlines, memo: dict[Any, Any]
) -> tuple[datetime, int | None]:
    """The deadline and (closed by month end) the working days to close of a case counted
    from its receipt in working days without pauses: ``Deadlines.due`` and
    ``workdays_to_close`` of such a case depend only on its rule, its profile's calendar and
    its days of receipt and closing, which many cases share."""
    received = row.diterima.date()
    key = (row.sla_profil, row.sla_nilai, row.sla_perpanjangan, bool(row.diperpanjang), received)
    due = memo.get(key)
    if due is None:
        due = memo[key] = book.due(_AtMonthEnd(row, None, None))  # as an open case's
    if ditutup is None:
        return due, None
    fixed = book.closing_due(row)  # a closed case's deadline as it stood at its closing
    if fixed is not None:
        due = fixed
    at_end = row if ditutup == row.ditutup else _AtMonthEnd(row, ditutup, None)
    days_key = ("hk", row.sla_profil, received, ditutup.date())
    workdays = memo.get(days_key)
    if workdays is None:
        workdays = memo[days_key] = book.workdays_to_close(at_end)
    return due, workdays


_NO_STEPS = Steps()
