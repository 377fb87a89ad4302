"""The month that ``rekap`` and ``ekspor`` read through the database driver (``monev.reading``:
SQL text, ``sqlread``) against the same reads written with SQLAlchemy Core, as they were before
(``reference_*`` below), on a register with every kind of row — a second desk, pauses, a
reopened case, a merged duplicate, office days — on SQLite and (in the PostgreSQL run) on the
server; and the whole month through a driver reader equal to the month through the ORM
session's connection.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from conftest import at, reading_session
from lapor_cli.entries import chain_anchor as orm_chain_anchor
from lapor_cli.models import Case, History
from lapor_cli.monev import case_details, month_period, monthly, period_of, reading
from lapor_cli.monev.facts import RESPONSE_ACTIONS, Steps
from lapor_cli.monev.period import Period
from lapor_cli.sqlread import Reader, doc, open_reader, when
from lapor_cli.workflow import VOID_STATUSES, Status
from test_sqlread import full  # noqa: F401 - the register with every kind of row

NOW = at("2026-11-23 10:00")
LATER = at("2027-01-05 09:00")  # every month of the quarter over: closings in it, reopenings


@pytest.fixture
def read(full) -> Iterator[Session]:  # noqa: F811 - the fixture above
    yield from reading_session()


PERIODS = [
    ("2026-11", None, NOW),
    ("2026-11", "kupang", NOW),
    ("2026-11", None, LATER),
    ("2026-10", None, NOW),
    ("2026-Q4", None, LATER),
    ("2026", "utama", LATER),
]


def _period(key: str, now: datetime) -> Period:
    if len(key) == 7 and key[4] == "-" and key[5:].isdigit():
        return month_period(int(key[:4]), int(key[5:]), now=now)
    return period_of(key, now=now)


# ---------------------------------------------------------------- the Core reads, as before

_T, _H = Case.__table__, History.__table__
_COUNTED = _T.c.status.not_in(VOID_STATUSES)


def _of_desk(where, meja):
    return sa.and_(where, _T.c.meja == meja) if meja else where


def _received_in(period: Period, meja, *, counted: bool = True):
    received = sa.and_(_T.c.diterima >= period.start, _T.c.diterima < period.stop)
    return _of_desk(sa.and_(received, _COUNTED) if counted else received, meja)


def _carried_over(period: Period, meja):
    return _of_desk(
        sa.and_(
            _T.c.diterima < period.start,
            sa.or_(_T.c.ditutup.is_(None), _T.c.ditutup > period.as_of),
            _COUNTED,
        ),
        meja,
    )


def reference_rows(session: Session, where) -> list[tuple]:
    columns = [_T.c[name] for name in reading.FACT_COLUMNS]
    query = sa.select(*columns).where(where).order_by(_T.c.diterima, _T.c.id)
    return [tuple(row) for row in session.connection().execute(query)]


def reference_status_at_month_end(session: Session, period: Period) -> dict:
    still_open = sa.select(_T.c.id).where(
        _T.c.diterima < period.stop,
        sa.or_(_T.c.ditutup.is_(None), _T.c.ditutup > period.as_of),
    )
    last = (
        sa.select(sa.func.max(_H.c.id).label("last_id"))
        .where(
            _H.c.waktu <= period.as_of,
            _H.c.ke_status.is_not(None),
            _H.c.kasus_id.in_(still_open),
        )
        .group_by(_H.c.kasus_id)
        .subquery()
    )
    query = sa.select(_H.c.kasus_id, _H.c.ke_status, _H.c.waktu, _H.c.data).join(
        last, _H.c.id == last.c.last_id
    )
    rows = session.connection().execute(query)
    return {kasus_id: (ke, waktu, data or {}) for kasus_id, ke, waktu, data in rows}


def reference_steps(session: Session, period: Period, meja) -> dict:
    def first(condition):
        return sa.func.min(sa.case((condition, _H.c.waktu)))

    def number(aksi: str):
        return sa.func.sum(sa.case((_H.c.aksi == aksi, 1), else_=0))

    query = (
        sa.select(
            _H.c.kasus_id,
            first(_H.c.aksi.in_(RESPONSE_ACTIONS)),
            first(_H.c.ke_status == Status.DIDISPOSISIKAN.value),
            first(_H.c.aksi == "tindaklanjut"),
            number("tunda") - number("lanjut"),
        )
        .where(
            _H.c.kasus_id.in_(sa.select(_T.c.id).where(_received_in(period, meja))),
            _H.c.waktu <= period.as_of,
            _H.c.aksi.in_((*RESPONSE_ACTIONS, "tunda", "lanjut")),
        )
        .group_by(_H.c.kasus_id)
    )
    return {
        kasus_id: Steps(step, distributed, followed, bool(paused and paused > 0))
        for kasus_id, step, distributed, followed, paused in session.connection().execute(query)
    }


def reference_reopened(session: Session, period: Period) -> set[int]:
    later = sa.select(_T.c.id).where(_T.c.dibuka > period.as_of)
    query = (
        sa.select(_H.c.kasus_id)
        .where(_H.c.kasus_id.in_(later), _H.c.aksi == "buka", _H.c.waktu <= period.as_of)
        .distinct()
    )
    return set(session.connection().execute(query).scalars())


def reference_void_and_lengths(session: Session, period: Period, meja) -> tuple:
    conn = session.connection()
    in_month = _received_in(period, meja)
    void = dict(
        conn.execute(
            sa.select(_T.c.status, sa.func.count())
            .where(_received_in(period, meja, counted=False), _T.c.status.in_(VOID_STATUSES))
            .group_by(_T.c.status)
        ).all()
    )
    lengths = conn.execute(
        sa.select(
            sa.func.min(_T.c.diterima),
            sa.func.max(sa.case((in_month, sa.func.length(_T.c.nama)))),
            sa.func.max(sa.case((in_month, sa.func.length(_T.c.nomor_lapor)))),
            sa.func.max(sa.case((in_month, sa.func.length(_T.c.uraian)))),
        ).where(sa.or_(in_month, _carried_over(period, meja)))
    ).one()
    return void, tuple(lengths)


# ---------------------------------------------------------------- the driver's against them


@pytest.mark.parametrize(("key", "meja", "now"), PERIODS)
def test_the_months_reads_are_the_cores(read: Session, key, meja, now) -> None:
    period = _period(key, now)
    db = Reader.of(read)
    make = reading._fact_row(db, {})
    for where, core in (
        (reading._received_in(db, period, meja), _received_in(period, meja)),
        (reading._carried_over(db, period, meja), _carried_over(period, meja)),
    ):
        columns = ", ".join(reading.FACT_COLUMNS)
        got = [
            tuple(make(row))
            for row in db.rows(
                f"SELECT {columns} FROM kasus WHERE {where.sql} ORDER BY diterima, id",
                where.params,
            )
        ]
        assert got == reference_rows(read, core)
    ends = reading._status_at_month_end(db, period)
    assert {k: (ke, when(waktu), doc(data) or {}) for k, (ke, waktu, data) in ends.items()} == (
        reference_status_at_month_end(read, period)
    )
    in_period = reading._received_in(db, period, meja)
    assert reading._steps(db, in_period, period) == reference_steps(read, period, meja)
    assert reading._reopened_earlier(db, period) == reference_reopened(read, period)
    void, (first, *lengths) = reference_void_and_lengths(read, period, meja)
    report = monthly(read, period, now=now, kantor="Uji", meja=meja)
    assert report.void == {str(status): count for status, count in void.items()}
    assert list(report.text_len.values()) == [n or 0 for n in lengths]
    assert reading.chain_anchor(db) == orm_chain_anchor(read)


def test_the_reads_cover_what_they_must(read: Session, full) -> None:  # noqa: F811
    """The register gives every read something to compare: not empty answers alike."""
    period = _period("2026-11", LATER)
    db = Reader.of(read)
    assert reading._status_at_month_end(db, period)
    steps = reading._steps(db, reading._received_in(db, period, None), period)
    assert any(s.paused for s in steps.values()) and any(s.distributed for s in steps.values())
    report = monthly(read, period, now=LATER, kantor="Uji")
    assert report.cases and report.void and any(f.dibuka_kembali for f in report.cases)
    assert {f.meja for f in report.cases} == {"utama", "kupang"}


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("key", "meja", "now"), PERIODS)
def test_the_month_read_by_sqlite3_is_the_sessions(read: Session, key, meja, now) -> None:
    """The whole month, figures and facts, through ``open_reader`` (what ``rekap`` reads an
    up-to-date register file with) and through the ORM session's own connection."""
    period = _period(key, now)
    reader = open_reader(os.environ["LAPOR_DB"])
    assert reader is not None
    try:
        driver = monthly(reader, period, now=now, kantor="Uji", meja=meja)
        details = list(case_details(reader, driver))
    finally:
        reader.close()
    session = monthly(read, period, now=now, kantor="Uji", meja=meja)
    assert driver.as_json() == session.as_json()
    assert driver.cases == session.cases and driver.carried == session.carried
    assert details == list(case_details(read, session))
