"""The one rounding rule of every monev percentage and average, used by ``rekap`` (screen and
JSON) and ``ekspor`` (the workbook) alike, so that the two can never disagree.

- A value is computed as an exact fraction (:class:`fractions.Fraction`, never a float) and
  rounded once, **half up** (0,05 → 0,1), to the precision it is shown with: a share to
  0,1 percentage point (the fraction to three decimals: ``0.563`` = 56,3 %), an average
  (working days, rating) to two decimals. The result is a :class:`decimal.Decimal`; the
  screen prints its digits, JSON carries it as a number, and the workbook stores that
  rounded number under a format with the same precision (``0.0%``, ``0.00``), so Excel has
  nothing left to round.
- The shares of one breakdown (by kind, channel, category, status, …) add up to exactly
  100,0 %: they are apportioned by the largest-remainder method (Hamilton): every line gets
  its share rounded down to 0,1 %, and the tenths still missing go, one each, to the lines
  with the largest remainders (on a tie, the line with more cases, then the line higher up).
  A line's share may then differ by 0,1 from its own share rounded alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction

__all__ = [
    "AVERAGE_PLACES",
    "SHARE_PLACES",
    "as_number",
    "mean",
    "median",
    "percent_text",
    "round_half_up",
    "share",
    "shares",
]

#: A share as a fraction, to three decimals (one decimal of a percentage).
SHARE_PLACES = 3
#: An average (working days, rating), to two decimals.
AVERAGE_PLACES = 2


def round_half_up(value: Fraction | int, places: int) -> Decimal:
    """``value`` rounded half up (away from zero) to ``places`` decimals, exactly."""
    value = Fraction(value)
    scaled = abs(value) * 10**places
    units = int(scaled + Fraction(1, 2))  # floor(x + ½) of a non-negative x
    result = Decimal(units).scaleb(-places)
    return -result if value < 0 else result


def share(part: int, whole: int) -> Decimal | None:
    """``part ÷ whole`` rounded to 0,1 percentage point; None when ``whole`` is 0."""
    return round_half_up(Fraction(part, whole), SHARE_PLACES) if whole else None


def mean(values: Iterable[int]) -> Decimal | None:
    """The exact mean of whole numbers, rounded to two decimals; None when there are none."""
    items = list(values)
    if not items:
        return None
    return round_half_up(Fraction(sum(items), len(items)), AVERAGE_PLACES)


def median(values: Iterable[int]) -> Decimal | None:
    """The median of whole numbers (the mean of the middle two when even), two decimals."""
    items = sorted(values)
    if not items:
        return None
    mid = len(items) // 2
    exact = Fraction(items[mid]) if len(items) % 2 else Fraction(items[mid - 1] + items[mid], 2)
    return round_half_up(exact, AVERAGE_PLACES)


def shares(counts: Sequence[int]) -> list[Decimal | None]:
    """Each count's share of their sum, adding up to exactly 1.000 (largest remainder, see
    the module docstring); every share None when the sum is 0."""
    whole = sum(counts)
    if not whole:
        return [None] * len(counts)
    unit = 10**SHARE_PLACES
    quotas = [Fraction(n * unit, whole) for n in counts]
    floors = [int(q) for q in quotas]
    missing = unit - sum(floors)
    order = sorted(range(len(counts)), key=lambda i: (-(quotas[i] - floors[i]), -counts[i], i))
    for i in order[:missing]:
        floors[i] += 1
    return [Decimal(n).scaleb(-SHARE_PLACES) for n in floors]


def as_number(value: Decimal | None) -> float | int | None:
    """A rounded value for JSON and the workbook: a float with exactly its digits."""
    return None if value is None else float(value)


def percent_text(value: Decimal | None) -> str:
    """A share as the screen shows it: ``56,3%`` (``-`` for none)."""
    if value is None:
        return "-"
    return f"{value * 100:.1f}".replace(".", ",") + "%"
