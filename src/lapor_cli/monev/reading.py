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
from lapor_cli.monev.facts import CaseFacts, Detail, case_facts
from lapor_cli.monev.figures import Monev
from lapor_cli.monev.period import Period

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
    of desk ``meja`` only, or of every desk."""
    t = Case.__table__
    conn = session.connection()
    in_month = _received_in(period, meja)
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
        return [case_facts(row, book, period, status_end, share) for row in rows]

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
        jangkar=chain_anchor(session),  # in the same read as the figures
    )


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


def _received_in(period: Period, meja: str | None) -> sa.ColumnElement[bool]:
    t = Case.__table__
    return _of_desk(sa.and_(t.c.diterima >= period.start, t.c.diterima < period.stop), meja)


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
