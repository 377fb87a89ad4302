"""Recording new cases (SOP step 2): ``catat`` one at a time, the bulk import many at once.

:func:`record` is the ``catat`` use case: check the input, choose the desk and the SLA rule
the register's profile gives, number the case, write it with its first history entry. The
bulk import works a case out as far as it can without its number (:func:`prepare_case`, in a
second process) and writes many with :func:`write_prepared`; both give the same rows and the
same chain.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from lapor_cli import case_state
from lapor_cli import history as chain
from lapor_cli.deadlines import Deadlines
from lapor_cli.desks import DeskInfo, desk_for_write
from lapor_cli.entries import ENTRY_COLUMNS, append_history, chain_head
from lapor_cli.errors import LaporError, ValidationError
from lapor_cli.models import Case, History
from lapor_cli.new_case_rows import (
    CASE_COLUMNS,
    NEW_CASE_COLUMNS,
    PETUGAS_AT,
    Prepared,
    case_values,
    recording_entry,
)
from lapor_cli.new_case_rows import NUMBER_COLUMNS as NUMBER_COLUMNS
from lapor_cli.new_case_rows import SHARED_COLUMNS as SHARED_COLUMNS
from lapor_cli.new_case_rows import prepare_case as prepare_case
from lapor_cli.numbering import format_number, reserve_numbers
from lapor_cli.settings import set_setting
from lapor_cli.sla import SlaRule
from lapor_cli.validation import CaseInput, validate_case
from lapor_cli.views import case_view
from lapor_cli.workflow import OPEN_STATUSES, Status


def shared_values(desk: DeskInfo, now: datetime) -> tuple[object, ...]:
    """What every case recorded at ``desk`` at ``now`` has, in ``SHARED_COLUMNS`` order."""
    return (desk.kode, desk.prefiks, now.year, Status.DITERIMA.value, now, [], False)


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


_UNSEEN = object()


def insert_rows(
    session: Session, table: sa.Table, names: tuple[str, ...], rows: list[tuple[object, ...]]
) -> None:
    """Insert many rows (tuples of the ``names`` columns) in one ``executemany``.

    Each value goes through its column type's own bind processor (the text SQLAlchemy stores
    for a datetime, JSON, a boolean), then straight to the driver: SQLAlchemy's per-row
    parameter machinery costs more than the insert itself on a bulk import.
    """
    if not rows:
        return
    conn = session.connection()
    dialect = conn.dialect
    compiled = sa.insert(table).compile(dialect=dialect, column_keys=list(names))
    # The compiled insert also fills columns with a Python-side default (e.g. a model's
    # ``= False``) that the rows leave out: give those their default, or say which is missing.
    extra = {}
    for key in [b.key for b in compiled.binds.values() if b.key not in names]:
        default = table.c[key].default
        if default is None or not getattr(default, "is_scalar", False):
            raise LaporError(f"insert_rows: kolom {key!r} tanpa nilai")  # a bug, not input
        extra[key] = default.arg
    if extra:
        names = (*names, *extra)
        rows = [(*row, *extra.values()) for row in rows]
    processors = {}
    for name in names:
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            processors[name] = process
    position = {name: i for i, name in enumerate(names)}
    if compiled.positional:
        order = [compiled.binds[b].key for b in compiled.positiontup]
    else:
        order = list(names)
    # Only a few columns have a processor (datetimes, JSON, booleans): convert those in
    # place. A bulk insert repeats values (the same "now", False, []): a value that is the
    # very object the previous row had in that column gets the previous row's conversion.
    if order == list(names):
        pick = None
    else:
        pick = operator.itemgetter(*(position[name] for name in order))
    convert = [(i, processors[name]) for i, name in enumerate(order) if name in processors]
    seen: list[object] = [_UNSEEN] * len(convert)
    done: list[object] = [None] * len(convert)
    params: list = []
    append = params.append
    for row in rows:
        param = list(row) if pick is None else list(pick(row))
        for k, (i, process) in enumerate(convert):
            value = param[i]
            if value is not seen[k]:
                seen[k], done[k] = value, process(value)
            param[i] = done[k]
        append(tuple(param))
    if not compiled.positional:
        params = [dict(zip(order, param, strict=True)) for param in params]
    conn.exec_driver_sql(compiled.string, params)


def write_prepared(
    session: Session, items: list[Prepared], *, now: datetime, desk: DeskInfo, first_urut: int
) -> list[str]:
    """Record prepared cases (``prepare_case`` with the same ``now``) as ``desk``'s cases:
    ``record_case`` for many checked cases at once (the bulk import path).

    The numbers ``first_urut`` onwards must have been reserved with ``reserve_numbers``.
    Cases (each with a fresh salt) and their ``catat`` entries go in as two inserts
    (``insert_rows``); each entry's state digest and hash are those ``append_history`` would
    give, chained from the stored head, and the head is stored once at the end. The caller
    holds the write transaction. Returns the numbers.
    """
    if not items:
        return []
    kasus, riwayat = Case.__table__, History.__table__
    tahun, prefiks = now.year, desk.prefiks
    last_urut = first_urut + len(items) - 1
    numbers = [format_number(prefiks, tahun, urut) for urut in range(first_urut, last_urut + 1)]
    shared = shared_values(desk, now)
    salts = case_state.new_salts(len(items))
    urut_range = range(first_urut, last_urut + 1)
    insert_rows(
        session,
        kasus,
        (*NEW_CASE_COLUMNS, "garam"),
        [
            (nomor, urut, *shared, *item[0], salt)
            for nomor, urut, item, salt in zip(numbers, urut_range, items, salts, strict=True)
        ],
    )
    ids = (
        session.execute(
            sa.select(kasus.c.id)
            .where(
                kasus.c.prefiks == prefiks,
                kasus.c.tahun == tahun,
                kasus.c.urut.between(first_urut, last_urut),
            )
            .order_by(kasus.c.urut)
        )
        .scalars()
        .all()
    )
    if len(ids) != len(items):  # the reserved numbers were not free: a bug, not input
        raise RuntimeError(f"write_prepared: {len(ids)} kasus untuk {len(items)} nomor")
    prev = chain_head(session)
    aksi, ke = "catat", Status.DITERIMA.value
    hashed, identity = chain.chained_hash, case_state.identity_from_json
    state = case_state.state_maker(shared)
    entries = []
    append = entries.append
    rows = zip(ids, numbers, urut_range, salts, items, strict=True)
    for kasus_id, nomor, urut, salt, (values, catatan, detail, tail, who, rest) in rows:
        keadaan = state(nomor, urut, identity(salt, who), rest)
        digest = hashed(prev, nomor, tail, keadaan)
        petugas = values[PETUGAS_AT]
        append(
            (kasus_id, now, petugas, aksi, None, ke, catatan, detail, prev, digest, keadaan, now)
        )
        prev = digest
    insert_rows(session, riwayat, ENTRY_COLUMNS, entries)
    set_setting(session, "rantai", prev)
    return numbers


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


#: Where a prepared case's values (``Prepared[0]``) hold its NIK and phone number.
_NIK_AT, _HP_AT = CASE_COLUMNS.index("nik"), CASE_COLUMNS.index("hp")
#: Values per ``IN (…)`` lookup of open cases by identity.
_LOOKUP = 500


def prepared_identity(item: Prepared) -> tuple[str | None, str | None]:
    """A prepared case's (NIK, phone number)."""
    return item[0][_NIK_AT], item[0][_HP_AT]


def open_cases_by_identity(
    session: Session, values: set[str], *, up_to_id: int | None = None
) -> dict[str, list[str]]:
    """The open cases holding any of ``values`` (NIKs and phone numbers as stored) as their
    NIK or phone: value → those cases' numbers, oldest first (``open_duplicates`` for many
    new cases at once, through the same indexes). ``up_to_id``: only cases up to that id
    (those there before an import that is under way)."""
    t = Case.__table__
    found: dict[str, list[str]] = {}
    wanted = sorted(values)
    for start in range(0, len(wanted), _LOOKUP):
        part = wanted[start : start + _LOOKUP]
        query = sa.select(t.c.nomor, t.c.nik, t.c.hp).where(
            sa.or_(t.c.nik.in_(part), t.c.hp.in_(part)), t.c.status.in_(OPEN_STATUSES)
        )
        if up_to_id is not None:
            query = query.where(t.c.id <= up_to_id)
        for nomor, nik, hp in session.execute(query.order_by(t.c.id)):
            for value in {nik, hp} & values:
                numbers = found.setdefault(value, [])
                if nomor not in numbers:
                    numbers.append(nomor)
    return found


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
