"""`lapor libur`, `libur tambah`, `libur hapus` through the CLI (SPEC §3, §4).

Hand-checked 2026 calendar (holidays package, language "id"):

    Apr 2026  Mo Tu We Th Fr Sa Su     3 Fri Wafat Yesus Kristus, 5 Sun Paskah.
                      1  2  3  4  5    A case received Mon 13 Apr is due Thu 16 Apr (14, 15,
               6  7  8  9 10 11 12    16); with an office day off on Tue 14 Apr it is due
              13 14 15 16 17 18 19    Fri 17 Apr.
              20 21 22 23 24 25 26
    Dec 2026  21 22 23 24 25 26 27     24 Thu cuti bersama Natal, 25 Fri Natal. A case received
              28 29 30 31              Wed 23 Dec is due Wed 30 Dec; with 24 Dec a working day,
                                       Tue 29 Dec (24, 28, 29).
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
import typer.main
import typer.testing
from typer.testing import CliRunner

from conftest import _cached_command, copy_register
from lapor_cli.cli import app
from lapor_cli.db import open_register

NOW = "2026-11-23 10:00"  # Monday
runner = CliRunner()

LIBUR_2026 = {
    "2026-01-01": "nasional",
    "2026-01-16": "nasional",
    "2026-02-16": "cuti_bersama",
    "2026-02-17": "nasional",
    "2026-03-18": "cuti_bersama",
    "2026-03-19": "nasional",
    "2026-03-20": "cuti_bersama",
    "2026-03-21": "nasional",
    "2026-03-22": "nasional",
    "2026-03-23": "cuti_bersama",
    "2026-03-24": "cuti_bersama",
    "2026-04-03": "nasional",
    "2026-04-05": "nasional",
    "2026-05-01": "nasional",
    "2026-05-14": "nasional",
    "2026-05-15": "cuti_bersama",
    "2026-05-27": "nasional",
    "2026-05-28": "cuti_bersama",
    "2026-05-31": "nasional",
    "2026-06-01": "nasional",
    "2026-06-16": "nasional",
    "2026-08-17": "nasional",
    "2026-08-25": "nasional",
    "2026-12-24": "cuti_bersama",
    "2026-12-25": "nasional",
}


@pytest.fixture(scope="module")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty, migrated register, made once: creating one (migrations, fsync) is slow."""
    path = tmp_path_factory.mktemp("template") / "register.db"
    open_register(str(path), write=True).engine.dispose()
    return path


@pytest.fixture
def fresh() -> None:
    """Requested by a test that needs the register not to exist yet."""


@pytest.fixture(autouse=True)
def _env(
    isolated_register: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    _template: Path,
) -> Path:
    """conftest isolates the register, home and clock; this module's width and officer, and
    the empty register copied in (unless the test wants none)."""
    monkeypatch.setenv("LAPOR_LEBAR", "120")
    monkeypatch.setenv("LAPOR_PETUGAS", "uji")
    monkeypatch.setattr(typer.testing, "_get_command", _cached_command, raising=False)
    if "fresh" not in request.fixturenames:
        copy_register(_template, isolated_register)
    return isolated_register


# -- helpers -------------------------------------------------------------------------------------


def lapor(*args: str, now: str | None = None):
    return runner.invoke(app, list(args), env={"LAPOR_WAKTU": now} if now else None)


def ok(*args: str, now: str | None = None):
    result = lapor(*args, now=now)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception,
        result.stderr,
    )
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result


def ok_json(*args: str, now: str | None = None):
    return json.loads(ok(*args, "--json", now=now).stdout)


def dump(db: Path) -> str:
    """The register's whole content, to show that a refused command wrote nothing."""
    with closing(sqlite3.connect(db)) as conn:
        return "\n".join(conn.iterdump())


def refused(db: Path, *args: str, contains: str = "", now: str | None = None):
    """Exit 1, nothing written, then one `Ditolak:` line on stderr and no traceback."""
    before = dump(db) if db.exists() else None
    result = lapor(*args, now=now)
    assert result.exit_code == 1, (args, result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    assert (dump(db) if db.exists() else None) == before
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"uncaught {result.exception!r}: a traceback instead of a one-line refusal"
    )
    assert result.stderr.startswith("Ditolak: "), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert contains in result.stderr
    return result


def catat(diterima: str, *, now: str | None = None) -> dict:
    return ok_json(
        "catat", "--kanal", "whatsapp", "--jenis", "aduan", "--uraian", "BPNT tidak cair",
        "--nama", "Yohanes Tefa", "--diterima", diterima, "--lama", now=now,
    )  # fmt: skip


def batas(nomor: str) -> str:
    return ok_json("lihat", nomor)["batas_waktu"]


def libur(year: int = 2026) -> dict[str, dict]:
    return {d["tanggal"]: d for d in ok_json("libur", "--tahun", str(year))}


# -- listing -------------------------------------------------------------------------------------


def test_libur_2026_json_lists_every_day_with_its_source() -> None:
    days = libur(2026)
    assert {d: v["sumber"] for d, v in days.items()} == LIBUR_2026
    nyepi = days["2026-03-19"]
    assert nyepi["keterangan"] == "Hari Suci Nyepi"
    assert nyepi["hari"] == "Kamis"
    assert nyepi["sk"] is None
    assert isinstance(nyepi["perkiraan"], bool)
    assert days["2026-03-18"]["keterangan"] == "Cuti Bersama Hari Suci Nyepi"
    assert days["2026-03-23"]["keterangan"] == "Cuti Bersama Hari Raya Idul Fitri"
    assert days["2026-12-24"]["keterangan"] == "Cuti Bersama Hari Raya Natal"
    assert days["2026-12-25"]["hari"] == "Jumat"
    assert list(days) == sorted(days)


def test_libur_defaults_to_the_current_year() -> None:
    assert ok_json("libur") == ok_json("libur", "--tahun", "2026")
    days = ok_json("libur", now="2027-02-01 09:00")
    assert days and all(d["tanggal"].startswith("2027-") for d in days)
    assert "2027-01-01" in {d["tanggal"] for d in days}


def test_libur_reading_creates_no_register(_env: Path, fresh: None) -> None:
    libur(2026)
    assert not _env.exists()


def test_libur_screen() -> None:
    result = ok("libur", "--tahun", "2026")
    assert "Hari libur 2026" in result.stdout
    assert "19/03/2026" in result.stdout and "Hari Suci Nyepi" in result.stdout
    assert "libur nasional" in result.stdout and "cuti bersama" in result.stdout
    assert result.stderr == ""  # 2026's cuti bersama are known


def test_libur_year_without_known_cuti_bersama_warns() -> None:
    result = ok("libur", "--tahun", "2028")
    assert "Cuti bersama 2028 belum diketahui" in result.stderr
    assert "libur tambah" in result.stderr
    assert result.stdout.startswith("Hari libur 2028")
    assert ok("libur", "--tahun", "2027").stderr == ""
    days = ok_json("libur", "--tahun", "2028")
    assert days and {d["sumber"] for d in days} == {"nasional"}


def test_catat_with_deadline_in_unknown_cuti_bersama_year_warns() -> None:
    result = lapor(
        "catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "x", "--nama", "B", "--json",
        now="2028-03-01 10:00",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["batas_waktu"] == "2028-03-06"  # Wed 1 -> Mon 6 Mar 2028
    assert "Cuti bersama tahun 2028 belum diketahui" in result.stderr


def test_libur_year_out_of_range_is_refused(_env: Path) -> None:
    refused(_env, "libur", "--tahun", "1900", "--json", contains="1900")


# -- libur tambah --------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["14 April 2026", "14 Apr 2026", "14-04-2026", "14.04.2026"])
def test_libur_tambah_takes_the_date_as_desks_write_it(typed: str) -> None:
    ok("libur", "tambah", typed, "HUT Kota")
    assert libur(2026)["2026-04-14"]["keterangan"] == "HUT Kota"
    ok("libur", "hapus", typed)
    assert "2026-04-14" not in libur(2026)


def test_libur_tambah_hari_ini_is_the_office_clocks_day() -> None:
    ok("libur", "tambah", "hari ini", "Kantor tutup", now="2026-11-24 07:30")
    assert libur(2026)["2026-11-24"]["keterangan"] == "Kantor tutup"


def test_libur_tambah_moves_new_and_existing_deadlines() -> None:
    before = catat("2026-04-13")["nomor"]
    assert batas(before) == "2026-04-16"
    result = ok("libur", "tambah", "2026-04-14", "HUT Kota", "--sk", "12/2026")
    assert result.stdout == ""
    assert "Libur kantor ditambahkan" in result.stderr and "14 April 2026" in result.stderr
    # a case recorded afterwards
    assert catat("2026-04-13")["batas_waktu"] == "2026-04-17"
    # and the one recorded before: deadlines follow the calendar as it stands now
    assert batas(before) == "2026-04-17"
    assert {x["nomor"]: x["batas_waktu"] for x in ok_json("sla")}[before] == "2026-04-17"
    day = libur(2026)["2026-04-14"]
    assert day == {
        "tanggal": "2026-04-14",
        "hari": "Selasa",
        "keterangan": "HUT Kota",
        "sumber": "kantor",
        "perkiraan": False,
        "sk": "12/2026",
    }
    explained = {d["tanggal"]: d for d in ok_json("sla", before, "--jelaskan")["hari"]}
    assert explained["2026-04-14"]["ke"] is None
    assert explained["2026-04-14"]["keterangan"] == "HUT Kota"
    screen = ok("libur", "--tahun", "2026").stdout
    assert "HUT Kota" in screen and "SK 12/2026" in screen


def test_libur_hapus_of_office_day_moves_deadline_back() -> None:
    nomor = catat("2026-04-13")["nomor"]
    ok("libur", "tambah", "2026-04-14", "HUT Kota", "--sk", "12/2026")
    assert batas(nomor) == "2026-04-17"
    result = ok("libur", "hapus", "14/04/2026")
    assert "dihapus" in result.stderr
    assert batas(nomor) == "2026-04-16"
    assert "2026-04-14" not in libur(2026)
    assert libur(2026).keys() == LIBUR_2026.keys()


def test_libur_hapus_of_package_day_makes_a_working_day() -> None:
    nomor = catat("2026-12-23", now="2026-12-23 10:00")["nomor"]
    assert batas(nomor) == "2026-12-30"
    result = ok("libur", "hapus", "2026-12-24", "--keterangan", "SKB perubahan")
    assert "kini hari kerja" in result.stderr
    # 24 Dec now counts: Thu 24 (1), Mon 28 (2), Tue 29 (3)
    assert batas(nomor) == "2026-12-29"
    assert "2026-12-24" not in libur(2026)
    assert "2026-12-25" in libur(2026)  # Natal itself untouched
    # as of a moment after its receipt (before it, the case did not exist yet: refused)
    view = ok_json("sla", nomor, "--jelaskan", now="2026-12-23 12:00")
    counted = {d["tanggal"]: d["ke"] for d in view["hari"]}
    assert counted["2026-12-24"] == 1
    # and it can be a day off again (e.g. the decree is moved back)
    ok("libur", "tambah", "2026-12-24", "Cuti Bersama Natal (SKB baru)")
    assert batas(nomor) == "2026-12-30"
    assert libur(2026)["2026-12-24"]["sumber"] == "kantor"


def test_libur_hapus_twice_is_refused(_env: Path) -> None:
    ok("libur", "hapus", "2026-12-24")
    refused(_env, "libur", "hapus", "2026-12-24", contains="24/12/2026")


@pytest.mark.parametrize("day", ["2026-04-15", "2026-04-18"])  # a Wednesday, a Saturday
def test_libur_hapus_of_an_ordinary_day_is_refused(_env: Path, day: str) -> None:
    nomor = catat("2026-04-13")["nomor"]
    refused(_env, "libur", "hapus", day, contains="bukan hari libur")
    assert batas(nomor) == "2026-04-16"
    assert libur(2026).keys() == LIBUR_2026.keys()


def test_libur_tambah_twice_is_refused(_env: Path) -> None:
    ok("libur", "tambah", "2026-04-14", "HUT Kota", "--sk", "12/2026")
    refused(_env, "libur", "tambah", "2026-04-14", "HUT Kota lagi", contains="HUT Kota")
    assert libur(2026)["2026-04-14"]["keterangan"] == "HUT Kota"


@pytest.mark.parametrize(
    "args",
    [
        ("libur", "tambah", "2026-02-30", "Tanggal salah"),
        ("libur", "tambah", "2026-04-14", "   "),
        ("libur", "hapus", "31/11/2026"),
        ("libur", "hapus", "lusa"),
    ],
)
def test_libur_bad_input_is_refused(_env: Path, args: tuple[str, ...]) -> None:
    refused(_env, *args)


def test_refused_libur_on_a_fresh_machine_creates_no_register(_env: Path, fresh: None) -> None:
    refused(_env, "libur", "hapus", "2026-04-15")
    assert not _env.exists()
