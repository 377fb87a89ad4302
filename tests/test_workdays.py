"""WorkCalendar against a plain day-by-day reference, and hand-checked 2026 deadlines."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lapor_cli.holiday_calendar import KANTOR, NonWorkingDay, merge_days, package_days
from lapor_cli.workdays import MONDAY_TO_SATURDAY, WorkCalendar

# -- the reference: walk the calendar one day at a time -----------------------------------------


class Reference:
    def __init__(self, holidays: Iterable[date], workweek: Iterable[int]) -> None:
        self.holidays = set(holidays)
        self.workweek = set(workweek)

    def is_workday(self, d: date) -> bool:
        return d.weekday() in self.workweek and d not in self.holidays

    def next_workday(self, d: date) -> date:
        while not self.is_workday(d):
            d += timedelta(days=1)
        return d

    def add_workdays(self, d: date, n: int) -> date:
        d = self.next_workday(d)
        counted = 0
        while counted < n:
            d += timedelta(days=1)
            if self.is_workday(d):
                counted += 1
        return d

    def count_workdays(self, a: date, b: date) -> int:
        if b < a:
            return -self.count_workdays(b, a)
        return sum(self.is_workday(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))


# Dates are drawn from a narrow window so that holidays, weekends and the dates asked about
# collide often; holiday sets may be dense (whole weeks off).
ORIGIN = date(2026, 1, 1)
offsets = st.integers(min_value=0, max_value=120)
days = offsets.map(lambda i: ORIGIN + timedelta(days=i))
holiday_sets = st.sets(offsets, max_size=60).map(lambda s: {ORIGIN + timedelta(days=i) for i in s})
workweeks = st.sets(st.integers(min_value=0, max_value=6), min_size=1)
counts = st.integers(min_value=0, max_value=40)

SETTINGS = settings(max_examples=200, deadline=None)


@SETTINGS
@given(holidays=holiday_sets, workweek=workweeks, d=days)
def test_next_workday_matches_reference(holidays: set[date], workweek: set[int], d: date) -> None:
    cal, ref = WorkCalendar(holidays, workweek), Reference(holidays, workweek)
    assert cal.is_workday(d) == ref.is_workday(d)
    assert cal.next_workday(d) == ref.next_workday(d)
    assert cal.day_zero(d) == ref.next_workday(d)


@SETTINGS
@given(holidays=holiday_sets, workweek=workweeks, d=days, n=counts)
def test_add_workdays_matches_reference(
    holidays: set[date], workweek: set[int], d: date, n: int
) -> None:
    cal, ref = WorkCalendar(holidays, workweek), Reference(holidays, workweek)
    assert cal.add_workdays(d, n) == ref.add_workdays(d, n)


@SETTINGS
@given(holidays=holiday_sets, workweek=workweeks, a=days, b=days)
def test_count_workdays_matches_reference(
    holidays: set[date], workweek: set[int], a: date, b: date
) -> None:
    cal, ref = WorkCalendar(holidays, workweek), Reference(holidays, workweek)
    assert cal.count_workdays(a, b) == ref.count_workdays(a, b)
    assert cal.count_workdays(a, b) == -cal.count_workdays(b, a)


@SETTINGS
@given(holidays=holiday_sets, workweek=workweeks, d=days, n=counts)
def test_count_inverts_add(holidays: set[date], workweek: set[int], d: date, n: int) -> None:
    cal = WorkCalendar(holidays, workweek)
    due = cal.add_workdays(d, n)
    assert cal.is_workday(due)
    assert cal.count_workdays(cal.day_zero(d), due) == n


@SETTINGS
@given(holidays=holiday_sets, workweek=workweeks, a=days, b=days, c=days)
def test_count_is_additive(
    holidays: set[date], workweek: set[int], a: date, b: date, c: date
) -> None:
    cal = WorkCalendar(holidays, workweek)
    assert cal.count_workdays(a, b) + cal.count_workdays(b, c) == cal.count_workdays(a, c)


@SETTINGS
@given(holidays=holiday_sets, workweek=workweeks, a=days, b=days)
def test_nonworking_between_lists_the_gap(
    holidays: set[date], workweek: set[int], a: date, b: date
) -> None:
    cal = WorkCalendar(holidays, workweek)
    listed = cal.nonworking_between(a, b)
    if b <= a:
        assert listed == []
    else:
        assert len(listed) == (b - a).days - cal.count_workdays(a, b)
        assert all(a < d <= b and not cal.is_workday(d) for d in listed)


# -- edges --------------------------------------------------------------------------------------


def test_far_past_and_future() -> None:
    cal = WorkCalendar({date(1, 1, 1), date(9999, 12, 29)})
    assert date.min.weekday() == 0  # Monday 0001-01-01, a holiday here
    assert cal.day_zero(date.min) == date(1, 1, 2)
    assert cal.add_workdays(date.min, 4) == date(1, 1, 8)  # Tue..Fri, then Mon
    assert cal.count_workdays(date.min, date(1, 1, 8)) == 5
    # 9999-12-31 is a Friday; the 29th (Wednesday) is a holiday.
    assert cal.add_workdays(date(9999, 12, 27), 3) == date(9999, 12, 31)
    assert cal.count_workdays(date(9999, 12, 24), date.max) == 4
    assert cal.count_workdays(date.max, date.min) < 0
    with pytest.raises(OverflowError):
        cal.add_workdays(date.max, 1)


def test_rejects_empty_workweek_and_negative_n() -> None:
    with pytest.raises(ValueError):
        WorkCalendar((), workweek=())
    with pytest.raises(ValueError):
        WorkCalendar((), workweek=(7,))
    with pytest.raises(ValueError):
        WorkCalendar(()).add_workdays(date(2026, 3, 2), -1)


def test_datetime_is_judged_by_its_date() -> None:
    from datetime import datetime

    cal = WorkCalendar({date(2026, 3, 19)})
    assert not cal.is_workday(datetime(2026, 3, 19, 9, 0))


def test_monday_to_saturday() -> None:
    cal = WorkCalendar((), MONDAY_TO_SATURDAY)
    # Fri 2026-03-06 + 1 is Sat 7 March for a unit open on Saturdays.
    assert cal.add_workdays(date(2026, 3, 6), 1) == date(2026, 3, 7)
    assert cal.nonworking_between(date(2026, 3, 6), date(2026, 3, 9)) == [date(2026, 3, 8)]


# -- hand-checked 2026 cases on the real Indonesian calendar ---------------------------------------
#
# March 2026: Sun 1 … Mon 16, Tue 17, Wed 18 (cuti bersama Nyepi), Thu 19 (Hari Suci Nyepi),
# Fri 20 (cuti bersama Idul Fitri), Sat 21 (Idul Fitri), Sun 22 (Idul Fitri day 2), Mon 23 and
# Tue 24 (cuti bersama Idul Fitri), Wed 25, Thu 26, Fri 27, Sat 28, Sun 29, Mon 30, Tue 31.
# December 2026: Wed 23, Thu 24 (cuti bersama Natal), Fri 25 (Natal), Sat 26, Sun 27, Mon 28.
# January 2027: Fri 1 (Tahun Baru), Sat 2, Sun 3, Mon 4, Tue 5 (Isra Mikraj), Wed 6, Thu 7.


@pytest.fixture(scope="module")
def national() -> list[NonWorkingDay]:
    return package_days(2026) + package_days(2027)


@pytest.fixture(scope="module")
def cal(national: list[NonWorkingDay]) -> WorkCalendar:
    return WorkCalendar(d.tanggal for d in national)


def test_receipt_on_nyepi(cal: WorkCalendar) -> None:
    # Day 0 is Wed 25 March (18–24 are all off); +3 -> Thu 26, Fri 27, Mon 30.
    assert cal.day_zero(date(2026, 3, 19)) == date(2026, 3, 25)
    assert cal.add_workdays(date(2026, 3, 19), 3) == date(2026, 3, 30)


def test_receipt_before_lebaran(cal: WorkCalendar) -> None:
    # Fri 13 March is day 0; Mon 16 (1), Tue 17 (2), then 18–24 off, Wed 25 (3).
    assert cal.add_workdays(date(2026, 3, 13), 3) == date(2026, 3, 25)
    # 7 and 8 working days (Kota Kupang letter / SP4N-LAPOR!): Tue 31 March, Wed 1 April.
    assert cal.add_workdays(date(2026, 3, 13), 7) == date(2026, 3, 31)
    assert cal.add_workdays(date(2026, 3, 13), 8) == date(2026, 4, 1)
    assert cal.count_workdays(date(2026, 3, 13), date(2026, 3, 25)) == 3
    assert cal.nonworking_between(date(2026, 3, 17), date(2026, 3, 25)) == [
        date(2026, 3, d) for d in (18, 19, 20, 21, 22, 23, 24)
    ]


def test_receipt_before_natal_and_into_2027(cal: WorkCalendar) -> None:
    # Wed 23 Dec is day 0; Thu 24 and Fri 25 off, weekend; Mon 28 (1), Tue 29 (2), Wed 30 (3).
    assert cal.add_workdays(date(2026, 12, 23), 3) == date(2026, 12, 30)
    # Thu 31 (4); Fri 1 Jan off, weekend; Mon 4 (5); Tue 5 Isra Mikraj; Wed 6 (6), Thu 7 (7).
    assert cal.add_workdays(date(2026, 12, 23), 7) == date(2027, 1, 7)


def test_saturday_receipt(cal: WorkCalendar) -> None:
    # Sat 7 March: day 0 is Mon 9; +3 -> Thu 12.
    assert cal.day_zero(date(2026, 3, 7)) == date(2026, 3, 9)
    assert cal.add_workdays(date(2026, 3, 7), 3) == date(2026, 3, 12)
    # Sat 14 March: day 0 Mon 16; Tue 17 (1), then Lebaran, Wed 25 (2), Thu 26 (3).
    assert cal.add_workdays(date(2026, 3, 14), 3) == date(2026, 3, 26)


def test_local_day_added_and_cancelled(national: list[NonWorkingDay]) -> None:
    local = NonWorkingDay(date(2026, 4, 14), "Libur daerah", KANTOR, sk="SK contoh")
    cancelled = date(2026, 12, 24)  # cuti bersama declared a working day after all
    cal = WorkCalendar(d.tanggal for d in merge_days(national, [local], [cancelled]))
    # Mon 13 April is day 0; Tue 14 off; Wed 15 (1), Thu 16 (2), Fri 17 (3).
    assert cal.add_workdays(date(2026, 4, 13), 3) == date(2026, 4, 17)
    # Wed 23 Dec is day 0; Thu 24 (1) now counts; Fri 25 Natal, weekend; Mon 28 (2), Tue 29 (3).
    assert cal.add_workdays(date(2026, 12, 23), 3) == date(2026, 12, 29)
