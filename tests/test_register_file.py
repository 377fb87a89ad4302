"""The register file on disk: an existing file is never taken for a new register, and a full
disk, a read-only folder or an odd path gives one true refusal ("Ditolak: …") — never a
traceback, and never "rusak" for a register that is intact.

A full disk is made two ways: portably, with a file size limit (``RLIMIT_FSIZE``) on the
command's process, which makes every write past it fail as a full disk does; and, where Linux
lets an unprivileged user mount one (``unshare``), with a real 2 MB tmpfs filled to the last
byte. A read-only folder is a read-only bind mount (root ignores permissions) or, for another
user, a folder without write permission.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import dump_register

pytestmark = pytest.mark.sqlite_only

CATAT = ["catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "Bansos", "--nama", "Siti"]
RESTORE = "lapor cadangan FILE --pulihkan"
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX: rlimit, /dev/null, mounts")


def lapor_process(*args: str, file_limit: int | None = None, **kw) -> subprocess.CompletedProcess:
    """``lapor ARGS`` in a process of its own; ``file_limit``: no file of it may grow past that
    many bytes (a write beyond fails with EFBIG, as one on a full disk fails with ENOSPC)."""

    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    return subprocess.run(
        [sys.executable, "-m", "lapor_cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit if file_limit is not None else None,
        **kw,
    )


def assert_one_refusal(code: int, out: str, err: str) -> None:
    assert code == 1, (out, err)
    assert out == ""
    assert err.startswith("Ditolak: "), err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err


def _can_unshare() -> bool:
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True, timeout=30)
    return probe.returncode == 0


# ------------------------------------------------------------ an existing file is no new one


@pytest.mark.parametrize(
    "content",
    [b"", b"\0" * 4096, b"nomor;nama\nDS-2026-00001;Siti\n"],
    ids=["0-bait", "nol-semua", "teks"],
)
@pytest.mark.parametrize(
    "args",
    [["daftar"], ["lihat", "DS-2026-00001"], CATAT, ["periksa"], ["cadangan", "salinan.db"]],
    ids=["daftar", "lihat", "catat", "periksa", "cadangan"],
)
def test_an_existing_file_without_a_register_in_it_is_refused_untouched(
    run, isolated_register: Path, register_files, content: bytes, args: list[str]
):
    """Bug: a register truncated to 0 bytes was taken for a new one — `daftar` said there were
    no cases, `catat` began again at 00001 (and wrote a new schema into the file)."""
    isolated_register.write_bytes(content)
    code, out, err = run(*args)
    assert_one_refusal(code, out, err)
    assert RESTORE in err
    assert isolated_register.read_bytes() == content
    assert register_files() == [isolated_register.name]
    assert not Path("salinan.db").exists()


@pytest.mark.parametrize("args", [["daftar"], CATAT], ids=["daftar", "catat"])
def test_a_sqlite_file_without_a_single_table_is_no_new_register(
    run, isolated_register: Path, args: list[str]
):
    with sqlite3.connect(isolated_register) as conn:
        conn.execute("PRAGMA user_version = 7")  # writes the header: a database, no table
    conn.close()
    before = isolated_register.read_bytes()
    code, out, err = run(*args)
    assert_one_refusal(code, out, err)
    assert "kosong" in err and RESTORE in err
    assert isolated_register.read_bytes() == before


def test_a_register_truncated_to_nothing_comes_back_from_its_backup(
    run, catat, isolated_register: Path
):
    first, second = catat()["nomor"], catat()["nomor"]
    assert run("cadangan", "pagi.db")[0] == 0
    isolated_register.write_bytes(b"")
    code, out, err = run(*CATAT)
    assert code == 1 and RESTORE in err
    code, out, err = run("cadangan", "pagi.db", "--pulihkan", "--ya", "--json")
    assert code == 0, err
    aside = Path(json.loads(out)["register_lama"])
    assert aside.read_bytes() == b""  # what was there, kept as it was
    code, out, _ = run("daftar", "--json")
    assert [case["nomor"] for case in json.loads(out)] == [second, first]
    assert catat()["nomor"] == "DS-2026-00003"


def test_a_register_that_cannot_be_read_is_refused(run, catat, isolated_register, monkeypatch):
    """No permission to read the file (another user's register): refused, never new. Root
    ignores permissions, so the refusal of ``open`` is made here."""
    from lapor_cli import register_file

    catat()
    before = isolated_register.read_bytes()

    def refuse_the_register(file, *args, **kwargs):
        if Path(file) == isolated_register:
            raise PermissionError(13, "Permission denied", str(file))
        return open(file, *args, **kwargs)

    monkeypatch.setattr(register_file, "open", refuse_the_register, raising=False)
    for args in (["daftar"], CATAT, ["periksa"]):
        code, out, err = run(*args)
        assert_one_refusal(code, out, err)
        assert "tidak dapat dibaca (Permission denied)" in err
        assert RESTORE in err
    assert isolated_register.read_bytes() == before


@POSIX
@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads anyway")
def test_another_users_register_is_refused(run, catat, isolated_register: Path):
    catat()
    isolated_register.chmod(0)
    try:
        code, out, err = run("daftar")
    finally:
        isolated_register.chmod(0o600)
    assert_one_refusal(code, out, err)
    assert "tidak dapat dibaca" in err


def test_a_creation_killed_before_its_first_table_leaves_no_lost_register(
    run, catat, isolated_register: Path
):
    """A first command killed while creating the register leaves an empty file and its
    creation lock; once the lock has expired the register is created as new (the empty file
    is no register whose content was lost)."""
    isolated_register.write_bytes(b"")
    lock = isolated_register.with_name(isolated_register.name + ".sedang-dibuat")
    lock.write_bytes(b"")
    long_ago = time.time() - 600
    os.utime(lock, (long_ago, long_ago))
    assert catat()["nomor"] == "DS-2026-00001"
    assert not lock.exists()


@POSIX
@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null")
@pytest.mark.parametrize("args", [["daftar"], CATAT, ["periksa"]], ids=["daftar", "catat", "cek"])
def test_a_device_is_no_register(run, args: list[str]):
    code, out, err = run("--db", "/dev/null", *args)
    assert_one_refusal(code, out, err)
    assert "bukan berkas biasa" in err


@POSIX
def test_writing_to_a_register_path_that_is_a_dangling_link_is_refused(run, tmp_path: Path):
    link = tmp_path / "register-tautan.db"
    link.symlink_to(tmp_path / "tidak-ada" / "register.db")
    code, out, err = run("--db", str(link), *CATAT)
    assert_one_refusal(code, out, err)
    assert "tautan simbolik" in err
    assert link.is_symlink() and not (tmp_path / "tidak-ada").exists()


# ------------------------------------------------------------ no room on the disk


@POSIX
@pytest.mark.parametrize(
    "args",
    [["daftar"], ["lihat", "DS-2026-00001"], CATAT, ["periksa"], ["cadangan", "salinan.db"]],
    ids=["daftar", "lihat", "catat", "periksa", "cadangan"],
)
def test_no_room_for_the_registers_companion_files_is_one_true_refusal(
    catat, isolated_register: Path, register_files, args: list[str]
):
    """Bug: with no room left, reading commands failed with a traceback ("disk I/O error":
    SQLite cannot make its -shm file), and `periksa`/`cadangan` called the intact register
    "rusak — pulihkan dari cadangan"."""
    catat()
    before = dump_register()
    result = lapor_process(*args, file_limit=16 * 1024)
    assert_one_refusal(result.returncode, result.stdout, result.stderr)
    assert "batas ukuran berkas tercapai" in result.stderr
    assert "rusak" not in result.stderr
    assert dump_register() == before
    assert not Path("salinan.db").exists()


@POSIX
def test_a_template_that_does_not_fit_leaves_no_file(tmp_path: Path):
    """Bug: `impor --templat` on a full disk left a 0-byte template, and Python printed a
    second traceback ("Exception ignored in ZipFile.__del__") after the refusal."""
    result = lapor_process("impor", "--templat", "templat.xlsx", file_limit=4096)
    assert_one_refusal(result.returncode, result.stdout, result.stderr)
    assert "Templat tidak dapat ditulis" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if "templat" in p.name) == []


def test_openpyxl_never_takes_the_lxml_path():
    """Bug: with lxml installed (python-docx brings it), openpyxl wrote through lxml, whose
    full-disk error is no OSError: the two refusals above became tracebacks."""
    probe = subprocess.run(
        [sys.executable, "-c", "import lapor_cli, openpyxl.xml as x; print(x.LXML)"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.stdout.strip() == "False", probe.stderr


@POSIX
def test_a_workbook_that_does_not_fit_is_one_refusal_and_leaves_no_file(catat, tmp_path: Path):
    """The disk fills while `ekspor` writes the workbook (after the register was read): one
    refusal line, no workbook, no temporary file, nothing printed after the refusal."""
    for _ in range(3):
        catat()
    script = (
        "import resource, sys\n"
        "import lapor_cli.monev.commands as core\n"
        "write = core.write_workbook\n"
        "def full_disk(*args, **kwargs):\n"
        "    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "    return write(*args, **kwargs)\n"
        "core.write_workbook = full_disk\n"
        "from lapor_cli.cli import app\n"
        "app(sys.argv[1:], prog_name='lapor')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, "ekspor", "--bulan", "2026-11", "--keluaran", "m.xlsx"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert_one_refusal(result.returncode, result.stdout, result.stderr)
    assert "Workbook tidak dapat ditulis" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if "m.xlsx" in p.name) == []


FULL_DISK_DRIVER = """
import json, os, subprocess, sys
disk, outside = sys.argv[1], sys.argv[2]
catat = ["catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "x", "--nama", "Siti"]
def fill():  # to the last byte, again before each command: a refusal may free a few pages
    with open(os.path.join(disk, "pengisi"), "ab", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\\0" * 4096)
        except OSError:
            pass
def lapor(*args, register=os.path.join(disk, "register.db"), full=True):
    if full:
        fill()
    env = dict(os.environ, LAPOR_DB=register)
    done = subprocess.run([sys.executable, "-m", "lapor_cli", *args], env=env,
                          capture_output=True, text=True, timeout=120)
    return [done.returncode, done.stdout, done.stderr]
assert lapor(*catat, full=False)[0] == 0
assert lapor("cadangan", os.path.join(disk, "pagi.db"), full=False)[0] == 0
results = {
    "catat": lapor(*catat),
    "daftar": lapor("daftar"),
    "lihat": lapor("lihat", "DS-2026-00001"),
    "periksa": lapor("periksa"),
    "cadangan": lapor("cadangan", os.path.join(disk, "salinan.db")),
    "pulihkan": lapor("cadangan", os.path.join(disk, "pagi.db"), "--pulihkan", "--ya"),
    "cadangan-ke": lapor("cadangan", os.path.join(disk, "salinan.db"), register=outside),
    "ekspor": lapor("ekspor", "--bulan", "2026-11", "--keluaran",
                    os.path.join(disk, "monev.xlsx"), register=outside),
    "templat": lapor("impor", "--templat", os.path.join(disk, "templat.xlsx")),
}
results["berkas"] = sorted(os.listdir(disk))
print(json.dumps(results))
"""


@pytest.mark.skipif(not _can_unshare(), reason="no unprivileged mount namespace (unshare -rm)")
def test_a_really_full_disk_is_named_by_every_command(catat, isolated_register, tmp_path: Path):
    """A 2 MB tmpfs filled to the last byte: each command says the disk is full, in one line;
    no partial workbook, template or backup is left behind."""
    catat()  # the register ekspor reads lives outside the full disk
    disk = tmp_path / "disk"
    disk.mkdir()
    driver = tmp_path / "penuh.py"
    driver.write_text(FULL_DISK_DRIVER)
    mount = 'mount -t tmpfs -o size=2m tmpfs "$1" && exec "$3" "$2" "$1" "$4"'
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", mount, "sh", str(disk), str(driver), sys.executable,
         str(isolated_register)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    # no partial backup, workbook or template; SQLite's companion files may stay
    assert {"pagi.db", "pengisi", "register.db"} <= set(berkas := results.pop("berkas"))
    assert not [name for name in berkas if "salinan" in name or name.endswith((".xlsx", "tmp"))]
    for name, (code, out, err) in results.items():
        assert code == 1, (name, out, err)
        assert err.startswith("Ditolak: ") and err.count("\n") == 1, (name, err)
        assert "rusak" not in err, (name, err)
        if name not in ("ekspor", "templat"):
            assert "disk penuh" in err.lower(), (name, err)


# ------------------------------------------------------------ a read-only folder


def run_in_read_only_folder(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """``lapor ARGS`` while ``folder`` cannot be written: without write permission, or (root
    ignores permissions) behind a read-only bind mount."""
    command = [sys.executable, "-m", "lapor_cli", *args]
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=120)
        finally:
            folder.chmod(0o755)
    if not _can_unshare():
        pytest.skip("root without unshare: no way to make a folder read-only")
    bind = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", bind, "sh", str(folder), *command],
        capture_output=True,
        text=True,
        timeout=120,
    )


@POSIX
@pytest.mark.parametrize(
    "args",
    [["daftar"], ["periksa"], ["cadangan", "{elsewhere}/salinan.db"]],
    ids=["daftar", "periksa", "cadangan"],
)
def test_a_read_only_folder_is_named_not_called_damaged(
    catat, isolated_register: Path, tmp_path: Path, monkeypatch, args: list[str]
):
    """Bug: in a read-only folder `periksa` and `cadangan` called an intact register "rusak —
    pulihkan dari cadangan" (SQLite cannot make its -shm file there)."""
    catat()
    folder = tmp_path / "arsip"
    folder.mkdir()
    register = folder / "register.db"
    isolated_register.rename(register)
    elsewhere = tmp_path / "lain"
    elsewhere.mkdir()
    monkeypatch.setenv("LAPOR_DB", str(register))
    before = register.read_bytes()
    result = run_in_read_only_folder(folder, *(a.format(elsewhere=elsewhere) for a in args))
    assert_one_refusal(result.returncode, result.stdout, result.stderr)
    assert "folder hanya-baca" in result.stderr
    assert "rusak" not in result.stderr
    assert register.read_bytes() == before
    assert list(elsewhere.iterdir()) == []
