"""cadangan, --pulihkan and periksa: backups taken while others write, tamper evidence."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time

import pytest
from typer.testing import CliRunner

from lapor_cli.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _register(tmp_path, monkeypatch):
    monkeypatch.setenv("LAPOR_DB", str(tmp_path / "register.db"))
    monkeypatch.setenv("LAPOR_WAKTU", "2026-11-23 10:00")
    monkeypatch.setenv("LAPOR_LEBAR", "120")
    monkeypatch.setenv("LAPOR_PETUGAS", "uji")
    for var in ("HOME", "XDG_CONFIG_HOME", "APPDATA"):
        monkeypatch.setenv(var, str(tmp_path))
    monkeypatch.chdir(tmp_path)


def lapor(*args: str):
    result = runner.invoke(app, list(args))
    assert "Traceback" not in (result.stderr or "")
    return result


def catat(i: int = 0) -> str:
    result = lapor(
        "catat",
        "--kanal",
        "surat",
        "--jenis",
        "aduan",
        "--uraian",
        f"Aduan {i}",
        "--nama",
        f"Pelapor {i}",
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["nomor"]


def test_backup_is_private_complete_and_checked(tmp_path):
    for i in range(3):
        catat(i)
    result = lapor("cadangan", "cadangan.db", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {"cadangan": "cadangan.db", "kasus": 3}
    if os.name == "posix":
        assert stat.S_IMODE((tmp_path / "cadangan.db").stat().st_mode) == 0o600
    with sqlite3.connect(tmp_path / "cadangan.db") as conn:
        assert conn.execute("SELECT count(*) FROM kasus").fetchone()[0] == 3
    again = lapor("cadangan", "cadangan.db")
    assert again.exit_code == 1
    assert "--timpa" in again.stderr
    assert lapor("cadangan", "cadangan.db", "--timpa").exit_code == 0


@pytest.mark.slow  # a second desk writing in processes of its own: ~10 s
def test_backup_while_another_desk_writes(tmp_path):
    catat(0)
    env = {**os.environ}

    def desk() -> None:
        for i in range(8):
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "lapor_cli",
                    "catat",
                    "--kanal",
                    "sms",
                    "--jenis",
                    "aduan",
                    "--uraian",
                    f"serentak {i}",
                    "--nama",
                    "X",
                ],
                env=env,
                capture_output=True,
                check=True,
                timeout=120,
            )

    writer = threading.Thread(target=desk)
    writer.start()
    copies = []
    for n in range(4):
        result = lapor("cadangan", f"c{n}.db", "--json")
        assert result.exit_code == 0, result.stderr
        copies.append(json.loads(result.stdout)["kasus"])
    writer.join()
    for n in range(4):
        with sqlite3.connect(tmp_path / f"c{n}.db") as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            # each copy is a consistent snapshot: every case has its history entry
            cases = conn.execute("SELECT count(*) FROM kasus").fetchone()[0]
            entries = conn.execute("SELECT count(*) FROM riwayat").fetchone()[0]
            assert cases == entries == copies[n]


def test_restore_keeps_the_old_register_aside(tmp_path):
    first = catat(1)
    assert lapor("cadangan", "pagi.db").exit_code == 0
    catat(2)
    refused = lapor("cadangan", "pagi.db", "--pulihkan")  # a script must say --ya
    assert refused.exit_code == 1
    assert len(json.loads(lapor("daftar", "--json").stdout)) == 2
    result = lapor("cadangan", "pagi.db", "--pulihkan", "--ya", "--json")
    assert result.exit_code == 0, result.stderr
    aside = json.loads(result.stdout)["register_lama"]
    listed = json.loads(lapor("daftar", "--json").stdout)
    assert [c["nomor"] for c in listed] == [first]
    with sqlite3.connect(aside) as conn:
        assert conn.execute("SELECT count(*) FROM kasus").fetchone()[0] == 2


def test_restore_names_the_set_aside_register_by_the_office_clock():
    """The copy kept aside is stamped with the office clock (LAPOR_WAKTU here), as every other
    command's "now" is, not with the machine's own clock."""
    catat(1)
    assert lapor("cadangan", "pagi.db").exit_code == 0
    result = lapor("cadangan", "pagi.db", "--pulihkan", "--ya", "--json")
    assert result.exit_code == 0, result.stderr
    aside = json.loads(result.stdout)["register_lama"]
    assert aside.endswith(".sebelum-pulih-20261123-100000"), aside


def test_periksa_passes_on_a_sound_register():
    nomor = catat()
    lapor("verifikasi", nomor, "--kategori", "PKH")
    result = lapor("periksa", "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["masalah"] == []
    assert report["kasus"] == 1 and report["riwayat"] == 2


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE riwayat SET catatan = 'diubah diam-diam' WHERE id = 1",
        "DELETE FROM riwayat WHERE id = 2",
        "UPDATE riwayat SET oleh = 'orang lain' WHERE id = 3",
    ],
)
def test_periksa_detects_tampering(tmp_path, tamper):
    nomor = catat()
    lapor("verifikasi", nomor, "--kategori", "PKH")
    lapor("distribusi", nomor, "--unit", "Sekretariat")
    with sqlite3.connect(tmp_path / "register.db") as conn:
        conn.execute(tamper)
    result = lapor("periksa")
    assert result.exit_code == 1
    assert "rantai riwayat" in result.stderr
    assert result.stderr.startswith("Ditolak:")


@pytest.mark.parametrize(
    ("tamper", "flagged"),
    [
        # a status changed behind the history's back
        ("UPDATE kasus SET status = 'selesai' WHERE nomor = '{b}'", ["{b}"]),
        # a case whose every entry is gone (its chain check fails too)
        (
            "DELETE FROM riwayat WHERE kasus_id = (SELECT id FROM kasus WHERE nomor = '{a}')",
            ["{a}"],
        ),
    ],
)
def test_periksa_compares_each_status_with_its_last_history_entry(tmp_path, tamper, flagged):
    a, b, c = catat(), catat(), catat()
    lapor("verifikasi", b, "--kategori", "PKH")
    # later entries that keep the status: a pause and its end
    assert lapor("tunda", c, "--alasan", "menunggu KK").exit_code == 0
    assert lapor("lanjut", c).exit_code == 0
    assert json.loads(lapor("periksa", "--json").stdout)["masalah"] == []
    with sqlite3.connect(tmp_path / "register.db") as conn:
        conn.execute(tamper.format(a=a, b=b))
    result = lapor("periksa", "--json")
    assert result.exit_code == 1
    (check,) = [p for p in json.loads(result.stdout)["masalah"] if p.startswith("status")]
    assert check == "status = riwayat terakhir: " + ", ".join(n.format(a=a, b=b) for n in flagged)


def test_damaged_register_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "register.db"
    path.write_bytes(b"bukan register" * 100)
    before = path.read_bytes()
    for args in (
        ["daftar"],
        ["periksa"],
        ["catat", "--kanal", "sms", "--jenis", "aduan", "--uraian", "x", "--nama", "y"],
    ):
        result = lapor(*args)
        assert result.exit_code == 1
        assert "rusak" in result.stderr
    assert path.read_bytes() == before


def test_newer_schema_is_refused_without_writing(tmp_path):
    catat()
    path = tmp_path / "register.db"
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    with sqlite3.connect(path) as conn:
        dump = list(conn.iterdump())
    result = lapor("catat", "--kanal", "sms", "--jenis", "aduan", "--uraian", "x", "--nama", "y")
    assert result.exit_code == 1
    assert "lebih baru" in result.stderr
    with sqlite3.connect(path) as conn:
        assert list(conn.iterdump()) == dump


# ------------------------------------------------------------ restore under the write lock

#: ``lapor catat`` that pauses before its commit (holding the write lock) for argv[1] seconds,
#: and says so on stdout first.
PAUSED_CATAT = """
import sys, time
from sqlalchemy import event
from sqlmodel import Session

@event.listens_for(Session, "before_commit")
def pause(session):
    print("menulis", flush=True)
    time.sleep(float(sys.argv[1]))

from lapor_cli.cli import app
app(["catat", "--kanal", "sms", "--jenis", "aduan", "--uraian", "ditulis saat pemulihan",
     "--nama", "Desk Dua", "--json"], prog_name="lapor")
"""

#: A writer that takes the register's write lock and then makes no progress for argv[2] s.
STUCK_WRITER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("terkunci", flush=True)
time.sleep(float(sys.argv[2]))
"""


def _started(script: str, *args: str) -> subprocess.Popen:
    """A helper process that has printed its first line (it holds the lock now)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    first = proc.stdout.readline().strip()
    if not first:
        proc.kill()
        pytest.fail(f"helper did not start: {proc.communicate()[1]}")
    return proc


def _numbers(path) -> set[str]:
    with sqlite3.connect(path) as conn:
        numbers = {row[0] for row in conn.execute("SELECT nomor FROM kasus")}
    conn.close()
    return numbers


def test_restore_waits_for_a_command_that_is_writing(tmp_path):
    """Bug: a restore while another command was writing (an `impor` started a little earlier)
    set the register aside at once, then overwrote it after that command had committed: both
    exited 0 and the command's cases were in neither register. Now the restore takes the
    write lock first: the writer finishes, and its case is in the set-aside copy."""
    first = catat(1)
    assert lapor("cadangan", "pagi.db").exit_code == 0
    writer = _started(PAUSED_CATAT, "3")
    try:
        result = lapor("cadangan", "pagi.db", "--pulihkan", "--ya", "--json")
        out, err = writer.communicate(timeout=120)
    finally:
        writer.kill()
    assert writer.returncode == 0, err
    written = json.loads(out)["nomor"]
    assert result.exit_code == 0, result.stderr
    aside = json.loads(result.stdout)["register_lama"]
    assert _numbers(aside) == {first, written}
    assert _numbers(tmp_path / "register.db") == {first}
    with sqlite3.connect(aside) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    checked = lapor("periksa", "--json")
    assert checked.exit_code == 0, checked.stdout + checked.stderr


def test_restore_is_refused_while_a_writer_is_stuck_and_changes_nothing(tmp_path, monkeypatch):
    """A lock held without progress (a hung process) makes the restore wait as long as any
    writer would (LAPOR_TUNGGU_KUNCI, 1 s here), then refuse it; nothing is set aside."""
    catat(1)
    assert lapor("cadangan", "pagi.db").exit_code == 0
    catat(2)
    register = tmp_path / "register.db"
    before = _numbers(register)
    monkeypatch.setenv("LAPOR_TUNGGU_KUNCI", "1")
    holder = _started(STUCK_WRITER, str(register), "25")
    try:
        started = time.monotonic()
        result = lapor("cadangan", "pagi.db", "--pulihkan", "--ya")
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.communicate()
    assert result.exit_code == 1, result.stdout
    assert result.stderr.startswith("Ditolak: ") and result.stderr.count("\n") == 1
    assert "sedang dikunci" in result.stderr
    assert waited < 15, waited
    assert list(tmp_path.glob("register.db.sebelum-pulih-*")) == []
    assert _numbers(register) == before


def test_restore_of_a_register_that_does_not_exist_yet(tmp_path, monkeypatch):
    catat(1)
    assert lapor("cadangan", "pagi.db").exit_code == 0
    monkeypatch.setenv("LAPOR_DB", str(tmp_path / "baru" / "register.db"))
    result = lapor("cadangan", "pagi.db", "--pulihkan", "--ya", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["register_lama"] is None
    assert len(json.loads(lapor("daftar", "--json").stdout)) == 1
    if os.name == "posix":
        mode = (tmp_path / "baru" / "register.db").stat().st_mode
        assert stat.S_IMODE(mode) == 0o600


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_backup_to_a_dangling_link_or_to_a_folder_is_refused(tmp_path):
    """Bug: `cadangan` to a symbolic link whose target is missing crashed (FileExistsError);
    to a folder with --timpa it crashed too (and would have removed a file that was no
    backup)."""
    catat(1)
    link = tmp_path / "tautan.db"
    link.symlink_to(tmp_path / "hilang" / "cadangan.db")
    result = lapor("cadangan", str(link))
    assert result.exit_code == 1
    assert result.stderr.startswith("Ditolak: ") and result.stderr.count("\n") == 1
    assert "tautan simbolik" in result.stderr
    assert link.is_symlink() and not (tmp_path / "hilang").exists()
    folder = tmp_path / "folder.db"
    folder.mkdir()
    result = lapor("cadangan", str(folder), "--timpa")
    assert result.exit_code == 1
    assert "bukan berkas biasa" in result.stderr and result.stderr.count("\n") == 1
    assert folder.is_dir()
