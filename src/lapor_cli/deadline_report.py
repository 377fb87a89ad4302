"""What ``lapor sla`` shows: every open case judged as of a moment (counts, the most urgent
lines), and one case's deadline explained day by day."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

from lapor_cli import sla
from lapor_cli.case_rows import case_rows
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

    def of_case(self, nomor: str, unit: str | None, segera: bool) -> SlaLine:
        """This judgement as the line of another case that shares it."""
        return SlaLine(
            nomor, self.status, self.batas_waktu, self.sisa_hari_kerja, self.terlambat,
            self.tanda, self.tahap, self.tahap_batas, self.siap_ditutup, self.ditunda, segera,
            self.satuan, unit, self.mengikat, self.batas_mengikat,
        )  # fmt: skip


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


#: What judges an open case that is neither paused (ever) nor reopened, besides the calendar
#: and the moment: its rule, its status and the days of its steps (the moment of receipt for
#: a deadline in minutes). Cases with the same key get the same deadlines, days left, flag and
#: readiness to close. ``date()`` is a function in SQLite (text ``YYYY-MM-DD`` of its stored
#: text) and a cast in PostgreSQL (a date), whatever the server's DateStyle. The two that
#: tell most keys apart come first: the database sorts the keys to group them.
_KEY = (
    "status",
    f"CASE WHEN sla_satuan = '{sla.MENIT}' THEN diterima ELSE date(diterima) END",
    "sla_profil",
    "sla_satuan",
    "sla_nilai",
    "sla_perpanjangan",
    "diperpanjang",
    "date(didistribusikan)",
    "date(tindaklanjut_terakhir)",
)
_KEY_SQL = ", ".join(_KEY)
_WIDTH = len(_KEY)

#: The open cases whose judgement is their own: paused at some time, reopened, or closed
#: with an open status (a register mended by hand); every other shares its key's.
_OWN_SQL = "(ditutup IS NOT NULL OR dibuka IS NOT NULL OR id IN (SELECT kasus_id FROM jeda))"
_SHARED_SQL = f"NOT {_OWN_SQL}"  # never NULL: every term is true or false


def _moment(value: Any) -> datetime | None:
    """A key's day or moment as the deadline book reads it: SQLite's text, a server's date
    (midnight) or datetime."""
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    return datetime.fromisoformat(value)


def _keyed_row(key: tuple) -> tuple:
    """A row standing for every case of ``key`` (``_KEY_SQL``), as the deadline book reads a
    case: no number, no pause, not reopened."""
    status, received, profil, satuan, nilai, perpanjangan, extended, distributed, followed = key
    return _SlaRow(
        None, "", status, _moment(received), _moment(distributed), _moment(followed), None,
        False, None, profil, satuan, nilai, perpanjangan, bool(extended), None,
    )  # fmt: skip


_COUNTS = ("terbuka", "terlambat", "hari_ini", "jatuh_tempo", "aman", "ditunda", "siap_ditutup")


#: One line of a report: (nomor, unit, segera as stored, the judgement): an ``SlaLine``,
#: shared by every case of one key (``_KEY_SQL``), that is the case's but for those three.
Member = tuple[str, str | None, Any, SlaLine]


@dataclass
class SlaReport:
    """``lapor sla``: counts over every open case, lines for the most urgent ones."""

    members: list[Member]  # most urgent first; at most the limit asked for
    terbuka: int  # open cases counted (only the late ones with ``only_late``)
    terlambat: int
    hari_ini: int  # due today, not late yet
    jatuh_tempo: int  # due in 1 or 2 working days (not today: the two counts do not overlap)
    siap_ditutup: int
    aman: int = 0  # more than 2 working days left
    ditunda: int = 0  # paused, not late: terlambat + hari_ini + jatuh_tempo + aman + ditunda
    #: == terbuka

    @cached_property
    def lines(self) -> list[SlaLine]:
        """One line per case, most urgent first."""
        return [
            line.of_case(nomor, unit, bool(segera)) for nomor, unit, segera, line in self.members
        ]

    def json_rows(self) -> Iterator[dict[str, object]]:
        """``as_json()`` of each of :attr:`lines`, without making them."""
        for nomor, unit, segera, line in self.members:
            row = line.as_json()
            row["nomor"], row["unit"], row["segera"] = nomor, unit, bool(segera)
            yield row

    def json_texts(self) -> Iterator[str]:
        """Each of :meth:`json_rows` as the compact text ``json.dumps(row, ensure_ascii=False)``
        makes of it, a judgement shared by many cases encoded once: its text around the three
        values of each case, which the encoder's own string quoting writes in."""
        import json
        from json.encoder import encode_basestring as quoted  # json.dumps's own (C)

        marks = {"nomor": "\x00nomor", "segera": "\x00segera", "unit": "\x00unit"}
        encoded: dict[int, list[str]] = {}
        for nomor, unit, segera, line in self.members:
            if (parts := encoded.get(id(line))) is None:
                template = line.as_json() | marks
                text = json.dumps(template, ensure_ascii=False)
                parts = encoded[id(line)] = []
                for mark in marks.values():  # in the order as_json gives the keys
                    before, text = text.split(quoted(mark))
                    parts.append(before)
                parts.append(text)
            head, after_nomor, after_segera, tail = parts
            yield "".join((
                head, quoted(nomor), after_nomor, "true" if segera else "false", after_segera,
                "null" if unit is None else quoted(unit), tail,
            ))  # fmt: skip


_RANK = {sla.TERLAMBAT: 0, sla.SEGERA: 1, sla.AMAN: 2, sla.DITUNDA: 3}


def _urgency(line: SlaLine) -> tuple[int, datetime | None]:
    """Most urgent first: late, due soon, on time, paused; then by the binding deadline (and
    by number, within one)."""
    return _RANK[line.tanda], line.batas_mengikat


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

    A case never paused nor reopened is judged by its key alone (``_KEY_SQL``), which most
    cases of a large register share: each key is judged once, and with a limit only the cases
    of the most urgent keys are read one by one. Any other case (and every case as of a past
    moment) is judged on its own.
    """
    db = Reader.of(session)
    desk = desk_scope(db, meja, every=semua_meja)
    judge = _Judge(Deadlines(session, as_of), as_of, only_late)
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
    groups: list[tuple[SlaLine, list[tuple]]] = []  # a judgement and its cases
    if past or limit is None:
        alone = where if past else f"{where} AND {_OWN_SQL}"
        groups += _each_alone(db, judge, f"WHERE {alone}", params, statuses)
    if not past:
        if limit is None:
            groups += _every_key(db, judge, f"{where} AND {_SHARED_SQL}", params)
        else:
            groups += _most_urgent_keys(db, judge, where, params, limit)
    members = _ordered(groups)
    if limit is not None:
        del members[limit:]
    return SlaReport(members, **judge.counts)


def _each_alone(
    db: Reader,
    judge: _Judge,
    where: str,
    params: list,
    statuses: dict[int, str] | None = None,
) -> Iterator[tuple[SlaLine, list[tuple]]]:
    """Each case ``where`` selects judged on its own, with its case (nomor, unit, segera);
    ``statuses``: each case's status as of the moment judged (an earlier one)."""
    for row in case_rows(db, where, params, columns=SLA_COLUMNS):
        if statuses is not None:  # the row as it stood at as_of
            status = statuses.get(row.id, "diterima")
            if status not in OPEN_STATUSES:
                continue
            row = _AsOf(row, status, judge.as_of)
        if (line := judge.line(row)) is not None:
            yield line, [(row.nomor, row.unit, row.segera)]


def _every_key(
    db: Reader, judge: _Judge, where: str, params: list
) -> Iterator[tuple[SlaLine, list[tuple]]]:
    """Each key's judgement and every case of it (nomor, unit, segera)."""
    cases: dict[tuple, list[tuple]] = {}
    query = f"SELECT {_KEY_SQL}, nomor, unit, segera FROM kasus WHERE {where}"
    for r in db.iter(query, params):
        key = r[:_WIDTH]
        if (of_key := cases.get(key)) is None:
            of_key = cases[key] = []
        of_key.append(r[_WIDTH:])
    for key, of_key in cases.items():
        if (line := judge.line(_keyed_row(key), len(of_key))) is not None:
            yield line, of_key


def _most_urgent_keys(
    db: Reader, judge: _Judge, where: str, params: list, limit: int
) -> list[tuple[SlaLine, list[tuple]]]:
    """Every open case ``where`` selects judged and counted, in one pass of the database over
    them: it counts the cases of each key, and names each case judged on its own (a key of
    its own: its id), which is then read and judged alone. The cases of the most urgent keys
    are read, enough for ``limit`` lines (ties at the last deadline included)."""
    query = (
        f"SELECT {_KEY_SQL}, CASE WHEN {_OWN_SQL} THEN id END, count(*) FROM kasus"
        f" WHERE {where} GROUP BY {', '.join(str(i) for i in range(1, _WIDTH + 2))}"
    )
    judged: list[tuple[SlaLine, tuple, int]] = []
    alone: list[int] = []
    for r in db.rows(query, params):
        key, own, count = r[:_WIDTH], r[_WIDTH], r[_WIDTH + 1]
        if own is not None:
            alone.append(own)
        elif (line := judge.line(_keyed_row(key), count)) is not None:
            judged.append((line, key, count))
    groups = []
    for start in range(0, len(alone), 500):
        part = alone[start : start + 500]
        groups += _each_alone(db, judge, f"WHERE id IN ({', '.join('?' * len(part))})", part)
    judged.sort(key=lambda item: _urgency(item[0]))
    chosen: dict[tuple, SlaLine] = {}
    taken, last = 0, None
    for line, key, count in judged:
        if taken >= limit and _urgency(line) != last:
            break
        chosen[key] = line
        taken += count
        last = _urgency(line)
    shared = f"{where} AND {_SHARED_SQL}"
    groups += [(chosen[key], cases) for key, cases in _cases_of(db, chosen, shared, params).items()]
    return groups


def _cases_of(
    db: Reader, keys: Iterable[tuple], where: str, params: list
) -> dict[tuple, list[tuple]]:
    """The cases (nomor, unit, segera) of these keys: read through the index of open cases
    over just the statuses and receipt days the keys have (the most urgent keys are a few
    statuses and days), each case's key worked out by the database as the keys were."""
    cases: dict[tuple, list[tuple]] = {key: [] for key in keys}
    if not cases:
        return cases
    statuses = sorted({key[0] for key in cases})
    days = [_moment(key[1]) for key in cases]
    first = datetime.combine(min(days).date(), time())
    after = datetime.combine(max(days).date(), time()) + timedelta(days=1)
    # The range first: SQLite bounds its index search by the first bound it is given, and
    # ``where`` has one of its own (received by the moment judged: every day until then).
    query = (
        f"SELECT {_KEY_SQL}, nomor, unit, segera FROM kasus"
        f" WHERE status IN ({', '.join('?' * len(statuses))}) AND diterima >= ? AND diterima < ?"
        f" AND {where}"
    )
    for r in db.iter(query, [*statuses, db.time(first), db.time(after), *params]):
        if (of_key := cases.get(r[:_WIDTH])) is not None:
            of_key.append(r[_WIDTH:])
    return cases


def _ordered(groups: list[tuple[SlaLine, list[tuple]]]) -> list[Member]:
    """The cases of every judgement, most urgent first, by number within one deadline."""
    bands: dict[tuple, list[Member]] = {}
    for line, cases in groups:
        band = bands.setdefault(_urgency(line), [])
        band += [(nomor, unit, segera, line) for nomor, unit, segera in cases]
    members: list[Member] = []
    for urgency in sorted(bands):
        band = bands[urgency]
        band.sort()  # by number: numbers are unique, nothing after one is ever compared
        members += band
    return members


class _Judge:
    """Judges open cases as of a moment and counts them. The working days left depend only
    on the deadline: computed once per deadline however many cases share it (the book
    computes each deadline once per rule and day)."""

    def __init__(self, book: Deadlines, as_of: datetime, only_late: bool) -> None:
        self.book = book
        self.as_of = as_of
        self.only_late = only_late
        self.pauses = book.all_pauses()  # every pause, before the cases stream in
        self.counts = dict.fromkeys(_COUNTS, 0)
        self._left: dict[tuple, int] = {}

    def line(self, row, cases: int = 1) -> SlaLine | None:
        """The judgement of ``row`` (standing for ``cases`` cases), counted; None for a case
        not late when only the late ones are asked for."""
        book, as_of = self.book, self.as_of
        paused_ever = row.id in self.pauses
        due = book.due(row)
        binds, binding_due = book.binding(row, due)
        if (remaining := self._left.get((row.sla_profil, binding_due))) is None:
            calendar = book.calendar(row.sla_profil)
            remaining = sla.remaining_workdays(as_of, binding_due, calendar)
            self._left[row.sla_profil, binding_due] = remaining
        paused = paused_ever and book.paused(row)
        tanda = sla.flag(as_of, binding_due, remaining, paused=paused)
        if self.only_late and tanda != sla.TERLAMBAT:
            return None
        ready = row.status == "ditindaklanjuti" and book.ready_to_close(row, as_of)
        counts = self.counts
        counts["terbuka"] += cases
        counts["siap_ditutup"] += cases * ready
        if tanda == sla.SEGERA:
            counts["hari_ini" if remaining == 0 else "jatuh_tempo"] += cases
        else:
            counts[tanda] += cases
        stage = book.stage_due(row) if row.status in STAGED else None
        return SlaLine(
            row.nomor,
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
