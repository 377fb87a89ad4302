"""SLA profiles, rule choice, deadlines, flags, explanations and pauses."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

import lapor_cli.resources
from lapor_cli.errors import NotFoundError, ValidationError
from lapor_cli.holiday_calendar import NonWorkingDay, package_days
from lapor_cli.profiles import DEFAULT_PROFILE, load_profile, load_profiles, parse_profile
from lapor_cli.sla import (
    AMAN,
    END_OF_DAY,
    HARI_KERJA,
    MENIT,
    SEGERA,
    TERLAMBAT,
    Rule,
    deadline,
    explain,
    flag,
    paused_workdays,
    remaining_workdays,
)
from lapor_cli.workdays import WorkCalendar

SHIPPED = {"kemensos", "kemensos-uu14", "kota-kupang", "kab-karangasem", "permenpan-62"}
THREE = Rule(HARI_KERJA, 3)


@pytest.fixture(autouse=True)
def office_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Profiles come from the package and from a temporary office folder only."""
    office = tmp_path / "kantor"
    (office / "sla").mkdir(parents=True)
    monkeypatch.setenv("LAPOR_DATA", str(office))
    monkeypatch.setattr(lapor_cli.resources, "app_dir", lambda: tmp_path / "app")
    return office


@pytest.fixture(scope="module")
def days() -> list[NonWorkingDay]:
    return package_days(2026) + package_days(2027)


@pytest.fixture(scope="module")
def cal(days: list[NonWorkingDay]) -> WorkCalendar:
    return WorkCalendar(d.tanggal for d in days)


@pytest.fixture(scope="module")
def names(days: list[NonWorkingDay]) -> dict[date, str]:
    return {d.tanggal: d.keterangan for d in days}


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / "sla" / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


# -- profiles ------------------------------------------------------------------------------------


def test_shipped_profiles_load() -> None:
    profiles = load_profiles()
    assert set(profiles) >= SHIPPED
    assert DEFAULT_PROFILE in profiles
    for profile in profiles.values():
        assert profile.sumber and profile.judul
        assert profile.workweek == (0, 1, 2, 3, 4)
        assert profile.cuti_bersama_libur
        assert (profile.tahap_verifikasi, profile.tahap_tindaklanjut) == (3, 5)
        assert profile.tanpa_respons == 10


def test_kemensos_is_three_days_for_everything() -> None:
    profile = load_profile("kemensos")
    for kanal in ("tatap-muka", "surat", "sp4n-lapor", "whatsapp"):
        for jenis in ("aduan", "aspirasi", "informasi"):
            assert profile.rule_for(kanal, jenis).nilai == 3
            assert profile.rule_for(kanal, jenis).satuan == HARI_KERJA


def test_kota_kupang_per_channel() -> None:
    profile = load_profile("Kota-Kupang")
    assert profile.rule_for("tatap-muka", "aduan") == Rule(
        MENIT, 15, keterangan="Pengaduan tatap muka langsung"
    )
    assert profile.rule_for("kotak-saran", "aspirasi").nilai == 7
    assert profile.rule_for("SURAT", "aduan").nilai == 7
    assert profile.rule_for("sp4n-lapor", "aduan").nilai == 8
    assert profile.rule_for("email", "aduan").nilai == 7  # the documented fallback


def test_karangasem_one_day_and_uu14_information() -> None:
    assert load_profile("kab-karangasem").rule_for("surat", "aduan").nilai == 1
    uu14 = load_profile("kemensos-uu14")
    info = uu14.rule_for("email", "informasi")
    assert (info.nilai, info.perpanjangan) == (10, 7)
    assert uu14.rule_for("email", "aduan").nilai == 3


def test_unknown_profile_lists_the_known_ones() -> None:
    with pytest.raises(NotFoundError) as caught:
        load_profile("kemensoss")
    message = caught.value.message
    assert "kemensoss" in message and "tidak dikenal" in message
    assert all(name in message for name in SHIPPED)


def test_office_copy_overrides_and_adds(office_dir: Path) -> None:
    write(
        office_dir,
        "kemensos",
        'judul = "Salinan kantor"\nsumber = "SOP kantor"\nhari_kerja = [1, 2, 3, 4, 5, 6]\n'
        "[[aturan]]\nhari_kerja = 5\n",
    )
    write(office_dir, "dinsos-lokal", 'judul = "Lokal"\nsumber = "SOP"\n[[aturan]]\nmenit = 30\n')
    profile = load_profile("kemensos")
    assert profile.judul == "Salinan kantor"
    assert profile.workweek == (0, 1, 2, 3, 4, 5)
    assert profile.rule_for("surat", "aduan").nilai == 5
    assert profile.path is not None and profile.path.parent.parent == office_dir
    assert set(load_profiles()) == SHIPPED | {"dinsos-lokal"}


SPECIFIC = """
judul = "Uji"
sumber = "Uji"
[[aturan]]
hari_kerja = 14
keterangan = "cadangan"
[[aturan]]
kanal = "surat"
hari_kerja = 5
keterangan = "surat"
[[aturan]]
jenis = "aduan"
hari_kerja = 6
keterangan = "aduan (seri dengan surat, kalah urutan)"
[[aturan]]
kanal = ["surat", "email"]
jenis = "aduan"
hari_kerja = 2
keterangan = "surat/email aduan"
[[aturan]]
kategori = "dtks"
segera = true
hari_kerja = 1
keterangan = "DTKS mendesak"
[[aturan]]
segera = false
hari_kerja = 60
keterangan = "tidak mendesak"
"""


def test_most_specific_rule_wins(office_dir: Path) -> None:
    profile = parse_profile(write(office_dir, "uji", SPECIFIC))

    def note(kanal: str, jenis: str, kategori: str | None = None, segera: bool = False) -> str:
        return profile.rule_for(kanal, jenis, kategori, segera).keterangan

    assert note("surat", "aduan") == "surat/email aduan"  # 2 keys beat 1
    assert note("email", "aduan") == "surat/email aduan"
    assert note("surat", "aspirasi") == "surat"  # kanal (1 key) before jenis (1 key): first
    assert note("telepon", "aduan") == "aduan (seri dengan surat, kalah urutan)"
    assert note("telepon", "aduan", "DTKS", segera=True) == "DTKS mendesak"
    assert note("telepon", "aspirasi", "DTKS") == "tidak mendesak"
    assert note("telepon", "aspirasi", None, segera=True) == "cadangan"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('judul = "x"\nsumber = "y"\n[[aturan]]\nkanal = "surat"\nhari_kerja = 3\n', "cadangan"),
        ('judul = "x"\nsumber = "y"\n[[aturan]]\nkanall = "surat"\nhari_kerja = 3\n', "kanall"),
        ('judul = "x"\nsumber = "y"\n[[aturan]]\nkanal = "pos"\nhari_kerja = 3\n', "'pos'"),
        ('judul = "x"\nsumber = "y"\n[[aturan]]\nhari_kerja = 3\nmenit = 5\n', "tepat satu"),
        ('judul = "x"\nsumber = "y"\n[[aturan]]\nhari_kerja = -1\n', "bilangan bulat"),
        ('judul = "x"\nsumber = "y"\n[[aturan]]\nmenit = 5\nperpanjangan = 2\n', "menit"),
        ('judul = "x"\nsumber = "y"\n[[aturan]]\nhari_kerja = true\n', "bilangan bulat"),
        ('judul = "x"\nsumber = "y"\nhari_kerja = [0, 1]\n[[aturan]]\nhari_kerja = 1\n', "ISO"),
        ('nama = "lain"\njudul = "x"\nsumber = "y"\n[[aturan]]\nhari_kerja = 1\n', "nama"),
        ('sumber = "y"\n[[aturan]]\nhari_kerja = 1\n', "judul"),
        (
            'judul = "x"\nsumber = "y"\n[tahap]\nverifkasi = 3\n[[aturan]]\nhari_kerja = 1\n',
            "tahap",
        ),
        ('judul = "x"\nsumber = "y\n', "TOML"),
    ],
)
def test_invalid_profiles_are_refused_naming_the_file(
    office_dir: Path, text: str, words: str
) -> None:
    path = write(office_dir, "rusak", text)
    with pytest.raises(ValidationError) as caught:
        load_profile("rusak")
    assert str(path) in caught.value.message
    assert words in caught.value.message
    with pytest.raises(ValidationError):
        load_profiles()  # one broken office file is reported, not skipped


def test_profile_calendar_can_work_on_cuti_bersama(
    office_dir: Path, days: list[NonWorkingDay]
) -> None:
    text = 'judul = "x"\nsumber = "y"\ncuti_bersama_libur = false\n[[aturan]]\nhari_kerja = 3\n'
    open_on_leave = parse_profile(write(office_dir, "pelayanan", text)).work_calendar(days)
    assert open_on_leave.is_workday(date(2026, 3, 20))  # cuti bersama Idul Fitri
    assert not open_on_leave.is_workday(date(2026, 3, 19))  # Nyepi stays a day off
    assert not load_profile("kemensos").work_calendar(days).is_workday(date(2026, 3, 20))


# -- deadlines ------------------------------------------------------------------------------------


def test_deadline_in_working_days_ends_the_day(cal: WorkCalendar) -> None:
    received = datetime(2026, 3, 19, 8, 30)  # Nyepi: day 0 is Wed 25 March
    assert deadline(received, THREE, cal) == datetime(2026, 3, 30, 23, 59, 59)
    assert deadline(received, THREE, cal).time() == END_OF_DAY


def test_deadline_keeps_the_time_zone(cal: WorkCalendar) -> None:
    wita = timezone(timedelta(hours=8))
    due = deadline(datetime(2026, 3, 13, 9, 0, tzinfo=wita), THREE, cal)
    assert due == datetime(2026, 3, 25, 23, 59, 59, tzinfo=wita)


def test_deadline_in_minutes_runs_on_the_clock(cal: WorkCalendar) -> None:
    rule = Rule(MENIT, 15)
    # Even on a holiday and across midnight; pauses do not apply.
    assert deadline(datetime(2026, 3, 19, 10, 0), rule, cal) == datetime(2026, 3, 19, 10, 15)
    assert deadline(datetime(2026, 3, 2, 23, 50), rule, cal, 4) == datetime(2026, 3, 3, 0, 5)


def test_extension_and_pauses_add_working_days(cal: WorkCalendar) -> None:
    info = Rule(HARI_KERJA, 10, perpanjangan=7)
    received = datetime(2026, 3, 2, 9, 0)  # Monday: day 0
    # 3, 4, 5, 6, 9, 10, 11, 12, 13, 16 (10); extended: 17 (11), 18–24 off, 25, 26, 27, 30,
    # 31 and Wed 1 April (17).
    assert deadline(received, info, cal).date() == date(2026, 3, 16)
    assert deadline(received, info, cal, extended=True).date() == date(2026, 4, 1)
    assert deadline(received, THREE, cal, paused_workdays=2).date() == date(2026, 3, 9)


def test_remaining_workdays_signs(cal: WorkCalendar) -> None:
    due = date(2026, 3, 30)
    assert remaining_workdays(date(2026, 3, 19), due, cal) == 4  # 25, 26, 27, 30
    assert remaining_workdays(date(2026, 3, 27), due, cal) == 1
    assert remaining_workdays(datetime(2026, 3, 30, 15, 0), due, cal) == 0
    assert remaining_workdays(date(2026, 3, 31), due, cal) == -1
    # 31 March, 1 and 2 April, (Fri 3 April Wafat Yesus Kristus, weekend), Mon 6 April.
    assert remaining_workdays(date(2026, 4, 6), due, cal) == -4


def test_flag() -> None:
    due = datetime(2026, 3, 30, 23, 59, 59)
    assert flag(datetime(2026, 3, 31, 0, 0), due, -1) == TERLAMBAT
    assert flag(datetime(2026, 3, 30, 16, 0), due, 0) == SEGERA
    assert flag(datetime(2026, 3, 26, 8, 0), due, 2) == SEGERA
    assert flag(datetime(2026, 3, 25, 8, 0), due, 3) == AMAN
    assert flag(datetime(2026, 3, 25, 8, 0), due, 3, soon=3) == SEGERA
    # A deadline in minutes is overdue on the same day, remaining 0.
    assert flag(datetime(2026, 3, 2, 10, 16), datetime(2026, 3, 2, 10, 15), 0) == TERLAMBAT


# -- explanations and pauses ---------------------------------------------------------------------


def test_explain_across_nyepi_and_lebaran(cal: WorkCalendar, names: dict[date, str]) -> None:
    lines = explain(datetime(2026, 3, 19, 8, 30), THREE, cal, names)
    table = [(line.tanggal.day, line.ke, line.keterangan) for line in lines]
    assert table == [
        (19, None, "Hari Suci Nyepi"),
        (20, None, "Cuti Bersama Hari Raya Idul Fitri"),
        (21, None, "Hari Raya Idul Fitri"),
        (22, None, "Hari kedua dari Hari Raya Idul Fitri"),
        (23, None, "Cuti Bersama Hari Raya Idul Fitri"),
        (24, None, "Cuti Bersama Hari Raya Idul Fitri"),
        (25, 0, "hari kerja pertama sejak diterima"),
        (26, 1, ""),
        (27, 2, ""),
        (28, None, "Sabtu"),
        (29, None, "Minggu"),
        (30, 3, "batas waktu, pukul 23:59:59"),
    ]
    assert lines[0].hari == "Kamis"
    assert str(lines[0]).startswith("Kamis, 19/03/2026")


def test_explain_without_names_and_with_a_pause(cal: WorkCalendar) -> None:
    received = datetime(2026, 3, 13, 10, 0)
    pause = (date(2026, 3, 16), date(2026, 3, 17))  # resumed on Tue 17: that day is frozen
    lines = explain(received, THREE, cal, {}, [pause])
    assert lines[0].keterangan == "diterima" and lines[0].ke == 0
    assert [(line.tanggal.day, line.ke) for line in lines if line.ke is not None] == [
        (13, 0),
        (16, 1),
        (25, 2),
        (26, 3),
    ]
    by_day = {line.tanggal.day: line.keterangan for line in lines}
    assert by_day[17] == "ditunda"
    assert by_day[19] == "hari libur"  # no name given for Nyepi
    assert by_day[14] == "Sabtu"
    assert lines[-1].tanggal == deadline(received, THREE, cal, 1).date()


def test_explain_minutes(cal: WorkCalendar) -> None:
    (line,) = explain(datetime(2026, 3, 19, 10, 0), Rule(MENIT, 15), cal, {})
    assert line.ke is None
    assert "15 menit" in line.keterangan and "10:15" in line.keterangan


def test_paused_workdays(cal: WorkCalendar) -> None:
    as_of = date(2026, 3, 27)
    assert paused_workdays([], cal, as_of) == 0
    assert paused_workdays([(date(2026, 3, 16), date(2026, 3, 17))], cal, as_of) == 1
    # Open pause runs to as_of: 17, 25, 26, 27.
    assert paused_workdays([(date(2026, 3, 16), None)], cal, as_of) == 4
    # Overlaps count once; the part after as_of does not count yet.
    pauses = [(date(2026, 3, 16), date(2026, 3, 26)), (date(2026, 3, 25), date(2026, 4, 10))]
    assert paused_workdays(pauses, cal, as_of) == 4
    assert paused_workdays([(date(2026, 4, 1), date(2026, 4, 2))], cal, as_of) == 0
    with pytest.raises(ValidationError):
        paused_workdays([(date(2026, 3, 17), date(2026, 3, 16))], cal, as_of)


def test_pause_extends_deadline_consistently(cal: WorkCalendar) -> None:
    received = datetime(2026, 3, 13, 10, 0)
    pauses = [(date(2026, 3, 16), date(2026, 3, 17))]
    extra = paused_workdays(pauses, cal, date(2026, 3, 30))
    due = deadline(received, THREE, cal, extra)
    assert due.date() == date(2026, 3, 26)
    assert remaining_workdays(date(2026, 3, 25), due, cal) == 1
