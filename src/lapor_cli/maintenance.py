"""Keeping the register sound: ``lapor periksa``, the integrity checks.

``check`` (``lapor periksa``) proves, each as a check of its own:

- the file: SQLite's full ``integrity_check`` (every page, index and constraint) and the
  foreign keys — a register on a PostgreSQL server keeps its storage sound itself;
- the history: the hash chain from the first entry to the stored head (``history``), and
  with an anchor kept outside the register, that the register still extends it;
- the cases: each case row as it stands against the state its newest entry committed to
  (``case_state``); its status against its newest entry's; its pauses (``jeda``) against its
  ``tunda``/``lanjut`` entries; its number's prefix against its desk;
- the numbers: the counter is not behind any case, and every number it gave has a case;
- the holidays cache: each year stored by the installed ``holidays`` is what it gives.
- the attachments (``lampiran``): each stored content hashes to its SHA-256, and each case's
  attachments are those its history entries added (``attachment_files.check_attachments``).

Not proven (nothing in the chain covers them): the office's own days off (``hari_kantor``),
desk names, and settings other than the chain's head (office name, time zone, SLA profile);
a case whose newest entry predates schema 0006 (until its next entry); and anything an
anchor does not cover: a chain rewound or recomputed after the last anchor kept.

Damage is reported, never raised: a part the file cannot give back fails its own check and
the others still run; text that is not UTF-8 is read again marked (``sqlite_text``).

The checks of the register's own content are :mod:`lapor_cli.register_checks`; backups and
restores are :mod:`lapor_cli.backups`.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from lapor_cli import history as chain
from lapor_cli import register_file
from lapor_cli.errors import RegisterError
from lapor_cli.register_checks import Reader, Report, check_register
from lapor_cli.sqlite_text import decode_text


def sqlite_uri(path: Path, *, read_only: bool = False) -> str:
    return path.resolve().as_uri() + ("?mode=ro" if read_only else "")


def _register_unreadable(path: Path, exc: sqlite3.Error) -> RegisterError:
    """What is really wrong when SQLite cannot read ``path``: damaged, or its disk or folder."""
    message = register_file.explain_sqlite_failure(str(path), exc)
    return RegisterError(message or f"Register {path} tidak dapat dibaca: {exc}.")


def connect_readonly(path: Path) -> sqlite3.Connection:
    from lapor_cli.locking import lock_wait

    if not path.exists():
        raise RegisterError(f"Register {path} tidak ada.")
    problem = register_file.content_problem(path)
    if problem:
        raise RegisterError(problem.message)
    conn = None
    try:
        conn = sqlite3.connect(sqlite_uri(path, read_only=True), uri=True, timeout=lock_wait())
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except UnicodeError:  # a schema text is damaged
        if conn is not None:
            conn.close()
        raise RegisterError(
            f"{path} rusak atau bukan berkas SQLite; pulihkan dari cadangan."
        ) from None
    except sqlite3.Error as exc:
        if conn is not None:
            conn.close()
        raise _register_unreadable(path, exc) from None
    return conn


def check(
    location: str | Path, known_revisions: tuple[str, ...], anchor: chain.Anchor | None = None
) -> Report:
    """Integrity, schema version, history chain, each case's state, numbering and
    consistency of the register at ``location`` (a SQLite file, or a server's URL); with
    ``anchor``, also whether the register still extends it.

    Damage is reported, never raised: a part of the file that cannot be read fails its own
    check and the others still run."""
    from lapor_cli.db import is_url

    if is_url(str(location)):
        return _check_server(str(location), known_revisions, anchor)
    report = Report()
    conn = connect_readonly(Path(location))
    try:
        reader = Reader(
            conn.execute,
            errors=(sqlite3.DatabaseError, UnicodeError),
            tolerate=lambda: setattr(conn, "text_factory", decode_text),
        )
        _check_sqlite_file(reader, report)
        tables = reader.section(
            report,
            "versi skema",
            lambda: {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            },
        )
        if tables is not None:
            check_register(reader, tables, report, known_revisions, "IS NOT", anchor)
    except sqlite3.OperationalError as exc:  # the disk, not the content: say which
        raise _register_unreadable(Path(location), exc) from None
    finally:
        conn.close()
    return report


def _check_sqlite_file(reader: Reader, report: Report) -> None:
    """SQLite's own full check of every page, index and constraint (``integrity_check``,
    not the cheaper ``quick_check``), and the foreign keys."""

    def integrity() -> None:
        found = [str(row[0]) for row in reader.run("PRAGMA integrity_check")]
        if found == ["ok"]:
            report.add("integritas SQLite", True, "ok")
            return
        shown = "; ".join(found[:3]) + (f"; dan {len(found) - 3} lagi" if len(found) > 3 else "")
        report.add("integritas SQLite", False, f"{len(found)} kerusakan: {shown}")

    def foreign_keys() -> None:
        orphans = reader.run("PRAGMA foreign_key_check").fetchall()
        report.add("kunci asing", not orphans, f"{len(orphans)} baris yatim" if orphans else "ok")

    reader.section(report, "integritas SQLite", integrity)
    reader.section(report, "kunci asing", foreign_keys)


def _check_server(
    location: str, known_revisions: tuple[str, ...], anchor: chain.Anchor | None
) -> Report:
    """The same checks on a PostgreSQL server (which keeps its own storage and foreign keys
    sound), in one read-only snapshot; nothing is migrated or written."""
    import sqlalchemy as sa

    from lapor_cli.db import server_engine, translate_db_errors

    engine, shown = server_engine(location)
    try:
        with translate_db_errors(shown), engine.connect() as conn:
            if not sa.inspect(conn).get_table_names():
                raise RegisterError(f"Register {shown} kosong: belum ada kasus yang dicatat.")
            return check_connection(conn, known_revisions, anchor)
    finally:
        engine.dispose()


def check_connection(
    conn, known_revisions: tuple[str, ...], anchor: chain.Anchor | None = None
) -> Report:
    """The register checks on an open SQLAlchemy connection (any database), inside whatever
    transaction it is in: `pindah` checks its copy this way before committing it."""
    import sqlalchemy as sa

    report = Report()
    tables = set(sa.inspect(conn).get_table_names())
    if conn.dialect.name == "sqlite":
        raw = conn.connection.driver_connection
        before = raw.text_factory
        reader = Reader(
            conn.exec_driver_sql,
            errors=(sa.exc.DBAPIError,),
            tolerate=lambda: setattr(raw, "text_factory", decode_text),
        )
        try:
            check_register(reader, tables, report, known_revisions, "IS NOT", anchor)
        finally:
            raw.text_factory = before
    else:  # a server's failed statement ends its transaction: nothing to go on with
        reader = Reader(conn.exec_driver_sql, errors=(), tolerate=None)
        check_register(reader, tables, report, known_revisions, "IS DISTINCT FROM", anchor)
    return report
