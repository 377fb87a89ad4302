"""The case history in the register: append an entry to the hash chain (committing to its
case's state after it), read a case's entries, the chain's anchor. The hashing itself is pure
and lives in :mod:`lapor_cli.history` and :mod:`lapor_cli.case_state`."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from lapor_cli import case_state
from lapor_cli import history as chain
from lapor_cli.bulk_cases import chain_head as stored_head
from lapor_cli.case_state import IDENTITY_COLUMNS
from lapor_cli.models import Case, History
from lapor_cli.settings import set_setting
from lapor_cli.sqlread import Reader

__all__ = [
    "append_history",
    "case_history",
    "case_state_of",
    "chain_anchor",
    "chain_head",
    "chained_entry",
]


def chain_head(session: Session) -> str:
    """The hash of the newest entry (the chain's head as stored)."""
    return stored_head(Reader.of(session))


def chain_anchor(session: Session) -> chain.Anchor:
    """The chain's anchor now: how many entries the register has and the newest one's hash
    (``anchor.short`` to print, e.g. on the monev workbook or a receipt). ``lapor periksa
    --jangkar`` later proves that the register still extends it."""
    t = History.__table__
    count = session.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
    newest = session.execute(sa.select(t.c.hash).order_by(t.c.id.desc()).limit(1)).scalar()
    return chain.Anchor(count, newest or chain.GENESIS)


def case_state_of(case: Case) -> str:
    """The state digest (``keadaan``) of a case as its object stands now."""
    return case_state.state_digest({c.name: getattr(case, c.name) for c in _CASE_COLUMNS})


_CASE_COLUMNS = tuple(Case.__table__.columns)


def append_history(
    session: Session,
    case: Case,
    *,
    waktu: datetime,
    oleh: str,
    aksi: str,
    dari: str | None,
    ke: str | None,
    catatan: str | None,
    data: dict,
    dicatat: datetime | None = None,
) -> History:
    """Append one entry to the hash chain (the caller holds the write transaction); ``case``
    must already hold the values the entry leaves it with: the entry commits to them.
    ``waktu`` is when the step happened, ``dicatat`` when it was typed in (the same moment
    unless given: a step recorded as it happens). A case
    with an identity but no salt (a row not written by lapor-cli) gets one first: the chain
    never commits to an unsalted identity."""
    if case.garam is None and any(getattr(case, c) is not None for c in IDENTITY_COLUMNS):
        case.garam = case_state.new_salts(1)[0]
    entry = History(
        **chained_entry(
            chain_head(session),
            kasus_id=case.id,
            nomor=case.nomor,
            waktu=waktu,
            oleh=oleh,
            aksi=aksi,
            dari=dari,
            ke=ke,
            catatan=catatan,
            data=data,
            keadaan=case_state_of(case),
            dicatat=dicatat or waktu,
        )
    )
    session.add(entry)
    set_setting(session, "rantai", entry.hash)
    return entry


def chained_entry(
    prev: str,
    *,
    kasus_id: int,
    nomor: str,
    waktu: datetime,
    oleh: str,
    aksi: str,
    dari: str | None,
    ke: str | None,
    catatan: str | None,
    data: dict,
    keadaan: str | None,
    dicatat: datetime | None,
) -> dict[str, object]:
    """The columns of one history entry chained from ``prev``; its ``hash`` is the new head."""
    return {
        "kasus_id": kasus_id,
        "waktu": waktu,
        "oleh": oleh,
        "aksi": aksi,
        "dari_status": dari,
        "ke_status": ke,
        "catatan": catatan,
        "data": data,
        "hash_sebelum": prev,
        "hash": chain.entry_hash(
            prev,
            nomor=nomor,
            waktu=waktu,
            oleh=oleh,
            aksi=aksi,
            dari_status=dari,
            ke_status=ke,
            catatan=catatan,
            data=data,
            keadaan=keadaan,
            dicatat=dicatat,
        ),
        "keadaan": keadaan,
        "dicatat": dicatat,
    }


def case_history(session: Session, case: Case) -> list[History]:
    """A case's entries, oldest first."""
    return list(
        session.exec(select(History).where(History.kasus_id == case.id).order_by(History.id))
    )
