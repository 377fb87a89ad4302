"""What a history entry commits to about its case: the case's row as it stands after the entry.

The hash chain (:mod:`lapor_cli.history`) proves that no entry was changed, removed or
inserted. It says nothing about the case table itself, which the commands change beside each
entry: an edit straight to ``kasus`` (the complaint's text, the reporter, the result, the
rating, the receipt time, the SLA rule, ``rahasia``…) would go unnoticed. So every entry
written from schema 0006 on also carries ``keadaan``, a digest of its case's row after the
change, and the entry's hash covers it; ``periksa`` recomputes each case's digest from the row
as it stands now and compares it with the one its newest entry committed to.

What the digest covers (``STATE_COLUMNS``, version 3 since schema 0008; version 2 without its
last column, ``klasifikasi``, from schema 0007; version 1 without the two before that, from
0006): every column of the case row except
``id`` (the row's place, not its content) and the salt, in a fixed order, with the six
identity columns replaced by one identity digest::

    keadaan   = "3:" + SHA-256(JSON [3, nomor, urut, meja, …, identitas, kanal, …, komentar,
                                   digabung_ke, dibuka, klasifikasi])
    identitas = SHA-256(JSON [garam, [nama, nik, kk, hp, email, alamat]])

The JSON is the chain's own (``ensure_ascii=False``, sorted keys, no spaces); times are
``datetime.isoformat()``, booleans and integers JSON's, ``tembusan`` a list, absent values
``null``. Each value is brought to that form from whatever the database gave (SQLite's text
times and 0/1 booleans, a server's own types), so a register digests the same on either.

Identity, and erasing it later (``anonimkan``, :mod:`lapor_cli.privacy`). A digest of the identity
values alone could be reversed by trying every NIK (16 digits, but only some 10^11 plausible
ones: region, birth date, serial) or phone number; the chain keeps its digests for ever, so
it must not keep one of those. Each case therefore has its own random salt
(``kasus.garam``, 128 bits, drawn when the case is recorded; migration 0006 gives every older
case one), and the state commits to ``identitas``, the digest of the salt with the values.
Erasing an identity for good is then: set the six values *and the salt* to NULL and append
the erasure's entry, whose state has ``identitas`` of ``[null, [null, …]]``. The earlier
entries keep only salted digests whose salt is gone: nothing in the register can confirm a
guessed NIK any more, while every hash in the chain still verifies and the newest entry
matches the erased row. (``sidik``, the bulk import's fingerprint of a form's content, holds
the NIK unsalted: the erasure clears it too. It also takes the identity out of the case's
own texts and of its earlier entries' notes and data; how the chain still verifies those
entries is told in :mod:`lapor_cli.history`.)

The bulk import works a case out in a second process before its number is known:
``identity_json`` and ``state_tail`` are made there, and the writer finishes them with
``identity_from_json`` and ``state_from_parts`` — the same digests as ``state_digest`` of the
row, to the byte (a test holds them together).

A later schema change that adds a case column must add a version here (as schema 0007 added
``STATE_COLUMNS[2]`` and schema 0008 ``STATE_COLUMNS[3]``) rather than change an earlier one:
entries already written keep the version they name, and a case's new column is covered from
its next entry on. A migration that changes existing case values breaks the newest digest of
each case it touches (``periksa`` would say so).
"""

from __future__ import annotations

import hashlib
import json
import json.encoder
import operator
import os
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

__all__ = [
    "IDENTITY_COLUMNS",
    "STATE_COLUMNS",
    "STATE_VERSION",
    "canonical",
    "identity_digest",
    "identity_from_json",
    "identity_json",
    "new_case_parts",
    "new_salts",
    "row_digester",
    "state_digest",
    "state_from_parts",
    "state_head_columns",
    "state_maker",
    "state_tail",
    "state_version",
]

STATE_VERSION = 3

#: The reporter's identity: committed to only through the salted ``identitas`` digest.
IDENTITY_COLUMNS = ("nama", "nik", "kk", "hp", "email", "alamat")

#: Each version's columns in digest order. Version 1: the number's columns, those every case
#: of one recording shares, the identity digest, then the case's own columns as recorded,
#: then those the SOP steps fill in later. (The bulk import relies on the first ten being
#: known only to its writer and the rest to its checking process.)
STATE_COLUMNS: dict[int, tuple[str, ...]] = {
    1: (
        "nomor",
        "urut",
        "meja",
        "prefiks",
        "tahun",
        "status",
        "dicatat",
        "tembusan",
        "diperpanjang",
        "identitas",
        "kanal",
        "jenis",
        "uraian",
        "anonim",
        "rahasia",
        "segera",
        "nomor_lapor",
        "nomor_formulir",
        "sidik",
        "diterima",
        "petugas",
        "sla_profil",
        "sla_satuan",
        "sla_nilai",
        "sla_perpanjangan",
        "kategori",
        "kewenangan",
        "unit",
        "jawaban_normatif",
        "didistribusikan",
        "tindaklanjut_terakhir",
        "ditutup",
        "hasil",
        "tepat_waktu",
        "dilaporkan_balik",
        "skor",
        "komentar",
    )
}
#: Version 2 (schema 0007): version 1's columns, then the merged duplicate's main case
#: (``gabung``) and the last reopening (``buka``).
STATE_COLUMNS[2] = (*STATE_COLUMNS[1], "digabung_ke", "dibuka")
#: Version 3 (schema 0008): version 2's columns, then an aduan's classification
#: (``verifikasi --klasifikasi``).
STATE_COLUMNS[3] = (*STATE_COLUMNS[2], "klasifikasi")

#: How a column's value is brought to its digested form (any column not named here: text).
_KINDS: dict[str, str] = {
    "urut": "int",
    "tahun": "int",
    "sla_nilai": "int",
    "sla_perpanjangan": "int",
    "skor": "int",
    "diperpanjang": "bool",
    "anonim": "bool",
    "rahasia": "bool",
    "segera": "bool",
    "kewenangan": "bool",
    "tepat_waktu": "bool",
    "dilaporkan_balik": "bool",
    "dicatat": "time",
    "diterima": "time",
    "didistribusikan": "time",
    "tindaklanjut_terakhir": "time",
    "ditutup": "time",
    "dibuka": "time",
    "tembusan": "json",
}

_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
_json_text = json.encoder.encode_basestring
_HEAD = 10  # STATE_COLUMNS[n][:10]: up to and including "identitas" (the same in every version)


def canonical(column: str, value: object) -> object:
    """``value`` of ``column`` as the digest takes it, whichever database gave it.

    Raises ``ValueError`` or ``TypeError`` for a value that cannot be one of that column's
    (damaged data): the caller reports it."""
    if value is None:
        return None
    kind = _KINDS.get(column, "text")
    if kind == "text":
        if not isinstance(value, str):
            raise TypeError(f"{column}: bukan teks")
        return str(value)  # a StrEnum (Status) or a marked damaged text: its plain text
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{column}: bukan bilangan bulat")
        return value
    if kind == "bool":
        if value in (0, 1):  # SQLite stores 0/1; True == 1
            return bool(value)
        raise TypeError(f"{column}: bukan ya/tidak")
    if kind == "time":
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if not isinstance(value, datetime):
            raise TypeError(f"{column}: bukan waktu")
        return value.isoformat()
    # json
    if isinstance(value, str):
        value = json.loads(value)
    if not isinstance(value, list):
        raise TypeError(f"{column}: bukan daftar")
    return value


def new_salts(count: int) -> list[str]:
    """``count`` fresh random salts (128 bits each, hex) for new cases' identity digests.
    (Tests replace this function to make two registers digest alike.)"""
    raw = os.urandom(16 * count).hex()
    return [raw[i : i + 32] for i in range(0, 32 * count, 32)]


def identity_json(values: Mapping[str, object]) -> str:
    """The identity values (``IDENTITY_COLUMNS``) as the identity digest's JSON has them."""
    return _ENCODER.encode([canonical(c, values.get(c)) for c in IDENTITY_COLUMNS])


def _plain(value: object) -> object:
    """``canonical`` of a value already of its column's Python type (a new case's, made by
    this code): only times need converting."""
    return value.isoformat() if isinstance(value, datetime) else value


def new_case_parts(columns: Sequence[str]) -> Callable[[tuple], tuple[str, str]]:
    """``identity_json`` and ``state_tail`` of new cases given as tuples of ``columns``
    (columns of the tail not among them are null), as ``parts(values)``: the bulk import's
    checking process makes them for every row, so the positions are worked out once."""
    where = {c: i for i, c in enumerate(columns)}
    absent = len(columns)  # the position of the None appended to each tuple
    identity = operator.itemgetter(*(where[c] for c in IDENTITY_COLUMNS))
    tail = operator.itemgetter(*(where.get(c, absent) for c in _TAIL))
    times = [k for k, c in enumerate(_TAIL) if _KINDS.get(c) == "time" and c in where]
    encode = _ENCODER.encode

    def parts(values: tuple) -> tuple[str, str]:
        row = (*values, None)
        own = list(tail(row))
        for k in times:
            if own[k] is not None:
                own[k] = own[k].isoformat()
        return encode(list(identity(row))), encode(own)[1:]

    return parts


def identity_from_json(garam: str | None, values_json: str) -> str:
    """``identity_digest`` from an ``identity_json``."""
    salt = "null" if garam is None else _json_text(garam)
    return hashlib.sha256(f"[{salt},{values_json}]".encode()).hexdigest()


def identity_digest(garam: str | None, values: Mapping[str, object]) -> str:
    """SHA-256 of ``[garam, [nama, nik, kk, hp, email, alamat]]``: what the state commits to
    instead of the identity itself."""
    return identity_from_json(garam, identity_json(values))


def state_version(keadaan: str) -> int | None:
    """The version a stored ``keadaan`` names, or None if it names none this code knows."""
    version, sep, digest = keadaan.partition(":")
    if not sep or not version.isdigit() or len(digest) != 64:
        return None
    number = int(version)
    return number if number in STATE_COLUMNS else None


def state_digest(row: Mapping[str, object], version: int = STATE_VERSION) -> str:
    """``keadaan`` of a case row (a mapping of its columns, ``garam`` and the identity among
    them): ``"3:"`` (the version) + SHA-256 of the JSON list of ``version``'s columns."""
    values: list[object] = [version]
    for column in STATE_COLUMNS[version]:
        if column == "identitas":
            values.append(identity_digest(row.get("garam"), row))
        else:
            values.append(canonical(column, row.get(column)))
    return f"{version}:{hashlib.sha256(_ENCODER.encode(values).encode()).hexdigest()}"


def row_digester(columns: Sequence[str]) -> Callable[[Sequence[object], int], str]:
    """``state_digest`` for many rows given as tuples of ``columns`` (``garam``, the identity
    columns and the columns of every version wanted among them; a version whose columns are
    not all there raises ``ValueError``), as ``digest(row, version)``: what
    ``periksa`` runs on every case, so each column's conversion is chosen once."""
    where = {c: i for i, c in enumerate(columns)}
    plans = {  # the versions whose columns are all given (an older register has fewer)
        version: (
            [(where[c], _converter(c)) for c in cols if c != "identitas"],
            cols.index("identitas"),
        )
        for version, cols in STATE_COLUMNS.items()
        if all(c in where for c in cols if c != "identitas")
    }
    identity = [(where[c], _converter(c)) for c in IDENTITY_COLUMNS]
    salt_at, text = where["garam"], _converter("garam")
    encode, sha256 = _ENCODER.encode, hashlib.sha256

    def digest(row: Sequence[object], version: int) -> str:
        if version not in plans:
            raise ValueError(f"versi keadaan {version} tanpa kolomnya")
        plan, identity_at = plans[version]
        values: list[object] = [version, *(convert(row[i]) for i, convert in plan)]
        who = [text(row[salt_at]), [convert(row[i]) for i, convert in identity]]
        values.insert(identity_at + 1, sha256(encode(who).encode()).hexdigest())
        return f"{version}:{sha256(encode(values).encode()).hexdigest()}"

    return digest


def _converter(column: str) -> Callable[[object], object]:
    """``canonical`` for one column, with the forms SQLite and a server give (and any null)
    answered without a further call; anything else goes the long way."""
    kind = _KINDS.get(column, "text")

    def slow(value: object) -> object:
        return canonical(column, value)

    if kind in ("text", "int"):
        quick = str if kind == "text" else int

        def convert(value: object) -> object:
            return value if value is None or type(value) is quick else slow(value)

    elif kind == "bool":

        def convert(value: object) -> object:
            if value is None or type(value) is bool:
                return value
            return value == 1 if type(value) is int and value in (0, 1) else slow(value)

    elif kind == "time":
        parse = datetime.fromisoformat

        def convert(value: object) -> object:
            if value is None:
                return None
            return parse(value).isoformat() if type(value) is str else slow(value)

    else:  # json

        def convert(value: object) -> object:
            return [] if value == "[]" else slow(value)

    return convert


def state_head_columns() -> tuple[str, ...]:
    """The columns ``state_from_parts`` takes (the current version's first ten)."""
    return STATE_COLUMNS[STATE_VERSION][:_HEAD]


def state_tail(row: Mapping[str, object]) -> str:
    """The end of a state's JSON after ``identitas``: the columns a new case has before its
    number is known (the bulk import's checking process makes it; absent columns are null).
    The values are a new case's own, of their columns' Python types."""
    return _ENCODER.encode([_plain(row.get(c)) for c in _TAIL])[1:]  # without the list's "["


_TAIL = STATE_COLUMNS[STATE_VERSION][_HEAD:]


def state_from_parts(head: Sequence[object], tail: str) -> str:
    """``state_digest`` from the values of ``state_head_columns`` (``identitas`` being the
    identity digest) and a ``state_tail``."""
    columns = state_head_columns()
    values = [STATE_VERSION, *(canonical(c, v) for c, v in zip(columns, head, strict=True))]
    body = _ENCODER.encode(values)[:-1] + "," + tail
    return f"{STATE_VERSION}:{hashlib.sha256(body.encode()).hexdigest()}"


def state_maker(shared: Sequence[object]) -> Callable[[str, int, str, str], str]:
    """``state_from_parts`` for many new cases that share the head's middle (``meja`` …
    ``diperpanjang``: one recording's), as ``make(nomor, urut, identitas, tail)``; that
    middle is encoded once."""
    columns = state_head_columns()[2:-1]
    middle = _ENCODER.encode([canonical(c, v) for c, v in zip(columns, shared, strict=True)])
    start = f"[{STATE_VERSION},"
    middle = "," + middle[1:-1] + ","
    sha256, text, version = hashlib.sha256, _json_text, f"{STATE_VERSION}:"

    def make(nomor: str, urut: int, identitas: str, tail: str) -> str:
        body = f"{start}{text(nomor)},{int(urut)}{middle}{text(identitas)},{tail}"
        return version + sha256(body.encode()).hexdigest()

    return make
