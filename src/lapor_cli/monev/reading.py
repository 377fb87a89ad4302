"""The month read from the register: :func:`monthly` (the facts and figures) and
:func:`case_details` (the identity and text of the case list, for the workbook).

Both read plain SQL text through the database driver (``sqlread``: ``sqlite3`` for an
up-to-date register file, else the ORM session's own connection), never ORM objects, so
``lapor rekap`` needs neither SQLAlchemy nor SQLModel. Only the facts stay in memory (a few
hundred bytes per case, repeated values shared); names and descriptions are read in a second
pass over a cursor that the workbook writer consumes row by row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from lapor_cli import history as chain
from lapor_cli.deadlines import Deadlines
from lapor_cli.desks import all_desks
from lapor_cli.errors import LaporError
from lapor_cli.monev.facts import RESPONSE_ACTIONS, CaseFacts, Detail, Steps, case_facts
from lapor_cli.monev.figures import Monev
from lapor_cli.monev.period import Period
from lapor_cli.sqlread import Reader, record_type, when
from lapor_cli.workflow import VOID_STATUSES, Status

__all__ = ["DETAIL_COLUMNS", "FACT_COLUMNS", "case_details", "chain_anchor", "monthly"]

#: The columns of ``kasus`` the facts are derived from (``facts.case_facts``).
FACT_COLUMNS = (
    "id",
    "nomor",
    "meja",
    "diterima",
    "kanal",
    "jenis",
    "kategori",
    "unit",
    "status",
    "ditutup",
    "tepat_waktu",
    "kewenangan",
    "dilaporkan_balik",
    "skor",
    "sla_profil",
    "sla_satuan",
    "sla_nilai",
    "sla_perpanjangan",
    "diperpanjang",
    "dibuka",
)
#: The columns of the workbook's case list that the figures do not need.
DETAIL_COLUMNS = ("id", "nomor_lapor", "nama", "nik", "hp", "anonim", "rahasia", "uraian")

_VOID = tuple(str(s) for s in VOID_STATUSES)
_NOT_VOID = f"status NOT IN ({', '.join('?' * len(_VOID))})"


class _Where:
    """A condition on ``kasus`` as SQL text and its parameters."""

    __slots__ = ("params", "sql")

    def __init__(self, sql: str, params: tuple = ()) -> None:
        self.sql = sql
        self.params = params

    def __and__(self, other: _Where) -> _Where:
        return _Where(f"({self.sql}) AND ({other.sql})", self.params + other.params)


def _of_desk(where: _Where, meja: str | None) -> _Where:
    return where & _Where("meja = ?", (meja,)) if meja else where


def _received_in(db: Reader, period: Period, meja: str | None, *, counted: bool = True) -> _Where:
    received = _Where(
        "diterima >= ? AND diterima < ?", (db.time(period.start), db.time(period.stop))
    )
    return _of_desk(received & _Where(_NOT_VOID, _VOID) if counted else received, meja)


def _carried_over(db: Reader, period: Period, meja: str | None) -> _Where:
    """Received before the period, still open at its end (by the row), counted."""
    return _of_desk(
        _Where(
            f"diterima < ? AND (ditutup IS NULL OR ditutup > ?) AND {_NOT_VOID}",
            (db.time(period.start), db.time(period.as_of), *_VOID),
        ),
        meja,
    )


def monthly(
    source: Any, period: Period, *, now: datetime, kantor: str, meja: str | None = None
) -> Monev:
    """Read the month's cases (and the earlier ones still open at month end) and their facts:
    of desk ``meja`` only, or of every desk. Voided and merged cases are in no figure: only
    their numbers, apart (``Monev.void``). ``source``: a :class:`~lapor_cli.sqlread.Reader`
    or an ORM session (read through its own connection)."""
    db = Reader.of(source)
    in_month = _received_in(db, period, meja)
    carried_over = _carried_over(db, period, meja)
    every = _received_in(db, period, meja, counted=False)
    void = dict(
        db.rows(
            f"SELECT status, count(*) FROM kasus WHERE ({every.sql}) AND status IN (?, ?)"
            " GROUP BY status",
            (*every.params, *_VOID),
        )
    )
    first, nama, nomor_lapor, uraian = db.one(
        "SELECT min(diterima),"
        f" max(CASE WHEN {in_month.sql} THEN length(nama) END),"
        f" max(CASE WHEN {in_month.sql} THEN length(nomor_lapor) END),"
        f" max(CASE WHEN {in_month.sql} THEN length(uraian) END)"
        f" FROM kasus WHERE ({in_month.sql}) OR ({carried_over.sql})",
        in_month.params * 4 + carried_over.params,
    )
    first = when(first)
    status_end = _status_at_month_end(db, period)
    reopened = _reopened_earlier(db, period)
    steps = _steps(db, in_month, period)
    book = Deadlines(source, period.as_of)
    book.closing_dues()  # a closed case's deadline as it stood at closing: one query for all
    if first is not None:
        # Every calendar the facts need, loaded once: from the oldest receipt to month end.
        book.ensure_years(first.year, period.as_of.year + 1)

    shared: dict[Any, Any] = {}

    def share(value: Any) -> Any:
        return shared.setdefault(value, value)

    memo: dict[Any, Any] = {}  # what many cases share: deadlines, working-day counts
    make = _fact_row(db, shared)
    select = f"SELECT {', '.join(FACT_COLUMNS)} FROM kasus"

    def facts(where: _Where) -> list[CaseFacts]:
        rows = db.iter(f"{select} WHERE {where.sql} ORDER BY diterima, id", where.params)
        return [
            case_facts(make(row), book, period, status_end, share, reopened, steps, memo)
            for row in rows
        ]

    text_len = {"nama": nama or 0, "nomor_lapor": nomor_lapor or 0, "uraian": uraian or 0}
    return Monev(
        kantor,
        period,
        now,
        facts(in_month),
        # closed by month end after all (the history says so) and reopened since: not carried
        [fact for fact in facts(carried_over) if not fact.closed],
        text_len,
        meja=meja,
        desks=all_desks(db),
        jangkar=chain_anchor(db),  # in the same read as the figures
        void={str(status): count for status, count in void.items()},
    )


#: A stored boolean (SQLite 0/1, a server's bool, or null) as the model's value.
_FLAG = {0: False, 1: True, None: None}


def _fact_row(db: Reader, shared: dict[Any, Any]) -> Callable[[tuple], Any]:
    """A function making a case's row of :data:`FACT_COLUMNS` (attribute names, the model's
    values: ``case_rows`` does the same, column by column) from a stored one, its repeated
    text values (desk, channel, kind, category, unit, profile, unit of the rule) one shared
    copy in ``shared``: the driver gives every row its own copy of "whatsapp", and 100,000
    cases keep their facts in memory. One call per case, no call per column: a month is read
    in one go."""
    kind = record_type(FACT_COLUMNS)
    new = tuple.__new__
    s = shared.setdefault
    moment = _moment(db)

    def make(row: tuple) -> Any:
        (
            kasus_id,
            nomor,
            meja,
            diterima,
            kanal,
            jenis,
            kategori,
            unit,
            status,
            ditutup,
            tepat_waktu,
            kewenangan,
            dilaporkan_balik,
            skor,
            sla_profil,
            sla_satuan,
            sla_nilai,
            sla_perpanjangan,
            diperpanjang,
            dibuka,
        ) = row
        return new(
            kind,
            (
                kasus_id,
                nomor,
                s(meja, meja),
                moment(diterima),
                s(kanal, kanal),
                s(jenis, jenis),
                s(kategori, kategori),
                s(unit, unit),
                s(status, status),
                ditutup and moment(ditutup),
                _FLAG[tepat_waktu],
                _FLAG[kewenangan],
                _FLAG[dilaporkan_balik],
                skor,
                s(sla_profil, sla_profil),
                s(sla_satuan, sla_satuan),
                sla_nilai,
                sla_perpanjangan,
                _FLAG[diperpanjang],
                dibuka and moment(dibuka),
            ),
        )

    return make


def _moment(db: Reader) -> Callable[[Any], datetime]:
    """A stored time (never null) as a datetime: SQLite's text, a server's datetime as is."""
    return datetime.fromisoformat if db.dialect == "sqlite" else when


def chain_anchor(source: Any) -> chain.Anchor:
    """The chain's anchor now (``entries.chain_anchor``, read through the driver)."""
    db = Reader.of(source)
    count = db.scalar("SELECT count(*) FROM riwayat")
    newest = db.scalar("SELECT hash FROM riwayat ORDER BY id DESC LIMIT 1")
    return chain.Anchor(count, newest or chain.GENESIS)


def case_details(source: Any, report: Monev) -> Iterator[tuple[CaseFacts, Detail]]:
    """The month's cases with their identity and text, streamed in the facts' order."""
    db = Reader.of(source)
    where = _received_in(db, report.period, report.meja)
    rows = db.iter(
        f"SELECT {', '.join(DETAIL_COLUMNS)} FROM kasus WHERE {where.sql} ORDER BY diterima, id",
        where.params,
    )
    facts = iter(report.cases)
    for kasus_id, nomor_lapor, nama, nik, hp, anonim, rahasia, uraian in rows:
        fact = next(facts, None)
        if fact is None or fact.id != kasus_id:  # one read transaction: cannot happen
            raise LaporError("Register berubah di tengah ekspor; ulangi perintahnya.")
        yield fact, Detail(nomor_lapor, nama, nik, hp, bool(anonim), bool(rahasia), uraian)
    if next(facts, None) is not None:
        raise LaporError("Register berubah di tengah ekspor; ulangi perintahnya.")


def _status_at_month_end(db: Reader, period: Period) -> dict[int, tuple[str, Any, Any]]:
    """The last history entry by month end that set a status — its ``ke_status``, ``waktu``
    and ``data``, as stored (``facts`` converts them only where they are needed) — for every
    case not closed by then according to its row (a case closed then and reopened since has
    its closing there)."""
    as_of = db.time(period.as_of)
    rows = db.iter(
        "SELECT h.kasus_id, h.ke_status, h.waktu, h.data FROM riwayat h JOIN ("
        " SELECT max(id) AS last_id FROM riwayat"
        " WHERE waktu <= ? AND ke_status IS NOT NULL AND kasus_id IN ("
        "  SELECT id FROM kasus WHERE diterima < ? AND (ditutup IS NULL OR ditutup > ?))"
        " GROUP BY kasus_id) last ON h.id = last.last_id",
        (as_of, db.time(period.stop), as_of),
    )
    return {row[0]: row[1:] for row in rows}


def _steps(db: Reader, in_period: _Where, period: Period) -> dict[int, Steps]:
    """The period's cases' first handling step, first distribution to a unit, first
    follow-up and pause at period end, from their history by then (``waktu``: when a step
    happened, ``--pada``), in one grouped read. Pauses alternate ``tunda``/``lanjut``, so a
    case is paused when it has more of the first."""
    response = ", ".join("?" * len(RESPONSE_ACTIONS))
    actions = (*RESPONSE_ACTIONS, "tunda", "lanjut")
    rows = db.iter(
        "SELECT kasus_id,"
        f" min(CASE WHEN aksi IN ({response}) THEN waktu END),"
        " min(CASE WHEN ke_status = ? THEN waktu END),"
        " min(CASE WHEN aksi = 'tindaklanjut' THEN waktu END),"
        " sum(CASE WHEN aksi = 'tunda' THEN 1 ELSE 0 END)"
        " - sum(CASE WHEN aksi = 'lanjut' THEN 1 ELSE 0 END)"
        f" FROM riwayat WHERE kasus_id IN (SELECT id FROM kasus WHERE {in_period.sql})"
        f" AND waktu <= ? AND aksi IN ({', '.join('?' * len(actions))})"
        " GROUP BY kasus_id",
        (
            *RESPONSE_ACTIONS,
            str(Status.DIDISPOSISIKAN),
            *in_period.params,
            db.time(period.as_of),
            *actions,
        ),
    )
    moment = _moment(db)
    return {
        kasus_id: Steps(
            step and moment(step),
            distributed and moment(distributed),
            followed and moment(followed),
            bool(paused and paused > 0),
        )
        for kasus_id, step, distributed, followed, paused in rows
    }


def _reopened_earlier(db: Reader, period: Period) -> set[int]:
    """Cases reopened by month end whose last reopening (``kasus.dibuka``) came after it:
    they were reopened more than once (the others are known from ``dibuka`` itself)."""
    as_of = db.time(period.as_of)
    rows = db.rows(
        "SELECT DISTINCT kasus_id FROM riwayat WHERE kasus_id IN"
        " (SELECT id FROM kasus WHERE dibuka > ?) AND aksi = 'buka' AND waktu <= ?",
        (as_of, as_of),
    )
    return {kasus_id for (kasus_id,) in rows}
