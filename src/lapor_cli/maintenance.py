"""Keeping the register sound: integrity checks, online backups and restores.

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
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from lapor_cli import history as chain
from lapor_cli import register_file
from lapor_cli.errors import LaporError, RegisterError, ValidationError


@dataclass
class Report:
    """What ``periksa`` found: each check with its result; ``problems`` empty means sound."""

    schema: str | None = None
    cases: int = 0
    entries: int = 0
    checks: list[tuple[str, bool, str]] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [f"{name}: {detail}" for name, ok, detail in self.checks if not ok]

    def add(self, name: str, ok: bool, detail: str) -> None:
        self.checks.append((name, ok, detail))


def _uri(path: Path, *, read_only: bool = False) -> str:
    return path.resolve().as_uri() + ("?mode=ro" if read_only else "")


def _unreadable(path: Path, exc: sqlite3.Error) -> RegisterError:
    """What is really wrong when SQLite cannot read ``path``: damaged, or its disk or folder."""
    message = register_file.explain_sqlite_failure(str(path), exc)
    return RegisterError(message or f"Register {path} tidak dapat dibaca: {exc}.")


def _connect_readonly(path: Path) -> sqlite3.Connection:
    from lapor_cli.db import lock_wait

    if not path.exists():
        raise RegisterError(f"Register {path} tidak ada.")
    problem = register_file.content_problem(path)
    if problem:
        raise RegisterError(problem.message)
    conn = None
    try:
        conn = sqlite3.connect(_uri(path, read_only=True), uri=True, timeout=lock_wait())
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        if conn is not None:
            conn.close()
        raise _unreadable(path, exc) from None
    return conn


def check(location: str | Path, known_revisions: tuple[str, ...]) -> Report:
    """Integrity, schema version, history chain and consistency of the register at
    ``location`` (a SQLite file, or a server's URL)."""
    from lapor_cli.db import is_url

    if is_url(str(location)):
        return _check_server(str(location), known_revisions)
    report = Report()
    conn = _connect_readonly(Path(location))
    try:
        result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        report.add("integritas SQLite", result == ["ok"], "; ".join(result[:5]))
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        report.add("kunci asing", not fk, f"{len(fk)} baris yatim" if fk else "ok")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        _check_register(conn.execute, tables, report, known_revisions, differs="IS NOT")
    except sqlite3.OperationalError as exc:  # the disk, not the content: say which
        raise _unreadable(Path(location), exc) from None
    finally:
        conn.close()
    return report


def _check_server(location: str, known_revisions: tuple[str, ...]) -> Report:
    """The same checks on a PostgreSQL server (which keeps its own storage and foreign keys
    sound), in one read-only snapshot; nothing is migrated or written."""
    import sqlalchemy as sa

    from lapor_cli.db import server_engine, translate_db_errors

    engine, shown = server_engine(location)
    try:
        with translate_db_errors(shown), engine.connect() as conn:
            if not sa.inspect(conn).get_table_names():
                raise RegisterError(f"Register {shown} kosong: belum ada kasus yang dicatat.")
            return check_connection(conn, known_revisions)
    finally:
        engine.dispose()


def check_connection(conn, known_revisions: tuple[str, ...]) -> Report:
    """The register checks on an open SQLAlchemy connection (any database), inside whatever
    transaction it is in: `pindah` checks its copy this way before committing it."""
    import sqlalchemy as sa

    report = Report()
    tables = set(sa.inspect(conn).get_table_names())
    differs = "IS NOT" if conn.dialect.name == "sqlite" else "IS DISTINCT FROM"
    _check_register(conn.exec_driver_sql, tables, report, known_revisions, differs=differs)
    return report


def _check_register(run, tables, report: Report, known_revisions, *, differs: str) -> None:
    """The checks every register gets: ``run(sql)`` is the connection's plain execute."""
    if "alembic_version" not in tables:
        report.add("versi skema", False, "bukan register lapor-cli")
        return
    report.schema = run("SELECT version_num FROM alembic_version").fetchone()[0]
    report.add(
        "versi skema",
        report.schema in known_revisions,
        report.schema
        if report.schema in known_revisions
        else f"{report.schema} tidak dikenal (dibuat versi lapor-cli yang lebih baru?)",
    )
    report.cases = run("SELECT count(*) FROM kasus").fetchone()[0]
    report.entries = run("SELECT count(*) FROM riwayat").fetchone()[0]
    breaks = _verify_history(run)
    report.add(
        "rantai riwayat",
        not breaks,
        "ok"
        if not breaks
        else "; ".join(f"entri {b.entry_id} ({b.nomor}): {b.reason}" for b in breaks[:5]),
    )
    # Set-based (one pass over each table), not a subquery per case: a server without fresh
    # statistics (right after `pindah`) planned that one as a scan of riwayat per case.
    mismatched = run(
        f"""SELECT k.nomor FROM kasus k
            LEFT JOIN (SELECT kasus_id, max(id) AS terakhir FROM riwayat
                       WHERE ke_status IS NOT NULL GROUP BY kasus_id) t ON t.kasus_id = k.id
            LEFT JOIN riwayat r ON r.id = t.terakhir
            WHERE k.status {differs} r.ke_status
            ORDER BY k.id"""
    ).fetchall()
    report.add(
        "status = riwayat terakhir",
        not mismatched,
        "ok" if not mismatched else ", ".join(r[0] for r in mismatched[:10]),
    )
    counters = run(
        """SELECT k.prefiks, k.tahun FROM kasus k
           LEFT JOIN nomor_urut n ON n.prefiks = k.prefiks AND n.tahun = k.tahun
           GROUP BY k.prefiks, k.tahun
           HAVING max(k.urut) > coalesce(max(n.terakhir), 0)"""
    ).fetchall()
    report.add(
        "nomor urut",
        not counters,
        "ok" if not counters else ", ".join(f"{p}-{y}" for p, y in counters),
    )
    if "meja" in tables:  # from schema 0005 on
        strays = run(
            """SELECT k.nomor FROM kasus k LEFT JOIN meja m ON m.kode = k.meja
               WHERE m.prefiks IS NULL OR m.prefiks <> k.prefiks ORDER BY k.id"""
        ).fetchall()
        report.add(
            "meja kasus",
            not strays,
            "ok"
            if not strays
            else "awalan nomor tidak sesuai mejanya: " + ", ".join(r[0] for r in strays[:10]),
        )


def _verify_history(run) -> list[chain.ChainBreak]:
    import json

    head_row = run("SELECT nilai FROM pengaturan WHERE kunci = 'rantai'").fetchone()
    head = head_row[0] if head_row else chain.GENESIS
    rows = run(
        """SELECT r.id, k.nomor, r.waktu, r.oleh, r.aksi, r.dari_status, r.ke_status,
                  r.catatan, r.data, r.hash_sebelum, r.hash
           FROM riwayat r JOIN kasus k ON k.id = r.kasus_id ORDER BY r.id"""
    )
    entries = (
        {
            "id": r[0],
            "nomor": r[1],
            # SQLite gives text, a server its own types
            "waktu": r[2] if isinstance(r[2], datetime) else datetime.fromisoformat(r[2]),
            "oleh": r[3],
            "aksi": r[4],
            "dari_status": r[5],
            "ke_status": r[6],
            "catatan": r[7],
            "data": json.loads(r[8]) if isinstance(r[8], str) else r[8],
            "hash_sebelum": r[9],
            "hash": r[10],
        }
        for r in rows
    )
    return chain.verify_chain(entries, head)


def _private_new_file(path: Path, *, overwrite: bool) -> None:
    """Create ``path`` empty and owner-only; an existing one only with ``overwrite``."""
    problem = register_file.target_problem(path, overwrite=overwrite)
    if problem:
        raise ValidationError("berkas", problem)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            path.unlink()
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError as exc:
        raise LaporError(f"Berkas {path} tidak dapat dibuat: {exc.strerror}.") from None
    os.close(fd)


def _beside(path: Path, what: str) -> Path:
    """A temporary name next to ``path`` (same folder, so that ``os.replace`` is atomic)."""
    return path.with_name(f".{path.name}.{os.getpid()}.{what}")


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

    The copy is written beside ``target`` and renamed when complete and checked: a failure (a
    full disk) leaves no partial file and an older backup under that name as it was."""
    problem = register_file.target_problem(target, overwrite=overwrite)
    if problem:
        raise ValidationError("berkas", problem)
    if source.resolve() == target.resolve():
        raise ValidationError("berkas", "Cadangan tidak boleh menimpa register itu sendiri.")
    src = _connect_readonly(source)
    partial = _beside(target, "cadangan")
    try:
        _private_new_file(partial, overwrite=True)
        _copy_database(src, partial, journal="DELETE")
        dst = sqlite3.connect(partial)
        try:
            ok = dst.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            count = dst.execute("SELECT count(*) FROM kasus").fetchone()[0]
        finally:
            dst.close()
        if not ok:
            raise RegisterError("Salinan cadangan tidak lolos pemeriksaan integritas; dibuang.")
        if target.exists() and not overwrite:
            raise ValidationError("berkas", f"{target} muncul selama pencadangan; tidak ditimpa.")
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as exc:
        raise _write_failure("Cadangan", target, exc) from None
    finally:
        partial.unlink(missing_ok=True)
        src.close()
    return count


def restore(
    backup_file: Path, register: Path, known_revisions: tuple[str, ...], now: datetime
) -> Path | None:
    """Put a backup in place of the register, keeping the current register aside first; the
    path of that copy (None: there was no register yet).

    Both happen under the register's write lock (``db.begin_writing``): a restore waits for a
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
            raise ValidationError("db", register_file.target_problem(register, overwrite=True))
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
    from lapor_cli.db import begin_writing, lock_message, lock_wait

    problem = register_file.target_problem(aside, overwrite=False)
    if problem:
        raise ValidationError("berkas", problem)
    conn = sqlite3.connect(_uri(register), uri=True, isolation_level=None, timeout=lock_wait())
    made_aside = False
    try:
        conn.execute("PRAGMA foreign_keys = OFF")  # the tables are rebuilt in any order
        conn.execute(
            "ATTACH DATABASE ? AS cadangan", (_uri(backup_file.resolve(), read_only=True),)
        )
        try:
            begin_writing(conn, lock_wait())
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc).lower() or "busy" in str(exc).lower():
                raise RegisterError(lock_message(str(register))) from None
            raise
        try:
            # Nobody else can commit now: a plain reader sees the register as it stands.
            reader = sqlite3.connect(_uri(register), uri=True)
            try:
                _private_new_file(aside, overwrite=False)
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
    problem = register_file.target_problem(aside, overwrite=False)
    if problem:
        raise ValidationError("berkas", problem)
    try:
        _private_new_file(aside, overwrite=False)
        with open(register, "rb") as src, open(aside, "wb") as dst:
            shutil.copyfileobj(src, dst)
            dst.flush()
            os.fsync(dst.fileno())
    except OSError as exc:
        aside.unlink(missing_ok=True)
        raise _write_failure("Pemulihan", aside, exc) from None


def _replace_whole(backup_file: Path, register: Path, *, aside: Path | None) -> None:
    """Write the backup into a new file beside ``register`` and rename it into place; the old
    file's -wal (damaged or not) goes with the set-aside copy, never applied to the new one."""
    partial = _beside(register, "pulih")
    src = sqlite3.connect(_uri(backup_file.resolve(), read_only=True), uri=True)
    try:
        register.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        _private_new_file(partial, overwrite=True)
        _copy_database(src, partial, journal="WAL")
        for suffix in ("-wal", "-journal"):
            companion = Path(f"{register}{suffix}")
            if companion.exists() and aside is not None:
                os.replace(companion, f"{aside}{suffix}")
            companion.unlink(missing_ok=True)
        Path(f"{register}-shm").unlink(missing_ok=True)
        os.replace(partial, register)
    except (sqlite3.Error, OSError) as exc:
        raise _write_failure("Pemulihan", register, exc) from None
    finally:
        partial.unlink(missing_ok=True)
        src.close()
