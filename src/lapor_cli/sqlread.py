"""Reading the register through the database driver itself: portable SQL text, no SQLAlchemy.

A reading command (``lihat``, ``daftar``, ``sla``) is answered in a fraction of what importing
SQLAlchemy and SQLModel costs (~0.4 s before a single row is read), so the reads are SQL text
run through the DB-API driver: ``sqlite3`` for a register file, ``psycopg`` for a server's. The
SQLModel models stay the one definition of the schema (and Alembic its migrations); the write
path keeps them. ``tests/test_sqlread.py`` runs every read here against the ORM's answer on
both backends, so the two cannot drift.

A :class:`Reader` wraps either a connection opened here (:func:`open_reader`: an up-to-date
register file, read in one snapshot) or an ORM session's own connection (:meth:`Reader.of`:
the same reads inside a writing command's transaction, after its pending changes are flushed).
The bulk import writes through one too (:func:`open_writer`: the file under its write lock,
or a session's connection), so that a large import into an up-to-date register file needs no
SQLAlchemy either; its statements and the values they store are held to the ORM's own in
``tests/test_recording.py``.
Text a damaged register file holds that is not valid UTF-8 fails a read, as it fails the ORM's
(the command refuses it in one line), except where a reader says it tolerates it
(``sqlite_text.tolerant_text(reader.driver)``: ``lihat`` shows such a case, marked).

SQL is written once, with ``?`` placeholders, ``{like}`` where a case-insensitive match is
meant and ``{group_concat}`` for text joined over a group; :meth:`Reader.sql` turns it into
the driver's dialect. Stored values come back as each
driver gives them (SQLite: text times, 0/1, JSON text; PostgreSQL: the Python types): the
converters :func:`when`, :func:`day`, :func:`flag` and :func:`doc` give the same Python value
from either.
"""

from __future__ import annotations

import json
import sqlite3
from collections import namedtuple
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "Reader",
    "day",
    "doc",
    "flag",
    "open_reader",
    "open_writer",
    "record_type",
    "sql_words",
    "stored_json",
    "when",
]


def when(value: Any) -> datetime | None:
    """A stored time (SQLite text ``2026-11-23 10:00:00.000000``, or a server's datetime)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def day(value: Any) -> date | None:
    """A stored date (SQLite text ``2026-12-24``, or a server's date)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def flag(value: Any) -> bool | None:
    """A stored boolean (SQLite 0/1, or a server's bool); None stays None."""
    return None if value is None else bool(value)


def doc(value: Any) -> Any:
    """A stored JSON value (SQLite text, or the value a server's driver already decoded)."""
    if isinstance(value, str | bytes):
        return json.loads(value)
    return value


def stored_json(value: Any) -> str:
    """A value for a JSON column as the models store it: ``json.dumps`` (SQLAlchemy's JSON
    type, whose serializer the register's engines leave as it is). Both drivers take the
    text; PostgreSQL casts it to the column's type."""
    return json.dumps(value)


def sql_words(values: Sequence[str]) -> str:
    """An SQL list of fixed words (statuses, actions) written out, ``('a', 'b')``, so that the
    planner sees them; never for what a user typed (that is a parameter)."""
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


@cache
def record_type(columns: tuple[str, ...]) -> type:
    """A light row type with these attribute names (a case as the views read it)."""
    return namedtuple("Rekaman", columns)  # noqa: PYI024 - the names are only known here


class Reader:
    """Runs SQL text on one driver connection: ``sqlite`` or ``postgresql``; it writes only
    inside a write transaction (:func:`open_writer`, or a writing command's session)."""

    __slots__ = ("_conn", "_own", "_session", "dialect")

    def __init__(self, conn: Any, dialect: str, *, session: Any = None, own: bool = False):
        self._conn = conn
        self.dialect = dialect
        self._session = session
        self._own = own

    @classmethod
    def of(cls, source: Any) -> Reader:
        """A reader of ``source``: a Reader as it is, or an ORM session's connection (its
        pending changes flushed before each read, as the ORM's own queries would)."""
        if isinstance(source, Reader):
            return source
        conn = source.connection()
        dialect = conn.dialect.name
        return cls(conn.connection.driver_connection, dialect, session=source)

    # ------------------------------------------------------------------ SQL and values

    def sql(self, text: str) -> str:
        """``text`` in this driver's dialect: ``?`` placeholders, ``{like}`` (a match that
        ignores case: SQLite's LIKE already does, PostgreSQL needs ILIKE) and
        ``{group_concat}(text, separator)`` (PostgreSQL's ``string_agg``)."""
        return _dialect_sql(text, self.dialect)

    def time(self, value: datetime | None) -> Any:
        """A time as a parameter compared with stored times (SQLite stores them as text)."""
        if value is None or self.dialect != "sqlite":
            return value
        return value.isoformat(" ", "microseconds")

    # ------------------------------------------------------------------ running

    def _cursor(self, text: str, params: Sequence[Any]) -> Any:
        if self._session is not None:
            self._session.flush()
        return self._conn.execute(self.sql(text), tuple(params))

    def rows(self, text: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Every row of the query, as tuples."""
        return self._cursor(text, params).fetchall()

    def iter(self, text: str, params: Sequence[Any] = (), size: int = 2000) -> Iterator[tuple]:
        """The rows of the query, fetched ``size`` at a time (a long list is never all in
        memory)."""
        cursor = self._cursor(text, params)
        while batch := cursor.fetchmany(size):
            yield from batch

    def one(self, text: str, params: Sequence[Any] = ()) -> tuple | None:
        rows = self.rows(text, params)
        return rows[0] if rows else None

    def scalar(self, text: str, params: Sequence[Any] = ()) -> Any:
        row = self.one(text, params)
        return None if row is None else row[0]

    # ------------------------------------------------------------------ writing

    def execute(self, text: str, params: Sequence[Any] = ()) -> int:
        """Run one writing statement (the caller's transaction); the rows it changed."""
        cursor = self._cursor(text, params)
        self._forget()
        return cursor.rowcount

    def executemany(self, text: str, rows: list[tuple[Any, ...]]) -> None:
        """Run one writing statement for every row of parameters, in one driver call."""
        if self._session is not None:
            self._session.flush()
        self._conn.cursor().executemany(self.sql(text), rows)
        self._forget()

    def doc(self, value: Any) -> Any:
        """A value for a JSON column, as the models store it (:func:`stored_json`)."""
        return stored_json(value)

    def _forget(self) -> None:
        # A session's objects loaded before a write through the driver may now be stale:
        # they are read again when next used (nothing is pending: it was flushed).
        if self._session is not None:
            self._session.expire_all()

    def rollback(self) -> None:
        """End the transaction without writing (a session's: the session's own rollback)."""
        if self._session is not None:
            self._session.rollback()
        else:
            self._conn.rollback()

    def commit(self) -> None:
        """Commit a transaction this reader opened itself (:func:`open_writer`)."""
        assert self._session is None, "a session's transaction is committed by its owner"
        self._conn.commit()

    @property
    def driver(self) -> Any:
        """The driver's connection (``sqlite_text.tolerant_text`` takes it)."""
        return self._conn

    def close(self) -> None:
        if self._own:
            try:
                self._conn.rollback()
            finally:
                self._conn.close()


@cache
def _dialect_sql(text: str, dialect: str) -> str:
    if dialect == "sqlite":
        return text.replace("{like}", "LIKE").replace("{group_concat}", "group_concat")
    text = text.replace("%", "%%").replace("?", "%s").replace("{like}", "ILIKE")
    return text.replace("{group_concat}", "string_agg")


def open_reader(location: str) -> Reader | None:
    """A reader of the register file at ``location`` in one read snapshot, when it can be read
    as it is: an existing SQLite register at this code's schema, no creation in progress.
    None for anything else — a server, a missing file, a register to migrate, a file that is
    no register — which the caller opens the full way (``db.open_register``: it migrates,
    creates or refuses with the reason)."""
    return _open_file(location, write=False)


def open_writer(location: str) -> Reader | None:
    """:func:`open_reader` for one write transaction: the register file's write lock taken
    (``BEGIN IMMEDIATE``, waiting in turn as every writing command does), its connection set
    as ``db`` sets a register's (foreign keys on, ``synchronous = FULL``). The caller commits
    (:meth:`Reader.commit`); a close without it writes nothing. None when the file cannot be
    written as it is (see :func:`open_reader`): the caller opens it the full way."""
    return _open_file(location, write=True)


def _open_file(location: str, *, write: bool) -> Reader | None:
    from lapor_cli import register_file
    from lapor_cli.locking import begin_writing, is_busy, lock_wait

    if register_file.is_url(location):
        return None
    path = Path(location).expanduser()
    try:
        if not path.is_file() or register_file.creation_lock(path).exists():
            return None
    except OSError:
        return None
    if register_file.content_problem(path) is not None:
        return None
    wait = lock_wait()
    try:
        conn = sqlite3.connect(path, timeout=wait, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
        if write:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")
            # The lock first, then the schema's version: read under the lock, it cannot
            # change before the commit (another desk's migration waits for it).
            begin_writing(conn, wait)
        else:
            conn.execute("BEGIN")
        version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error as exc:
        conn.close()
        if write and is_busy(exc):
            raise  # another desk held the lock too long: the caller refuses in its words
        return None
    if version is None or version[0] != register_file.SCHEMA_HEAD:
        conn.close()
        return None
    return Reader(conn, "sqlite", own=True)
