"""The Indonesian non-working days from ``holidays`` and the office's corrections."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import lapor_cli
from lapor_cli.holiday_calendar import (
    CUTI_BERSAMA,
    KANTOR,
    NASIONAL,
    NonWorkingDay,
    cuti_bersama_known_until,
    holidays_version,
    merge_days,
    package_days,
)


def by_date(days: list[NonWorkingDay]) -> dict[date, NonWorkingDay]:
    return {d.tanggal: d for d in days}


@pytest.mark.parametrize(
    "module", ["lapor_cli.holiday_calendar", "lapor_cli.workdays", "lapor_cli.sla"]
)
def test_import_does_not_load_holidays(module: str) -> None:
    src = Path(lapor_cli.__file__).resolve().parents[1]
    code = f"import sys, {module}; print('holidays' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(src)},
    )
    assert result.stdout.strip() == "False"


def test_2026_national_days_and_cuti_bersama() -> None:
    days = by_date(package_days(2026))
    assert days[date(2026, 3, 19)] == NonWorkingDay(date(2026, 3, 19), "Hari Suci Nyepi", NASIONAL)
    assert days[date(2026, 3, 21)].keterangan == "Hari Raya Idul Fitri"
    assert days[date(2026, 3, 21)].sumber == NASIONAL
    for day in (18, 20, 23, 24):
        assert days[date(2026, 3, day)].sumber == CUTI_BERSAMA
    assert days[date(2026, 3, 20)].keterangan == "Cuti Bersama Hari Raya Idul Fitri"
    assert days[date(2026, 12, 24)].keterangan == "Cuti Bersama Hari Raya Natal"
    assert days[date(2026, 12, 25)].keterangan == "Hari Raya Natal"
    assert date(2026, 3, 25) not in days


def test_only_the_year_asked_and_sorted() -> None:
    days = package_days(2026)
    assert all(d.tanggal.year == 2026 for d in days)
    assert [d.tanggal for d in days] == sorted(d.tanggal for d in days)
    assert days[0] == NonWorkingDay(date(2026, 1, 1), "Tahun Baru Masehi", NASIONAL)


def test_estimated_dates_are_flagged_not_named() -> None:
    days = by_date(package_days(2027))
    # The package confirms Idul Fitri up to 2026; 2027's is computed.
    lebaran = days[date(2027, 3, 10)]
    assert lebaran.keterangan == "Hari Raya Idul Fitri"
    assert lebaran.perkiraan
    assert not days[date(2027, 1, 1)].perkiraan
    for year in range(2020, 2031):
        assert all("perkiraan" not in d.keterangan for d in package_days(year))


def test_two_names_on_one_date_are_joined() -> None:
    days = by_date(package_days(2021))
    both = days[date(2021, 5, 13)]
    assert both.keterangan == "Hari Raya Idul Fitri; Kenaikan Yesus Kristus"
    assert both.sumber == NASIONAL


def test_result_is_a_fresh_list() -> None:
    first = package_days(2026)
    first.clear()
    assert package_days(2026)


def test_cuti_bersama_known_until() -> None:
    last = cuti_bersama_known_until()
    assert last >= 2027
    assert any(d.sumber == CUTI_BERSAMA for d in package_days(last))
    assert not any(d.sumber == CUTI_BERSAMA for d in package_days(last + 1))


def test_holidays_version() -> None:
    import holidays

    assert holidays_version() == holidays.__version__


def test_merge_office_days_win() -> None:
    package = package_days(2026)
    moved = NonWorkingDay(date(2026, 3, 19), "Hari Suci Nyepi (SK koreksi)", KANTOR, sk="1/2026")
    local = NonWorkingDay(date(2026, 4, 14), "Hari Jadi Kabupaten", KANTOR, sk="2/2026")
    merged = merge_days(package, [local, moved], [date(2026, 12, 24), date(2026, 7, 1)])
    days = by_date(merged)
    assert days[date(2026, 3, 19)] == moved
    assert days[date(2026, 4, 14)] == local
    assert date(2026, 12, 24) not in days  # declared a working day
    assert date(2026, 12, 25) in days
    assert [d.tanggal for d in merged] == sorted(days)
    assert len(merged) == len(package) + 1 - 1  # + the local day, - 24 December


def test_merge_without_cuti_bersama() -> None:
    local = NonWorkingDay(date(2026, 3, 20), "Libur kantor", KANTOR)
    merged = merge_days(package_days(2026), [local], [], cuti_bersama_is_holiday=False)
    assert all(d.sumber != CUTI_BERSAMA for d in merged)
    days = by_date(merged)
    assert days[date(2026, 3, 20)] == local  # an office day stays, even on a cuti bersama date
    assert date(2026, 3, 19) in days and date(2026, 3, 23) not in days


def test_holidays_version_is_the_metadatas_without_importing_it(monkeypatch) -> None:
    """Read from the name of the package's dist-info folder (cheap); where that is not one
    clear answer (two folders left by an interrupted upgrade), the metadata decides."""
    import os
    from importlib.metadata import version

    from lapor_cli import holiday_calendar

    holidays_version.cache_clear()
    try:
        assert holidays_version() == version("holidays")
        real = os.listdir
        monkeypatch.setattr(
            holiday_calendar.os, "listdir", lambda p: ["holidays-0.1.dist-info", *real(p)]
        )
        holidays_version.cache_clear()
        assert holidays_version() == version("holidays")
    finally:
        holidays_version.cache_clear()
