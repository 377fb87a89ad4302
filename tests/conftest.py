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
"""

from __future__ import annotations

import json
import os
import sqlite3
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import typer.main
import typer.testing
from typer.testing import CliRunner

from lapor_cli import console as console_module
from lapor_cli.cli import app

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

_HOME_VARS = ("HOME", "USERPROFILE", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "APPDATA", "LOCALAPPDATA")
_UNSET_VARS = ("LAPOR_DATA", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS")


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
def isolated_register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The register path of this test (not created yet)."""
    db = _isolate(monkeypatch, tmp_path)
    monkeypatch.chdir(tmp_path)
    from lapor_cli.db import default_location

    # Belt and braces: even without LAPOR_DB the register would live inside tmp_path.
    assert Path(default_location()).resolve().is_relative_to(tmp_path.resolve())
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


@pytest.fixture
def catat(run: Runner) -> Callable[..., dict]:
    """``catat(kanal="surat", nama="Siti", ...)`` records a case and returns its JSON view."""
    return lambda waktu=None, **fields: record(run, waktu, **fields)


# ------------------------------------------------------------------------------ the register


def dump_register(path: Path | str | None = None) -> str | None:
    """The whole register as SQL text (every table, every row), or None if there is no file.

    Read with plain sqlite3 so that it works whatever lapor-cli thinks of the file.
    """
    path = Path(path or os.environ["LAPOR_DB"])
    if not path.exists():
        return None
    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def copy_register(source: Path, target: Path) -> None:
    """A consistent copy (SQLite online backup), whatever the journal mode."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


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

    def get(name: str, build: Callable[[Runner], object]) -> tuple[Path, object]:
        if name not in built:
            folder = tmp_path_factory.mktemp(name)
            with pytest.MonkeyPatch.context() as mp:
                db = _isolate(mp, folder)
                mp.setattr(typer.testing, "_get_command", _cached_command, raising=False)
                built[name] = (db, build(invoke))
        return built[name]

    return get


@pytest.fixture
def install_template(_templates: Callable, isolated_register: Path) -> Callable:
    """``install_template(name, build)``: this test's register becomes a copy of the register
    that ``build(run)`` made (once per session); returns what ``build`` returned."""

    def install(name: str, build: Callable[[Runner], object]):
        db, result = _templates(name, build)
        copy_register(db, isolated_register)
        return result

    return install


@pytest.fixture
def populated(install_template: Callable) -> dict[str, str]:
    """This test's register holds one case per status (see POPULATED): label -> nomor."""
    return dict(install_template("populated", _build_populated))


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


def _pg_admin() -> dict[str, object]:
    """psycopg connection arguments of the test server's admin account (or skip / fail)."""
    required = os.environ.get("LAPOR_UJI_PG_WAJIB") == "1"
    admin = os.environ.get(PG_ADMIN_VAR)
    if not admin:
        if required:
            pytest.fail(f"{PG_ADMIN_VAR} tidak diset, padahal LAPOR_UJI_PG_WAJIB=1")
        pytest.skip(f"tanpa server PostgreSQL ({PG_ADMIN_VAR} tidak diset)")
    import sqlalchemy as sa

    url = sa.engine.make_url(admin)
    return url.translate_connect_args(database="dbname", username="user")


@pytest.fixture
def pg_url() -> Iterator[Callable[[], str]]:
    """``pg_url()``: a new, empty database on the test server, as a register URL (dropped
    after the test). Call it again for a second one."""
    args = _pg_admin()
    try:
        import psycopg
    except ImportError:
        if os.environ.get("LAPOR_UJI_PG_WAJIB") == "1":
            raise
        pytest.skip("psycopg tidak terpasang")
    import uuid

    made: list[str] = []

    def admin() -> psycopg.Connection:
        try:
            return psycopg.connect(**args, autocommit=True, connect_timeout=10)
        except psycopg.OperationalError as exc:
            if os.environ.get("LAPOR_UJI_PG_WAJIB") == "1":
                raise
            pytest.skip(f"server PostgreSQL tidak terjangkau: {exc}")

    def new() -> str:
        name = f"lapor_uji_{uuid.uuid4().hex[:12]}"
        with admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        user = args.get("user", "")
        password = f":{args['password']}" if args.get("password") else ""
        host = args.get("host", "127.0.0.1")
        port = f":{args['port']}" if args.get("port") else ""
        return f"postgresql+psycopg://{user}{password}@{host}{port}/{name}"

    yield new
    if made:
        with admin() as conn:
            for name in made:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
