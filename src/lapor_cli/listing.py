"""Reading cases: one with its whole history (``lihat``), many with filters (``daftar``).

Both read plain rows through the database driver (``sqlread``, ``case_rows``), not ORM
objects, and lists are streamed: a million cases are never all in memory at once. Only
``lihat --lengkap``, which records that the identity was opened, writes (through the ORM).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from lapor_cli.attachment_files import attachment_view
from lapor_cli.case_rows import (
    LIST_COLUMNS,
    attachment_rows,
    case_rows,
    counted_case_rows,
    find_case,
    history_rows,
    linked_rows,
)
from lapor_cli.deadline_report import rule_text
from lapor_cli.deadlines import Deadlines
from lapor_cli.desks import desk_scope
from lapor_cli.errors import RegisterError, StatusError, ValidationError
from lapor_cli.identity import parse_nik, parse_phone
from lapor_cli.sqlite_text import DamagedText, tolerant_text
from lapor_cli.sqlread import Reader, sql_words
from lapor_cli.views import case_view, history_view, linked_view
from lapor_cli.workflow import CLOSED_STATUSES, OPEN_STATUSES, Status

if TYPE_CHECKING:
    from sqlmodel import Session

__all__ = [
    "CaseList",
    "LIST_COLUMNS",
    "identity_search",
    "list_cases",
    "list_query",
    "parse_statuses",
    "show_case",
]


def show_case(
    session: Session | Reader,
    nomor: str,
    *,
    now: datetime,
    reveal: bool = False,
    petugas: str = "",
) -> dict[str, object]:
    """``lihat``: a case with its history, oldest first. Revealing the identity and the
    confidential content (``--lengkap``) is itself recorded in the history first.

    Text the register holds damaged (not valid UTF-8) is shown with its bad bytes as U+FFFD,
    and the view then names what is damaged under ``rusak`` (absent when nothing is)."""
    try:
        with tolerant_text(Reader.of(session).driver):
            view = _show_case(session, nomor, now=now, reveal=reveal, petugas=petugas)
    except ValueError:  # a stored time or JSON value that is no longer one
        raise RegisterError(
            f"Kasus {nomor.strip()} tidak dapat dibaca: isinya di register rusak. "
            "Jalankan `lapor periksa`, lalu pulihkan dari cadangan bila perlu."
        ) from None
    return view


def _show_case(
    session: Session | Reader, nomor: str, *, now: datetime, reveal: bool, petugas: str
) -> dict[str, object]:
    if reveal:  # a writing command's session: the opening is recorded first
        _reveal(session, nomor, now=now, petugas=petugas)
    db = Reader.of(session)
    case = find_case(db, nomor, columns=_CASE_READ)
    book = Deadlines(session, now)
    due = book.due(case)
    view = case_view(case, batas_waktu=due, reveal=reveal)
    entries = history_rows(db, case.id)
    view["riwayat"] = [history_view(e, reveal=reveal, rahasia=case.rahasia) for e in entries]
    view["sla_keterangan"] = rule_text(book, case)
    # the duplicates merged into it: every reporter and channel the answer must reach
    view["gabungan"] = [linked_view(row) for row in linked_rows(db, case.nomor)]
    # scans, photos, documents kept with the case (personal data: names hidden if rahasia)
    view["lampiran"] = [
        attachment_view(row, rahasia=case.rahasia, reveal=reveal)
        for row in attachment_rows(db, case.id)
    ]
    damaged = _damaged(case, entries)
    if damaged:
        view["rusak"] = damaged
    return view


#: What ``lihat`` reads of a case: every column, so that damage anywhere is named.
_CASE_READ = tuple(LIST_COLUMNS) + ("sidik", "garam")


def _reveal(session: Session, nomor: str, *, now: datetime, petugas: str) -> None:
    """``lihat --lengkap``: refused while the identity is restricted; else recorded in the
    case's history before anything is shown."""
    from lapor_cli.entries import append_history
    from lapor_cli.handling import get_case
    from lapor_cli.privacy import is_restricted
    from lapor_cli.validation import clean_text

    case = get_case(session, nomor)
    restricted = is_restricted(session, case)
    if restricted:
        raise StatusError(
            f"Identitas kasus {case.nomor} dibatasi ({restricted}); tidak dapat dibuka "
            "dengan --lengkap sampai `lapor lepas`."
        )
    petugas = clean_text("petugas", petugas) or "petugas"
    append_history(
        session,
        case,
        waktu=now,
        oleh=petugas,
        aksi="lihat-lengkap",
        dari=case.status,
        ke=case.status,
        catatan="Identitas/isi lengkap dibuka dengan --lengkap",
        data={},
    )


_ENTRY_TEXTS = ("oleh", "aksi", "dari_status", "ke_status", "catatan")


def _damaged(case: Any, entries: list) -> list[str]:
    """What of a case and its history was read back damaged (see ``sqlite_text``)."""
    found = [
        f"kasus: {name}" for name in _CASE_READ if isinstance(getattr(case, name), DamagedText)
    ]
    for number, entry in enumerate(entries, start=1):
        names = [n for n in _ENTRY_TEXTS if isinstance(getattr(entry, n), DamagedText)]
        if _has_replacement(entry.data):
            names.append("data")
        if names:
            found.append(f"riwayat ke-{number}: {', '.join(names)}")
    return found


def _has_replacement(value: object) -> bool:
    """Does a JSON value hold U+FFFD (damaged text decoded), in a key or a string?"""
    if isinstance(value, str):
        return "\ufffd" in value
    if isinstance(value, dict):
        return any(_has_replacement(k) or _has_replacement(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_replacement(v) for v in value)
    return False


def parse_statuses(items: Iterable[str]) -> list[str]:
    """``--status`` values (repeatable, comma-separated; ``terbuka`` = every open status)."""
    statuses: list[str] = []
    for item in items:
        for word in item.split(","):
            word = word.strip().lower()
            if word == "terbuka":
                statuses.extend(OPEN_STATUSES)
            elif word in {s.value for s in Status}:
                statuses.append(word)
            elif word:
                raise ValidationError(
                    "status",
                    f"Status {word!r} tidak dikenal. Pilihan: terbuka, "
                    + ", ".join(s.value for s in Status)
                    + ".",
                )
    return statuses


#: Up to this many listed cases, the deadlines fixed at closing are read case by case.
_FEW = 500

#: The largest LIMIT a database takes (a signed 64-bit integer, SQLite and PostgreSQL alike).
MAX_LIMIT = 2**63 - 1


@dataclass(slots=True)
class CaseList:
    """``daftar``: how many cases match, and the views of the first ``limit`` of them,
    streamed from the open session (consume them before it closes)."""

    total: int
    views: Iterator[dict[str, object]]


def list_cases(
    session: Session | Reader,
    *,
    now: datetime,
    status: Iterable[str] = (),
    kanal: str | None = None,
    bulan: tuple[int, int] | None = None,
    cari: str | None = None,
    belum_dilaporkan: bool = False,
    meja: str | None = None,
    semua_meja: bool = False,
    limit: int | None = None,
) -> CaseList:
    """``daftar``: the cases matching the filters, newest first (``meja``: one desk's)."""
    if limit is not None and limit > MAX_LIMIT:
        raise ValidationError(
            "batas", f"--batas terlalu besar (paling banyak {MAX_LIMIT}); 0 = semua kasus."
        )
    db = Reader.of(session)
    desk = desk_scope(db, meja, every=semua_meja)
    where, params = list_query(
        status=status,
        kanal=kanal,
        bulan=bulan,
        cari=cari,
        belum_dilaporkan=belum_dilaporkan,
        meja=desk.kode if desk else None,
        reader=db,
    )
    ordered = f"{where} ORDER BY diterima DESC, id DESC"
    if limit:
        ordered += f" LIMIT {int(limit)}"
    if cari and identity_search(cari) is None:
        # Text searched for reads every case (no index serves LIKE '%…%'): one pass gives
        # both the count and the newest matches, instead of a count and a walk back through
        # the cases by date.
        total, rows = counted_case_rows(db, ordered, params)
    else:
        total = db.scalar(f"SELECT count(*) FROM kasus {where}", params)
        rows = case_rows(db, ordered, params)
    deadlines = Deadlines(session, now)
    deadlines.all_pauses()  # every pause loaded before the cases stream in
    if not limit or limit > _FEW:
        # every closed case's deadline as it stood at closing, in one query; a screenful
        # asks each of its closed cases' entries instead (the index on kasus_id)
        deadlines.closing_dues()
    views = (case_view(r, batas_waktu=deadlines.due(r)) for r in rows)
    return CaseList(total, views)


#: Search text that may be a NIK or a phone number: digits, perhaps grouped or with ``+``.
_NUMBER_LIKE = re.compile(r"\+?[\d .()-]+")


def identity_search(text: str) -> tuple[str, str] | None:
    """``daftar --cari`` text that is a whole NIK or phone number, in any form the validators
    accept (``0812-3456-7890``, ``+62 812 3456 7890``, ``62812…``, a NIK grouped by spaces or
    dots): ("nik" or "hp", the value as stored); None for any other text."""
    text = text.strip()
    if _NUMBER_LIKE.fullmatch(text) is None:
        return None
    digits = re.sub(r"\D", "", text)
    if len(digits) == 16 and not text.startswith("+"):
        try:
            return "nik", parse_nik(digits)
        except ValidationError:
            return None
    if len(digits) >= 9 and text.lstrip("(").startswith(("0", "+", "62")):
        try:
            return "hp", parse_phone(text)
        except ValidationError:
            return None
    return None


def list_query(
    *,
    status: Iterable[str] = (),
    kanal: str | None = None,
    bulan: tuple[int, int] | None = None,
    cari: str | None = None,
    belum_dilaporkan: bool = False,
    meja: str | None = None,
    reader: Reader | None = None,
) -> tuple[str, list]:
    """The ``WHERE`` of the `daftar` filters (empty for none) and its parameters; ``meja``:
    one desk's cases only. ``reader``: the register it is for (how times are compared)."""
    conditions: list[str] = []
    params: list = []

    def time(value: datetime) -> object:
        return reader.time(value) if reader is not None else value.isoformat(" ", "microseconds")

    if meja:
        conditions.append("meja = ?")
        params.append(meja)
    statuses = list(status)
    if statuses:
        conditions.append(f"status IN ({', '.join('?' * len(statuses))})")
        params.extend(statuses)
    if kanal:
        conditions.append("kanal = ?")
        params.append(kanal)
    if bulan:
        year, month = bulan
        start = datetime(year, month, 1)
        end = datetime(year + (month == 12), month % 12 + 1, 1)
        conditions.append("diterima >= ? AND diterima < ?")
        params.extend((time(start), time(end)))
    if belum_dilaporkan:
        # A merged duplicate's reporter is told its main case's result: listed once that
        # main case is closed. A voided case is answered nowhere.
        conditions.append(
            "kanal = 'sp4n-lapor' AND dilaporkan_balik = ? AND status != ?"
            " AND (status != ? OR digabung_ke IN"
            " (SELECT utama.nomor FROM kasus AS utama"
            f" WHERE utama.status IN {sql_words(CLOSED_STATUSES)}))"
        )
        params.extend((False, Status.DIBATALKAN.value, Status.DIGABUNG.value))
    identity = identity_search(cari) if cari else None
    if identity is not None:
        # A whole NIK or phone number, written in any accepted form: the stored (normalised,
        # indexed) column is compared, never shown (the list masks it as always).
        column = "nik" if identity[0] == "nik" else "hp"
        conditions.append(f"{column} = ? AND anonim = ?")
        params.extend((identity[1], False))
    elif cari:
        # SQLite's LIKE already ignores (ASCII) case; a server's ILIKE does the same.
        pattern = "%" + _escape_like(cari.strip()) + "%"
        has = "{like} ? ESCAPE '/'"
        conditions.append(
            f"(nomor {has} OR nomor_lapor {has} OR nomor_formulir {has}"
            f" OR (anonim = ? AND nama {has}) OR (rahasia = ? AND uraian {has}))"
        )
        params.extend((pattern, pattern, pattern, False, pattern, False, pattern))
    return ("WHERE " + " AND ".join(conditions) if conditions else ""), params


def _escape_like(text: str) -> str:
    """``text`` matched literally by LIKE ... ESCAPE '/'."""
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")
