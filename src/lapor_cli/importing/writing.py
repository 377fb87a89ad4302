"""Writing a checked file: its new rows become the desk's cases, with their hash-chained
``catat`` entries, in the caller's one write transaction.

Rows whose key is already among the desk's cases are skipped (:func:`existing_keys`), the
numbers are reserved and the cases go in as bulk inserts
(:func:`lapor_cli.new_case_rows.prepare_case`, then :func:`lapor_cli.bulk_cases.write_prepared`)
by a :class:`Writer`, which :mod:`.parallel` uses as well. Every statement is SQL text run on a
:class:`~lapor_cli.sqlread.Reader`: a session's connection, or the register file opened for
the write through ``sqlite3`` alone (``sqlread.open_writer``). A new row with the NIK or phone
number of an open case already in the register is named in a warning, as ``catat`` warns
(:func:`duplicate_notes`). :func:`preview` tells what a write would do, from a read-only look.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from lapor_cli.importing.checks import Checked, content_of, packed_row, row_key, row_of
from lapor_cli.importing.results import ImportRefused, ImportResult, Progress
from lapor_cli.importing.updating import Changed, Updates, apply_updates
from lapor_cli.sqlread import Reader

if TYPE_CHECKING:
    from sqlmodel import Session

    from lapor_cli.desks import DeskInfo
    from lapor_cli.new_case_rows import Prepared
    from lapor_cli.validation import CaseInput

#: Keys per ``IN (…)`` lookup of rows already in the register.
LOOKUP = 500
#: Rows named one by one in the warnings about likely duplicates; the rest are counted.
DUPLICATE_NOTES = 100

#: (spreadsheet row, NIK, phone number) of a row about to be written.
Identity = tuple[int, "str | None", "str | None"]
#: SQLite's page cache while an import writes, in KiB (its own default: 2,000): a cap, the
#: same for any size of file.
BULK_CACHE_KIB = 32 * 1024


def existing_keys(
    source: Session | Reader, keys: dict[str, int], desk: DeskInfo, *, up_to_id: int | None = None
) -> dict[str, tuple[str, int]]:
    """The keys already among ``desk``'s cases: key → (the case's number, packed_row(0,
    fingerprint)). Per desk: two offices' paper forms may well carry the same form number.
    ``up_to_id``: only cases up to that id (those before an import that is under way)."""
    db = Reader.of(source)
    found: dict[str, tuple[str, int]] = {}
    for prefix, column in (("f", "nomor_formulir"), ("s", "sidik")):
        wanted = [k[1:] for k in keys if k[0] == prefix]
        for start in range(0, len(wanted), LOOKUP):
            part = wanted[start : start + LOOKUP]
            # The desk is compared here, not in SQL: a planner without statistics would read
            # the desk's every case through its index instead of looking the keys up.
            query = (
                f"SELECT {column}, nomor, sidik, meja, id FROM kasus"
                f" WHERE {column} IN ({', '.join('?' * len(part))}) ORDER BY id"
            )
            for value, nomor, sidik, meja, case_id in db.rows(query, part):
                if meja == desk.kode and (up_to_id is None or case_id <= up_to_id):
                    found.setdefault(prefix + value, (nomor, packed_row(0, sidik)))
    return found


def changed_keys(keys: dict[str, int], found: dict[str, tuple[str, int]]) -> dict[str, str]:
    """The rows whose form number is in the register with other content: key → the case's
    number. (Rows without a form number are keyed by their content: never "changed".)"""
    return {
        k: nomor
        for k, (nomor, packed) in found.items()
        if k[0] == "f" and content_of(packed) != content_of(keys[k])
    }


def register_notes(keys: dict[str, int], found: dict[str, tuple[str, int]]) -> list[str]:
    """Rows skipped because their form number is in the register with other content: the
    register's case is left as it is (without ``--perbarui`` the import does not update it)."""
    differing = [(row_of(keys[k]), k[1:], nomor) for k, nomor in changed_keys(keys, found).items()]
    if not differing:
        return []
    differing.sort()
    shown = "; ".join(f"baris {r}: {f} = {n}" for r, f, n in differing[:5])
    more = f"; dan {len(differing) - 5} lagi" if len(differing) > 5 else ""
    return [
        f"{len(differing)} baris dilewati: nomor formulirnya sudah ada di register dengan isi "
        f"yang berbeda ({shown}{more}). Kasus itu tidak diperbarui: isinya di register tetap "
        "seperti semula. Bandingkan dengan `lapor lihat NOMOR`; bila isi berkas yang benar, "
        "ulangi dengan --perbarui (perubahannya dicatat sebagai koreksi `ubah`)."
    ]


def find_duplicates(
    source: Session | Reader, rows: list[Identity], *, up_to_id: int | None = None
) -> list[tuple[int, list[str]]]:
    """The rows (spreadsheet row, NIK, phone) whose NIK or phone number an open case already
    in the register has: (row, those cases' numbers). ``up_to_id``: only the cases up to that
    id (those there before an import that is under way), so that the rows of one file are
    not taken for duplicates of each other."""
    from lapor_cli.bulk_cases import open_cases_by_identity

    values = {v for _row, nik, hp in rows for v in (nik, hp) if v}
    if not values:
        return []
    found = open_cases_by_identity(source, values, up_to_id=up_to_id)
    duplicates = []
    for row, nik, hp in rows:
        numbers = [*found.get(nik, ()), *found.get(hp, ())] if nik or hp else []
        if numbers:
            duplicates.append((row, list(dict.fromkeys(numbers))))
    return duplicates


def duplicate_notes(duplicates: list[tuple[int, list[str]]]) -> list[str]:
    """A warning per row that is likely a duplicate of an open case (the first
    ``DUPLICATE_NOTES``; the rest counted in one more)."""
    notes = [
        f"Baris {row}: NIK/HP yang sama sudah ada di kasus terbuka {', '.join(numbers)} — "
        "mungkin kasus ganda dari kanal lain."
        for row, numbers in sorted(duplicates)[:DUPLICATE_NOTES]
    ]
    if len(duplicates) > DUPLICATE_NOTES:
        notes.append(
            f"… dan {len(duplicates) - DUPLICATE_NOTES} baris lain yang NIK/HP-nya sama dengan "
            "kasus terbuka."
        )
    return notes


def preview(
    session: Session,
    checked: Checked,
    desk: DeskInfo,
    *,
    perbarui: bool = False,
    now: datetime | None = None,
    source: str = "",
    lama: bool = False,
) -> ImportResult:
    """``--uji``: what an import for ``desk`` would do, from a read-only look at the register
    (with ``perbarui``: which cases the changed rows would correct, each correction checked as
    the import would check it)."""
    found = existing_keys(session, checked.keys, desk)
    changed = changed_keys(checked.keys, found) if perbarui else {}
    duplicates = []
    rows: list[Changed] = []
    for chunk in checked.cases():
        new = [(n, d, s) for n, d, s in chunk if row_key(d, s) not in found]
        duplicates += find_duplicates(session, new_identities(new))
        rows += changed_rows(chunk, changed)
    result = ImportResult(
        diimpor=checked.count - len(found),
        dilewati=checked.repeated + len(found),
        peringatan=[*checked.warnings, *register_notes(checked.keys, _kept(found, changed))],
        baris=checked.rows,
        uji=True,
    )
    if rows:
        assert now is not None
        updates = apply_updates(session, rows, now=now, source=source, lama=lama, write=False)
        _add_updates(result, updates)
    result.peringatan += duplicate_notes(duplicates)
    return result


def new_identities(rows: list[tuple[int, CaseInput, str]]) -> list[Identity]:
    """(row, NIK, phone) of rows about to be written."""
    return [(n, d.nik, d.hp) for n, d, _s in rows]


def changed_rows(chunk: list[tuple[int, CaseInput, str]], changed: dict[str, str]) -> list[Changed]:
    """The rows of ``chunk`` that change a case already imported: (row, case, fingerprint,
    the case's number)."""
    if not changed:
        return []
    return [(n, d, s, changed[k]) for n, d, s in chunk if (k := row_key(d, s)) in changed]


def _kept(found: dict[str, tuple[str, int]], changed: dict[str, str]) -> dict[str, tuple[str, int]]:
    """The rows found in the register that are skipped (not applied as corrections)."""
    return {k: v for k, v in found.items() if k not in changed} if changed else found


def _add_updates(result: ImportResult, updates: Updates) -> None:
    """Fold the corrections of changed rows into ``result``: counted as updated rather than
    skipped; a refused correction makes the file's bad rows."""
    if updates.errors:
        result.galat = updates.errors
        return
    result.diperbarui = len(updates.nomor)
    result.nomor_diperbarui = updates.nomor
    result.dilewati -= result.diperbarui
    result.peringatan += updates.notes


class Writer:
    """Writes checked rows as ``desk``'s cases, chunk by chunk, into ``result``; the caller
    holds the write transaction (``source``: its session, or a reader opened for writing:
    ``sqlread.open_writer``)."""

    def __init__(
        self,
        source: Session | Reader,
        result: ImportResult,
        *,
        now: datetime,
        settings: dict[str, str],
        desk: DeskInfo,
    ) -> None:
        from lapor_cli.deadlines import Deadlines

        db = Reader.of(source)
        self.db, self.result, self.now, self.desk = db, result, now, desk
        #: The last case before this import: rows are duplicates only of cases up to it.
        self.before = last_case_id(db)
        #: (row, numbers of open cases with the same NIK or phone), as ``find_duplicates``.
        self.duplicates: list[tuple[int, list[str]]] = []
        #: Whether any case up to ``before`` could match a row: one of the desk's (for the
        #: rows already imported), an open one with a NIK or phone (for likely duplicates).
        #: When none can (a new register, a new desk), the lookups per chunk are skipped.
        self.desk_cases, self.open_identities = cases_before(db, desk, self.before)
        #: The rule of every (kanal, jenis, segera) under the register's profile.
        self.rules = Deadlines(db).rules_for_new(settings["profil_sla"])
        if db.dialect == "sqlite":
            # New entries land all over five indexes of kasus (nik, hp, sidik, diterima,
            # meja+diterima): a page cache above SQLite's 2 MB keeps their pages from being
            # written out and read back before the commit. This connection, this command.
            db.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")

    def look_for_duplicates(self, rows: Iterable[Identity]) -> None:
        """Remember which of these rows (about to be written) repeat an open case's NIK or
        phone number (``rows`` is not even gone through when no open case could match)."""
        if self.open_identities:
            self.duplicates += find_duplicates(self.db, list(rows), up_to_id=self.before)

    def prepared(
        self, rows: list[tuple[int, str, str, CaseInput]]
    ) -> list[tuple[int, str, str, Prepared]]:
        """Checked rows (row, key, fingerprint, case) prepared here (``prepare_case``, with
        this ``now`` and these rules), as the checking process sends prepared ones."""
        from lapor_cli.new_case_rows import prepare_under

        now, rules = self.now, self.rules
        return [(n, k, s, prepare_under(rules, d, s, now=now)) for n, k, s, d in rows]

    def write(self, rows: list[tuple[CaseInput, str]]) -> None:
        """Record (case, fingerprint) pairs under the next numbers of the desk's year."""
        from lapor_cli.new_case_rows import prepare_under

        now, rules = self.now, self.rules
        self.write_prepared([prepare_under(rules, d, s, now=now) for d, s in rows])

    def write_prepared(self, items: list[Prepared]) -> None:
        """Record cases ``prepare_case`` made (with this ``now`` and these rules)."""
        if not items:
            return
        from lapor_cli.bulk_cases import write_prepared
        from lapor_cli.numbering import reserve_numbers

        db, desk = self.db, self.desk
        first = reserve_numbers(db, desk.prefiks, self.now.year, len(items))
        given = write_prepared(db, items, now=self.now, desk=desk, first_urut=first)
        result = self.result
        result.diimpor += len(given)
        if result.nomor_awal is None:
            result.nomor_awal = given[0]
        result.nomor_akhir = given[-1]


def write_checked(
    session: Session,
    checked: Checked,
    *,
    now: datetime,
    settings: dict[str, str],
    desk: DeskInfo,
    progress: Progress | None = None,
    perbarui: bool = False,
    source: str = "",
    lama: bool = False,
) -> ImportResult:
    """Write a checked file's new rows as ``desk``'s cases (with ``perbarui``: and apply its
    changed rows as corrections); the caller holds the write transaction."""
    if checked.errors:
        raise ImportRefused(
            checked.errors, header_row=checked.header_row, bad_rows=checked.bad_rows
        )
    found = existing_keys(session, checked.keys, desk)
    changed = changed_keys(checked.keys, found) if perbarui else {}
    result = ImportResult(
        dilewati=checked.repeated + len(found),
        peringatan=[*checked.warnings, *register_notes(checked.keys, _kept(found, changed))],
        baris=checked.rows,
    )
    todo = checked.count - len(found)
    if todo <= 0 and not changed:
        return result
    writer = Writer(session, result, now=now, settings=settings, desk=desk) if todo > 0 else None
    rows: list[Changed] = []
    for chunk in checked.cases():
        rows += changed_rows(chunk, changed)
        if writer is None:
            continue
        new = [(n, d, s) for n, d, s in chunk if row_key(d, s) not in found]
        writer.look_for_duplicates(new_identities(new))
        writer.write([(d, s) for _n, d, s in new])
        if progress is not None:
            progress("tulis", result.diimpor, todo)
    if result.diimpor != max(todo, 0):  # the spill and the keys disagree: a bug, not input
        raise RuntimeError(f"impor: {result.diimpor} ditulis, {todo} diharapkan")
    if rows:
        updates = apply_updates(session, rows, now=now, source=source, lama=lama)
        if updates.errors:
            raise ImportRefused(updates.errors, result=_refused(result, updates))
        _add_updates(result, updates)
    if writer is not None:
        result.peringatan += duplicate_notes(writer.duplicates)
    return result


def _refused(result: ImportResult, updates: Updates) -> ImportResult:
    """The report of a file refused because a correction was: nothing written."""
    return ImportResult(galat=updates.errors, peringatan=result.peringatan, baris=result.baris)


def last_case_id(source: Session | Reader) -> int:
    """The id of the register's last case (0: none)."""
    return Reader.of(source).scalar("SELECT max(id) FROM kasus") or 0


def cases_before(source: Session | Reader, desk: DeskInfo, up_to_id: int) -> tuple[bool, bool]:
    """Whether the register has, up to case ``up_to_id``: a case of ``desk``; an open case
    with a NIK or a phone number."""
    if not up_to_id:
        return False, False
    from lapor_cli.workflow import OPEN_SQL

    row = Reader.of(source).one(
        "SELECT EXISTS (SELECT 1 FROM kasus WHERE id <= ? AND meja = ?),"
        f" EXISTS (SELECT 1 FROM kasus WHERE id <= ? AND {OPEN_SQL}"
        " AND (nik IS NOT NULL OR hp IS NOT NULL))",
        (up_to_id, desk.kode, up_to_id),
    )
    assert row is not None
    return bool(row[0]), bool(row[1])
