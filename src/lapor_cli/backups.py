"""Online backups and restores of a SQLite register (``lapor cadangan``, ``--pulihkan``).

Backups use SQLite's online backup API, which copies a consistent snapshot while other
processes keep writing. Everything for a file works on its path and plain ``sqlite3``: it must
still work when the register is too damaged for SQLAlchemy to open. A register on a
PostgreSQL server gets the same checks (not the file's own); its backups are the server's.

A restore holds the register's write lock (as every writing command does) while it sets the
current register aside and puts the backup's content in its place, in one transaction: a
command writing at that moment finishes first and is in the set-aside copy, one that starts
later waits and writes into the restored register. A register file that is no database any
more (empty, damaged) is set aside as it is and replaced whole.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

from lapor_cli import files, register_file
from lapor_cli.errors import LaporError, RegisterError, ValidationError
from lapor_cli.maintenance import check, connect_readonly, sqlite_uri


def _private_new_file(path: Path) -> int:
    """Create ``path`` empty and owner-only (never through a link: ``O_EXCL``); its open
    file descriptor."""
    problem = files.target_problem(path, overwrite=False)
    if problem:
        raise ValidationError("berkas", problem)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError as exc:
        raise LaporError(f"Berkas {path} tidak dapat dibuat: {exc.strerror}.") from None


def _write_failure(what: str, target: Path, exc: Exception) -> LaporError:
    """A copy to ``target`` failed: say whether the disk is full or the folder read-only."""
    found = register_file.storage_problem(target.parent)
    if found and found[0] == "penuh":
        reason = f"disk penuh di {target.parent} ({found[1]}); kosongkan ruang disk"
    elif found and found[0] == "batas-ukuran":
        reason = f"batas ukuran berkas tercapai di {target.parent} ({found[1]})"
    elif found:
        reason = f"folder {target.parent} hanya-baca ({found[1]})"
    else:
        reason = str(exc)
    return LaporError(f"{what} gagal: {reason}. Tidak ada berkas yang ditulis.")


def _copy_database(src: sqlite3.Connection, target: Path, *, journal: str) -> None:
    """SQLite backup of ``src`` into the new owner-only file ``target`` (removed on failure)."""
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute(f"PRAGMA journal_mode = {journal}")
        finally:
            dst.close()
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def backup(source: Path, target: Path, *, overwrite: bool = False) -> int:
    """A consistent copy of a register in use (SQLite backup API); returns its case count.

    The copy is written beside ``target`` (:func:`lapor_cli.files.replacing`: owner-only,
    never through a symbolic link) and renamed when complete and checked: a failure (a full
    disk) leaves no partial file and an older backup under that name as it was."""
    problem = files.target_problem(target, overwrite=overwrite)
    if problem:
        raise ValidationError("berkas", problem)
    if source.resolve() == target.resolve():
        raise ValidationError("berkas", "Cadangan tidak boleh menimpa register itu sendiri.")
    src = connect_readonly(source)
    try:
        with files.replacing(target, overwrite=overwrite, field="berkas") as partial:
            _copy_database(src, partial.path, journal="DELETE")
            dst = sqlite3.connect(partial.path)
            try:
                ok = dst.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                count = dst.execute("SELECT count(*) FROM kasus").fetchone()[0]
            finally:
                dst.close()
            if not ok:
                raise RegisterError("Salinan cadangan tidak lolos pemeriksaan integritas; dibuang.")
    except (sqlite3.Error, OSError) as exc:
        raise _write_failure("Cadangan", target, exc) from None
    finally:
        src.close()
    return count


def restore(
    backup_file: Path, register: Path, known_revisions: tuple[str, ...], now: datetime
) -> Path | None:
    """Put a backup in place of the register, keeping the current register aside first; the
    path of that copy (None: there was no register yet).

    Both happen under the register's write lock (``locking.begin_writing``): a restore waits for a
    command that is writing, and one that has to wait longer than a writer would is refused.
    """
    if register.exists() and backup_file.resolve() == register.resolve():
        raise ValidationError("berkas", "Cadangan itu adalah register ini sendiri.")
    report = check(backup_file, known_revisions)
    if report.problems:
        raise RegisterError(f"{backup_file} tidak dapat dipulihkan: {'; '.join(report.problems)}")
    aside = register.with_name(f"{register.name}.sebelum-pulih-{now:%Y%m%d-%H%M%S}")
    if not register.exists():
        if register.is_symlink():
            raise ValidationError("db", files.target_problem(register, overwrite=True) or "")
        _replace_whole(backup_file, register, aside=None)
        return None
    problem = register_file.content_problem(register)
    if problem and not problem.content_lost:  # a device, no permission: leave it alone
        raise RegisterError(problem.message)
    if problem is None and _restore_in_place(backup_file, register, aside):
        return aside
    # No SQLite database any more (empty, damaged): nobody can be working in it.
    register = register.resolve()
    _set_aside_whole(register, aside)
    try:
        _replace_whole(backup_file, register, aside=aside)
    except BaseException:
        aside.unlink(missing_ok=True)
        raise
    return aside


def _restore_in_place(backup_file: Path, register: Path, aside: Path) -> bool:
    """The restore of a register that is a database: under its write lock, copy it aside and
    replace its content with the backup's, in one transaction. False: it is too damaged for
    that (the caller replaces the file whole)."""
    from lapor_cli.locking import begin_writing, lock_message, lock_wait

    problem = files.target_problem(aside, overwrite=False)
    if problem:
        raise ValidationError("berkas", problem)
    conn = sqlite3.connect(
        sqlite_uri(register), uri=True, isolation_level=None, timeout=lock_wait()
    )
    made_aside = False
    try:
        conn.execute("PRAGMA foreign_keys = OFF")  # the tables are rebuilt in any order
        conn.execute(
            "ATTACH DATABASE ? AS cadangan", (sqlite_uri(backup_file.resolve(), read_only=True),)
        )
        try:
            begin_writing(conn, lock_wait())
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc).lower() or "busy" in str(exc).lower():
                raise RegisterError(lock_message(str(register))) from None
            raise
        try:
            # Nobody else can commit now: a plain reader sees the register as it stands.
            reader = sqlite3.connect(sqlite_uri(register), uri=True)
            try:
                os.close(_private_new_file(aside))
                made_aside = True
                _copy_database(reader, aside, journal="DELETE")
            finally:
                reader.close()
            _replace_contents(conn)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if made_aside:
                aside.unlink(missing_ok=True)
            raise
    except sqlite3.DatabaseError as exc:
        text = str(exc).lower()
        if "not a database" in text or "malformed" in text or "corrupt" in text:
            return False
        if isinstance(exc, sqlite3.OperationalError) and register_file.storage_problem(
            aside.parent
        ):
            raise _write_failure("Pemulihan", aside, exc) from None
        message = register_file.explain_sqlite_failure(str(register), exc)
        if message is None:
            raise  # a bug: it keeps its traceback
        raise RegisterError(message) from None
    except OSError as exc:
        raise _write_failure("Pemulihan", aside, exc) from None
    finally:
        conn.close()
    return True


def erasure_log(register: Path) -> list[tuple]:
    """The erasure log (``penghapusan``: nomor, waktu, oleh, alasan, kolom) of a register
    file, read before a restore replaces it; empty when there is none (no file, a register
    from before schema 0010, a file that is no database)."""
    if not register.exists():
        return []
    try:
        conn = connect_readonly(register)
    except (sqlite3.Error, OSError, LaporError):
        return []
    try:
        return conn.execute(
            "SELECT nomor, waktu, oleh, alasan, kolom FROM penghapusan ORDER BY id"
        ).fetchall()
    except sqlite3.Error:
        return []
    finally:
        conn.close()


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _replace_contents(conn: sqlite3.Connection) -> None:
    """In ``conn``'s write transaction: drop every table and view of ``main`` and rebuild them
    from the attached ``cadangan`` (its own CREATE statements, then its rows, indexes,
    triggers, AUTOINCREMENT counters and user_version)."""
    old = conn.execute(
        "SELECT type, name FROM main.sqlite_master WHERE type IN ('table', 'view') "
        "AND name NOT LIKE 'sqlite!_%' ESCAPE '!'"
    ).fetchall()
    for kind, name in sorted(old, key=lambda row: row[0] != "view"):  # views first
        conn.execute(f"DROP {kind.upper()} main.{_quoted(name)}")
    new = conn.execute(
        "SELECT type, name, sql FROM cadangan.sqlite_master WHERE sql IS NOT NULL "
        "AND name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY rowid"
    ).fetchall()
    for kind, name, sql in new:
        if kind == "table":
            conn.execute(sql)  # an unqualified CREATE goes to main
            conn.execute(f"INSERT INTO main.{_quoted(name)} SELECT * FROM cadangan.{_quoted(name)}")
    for kind, _name, sql in new:
        if kind != "table":
            conn.execute(sql)
    internal = {
        n for (n,) in conn.execute("SELECT name FROM main.sqlite_master WHERE type = 'table'")
    }
    if "sqlite_sequence" in internal:
        conn.execute("DELETE FROM main.sqlite_sequence")
        conn.execute("INSERT INTO main.sqlite_sequence SELECT * FROM cadangan.sqlite_sequence")
    if "sqlite_stat1" in internal:
        conn.execute("DELETE FROM main.sqlite_stat1")
    version = conn.execute("PRAGMA cadangan.user_version").fetchone()[0]
    conn.execute(f"PRAGMA main.user_version = {int(version)}")


def _set_aside_whole(register: Path, aside: Path) -> None:
    """Copy a register that is no database (any more) aside byte for byte (its -wal follows
    in ``_replace_whole``)."""
    fd = _private_new_file(aside)
    try:
        with os.fdopen(fd, "wb") as dst, open(register, "rb") as src:
            shutil.copyfileobj(src, dst)
            dst.flush()
            os.fsync(dst.fileno())
    except OSError as exc:
        aside.unlink(missing_ok=True)
        raise _write_failure("Pemulihan", aside, exc) from None


def _replace_whole(backup_file: Path, register: Path, *, aside: Path | None) -> None:
    """Write the backup into a new file beside ``register`` and rename it into place; the old
    file's -wal (damaged or not) goes with the set-aside copy, never applied to the new one."""
    src = sqlite3.connect(sqlite_uri(backup_file.resolve(), read_only=True), uri=True)
    try:
        register.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with files.replacing(register, overwrite=True, field="db") as partial:
            _copy_database(src, partial.path, journal="WAL")
            for suffix in ("-wal", "-journal"):
                companion = Path(f"{register}{suffix}")
                if companion.exists() and aside is not None:
                    os.replace(companion, f"{aside}{suffix}")
                companion.unlink(missing_ok=True)
            Path(f"{register}-shm").unlink(missing_ok=True)
    except (sqlite3.Error, OSError) as exc:
        raise _write_failure("Pemulihan", register, exc) from None
    finally:
        src.close()
