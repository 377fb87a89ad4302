"""The register's write lock: one writer at a time, each waiting its turn while the queue
moves.

SQLite: ``BEGIN IMMEDIATE``, retried in short steps; the wait starts again whenever another
connection has committed (``PRAGMA data_version`` changed). PostgreSQL: a transaction-level
advisory lock (:data:`WRITER_LOCK`) in the server's ordered queue; the wait starts again when
the lock's holder is another transaction. Only a lock that sees no progress for
``LAPOR_TUNGGU_KUNCI`` seconds (15 by default) is refused as stuck (:func:`lock_message`).
"""

from __future__ import annotations

import math
import os
import sqlite3
import time

from lapor_cli.errors import RegisterError

#: How long a writer waits for the write lock while no other writer makes progress (seconds);
#: ``LAPOR_TUNGGU_KUNCI`` sets another (a test's stuck lock, a very slow shared disk).
LOCK_WAIT_SECONDS = 15.0
LOCK_WAIT_VAR = "LAPOR_TUNGGU_KUNCI"
#: How often a waiting writer looks whether the queue has moved (seconds).
LOCK_POLL_SECONDS = 0.5


def lock_wait() -> float:
    """The wait for a stuck write lock: ``LAPOR_TUNGGU_KUNCI`` seconds, else 15."""
    given = os.environ.get(LOCK_WAIT_VAR, "").strip()
    if not given:
        return LOCK_WAIT_SECONDS
    try:
        seconds = float(given.replace(",", "."))
    except ValueError:
        seconds = math.nan
    if not 0 < seconds <= 24 * 3600:  # also NaN
        raise RegisterError(
            f"{LOCK_WAIT_VAR}={given!r} tidak dapat dipakai: tulis lama menunggu kunci register "
            "dalam detik, lebih dari 0 (bawaan 15)."
        )
    return seconds


#: One key for the register's writers on a server: taken by every writing transaction, it
#: makes them queue exactly as ``BEGIN IMMEDIATE`` does on SQLite — numbers and the history
#: chain are extended by one writer at a time. (Any 64-bit constant; this one spells "lapor".)
WRITER_LOCK = 0x6C61706F72
#: Held while a server's register is migrated (not WRITER_LOCK: migrations take that one).
MIGRATION_LOCK = WRITER_LOCK + 1


def is_busy(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text or "busy" in text


def _data_version(raw: sqlite3.Connection) -> int | None:
    """A number that changes whenever another connection commits to the database."""
    try:
        return raw.execute("PRAGMA data_version").fetchone()[0]
    except sqlite3.OperationalError:
        return None


def begin_writing(raw: sqlite3.Connection, wait: float) -> None:
    """``BEGIN IMMEDIATE`` on a plain sqlite3 connection (autocommit mode): take the register's
    write lock, waiting in turn for as long as the writers ahead make progress.

    SQLite's own busy timeout is a fixed total: a desk behind a queue of quick writers (each
    ``catat`` holds the lock a fraction of a second) was refused after it although the queue
    was moving. Here the wait starts again whenever another connection has committed in the
    meantime (``PRAGMA data_version`` changed); a holder that commits nothing for ``wait``
    seconds (a stuck or very long transaction) is refused with SQLite's "database is locked".
    """
    seen = _data_version(raw)
    deadline = time.monotonic() + wait
    try:
        while True:
            step = min(LOCK_POLL_SECONDS, max(deadline - time.monotonic(), 0.001))
            raw.execute(f"PRAGMA busy_timeout = {max(1, int(step * 1000))}")
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not is_busy(exc):
                    raise
                version = _data_version(raw)
                if version is not None and version != seen:
                    seen, deadline = version, time.monotonic() + wait
                elif time.monotonic() >= deadline:
                    raise
    finally:
        raw.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")


#: The transaction holding the writers' lock on a server right now (none: it is free).
_SERVER_LOCK_HOLDER = f"""
    SELECT virtualtransaction FROM pg_locks
    WHERE locktype = 'advisory' AND granted AND objsubid = 1
      AND classid::bigint = {WRITER_LOCK >> 32} AND objid::bigint = {WRITER_LOCK & 0xFFFFFFFF}
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"""


def take_server_lock(raw, wait: float) -> None:
    """Take the writers' advisory lock on a server (psycopg connection, its transaction just
    begun), waiting in turn while the writers ahead make progress.

    PostgreSQL queues lock requests in order, so each wait is a whole ``wait`` in the queue;
    when it runs out, the request is withdrawn (to a savepoint) and the lock's holder compared
    with the one the wait began with: another transaction means the queue has moved, and the
    request joins it again; the same one has held it all along (stuck) and is refused, with
    PostgreSQL's own lock timeout as on SQLite."""
    import psycopg

    with raw.cursor() as cur:
        if cur.execute(f"SELECT pg_try_advisory_xact_lock({WRITER_LOCK})").fetchone()[0]:
            cur.execute(f"SET LOCAL lock_timeout = {int(wait * 1000)}")
            return
        holder = cur.execute(_SERVER_LOCK_HOLDER).fetchone()
        while True:
            cur.execute("SAVEPOINT lapor_antre")
            cur.execute(f"SET LOCAL lock_timeout = {max(1, int(wait * 1000))}")
            try:
                cur.execute(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")
            except psycopg.errors.LockNotAvailable as exc:
                cur.execute("ROLLBACK TO SAVEPOINT lapor_antre")
                now = cur.execute(_SERVER_LOCK_HOLDER).fetchone()
                if now is not None and now == holder:
                    import sqlalchemy as sa

                    raise sa.exc.OperationalError("pg_advisory_xact_lock", None, exc) from None
                holder = now
                continue
            cur.execute("RELEASE SAVEPOINT lapor_antre")
            # row locks later in the transaction: the same limit
            cur.execute(f"SET LOCAL lock_timeout = {int(wait * 1000)}")
            return


def lock_message(location: str) -> str:
    try:
        wait = f"{lock_wait():g}"
    except RegisterError:
        wait = f"{LOCK_WAIT_SECONDS:g}"
    return (
        f"Register {location} sedang dikunci proses lain terlalu lama: tidak ada penulisan yang "
        f"selesai selama {wait} detik. Coba lagi sebentar; bila tetap begini, tutup perintah "
        "lapor yang macet."
    )
