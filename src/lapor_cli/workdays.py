"""Working days as a pure function of a set of non-working dates.

A :class:`WorkCalendar` knows two things: which weekdays make up the work week (Monday–Friday
by default; Perpres 21/2023 lets a unit that serves the public directly work other days) and
which dates are days off on top of that (libur nasional, cuti bersama, the office's own days).
Where those dates come from is not its business (see ``holiday_calendar``); it never asks what
day it is today.

Every question is answered in O(log h) for h holidays, without walking the calendar day by
day: the number of working days in ``[date.min, d]`` is a closed formula over whole weeks minus
a ``bisect`` over the sorted holidays that fall on work-week days, and the inverse (the n-th
working day) is one more ``bisect`` over a precomputed, non-decreasing array. Only
:meth:`WorkCalendar.nonworking_between`, which lists days for an explanation, walks the range.

Weekdays are numbered as :meth:`datetime.date.weekday` numbers them: Monday = 0 … Sunday = 6.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import date, datetime

__all__ = ["MONDAY_TO_FRIDAY", "MONDAY_TO_SATURDAY", "WorkCalendar"]

MONDAY_TO_FRIDAY: tuple[int, ...] = (0, 1, 2, 3, 4)
MONDAY_TO_SATURDAY: tuple[int, ...] = (0, 1, 2, 3, 4, 5)


def _index(d: date) -> int:
    """Days since Monday 0001-01-01 (``date.min``), so that ``_index(d) % 7 == d.weekday()``."""
    return d.toordinal() - 1


def _from_index(i: int) -> date:
    try:
        return date.fromordinal(i + 1)
    except ValueError:
        raise OverflowError("date value out of range") from None


class WorkCalendar:
    """Working days: the work-week days that are not in ``holidays``.

    ``holidays`` may hold any dates; those outside the work week are simply redundant.
    """

    __slots__ = ("_holidays", "_holiday_idx", "_slack", "_per_week", "_upto", "_workweek")

    def __init__(
        self, holidays: Iterable[date], workweek: Iterable[int] = MONDAY_TO_FRIDAY
    ) -> None:
        days = sorted(set(workweek))
        if not days:
            raise ValueError("work week must contain at least one weekday")
        if any(not isinstance(w, int) or not 0 <= w <= 6 for w in days):
            raise ValueError(f"weekdays are 0 (Monday) … 6 (Sunday), got {days}")
        self._workweek: tuple[int, ...] = tuple(days)
        self._per_week = len(days)
        # _upto[r]: how many work-week days fall on weekdays 0..r of one week.
        self._upto = tuple(sum(1 for w in days if w <= r) for r in range(7))
        self._holidays: frozenset[date] = frozenset(holidays)
        # Sorted indices of the holidays that actually remove a work-week day.
        self._holiday_idx: list[int] = sorted(
            _index(d) for d in self._holidays if d.weekday() in self._workweek
        )
        # _slack[j] = (work-week rank of the j-th such holiday) - j. It never decreases, since
        # each holiday is at least one work-week day after the previous one; that is what lets
        # _nth() find how many holidays precede the n-th working day with one bisect.
        self._slack: list[int] = [
            self._weekdays_upto(h) - j for j, h in enumerate(self._holiday_idx)
        ]

    # -- the two primitives -------------------------------------------------------------------

    def _weekdays_upto(self, i: int) -> int:
        """Work-week days (holidays ignored) with index in ``[0, i]``; 0 for ``i == -1``."""
        weeks, weekday = divmod(i, 7)
        return weeks * self._per_week + self._upto[weekday]

    def _rank(self, i: int) -> int:
        """Working days with index in ``[0, i]``."""
        return self._weekdays_upto(i) - bisect_right(self._holiday_idx, i)

    def _nth(self, m: int) -> int:
        """Index of the m-th working day counted from ``date.min`` (``m >= 1``)."""
        # j holidays precede the answer exactly when the j-th holiday (0-based) lies beyond the
        # (m + j)-th work-week day, i.e. when _slack[j] > m; the first such j is the count.
        j = bisect_right(self._slack, m)
        weeks, position = divmod(m + j - 1, self._per_week)
        return weeks * 7 + self._workweek[position]

    # -- public API ---------------------------------------------------------------------------

    @property
    def workweek(self) -> tuple[int, ...]:
        """The work-week days, ``date.weekday()`` numbers, ascending."""
        return self._workweek

    @property
    def holidays(self) -> frozenset[date]:
        """The non-working dates given to the calendar (weekend ones included)."""
        return self._holidays

    def is_workday(self, d: date) -> bool:
        """Whether ``d`` is a work-week day that is not a holiday."""
        if isinstance(d, datetime):  # a datetime never equals the date in the holiday set
            d = d.date()
        return d.weekday() in self._workweek and d not in self._holidays

    def next_workday(self, d: date) -> date:
        """``d`` itself if it is a working day, otherwise the first working day after it."""
        # The first working day at or after d ranks one after the working days before d.
        return _from_index(self._nth(self._rank(_index(d) - 1) + 1))

    def day_zero(self, d: date) -> date:
        """Day 0 of a deadline for something received on ``d`` (SPEC §3).

        The day of receipt is day 0; if it is not a working day, day 0 is the next working day.
        """
        return self.next_workday(d)

    def add_workdays(self, d: date, n: int) -> date:
        """The n-th working day after :meth:`day_zero` of ``d`` (``n == 0`` gives day 0)."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        # Day 0 ranks one after the working days before d (whether or not d is one).
        return _from_index(self._nth(self._rank(_index(d) - 1) + 1 + n))

    def count_workdays(self, a: date, b: date) -> int:
        """Working days in ``(a, b]``; negative (minus those in ``(b, a]``) when ``b < a``."""
        return self._rank(_index(b)) - self._rank(_index(a))

    def nonworking_between(self, a: date, b: date) -> list[date]:
        """The non-working dates in ``(a, b]``, weekends included (for explanations)."""
        first, last = _index(a) + 1, _index(b)
        return [
            day
            for day in (_from_index(i) for i in range(first, last + 1))
            if not self.is_workday(day)
        ]

    def __repr__(self) -> str:
        return f"WorkCalendar({len(self._holidays)} holidays, workweek={self._workweek})"
