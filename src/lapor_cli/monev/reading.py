"""The month read from the register: :func:`monthly` (the facts and figures) and
:func:`case_details` (the identity and text of the case list, for the workbook).

Both read with SQLAlchemy Core (columns, never ORM objects). Only the facts stay in memory (a
few hundred bytes per case, repeated values shared); names and descriptions are read in a
second pass over a Core cursor that the workbook writer consumes row by row.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from lapor_cli.deadlines import Deadlines
from lapor_cli.desks import all_desks
from lapor_cli.entries import chain_anchor
from lapor_cli.errors import LaporError
from lapor_cli.models import Case, History
from lapor_cli.monev.facts import RESPONSE_ACTIONS, CaseFacts, Detail, Steps, case_facts
from lapor_cli.monev.figures import Monev
from lapor_cli.monev.period import Period
from lapor_cli.workflow import VOID_STATUSES, Status

__all__ = ["DETAIL_COLUMNS", "FACT_COLUMNS", "case_details", "monthly"]

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
    Case.dibuka,
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


def monthly(
    session: Session, period: Period, *, now: datetime, kantor: str, meja: str | None = None
) -> Monev:
    """Read the month's cases (and the earlier ones still open at month end) and their facts:
    of desk ``meja`` only, or of every desk. Voided and merged cases are in no figure: only
    their numbers, apart (``Monev.void``)."""
    t = Case.__table__
    conn = session.connection()
    in_month = _received_in(period, meja)
    carried_over = _of_desk(
        sa.and_(
            t.c.diterima < period.start,
            sa.or_(t.c.ditutup.is_(None), t.c.ditutup > period.as_of),
            _COUNTED,
        ),
        meja,
    )
    void = dict(
        conn.execute(
            sa.select(t.c.status, sa.func.count())
            .where(_received_in(period, meja, counted=False), t.c.status.in_(VOID_STATUSES))
            .group_by(t.c.status)
        ).all()
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
    reopened = _reopened_earlier(conn, period)
    steps = _steps(conn, in_month, period)
    book = Deadlines(session, period.as_of)
    book.closing_dues()  # a closed case's deadline as it stood at closing: one query for all
    if first is not None:
        # Every calendar the facts need, loaded once: from the oldest receipt to month end.
        book.ensure_years(first.year, period.as_of.year + 1)

    shared: dict[Any, Any] = {}

    def share(value: Any) -> Any:
        return shared.setdefault(value, value)

    def facts(where: sa.ColumnElement[bool]) -> list[CaseFacts]:
        query = sa.select(*FACT_COLUMNS).where(where).order_by(t.c.diterima, t.c.id)
        rows = conn.execute(query.execution_options(yield_per=2000))
        return [case_facts(row, book, period, status_end, share, reopened, steps) for row in rows]

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
        desks=all_desks(session),
        jangkar=chain_anchor(session),  # in the same read as the figures
        void={str(status): count for status, count in void.items()},
    )


#: A case that counts: neither voided (``batal``) nor merged into another (``gabung``).
_COUNTED = Case.__table__.c.status.not_in(VOID_STATUSES)


def _of_desk(where: sa.ColumnElement[bool], meja: str | None) -> sa.ColumnElement[bool]:
    return sa.and_(where, Case.__table__.c.meja == meja) if meja else where


def case_details(session: Session, report: Monev) -> Iterator[tuple[CaseFacts, Detail]]:
    """The month's cases with their identity and text, streamed in the facts' order."""
    t = Case.__table__
    query = (
        sa.select(*DETAIL_COLUMNS)
        .where(_received_in(report.period, report.meja))
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


def _received_in(
    period: Period, meja: str | None, *, counted: bool = True
) -> sa.ColumnElement[bool]:
    t = Case.__table__
    received = sa.and_(t.c.diterima >= period.start, t.c.diterima < period.stop)
    return _of_desk(sa.and_(received, _COUNTED) if counted else received, meja)


def _status_at_month_end(
    conn: sa.Connection, period: Period
) -> dict[int, tuple[str, datetime, dict]]:
    """The last history entry by month end that set a status — its ``ke_status``, ``waktu``
    and ``data`` — for every case not closed by then according to its row (a case closed
    then and reopened since has its closing there)."""
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
    query = sa.select(h.c.kasus_id, h.c.ke_status, h.c.waktu, h.c.data).join(
        last, h.c.id == last.c.last_id
    )
    return {kasus_id: (ke, waktu, data or {}) for kasus_id, ke, waktu, data in conn.execute(query)}


def _steps(
    conn: sa.Connection, in_period: sa.ColumnElement[bool], period: Period
) -> dict[int, Steps]:
    """The period's cases' first handling step, first distribution to a unit, first
    follow-up and pause at period end, from their history by then (``waktu``: when a step
    happened, ``--pada``), in one grouped read. Pauses alternate ``tunda``/``lanjut``, so a
    case is paused when it has more of the first."""
    t, h = Case.__table__, History.__table__

    def first(condition: sa.ColumnElement[bool]) -> sa.ColumnElement:
        return sa.func.min(sa.case((condition, h.c.waktu)))

    def number(aksi: str) -> sa.ColumnElement:
        return sa.func.sum(sa.case((h.c.aksi == aksi, 1), else_=0))

    query = (
        sa.select(
            h.c.kasus_id,
            first(h.c.aksi.in_(RESPONSE_ACTIONS)),
            first(h.c.ke_status == Status.DIDISPOSISIKAN.value),
            first(h.c.aksi == "tindaklanjut"),
            number("tunda") - number("lanjut"),
        )
        .where(
            h.c.kasus_id.in_(sa.select(t.c.id).where(in_period)),
            h.c.waktu <= period.as_of,
            h.c.aksi.in_((*RESPONSE_ACTIONS, "tunda", "lanjut")),
        )
        .group_by(h.c.kasus_id)
    )
    return {
        kasus_id: Steps(step, distributed, followed, bool(paused and paused > 0))
        for kasus_id, step, distributed, followed, paused in conn.execute(query)
    }


def _reopened_earlier(conn: sa.Connection, period: Period) -> set[int]:
    """Cases reopened by month end whose last reopening (``kasus.dibuka``) came after it:
    they were reopened more than once (the others are known from ``dibuka`` itself)."""
    t, h = Case.__table__, History.__table__
    later = sa.select(t.c.id).where(t.c.dibuka > period.as_of)
    query = (
        sa.select(h.c.kasus_id)
        .where(h.c.kasus_id.in_(later), h.c.aksi == "buka", h.c.waktu <= period.as_of)
        .distinct()
    )
    return set(conn.execute(query).scalars())
