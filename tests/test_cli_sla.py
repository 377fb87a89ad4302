"""`lapor sla`, `profil`, `tunda`/`lanjut` and deadlines of `catat`, through the CLI (SPEC §3, §4).

Every date below is checked by hand on the 2026 Indonesian calendar (holidays package,
language "id", PUBLIC + GOVERNMENT):

    Mar 2026  Mo Tu We Th Fr Sa Su        18 Wed cuti bersama Nyepi, 19 Thu Hari Suci Nyepi,
               9 10 11 12 13 14 15        20 Fri cuti bersama Idul Fitri, 21-22 Idul Fitri
              16 17 18 19 20 21 22        (Sat/Sun), 23-24 Mon/Tue cuti bersama Idul Fitri.
              23 24 25 26 27 28 29
              30 31
    Nov 2026  Mo Tu We Th Fr Sa Su        no holiday in November.
               2  3  4  5  6  7  8
               9 10 11 12 13 14 15
              16 17 18 19 20 21 22
              23 24 25 26 27 28 29
              30
    Dec 2026  Mo Tu We Th Fr Sa Su        24 Thu cuti bersama Natal, 25 Fri Natal;
                  1  2  3  4  5  6        2027-01-01 (Fri) Tahun Baru.
               7  8  9 10 11 12 13
              ...
              21 22 23 24 25 26 27
              28 29 30 31
"""

from __future__ import annotations

import json
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

SLA_KEYS = {
    "nomor",
    "status",
    "batas_waktu",
    "sisa_hari_kerja",
    "terlambat",
    "tanda",
    "tahap",
    "tahap_batas",
    "siap_ditutup",
    "ditunda",
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


def lapor(*args: str, now: str | None = None, env: dict | None = None):
    env = dict(env or {})
    if now:
        env["LAPOR_WAKTU"] = now
    return runner.invoke(app, list(args), env=env or None)


def ok(*args: str, now: str | None = None, env: dict | None = None):
    result = lapor(*args, now=now, env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception,
        result.stderr,
    )
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result


def ok_json(*args: str, now: str | None = None, env: dict | None = None):
    result = ok(*args, "--json", now=now, env=env)
    return json.loads(result.stdout)  # exactly one JSON document, nothing else


def refused(*args: str, now: str | None = None, env: dict | None = None, contains: str = ""):
    result = lapor(*args, now=now, env=env)
    assert result.exit_code == 1, (args, result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    # one Indonesian line on stderr, no traceback (the exception was turned into exit 1)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.stderr.startswith("Ditolak: "), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert contains in result.stderr
    return result


def catat(
    diterima: str | None = None,
    *,
    kanal: str = "surat",
    jenis: str = "aduan",
    now: str | None = None,
    env: dict | None = None,
) -> dict:
    args = ["catat", "--kanal", kanal, "--jenis", jenis, "--uraian", "Bantuan PKH belum cair"]
    args += ["--nama", "Maria Bere"]
    if diterima is not None:
        args += ["--diterima", diterima, "--lama"]  # months back on purpose: confirmed
    return ok_json(*args, now=now, env=env)


def sla(*extra: str, now: str | None = None, env: dict | None = None) -> list[dict]:
    return ok_json("sla", *extra, now=now, env=env)


def sla_of(nomor: str, *extra: str, now: str | None = None, env: dict | None = None) -> dict:
    lines = {line["nomor"]: line for line in sla(*extra, now=now, env=env)}
    return lines[nomor]


def summary(stdout: str) -> str:
    """The summary above the table, whitespace normalised (Rich wraps it at the width)."""
    return " ".join(stdout.split("Nomor")[0].split())


# -- one register shared by the read-only tests (recording is the slow part) ---------------------

HAND_CHECKED = {
    # label: (diterima, batas_waktu)
    # Thu Nyepi: day 0 is Wed 25 Mar (20 cb, 21-22 weekend, 23-24 cb); 26, 27, Mon 30.
    "nyepi": ("2026-03-19", "2026-03-30"),
    # Fri 13 Mar is day 0; Mon 16 (1), Tue 17 (2), then 18-24 off; Wed 25 (3).
    "lebaran": ("2026-03-13", "2026-03-25"),
    "lebaran-dmy": ("13/03/2026", "2026-03-25"),  # day-first form
    "lebaran-sore": ("2026-03-13 16:45", "2026-03-25"),  # late in the day: still day 0
    # Wed 23 Dec is day 0; 24 cb, 25 Natal, weekend; Mon 28, Tue 29, Wed 30.
    "natal": ("2026-12-23", "2026-12-30"),
    # Saturday: day 0 is Mon 9 Mar; Tue 10, Wed 11, Thu 12.
    "sabtu": ("2026-03-07", "2026-03-12"),
    # Sunday 22 Mar (Idul Fitri day 2): day 0 Wed 25; Thu 26, Fri 27, Mon 30.
    "minggu-lebaran": ("2026-03-22", "2026-03-30"),
    # Mon 16 Feb cuti bersama Imlek, Tue 17 Imlek: day 0 Wed 18; Thu 19, Fri 20, Mon 23.
    "imlek": ("2026-02-16", "2026-02-23"),
    # Thu 14 May Kenaikan, Fri 15 cb: day 0 Wed 13; Mon 18, Tue 19, Wed 20.
    "kenaikan": ("2026-05-13", "2026-05-20"),
    # Ordinary Monday: 24, 25, 26.
    "senin": ("2026-11-23", "2026-11-26"),
    # Fri 20 Nov: Mon 23, Tue 24, Wed 25.
    "jumat": ("2026-11-20", "2026-11-25"),
    # Tue 29 Dec: Wed 30, Thu 31, Fri 1 Jan 2027 Tahun Baru, Mon 4 Jan 2027.
    "tahun-baru": ("2026-12-29", "2027-01-04"),
}
SHARED_NOW = "2026-12-31 10:00"


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A register with the hand-checked cases and one followed-up case; tests only read it."""
    home = tmp_path_factory.mktemp("shared")
    env = {
        "LAPOR_DB": str(home / "register.db"),
        "LAPOR_LEBAR": "120",
        "LAPOR_PETUGAS": "uji",
        "LAPOR_WAKTU": SHARED_NOW,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home),
        "APPDATA": str(home),
        "LAPOR_DATA": None,
    }
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(typer.testing, "_get_command", _cached_command, raising=False)
        cases = {label: catat(when, env=env) for label, (when, _) in HAND_CHECKED.items()}
        # a follow-up given on Tue 3 Nov 2026 and no reply since
        follow = catat(env=env, now="2026-11-02 09:00")["nomor"]
        ok("verifikasi", follow, "--kategori", "PKH", env=env, now="2026-11-02 10:00")
        ok("distribusi", follow, "--unit", "Sekretariat", env=env, now="2026-11-02 11:00")
        ok("tindaklanjut", follow, "--catatan", "Disurvei TKSK", env=env, now="2026-11-03 10:00")
    return {"env": env, "cases": cases, "followed_up": follow}


# -- deadlines given at catat --------------------------------------------------------------------


@pytest.mark.parametrize("label", list(HAND_CHECKED))
def test_catat_gives_hand_checked_deadline(shared: dict, label: str) -> None:
    case = shared["cases"][label]
    assert case["batas_waktu"] == HAND_CHECKED[label][1]
    assert case["sla"] == {
        "profil": "kemensos",
        "satuan": "hari_kerja",
        "nilai": 3,
        "perpanjangan": 0,
        "diperpanjang": False,
    }


def test_deadline_is_the_same_in_sla_daftar_and_lihat(shared: dict) -> None:
    env = shared["env"]
    expected = {c["nomor"]: c["batas_waktu"] for c in shared["cases"].values()}
    on_sla = {x["nomor"]: x["batas_waktu"] for x in sla(env=env)}
    on_daftar = {x["nomor"]: x["batas_waktu"] for x in ok_json("daftar", env=env)}
    for nomor, batas in expected.items():
        assert on_sla[nomor] == batas
        assert on_daftar[nomor] == batas
    nyepi = shared["cases"]["nyepi"]["nomor"]
    assert ok_json("lihat", nyepi, env=env)["batas_waktu"] == "2026-03-30"


def test_catat_in_the_future_is_refused_and_writes_nothing(_env: Path, fresh: None) -> None:
    refused("catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "x", "--nama", "B",
            "--diterima", "2026-11-24", contains="diterima")  # fmt: skip
    assert sla() == []
    # SPEC §4: a refused command writes nothing; the register is created on first write
    assert not _env.exists()


# -- sla --json ----------------------------------------------------------------------------------


def test_sla_json_shape_and_nothing_on_stderr() -> None:
    case = catat("2026-11-23")
    result = ok("sla", "--json")
    assert result.stderr == ""
    lines = json.loads(result.stdout)
    assert isinstance(lines, list) and len(lines) == 1
    line = lines[0]
    assert SLA_KEYS <= set(line)
    assert line["nomor"] == case["nomor"]
    assert line["status"] == "diterima"
    assert line["batas_waktu"] == "2026-11-26"
    assert line["sisa_hari_kerja"] == 3
    assert line["terlambat"] is False
    assert line["tanda"] == "aman"
    assert line["tahap"] == "verifikasi"
    assert line["tahap_batas"] == "2026-11-26"
    assert line["siap_ditutup"] is False
    assert line["ditunda"] is False


def test_sla_json_empty_register_is_an_empty_list(_env: Path, fresh: None) -> None:
    assert sla() == []
    assert not _env.exists()  # a reading command creates no register


@pytest.mark.parametrize(
    ("per", "sisa", "terlambat", "tanda"),
    [
        # received Mon 23 Nov, due Thu 26 Nov 23:59:59
        ("2026-11-23", 3, False, "aman"),
        ("2026-11-24", 2, False, "jatuh_tempo"),
        ("2026-11-25", 1, False, "jatuh_tempo"),
        ("2026-11-26", 0, False, "jatuh_tempo"),  # the due day itself: 0 left, not late
        ("2026-11-26 23:59", 0, False, "jatuh_tempo"),
        ("26/11/2026", 0, False, "jatuh_tempo"),
        ("26 November 2026", 0, False, "jatuh_tempo"),  # a bare date in words: end of day
        ("Kamis, 26 Nov 2026", 0, False, "jatuh_tempo"),
        ("26.11.2026 23.59", 0, False, "jatuh_tempo"),
        ("27-11-2026 00.00", -1, True, "terlambat"),
        ("2026-11-27 00:00", -1, True, "terlambat"),  # past the end of the due day
        ("2026-11-27", -1, True, "terlambat"),
        ("2026-11-28", -1, True, "terlambat"),  # Saturday: no working day passed
        ("2026-11-29", -1, True, "terlambat"),
        ("2026-11-30", -2, True, "terlambat"),
        ("2026-12-04", -6, True, "terlambat"),
    ],
)
def test_sla_per_counts_working_days(
    shared: dict, per: str, sisa: int, terlambat: bool, tanda: str
) -> None:
    nomor = shared["cases"]["senin"]["nomor"]
    line = sla_of(nomor, "--per", per, env=shared["env"])
    assert (line["batas_waktu"], line["sisa_hari_kerja"]) == ("2026-11-26", sisa)
    assert line["terlambat"] is terlambat
    assert line["tanda"] == tanda


@pytest.mark.parametrize(
    ("per", "sisa", "terlambat"),
    [
        # received Wed 23 Dec, due Wed 30 Dec
        ("2026-12-23", 3, False),  # 28, 29, 30 (24 cb and 25 Natal do not count)
        ("2026-12-24", 3, False),  # a holiday passed: nothing used up
        ("2026-12-27", 3, False),
        ("2026-12-28", 2, False),
        ("2026-12-30", 0, False),
        ("2026-12-31", -1, True),
        ("2027-01-01", -1, True),  # Tahun Baru 2027 is no working day
        ("2027-01-04", -2, True),
    ],
)
def test_sla_per_across_natal(shared: dict, per: str, sisa: int, terlambat: bool) -> None:
    nomor = shared["cases"]["natal"]["nomor"]
    line = sla_of(nomor, "--per", per, env=shared["env"])
    assert line["batas_waktu"] == "2026-12-30"
    assert (line["sisa_hari_kerja"], line["terlambat"]) == (sisa, terlambat)


@pytest.mark.parametrize(
    ("now", "sisa", "terlambat"),
    [
        ("2026-11-26 08:00", 0, False),
        ("2026-11-26 23:59", 0, False),
        ("2026-11-27 00:01", -1, True),
    ],
)
def test_sla_without_per_is_as_of_now(shared: dict, now: str, sisa: int, terlambat: bool) -> None:
    nomor = shared["cases"]["senin"]["nomor"]
    line = sla_of(nomor, now=now, env=shared["env"])
    assert (line["sisa_hari_kerja"], line["terlambat"]) == (sisa, terlambat)


def test_sla_per_bad_date_is_refused(shared: dict) -> None:
    refused("sla", "--per", "2026-13-45", "--json", env=shared["env"], contains="2026-13-45")


def _four_cases() -> dict[str, str]:
    """Recorded out of order; as of Mon 23 Nov 2026 10:00."""
    return {
        "aman": catat("2026-11-23")["nomor"],  # due Thu 26 Nov, 3 left
        "tempo": catat("2026-11-20")["nomor"],  # due Wed 25 Nov, 2 left
        "late_old": catat("2026-11-02")["nomor"],  # due Thu 5 Nov
        "late_new": catat("2026-11-10")["nomor"],  # due Fri 13 Nov
    }


def test_sla_sorts_overdue_first_then_due_soon_then_on_time() -> None:
    n = _four_cases()
    lines = sla()
    assert [line["nomor"] for line in lines] == [
        n["late_old"],
        n["late_new"],
        n["tempo"],
        n["aman"],
    ]
    assert [line["tanda"] for line in lines] == ["terlambat", "terlambat", "jatuh_tempo", "aman"]
    assert [line["batas_waktu"] for line in lines] == [
        "2026-11-05",
        "2026-11-13",
        "2026-11-25",
        "2026-11-26",
    ]
    # 5 Nov -> 23 Nov: 6, 9-13, 16-20, 23 = 12 working days late
    assert [line["sisa_hari_kerja"] for line in lines] == [-12, -6, 2, 3]


def test_sla_terlambat_filters_overdue_only() -> None:
    n = _four_cases()
    late = sla("--terlambat")
    assert [line["nomor"] for line in late] == [n["late_old"], n["late_new"]]
    assert all(line["terlambat"] for line in late)
    # as of 25 Nov the case due 25 Nov is not late yet; as of 26 Nov it is
    assert n["tempo"] not in {x["nomor"] for x in sla("--terlambat", "--per", "2026-11-25")}
    assert n["tempo"] in {x["nomor"] for x in sla("--terlambat", "--per", "2026-11-26")}
    # as of the first day nothing at all is late
    assert sla("--terlambat", "--per", "2026-11-02") == []


def test_sla_screen_has_summary_line_on_top() -> None:
    n = _four_cases()
    result = ok("sla")
    first = summary(result.stdout)
    assert result.stdout.startswith("Per Senin, 23 November 2026 10:00: 2 terlambat")
    assert "4 kasus terbuka" in first
    for nomor in n.values():
        assert nomor in result.stdout
    assert "terlambat" in result.stdout.split("Nomor")[1]  # the flag column too
    assert "{" not in result.stdout  # not JSON


def test_sla_screen_lists_the_most_urgent_and_counts_all() -> None:
    # Bug: the screen rendered every open case; 42,000 of them took 51 s to print.
    n = _four_cases()
    result = ok("sla", "--batas", "2")
    assert "4 kasus terbuka" in summary(result.stdout)
    assert n["late_old"] in result.stdout and n["late_new"] in result.stdout
    assert n["aman"] not in result.stdout
    assert "Menampilkan 2 kasus paling mendesak dari 4" in result.stdout
    assert [line["nomor"] for line in ok_json("sla", "--batas", "1")] == [n["late_old"]]
    assert len(ok_json("sla")) == 4  # scripts get every case unless they ask otherwise
    refused("sla", "--batas", "-1", contains="--batas")


def test_sla_screen_keeps_numbers_and_dates_whole_in_80_columns() -> None:
    n = _four_cases()
    result = ok("sla", env={"LAPOR_LEBAR": "80"})
    for nomor in n.values():
        assert nomor in result.stdout
    # kemensos: the verification stage (3 days) never comes before the case (3 days), so the
    # case's own deadline binds every row and no stage date is shown (issue 18 item 4)
    assert "05/11/2026" in result.stdout and "verifikasi" not in result.stdout
    assert max(len(line.rstrip()) for line in result.stdout.splitlines()[1:]) <= 80


def test_sla_screen_on_empty_register() -> None:
    first = summary(ok("sla").stdout)
    assert "0 terlambat" in first and "0 kasus terbuka" in first


def test_closed_cases_leave_the_list_and_keep_on_time_flag() -> None:
    late = catat("2026-11-02")["nomor"]  # due 5 Nov, closed 23 Nov: late
    timely = catat("2026-11-23")["nomor"]  # closed the same day
    archived = catat("2026-11-23")["nomor"]
    still_open = catat("2026-11-23")["nomor"]
    for nomor in (late, timely):
        ok("verifikasi", nomor, "--kategori", "PKH")
        ok("distribusi", nomor, "--jawaban-normatif", "Pencairan tahap 4 dijadwalkan Desember.")
    # an answered case is still open (waiting to be closed)
    assert sla_of(late)["status"] == "dijawab"
    for nomor in (late, timely):
        ok("tutup", nomor, "--hasil", "Sudah dijelaskan ke pelapor")
    ok("verifikasi", archived, "--kategori", "LAINNYA", "--bukan-kewenangan",
       "--alasan", "Kewenangan Dukcapil")  # fmt: skip
    assert [line["nomor"] for line in sla()] == [still_open]
    # not even once they would be late: only the open case is reported
    assert [line["nomor"] for line in sla("--terlambat", "--per", "2026-12-31")] == [still_open]
    assert ok_json("lihat", late)["tepat_waktu"] is False
    assert ok_json("lihat", timely)["tepat_waktu"] is True
    assert ok_json("lihat", late)["status"] == "selesai"


def test_stage_deadline_follows_the_status() -> None:
    nomor = catat("2026-11-23")["nomor"]
    line = sla_of(nomor)
    assert (line["tahap"], line["tahap_batas"]) == ("verifikasi", "2026-11-26")
    ok("verifikasi", nomor, "--kategori", "PKH", now="2026-11-24 09:00")
    ok("distribusi", nomor, "--unit", "Sekretariat", now="2026-11-24 10:00")
    line = sla_of(nomor, now="2026-11-24 11:00")
    # follow-up: 5 working days from Tue 24 Nov: 25, 26, 27, 30 Nov, 1 Dec
    assert line["status"] == "didisposisikan"
    assert (line["tahap"], line["tahap_batas"]) == ("tindak lanjut", "2026-12-01")
    assert line["batas_waktu"] == "2026-11-26"  # the case's own deadline is unchanged


# -- siap ditutup --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("per", "siap"),
    [
        # follow-up Tue 3 Nov; 10 working days later: 4,5,6,9,10,11,12,13,16,17 -> 17 Nov
        ("2026-11-13", False),
        ("2026-11-16", False),  # 9 working days
        ("2026-11-17", True),  # 10 working days
        ("2026-11-23", True),
    ],
)
def test_siap_ditutup_after_ten_working_days_without_reply(
    shared: dict, per: str, siap: bool
) -> None:
    nomor = shared["followed_up"]
    line = sla_of(nomor, "--per", per, env=shared["env"])
    assert line["status"] == "ditindaklanjuti"
    assert line["siap_ditutup"] is siap


def test_siap_ditutup_is_shown_on_screen(shared: dict) -> None:
    stdout = ok("sla", "--per", "2026-11-23", env=shared["env"]).stdout
    assert "1 siap ditutup" in summary(stdout)
    assert "siap ditutup" in stdout.split("Nomor")[1]


def test_new_follow_up_restarts_the_no_reply_clock() -> None:
    nomor = catat(now="2026-11-02 09:00")["nomor"]
    ok("verifikasi", nomor, "--kategori", "PKH", now="2026-11-02 10:00")
    ok("distribusi", nomor, "--unit", "Sekretariat", now="2026-11-02 11:00")
    ok("tindaklanjut", nomor, "--catatan", "Disurvei TKSK", now="2026-11-03 10:00")
    assert sla_of(nomor, "--per", "2026-11-17")["siap_ditutup"] is True
    ok("tindaklanjut", nomor, "--catatan", "Pelapor dihubungi lagi", now="2026-11-16 10:00")
    assert sla_of(nomor, "--per", "2026-11-23")["siap_ditutup"] is False
    assert sla_of(nomor, "--per", "2026-11-30")["siap_ditutup"] is True  # 16 Nov + 10 = 30 Nov


# -- sla NOMOR --jelaskan ------------------------------------------------------------------------


def test_jelaskan_across_nyepi_and_lebaran(shared: dict) -> None:
    nomor = shared["cases"]["lebaran"]["nomor"]
    view = ok_json("sla", nomor, "--jelaskan", "--per", "2026-03-20", env=shared["env"])
    assert view["nomor"] == nomor
    assert view["batas_waktu"] == "2026-03-25"
    assert view["aturan"] == "3 hari kerja"
    assert view["profil"] == "kemensos"
    days = {d["tanggal"]: (d["hari"], d["ke"], d["keterangan"]) for d in view["hari"]}
    assert list(days) == [f"2026-03-{d:02d}" for d in range(13, 26)]
    assert days["2026-03-13"][:2] == ("Jumat", 0)
    assert days["2026-03-14"] == ("Sabtu", None, "Sabtu")
    assert days["2026-03-15"] == ("Minggu", None, "Minggu")
    assert days["2026-03-16"][:2] == ("Senin", 1)
    assert days["2026-03-17"][:2] == ("Selasa", 2)
    assert days["2026-03-18"] == ("Rabu", None, "Cuti Bersama Hari Suci Nyepi")
    assert days["2026-03-19"] == ("Kamis", None, "Hari Suci Nyepi")
    assert days["2026-03-20"] == ("Jumat", None, "Cuti Bersama Hari Raya Idul Fitri")
    assert days["2026-03-21"][1] is None and "Idul Fitri" in days["2026-03-21"][2]
    assert days["2026-03-22"][1] is None and "Idul Fitri" in days["2026-03-22"][2]
    assert days["2026-03-23"] == ("Senin", None, "Cuti Bersama Hari Raya Idul Fitri")
    assert days["2026-03-24"] == ("Selasa", None, "Cuti Bersama Hari Raya Idul Fitri")
    assert days["2026-03-25"][:2] == ("Rabu", 3)
    assert "batas waktu" in days["2026-03-25"][2]
    # as of Fri 20 Mar: only Wed 25 is left
    assert view["sisa_hari_kerja"] == 1
    assert view["terlambat"] is False


def test_jelaskan_nyepi_receipt_starts_on_next_working_day(shared: dict) -> None:
    nomor = shared["cases"]["nyepi"]["nomor"]
    view = ok_json("sla", nomor, "--jelaskan", env=shared["env"])
    hari = view["hari"]
    assert hari[0] == {
        "tanggal": "2026-03-19",
        "hari": "Kamis",
        "ke": None,
        "keterangan": "Hari Suci Nyepi",
    }
    counted = [(d["tanggal"], d["ke"]) for d in hari if d["ke"] is not None]
    assert counted == [("2026-03-25", 0), ("2026-03-26", 1), ("2026-03-27", 2), ("2026-03-30", 3)]
    assert {d["keterangan"] for d in hari if d["tanggal"] in ("2026-03-28",)} == {"Sabtu"}
    assert view["batas_waktu"] == "2026-03-30"
    assert view["terlambat"] is True  # as of 31 Dec 2026


def test_jelaskan_screen(shared: dict) -> None:
    nomor = shared["cases"]["lebaran"]["nomor"]
    result = ok("sla", nomor, "--jelaskan", env=shared["env"])
    assert nomor in result.stdout
    assert "Hari Suci Nyepi" in result.stdout
    assert "Batas waktu: 2026-03-25" in result.stdout


def test_jelaskan_needs_a_case_and_a_known_one(shared: dict) -> None:
    refused("sla", "--jelaskan", env=shared["env"], contains="NOMOR")
    refused("sla", "DS-2026-09999", "--jelaskan", "--json", env=shared["env"])


# -- profil --------------------------------------------------------------------------------------


def test_profil_default_is_kemensos() -> None:
    view = ok_json("profil")
    assert view["nama"] == "kemensos"
    assert view["tahap"] == {
        "verifikasi": 3,
        "distribusi": 3,
        "tindaklanjut": 5,
        "tanpa_respons": 10,
    }
    assert ok("profil").stdout.startswith("kemensos")


def test_profil_daftar_lists_shipped_profiles() -> None:
    views = ok_json("profil", "--daftar")
    names = {v["nama"] for v in views}
    assert {"kemensos", "kota-kupang", "kab-karangasem"} <= names
    for view in views:
        assert view["judul"] and view["sumber"] and view["aturan"]


def test_profil_switch_applies_to_new_cases_only() -> None:
    before = catat("2026-11-23")
    assert before["batas_waktu"] == "2026-11-26"
    view = ok_json("profil", "kota-kupang")
    assert view["nama"] == "kota-kupang"
    assert ok_json("profil")["nama"] == "kota-kupang"
    # face to face: 15 minutes on the clock from receipt (now = Mon 23 Nov 10:00)
    face = catat(kanal="tatap-muka")
    assert face["diterima"] == "2026-11-23T10:00"
    assert face["batas_waktu"] == "2026-11-23T10:15"
    assert face["sla"]["satuan"] == "menit" and face["sla"]["nilai"] == 15
    # letter: 7 working days: 24, 25, 26, 27, 30 Nov, 1, 2 Dec
    letter = catat("2026-11-23", kanal="surat")
    assert letter["batas_waktu"] == "2026-12-02"
    # SP4N-LAPOR!: 8 working days
    portal = catat("2026-11-23", kanal="sp4n-lapor")
    assert portal["batas_waktu"] == "2026-12-03"
    # the case recorded before the switch keeps its 3 working days
    kept = ok_json("lihat", before["nomor"])
    assert kept["batas_waktu"] == "2026-11-26"
    assert kept["sla"]["profil"] == "kemensos" and kept["sla"]["nilai"] == 3
    assert sla_of(before["nomor"])["batas_waktu"] == "2026-11-26"


def test_profil_switch_message_on_stderr() -> None:
    result = ok("profil", "kab-karangasem")
    assert "kab-karangasem" in result.stderr
    # 1 working day from Wed 23 Dec: 24 cb, 25 Natal, weekend -> Mon 28 Dec
    assert catat("2026-12-23", now="2026-12-23 10:00")["batas_waktu"] == "2026-12-28"


def test_minute_deadline_runs_on_the_clock() -> None:
    ok("profil", "kota-kupang")
    # Saturday, and 23:50: the clock does not care about weekends or midnight
    sat = catat("2026-11-21 09:00", kanal="tatap-muka")
    assert sat["batas_waktu"] == "2026-11-21T09:15"
    late_evening = catat("2026-11-20 23:50", kanal="tatap-muka")
    assert late_evening["batas_waktu"] == "2026-11-21T00:05"
    fresh = catat("2026-11-23 09:50", kanal="tatap-muka")["nomor"]
    assert sla_of(fresh, now="2026-11-23 10:00")["terlambat"] is False
    assert sla_of(fresh, now="2026-11-23 10:05")["terlambat"] is False
    line = sla_of(fresh, now="2026-11-23 10:06")
    assert line["terlambat"] is True and line["batas_waktu"] == "2026-11-23T10:05"
    assert line["sisa_hari_kerja"] == -1  # same day, but late: negative (issue 18, item 5)


def test_profil_unknown_is_refused_and_nothing_changes() -> None:
    ok("profil", "kota-kupang")
    refused("profil", "tidak-ada", contains="tidak-ada")
    assert ok_json("profil")["nama"] == "kota-kupang"


def test_profil_name_is_case_insensitive() -> None:
    assert ok_json("profil", "Kota-Kupang")["nama"] == "kota-kupang"
    assert catat("2026-11-23", kanal="surat")["sla"]["profil"] == "kota-kupang"


# -- tunda / lanjut ------------------------------------------------------------------------------


def test_tunda_lanjut_moves_the_deadline_by_paused_working_days() -> None:
    nomor = catat(now="2026-11-02 09:00")["nomor"]  # Mon 2 Nov, due Thu 5 Nov
    paused = ok_json("tunda", nomor, "--alasan", "Menunggu fotokopi KK", now="2026-11-03 09:00")
    assert paused["batas_waktu"] == "2026-11-05"  # nothing paused yet on the day itself
    # still paused as of Thu 5 Nov: Wed 4 and Thu 5 frozen -> due Mon 9 Nov
    line = sla_of(nomor, "--per", "2026-11-05", now="2026-11-05 12:00")
    assert line["ditunda"] is True
    assert line["batas_waktu"] == "2026-11-09"
    assert line["terlambat"] is False
    # resumed Fri 6 Nov: 4, 5, 6 frozen -> 3 + 3 working days after Mon 2 Nov = Tue 10 Nov
    resumed = ok_json("lanjut", nomor, now="2026-11-06 09:00")
    assert resumed["batas_waktu"] == "2026-11-10"
    line = sla_of(nomor, "--per", "2026-11-09", now="2026-11-09 12:00")
    assert line["ditunda"] is False
    assert (line["batas_waktu"], line["sisa_hari_kerja"], line["terlambat"]) == (
        "2026-11-10",
        1,
        False,
    )
    # a closed pause stays the same later on
    line = sla_of(nomor, now="2026-11-23 10:00")
    assert (line["batas_waktu"], line["terlambat"]) == ("2026-11-10", True)
    assert ok_json("lihat", nomor)["batas_waktu"] == "2026-11-10"


def test_tunda_across_a_holiday_counts_working_days_only() -> None:
    # Wed 23 Dec, due Wed 30 Dec; paused Wed 23 -> Mon 28 Dec: 24, 25 off, only 28 frozen
    nomor = catat(now="2026-12-23 09:00")["nomor"]
    ok("tunda", nomor, "--alasan", "Menunggu surat keterangan desa", now="2026-12-23 10:00")
    resumed = ok_json("lanjut", nomor, now="2026-12-28 09:00")
    assert resumed["batas_waktu"] == "2026-12-31"


def test_tunda_history_and_refusals() -> None:
    nomor = catat(now="2026-11-02 09:00")["nomor"]
    refused("lanjut", nomor, now="2026-11-02 10:00", contains="tidak sedang ditunda")
    refused("tunda", nomor, now="2026-11-02 10:00", contains="alasan")
    ok("tunda", nomor, "--alasan", "Menunggu KTP", now="2026-11-03 09:00")
    refused("tunda", nomor, "--alasan", "lagi", now="2026-11-04 09:00", contains="sudah ditunda")
    ok("lanjut", nomor, now="2026-11-06 09:00")
    refused("lanjut", nomor, now="2026-11-06 10:00", contains="tidak sedang ditunda")
    refused("tunda", "DS-2026-09999", "--alasan", "x")
    riwayat = ok_json("lihat", nomor)["riwayat"]
    assert [e["aksi"] for e in riwayat] == ["catat", "tunda", "lanjut"]
    tunda, lanjut = riwayat[1], riwayat[2]
    assert tunda["waktu"] == "2026-11-03T09:00" and "Menunggu KTP" in tunda["catatan"]
    assert lanjut["waktu"] == "2026-11-06T09:00"
    assert tunda["oleh"] == "uji"
    assert tunda["dari"] == tunda["ke"] == "diterima"


def test_tunda_closed_case_is_refused() -> None:
    nomor = catat("2026-11-23")["nomor"]
    ok("verifikasi", nomor, "--kategori", "PKH")
    ok("distribusi", nomor, "--jawaban-normatif", "Sudah dijelaskan.")
    ok("tutup", nomor, "--hasil", "Selesai")
    refused("tunda", nomor, "--alasan", "KTP", contains="selesai")
    assert [e["aksi"] for e in ok_json("lihat", nomor)["riwayat"]][-1] == "tutup"


def test_tunda_screen_says_new_deadline() -> None:
    nomor = catat(now="2026-11-02 09:00")["nomor"]
    result = ok("tunda", nomor, "--alasan", "KTP", now="2026-11-03 09:00")
    assert result.stdout.strip() == nomor
    assert "Ditunda: KTP" in result.stderr and "5 November 2026" in result.stderr
