"""Working-day arithmetic on the real 2020–2030 calendar against floors measured in the same run.

    PYTHONPATH=src python benchmarks/bench_workdays.py [-n 1000000] [--repeat 3]

Times ``n`` calls of ``WorkCalendar.add_workdays`` and ``n`` of ``count_workdays`` on random
dates of 2020–2030 (n ≤ 60 working days), and compares them with

- the floor: one ``bisect`` plus date arithmetic per call (the least any holiday-aware
  answer can cost in pure Python);
- the day-by-day walk (measured on a sample and scaled per call).

Not part of the test suite. Best of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import random
import time
from bisect import bisect_right
from collections.abc import Callable
from datetime import date, timedelta

from lapor_cli.holiday_calendar import package_days
from lapor_cli.workdays import WorkCalendar


def best_of(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def walk_add(holidays: frozenset[date], d: date, n: int) -> date:
    """The day-by-day reference."""
    while d.weekday() >= 5 or d in holidays:
        d += timedelta(days=1)
    while n:
        d += timedelta(days=1)
        if d.weekday() < 5 and d not in holidays:
            n -= 1
    return d


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1_000_000, help="calls of each method")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    days = [d.tanggal for year in range(2020, 2031) for d in package_days(year)]
    cal = WorkCalendar(days)
    holidays = frozenset(days)
    sorted_ordinals = sorted(d.toordinal() for d in holidays)

    rng = random.Random(2026)
    first, span = date(2020, 1, 1).toordinal(), 365 * 10
    starts = [date.fromordinal(first + rng.randrange(span)) for _ in range(args.n)]
    ends = [date.fromordinal(first + rng.randrange(span)) for _ in range(args.n)]
    counts = [rng.randrange(61) for _ in range(args.n)]
    pairs = list(zip(starts, counts, strict=True))
    spans = list(zip(starts, ends, strict=True))

    def run_add() -> None:
        add = cal.add_workdays
        for d, n in pairs:
            add(d, n)

    def run_count() -> None:
        count = cal.count_workdays
        for a, b in spans:
            count(a, b)

    def run_floor() -> None:
        fromordinal = date.fromordinal
        for d, n in pairs:
            i = d.toordinal()
            fromordinal(i + n + bisect_right(sorted_ordinals, i))

    sample = pairs[: max(1, args.n // 50)]

    def run_walk() -> None:
        for d, n in sample:
            walk_add(holidays, d, n)

    # Correctness on the sample before timing anything.
    assert all(cal.add_workdays(d, n) == walk_add(holidays, d, n) for d, n in sample)

    t_floor = best_of(args.repeat, run_floor) / args.n
    t_add = best_of(args.repeat, run_add) / args.n
    t_count = best_of(args.repeat, run_count) / args.n
    t_walk = best_of(args.repeat, run_walk) / len(sample)

    print(f"calendar: {len(holidays)} non-working dates 2020–2030, {args.n:,} calls per method")
    print(f"floor (1 bisect + date arithmetic)  {t_floor * 1e6:6.2f} µs/call")
    print(
        f"add_workdays                        {t_add * 1e6:6.2f} µs/call  "
        f"{t_add / t_floor:4.1f}× floor"
    )
    print(
        f"count_workdays                      {t_count * 1e6:6.2f} µs/call  "
        f"{t_count / t_floor:4.1f}× floor"
    )
    print(
        f"day-by-day walk ({len(sample):,} calls)      {t_walk * 1e6:6.2f} µs/call  "
        f"{t_walk / t_floor:4.1f}× floor, {t_walk / t_add:4.1f}× add_workdays"
    )


if __name__ == "__main__":
    main()
