"""Identity numbers and passwords kept out of the process list (issue 16, item 7).

While a command runs, its arguments are readable by every user of the computer (``ps``,
``/proc/PID/cmdline``). ``--nik -``, ``--kk -`` and ``--hp -`` read the value from standard
input instead (a prompt on a terminal); a password in ``--db`` (or ``pindah --ke``) gets a
one-line warning that points to ``LAPOR_DB``, ``~/.pgpass`` or ``PGPASSWORD``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import HP, HP_E164, KK, NIK, Runner, dump_register, ok_json

CATAT = ["catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "PKH", "--nama", "Siti"]
URL = "postgresql+psycopg://petugas:rahasia123@127.0.0.1:1/lapor"


def identity(run: Runner, nomor: str) -> tuple[str, str, str]:
    view = ok_json(run, "lihat", nomor, "--lengkap")
    return view["nik"], view["kk"], view["hp"]


def test_nik_kk_and_hp_from_standard_input(run: Runner) -> None:
    # The order on the command line does not matter: the lines are read --nik, --kk, --hp.
    args = [*CATAT, "--hp", "-", "--nik", "-", "--kk", "-", "--json"]
    code, out, err = run(*args, input=f"{NIK}\n{KK}\n{HP}\n")
    assert code == 0, err
    nomor = ok_json(run, "daftar")[0]["nomor"]
    assert identity(run, nomor) == (NIK, KK, HP_E164)


def test_only_the_options_given_as_dash_are_read(run: Runner) -> None:
    code, _, err = run(*CATAT, "--nik", NIK, "--hp", "-", input=f"  {HP}  \n")
    assert code == 0, err
    nomor = ok_json(run, "daftar")[0]["nomor"]
    assert identity(run, nomor) == (NIK, None, HP_E164)


@pytest.mark.parametrize(
    ("stdin", "option"),
    [("", "--nik"), (f"{NIK}\n", "--hp"), ("\n", "--nik"), (f"{NIK}\n   \n", "--hp")],
    ids=["nothing", "one-line-for-two", "empty-line", "blank-second-line"],
)
def test_a_missing_line_is_refused_naming_the_option(run: Runner, stdin: str, option: str) -> None:
    code, out, err = run(*CATAT, "--nik", "-", "--hp", "-", input=stdin)
    assert code == 1
    assert err.startswith(f"Ditolak: {option} -:") and err.count("\n") == 1, err
    assert "--nik, --hp" in err  # says which lines are expected, in which order
    assert out == "" and dump_register() is None


def test_a_bad_nik_from_standard_input_is_refused_like_any_other(run: Runner) -> None:
    code, _, err = run(*CATAT, "--nik", "-", input="1234\n")
    assert code == 1 and err.startswith("Ditolak: NIK harus 16 digit")


def test_on_a_terminal_the_value_is_asked_for(run: Runner, monkeypatch) -> None:
    from lapor_cli.cli import _app

    monkeypatch.setattr(_app, "stdin_is_terminal", lambda: True)
    code, _, err = run(*CATAT, "--nik", "-", input=f"{NIK}\n")
    assert code == 0, err
    assert "NIK pelapor" in err  # the prompt
    nomor = ok_json(run, "daftar")[0]["nomor"]
    assert identity(run, nomor)[0] == NIK


def test_a_real_process_reads_the_nik_from_a_pipe(tmp_path: Path) -> None:
    # What a script does: the NIK never is an argument of the process.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-m", "lapor_cli", *CATAT, "--nik", "-", "--json"],
        input=f"{NIK}\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    assert '"nik": "3171********0001"' in done.stdout


def test_catat_help_mentions_standard_input(run: Runner) -> None:
    code, out, _ = run("catat", "--help")
    assert code == 0 and "masukan standar" in out


# ------------------------------------------------------------------------ a password in --db


def test_a_password_in_db_is_warned_about(run: Runner) -> None:
    # cadangan refuses a server register before connecting: no server needed here.
    code, _, err = run("--db", URL, "cadangan", "salinan.db")
    lines = err.splitlines()
    assert lines[0].startswith("Peringatan: kata sandi di --db terlihat oleh pengguna lain")
    assert "LAPOR_DB" in lines[0] and "~/.pgpass" in lines[0] and "PGPASSWORD" in lines[0]
    assert "rahasia123" not in err
    assert code == 1 and lines[1].startswith("Ditolak:") and len(lines) == 2


def test_a_password_in_db_is_warned_about_once(run: Runner) -> None:
    code, _, err = run("--db", URL, "daftar")
    assert err.count("Peringatan: kata sandi") == 1
    assert "rahasia123" not in err


@pytest.mark.parametrize(
    "args",
    [
        ["--db", "postgresql+psycopg://petugas@127.0.0.1:1/lapor", "cadangan", "x.db"],
        ["--db", "register-lain.db", "kantor"],
    ],
    ids=["server-tanpa-sandi", "berkas"],
)
def test_no_warning_without_a_password(run: Runner, args: list[str]) -> None:
    _, _, err = run(*args)
    assert "Peringatan" not in err


def test_no_warning_for_lapor_db(run: Runner, monkeypatch) -> None:
    # The environment of a process is readable by its owner only: the place for the URL.
    monkeypatch.setenv("LAPOR_DB", URL)
    _, _, err = run("cadangan", "x.db")
    assert "Peringatan" not in err and err.startswith("Ditolak:")


def test_a_password_in_pindah_ke_is_warned_about(run: Runner) -> None:
    code, _, err = run("pindah", "--ke", URL)
    assert err.startswith("Peringatan: kata sandi di --ke terlihat")
    assert "~/.pgpass" in err and "rahasia123" not in err
