"""Shared fixtures: every test gets its own register in ``tmp_path`` and a fixed clock.

- ``isolated_register`` (autouse) points ``LAPOR_DB`` at ``tmp_path / "register.db"``, fixes
  ``LAPOR_WAKTU``, ``LAPOR_LEBAR`` and ``LAPOR_PETUGAS``, and moves HOME/XDG/APPDATA into
  ``tmp_path`` so that even the default register location (the user's app folder) is inside
  the test's own folder: no test can touch a real register.
- ``run`` invokes the CLI in-process and returns ``(exit_code, stdout, stderr)``; it fails the
  test on any traceback or on an exception that escaped the command (a bug, not a refusal).
- ``dump_register`` reads the whole register (every table, via plain sqlite3) so a refusal
  test can assert that nothing was written.
- ``populated`` installs a register with one case in every status (built once per session).
- ``register`` and ``session`` are for library tests (no CLI): this test's register opened
  and migrated (on SQLite a copy of an empty register migrated once per session; on the
  PostgreSQL run the server database ``isolated_register`` made), and one write transaction
  on it, committed after the test; ``register_rows(session)`` reads every row of the
  register's own tables, for asserting that a refused call wrote nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import typer.main
import typer.testing
from typer.testing import CliRunner

from lapor_cli import console as console_module
from lapor_cli.cli import app

if TYPE_CHECKING:
    from sqlmodel import Session

    from lapor_cli.db import Register

NOW = "2026-11-23 10:00"  # a Monday; kemensos deadline (3 working days) = Thursday 2026-11-26
PETUGAS = "Petugas Uji"
LEBAR = "100"

NIK = "3171014101900001"  # woman, born 1 Jan 1990, Jakarta Pusat
NIK_KUPANG = "5371010101850002"  # Kota Kupang
KK = "3171010101000001"
HP = "081234567890"
HP_E164 = "+6281234567890"

#: The keys SPEC §4 promises in a case's JSON (at least).
CASE_KEYS = frozenset(
    ("nomor", "status", "kanal", "jenis", "diterima", "batas_waktu", "kategori", "unit", "skor")
)

#: Where every test's register lives: "sqlite" (a file in tmp_path) or "postgresql" (a new
#: database on the LAPOR_UJI_PG server). `.ci/run` runs the suite once with each.
BACKEND = os.environ.get("LAPOR_UJI_BACKEND", "sqlite")
#: Modules with no register in them (pure functions, help text): the PostgreSQL run skips them.
NO_REGISTER = {
    "test_sla",
    "test_sla_properties",
    "test_validation",
    "test_workdays",
    "test_workflow",
    "test_holiday_calendar",
    "test_console",
    "test_cli_help",
    "test_cli_startup",
    "test_history",
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: about the SQLite file itself (permissions, WAL, backups)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if BACKEND != "postgresql":
        return
    skip = pytest.mark.skip(reason="berkas SQLite atau tanpa register; diuji di putaran SQLite")
    for item in items:
        if item.get_closest_marker("sqlite_only") or item.module.__name__ in NO_REGISTER:
            item.add_marker(skip)


_HOME_VARS = ("HOME", "USERPROFILE", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "APPDATA", "LOCALAPPDATA")
_UNSET_VARS = (
    "LAPOR_DATA",
    "LAPOR_MEJA",
    "FORCE_COLOR",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "COLUMNS",
)


def _isolate(mp: pytest.MonkeyPatch, folder: Path, *, now: str = NOW) -> Path:
    home = folder / "home"
    home.mkdir(exist_ok=True)
    for var in _HOME_VARS:
        mp.setenv(var, str(home))
    for var in _UNSET_VARS:
        mp.delenv(var, raising=False)
    mp.setenv("NO_COLOR", "1")
    db = folder / "register.db"
    mp.setenv("LAPOR_DB", str(db))
    mp.setenv("LAPOR_WAKTU", now)
    mp.setenv("LAPOR_LEBAR", LEBAR)
    mp.setenv("LAPOR_PETUGAS", PETUGAS)
    # The Rich consoles are made on first use and keep their width: make them afresh here.
    for lazy in (console_module.console, console_module.err_console):
        mp.setattr(lazy, "_real", None, raising=False)
    return db


@pytest.fixture(autouse=True)
def isolated_register(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Path:
    """The register path of this test (not created yet). In the PostgreSQL run, LAPOR_DB is
    a new, empty database instead (the path is then only the default's neighbour)."""
    db = _isolate(monkeypatch, tmp_path)
    monkeypatch.chdir(tmp_path)
    from lapor_cli.db import default_location

    # Belt and braces: even without LAPOR_DB the register would live inside tmp_path.
    assert Path(default_location()).resolve().is_relative_to(tmp_path.resolve())
    if BACKEND == "postgresql" and not request.node.get_closest_marker("skip"):
        server = pg_server()
        name = server.fresh_register()
        monkeypatch.setenv("LAPOR_DB", server.url(name))
        request.addfinalizer(lambda: server.drop(name))
    return db


# ------------------------------------------------------------------------------ running


_runner = CliRunner()
_command = None


def _cached_command(typer_app: typer.Typer):
    """Typer rebuilds the Click command on every invoke (~50 ms); build it once."""
    global _command
    if typer_app is not app:
        return typer.main.get_command(typer_app)
    if _command is None:
        _command = typer.main.get_command(app)
    return _command


Runner = Callable[..., tuple[int, str, str]]


def invoke(*args: str, waktu: str | None = None, input: str | None = None) -> tuple[int, str, str]:
    """Run ``lapor ARGS`` in-process; ``waktu`` overrides LAPOR_WAKTU for this one call."""
    env = {"LAPOR_WAKTU": waktu} if waktu else None
    result = _runner.invoke(app, list(args), env=env, input=input, prog_name="lapor")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        detail = "".join(traceback.format_exception(*result.exc_info))
        pytest.fail(f"lapor {' '.join(args)} raised instead of refusing:\n{detail}")
    assert "Traceback" not in result.stderr, result.stderr
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Runner:
    """``run("daftar", "--json") -> (exit_code, stdout, stderr)``."""
    monkeypatch.setattr(typer.testing, "_get_command", _cached_command, raising=False)
    return invoke


def ok_json(run: Runner, *args: str, waktu: str | None = None) -> object:
    """Run a command with ``--json`` that must succeed; its one JSON document."""
    code, out, err = run(*args, "--json", waktu=waktu)
    assert code == 0, err
    return json.loads(out)


#: "Now" of the library tests (``session``): Monday 23 November 2026 10:00 (kemensos: due
#: Thursday 26 November, end of day); the officer they record as.
MON_23 = datetime(2026, 11, 23, 10, 0)
LIBRARY_OFFICER = "uji"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def eod(day: str) -> datetime:
    """The end of ``day`` (``YYYY-MM-DD``): when a deadline in working days runs out."""
    from lapor_cli.sla import END_OF_DAY

    return datetime.combine(datetime.fromisoformat(day).date(), END_OF_DAY)


def record_letter(
    session: Session, *, now: datetime = MON_23, profile: str = "kemensos", **fields: object
) -> str:
    """Record a letter complaint through the library (fields overridden); its number."""
    from lapor_cli.recording import record

    raw: dict[str, object] = {
        "kanal": "surat",
        "jenis": "aduan",
        "uraian": "Bantuan PKH belum cair",
        "nama": "Maria Bere",
        "petugas": LIBRARY_OFFICER,
        **fields,
    }
    return str(record(session, raw, now=now, profile=profile).view["nomor"])


def refused(run: Runner, *args: str, input: str | None = None) -> str:
    """``lapor ARGS`` is refused: exit 1, one `Ditolak:` line on stderr, nothing on stdout,
    and the register is as it was; the line."""
    before = dump_register()
    code, out, err = run(*args, input=input)
    assert code == 1, (out, err)
    assert out == "" and err.startswith("Ditolak: ") and err.count("\n") == 1, err
    assert dump_register() == before
    return err


def record(run: Runner, waktu: str | None = None, **fields: object) -> dict:
    """Record a case with ``lapor catat`` (sensible defaults); its JSON view."""
    values: dict[str, object] = {"kanal": "surat", "jenis": "aduan", "uraian": "PKH tidak cair"}
    if not fields.get("anonim"):
        values["nama"] = "Siti Aminah"
    values.update(fields)
    args: list[str] = ["catat"]
    for key, value in values.items():
        if value is None or value is False:
            continue
        option = "--" + key.replace("_", "-")
        args += [option] if value is True else [option, str(value)]
    return ok_json(run, *args, waktu=waktu)


#: The address space ``lapor_capped`` allows: several times what a real import needs.
MEMORY_CAP = 1024 * 1024 * 1024
#: Tests that cap a process's memory (RLIMIT_AS caps the address space on Linux).
POSIX_CAP = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="RLIMIT_AS caps the address space on Linux"
)


def lapor_capped(*args: str) -> subprocess.CompletedProcess:
    """The real ``lapor ARGS`` in a process of its own that may use at most ``MEMORY_CAP``
    of address space: a file that would exhaust memory must be refused, not kill it."""
    import resource

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    return subprocess.run(
        [sys.executable, "-m", "lapor_cli", *args],
        preexec_fn=cap,  # no threads in the child yet; setrlimit is async-signal-safe
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "RUST_BACKTRACE": "0"},
    )


#: ``python -c HEAVY_PROBE ARGS…``: ``lapor ARGS…`` in that process (a failure exits
#: non-zero), then on stderr which of SQLAlchemy and SQLModel it imported (``BERAT [...]``).
HEAVY_PROBE = (
    "import sys, runpy\n"
    "sys.argv = ['lapor', *sys.argv[1:]]\n"
    "try:\n"
    "    runpy.run_module('lapor_cli', run_name='__main__')\n"
    "except SystemExit as exit:\n"
    "    assert not exit.code, exit.code\n"
    "heavy = [m for m in ('sqlalchemy', 'sqlmodel') if m in sys.modules]\n"
    "print('BERAT', heavy, file=sys.stderr)\n"
)


def assert_refused_in_one_line(done: subprocess.CompletedProcess) -> str:
    """Exit 1 and one ``Ditolak:`` line on stderr (not a traceback, not a kill): stderr."""
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    assert done.stderr.startswith("Ditolak: "), done.stderr[-2000:]
    assert done.stderr.count("\n") == 1, done.stderr[-2000:]
    return done.stderr


@pytest.fixture
def catat(run: Runner) -> Callable[..., dict]:
    """``catat(kanal="surat", nama="Siti", ...)`` records a case and returns its JSON view."""
    return lambda waktu=None, **fields: record(run, waktu, **fields)


def catat_as_desk(
    env: dict[str, str], i: int, kanal: str = "whatsapp", meja: str | None = None
) -> subprocess.CompletedProcess:
    """``lapor catat --json`` in a process of its own, as desk ``i`` would run it (for the
    register's desk ``meja``, when given)."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "lapor_cli",
            "catat",
            "--kanal",
            kanal,
            "--jenis",
            "aduan",
            "--uraian",
            f"Aduan serentak {i}",
            "--nama",
            f"Pelapor {i}",
            "--json",
            *(["--meja", meja] if meja else []),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture
def same_salts(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """New cases' identity salts come from a counter instead of the machine's random source,
    so that two registers recorded alike have the same state digests and chain. Call the
    returned function before recording the second register (the count starts again)."""
    from lapor_cli import case_state

    count = [0]

    def salts(n: int) -> list[str]:
        count[0] += n
        return [f"{i:032x}" for i in range(count[0] - n, count[0])]

    monkeypatch.setattr(case_state, "new_salts", salts)
    return lambda: count.__setitem__(0, 0)


# ------------------------------------------------------------------------------ the register


def dump_register(path: Path | str | None = None) -> str | None:
    """The whole register as SQL text (every table, every row), or None if there is no file.

    Read with plain sqlite3 so that it works whatever lapor-cli thinks of the file.
    """
    location = str(path or os.environ["LAPOR_DB"])
    if "://" in location:
        return _dump_server(location)
    path = Path(location)
    if not path.exists():
        return None
    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def query_register(sql: str, *params: object) -> list[tuple]:
    """Rows of ``sql`` (``?`` placeholders) on this test's register, in SQLite's own forms on
    either backend (times as SQLite's text, JSON as text, booleans as 0/1), so one assertion
    holds for both; a statement that changes the register (a test tampering with it) is
    committed and gives no rows. No register yet: SQLite raises, as sqlite3 does."""
    location = os.environ["LAPOR_DB"]
    if "://" not in location:
        with sqlite3.connect(location) as conn:
            return conn.execute(sql, params).fetchall()
    import sqlalchemy as sa

    engine = sa.create_engine(location)
    try:
        with engine.begin() as conn:
            result = conn.exec_driver_sql(sql.replace("?", "%s"), params)
            rows = result.all() if result.returns_rows else []
    finally:
        engine.dispose()
    return [tuple(_as_sqlite(value) for value in row) for row in rows]


def _as_sqlite(value: object) -> object:
    from datetime import date, datetime

    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.isoformat(" ", "microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def _dump_server(url: str) -> str | None:
    """A server register's rows as text; None while it holds no data: the schema a refused
    first command may leave, with the first desk its migration made, is no data."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            lines = []
            for table in sorted(sa.inspect(conn).get_table_names()):
                if table == "alembic_version":
                    continue
                rows = conn.exec_driver_sql(f'SELECT * FROM "{table}" ORDER BY 1').all()
                lines += [f"{table}: {tuple(row)!r}" for row in rows]
            if lines == ["meja: ('utama', 'Dinas Sosial', 'DS')"]:
                return None
            return "\n".join(lines) or None
    finally:
        engine.dispose()


def copy_register(source: Path, target: Path) -> None:
    """A consistent copy (SQLite online backup), whatever the journal mode."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def reading_session() -> Iterator[Session]:
    """A reading transaction on this test's register (``LAPOR_DB``), as a reading command
    opens it the full way (the ORM): for a fixture to yield."""
    from lapor_cli.db import open_register

    register = open_register(os.environ["LAPOR_DB"], write=False)
    try:
        with register.transaction(False) as session:
            yield session
    finally:
        register.engine.dispose()


#: The cases of the ``populated`` register: label -> (status, kanal).
POPULATED = {
    "diterima": ("diterima", "whatsapp"),
    "terverifikasi": ("terverifikasi", "surat"),
    "didisposisikan": ("didisposisikan", "surat"),
    "dijawab": ("dijawab", "email"),
    "ditindaklanjuti": ("ditindaklanjuti", "surat"),
    "selesai": ("selesai", "sp4n-lapor"),  # closed, not reported back, not rated
    "diarsipkan": ("diarsipkan", "sp4n-lapor"),
    "dinilai": ("selesai", "sp4n-lapor"),  # closed, reported back and rated
    "selesai-surat": ("selesai", "surat"),  # closed, not an sp4n-lapor case, not rated
}


def _build_populated(run: Runner) -> dict[str, str]:
    numbers: dict[str, str] = {}
    for i, (label, (_status, kanal)) in enumerate(POPULATED.items(), start=1):
        args = ["catat", "--kanal", kanal, "--jenis", "aduan", "--uraian", f"Aduan {label}"]
        args += ["--nama", f"Pelapor {i}"]
        if label == "diterima":
            args += ["--nik", NIK, "--hp", HP]
        if kanal == "sp4n-lapor":
            args += ["--nomor-lapor", f"LAP-{i:03d}"]
        numbers[label] = nomor = ok_json(run, *args)["nomor"]
        steps: list[list[str]] = []
        status = POPULATED[label][0]
        if status == "diarsipkan":
            steps.append(["verifikasi", nomor, "--kategori", "LAINNYA", "--bukan-kewenangan"])
            steps[-1] += ["--alasan", "Urusan Dukcapil"]
        elif status != "diterima":
            steps.append(["verifikasi", nomor, "--kategori", "PKH"])
        if status == "dijawab":
            steps.append(["distribusi", nomor, "--jawaban-normatif", "Syarat PKH dijelaskan"])
        elif status in ("didisposisikan", "ditindaklanjuti", "selesai"):
            steps.append(["distribusi", nomor, "--unit", "PFM"])
        if status in ("ditindaklanjuti", "selesai"):
            steps.append(["tindaklanjut", nomor, "--catatan", "Survei lapangan"])
        if status == "selesai":
            steps.append(["tutup", nomor, "--hasil", "Bantuan sudah cair"])
        if label == "dinilai":
            steps += [["laporbalik", nomor], ["nilai", nomor, "--skor", "4"]]
        for step in steps:
            ok_json(run, *step)
        assert ok_json(run, "lihat", nomor)["status"] == status
    return numbers


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> Callable:
    """Registers built once per session by a builder, each in its own isolated folder."""
    built: dict[str, tuple[Path, object]] = {}

    def get(name: str, build: Callable[[Runner], object]) -> tuple[Path | str, object]:
        if name not in built:
            folder = tmp_path_factory.mktemp(name)
            with pytest.MonkeyPatch.context() as mp:
                db: Path | str = _isolate(mp, folder)
                if BACKEND == "postgresql":  # the template is a database on the server
                    db = pg_server().create()
                    mp.setenv("LAPOR_DB", pg_server().url(db))
                mp.setattr(typer.testing, "_get_command", _cached_command, raising=False)
                built[name] = (db, build(invoke))
        return built[name]

    return get


@pytest.fixture
def install_template(
    _templates: Callable, isolated_register: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable:
    """``install_template(name, build)``: this test's register becomes a copy of the register
    that ``build(run)`` made (once per session); returns what ``build`` returned."""

    def install(name: str, build: Callable[[Runner], object]):
        db, result = _templates(name, build)
        if BACKEND == "postgresql":
            server = pg_server()
            server.drop(sa_database(os.environ["LAPOR_DB"]))
            monkeypatch.setenv("LAPOR_DB", server.url(server.create(template=db)))
        else:
            copy_register(db, isolated_register)
        return result

    return install


def sa_database(url: str) -> str:
    import sqlalchemy as sa

    return sa.engine.make_url(url).database


@pytest.fixture
def populated(install_template: Callable) -> dict[str, str]:
    """This test's register holds one case per status (see POPULATED): label -> nomor."""
    return dict(install_template("populated", _build_populated))


@pytest.fixture(scope="session")
def _empty_register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite register at the newest schema, made once per session: migrating one
    (Alembic, fsync) costs more than most library tests."""
    from lapor_cli.db import open_register

    path = tmp_path_factory.mktemp("kosong") / "register.db"
    open_register(str(path), write=True).engine.dispose()
    return path


@pytest.fixture
def register(isolated_register: Path, request: pytest.FixtureRequest) -> Iterator[Register]:
    """This test's register, opened for writing at the newest schema: on SQLite a copy of
    the session's empty register at ``LAPOR_DB``; on the PostgreSQL run the fresh server
    database that ``LAPOR_DB`` already names."""
    from lapor_cli.db import is_url, open_register

    location = os.environ["LAPOR_DB"]
    if not is_url(location):
        template = request.getfixturevalue("_empty_register")
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{template}{suffix}").exists():
                shutil.copy2(f"{template}{suffix}", f"{location}{suffix}")
    opened = open_register(location, write=True)
    yield opened
    opened.engine.dispose()


@pytest.fixture
def session(register: Register) -> Iterator[Session]:
    """One write transaction on ``register`` for the whole test, committed at its end (a
    second transaction opened meanwhile does not see its rows)."""
    with register.transaction(True) as s:
        yield s


#: The register's own tables: what a refused library call must leave as it was (the holiday
#: cache ``kalender_paket`` aside: any command may fill it).
OWN_TABLES = ("meja", "kasus", "riwayat", "jeda", "nomor_urut", "pengaturan", "hari_kantor")


def register_rows(session: Session) -> dict[str, list[tuple]]:
    """Every row of the register's own tables as ``session``'s transaction sees them (pending
    ORM changes flushed first), in primary-key order."""
    import sqlalchemy as sa

    from lapor_cli import models

    session.flush()
    rows = {}
    for name in OWN_TABLES:
        table = models.SQLModel.metadata.tables[name]
        query = sa.select(table).order_by(*table.primary_key.columns)
        rows[name] = [tuple(row) for row in session.execute(query)]
    return rows


@pytest.fixture
def register_files(isolated_register: Path) -> Callable[[], list[str]]:
    """The register file and its SQLite companions that exist now."""

    def files() -> list[str]:
        folder = isolated_register.parent
        return sorted(p.name for p in folder.glob(isolated_register.name + "*"))

    return files


# ------------------------------------------------------------------------------ PostgreSQL

#: An account on a PostgreSQL server that may create databases, as a SQLAlchemy URL, e.g.
#: ``postgresql+psycopg://lapor_uji:lapor_uji@127.0.0.1/postgres``. `.ci/run` starts a server
#: and sets it, with ``LAPOR_UJI_PG_WAJIB=1``: there a missing server fails instead of skipping.
PG_ADMIN_VAR = "LAPOR_UJI_PG"


def _pg_required() -> bool:
    return os.environ.get("LAPOR_UJI_PG_WAJIB") == "1" or BACKEND == "postgresql"


def psycopg_args(url: str) -> dict[str, object]:
    """psycopg's connection arguments for a register URL (``postgresql+psycopg://…``)."""
    import sqlalchemy as sa

    return sa.engine.make_url(url).translate_connect_args(database="dbname", username="user")


class PgServer:
    """The test server: new databases (empty, or copies of a template database) and their
    register URLs; every database it made is dropped at the end of the session."""

    def __init__(self) -> None:
        import psycopg

        self.args = psycopg_args(os.environ[PG_ADMIN_VAR])
        self.conn = psycopg.connect(**self.args, autocommit=True, connect_timeout=10)
        self.made: set[str] = set()
        self._migrated: str | None = None

    def create(self, template: str | None = None) -> str:
        import uuid

        name = f"lapor_uji_{uuid.uuid4().hex[:12]}"
        copy = f' TEMPLATE "{template}"' if template else ""
        self.conn.execute(f'CREATE DATABASE "{name}"{copy}')
        self.made.add(name)
        return name

    def fresh_register(self) -> str:
        """A new database holding an empty register at the newest schema: a copy of one
        migrated once per session (migrating each test's database costs more than its test)."""
        if self._migrated is None:
            from lapor_cli.db import open_register

            name = self.create()
            open_register(self.url(name), write=True).engine.dispose()
            self._migrated = name
        return self.create(template=self._migrated)

    def drop(self, name: str) -> None:
        import time

        import psycopg

        for attempt in range(5):
            try:
                self.conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                break
            except psycopg.errors.InsufficientPrivilege:  # autovacuum is in it right now
                time.sleep(0.2 * (attempt + 1))
        else:
            return  # left for the session's end (close) to try again
        self.made.discard(name)

    def url(self, name: str) -> str:
        args = self.args
        password = f":{args['password']}" if args.get("password") else ""
        port = f":{args['port']}" if args.get("port") else ""
        host = args.get("host", "127.0.0.1")
        return f"postgresql+psycopg://{args.get('user', '')}{password}@{host}{port}/{name}"

    def close(self) -> None:
        for name in list(self.made):
            self.drop(name)
        self.conn.close()


_pg_server: PgServer | None = None


def pg_server() -> PgServer:
    """The session's test server (or skip; fail where a server is required)."""
    global _pg_server
    if _pg_server is None:
        if not os.environ.get(PG_ADMIN_VAR):
            if _pg_required():
                pytest.fail(f"{PG_ADMIN_VAR} tidak diset, padahal server PostgreSQL wajib di sini")
            pytest.skip(f"tanpa server PostgreSQL ({PG_ADMIN_VAR} tidak diset)")
        try:
            _pg_server = PgServer()
        except Exception as exc:  # no driver, no server, wrong password
            if _pg_required():
                raise
            pytest.skip(f"server PostgreSQL tidak terjangkau: {exc}")
    return _pg_server


@pytest.fixture(scope="session", autouse=True)
def _pg_session() -> Iterator[None]:
    yield
    if _pg_server is not None:
        _pg_server.close()


@pytest.fixture
def pg_url() -> Iterator[Callable[[], str]]:
    """``pg_url()``: a new, empty database on the test server, as a register URL (dropped
    after the test). Call it again for a second one."""
    server = pg_server()
    made: list[str] = []

    def new() -> str:
        made.append(server.create())
        return server.url(made[-1])

    yield new
    for name in made:
        server.drop(name)
