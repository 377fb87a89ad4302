"""`lapor pindah`: the whole register copied to another database — a SQLite file to a
PostgreSQL server when one desk's file is outgrown, or back.

Every table is copied row for row with its own ids, so the history chain (each entry's hash
covers the one before) arrives intact and case numbers stay what they were. The copy is one
transaction on the target, checked before it is committed — same row counts as the source,
the chain verified, numbers consistent — so a failed or interrupted move leaves the target as
it was (a new SQLite file is removed again). The source is only read.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from lapor_cli.db import KNOWN_REVISIONS, Register, open_register, shown_location
from lapor_cli.errors import RegisterError
from lapor_cli.models import (
    Access,
    Attachment,
    AttachmentContent,
    Case,
    Counter,
    Desk,
    Erasure,
    History,
    OfficeDay,
    PackageYear,
    Pause,
    Setting,
)

#: In the order their foreign keys need. The holidays cache is copied too (it is the
#: source's, made by the same package version or refreshed on the next write).
TABLES: tuple[sa.Table, ...] = tuple(
    model.__table__
    for model in (
        Setting,
        Counter,
        Desk,
        OfficeDay,
        PackageYear,
        Case,
        History,
        Pause,
        Access,
        Erasure,
    )
) + (AttachmentContent.__table__, Attachment.__table__)
#: Rows per insert batch: a million-case register streams through in bounded memory.
CHUNK = 5_000
#: Attachments' content is up to the size cap (20 MB) a row: a few rows per batch.
CHUNKS = {AttachmentContent.__tablename__: 4}


@dataclass
class Moved:
    """What `pindah` copied: table name -> rows, and where to."""

    tujuan: str
    jumlah: dict[str, int]


def move(source: Register, target_location: str) -> Moved:
    """Copy every row of ``source`` into the (empty) register at ``target_location``."""
    from lapor_cli.maintenance import check_connection

    shown = shown_location(target_location)
    if _same_place(source.location, target_location):
        raise RegisterError("Register tujuan sama dengan register asal; tidak ada yang disalin.")
    target = open_register(target_location, write=True, provisional=True)
    try:
        with (
            source.transaction(False) as src_session,
            target.transaction(True) as dst_session,
        ):
            src, dst = src_session.connection(), dst_session.connection()
            _refuse_unless_empty(dst, shown)
            dst.execute(sa.delete(PackageYear.__table__))  # a cache: the source's replaces it
            dst.execute(sa.delete(Desk.__table__))  # the new register's first desk: likewise
            counts = {table.name: _copy(table, src, dst) for table in TABLES}
            if dst.dialect.name == "postgresql":
                _advance_sequences(dst)
                dst.exec_driver_sql("ANALYZE")  # the planner's statistics for the new rows
            _verify(src, dst, counts)
            report = check_connection(dst, KNOWN_REVISIONS)
            if report.problems:
                raise RegisterError(
                    "Salinan tidak lolos pemeriksaan, tidak ada yang disimpan: "
                    + "; ".join(report.problems)
                )
    except BaseException:
        target.finish_creation(keep=False)
        raise
    else:
        target.finish_creation(keep=True)
    finally:
        target.engine.dispose()
    return Moved(shown, counts)


def _same_place(a: str, b: str) -> bool:
    from pathlib import Path

    if "://" in a or "://" in b:
        return shown_location(a) == shown_location(b)
    return Path(a).expanduser().resolve() == Path(b).expanduser().resolve()


def _refuse_unless_empty(dst: sa.Connection, shown: str) -> None:
    for table in TABLES:
        # The holidays cache, and the desk every new register starts with, are not data.
        if table is PackageYear.__table__ or table is Desk.__table__:
            continue
        if dst.execute(sa.select(sa.func.count()).select_from(table)).scalar():
            raise RegisterError(
                f"Register tujuan {shown} sudah berisi data (tabel {table.name}); "
                "pindah hanya ke register yang masih kosong."
            )


def _copy(table: sa.Table, src: sa.Connection, dst: sa.Connection) -> int:
    order = list(table.primary_key.columns)
    # On the statement: Connection.execution_options() would change src for every later query.
    chunk = CHUNKS.get(table.name, CHUNK)
    rows = src.execute(sa.select(table).order_by(*order).execution_options(yield_per=chunk))
    copied = 0
    for part in rows.partitions():
        dst.execute(table.insert(), [dict(row._mapping) for row in part])
        copied += len(part)
    return copied


def _advance_sequences(dst: sa.Connection) -> None:
    """Rows came with their ids: the server's id sequences must continue after them."""
    for table in TABLES:
        column = table.c.get("id")
        if column is None or not column.autoincrement:
            continue
        dst.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"COALESCE(max(id), 1), max(id) IS NOT NULL) FROM {table.name}"
        )


def _verify(src: sa.Connection, dst: sa.Connection, counts: dict[str, int]) -> None:
    for table in TABLES:
        query = sa.select(sa.func.count()).select_from(table)
        there, here = src.execute(query).scalar(), dst.execute(query).scalar()
        if not there == here == counts[table.name]:
            raise RegisterError(
                f"Jumlah baris {table.name} berbeda (asal {there}, salinan {here}); "
                "tidak ada yang disimpan."
            )
