"""Indonesian date words: one definition, the same on every machine and every screen."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from lapor_cli.indonesian import BULAN, HARI, bulan_tahun, tanggal


def test_a_date_a_day_and_a_time() -> None:
    moment = datetime(2026, 11, 23, 14, 5)
    assert tanggal(moment) == "23 November 2026"
    assert tanggal(moment, with_day=True) == "Senin, 23 November 2026"
    assert tanggal(moment, with_day=True, time=True) == "Senin, 23 November 2026 14:05"
    assert tanggal(moment, time=True) == "23 November 2026 14:05"


def test_a_plain_date_has_no_time_and_none_is_a_dash() -> None:
    assert tanggal(date(2026, 8, 17), with_day=True, time=True) == "Senin, 17 Agustus 2026"
    assert tanggal(None) == "-" and tanggal(None, with_day=True, time=True) == "-"


def test_month_and_year() -> None:
    assert bulan_tahun(2026, 2) == "Februari 2026"
    assert bulan_tahun(2025, 12) == "Desember 2025"


def test_names_are_complete_and_in_order() -> None:
    assert len(HARI) == 7 and HARI[0] == "Senin" and HARI[6] == "Minggu"
    assert len(BULAN) == 12 and BULAN[0] == "Januari" and BULAN[11] == "Desember"


def test_one_definition_for_the_screens_and_the_calendar() -> None:
    from lapor_cli import console, indonesian, sla

    assert console.tanggal is indonesian.tanggal  # `from lapor_cli.console import tanggal`
    assert console.HARI is sla.HARI is indonesian.HARI
    assert console.BULAN is indonesian.BULAN


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_every_date_reads_back(day: date) -> None:
    text = tanggal(day, with_day=True)
    weekday, rest = text.split(", ")
    number, month, year = rest.split(" ")
    assert date(int(year), BULAN.index(month) + 1, int(number)) == day
    assert HARI.index(weekday) == day.weekday()
    assert tanggal(day + timedelta(days=7), with_day=True).startswith(weekday + ", ")
