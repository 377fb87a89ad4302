"""The Indonesian non-working days: the ``holidays`` package plus the office's own corrections.

- ``holidays.ID`` category PUBLIC gives the libur nasional, category GOVERNMENT the cuti
  bersama of the SKB 3 Menteri (which the package knows only a year or two ahead: see
  :func:`cuti_bersama_known_until`). Always with ``language="id"``: otherwise the names follow
  the machine's locale.
- Islamic (and some lunar) dates that are computed rather than decreed carry the package's
  "(perkiraan)" label; it is moved into :attr:`NonWorkingDay.perkiraan` so that a screen can
  show it its own way.
- The office adds and cancels days itself (``libur tambah`` / ``libur hapus``); those win over
  the package (:func:`merge_days`).

``holidays`` costs ~125 ms to import and ~1 ms per year to build: it is imported inside the
functions that need it, and each year is built once per process.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache

__all__ = [
    "CUTI_BERSAMA",
    "KANTOR",
    "NASIONAL",
    "NonWorkingDay",
    "cuti_bersama_known_until",
    "holidays_version",
    "merge_days",
    "package_days",
]

NASIONAL = "nasional"
CUTI_BERSAMA = "cuti_bersama"
KANTOR = "kantor"

NAME_SEPARATOR = "; "
"""How ``holidays`` joins two names on one date, and how we do."""

_ESTIMATED = re.compile(r"\s*\(perkiraan\)\s*$")
"""The package's estimated label in language ``id`` is ``"%s (perkiraan)"`` (and
``"Pegangti %s (perkiraan)"`` when observed), so the marker is always a trailing suffix."""


@dataclass(frozen=True)
class NonWorkingDay:
    """One non-working date and why."""

    tanggal: date
    keterangan: str
    sumber: str  # NASIONAL | CUTI_BERSAMA | KANTOR
    perkiraan: bool = False  # an estimated date (the package's "(perkiraan)")
    sk: str | None = None  # the decree (SK) number for a day the office added


def _split_estimated(name: str) -> tuple[str, bool]:
    """``"Hari Raya Idul Fitri (perkiraan)"`` -> ``("Hari Raya Idul Fitri", True)``."""
    stripped = _ESTIMATED.sub("", name)
    return stripped, stripped != name


def _category_days(year: int, category: str) -> dict[date, tuple[list[str], bool]]:
    """``{date: (names, estimated)}`` of one ``holidays`` category for one year."""
    import holidays

    calendar = holidays.ID(years=year, categories=(category,), language="id", expand=False)
    days: dict[date, tuple[list[str], bool]] = {}
    for day in sorted(calendar):
        names: list[str] = []
        estimated = False
        for raw in calendar.get_list(day):
            name, is_estimated = _split_estimated(raw)
            names.append(name)
            estimated = estimated or is_estimated
        days[day] = (names, estimated)
    return days


@cache
def _package_days(year: int) -> tuple[NonWorkingDay, ...]:
    from holidays.constants import GOVERNMENT, PUBLIC

    public = _category_days(year, PUBLIC)
    government = _category_days(year, GOVERNMENT)
    result: list[NonWorkingDay] = []
    for day in sorted(public.keys() | government.keys()):
        public_names, public_estimated = public.get(day, ([], False))
        leave_names, leave_estimated = government.get(day, ([], False))
        result.append(
            NonWorkingDay(
                tanggal=day,
                keterangan=NAME_SEPARATOR.join(public_names + leave_names),
                # A libur nasional stays a day off even where cuti bersama do not count.
                sumber=NASIONAL if public_names else CUTI_BERSAMA,
                perkiraan=public_estimated or leave_estimated,
            )
        )
    return tuple(result)


def package_days(year: int) -> list[NonWorkingDay]:
    """The libur nasional and cuti bersama of ``year`` according to ``holidays``, by date.

    Only dates of ``year`` itself (``expand=False``). A date with two names keeps both,
    joined with ``"; "``; it counts as ``nasional`` if either name is a libur nasional.
    """
    return list(_package_days(year))


@cache
def holidays_version() -> str:
    """The installed ``holidays`` version, without importing the package: the name of its
    one ``holidays-<version>.dist-info`` folder beside it (how an installed package is laid
    out, PEP 627), else what ``importlib.metadata`` says. Every command that computes a
    deadline asks, and importing ``importlib.metadata`` alone costs ~25 ms."""
    from importlib.util import find_spec

    spec = find_spec("holidays")
    folders = list(spec.submodule_search_locations or ()) if spec else []
    if len(folders) == 1:
        site = os.path.dirname(folders[0])
        try:
            found = [n for n in os.listdir(site) if n.startswith("holidays-")]
        except OSError:
            found = []
        if len(found) == 1 and found[0].endswith(".dist-info"):
            return found[0].removeprefix("holidays-").removesuffix(".dist-info")
    from importlib.metadata import version

    return version("holidays")


@cache
def cuti_bersama_known_until() -> int:
    """The last year for which the installed ``holidays`` knows the cuti bersama.

    Found by asking the package for GOVERNMENT days over every year it supports (one cheap
    call, ~6 ms, cached). Returns the year before its first supported year if it knows none.
    """
    import holidays
    from holidays.constants import GOVERNMENT

    first = holidays.ID.start_year
    last = getattr(holidays.ID, "end_year", 2100)
    calendar = holidays.ID(years=range(first, last + 1), categories=(GOVERNMENT,), expand=False)
    return max((day.year for day in calendar), default=first - 1)


def merge_days(
    package: Iterable[NonWorkingDay],
    office_added: Iterable[NonWorkingDay],
    office_removed: Iterable[date],
    cuti_bersama_is_holiday: bool = True,
) -> list[NonWorkingDay]:
    """The non-working days in force, sorted by date.

    1. The package's days, without the cuti bersama when ``cuti_bersama_is_holiday`` is false
       (a profile for a unit that works on cuti bersama days).
    2. The office's added days replace whatever the package has on the same date (a moved or
       corrected day, a local day off); of two added days on one date the last wins.
    3. The office's removed dates (declared working days after all) delete whatever is there.
    """
    by_date: dict[date, NonWorkingDay] = {}
    for day in package:
        if cuti_bersama_is_holiday or day.sumber != CUTI_BERSAMA:
            by_date[day.tanggal] = day
    for day in office_added:
        by_date[day.tanggal] = day
    for removed in office_removed:
        by_date.pop(removed, None)
    return [by_date[d] for d in sorted(by_date)]
