"""Register numbers: ``DS-2026-00042``, per desk prefix per year, consecutive and never
given twice (the counter is bumped under the register's write lock)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from lapor_cli.models import Counter

__all__ = ["format_number", "reserve_numbers"]


def format_number(prefiks: str, tahun: int, urut: int) -> str:
    return f"{prefiks}-{tahun}-{urut:05d}"


def reserve_numbers(session: Session, prefiks: str, tahun: int, count: int = 1) -> int:
    """Reserve ``count`` consecutive register numbers of the year in one step (one for
    ``catat``, a block for the bulk import), under the write lock; returns the first ``urut``
    of the block."""
    table = Counter.__table__
    bumped = session.execute(
        sa.update(table)
        .where(table.c.prefiks == prefiks, table.c.tahun == tahun)
        .values(terakhir=table.c.terakhir + count)
    )
    if bumped.rowcount == 0:
        session.execute(sa.insert(table).values(prefiks=prefiks, tahun=tahun, terakhir=count))
    last = session.execute(
        sa.select(table.c.terakhir).where(table.c.prefiks == prefiks, table.c.tahun == tahun)
    ).scalar_one()
    return last - count + 1
