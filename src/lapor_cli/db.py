"""Where the register is, its engine, one transaction per command, migrations on open.

A register is a SQLite file or a database on a PostgreSQL server (a SQLAlchemy URL,
``postgresql+psycopg://…``). What differs lives only in the connection hooks here. SQLite: WAL
journal, a busy timeout, foreign keys, and ``BEGIN IMMEDIATE`` for writing commands so that
two desks writing at once queue instead of failing. PostgreSQL: writing transactions take one
advisory lock (the same queue: numbers and the history chain grow by one writer at a time),
reading ones a read-only repeatable-read snapshot. Everything else is portable SQL through
SQLAlchemy.

Migrations are Alembic revisions in ``migrations/versions``; Alembic is imported only when a
register is older than this code (or new), so an up-to-date register opens without it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

from lapor_cli.errors import RegisterError
from lapor_cli.resources import app_dir

#: The newest migration this code knows; a register stamped with any other unknown revision
#: was made by a newer lapor-cli and is refused rather than touched.
SCHEMA_HEAD = "0006"
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006")

BUSY_TIMEOUT_MS = 15_000


def default_location() -> str:
    return str(app_dir() / "register.db")


def resolve_location(option: str | None) -> str:
    """``--db`` wins over ``LAPOR_DB``, which wins over the default file."""
    return option or os.environ.get("LAPOR_DB") or default_location()


def is_url(location: str) -> bool:
    return "://" in location


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
    kwargs: dict = {"connect_args": {"timeout": BUSY_TIMEOUT_MS / 1000}}
    if memory:
        kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
    engine = sa.create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        if not memory:
            cur.execute("PRAGMA synchronous = FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        write = conn.get_execution_options().get("lapor_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _create_private_file(path: Path) -> None:
    """Create the register file readable by its owner only, before SQLite opens it."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def open_register(location: str, *, write: bool, provisional: bool = False) -> Register:
    """Open (and migrate) the register; a missing file is created only by a writing command.

    A reading command on a register that does not exist yet sees an empty in-memory one, so
    ``lapor daftar`` on a fresh machine answers with an empty list and creates nothing.

    A register created here is kept at once, unless ``provisional``: then it stays behind its
    creation lock until the caller's ``finish_creation`` keeps it or (its first command was
    refused) removes it. Only a command runner wants that.
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
    lock = _creation_lock(path)
    _wait_for_creation(lock)
    if not path.exists() and not write:
        register = Register(location, _sqlite_engine("sqlite://", memory=True), in_memory=True)
    elif path.exists():
        register = Register(str(path), _sqlite_engine(f"sqlite:///{path}"))
    else:
        register = _create(path, lock)
        if register is None:  # another desk created it meanwhile
            return open_register(location, write=write, provisional=provisional)
    try:
        ensure_schema(register)
    except BaseException:
        register.finish_creation(keep=False)
        raise
    if not provisional:
        register.finish_creation(keep=True)
    return register


#: One key for the register's writers on a server: taken by every writing transaction, it
#: makes them queue exactly as ``BEGIN IMMEDIATE`` does on SQLite — numbers and the history
#: chain are extended by one writer at a time. (Any 64-bit constant; this one spells "lapor".)
WRITER_LOCK = 0x6C61706F72
#: Held while a server's register is migrated (not WRITER_LOCK: migrations take that one).
MIGRATION_LOCK = WRITER_LOCK + 1


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

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        if conn.get_execution_options().get("lapor_write", False):
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {BUSY_TIMEOUT_MS}")
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")
        else:  # one consistent snapshot for the whole command, as a SQLite reader has
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")

    return engine, shown


def _creation_lock(path: Path) -> Path:
    return path.with_name(f"{path.name}.sedang-dibuat")


def _wait_for_creation(lock: Path) -> None:
    """Another process is creating this register (and may still remove it if its first
    command is refused): wait until it is done; a lock left by a killed process expires."""
    import time

    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while lock.exists():
        try:
            age = time.time() - lock.stat().st_mtime
        except FileNotFoundError:
            return
        if age > 60:
            lock.unlink(missing_ok=True)
            return
        if time.monotonic() > deadline:
            raise RegisterError("Register sedang dibuat proses lain; coba lagi sebentar.")
        time.sleep(0.05)


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
    except sa.exc.OperationalError as exc:
        text = str(exc.orig).lower()
        if "://" in location and not ("lock timeout" in text or "read-only" in text):
            first = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else ""
            raise RegisterError(
                f"Server register {location} tidak dapat dipakai: {first}. Periksa alamat, "
                "nama pengguna, kata sandi dan apakah server PostgreSQL berjalan."
            ) from None
        if "locked" in text or "busy" in text or "lock timeout" in text:
            raise RegisterError(
                f"Register {location} sedang dikunci proses lain terlalu lama. Coba lagi sebentar."
            ) from None
        if "readonly" in text or "read-only" in text:
            folder = Path(location).expanduser().parent
            if not os.access(folder, os.W_OK):
                raise RegisterError(
                    f"Register {location} ada di folder hanya-baca: SQLite perlu membuat berkas "
                    f"pendamping (-shm) di {folder} bahkan untuk membaca. Salin register ke "
                    "folder yang dapat ditulis, atau periksa izinnya."
                ) from None
            raise RegisterError(
                f"Register {location} hanya-baca; perintah ini perlu menulis. Periksa izin berkas."
            ) from None
        if "unable to open" in text:
            raise RegisterError(
                f"Register {location} tidak dapat dibuka. Periksa path dan izin foldernya."
            ) from None
        if "disk" in text and "full" in text:
            raise RegisterError(
                "Disk penuh; tidak ada yang ditulis. Kosongkan ruang disk."
            ) from None
        if "could not decode to utf-8" in text:  # bytes written into the file by hand/damage
            raise RegisterError(
                f"Register {location} berisi teks yang rusak (bukan UTF-8 yang sah). Jalankan "
                "`lapor periksa` untuk melihat di mana; `lapor lihat NOMOR` tetap menampilkan "
                "kasusnya."
            ) from None
        raise
    except sa.exc.DatabaseError as exc:
        text = str(exc.orig).lower()
        if "not a database" in text or "malformed" in text or "corrupt" in text:
            raise RegisterError(
                f"Register {location} rusak atau bukan berkas SQLite. Pulihkan dari cadangan "
                "(lapor cadangan --pulihkan FILE); berkas tidak diubah."
            ) from None
        raise
