"""SLA rules and deadlines, evaluated "as of" a moment that is passed in.

A case keeps the :class:`Rule` its profile (:mod:`lapor_cli.profiles`) gave it. Everything
here is a pure function of its arguments: no clock, no register, no terminal.

Counting (SPEC §3): the day of receipt is day 0, or the next working day if it is not one; a
deadline of N working days falls on the N-th working day after day 0 and ends at 23:59:59 of
that day (:data:`END_OF_DAY`). A deadline in minutes runs on the clock from receipt.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from lapor_cli.errors import ValidationError
from lapor_cli.indonesian import HARI
from lapor_cli.workdays import WorkCalendar

__all__ = [
    "AMAN",
    "END_OF_DAY",
    "HARI_KERJA",
    "MENIT",
    "SEGERA",
    "TERLAMBAT",
    "DayLine",
    "Rule",
    "SlaRule",
    "deadline",
    "explain",
    "flag",
    "deadline_as_of",
    "paused_at",
    "paused_workdays",
    "remaining_workdays",
    "stopping_pauses",
    "workdays_to",
]

# Rule units.
HARI_KERJA = "hari_kerja"
MENIT = "menit"

# Flags of an open case.
TERLAMBAT = "terlambat"  # the as-of moment is past the deadline
SEGERA = "jatuh_tempo"  # due soon ("segera jatuh tempo"); not the urgent-case key `segera`
AMAN = "aman"  # on time
DITUNDA = "ditunda"  # paused: the clock is stopped, so the case is neither due soon nor late

END_OF_DAY = time(23, 59, 59)
"""A deadline in working days ends at this time of its last day."""


# -- rules and profiles ------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A deadline: ``nilai`` working days (plus ``perpanjangan`` if extended) or minutes."""

    satuan: str  # HARI_KERJA | MENIT
    nilai: int
    perpanjangan: int = 0  # extension in working days, granted once (e.g. UU 14/2008: 7)
    keterangan: str = ""

    def __post_init__(self) -> None:
        if self.satuan not in (HARI_KERJA, MENIT):
            raise ValueError(f"satuan must be {HARI_KERJA!r} or {MENIT!r}, got {self.satuan!r}")
        if self.nilai < 0 or self.perpanjangan < 0:
            raise ValueError("nilai and perpanjangan must be >= 0")
        if self.satuan == MENIT and self.perpanjangan:
            raise ValueError("a deadline in minutes has no extension")

    def describe(self) -> str:
        """The rule in words, e.g. ``"10 hari kerja (dapat diperpanjang 7 hari kerja)"``."""
        if self.satuan == MENIT:
            return f"{self.nilai} menit"
        text = f"{self.nilai} hari kerja"
        if self.perpanjangan:
            text += f" (dapat diperpanjang {self.perpanjangan} hari kerja)"
        return text


@dataclass(frozen=True)
class SlaRule:
    """The rule a case carries: its profile's name and the rule's numbers (stored with the
    case when it is recorded, so a later change of profile does not move its deadline)."""

    profil: str
    satuan: str
    nilai: int
    perpanjangan: int = 0


# -- deadlines ---------------------------------------------------------------------------------


def deadline(
    received: datetime,
    rule: Rule,
    cal: WorkCalendar,
    paused_workdays: int = 0,
    *,
    extended: bool = False,
) -> datetime:
    """When a case received at ``received`` is due under ``rule``.

    - Working days: 23:59:59 (:data:`END_OF_DAY`) of the (N + ``paused_workdays``)-th working
      day after day 0, N being ``rule.nilai`` plus ``rule.perpanjangan`` once ``extended``.
      The result keeps ``received``'s tzinfo.
    - Minutes: ``received`` + N minutes on the clock; pauses and weekends do not apply (a
      face-to-face service is finished while the citizen waits).
    """
    if rule.satuan == MENIT:
        return received + timedelta(minutes=rule.nilai)
    if paused_workdays < 0:
        raise ValueError("paused_workdays must be >= 0")
    days = rule.nilai + (rule.perpanjangan if extended else 0) + paused_workdays
    due_day = cal.add_workdays(received.date(), days)
    return datetime.combine(due_day, END_OF_DAY, tzinfo=received.tzinfo)


def _as_date(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def remaining_workdays(as_of: date, due: date, cal: WorkCalendar) -> int:
    """``sisa_hari_kerja``: working days after ``as_of`` up to and including ``due``'s day.

    0 on the due day itself (until the deadline passes). Negative exactly when the case is late
    (``as_of`` past ``due``: compared as moments when both are datetimes, else by date, a
    deadline in working days ending with its day): minus the working days in ``(due, as_of]``,
    and at least -1, so the Saturday after a Friday deadline, or the evening of a 15-minute
    deadline's day, reads -1 and not 0.
    """
    count = cal.count_workdays(_as_date(as_of), _as_date(due))
    if isinstance(as_of, datetime) and isinstance(due, datetime):
        late = as_of > due
    else:
        late = _as_date(as_of) > _as_date(due)
    return min(count, -1) if late else count


def flag(
    as_of: datetime, due: datetime, remaining: int, soon: int = 2, *, paused: bool = False
) -> str:
    """:data:`TERLAMBAT` once ``as_of`` is past ``due``; else :data:`DITUNDA` while the clock
    is stopped (``paused``); :data:`SEGERA` when at most ``soon`` working days remain;
    otherwise :data:`AMAN`."""
    if as_of > due:
        return TERLAMBAT
    if paused:
        return DITUNDA
    if remaining <= soon:
        return SEGERA
    return AMAN


# -- pauses ------------------------------------------------------------------------------------


def _merged_pauses(
    pauses: Sequence[tuple[date, date | None]], as_of: date | None
) -> list[tuple[date, date]]:
    """Pause intervals ``(start, end]`` merged, an open end closed at ``as_of``, and nothing
    after ``as_of`` (a pause that had not happened yet as of that date)."""
    intervals: list[tuple[date, date]] = []
    for start, end in pauses:
        start = _as_date(start)
        if end is None:
            if as_of is None:
                raise ValueError("an open pause needs as_of")
            if start > as_of:
                continue  # begun after as_of: it had not happened yet
            end = as_of
        end = _as_date(end)
        if end < start:
            raise ValidationError(
                "tunda",
                f"Tanggal lanjut {end:%d/%m/%Y} sebelum tanggal tunda {start:%d/%m/%Y}. "
                "Periksa riwayat penundaan kasus ini.",
            )
        if as_of is not None:
            end = min(end, as_of)
        if start < end:
            intervals.append((start, end))
    merged: list[tuple[date, date]] = []
    for start, end in sorted(intervals):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def paused_workdays(
    pauses: Sequence[tuple[date, date | None]], cal: WorkCalendar, as_of: date
) -> int:
    """Working days a case spent paused (ditunda), as of ``as_of``.

    A pause from ``start`` to ``end`` (the day work resumed) freezes the working days in
    ``(start, end]``, the same way a deadline does not count its day 0. An open pause
    (``end is None``) runs until ``as_of``; nothing after ``as_of`` counts. Overlapping pauses
    count once.
    """
    return sum(cal.count_workdays(s, e) for s, e in _merged_pauses(pauses, _as_date(as_of)))


def stopping_pauses(
    received: datetime,
    rule: Rule,
    cal: WorkCalendar,
    pauses: Sequence[tuple[date, date | None]],
    as_of: date | None,
    *,
    extended: bool = False,
) -> list[tuple[date, date]]:
    """The pauses that stop the case's clock, as of ``as_of``: merged, clipped to ``as_of``
    (see :func:`paused_workdays`), and only those begun while the clock was still running, i.e.
    before the deadline as it stood with the pauses before them. A pause freezes the working
    days in ``(start, end]``, so one begun on the deadline's day or later freezes only days
    after the deadline and stops nothing: a late case stays late, and the deadline is always
    the N-th working day after day 0 that was not frozen (as :func:`explain` counts it). A
    deadline in minutes has no pauses.
    """
    if rule.satuan == MENIT:
        return []
    counted: list[tuple[date, date]] = []
    paused = 0
    for start, end in _merged_pauses(pauses, None if as_of is None else _as_date(as_of)):
        if start >= deadline(received, rule, cal, paused, extended=extended).date():
            break  # it freezes only days after the deadline; so does every later one
        counted.append((start, end))
        paused += cal.count_workdays(start, end)
    return counted


def deadline_as_of(
    received: datetime,
    rule: Rule,
    cal: WorkCalendar,
    pauses: Sequence[tuple[date, date | None]],
    as_of: date | None,
    *,
    extended: bool = False,
) -> datetime:
    """:func:`deadline` with the pauses that stop the clock (:func:`stopping_pauses`) as of
    ``as_of``."""
    stopping = stopping_pauses(received, rule, cal, pauses, as_of, extended=extended)
    paused = sum(cal.count_workdays(s, e) for s, e in stopping)
    return deadline(received, rule, cal, paused, extended=extended)


def paused_at(pauses: Sequence[tuple[date, date | None]], as_of: date) -> bool:
    """Whether the case was paused on ``as_of``: a pause begun by then and not yet resumed
    (resumed on ``as_of`` itself: running again)."""
    day = _as_date(as_of)
    return any(
        _as_date(start) <= day and (end is None or _as_date(end) > day) for start, end in pauses
    )


def workdays_to(
    received: datetime,
    moment: datetime,
    cal: WorkCalendar,
    stopping: Sequence[tuple[date, date]] = (),
) -> int:
    """Working days from day 0 to ``moment``'s day, the days the clock was stopped not counted:
    the ordinal ``moment``'s day has in :func:`explain` (a day not counted: the last counted
    one before it), never below 0. The one definition of "hari kerja sampai selesai"."""
    first = cal.day_zero(received.date())
    day = _as_date(moment)
    if day <= first:
        return 0
    # A pause begun before day 0 freezes day 0 itself (the count then starts after it):
    # count_workdays(a, b) counts (a, b], so such a pause is counted from the day before.
    before_first = first - timedelta(days=1)
    frozen = sum(max(0, cal.count_workdays(max(s, before_first), min(e, day))) for s, e in stopping)
    return max(0, cal.count_workdays(first, day) - frozen)


# -- explanation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayLine:
    """One calendar day of a deadline's count, for an audit."""

    tanggal: date
    hari: str  # Indonesian weekday name
    ke: int | None  # working-day ordinal (0 = day 0), or None if the day was not counted
    keterangan: str  # why not counted ("Sabtu", the holiday's name, "ditunda") or what it is

    def __str__(self) -> str:
        count = f"hari ke-{self.ke}" if self.ke is not None else "tidak dihitung"
        return f"{self.hari}, {self.tanggal:%d/%m/%Y}  {count:<15} {self.keterangan}".rstrip()


def explain(
    received: datetime,
    rule: Rule,
    cal: WorkCalendar,
    names: Mapping[date, str],
    pauses: Sequence[tuple[date, date | None]] = (),
    *,
    extended: bool = False,
    as_of: date | None = None,
    closed: datetime | None = None,
) -> list[DayLine]:
    """Each calendar date from receipt to the deadline, counted or with the reason it was not.

    ``names`` gives the holidays' names (e.g. ``{d.tanggal: d.keterangan for d in days}``); a
    skipped day without a name is shown by its weekday (outside the work week) or as "hari
    libur". Pauses count as :func:`deadline_as_of` counts them as of ``as_of`` (an open pause
    runs until then; one begun after the deadline stops nothing). The line marked as the
    deadline is always the day :func:`deadline_as_of` returns, and it is the last line of an
    open case. A case ``closed`` after its deadline runs on to its closing day, the working
    days counted on, so the closing day's ordinal is :func:`workdays_to` of it.
    """
    if as_of is None and closed is not None:
        as_of = closed.date()
    stopping = stopping_pauses(received, rule, cal, pauses, as_of, extended=extended)
    paused = sum(cal.count_workdays(s, e) for s, e in stopping)
    due = deadline(received, rule, cal, paused, extended=extended)
    if rule.satuan == MENIT:
        return _explain_minutes(received, rule, due, closed)

    first, last = received.date(), due.date()
    end = max(last, closed.date()) if closed is not None else last
    lines: list[DayLine] = []
    ordinal = -1
    day = first
    while day <= end:
        hari = HARI[day.weekday()]
        if not cal.is_workday(day):
            default = hari if day.weekday() not in cal.workweek else "hari libur"
            line = DayLine(day, hari, None, names.get(day, default))
        elif any(s < day <= e for s, e in stopping):
            line = DayLine(day, hari, None, DITUNDA)
        else:
            ordinal += 1
            line = DayLine(day, hari, ordinal, _counted_note(day, first, last, ordinal))
        if closed is not None and day == closed.date():
            note = f"ditutup pukul {closed:%H:%M}"
            line = replace(
                line, keterangan=f"{line.keterangan}; {note}" if line.keterangan else note
            )
        lines.append(line)
        day += timedelta(days=1)
    return lines


def _counted_note(day: date, received: date, due: date, ordinal: int) -> str:
    notes = []
    if ordinal == 0:
        notes.append("diterima" if day == received else "hari kerja pertama sejak diterima")
    if day == due:
        notes.append(f"batas waktu, pukul {END_OF_DAY:%H:%M:%S}")
    return "; ".join(notes)


def _explain_minutes(
    received: datetime, rule: Rule, due: datetime, closed: datetime | None = None
) -> list[DayLine]:
    """A deadline in minutes runs on the clock: one line, whatever the calendar says."""
    due_at = f"{due:%H:%M}" if due.date() == received.date() else f"{due:%H:%M} {due:%d/%m/%Y}"
    note = f"diterima pukul {received:%H:%M}; batas waktu {rule.nilai} menit, pukul {due_at}"
    if closed is not None:
        at = f"{closed:%H:%M}" if closed.date() == received.date() else f"{closed:%H:%M %d/%m/%Y}"
        note += f"; ditutup pukul {at}"
    return [DayLine(received.date(), HARI[received.weekday()], None, note)]
