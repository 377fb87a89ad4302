"""The real `lapor --help` in a subprocess, and what it does not import."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

HEAVY = ("sqlmodel", "sqlalchemy", "holidays", "openpyxl", "alembic", "phonenumbers", "stdnum")
SOP_COMMANDS = ("catat", "verifikasi", "distribusi", "tindaklanjut", "tutup", "nilai", "lihat")


def python(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "100"}
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
        check=False,
    )


def test_help_in_a_real_process_lists_the_commands(tmp_path) -> None:
    result = python("-m", "lapor_cli", "--help")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    # Click's frame in Indonesian too: usage line, headings, the help option's own text
    assert "Cara pakai: lapor [OPSI] PERINTAH [ARGUMEN]..." in result.stdout
    assert "Opsi:" in result.stdout and "Perintah:" in result.stdout
    assert "Tampilkan bantuan ini lalu keluar." in result.stdout
    assert "Usage" not in result.stdout and "Show this message" not in result.stdout
    for command in (*SOP_COMMANDS, "daftar", "laporbalik"):
        assert command in result.stdout
    assert not (tmp_path / "register.db").exists()


@pytest.mark.parametrize("command", ["catat", "daftar", "verifikasi"])
def test_command_help_in_a_real_process(command: str) -> None:
    result = python("-m", "lapor_cli", command, "--help")
    assert result.returncode == 0, result.stderr
    assert f"lapor {command}" in result.stdout
    assert "--json" in result.stdout


def test_help_imports_no_database_or_calendar_library() -> None:
    result = python("-X", "importtime", "-m", "lapor_cli", "--help")
    assert result.returncode == 0, result.stderr
    imported = {
        line.rsplit("|", 1)[-1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "lapor_cli" in imported  # the report is really there
    assert not imported & set(HEAVY), sorted(imported & set(HEAVY))


def test_importing_the_cli_imports_no_heavy_library() -> None:
    code = (
        "import json, sys\n"
        "import lapor_cli.cli\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    result = python("-c", code)
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout))
    assert "typer" in loaded
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_shell_completion_answers_without_heavy_libraries() -> None:
    # Tab completion runs the program on every key press: it must stay as light as --help.
    script = os.path.join(os.path.dirname(sys.executable), "lapor")
    if not os.path.exists(script):
        pytest.skip("lapor is not installed as a script in this environment")
    env = {**os.environ, "_LAPOR_COMPLETE": "complete_bash", "COMP_WORDS": "lapor ca"}
    env["COMP_CWORD"] = "1"
    result = subprocess.run(
        [sys.executable, "-X", "importtime", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["catat", "cadangan"]
    imported = {
        line.rsplit("|", 1)[-1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "lapor_cli" in imported
    assert not imported & set(HEAVY), sorted(imported & set(HEAVY))


def test_a_crash_never_prints_local_variables() -> None:
    # Locals of a crashed command would show NIKs, phone numbers, a server's password.
    from lapor_cli.cli import app

    assert app.pretty_exceptions_show_locals is False
