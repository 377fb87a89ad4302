"""What ``lapor sla`` shows: every open case judged as of a moment (counts, the most urgent
lines), and one case's deadline explained day by day."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from lapor_cli import sla
from lapor_cli.case_rows import CASE_COLUMNS, row_maker
from lapor_cli.deadlines import KASUS, STAGED, Deadlines
from lapor_cli.desks import desk_scope
from lapor_cli.errors import ValidationError
from lapor_cli.sqlread import Reader, record_type, sql_words
from lapor_cli.views import due_iso, iso
from lapor_cli.workflow import CLOSED_STATUSES, OPEN_SQL, OPEN_STATUSES

if TYPE_CHECKING:
    from sqlmodel import Session

__all__ = ["SlaLine", "SlaReport", "as_of_moment", "explain_case", "rule_text", "sla_report"]


@dataclass(slots=True)
class SlaLine:
    """One open case as ``lapor sla`` shows it."""

    nomor: str
    status: str
    batas_waktu: datetime  # the case's own deadline (as `lihat` and the monev show it)
    sisa_hari_kerja: int  # to the binding deadline (batas_mengikat)
    terlambat: bool
    tanda: str  # sla.TERLAMBAT | sla.SEGERA | sla.AMAN | sla.DITUNDA, by the binding deadline
    tahap: str | None
    tahap_batas: datetime | None
    siap_ditutup: bool
    ditunda: bool
    segera: bool
    satuan: str
    unit: str | None
    mengikat: str = "kasus"  # which deadline binds: "kasus", "verifikasi", "tindak lanjut"
    batas_mengikat: datetime | None = None  # that deadline; sisa and tanda are judged by it

    def as_json(self) -> dict[str, object]:
        def when(value: datetime | None) -> str | None:
            if value is None:
                return None
            if self.satuan == sla.MENIT:
                return value.isoformat(timespec="minutes")
            return value.date().isoformat()

        return {
            "nomor": self.nomor,
            "status": self.status,
            "batas_waktu": when(self.batas_waktu),
            "sisa_hari_kerja": self.sisa_hari_kerja,
            "terlambat": self.terlambat,
            "tanda": self.tanda,
            "tahap": self.tahap,
            "tahap_batas": when(self.tahap_batas),
            "siap_ditutup": self.siap_ditutup,
            "ditunda": self.ditunda,
            "segera": self.segera,
            "unit": self.unit,
            "mengikat": self.mengikat,
            "batas_mengikat": when(self.batas_mengikat),
        }


SLA_COLUMNS = (
    "id",
    "nomor",
    "status",
    "diterima",
    "didistribusikan",
    "tindaklanjut_terakhir",
    "ditutup",
    "segera",
    "unit",
    "sla_profil",
    "sla_satuan",
    "sla_nilai",
    "sla_perpanjangan",
    "diperpanjang",
    "dibuka",
)
_SlaRow = record_type(SLA_COLUMNS)


def _sla_rows(db: Reader, query: str, params: list) -> Iterator[tuple]:
    """The rows of the open-case scan, values converted as ``case_rows`` converts a case's; a
    register file's (text times, 0/1 flags) inline, in the same order: a scan reads them all."""
    if db.dialect != "sqlite":
        yield from map(row_maker(CASE_COLUMNS, SLA_COLUMNS), db.iter(query, params))
        return
    iso = datetime.fromisoformat
    make = _SlaRow._make
    for r in db.iter(query, params):
        yield make((
            r[0], r[1], r[2], iso(r[3]), r[4] and iso(r[4]), r[5] and iso(r[5]),
            r[6] and iso(r[6]), r[7] == 1, r[8], r[9], r[10], r[11], r[12], r[13] == 1,
            r[14] and iso(r[14]),
        ))  # fmt: skip


@dataclass(slots=True)
class SlaReport:
    """``lapor sla``: counts over every open case, lines for the most urgent ones."""

    lines: list[SlaLine]  # most urgent first; at most the limit asked for
    terbuka: int  # open cases counted (only the late ones with ``only_late``)
    terlambat: int
    hari_ini: int  # due today, not late yet
    jatuh_tempo: int  # due in 1 or 2 working days (not today: the two counts do not overlap)
    siap_ditutup: int
    aman: int = 0  # more than 2 working days left
    ditunda: int = 0  # paused, not late: terlambat + hari_ini + jatuh_tempo + aman + ditunda
    #: == terbuka


_RANK = {sla.TERLAMBAT: 0, sla.SEGERA: 1, sla.AMAN: 2, sla.DITUNDA: 3}


def sla_report(
    session: Session | Reader,
    as_of: datetime,
    *,
    only_late: bool = False,
    limit: int | None = None,
    meja: str | None = None,
    semua_meja: bool = False,
    now: datetime | None = None,
) -> SlaReport:
    """Every open case (of desk ``meja`` only, when one is chosen) judged as of ``as_of``:
    the counts of all of them and, most urgent first, the lines of the first ``limit`` (all
    when None). With ``now`` and an ``as_of`` before it, the register as it stood then: a case
    closed since is still open, in the status it had (its history says which).

    One pass over the rows, streamed: a case's deadline depends only on its rule and its day
    of receipt, which most cases of a large register share, so each is computed once; with a
    limit only that many cases are kept (a bounded heap), not one line per open case.
    """
    db = Reader.of(session)
    desk = desk_scope(db, meja, every=semua_meja)
    book = Deadlines(session, as_of)
    pauses = book.all_pauses()  # every pause, before the cases stream in
    # As of a moment: a case received after it did not exist yet; one closed since was open.
    past = now is not None and as_of < now
    still_open = OPEN_SQL  # in the words of the index of open cases
    if past:
        still_open = f"({still_open} OR (status IN {sql_words(CLOSED_STATUSES)} AND ditutup > ?))"
    where = f"{still_open} AND diterima <= ?"
    params: list = [db.time(as_of)] * (2 if past else 1)
    statuses = _statuses_at(db, as_of, where, params) if past else None
    if desk is not None:
        # Wrapped so that no index on meja is used: the open cases (status index) are few,
        # a desk's cases of every year many.
        where += " AND coalesce(meja, '') = ?"
        params.append(desk.kode)
    query = f"SELECT {', '.join(SLA_COLUMNS)} FROM kasus WHERE {where}"
    dues: dict[tuple, datetime] = {}
    left: dict[tuple, int] = {}
    counts = dict.fromkeys(
        ("terbuka", "terlambat", "hari_ini", "jatuh_tempo", "aman", "ditunda", "siap_ditutup"), 0
    )

    def entries() -> Iterator[tuple]:
        for row in _sla_rows(db, query, params):
            if statuses is not None:  # the row as it stood at as_of
                status = statuses.get(row.id, "diterima")
                if status not in OPEN_STATUSES:
                    continue
                row = _AsOf(row, status, as_of)
            _id, nomor, status, diterima = row.id, row.nomor, row.status, row.diterima
            satuan, nilai, perpanjangan = row.sla_satuan, row.sla_nilai, row.sla_perpanjangan
            extended, dibuka, profil = row.diperpanjang, row.dibuka, row.sla_profil
            if _id in pauses or dibuka is not None:  # its own computation: paused or reopened
                due = book.due(row)
            else:
                day = diterima if satuan == sla.MENIT else diterima.date()
                key = (profil, satuan, nilai, perpanjangan, extended, day)
                if (due := dues.get(key)) is None:
                    due = dues[key] = book.due(row)
            binds, binding_due = book.binding(row, due)
            # the working days left depend on the deadline alone: shared by many cases too
            if (remaining := left.get((profil, binding_due))) is None:
                calendar = book.calendar(profil)
                remaining = sla.remaining_workdays(as_of, binding_due, calendar)
                left[profil, binding_due] = remaining
            paused = _id in pauses and book.paused(row)
            tanda = sla.flag(as_of, binding_due, remaining, paused=paused)
            if only_late and tanda != sla.TERLAMBAT:
                continue
            ready = status == "ditindaklanjuti" and book.ready_to_close(row, as_of)
            counts["terbuka"] += 1
            counts["siap_ditutup"] += ready
            if tanda == sla.SEGERA:
                counts["hari_ini" if remaining == 0 else "jatuh_tempo"] += 1
            else:
                counts[tanda] += 1
            # nomor is unique: the row itself is never compared.
            judged = (due, binds, binding_due, remaining, tanda, ready, paused)
            yield _RANK[tanda], binding_due, nomor, judged, row

    if limit is None:  # every line (--json): one line per case, no row kept beside it
        lines = [_line(book, *entry[2:]) for entry in entries()]
        lines.sort(key=lambda line: (_RANK[line.tanda], line.batas_mengikat, line.nomor))
    else:
        lines = [_line(book, *entry[2:]) for entry in heapq.nsmallest(limit, entries())]
    return SlaReport(lines, **counts)


def _line(book: Deadlines, nomor: str, judged: tuple, row) -> SlaLine:
    due, binds, binding_due, remaining, tanda, ready, paused = judged
    stage = book.stage_due(row) if row.status in STAGED else None
    return SlaLine(
        nomor,
        row.status,
        due,
        remaining,
        tanda == sla.TERLAMBAT,
        tanda,
        stage[0] if stage else None,
        stage[1] if stage else None,
        ready,
        paused,
        bool(row.segera),
        row.sla_satuan,
        row.unit,
        binds,
        binding_due,
    )


class _AsOf:
    """A case row as it stood at ``as_of`` (``sla --per`` a past moment): its status then, not
    closed, and none of the steps taken since (a reopening, a distribution, a follow-up)."""

    __slots__ = ("_row", "status", "dibuka", "didistribusikan", "tindaklanjut_terakhir")

    def __init__(self, row, status: str, as_of: datetime) -> None:
        def then(value: datetime | None) -> datetime | None:
            return value if value is not None and value <= as_of else None

        self._row = row
        self.status = status
        self.dibuka = then(row.dibuka)
        self.didistribusikan = then(row.didistribusikan)
        self.tindaklanjut_terakhir = then(row.tindaklanjut_terakhir)

    ditutup = None

    def __getattr__(self, name: str):
        return getattr(self._row, name)


def _statuses_at(db: Reader, as_of: datetime, where: str, params: list) -> dict[int, str]:
    """Each case's status at ``as_of`` (of the cases ``where`` selects): the ``ke_status`` of
    its last history entry by then."""
    query = (
        "SELECT h.kasus_id, h.ke_status FROM riwayat h JOIN ("
        " SELECT max(id) AS last_id FROM riwayat"
        " WHERE waktu <= ? AND ke_status IS NOT NULL"
        f" AND kasus_id IN (SELECT id FROM kasus WHERE {where})"
        " GROUP BY kasus_id) last ON h.id = last.last_id"
    )
    return dict(db.rows(query, [db.time(as_of), *params]))


def as_of_moment(text: str | None, now: datetime) -> datetime:
    """``--per``: a moment as typed, a bare date meaning the end of that day; else ``now``."""
    from lapor_cli.dates import read_datetime

    if not text:
        return now
    moment, has_time = read_datetime("per", text, now)
    if not has_time:
        moment = moment.replace(hour=23, minute=59, second=59)
    return moment


def explain_case(session: Session, nomor: str, as_of: datetime) -> dict[str, object]:
    """``sla NOMOR --jelaskan``: the case's deadline counted day by day, as of ``as_of`` (as a
    register frozen at that moment would count it). A case closed by then: the count runs to
    its closing, with the verdict given at closing and its working days to close (the same
    number as the monev's "hari kerja sampai selesai"); no days left."""
    from lapor_cli.handling import get_case

    case = get_case(session, nomor)
    if case.diterima > as_of:
        raise ValidationError(
            "per",
            f"Kasus {case.nomor} diterima {case.diterima:%d/%m/%Y %H:%M}, sesudah "
            f"{as_of:%d/%m/%Y %H:%M}: per saat itu kasus ini belum ada. "
            "Pilih --per yang lebih akhir.",
        )
    book = Deadlines(session, as_of)
    due = book.due(case)
    cal = book.calendar(case.sla_profil)
    names = {d.tanggal: d.keterangan + (" (perkiraan)" if d.perkiraan else "") for d in book.days()}
    start, rule, extended = book.counting(case)
    closed = case.ditutup if case.ditutup is not None and case.ditutup <= as_of else None
    pauses = book.counted_pauses(case)
    end = book.pause_end(case)
    lines = sla.explain(
        start, rule, cal, names, pauses, extended=extended, as_of=end, closed=closed
    )
    if case.dibuka is not None:  # counted from the reopening, not the receipt
        lines = [
            replace(d, keterangan=d.keterangan.replace("diterima", "dibuka kembali"))
            if d.ke == 0
            else d
            for d in lines
        ]
    paused = book.paused(case)
    binds, binding_due = KASUS, due
    if closed is not None:
        remaining = None
        late = not case.tepat_waktu
        to_close = book.workdays_to_close(case)
        tanda = sla.TERLAMBAT if late else "tepat_waktu"
    else:
        binds, binding_due = book.binding(case, due)
        remaining = sla.remaining_workdays(as_of, binding_due, cal)
        late = as_of > binding_due
        to_close = None
        tanda = sla.flag(as_of, binding_due, remaining, paused=paused)
    notes = book.notes(case)
    if closed is not None:
        counted_now = book.due(case, recompute=True)
        if counted_now != due:
            notes.insert(
                0,
                f"Batas waktu saat ditutup: {due_iso(case, due)}; dengan kalender kini "
                f"{due_iso(case, counted_now)} (hari libur diubah sesudah kasus ditutup). "
                "Putusan tepat waktu tetap seperti saat ditutup; tabel di atas memakai "
                "kalender kini.",
            )
    return {
        "nomor": case.nomor,
        "status": case.status,
        "diterima": iso(case.diterima),
        "dibuka": iso(case.dibuka),
        "aturan": rule_text(book, case) if case.dibuka else Deadlines.describe(case),
        "profil": case.sla_profil,
        "batas_waktu": due_iso(case, due),
        "mengikat": binds,
        "batas_mengikat": due_iso(case, binding_due),
        "sisa_hari_kerja": remaining,
        "terlambat": late,
        "tanda": tanda,
        "ditunda": paused,
        "ditutup": iso(closed),
        "tepat_waktu": None if closed is None else not late,
        "hari_kerja_sampai_selesai": to_close,
        "hari": [
            {
                "tanggal": d.tanggal.isoformat(),
                "hari": d.hari,
                "ke": d.ke,
                "keterangan": d.keterangan,
            }
            for d in lines
        ],
        "catatan": notes,
    }


def rule_text(book: Deadlines, case) -> str:
    """The rule a case's deadline is counted by, in words: its own ("3 hari kerja",
    extended or not), or, once reopened, the follow-up stage from the reopening."""
    if case.dibuka is not None:
        start, rule, _ = book.counting(case)
        return f"dibuka kembali {start:%d/%m/%Y}: {rule.describe()} tahap tindak lanjut"
    return Deadlines.describe(case) + (
        f", diperpanjang {case.sla_perpanjangan} hari kerja" if case.diperpanjang else ""
    )
