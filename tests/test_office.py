"""`lapor_cli.office` and `lapor_cli.office_days` without the CLI: the office's name (on a
register of one desk also the desk's name), time zone and SLA profile; the office's own days
off and cancelled holidays, and the deadlines that move with them (SPEC §3).

Dates are hand-checked on the 2026 calendar: Mon 23 Nov 2026, no holiday in November;
Thu 24 Dec cuti bersama, Fri 25 Dec Natal.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlmodel import Session

from conftest import register_rows
from lapor_cli.deadlines import Deadlines
from lapor_cli.desks import DeskInfo, add_desk, all_desks
from lapor_cli.errors import NotFoundError, ValidationError
from lapor_cli.handling import get_case
from lapor_cli.holiday_calendar import NonWorkingDay
from lapor_cli.models import OfficeDay
from lapor_cli.office import OfficeInfo, Signature, office, set_profile
from lapor_cli.office_days import Removed, add_day_off, days_of_year, remove_day_off
from lapor_cli.recording import record
from lapor_cli.settings import get_settings, normalize_zone
from lapor_cli.sla import END_OF_DAY

NOW = datetime(2026, 11, 23, 10, 0)  # Monday
UTAMA = DeskInfo("utama", "Dinas Sosial", "DS")


def catat(session: Session, received: datetime = NOW, **fields: object) -> str:
    """A letter complaint under the register's own profile, as `catat` records it."""
    raw = {"kanal": "surat", "jenis": "aduan", "uraian": "PKH", "nama": "Ani", **fields}
    profile = get_settings(session)["profil_sla"]
    return str(record(session, raw, now=received, profile=profile).view["nomor"])


def due(session: Session, nomor: str) -> datetime:
    """The case's deadline as a new command would see it (the calendar as it stands now)."""
    return Deadlines(session).due(get_case(session, nomor))


def eod(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), END_OF_DAY)


# -- office() ------------------------------------------------------------------------------------


def test_a_new_register_shows_the_defaults(session: Session) -> None:
    assert office(session) == OfficeInfo(
        "Dinas Sosial",
        "Asia/Jakarta",
        "kemensos",
        UTAMA,
        ["utama"],
        Signature(jabatan="Kepala Dinas Sosial"),  # nobody to sign yet: dotted lines
    )
    assert register_rows(session)["pengaturan"] == []  # showing writes nothing


def test_on_one_desk_the_office_name_is_also_the_desk_name(session: Session) -> None:
    shown = office(session, nama="  Dinas Sosial   Kota Kupang ")
    assert shown.kantor == "Dinas Sosial Kota Kupang"
    assert shown.meja == DeskInfo("utama", "Dinas Sosial Kota Kupang", "DS")
    assert all_desks(session) == [shown.meja]
    assert get_settings(session)["kantor_nama"] == "Dinas Sosial Kota Kupang"


def test_with_two_desks_the_office_name_is_only_the_office_s(session: Session) -> None:
    kupang = add_desk(session, "kupang", "Dinas Sosial Kota Kupang", "KPG")
    shown = office(session, nama="Dinas Sosial Provinsi NTT")
    assert shown.kantor == "Dinas Sosial Provinsi NTT"
    assert shown.meja is None and shown.semua_meja == ["kupang", "utama"]
    assert all_desks(session) == [kupang, UTAMA]  # neither desk renamed
    assert office(session, meja="KUPANG").meja == kupang


def test_prefix_through_office(session: Session) -> None:
    assert office(session, prefiks="dinsos").meja == DeskInfo("utama", "Dinas Sosial", "DINSOS")
    assert catat(session) == "DINSOS-2026-00001"
    before = register_rows(session)
    with pytest.raises(ValidationError, match="tidak dapat diubah lagi"):
        office(session, prefiks="DS")
    add_desk(session, "kupang", "Kupang", "KPG")
    with pytest.raises(ValidationError) as refused:
        office(session, prefiks="KOTA")  # which desk's?
    assert refused.value.field == "meja"
    shown = office(session, meja="kupang", prefiks="kota")
    assert shown.meja == DeskInfo("kupang", "Kupang", "KOTA")
    assert register_rows(session)["kasus"] == before["kasus"]


def test_office_name_refusals_keep_nothing(register) -> None:
    with register.transaction(True) as session:
        with pytest.raises(ValidationError) as empty:
            office(session, nama=" \t ")
        assert empty.value.field == "nama"
    # On one desk the name is also the desk's, which has a limit: refused in the command's
    # transaction, and nothing of it is kept.
    with pytest.raises(ValidationError, match="200"):
        with register.transaction(True) as session:
            office(session, nama="Dinas Sosial " + "x" * 200)
    with register.transaction(False) as session:
        assert office(session).kantor == "Dinas Sosial"
        assert all_desks(session) == [UTAMA]


# -- time zone -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "zone"),
    [
        ("WIB", "Asia/Jakarta"),
        (" wita ", "Asia/Makassar"),
        ("Wit", "Asia/Jayapura"),
        ("Asia/Makassar", "Asia/Makassar"),
        (" Asia/Jayapura ", "Asia/Jayapura"),
    ],
)
def test_zone_aliases(given: str, zone: str) -> None:
    assert normalize_zone(given) == zone


@pytest.mark.parametrize("given", ["WITT", "Mars/Olympus", "", "../etc/passwd"])
def test_unknown_zone_is_refused(given: str) -> None:
    with pytest.raises(ValidationError) as refused:
        normalize_zone(given)
    assert refused.value.field == "zona"
    assert refused.value.message == f"Zona waktu {given!r} tidak dikenal. Pakai WIB, WITA atau WIT."


def test_office_sets_the_zone(session: Session) -> None:
    assert office(session, zona="wita").zona_waktu == "Asia/Makassar"
    assert get_settings(session)["zona_waktu"] == "Asia/Makassar"
    before = register_rows(session)
    with pytest.raises(ValidationError):
        office(session, zona="WITT")
    assert register_rows(session) == before


# -- the SLA profile -----------------------------------------------------------------------------


def test_set_profile_applies_to_cases_recorded_afterwards(session: Session) -> None:
    before = catat(session)
    chosen = set_profile(session, " Kota-Kupang ")
    assert chosen.nama == "kota-kupang"
    assert get_settings(session)["profil_sla"] == "kota-kupang"
    assert office(session).profil_sla == "kota-kupang"
    after = catat(session)
    assert (get_case(session, before).sla_profil, get_case(session, before).sla_nilai) == (
        "kemensos",
        3,
    )
    assert (get_case(session, after).sla_profil, get_case(session, after).sla_nilai) == (
        "kota-kupang",
        7,
    )
    assert due(session, before) == eod("2026-11-26")  # kept its rule
    assert due(session, after) == eod("2026-12-02")  # 7 working days


def test_unknown_profile_is_refused(session: Session) -> None:
    before = register_rows(session)
    with pytest.raises(NotFoundError) as refused:
        set_profile(session, "kota-kupangg")
    assert "kemensos, kemensos-uu14" in refused.value.message
    assert register_rows(session) == before


def test_an_office_profile_can_be_chosen(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "kantor" / "sla"
    folder.mkdir(parents=True)
    (folder / "dinsos-rote.toml").write_text(
        'judul = "Rote Ndao"\nsumber = "SOP Dinsos Rote Ndao"\n\n[[aturan]]\nhari_kerja = 5\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("LAPOR_DATA", str(tmp_path / "kantor"))
    assert set_profile(session, "dinsos-rote").judul == "Rote Ndao"
    assert due(session, catat(session)) == eod("2026-11-30")  # 24-27, 30 Nov


# -- the office's own days -----------------------------------------------------------------------


def test_days_of_year(session: Session) -> None:
    days = {d.tanggal: d for d in days_of_year(session, 2026)}
    assert days[date(2026, 12, 24)].sumber == "cuti_bersama"
    assert days[date(2026, 12, 25)].sumber == "nasional"
    assert not any(day.month == 11 for day in days)
    assert all(day.year == 2026 for day in days)
    for year in (1949, 2101):
        with pytest.raises(ValidationError) as refused:
            days_of_year(session, year)
        assert refused.value.field == "tahun"


def test_an_office_day_off_moves_the_deadline_and_can_be_withdrawn(session: Session) -> None:
    nomor = catat(session)
    assert due(session, nomor) == eod("2026-11-26")
    wed = date(2026, 11, 25)
    text = add_day_off(
        session, wed, "  HUT Kota Kupang ", sk="SK Wali Kota 12/2026", now=NOW, petugas="uji"
    )
    assert text == "HUT Kota Kupang"
    assert due(session, nomor) == eod("2026-11-27")  # 24, 26, 27
    assert NonWorkingDay(wed, "HUT Kota Kupang", "kantor", sk="SK Wali Kota 12/2026") in (
        days_of_year(session, 2026)
    )

    before = register_rows(session)
    with pytest.raises(ValidationError) as twice:
        add_day_off(session, wed, "Lagi", now=NOW, petugas="uji")
    assert twice.value.message == "25/11/2026 sudah libur kantor (HUT Kota Kupang)."
    for blank in ("", "   "):
        with pytest.raises(ValidationError) as empty:
            add_day_off(session, date(2026, 11, 27), blank, now=NOW, petugas="uji")
        assert empty.value.field == "keterangan"
    assert register_rows(session) == before

    assert remove_day_off(session, wed, now=NOW, petugas="uji") == Removed(wed, None)
    assert due(session, nomor) == eod("2026-11-26")
    assert wed not in {d.tanggal for d in days_of_year(session, 2026)}


def test_a_package_holiday_cancelled_and_restored(session: Session) -> None:
    nomor = catat(session, received=datetime(2026, 12, 23, 10, 0))  # Wed
    assert due(session, nomor) == eod("2026-12-30")  # 24, 25 off: 28, 29, 30
    cuti = date(2026, 12, 24)
    removed = remove_day_off(session, cuti, keterangan="SKB diubah", now=NOW, petugas="uji")
    assert removed == Removed(cuti, "Cuti Bersama Hari Raya Natal")
    assert due(session, nomor) == eod("2026-12-29")  # 24, 28, 29
    assert cuti not in {d.tanggal for d in days_of_year(session, 2026)}

    before = register_rows(session)
    with pytest.raises(ValidationError, match="sudah dijadikan hari kerja"):
        remove_day_off(session, cuti, now=NOW, petugas="uji")
    assert register_rows(session) == before

    # Declared a day off again: the cancellation gives way to the office's day off.
    add_day_off(session, cuti, "Cuti bersama (SKB baru)", now=NOW, petugas="uji")
    assert due(session, nomor) == eod("2026-12-30")
    assert len(register_rows(session)["hari_kantor"]) == 1
    assert session.get(OfficeDay, cuti).jenis == "libur"


def test_a_working_day_cannot_be_removed(session: Session) -> None:
    before = register_rows(session)
    for day in (date(2026, 11, 26), date(2026, 11, 28)):  # a Thursday, a Saturday
        with pytest.raises(NotFoundError) as refused:
            remove_day_off(session, day, now=NOW, petugas="uji")
        assert refused.value.message == (
            f"{day:%d/%m/%Y} bukan hari libur; tidak ada yang dihapus. "
            "Lihat `lapor libur --tahun 2026`."
        )
    assert register_rows(session) == before
