"""Recording new cases (SOP step 2): ``catat`` one at a time, the bulk import many at once.

:func:`record` is the ``catat`` use case: check the input, choose the desk and the SLA rule
the register's profile gives, number the case, write it with its first history entry. The
bulk import works a case out as far as it can without its number (:func:`prepare_case`, in a
second process) and writes many with :func:`~lapor_cli.bulk_cases.write_prepared`; both give
the same rows and the same chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from lapor_cli import case_state
from lapor_cli.deadlines import Deadlines
from lapor_cli.desks import DeskInfo, desk_for_write
from lapor_cli.entries import append_history
from lapor_cli.errors import ValidationError
from lapor_cli.models import Case
from lapor_cli.new_case_rows import NEW_CASE_COLUMNS, case_values, recording_entry, shared_values
from lapor_cli.new_case_rows import NUMBER_COLUMNS as NUMBER_COLUMNS
from lapor_cli.new_case_rows import SHARED_COLUMNS as SHARED_COLUMNS
from lapor_cli.new_case_rows import prepare_case as prepare_case
from lapor_cli.numbering import format_number, reserve_numbers
from lapor_cli.sla import SlaRule
from lapor_cli.validation import CaseInput, validate_case
from lapor_cli.views import case_view
from lapor_cli.workflow import OPEN_STATUSES, Status


def case_row(
    data: CaseInput, rule: SlaRule, sidik: str, *, now: datetime, desk: DeskInfo, urut: int
) -> dict[str, object]:
    """The column values of a newly recorded case (``catat`` and the bulk import alike)."""
    number = (format_number(desk.prefiks, now.year, urut), urut)
    values = number + shared_values(desk, now) + case_values(data, rule, sidik)
    return dict(zip(NEW_CASE_COLUMNS, values, strict=True))


def record_case(
    session: Session, data: CaseInput, *, now: datetime, rule: SlaRule, desk: DeskInfo
) -> Case:
    """SOP step 2: record a checked case for ``desk`` with its number (the desk's next of the
    year), its SLA rule and its first entry."""
    urut = reserve_numbers(session, desk.prefiks, now.year)
    row = case_row(data, rule, data.fingerprint(), now=now, desk=desk, urut=urut)
    case = Case(**row, garam=case_state.new_salts(1)[0])
    session.add(case)
    session.flush()
    catatan, detail = recording_entry(data, rule)
    append_history(
        session,
        case,
        waktu=now,
        oleh=data.petugas,
        aksi="catat",
        dari=None,
        ke=Status.DITERIMA,
        catatan=catatan,
        data=detail,
    )
    return case


def open_duplicates(session: Session, data: CaseInput, *, exclude: int | None = None) -> list[str]:
    """Open cases with the same NIK or phone: a likely duplicate from another channel."""
    conds = []
    if data.nik:
        conds.append(Case.nik == data.nik)
    if data.hp:
        conds.append(Case.hp == data.hp)
    if not conds:
        return []
    query = select(Case.nomor).where(sa.or_(*conds), Case.status.in_(OPEN_STATUSES))
    if exclude is not None:
        query = query.where(Case.id != exclude)
    return list(session.exec(query.order_by(Case.id)))


@dataclass(frozen=True, slots=True)
class Recorded:
    """What ``catat`` reports: the new case as screens show it, and the warnings."""

    view: dict[str, object]
    batas_waktu: datetime
    aturan: str  # the case's rule in words, e.g. "3 hari kerja"
    notes: list[str]  # deadline warnings (e.g. cuti bersama not yet known)
    duplicates: list[str]  # open cases with the same NIK or phone


def record(
    session: Session,
    raw: dict[str, object],
    *,
    now: datetime,
    profile: str,
    meja: str | None = None,
    lama: bool = False,
) -> Recorded:
    """``catat``: check ``raw`` (option values as typed), record it for the chosen desk (the
    only one when there is one) under the rule ``profile`` gives it. Every invalid field is
    refused together, nothing written. A receipt date in an earlier year or more than 30 days
    before ``now`` needs ``lama`` (``--lama``: the officer confirms it)."""
    desk = desk_for_write(session, meja)
    data, errors = validate_case(raw, now=now, lama=lama)
    if errors:
        first = errors[0]
        if len(errors) > 1:
            raise ValidationError(first.field, " ".join(e.message for e in errors))
        raise first
    deadlines = Deadlines(session)
    rule = deadlines.rule_for_new(profile, data)
    duplicates = open_duplicates(session, data)
    case = record_case(session, data, now=now, rule=rule, desk=desk)
    due = deadlines.due(case)
    view = case_view(case, batas_waktu=due)
    return Recorded(view, due, Deadlines.describe(case), deadlines.notes(case), duplicates)
