"""`lapor demo` and `lapor --demo ...`: a separate demo register in the application directory,
cases in every status, and the office's own register (LAPOR_DB) left alone."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
import typer.main
import typer.testing
from typer.testing import CliRunner

from conftest import _cached_command
from lapor_cli.cli import app
from lapor_cli.workflow import OPEN_STATUSES, Status

NOW = "2026-11-23 10:00"  # Monday
runner = CliRunner()


@pytest.fixture(autouse=True)
def _env(isolated_register: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """conftest isolates the office register, home and clock; this module's width and officer."""
    monkeypatch.setenv("LAPOR_LEBAR", "120")
    monkeypatch.setenv("LAPOR_PETUGAS", "uji")
    monkeypatch.setattr(typer.testing, "_get_command", _cached_command, raising=False)
    return isolated_register


def ok(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception,
        result.stderr,
    )
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result


def ok_json(*args: str):
    return json.loads(ok(*args, "--json").stdout)


def dump(db: Path) -> str:
    with closing(sqlite3.connect(db)) as conn:
        return "\n".join(conn.iterdump())


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """`lapor demo --json` once (it is the slow part); tests read the result."""
    home = tmp_path_factory.mktemp("demo-home")
    office = home / "kantor" / "register.db"
    env = {
        "LAPOR_DB": str(office),
        "LAPOR_LEBAR": "120",
        "LAPOR_PETUGAS": "uji",
        "LAPOR_WAKTU": NOW,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home),
        "APPDATA": str(home),
        "LAPOR_DATA": None,
    }
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(typer.testing, "_get_command", _cached_command, raising=False)
        result = runner.invoke(app, ["demo", "--json"], env=env)
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    return {"home": home, "office": office, "env": env, "result": result}


def _in_demo_home(demo: dict, *args: str):
    result = runner.invoke(app, [*args, "--json"], env=demo["env"])
    assert result.exit_code == 0, (args, result.stdout, result.stderr, result.exception)
    return json.loads(result.stdout)


def test_demo_json_names_the_demo_register_in_the_app_dir(demo: dict) -> None:
    result = demo["result"]
    document = json.loads(result.stdout)  # exactly one JSON document
    assert set(document) >= {"register", "kasus"}
    path = Path(document["register"])
    assert path.is_file()
    assert path.is_relative_to(demo["home"])  # the user's application directory
    assert path != demo["office"]
    assert document["kasus"] > 0


def test_demo_has_cases_in_every_status(demo: dict) -> None:
    cases = _in_demo_home(demo, "--demo", "daftar", "--batas", "0")
    made = json.loads(demo["result"].stdout)["kasus"]
    assert len(cases) == made
    assert {c["status"] for c in cases} == {s.value for s in Status}
    assert len({c["nomor"] for c in cases}) == made
    for case in cases:
        assert case["batas_waktu"]
        assert case["diterima"] <= "2026-11-23T10:00"  # nothing received after "now"
    closed = [c for c in cases if c["status"] == "selesai"]
    assert all(c["ditutup"] and c["tepat_waktu"] in (True, False) for c in closed)


def test_demo_does_not_touch_the_office_register(demo: dict) -> None:
    assert not demo["office"].exists()
    # and the next command without --demo uses LAPOR_DB again (an empty register)
    assert _in_demo_home(demo, "daftar") == []
    assert not demo["office"].exists()


def test_demo_sla_lists_only_open_cases(demo: dict) -> None:
    lines = _in_demo_home(demo, "--demo", "sla")
    assert lines
    assert {line["status"] for line in lines} <= {s.value for s in OPEN_STATUSES}
    open_cases = _in_demo_home(demo, "--demo", "daftar", "--status", "terbuka", "--batas", "0")
    assert {line["nomor"] for line in lines} == {c["nomor"] for c in open_cases}


def test_demo_leaves_existing_office_register_unchanged(_env: Path) -> None:
    nomor = ok_json(
        "catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "Kasus kantor sungguhan",
        "--nama", "Siti Aminah",
    )["nomor"]  # fmt: skip
    before = dump(_env)
    made = ok_json("demo")
    assert Path(made["register"]) != _env
    assert dump(_env) == before
    office = ok_json("daftar")
    assert [c["nomor"] for c in office] == [nomor]
    # running the demo again rebuilds it rather than adding to it
    again = ok_json("demo")
    demo_cases = ok_json("--demo", "daftar", "--batas", "0")
    assert len(demo_cases) == again["kasus"] == made["kasus"]
    assert "Kasus kantor sungguhan" not in {c["uraian"] for c in demo_cases}


def test_demo_screen_shows_the_list(_env: Path) -> None:
    result = ok("demo")
    assert "Register demo dibuat" in result.stderr
    assert "DS-2026-" in result.stdout
    assert not _env.exists()
