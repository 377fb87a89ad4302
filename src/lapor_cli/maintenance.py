"""Keeping the register sound: integrity checks, online backups and restores.

Backups use SQLite's online backup API, which copies a consistent snapshot while other
processes keep writing. Everything for a file works on its path and plain ``sqlite3``: it must
still work when the register is too damaged for SQLAlchemy to open. A register on a
PostgreSQL server gets the same checks (not the file's own); its backups are the server's.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from lapor_cli import history as chain
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


def _connect_readonly(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise RegisterError(f"Register {path} tidak ada.")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=15)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        raise RegisterError(
            f"{path} rusak atau bukan berkas SQLite; pulihkan dari cadangan."
        ) from None
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
    if path.exists() and not overwrite:
        raise ValidationError(
            "berkas", f"{path} sudah ada; pilih nama lain atau tambahkan --timpa."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def backup(source: Path, target: Path, *, overwrite: bool = False) -> int:
    """A consistent copy of a register in use (SQLite backup API); returns its case count."""
    if source.resolve() == target.resolve():
        raise ValidationError("berkas", "Cadangan tidak boleh menimpa register itu sendiri.")
    src = _connect_readonly(source)
    try:
        _private_new_file(target, overwrite=overwrite)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")
            ok = dst.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            count = dst.execute("SELECT count(*) FROM kasus").fetchone()[0]
        finally:
            dst.close()
    except sqlite3.Error as exc:
        target.unlink(missing_ok=True)
        raise LaporError(
            f"Cadangan gagal: {exc}. Tidak ada berkas cadangan yang ditulis."
        ) from None
    finally:
        src.close()
    if not ok:
        target.unlink(missing_ok=True)
        raise RegisterError("Salinan cadangan tidak lolos pemeriksaan integritas; dibuang.")
    return count


def restore(
    backup_file: Path, register: Path, known_revisions: tuple[str, ...], now: datetime
) -> Path:
    """Put a backup in place of the register, keeping the current register aside first."""
    report = check(backup_file, known_revisions)
    if report.problems:
        raise RegisterError(f"{backup_file} tidak dapat dipulihkan: {'; '.join(report.problems)}")
    aside = register.with_name(f"{register.name}.sebelum-pulih-{now:%Y%m%d-%H%M%S}")
    if register.exists():
        backup(register, aside)
    src = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    try:
        if not register.exists():
            _private_new_file(register, overwrite=False)
        dst = sqlite3.connect(register, timeout=15)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = WAL")
        finally:
            dst.close()
    finally:
        src.close()
    return aside
