"""The tamper-evident history: every entry carries the hash of the one before it.

The chain runs over the whole register in the order entries were written (by id), so that an
entry changed, removed or inserted after the fact breaks it. Pure functions: the hash of an
entry, the check of a chain, and the chain's anchor.

An entry's hash is SHA-256 of the JSON list ``[prev, nomor, waktu, oleh, aksi, dari_status,
ke_status, catatan, data]``; an entry written from schema 0006 on also commits to its case's
state after it (``keadaan``, see :mod:`lapor_cli.case_state`), which comes third:
``[prev, nomor, keadaan, waktu, …]``. Entries written before keep their hashes as they are
(their ``keadaan`` is null); once the chain has an entry with a state, every later one must
have one too. An entry written from schema 0007 on also commits to when it was typed in
(``dicatat``; its ``waktu`` is when the step happened, ``--pada``), which comes last:
``[prev, nomor, keadaan, waktu, …, data, dicatat]``. The same rule holds: entries written
before keep their hashes (``dicatat`` null), and once one entry has it every later one must.

An erasure (``anonimkan``) may have to take an identity out of earlier entries' notes and
data (a name in a closing result, a NIK typed into a note). Such an entry keeps its place
and its stored ``hash`` (the next entry still chains from it), but its content no longer
gives that hash. The erasure's own entry, chained after it, names each entry it blanked
with the hash of its content as blanked (``data.disamarkan``: id → hash): ``verify_chain``
checks a blanked entry against that hash instead. So a blanked entry is proved to be what
the erasure left, and the erasure is proved to have happened and to name it; what it said
before is no longer provable (that is the point of an erasure).

The stored head (``pengaturan.rantai``) only says where the chain ends; anyone who can write
the file can also delete the newest entries and set the head back, or recompute the whole
chain. What that cannot fake is an anchor kept outside the register: the number of entries
and the newest one's hash (:class:`Anchor`, written ``1234-3f9a2c7d1e5b8a40``). A register
still extends an anchor when its entry number ``count`` has that hash (prefix) and the chain
from there to now verifies.
"""

from __future__ import annotations

import hashlib
import json
import json.encoder
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

__all__ = [
    "ANCHOR_DIGITS",
    "Anchor",
    "ChainBreak",
    "GENESIS",
    "anchor_problem",
    "chained_hash",
    "entry_hash",
    "entry_tail",
    "parse_anchor",
    "verify_chain",
]

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
    keadaan: str | None = None,
    dicatat: datetime | None = None,
) -> str:
    """The hash of an entry chained from ``prev``: SHA-256 of the JSON list
    ``[prev, nomor, waktu, oleh, aksi, dari_status, ke_status, catatan, data]``, with
    ``keadaan`` third when the entry has one and ``dicatat`` last when it has one."""
    tail = entry_tail(
        waktu=waktu,
        oleh=oleh,
        aksi=aksi,
        dari_status=dari_status,
        ke_status=ke_status,
        catatan=catatan,
        data=data,
        dicatat=dicatat,
    )
    return chained_hash(prev, nomor, tail, keadaan)


def entry_tail(
    *,
    waktu: datetime,
    oleh: str,
    aksi: str,
    dari_status: str | None,
    ke_status: str | None,
    catatan: str | None,
    data: Mapping[str, object],
    dicatat: datetime | None = None,
) -> str:
    """The end of an entry's hashed JSON, after ``prev``, ``nomor`` (and ``keadaan``): all of
    it that can be worked out before the entry's place in the chain, its case's number and
    state are known (the bulk import does it in its checking process)."""
    values = [waktu.isoformat(), oleh, aksi, dari_status, ke_status, catatan, data]
    if dicatat is not None:
        values.append(dicatat.isoformat())
    body = _ENCODER.encode(values)
    return body[1:]  # without the list's "[": the entry's hash puts prev and nomor before it


def chained_hash(prev: str, nomor: str, tail: str, keadaan: str | None = None) -> str:
    """``entry_hash`` from an ``entry_tail``: the same JSON list, the same digest."""
    if keadaan is None:
        body = f"[{_json_text(prev)},{_json_text(nomor)},{tail}"
    else:
        body = f"[{_json_text(prev)},{_json_text(nomor)},{_json_text(keadaan)},{tail}"
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


def verify_chain(
    entries: Iterable[Mapping[str, object]],
    head: str,
    blanked: Mapping[int, tuple[str, str]] | None = None,
) -> list[ChainBreak]:
    """Check entries (in id order, each with its case's ``nomor`` and, from schema 0006 on,
    its ``keadaan``, from 0007 on its ``dicatat``) against the stored head. An entry the
    reader found damaged (``rusak``: why) or whose values cannot be hashed is a break too,
    never an exception. ``blanked``: entry id → (hash of its content as an erasure blanked
    it, the case's number), from the erasures' own entries (see the module's docstring)."""
    blanked = blanked or {}
    breaks: list[ChainBreak] = []
    prev = GENESIS
    stated = False  # an entry with a state has been seen: every later one needs one
    typed = False  # an entry with its typing time has been seen: every later one needs one
    for e in entries:
        keadaan = e.get("keadaan")
        dicatat = e.get("dicatat")
        if e["hash_sebelum"] != prev:
            breaks.append(
                ChainBreak(e["id"], e["nomor"], "rantai terputus (entri hilang/disisipkan)")
            )
        if keadaan is not None:
            stated = True
        elif stated:
            breaks.append(ChainBreak(e["id"], e["nomor"], "entri baru tanpa sidik keadaan kasus"))
        if dicatat is not None:
            typed = True
        elif typed:
            breaks.append(ChainBreak(e["id"], e["nomor"], "entri baru tanpa waktu diketik"))
        damage = e.get("rusak")
        if damage:
            breaks.append(ChainBreak(e["id"], e["nomor"], f"entri rusak: {damage}"))
            prev = e["hash"]
            continue
        try:
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
                keadaan=keadaan,
                dicatat=dicatat,
            )
        except (TypeError, ValueError, AttributeError, UnicodeError):
            expected = None
        erased = blanked.get(e["id"])
        if expected is None:
            breaks.append(ChainBreak(e["id"], e["nomor"], "isi entri rusak, tak dapat dihitung"))
        elif erased is not None and erased[1] == e["nomor"]:
            if expected != erased[0]:
                breaks.append(
                    ChainBreak(e["id"], e["nomor"], "isi entri berubah setelah disamarkan")
                )
        elif expected != e["hash"]:
            breaks.append(ChainBreak(e["id"], e["nomor"], "isi entri berubah setelah dicatat"))
        prev = e["hash"]
    if prev != head:
        breaks.append(ChainBreak(0, "-", "entri terakhir tidak cocok dengan kepala rantai"))
    return breaks


# ------------------------------------------------------------------------------ the anchor

#: Hex digits of the hash in an anchor's short form: 64 bits, which no one forges by trying
#: (a chain recomputed to hit them would take a fast machine years).
ANCHOR_DIGITS = 16
#: The fewest hex digits an anchor given back may have (48 bits).
ANCHOR_MIN_DIGITS = 12
_ANCHOR = re.compile(r"([0-9]+)-([0-9a-f]+)")


@dataclass(frozen=True)
class Anchor:
    """The chain's head as an office keeps it outside the register: how many entries it
    had, and the newest one's hash (``GENESIS`` for none)."""

    count: int
    hash: str

    @property
    def short(self) -> str:
        """``1234-3f9a2c7d1e5b8a40``: short enough to write down or print."""
        return f"{self.count}-{self.hash[:ANCHOR_DIGITS]}"


def parse_anchor(text: str) -> Anchor:
    """An anchor as written (``1234-3f9a2c7d1e5b8a40``, or with more of the hash, up to all
    64 digits; spaces and case do not matter). Raises ``ValueError`` with the reason."""
    compact = "".join(text.split()).lower()
    match = _ANCHOR.fullmatch(compact)
    if match is None:
        raise ValueError(
            f"Jangkar {text.strip()!r} tidak terbaca; bentuknya JUMLAH-HASH, "
            "mis. 1234-3f9a2c7d1e5b8a40 (dari `lapor periksa`)."
        )
    count, digest = int(match[1]), match[2]
    if not ANCHOR_MIN_DIGITS <= len(digest) <= 64:
        raise ValueError(
            f"Hash jangkar harus {ANCHOR_MIN_DIGITS}–64 digit heksadesimal "
            f"(diberikan {len(digest)}); salin seluruhnya dari catatan jangkar."
        )
    return Anchor(count, digest)


def anchor_problem(anchor: Anchor, count: int, hash_at: str | None) -> str | None:
    """Why the register (``count`` entries now; ``hash_at``: the hash of its entry number
    ``anchor.count``, None if there is none) does not extend ``anchor``; None if it does,
    as far as its entries go (the chain from there on is verified apart)."""
    if anchor.count > count:
        return (
            f"register hanya punya {count} entri riwayat, jangkar mencatat {anchor.count}: "
            "entri terbaru dihapus atau rantai diputar mundur"
        )
    if anchor.count == 0:
        return None if GENESIS.startswith(anchor.hash) else "jangkar 0 harus berhash nol"
    if hash_at is None or not hash_at.startswith(anchor.hash):
        return (
            f"entri ke-{anchor.count} tidak lagi berhash {anchor.hash[:ANCHOR_DIGITS]}…: "
            "riwayat sampai titik itu diubah dan rantainya dihitung ulang"
        )
    return None
