"""Property tests of the deadline rules of issue 18 ("one deadline the desk can defend"), on
random calendars, receipts, rules, pauses and as-of days (pure: no register).

- A pause never shortens the time a case is given, and one begun after the deadline stops
  nothing: a late case stays late.
- Every answer "as of DATE" equals the answer computed from what existed at DATE (pauses
  begun later left out, pauses resumed later still running).
- The explanation marks the deadline on exactly the day the deadline is, for an open, a paused
  and a closed case; an open case's explanation ends there; the closing day's ordinal is the
  working days to close.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from lapor_cli.sla import (
    HARI_KERJA,
    Rule,
    deadline,
    deadline_as_of,
    explain,
    paused_at,
    remaining_workdays,
    stopping_pauses,
    workdays_to,
)
from lapor_cli.workdays import WorkCalendar

FIRST = date(2026, 1, 1)
SPAN = 120  # days in which everything happens

SETTINGS = settings(max_examples=300, deadline=None)

offsets = st.integers(min_value=0, max_value=SPAN)
calendars = st.builds(
    lambda days: WorkCalendar(FIRST + timedelta(days=d) for d in days),
    st.sets(st.integers(min_value=0, max_value=SPAN + 200), max_size=25),
)
rules = st.builds(lambda n: Rule(HARI_KERJA, n), st.integers(min_value=0, max_value=14))
moments = st.builds(
    lambda d, minutes: (
        datetime.combine(FIRST + timedelta(days=d), time(8)) + timedelta(minutes=minutes)
    ),
    offsets,
    st.integers(min_value=0, max_value=600),
)


@st.composite
def pause_lists(draw, after: date) -> list[tuple[date, date | None]]:
    """Non-overlapping pauses in order, the last one possibly still running (end None), none
    before ``after`` (a case is paused after its receipt)."""
    pauses: list[tuple[date, date | None]] = []
    day = after + timedelta(days=draw(st.integers(0, 30)))
    for _ in range(draw(st.integers(0, 3))):
        start = day + timedelta(days=draw(st.integers(0, 20)))
        end = start + timedelta(days=draw(st.integers(1, 10)))
        pauses.append((start, end))
        day = end
    if pauses and draw(st.booleans()):
        pauses[-1] = (pauses[-1][0], None)
    return pauses


#: A receipt and the case's pauses (all after it).
cases = moments.flatmap(lambda r: st.tuples(st.just(r), pause_lists(r.date())))


def _frozen_at(pauses, as_of: date):
    """The pauses as a register frozen at ``as_of`` holds them."""
    return [(s, e if e is not None and e <= as_of else None) for s, e in pauses if s <= as_of]


@SETTINGS
@given(cal=calendars, rule=rules, case=cases, as_of=offsets)
def test_a_pause_never_shortens_the_time_given(cal, rule, case, as_of) -> None:
    received, pauses = case
    as_of_day = FIRST + timedelta(days=as_of)
    with_pauses = deadline_as_of(received, rule, cal, pauses, as_of_day)
    assert with_pauses >= deadline(received, rule, cal)


@SETTINGS
@given(
    cal=calendars,
    rule=rules,
    case=cases,
    after=st.integers(1, 20),
    length=st.integers(1, 10),
)
def test_a_pause_begun_after_the_deadline_stops_nothing(cal, rule, case, after, length) -> None:
    received, pauses = case
    closed = [(s, e) for s, e in pauses if e is not None]
    last = max([e for _, e in closed], default=FIRST)
    as_of = last + timedelta(days=60)
    due = deadline_as_of(received, rule, cal, closed, as_of)
    start = max(due.date(), last) + timedelta(days=after)
    late_pause = (start, start + timedelta(days=length))
    assert deadline_as_of(received, rule, cal, [*closed, late_pause], as_of) == due
    # so the moment the pause began is still late, and so is every later one
    moment = datetime.combine(start, time(9))
    assert moment > due
    assert remaining_workdays(moment, due, cal) < 0


@SETTINGS
@given(cal=calendars, rule=rules, case=cases, as_of=offsets)
def test_as_of_a_date_equals_the_register_frozen_at_that_date(cal, rule, case, as_of) -> None:
    received, pauses = case
    day = FIRST + timedelta(days=as_of)
    frozen = _frozen_at(pauses, day)
    assert deadline_as_of(received, rule, cal, pauses, day) == deadline_as_of(
        received, rule, cal, frozen, day
    )
    assert paused_at(pauses, day) == paused_at(frozen, day)
    names: dict[date, str] = {}
    assert explain(received, rule, cal, names, pauses, as_of=day) == explain(
        received, rule, cal, names, frozen, as_of=day
    )


@SETTINGS
@given(
    cal=calendars,
    rule=rules,
    case=cases,
    as_of=offsets,
    closing=st.one_of(st.none(), st.integers(0, 60)),
)
def test_the_explanation_marks_the_deadline_on_its_day(cal, rule, case, as_of, closing) -> None:
    received, pauses = case
    closed = None
    if closing is not None:
        closed = received + timedelta(days=closing, hours=1)
        pauses = [(s, e) for s, e in pauses if e is not None and e <= closed.date()]
        day = closed.date()
    else:
        day = max(FIRST + timedelta(days=as_of), received.date())
    due = deadline_as_of(received, rule, cal, pauses, day)
    lines = explain(received, rule, cal, {}, pauses, as_of=day, closed=closed)
    marked = [line.tanggal for line in lines if "batas waktu" in line.keterangan]
    assert marked == [due.date()]
    counted = [line for line in lines if line.ke is not None]
    if closed is None or closed <= due:
        assert counted[-1].tanggal == due.date() == lines[-1].tanggal
    else:
        assert lines[-1].tanggal == closed.date()
    if closed is not None:
        stopping = stopping_pauses(received, rule, cal, pauses, day)
        upto = [line.ke for line in lines if line.ke is not None and line.tanggal <= day]
        assert workdays_to(received, closed, cal, stopping) == (upto[-1] if upto else 0)


def test_a_pause_begun_before_day_0_freezes_day_0_in_the_count_to_close() -> None:
    """Found by the property above: received on a Sunday, paused from that Sunday to Monday
    (day 0), closed on Tuesday — Tuesday is day 0 of the count, so 0 working days to close."""
    cal = WorkCalendar(())
    received = datetime(2026, 2, 15, 8, 0)
    pauses = [(date(2026, 2, 15), date(2026, 2, 16))]
    closed = datetime(2026, 2, 17, 9, 0)
    lines = explain(
        received, Rule(HARI_KERJA, 0), cal, {}, pauses, as_of=closed.date(), closed=closed
    )
    assert [line.ke for line in lines if line.tanggal == closed.date()] == [0]
    assert workdays_to(received, closed, cal, pauses) == 0
