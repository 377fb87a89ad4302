"""Writing many new cases at once, through the database driver (the bulk import's path).

``write_prepared`` is ``record_case`` for many checked cases: the cases and their ``catat``
entries go in as two ``executemany`` of SQL text, each value as the models store it (a time
as :meth:`Reader.time` gives it, a JSON column as :meth:`Reader.doc`, a boolean as the driver
takes it). No SQLAlchemy: an import into an up-to-date register file runs without importing
it (``sqlread.open_writer``); inside a writing command's session the same statements run on
the session's own connection (``Reader.of``). ``tests/test_recording.py`` holds the rows they
store, value by value, to those the ORM's ``record_case`` stores.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from lapor_cli import case_state
from lapor_cli import history as chain
from lapor_cli.new_case_rows import (
    CASE_COLUMNS,
    NEW_CASE_COLUMNS,
    PETUGAS_AT,
    SHARED_COLUMNS,
    Prepared,
    shared_values,
)
from lapor_cli.numbering import format_number
from lapor_cli.sqlread import Reader
from lapor_cli.workflow import OPEN_SQL, Status

if TYPE_CHECKING:
    from lapor_cli.desks import DeskInfo

__all__ = ["ENTRY_COLUMNS", "open_cases_by_identity", "prepared_identity", "write_prepared"]

#: The columns of a history entry as written (``riwayat`` less its id).
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
    "keadaan",
    "dicatat",
)
_CASE_INSERT = (
    f"INSERT INTO kasus ({', '.join((*NEW_CASE_COLUMNS, 'garam'))}) "
    f"VALUES ({', '.join('?' * (len(NEW_CASE_COLUMNS) + 1))})"
)
_ENTRY_INSERT = (
    f"INSERT INTO riwayat ({', '.join(ENTRY_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(ENTRY_COLUMNS))})"
)
#: Where a prepared case's values hold its receipt time (the one time among them).
_DITERIMA_AT = CASE_COLUMNS.index("diterima")
#: Where ``shared_values`` holds the one time and the one JSON value among them.
_SHARED_TIME_AT = SHARED_COLUMNS.index("dicatat")
_SHARED_DOC_AT = SHARED_COLUMNS.index("tembusan")
#: The setting that holds the chain's head (``entries.chain_head``).
HEAD = "rantai"


def write_prepared(
    source: Any, items: list[Prepared], *, now: datetime, desk: DeskInfo, first_urut: int
) -> list[str]:
    """Record prepared cases (``prepare_case`` with the same ``now``) as ``desk``'s cases:
    ``record_case`` for many checked cases at once (the bulk import path).

    The numbers ``first_urut`` onwards must have been reserved with ``reserve_numbers``.
    Cases (each with a fresh salt) and their ``catat`` entries go in as two inserts; each
    entry's state digest and hash are those ``append_history`` would give, chained from the
    stored head, and the head is stored once at the end. The caller holds the write
    transaction (``source``: its session, or a reader opened for writing). Returns the
    numbers.
    """
    if not items:
        return []
    db = Reader.of(source)
    tahun, prefiks = now.year, desk.prefiks
    last_urut = first_urut + len(items) - 1
    urut_range = range(first_urut, last_urut + 1)
    numbers = [format_number(prefiks, tahun, urut) for urut in urut_range]
    shared = shared_values(desk, now)
    stored_shared = list(shared)
    stored_shared[_SHARED_TIME_AT] = db.time(shared[_SHARED_TIME_AT])
    stored_shared[_SHARED_DOC_AT] = db.doc(shared[_SHARED_DOC_AT])
    salts = case_state.new_salts(len(items))
    time, at = db.time, _DITERIMA_AT
    rows = []
    for nomor, urut, item, salt in zip(numbers, urut_range, items, salts, strict=True):
        values = item[0]
        rows.append(
            (nomor, urut, *stored_shared, *values[:at], time(values[at]), *values[at + 1 :], salt)
        )
    db.executemany(_CASE_INSERT, rows)
    del rows
    ids = [
        row[0]
        for row in db.rows(
            "SELECT id FROM kasus WHERE prefiks = ? AND tahun = ? AND urut BETWEEN ? AND ?"
            " ORDER BY urut",
            (prefiks, tahun, first_urut, last_urut),
        )
    ]
    if len(ids) != len(items):  # the reserved numbers were not free: a bug, not input
        raise RuntimeError(f"write_prepared: {len(ids)} kasus untuk {len(items)} nomor")
    prev = chain_head(db)
    aksi, ke, at_now = "catat", Status.DITERIMA.value, db.time(now)
    hashed, identity = chain.chained_hash, case_state.identity_from_json
    state = case_state.state_maker(shared)
    entries = []
    append = entries.append
    for kasus_id, nomor, urut, salt, (values, catatan, data, tail, who, rest) in zip(
        ids, numbers, urut_range, salts, items, strict=True
    ):
        keadaan = state(nomor, urut, identity(salt, who), rest)
        digest = hashed(prev, nomor, tail, keadaan)
        append(
            (
                kasus_id,
                at_now,
                values[PETUGAS_AT],
                aksi,
                None,
                ke,
                catatan,
                data,
                prev,
                digest,
                keadaan,
                at_now,
            )
        )
        prev = digest
    db.executemany(_ENTRY_INSERT, entries)
    set_chain_head(db, prev)
    return numbers


def chain_head(db: Reader) -> str:
    """The hash of the newest entry, as stored (``entries.chain_head``, through the driver)."""
    head = db.scalar("SELECT nilai FROM pengaturan WHERE kunci = ?", (HEAD,))
    return chain.GENESIS if head is None else head


def set_chain_head(db: Reader, value: str) -> None:
    """Store the chain's head (``settings.set_setting`` of ``rantai``, through the driver)."""
    if not db.execute("UPDATE pengaturan SET nilai = ? WHERE kunci = ?", (value, HEAD)):
        db.execute("INSERT INTO pengaturan (kunci, nilai) VALUES (?, ?)", (HEAD, value))


#: Where a prepared case's values (``Prepared[0]``) hold its NIK and phone number.
_NIK_AT, _HP_AT = CASE_COLUMNS.index("nik"), CASE_COLUMNS.index("hp")
#: Values per ``IN (…)`` lookup of open cases by identity.
_LOOKUP = 500


def prepared_identity(item: Prepared) -> tuple[str | None, str | None]:
    """A prepared case's (NIK, phone number)."""
    return item[0][_NIK_AT], item[0][_HP_AT]


def open_cases_by_identity(
    source: Any, values: set[str], *, up_to_id: int | None = None
) -> dict[str, list[str]]:
    """The open cases holding any of ``values`` (NIKs and phone numbers as stored) as their
    NIK or phone: value → those cases' numbers, oldest first (``open_duplicates`` for many
    new cases at once, through the same indexes). ``up_to_id``: only cases up to that id
    (those there before an import that is under way)."""
    db = Reader.of(source)
    found: dict[str, list[str]] = {}
    wanted = sorted(values)
    for start in range(0, len(wanted), _LOOKUP):
        part = wanted[start : start + _LOOKUP]
        marks = ", ".join("?" * len(part))
        query = (
            f"SELECT nomor, nik, hp FROM kasus WHERE (nik IN ({marks}) OR hp IN ({marks}))"
            f" AND {OPEN_SQL}"
        )
        params: list[object] = [*part, *part]
        if up_to_id is not None:
            query += " AND id <= ?"
            params.append(up_to_id)
        for nomor, nik, hp in db.rows(query + " ORDER BY id", params):
            for value in {nik, hp} & values:
                numbers = found.setdefault(value, [])
                if nomor not in numbers:
                    numbers.append(nomor)
    return found
