"""Keeping the register sound: integrity checks, online backups and restores.

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

Not proven (nothing in the chain covers them): the office's own days off (``hari_kantor``),
desk names, and settings other than the chain's head (office name, time zone, SLA profile);
a case whose newest entry predates schema 0006 (until its next entry); and anything an
anchor does not cover: a chain rewound or recomputed after the last anchor kept.

Damage is reported, never raised: a part the file cannot give back fails its own check and
the others still run; text that is not UTF-8 is read again marked (``sqlite_text``).

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

import json
import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from lapor_cli import case_state, register_file
from lapor_cli import history as chain
from lapor_cli.errors import LaporError, RegisterError, ValidationError
from lapor_cli.sqlite_text import DamagedText, decode_text, is_decode_error


@dataclass
class Report:
    """What ``periksa`` found: each check with its result; ``problems`` empty means sound."""

    schema: str | None = None
    cases: int = 0
    entries: int = 0
    checks: list[tuple[str, bool, str]] = field(default_factory=list)
    #: The chain's anchor now (entries, newest hash); None while the chain does not verify.
    anchor: chain.Anchor | None = None

    @property
    def problems(self) -> list[str]:
        return [f"{name}: {detail}" for name, ok, detail in self.checks if not ok]

    def add(self, name: str, ok: bool, detail: str) -> None:
        self.checks.append((name, ok, detail))


def _uri(path: Path, *, read_only: bool = False) -> str:
    return path.resolve().as_uri() + ("?mode=ro" if read_only else "")


def _register_unreadable(path: Path, exc: sqlite3.Error) -> RegisterError:
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
    conn = _connect_readonly(Path(location))
    try:
        reader = _Reader(
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
            _check_register(reader, tables, report, known_revisions, "IS NOT", anchor)
    except sqlite3.OperationalError as exc:  # the disk, not the content: say which
        raise _register_unreadable(Path(location), exc) from None
    finally:
        conn.close()
    return report


def _check_sqlite_file(reader: _Reader, report: Report) -> None:
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
        reader = _Reader(
            conn.exec_driver_sql,
            errors=(sa.exc.DBAPIError,),
            tolerate=lambda: setattr(raw, "text_factory", decode_text),
        )
        try:
            _check_register(reader, tables, report, known_revisions, "IS NOT", anchor)
        finally:
            raw.text_factory = before
    else:  # a server's failed statement ends its transaction: nothing to go on with
        reader = _Reader(conn.exec_driver_sql, errors=(), tolerate=None)
        _check_register(reader, tables, report, known_revisions, "IS DISTINCT FROM", anchor)
    return report


class _Reader:
    """A connection's plain ``run(sql)``, and checks run so that a part of the register that
    cannot be read fails that check only (text that is not UTF-8 is read again, marked)."""

    def __init__(self, run, *, errors: tuple[type[BaseException], ...], tolerate) -> None:
        self.run = run
        self.errors = errors
        self.tolerate = tolerate

    def section(self, report: Report, name: str, work):
        """``work()``'s result; None once its failure to read is reported as ``name``."""
        try:
            return work()
        except self.errors as exc:
            if not (is_decode_error(exc) and self.tolerate is not None):
                report.add(name, False, _unreadable(exc))
                return None
        self.tolerate()
        self.tolerate = None
        try:
            return work()
        except self.errors as exc:
            report.add(name, False, _unreadable(exc))
            return None

    def columns(self, table: str) -> set[str]:
        result = self.run(f"SELECT * FROM {table} WHERE 1 = 0")
        if hasattr(result, "keys"):
            return set(result.keys())
        return {d[0] for d in result.description}


def _unreadable(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    if is_decode_error(orig):
        return "teks bukan UTF-8 yang sah"
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return f"tidak dapat dibaca ({text})"


def _listed(items: list[str], limit: int = 10) -> str:
    more = f" dan {len(items) - limit} lagi" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def _check_register(
    reader: _Reader,
    tables,
    report: Report,
    known_revisions,
    differs: str,
    anchor: chain.Anchor | None,
) -> None:
    """The checks every register gets, each on its own (see ``_Reader.section``)."""
    run = reader.run
    if "alembic_version" not in tables:
        report.add("versi skema", False, "bukan register lapor-cli")
        return

    def schema() -> None:
        report.schema = run("SELECT version_num FROM alembic_version").fetchone()[0]
        known = report.schema in known_revisions
        detail = (
            report.schema
            if known
            else (f"{report.schema} tidak dikenal (dibuat versi lapor-cli yang lebih baru?)")
        )
        report.add("versi skema", known, detail)

    def counts() -> None:
        report.cases = run("SELECT count(*) FROM kasus").fetchone()[0]
        report.entries = run("SELECT count(*) FROM riwayat").fetchone()[0]

    reader.section(report, "versi skema", schema)
    reader.section(report, "jumlah baris", counts)
    verified = reader.section(report, "rantai riwayat", lambda: _verify_history(reader, anchor))
    if verified is not None:
        breaks = verified.breaks
        detail = (
            "ok"
            if not breaks
            else "; ".join(f"entri {b.entry_id} ({b.nomor}): {b.reason}" for b in breaks[:5])
            + (f"; dan {len(breaks) - 5} lagi" if len(breaks) > 5 else "")
        )
        if not breaks and verified.stateless:
            detail += f" ({verified.stateless} entri lama tanpa sidik keadaan kasus)"
        report.add("rantai riwayat", not breaks, detail)
        if not breaks:
            report.anchor = chain.Anchor(verified.count, verified.newest)
    if anchor is not None:
        _check_anchor(report, anchor, verified)
    reader.section(report, "keadaan kasus", lambda: _check_states(reader, report))

    def statuses() -> None:
        # Set-based (one pass over each table), not a subquery per case: a server without
        # fresh statistics (right after `pindah`) planned that one as a scan of riwayat per
        # case.
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

    def counters() -> None:
        behind = run(
            """SELECT k.prefiks, k.tahun FROM kasus k
               LEFT JOIN nomor_urut n ON n.prefiks = k.prefiks AND n.tahun = k.tahun
               GROUP BY k.prefiks, k.tahun
               HAVING max(k.urut) > coalesce(max(n.terakhir), 0)"""
        ).fetchall()
        report.add(
            "nomor urut",
            not behind,
            "ok" if not behind else ", ".join(f"{p}-{y}" for p, y in behind),
        )

    def desks() -> None:
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

    reader.section(report, "status = riwayat terakhir", statuses)
    if "jeda" in tables:  # from schema 0002 on
        reader.section(report, "jeda = riwayat tunda/lanjut", lambda: _check_pauses(run, report))
    reader.section(report, "nomor urut", counters)
    reader.section(report, "celah nomor", lambda: _check_gaps(run, report))
    if "meja" in tables:  # from schema 0005 on
        reader.section(report, "meja kasus", desks)
    if "kalender_paket" in tables:  # from schema 0003 on
        reader.section(report, "tembolok hari libur", lambda: _check_holiday_cache(run, report))


@dataclass
class _Verified:
    breaks: list[chain.ChainBreak]
    count: int  # entries in the chain
    newest: str  # the newest entry's hash (GENESIS for none)
    at_anchor: str | None  # the hash of entry number anchor.count
    stateless: int  # entries from before the state digest


def _verify_history(reader: _Reader, anchor: chain.Anchor | None) -> _Verified:
    """The whole chain in written order, against the stored head; counts the entries and
    notes the hash of the anchor's entry on the way (one pass, streamed)."""
    run = reader.run
    head_row = run("SELECT nilai FROM pengaturan WHERE kunci = 'rantai'").fetchone()
    head = head_row[0] if head_row else chain.GENESIS
    entry_columns = reader.columns("riwayat")
    stated = "keadaan" in entry_columns
    typed = "dicatat" in entry_columns  # from schema 0007 on
    rows = run(
        f"""SELECT r.id, k.nomor, r.waktu, r.oleh, r.aksi, r.dari_status, r.ke_status,
                   r.catatan, r.data, r.hash_sebelum, r.hash,
                   {"r.keadaan" if stated else "NULL"}, {"r.dicatat" if typed else "NULL"}
            FROM riwayat r LEFT JOIN kasus k ON k.id = r.kasus_id ORDER BY r.id"""
    )
    seen = _Verified([], 0, chain.GENESIS, None, 0)
    wanted = anchor.count if anchor is not None else -1

    def entries():
        for r in rows:
            seen.count += 1
            seen.newest = r[10]
            if seen.count == wanted:
                seen.at_anchor = r[10]
            if r[11] is None:
                seen.stateless += 1
            yield _entry(r)

    seen.breaks = chain.verify_chain(entries(), head)
    return seen


def _entry(r) -> dict[str, object]:
    """A row of ``_verify_history``'s query as ``verify_chain`` wants it; what cannot be read
    back (a case that is gone, text that is not UTF-8, a time that is no time, JSON that is no
    JSON) is named in ``rusak``, and the entry verifies as damaged."""
    entry = {
        "id": r[0],
        "nomor": r[1] if r[1] is not None else "-",
        "waktu": r[2],
        "oleh": r[3],
        "aksi": r[4],
        "dari_status": r[5],
        "ke_status": r[6],
        "catatan": r[7],
        "data": r[8],
        "hash_sebelum": r[9],
        "hash": r[10],
        "keadaan": r[11],
        "dicatat": r[12],
    }
    damage = []
    if r[1] is None:
        damage.append("kasusnya tidak ada lagi")
    bad_text = [k for k, v in entry.items() if isinstance(v, DamagedText | bytes)]
    if bad_text:
        damage.append(f"teks rusak (bukan UTF-8 yang sah) di {', '.join(bad_text)}")
    else:
        try:  # SQLite gives text, a server its own types
            if isinstance(entry["waktu"], str):
                entry["waktu"] = datetime.fromisoformat(entry["waktu"])
            if isinstance(entry["dicatat"], str):
                entry["dicatat"] = datetime.fromisoformat(entry["dicatat"])
        except ValueError:
            damage.append("waktu tak terbaca")
        try:
            if isinstance(entry["data"], str):
                entry["data"] = json.loads(entry["data"])
        except ValueError:
            damage.append("data tak terbaca")
    if damage:
        entry["rusak"] = "; ".join(damage)
    return entry


def _check_anchor(report: Report, anchor: chain.Anchor, verified: _Verified | None) -> None:
    name = f"jangkar {anchor.count}-{anchor.hash[: chain.ANCHOR_DIGITS]}"
    if verified is None or verified.breaks:
        report.add(name, False, "rantai riwayat rusak; register tidak terbukti melanjutkannya")
        return
    problem = chain.anchor_problem(anchor, verified.count, verified.at_anchor)
    if problem is not None:
        report.add(name, False, problem)
        return
    after = verified.count - anchor.count
    report.add(name, True, f"register melanjutkannya ({after} entri sesudahnya)")


def _check_states(reader: _Reader, report: Report) -> None:
    """Each case's row as it stands now against the state its newest entry committed to."""
    if "keadaan" not in reader.columns("riwayat") or "garam" not in reader.columns("kasus"):
        report.add("keadaan kasus", True, "skema lama: entri belum memuat keadaan kasus")
        return
    version_columns = {c for cols in case_state.STATE_COLUMNS.values() for c in cols}
    columns = sorted(
        ((version_columns - {"identitas"}) | set(case_state.IDENTITY_COLUMNS) | {"garam"})
        & reader.columns("kasus")  # a register not yet migrated has fewer
    )
    digest = case_state.row_digester(columns)
    at_nomor, tolerant = columns.index("nomor"), reader.tolerate is None
    rows = reader.run(
        f"""SELECT {", ".join(f"k.{c}" for c in columns)}, r.keadaan
            FROM kasus k
            JOIN (SELECT kasus_id, max(id) AS terakhir FROM riwayat GROUP BY kasus_id) t
              ON t.kasus_id = k.id
            JOIN riwayat r ON r.id = t.terakhir
            ORDER BY k.id"""
    )
    changed: list[str] = []
    damaged: list[str] = []
    checked = 0
    for r in rows:
        keadaan = r[-1]
        if tolerant and any(isinstance(v, DamagedText) for v in r):
            damaged.append(str(r[at_nomor]))
            continue
        if keadaan is None:
            continue  # its newest entry is from before the state digest
        checked += 1
        version = case_state.state_version(str(keadaan))
        try:
            same = version is not None and digest(r, version) == keadaan
        except (TypeError, ValueError):  # bytes, or a time/JSON that is no longer one
            damaged.append(str(r[at_nomor]))
            continue
        if not same:
            changed.append(str(r[at_nomor]))
    problems = []
    if changed:
        problems.append(f"diubah di luar riwayat: {_listed(changed)}")
    if damaged:
        problems.append(f"isi tak terbaca (rusak): {_listed(damaged)}")
    report.add(
        "keadaan kasus",
        not problems,
        "; ".join(problems) if problems else f"ok ({checked} kasus dibandingkan)",
    )


_PAUSED = "Ditunda: "  # the catatan of a `tunda` entry, before its reason


def _check_pauses(run, report: Report) -> None:
    """The pauses (``jeda``) move deadlines and are not in the case row: each must be what
    the case's ``tunda`` and ``lanjut`` entries (in the chain) say — it began at a ``tunda``
    with its reason, and ended at the ``lanjut`` after it, if any."""

    def moment(value) -> str | None:
        if value is None:
            return None
        return (value if isinstance(value, datetime) else datetime.fromisoformat(value)).isoformat()

    told: list[tuple] = []
    running: dict[object, int] = {}
    steps = run(
        """SELECT r.kasus_id, r.aksi, r.waktu, r.catatan FROM riwayat r
           WHERE r.aksi IN ('tunda', 'lanjut') ORDER BY r.id"""
    )
    for kasus_id, aksi, waktu, catatan in steps:
        if aksi == "tunda":
            reason = catatan[len(_PAUSED) :] if (catatan or "").startswith(_PAUSED) else catatan
            running[kasus_id] = len(told)
            told.append((kasus_id, moment(waktu), None, reason))
        elif kasus_id in running:
            i = running.pop(kasus_id)
            told[i] = (*told[i][:2], moment(waktu), told[i][3])
    stored = [
        (kasus_id, moment(mulai), moment(selesai), alasan)
        for kasus_id, mulai, selesai, alasan in run(
            "SELECT kasus_id, mulai, selesai, alasan FROM jeda ORDER BY id"
        )
    ]
    if sorted(stored, key=_pause_key) == sorted(told, key=_pause_key):
        report.add("jeda = riwayat tunda/lanjut", True, "ok")
        return
    cases = sorted({p[0] for p in set(stored) ^ set(told)}, key=str)
    report.add(
        "jeda = riwayat tunda/lanjut",
        False,
        f"jeda tidak sesuai riwayatnya: {_listed(_numbers(run, cases))}",
    )


def _pause_key(pause: tuple) -> tuple[str, ...]:
    return tuple("" if value is None else str(value) for value in pause)


def _numbers(run, ids: list) -> list[str]:
    """The case numbers of case ids (an id with no case stays as ``#id``)."""
    wanted = set(ids)
    found = {r[0]: r[1] for r in run("SELECT id, nomor FROM kasus") if r[0] in wanted}
    return [str(found.get(i, f"#{i}")) for i in ids]


def _check_holiday_cache(run, report: Report) -> None:
    """The holidays cache (``kalender_paket``) decides deadlines: each year stored by the
    installed ``holidays`` version (the only ones used) must be what that version gives."""
    from lapor_cli.deadlines import stored_days
    from lapor_cli.holiday_calendar import holidays_version, package_days

    version = holidays_version()
    differing: list[str] = []
    for tahun, versi, hari in run("SELECT tahun, versi, hari FROM kalender_paket ORDER BY tahun"):
        if versi != version:
            continue  # not used: recomputed, and stored again by the next writing command
        try:
            days = json.loads(hari) if isinstance(hari, str) else hari
        except ValueError:
            days = None
        if days != stored_days(package_days(int(tahun))):
            differing.append(str(tahun))
    report.add(
        "tembolok hari libur",
        not differing,
        "ok"
        if not differing
        else f"tahun {', '.join(differing)} berbeda dari paket holidays {version}",
    )


def _check_gaps(run, report: Report) -> None:
    """Numbers the counter gave (per prefix per year) that no case has."""
    short = """SELECT n.prefiks, n.tahun, n.terakhir FROM nomor_urut n
               LEFT JOIN kasus k ON k.prefiks = n.prefiks AND k.tahun = n.tahun
                                AND k.urut BETWEEN 1 AND n.terakhir
               GROUP BY n.prefiks, n.tahun, n.terakhir
               HAVING count(k.id) < n.terakhir"""
    groups = {(p, int(y)): int(last) for p, y, last in run(short).fetchall()}
    if not groups:
        report.add("celah nomor", True, "ok")
        return
    from lapor_cli.numbering import format_number

    present: dict[tuple[str, int], list[int]] = {key: [] for key in groups}
    rows = run(
        f"""SELECT k.prefiks, k.tahun, k.urut FROM kasus k
            JOIN ({short}) g ON g.prefiks = k.prefiks AND g.tahun = k.tahun
            WHERE k.urut BETWEEN 1 AND g.terakhir
            ORDER BY k.prefiks, k.tahun, k.urut"""
    )
    for prefiks, tahun, urut in rows:
        present[prefiks, int(tahun)].append(int(urut))
    missing = 0
    shown: list[str] = []
    for (prefiks, tahun), last in sorted(groups.items()):
        start = 1
        for urut in [*present[prefiks, tahun], last + 1]:
            if urut > start:  # start … urut - 1 were given to no case
                missing += urut - start
                first = format_number(prefiks, tahun, start)
                end = format_number(prefiks, tahun, urut - 1)
                shown.append(first if urut - 1 == start else f"{first} s.d. {end}")
            start = max(start, urut + 1)
    report.add(
        "celah nomor", False, f"{missing} nomor sudah diberikan tanpa kasus: {_listed(shown, 5)}"
    )


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
