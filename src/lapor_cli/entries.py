"""The case history in the register: append an entry to the hash chain, read a case's
entries. The hashing itself is pure and lives in :mod:`lapor_cli.history`."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from lapor_cli import history as chain
from lapor_cli.models import Case, History, Setting
from lapor_cli.settings import set_setting

__all__ = ["ENTRY_COLUMNS", "append_history", "case_history", "chain_head", "chained_entry"]

#: The columns of a history entry as :func:`chained_entry` gives them (bulk inserts).
ENTRY_COLUMNS = (
    "kasus_id",
    "waktu",
    "oleh",
    "aksi",
    "dari_status",
    "ke_status",
    "catatan",
    "data",
    "hash_sebelum",
    "hash",
)


def chain_head(session: Session) -> str:
    """The hash of the newest entry (the chain's head as stored)."""
    head = session.get(Setting, "rantai")
    return head.nilai if head else chain.GENESIS



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
) -> History:
    """Append one entry to the hash chain (the caller holds the write transaction)."""
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
        ),
    }


def case_history(session: Session, case: Case) -> list[History]:
    """A case's entries, oldest first."""
    return list(
        session.exec(select(History).where(History.kasus_id == case.id).order_by(History.id))
    )
