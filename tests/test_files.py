"""Files written at a name the user gives (``lapor_cli.files``): the monev workbook, the import
template and a backup are written beside their target under a name nobody can guess, owner
only, and renamed into place; a symbolic link at the target is refused, even with --timpa.

The attacks planted here: a link at the old predictable temporary name
(``.NAME.PID.tmp``: the pid of an in-process command is this test's), and a link at the
target itself, both pointing at a file of someone else's that must stay as it was.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import openpyxl
import pytest

from lapor_cli.errors import ValidationError

POSIX = pytest.mark.skipif(os.name != "posix", reason="symbolic links and file modes")
VICTIM = b"milik orang lain"


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A file of someone else's, outside the folder being written to."""
    elsewhere = tmp_path / "lain"
    elsewhere.mkdir()
    path = elsewhere / "penting.txt"
    path.write_bytes(VICTIM)
    return path


def plant_old_temporary_names(target: Path, victim: Path) -> list[Path]:
    """Links at every name the old code wrote to before renaming: ``.NAME.PID.tmp`` (monev,
    template) and ``.NAME.PID.cadangan`` (backup)."""
    links = []
    for suffix in ("tmp", "cadangan"):
        link = target.with_name(f".{target.name}.{os.getpid()}.{suffix}")
        link.symlink_to(victim)
        links.append(link)
    return links


def assert_private_regular_file(path: Path) -> None:
    assert path.is_file() and not path.is_symlink()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def assert_refused_link(code: int, out: str, err: str, link: Path) -> None:
    assert code == 1 and out == ""
    assert err.startswith("Ditolak: ") and err.count("\n") == 1, err
    assert "tautan simbolik" in err and "--timpa" in err
    assert link.is_symlink()


# ------------------------------------------------------------------ the helper


@POSIX
def test_replacing_writes_a_private_file_under_an_unguessable_name(tmp_path, victim):
    from lapor_cli import files

    target = tmp_path / "hasil.bin"
    plant_old_temporary_names(target, victim)
    seen = []
    with files.replacing(target, overwrite=False, field="keluaran") as partial:
        seen.append(partial.path)
        assert partial.path.parent == tmp_path and partial.path.name.startswith(".hasil.bin.")
        assert stat.S_IMODE(partial.path.stat().st_mode) == 0o600
        partial.file.write(b"isi")
    assert target.read_bytes() == b"isi" and not seen[0].exists()
    assert_private_regular_file(target)
    assert victim.read_bytes() == VICTIM


def test_replacing_leaves_nothing_when_the_writing_fails(tmp_path):
    from lapor_cli import files

    target = tmp_path / "hasil.bin"
    target.write_bytes(b"lama")
    with pytest.raises(OSError), files.replacing(target, overwrite=True, field="x") as partial:
        partial.file.write(b"setengah")
        raise OSError(28, "No space left on device")
    assert target.read_bytes() == b"lama"
    assert leftovers(tmp_path) == []


@POSIX
def test_replacing_refuses_a_link_before_and_after_writing(tmp_path, victim):
    from lapor_cli import files

    link = tmp_path / "tautan.bin"
    link.symlink_to(victim)
    with pytest.raises(ValidationError, match="tautan simbolik"):
        with files.replacing(link, overwrite=True, field="keluaran"):
            pass
    target = tmp_path / "baru.bin"
    with pytest.raises(ValidationError, match="tautan simbolik"):
        with files.replacing(target, overwrite=True, field="keluaran") as partial:
            partial.file.write(b"isi")
            target.symlink_to(victim)  # planted while the file was being written
    assert victim.read_bytes() == VICTIM and target.is_symlink()
    assert leftovers(tmp_path) == []


# ------------------------------------------------------------------ ekspor


@POSIX
def test_ekspor_writes_through_no_planted_link(run, catat, tmp_path, victim):
    """Bug: `ekspor` saved to ``.monev-YYYY-MM.xlsx.PID.tmp`` in the target folder, following
    a link planted there: the workbook went into the victim's file."""
    catat()
    target = tmp_path / "monev-2026-11.xlsx"
    plant_old_temporary_names(target, victim)
    code, out, err = run("ekspor", "--bulan", "2026-11")
    assert code == 0, err
    assert victim.read_bytes() == VICTIM
    assert_private_regular_file(target)
    assert openpyxl.load_workbook(target).sheetnames[0] == "Ringkasan"


@POSIX
@pytest.mark.parametrize("timpa", [False, True], ids=["", "timpa"])
def test_ekspor_to_a_link_is_refused_even_with_timpa(run, catat, tmp_path, victim, timpa):
    catat()
    link = tmp_path / "bagikan.xlsx"
    link.symlink_to(victim)
    extra = ["--timpa"] if timpa else []
    assert_refused_link(*run("ekspor", "--bulan", "2026-11", "--keluaran", str(link), *extra), link)
    # the default name, planted in the folder the command runs in
    default = tmp_path / "monev-2026-11.xlsx"
    default.symlink_to(victim)
    assert_refused_link(*run("ekspor", "--bulan", "2026-11", *extra), default)
    assert victim.read_bytes() == VICTIM


@POSIX
def test_ekspor_to_a_dangling_link_is_refused(run, catat, tmp_path):
    catat()
    link = tmp_path / "hilang.xlsx"
    link.symlink_to(tmp_path / "tidak-ada" / "monev.xlsx")
    assert_refused_link(*run("ekspor", "--bulan", "2026-11", "--keluaran", str(link)), link)
    assert not (tmp_path / "tidak-ada").exists()


# ------------------------------------------------------------------ impor --templat


@POSIX
def test_template_to_a_link_is_refused_even_with_timpa(run, tmp_path, victim):
    """Bug: `impor --templat LINK --timpa` replaced the link (and so wrote where the user
    asked, but not into the file they meant); now a link is never written at."""
    link = tmp_path / "templat.xlsx"
    link.symlink_to(victim)
    assert_refused_link(*run("impor", "--templat", str(link), "--timpa"), link)
    assert_refused_link(*run("impor", "--templat", str(link)), link)
    assert victim.read_bytes() == VICTIM


@POSIX
def test_template_writes_despite_links_at_the_old_temporary_names(run, tmp_path, victim):
    """Bug: a link planted at ``.templat.xlsx.PID.tmp`` made `impor --templat` fail (its
    temporary name could be guessed, and so blocked)."""
    target = tmp_path / "templat.xlsx"
    plant_old_temporary_names(target, victim)
    code, out, err = run("impor", "--templat", str(target))
    assert code == 0, err
    assert_private_regular_file(target)
    assert openpyxl.load_workbook(target).sheetnames == ["Formulir", "Petunjuk"]
    assert victim.read_bytes() == VICTIM


# ------------------------------------------------------------------ cadangan


@POSIX
@pytest.mark.sqlite_only
def test_backup_to_a_link_is_refused_even_with_timpa(run, catat, tmp_path, victim):
    catat()
    link = tmp_path / "cadangan.db"
    link.symlink_to(victim)
    assert_refused_link(*run("cadangan", str(link), "--timpa"), link)
    assert victim.read_bytes() == VICTIM


@POSIX
@pytest.mark.sqlite_only
def test_backup_writes_despite_links_at_the_old_temporary_names(run, catat, tmp_path):
    """Bug: a dangling link planted at ``.NAME.PID.cadangan`` made `cadangan` fail."""
    catat()
    target = tmp_path / "cadangan.db"
    for suffix in ("tmp", "cadangan"):
        target.with_name(f".{target.name}.{os.getpid()}.{suffix}").symlink_to(
            tmp_path / "tidak-ada" / "x"
        )
    code, out, err = run("cadangan", str(target))
    assert code == 0, err
    assert_private_regular_file(target)
    assert not (tmp_path / "tidak-ada").exists()
