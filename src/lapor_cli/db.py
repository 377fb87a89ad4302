"""Where the register is, its engine, one transaction per command, migrations on open.

A register is a SQLite file or a database on a PostgreSQL server (a SQLAlchemy URL,
``postgresql+psycopg://…``). What differs lives only in the connection hooks here. SQLite: WAL
journal, a busy timeout, foreign keys, and ``BEGIN IMMEDIATE`` for writing commands so that
two desks writing at once queue instead of failing. PostgreSQL: writing transactions take one
advisory lock (the same queue: numbers and the history chain grow by one writer at a time),
reading ones a read-only repeatable-read snapshot. Everything else is portable SQL through
SQLAlchemy.

A writer waits its turn as long as the queue moves: the wait for the write lock starts again
each time another writer commits (SQLite: ``PRAGMA data_version`` changes; PostgreSQL: the
lock's holder is another transaction), and only a lock that sees no progress for
``LAPOR_TUNGGU_KUNCI`` seconds (15 by default) is refused as stuck.

An existing file is never taken for a new register: an empty, unreadable or foreign file is
refused (``register_file.py``) and left as it is.

Migrations are Alembic revisions in ``migrations/versions``; Alembic is imported only when a
register is older than this code (or new), so an up-to-date register opens without it.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

from lapor_cli import register_file
from lapor_cli.errors import RegisterError
from lapor_cli.locking import (
    MIGRATION_LOCK,
    begin_writing,
    lock_message,
    lock_wait,
    take_server_lock,
)

# Where the rest of the code looks for them (they live in the light ``register_file``).
from lapor_cli.register_file import (  # noqa: F401
    KNOWN_REVISIONS,
    SCHEMA_HEAD,
    default_location,
    is_url,
    resolve_location,
)


def shown_location(location: str) -> str:
    """The register's address as it may be shown: a server URL without its password."""
    if not is_url(location):
        return location
    try:
        return sa.engine.make_url(location).render_as_string(hide_password=True)
    except (sa.exc.ArgumentError, ValueError):
        return location.split("://", 1)[0] + "://…"


@dataclass
class Register:
    """An opened register: one engine for the process."""

    location: str
    engine: Engine
    in_memory: bool = False
    #: Set while this process is creating the register: others wait for it to go away.
    creation_lock: Path | None = None

    def finish_creation(self, *, keep: bool) -> None:
        """End a creation: keep the new register, or remove it (its first command was refused)
        before anyone else may open it."""
        if self.creation_lock is None:
            return
        self.engine.dispose()
        if not keep:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.location}{suffix}").unlink(missing_ok=True)
        self.creation_lock.unlink(missing_ok=True)
        self.creation_lock = None

    @contextmanager
    def transaction(self, write: bool) -> Iterator[Session]:
        """One session, one transaction; committed at the end, rolled back on any error."""
        bind = self.engine.execution_options(lapor_write=write)
        session = Session(bind, expire_on_commit=False)
        session.info["write"] = write
        try:
            with translate_db_errors(self.location):
                yield session
                if write:
                    session.commit()
                else:
                    session.rollback()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def _sqlite_engine(url: str, *, memory: bool = False) -> Engine:
    wait = lock_wait()
    kwargs: dict = {"connect_args": {"timeout": wait}}
    if memory:
        kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
    engine = sa.create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
        cur.execute("PRAGMA foreign_keys = ON")
        if not memory:
            cur.execute("PRAGMA synchronous = FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        if not conn.get_execution_options().get("lapor_write", False):
            conn.exec_driver_sql("BEGIN")
            return
        try:
            begin_writing(conn.connection.driver_connection, wait)
        except sqlite3.OperationalError as exc:
            raise sa.exc.OperationalError("BEGIN IMMEDIATE", None, exc) from None

    return engine


def _create_private_file(path: Path) -> None:
    """Create the register file readable by its owner only, before SQLite opens it."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def open_register(
    location: str, *, write: bool, provisional: bool = False, _settled: bool = False
) -> Register:
    """Open (and migrate) the register; a missing file is created only by a writing command.

    A reading command on a register that does not exist yet sees an empty in-memory one, so
    ``lapor daftar`` on a fresh machine answers with an empty list and creates nothing.

    A register created here is kept at once, unless ``provisional``: then it stays behind its
    creation lock until the caller's ``finish_creation`` keeps it or (its first command was
    refused) removes it. Only a command runner wants that.

    An existing file is checked before SQLite touches it: empty (0 bytes, or SQLite without a
    table), unreadable, not SQLite or not a regular file is refused, never made a new register
    (``_settled``: the file was looked at again after any creation in progress had ended).
    """
    if is_url(location):
        register = _server_register(location)
        with translate_db_errors(register.location):
            version = _stored_version(register.engine)
        if version is None and not write:
            # like a missing file: an empty database is not made a register by a read
            register.engine.dispose()
            register = Register(
                register.location, _sqlite_engine("sqlite://", memory=True), in_memory=True
            )
            ensure_schema(register)
        else:
            _bring_to_head(register, version)
        return register
    path = Path(location).expanduser()
    if path.is_dir():
        raise RegisterError(f"Register {path} adalah folder, bukan berkas. Periksa --db/LAPOR_DB.")
    if write and path.is_symlink() and not path.exists():
        raise RegisterError(
            f"Register {path} adalah tautan simbolik ke {os.readlink(path)} yang tidak ada. "
            "Periksa --db/LAPOR_DB."
        )
    lock = _creation_lock(path)
    _wait_for_creation(lock)
    version: str | None = None
    if not path.exists() and not write:
        register = Register(location, _sqlite_engine("sqlite://", memory=True), in_memory=True)
    elif path.exists():
        existing = _open_existing(path, lock, settled=_settled)
        if existing is None:  # it was being created a moment ago: look again
            return open_register(location, write=write, provisional=provisional, _settled=True)
        register, version = existing
    else:
        register = _create(path, lock)
        if register is None:  # another desk created it meanwhile
            return open_register(location, write=write, provisional=provisional)
    try:
        if version is None:
            ensure_schema(register)
        else:
            _bring_to_head(register, version)
    except BaseException:
        register.finish_creation(keep=False)
        raise
    if not provisional:
        register.finish_creation(keep=True)
    return register


def _open_existing(path: Path, lock: Path, *, settled: bool) -> tuple[Register, str] | None:
    """The existing register file at ``path`` and its schema revision, once the file has been
    found to be a register; None if it may still have been in creation (look again)."""
    problem = register_file.content_problem(path)
    if problem is None:
        register = Register(str(path), _sqlite_engine(f"sqlite:///{path}"))
        try:
            with translate_db_errors(str(path)):
                version = _stored_version(register.engine)
        except BaseException:
            register.engine.dispose()
            raise
        if version is not None:
            return register, version
        register.engine.dispose()
        message = register_file.empty_database_message(path)
    else:
        message = problem.message
    # Another desk creates a register in two steps (an empty file, then its schema): before
    # calling a file empty, wait for any creation to end and look once more.
    if lock.exists() or not settled:
        _wait_for_creation(lock)
        return None
    raise RegisterError(message)


def _server_register(location: str) -> Register:
    engine, shown = server_engine(location)
    return Register(shown, engine)


def server_engine(location: str) -> tuple[Engine, str]:
    """The engine of a register on a PostgreSQL server (``postgresql+psycopg://user@host/db``)
    and the address to show (password hidden)."""
    try:
        url = sa.engine.make_url(location)
    except (sa.exc.ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise RegisterError(
            "Alamat register tidak dapat dibaca. Contoh: "
            "postgresql+psycopg://petugas@localhost/lapor"
        ) from None
    if url.get_backend_name() != "postgresql":
        raise RegisterError(
            f"Register {url.get_backend_name()!r} tidak didukung: gunakan path berkas SQLite "
            "atau postgresql+psycopg://…"
        )
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    shown = url.render_as_string(hide_password=True)
    try:
        engine = sa.create_engine(url, connect_args={"connect_timeout": 10})
    except ModuleNotFoundError:
        raise RegisterError(
            "Driver PostgreSQL belum terpasang: pip install 'lapor-cli[postgres]'."
        ) from None
    except sa.exc.ArgumentError:
        raise RegisterError(
            f"Driver {url.drivername!r} tidak didukung; gunakan postgresql+psycopg://…"
        ) from None

    wait = lock_wait()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        if conn.get_execution_options().get("lapor_write", False):
            take_server_lock(conn.connection.driver_connection, wait)
        else:  # one consistent snapshot for the whole command, as a SQLite reader has
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")

    return engine, shown


_creation_lock = register_file.creation_lock


def _wait_for_creation(lock: Path) -> None:
    """Another process is creating this register (and may still remove it if its first
    command is refused): wait until it is done; a lock left by a killed process expires."""
    deadline = time.monotonic() + lock_wait()
    while lock.exists():
        try:
            age = time.time() - lock.stat().st_mtime
        except FileNotFoundError:
            return
        if age > 60:
            _remove_abandoned(lock)
            return
        if time.monotonic() > deadline:
            raise RegisterError("Register sedang dibuat proses lain; coba lagi sebentar.")
        time.sleep(0.05)


def _remove_abandoned(lock: Path) -> None:
    """A creation lock left by a killed process: remove it, and the register it was creating if
    that never got a table (an empty file is otherwise refused as a register whose content
    was lost)."""
    path = lock.with_name(lock.name.removesuffix(".sedang-dibuat"))
    try:
        empty = path.stat().st_size == 0
        if not empty and register_file.content_problem(path) is None:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1)
            try:
                empty = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
            finally:
                conn.close()
    except (OSError, sqlite3.Error):
        empty = False
    if empty:
        for suffix in ("-wal", "-shm", "-journal", ""):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    lock.unlink(missing_ok=True)


def _create(path: Path, lock: Path) -> Register | None:
    """Create the register file (owner-only) under a creation lock; None if another process
    got there first."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        _wait_for_creation(lock)
        return None
    except OSError as exc:
        raise RegisterError(
            f"Register tidak dapat dibuat di {path}: {exc.strerror}. Periksa --db/LAPOR_DB."
        ) from None
    os.close(fd)
    if path.exists():
        lock.unlink(missing_ok=True)
        return None
    try:
        _create_private_file(path)
    except OSError as exc:
        lock.unlink(missing_ok=True)
        raise RegisterError(
            f"Register tidak dapat dibuat di {path}: {exc.strerror}. Periksa --db/LAPOR_DB."
        ) from None
    return Register(str(path), _sqlite_engine(f"sqlite:///{path}"), creation_lock=lock)


def schema_version(conn: sa.Connection) -> str | None:
    """The register's migration revision, or None for an empty database."""
    tables = set(sa.inspect(conn).get_table_names())
    if "alembic_version" not in tables:
        if tables:
            raise RegisterError(
                "Berkas ini bukan register lapor-cli (tabel tidak dikenal). Periksa --db/LAPOR_DB."
            )
        return None
    return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def _stored_version(engine: Engine) -> str | None:
    with engine.connect() as conn:
        version = schema_version(conn)
        conn.rollback()
    return version


def ensure_schema(register: Register) -> None:
    """Bring the register to SCHEMA_HEAD; refuse one made by a newer version."""
    with translate_db_errors(register.location):
        version = _stored_version(register.engine)
    _bring_to_head(register, version)


def _bring_to_head(register: Register, version: str | None) -> None:
    """``ensure_schema`` once the stored ``version`` has been read."""
    with translate_db_errors(register.location):
        if version is not None and version not in KNOWN_REVISIONS:
            raise RegisterError(
                f"Register ini berskema {version}, dibuat oleh lapor-cli yang lebih baru. "
                "Perbarui lapor-cli; register tidak diubah."
            )
        if register.engine.dialect.name == "sqlite" and not register.in_memory:
            _use_wal(register.engine)  # only now: the file is known to be a register
        if version == SCHEMA_HEAD:
            return
        if register.engine.dialect.name == "postgresql":
            _migrate_server(register.engine)
            return
        try:
            run_migrations(register.engine)
        except (sa.exc.OperationalError, sa.exc.IntegrityError):
            # Another process migrated it at the same moment; fine if it is now current.
            if _stored_version(register.engine) != SCHEMA_HEAD:
                raise


def _migrate_server(engine: Engine) -> None:
    """Migrate a server's register under a session lock of its own: desks that open it at the
    same moment wait, then find it current (PostgreSQL runs each migration's DDL in its
    transaction, so a failed one leaves nothing half-made)."""
    with engine.connect() as guard:
        guard.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATION_LOCK})")
        try:
            if _stored_version(engine) != SCHEMA_HEAD:
                run_migrations(engine)
        finally:
            guard.exec_driver_sql(f"SELECT pg_advisory_unlock({MIGRATION_LOCK})")


def _use_wal(engine: Engine) -> None:
    """WAL lets readers and one writer work at once; the mode is kept in the file."""
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        if raw.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            try:
                raw.execute("PRAGMA journal_mode = WAL")
            except sqlite3.OperationalError:
                pass  # a read-only register stays as it is; reading still works


def run_migrations(engine: Engine, target: str = "head") -> None:
    """Apply the pending migrations, each in its own transaction.

    SQLite rebuilds a table to alter it (``batch_alter_table``), which the foreign keys of
    the history would refuse mid-way: they are switched off for the migration (outside any
    transaction, where SQLite honours it), checked afterwards, and switched on again.
    """
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "lapor_cli:migrations")
    with engine.execution_options(lapor_write=True).connect() as conn:
        raw = conn.connection.driver_connection
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, target)
            if sqlite:
                orphans = raw.execute("PRAGMA foreign_key_check").fetchall()
                if orphans:
                    raise RegisterError(
                        f"Migrasi register menemukan {len(orphans)} baris riwayat yatim; "
                        "jalankan `lapor periksa` dan pulihkan dari cadangan."
                    )
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys = ON")


@contextmanager
def translate_db_errors(location: str) -> Iterator[None]:
    """Turn the database's own failures into a clear Indonesian refusal."""
    try:
        yield
    except (sa.exc.DatabaseError, sqlite3.DatabaseError) as exc:
        orig = exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc
        message = _refusal(location, exc, orig)
        if message is None:
            raise
        raise RegisterError(message) from None


def _refusal(location: str, exc: Exception, orig: BaseException) -> str | None:
    """The one-line refusal for a database failure, or None (a bug: it keeps its traceback)."""
    text = str(orig).lower()
    if "locked" in text or "busy" in text or "lock timeout" in text:
        return lock_message(location)
    if "could not decode to utf-8" in text:  # bytes written into the file by hand/damage
        return (
            f"Register {location} berisi teks yang rusak (bukan UTF-8 yang sah). Jalankan "
            "`lapor periksa` untuk melihat di mana; `lapor lihat NOMOR` tetap menampilkan "
            "kasusnya."
        )
    if is_url(location):
        first = str(orig).strip().splitlines()[0] if str(orig).strip() else ""
        if "read-only" in text:
            return f"Server register {location} hanya-baca ({first}); perintah ini perlu menulis."
        if isinstance(exc, sa.exc.OperationalError):
            return (
                f"Server register {location} tidak dapat dipakai: {first}. Periksa alamat, "
                "nama pengguna, kata sandi dan apakah server PostgreSQL berjalan."
            )
        return None
    return register_file.explain_sqlite_failure(location, orig)
