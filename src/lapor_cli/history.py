"""The tamper-evident history: every entry carries the hash of the one before it.

The chain runs over the whole register in the order entries were written (by id), so that an
entry changed, removed or inserted after the fact breaks it. Pure functions: the hash of an
entry and the check of a chain.
"""

from __future__ import annotations

import hashlib
import json
import json.encoder
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

GENESIS = "0" * 64


def entry_hash(
    prev: str,
    *,
    nomor: str,
    waktu: datetime,
    oleh: str,
    aksi: str,
    dari_status: str | None,
    ke_status: str | None,
    catatan: str | None,
    data: Mapping[str, object],
) -> str:
    """The hash of an entry chained from ``prev``: SHA-256 of the JSON list
    ``[prev, nomor, waktu, oleh, aksi, dari_status, ke_status, catatan, data]``."""
    tail = entry_tail(
        waktu=waktu,
        oleh=oleh,
        aksi=aksi,
        dari_status=dari_status,
        ke_status=ke_status,
        catatan=catatan,
        data=data,
    )
    return chained_hash(prev, nomor, tail)


def entry_tail(
    *,
    waktu: datetime,
    oleh: str,
    aksi: str,
    dari_status: str | None,
    ke_status: str | None,
    catatan: str | None,
    data: Mapping[str, object],
) -> str:
    """The end of an entry's hashed JSON, after ``prev`` and ``nomor``: all of it that can be
    worked out before the entry's place in the chain and its case's number are known (the
    bulk import does it in its checking process)."""
    body = _ENCODER.encode([waktu.isoformat(), oleh, aksi, dari_status, ke_status, catatan, data])
    return body[1:]  # without the list's "[": the entry's hash puts prev and nomor before it


def chained_hash(prev: str, nomor: str, tail: str) -> str:
    """``entry_hash`` from an ``entry_tail``: the same JSON list, the same digest."""
    body = f"[{_json_text(prev)},{_json_text(nomor)},{tail}"
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


_ENCODER = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str
)  # what json.dumps(…, ensure_ascii=False, sort_keys=True, …) uses, made once
_json_text = json.encoder.encode_basestring  # a str as json.dumps(ensure_ascii=False) writes it


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    nomor: str
    reason: str


def verify_chain(entries: Iterable[Mapping[str, object]], head: str) -> list[ChainBreak]:
    """Check entries (in id order, each with its case's ``nomor``) against the stored head."""
    breaks: list[ChainBreak] = []
    prev = GENESIS
    for e in entries:
        if e["hash_sebelum"] != prev:
            breaks.append(
                ChainBreak(e["id"], e["nomor"], "rantai terputus (entri hilang/disisipkan)")
            )
        expected = entry_hash(
            e["hash_sebelum"],
            nomor=e["nomor"],
            waktu=e["waktu"],
            oleh=e["oleh"],
            aksi=e["aksi"],
            dari_status=e["dari_status"],
            ke_status=e["ke_status"],
            catatan=e["catatan"],
            data=e["data"],
        )
        if expected != e["hash"]:
            breaks.append(ChainBreak(e["id"], e["nomor"], "isi entri berubah setelah dicatat"))
        prev = e["hash"]
    if prev != head:
        breaks.append(ChainBreak(0, "-", "entri terakhir tidak cocok dengan kepala rantai"))
    return breaks
