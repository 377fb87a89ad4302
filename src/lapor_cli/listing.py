"""Reading cases: one with its whole history (``lihat``), many with filters (``daftar``).

Lists read columns through SQLAlchemy Core, not ORM objects, and are streamed: a million
cases are never all in memory at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from lapor_cli.attachments import attachment_view, case_attachments
from lapor_cli.deadline_report import rule_text
from lapor_cli.deadlines import Deadlines
from lapor_cli.desks import desk_scope
from lapor_cli.entries import append_history, case_history
from lapor_cli.errors import RegisterError, StatusError, ValidationError
from lapor_cli.handling import get_case, linked_cases
from lapor_cli.identity import parse_nik, parse_phone
from lapor_cli.models import Case, History
from lapor_cli.sqlite_text import DamagedText, tolerant_text
from lapor_cli.validation import clean_text
from lapor_cli.views import case_view, history_view, linked_view
from lapor_cli.workflow import CLOSED_STATUSES, OPEN_STATUSES, Status

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
    session: Session, nomor: str, *, now: datetime, reveal: bool = False, petugas: str = ""
) -> dict[str, object]:
    """``lihat``: a case with its history, oldest first. Revealing the identity and the
    confidential content (``--lengkap``) is itself recorded in the history first.

    Text the register holds damaged (not valid UTF-8) is shown with its bad bytes as U+FFFD,
    and the view then names what is damaged under ``rusak`` (absent when nothing is)."""
    with tolerant_text(session.connection().connection.driver_connection):
        try:
            view = _show_case(session, nomor, now=now, reveal=reveal, petugas=petugas)
        except ValueError:  # a stored time or JSON value that is no longer one
            raise RegisterError(
                f"Kasus {nomor.strip()} tidak dapat dibaca: isinya di register rusak. "
                "Jalankan `lapor periksa`, lalu pulihkan dari cadangan bila perlu."
            ) from None
    return view


def _show_case(
    session: Session, nomor: str, *, now: datetime, reveal: bool, petugas: str
) -> dict[str, object]:
    case = get_case(session, nomor)
    if reveal:
        from lapor_cli.privacy import is_restricted

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
    book = Deadlines(session, now)
    due = book.due(case)
    view = case_view(case, batas_waktu=due, reveal=reveal)
    entries = case_history(session, case)
    view["riwayat"] = [history_view(e, reveal=reveal, rahasia=case.rahasia) for e in entries]
    view["sla_keterangan"] = rule_text(book, case)
    # the duplicates merged into it: every reporter and channel the answer must reach
    view["gabungan"] = [linked_view(row) for row in linked_cases(session, case)]
    # scans, photos, documents kept with the case (personal data: names hidden if rahasia)
    view["lampiran"] = [
        attachment_view(row, rahasia=case.rahasia, reveal=reveal)
        for row in case_attachments(session, case)
    ]
    damaged = _damaged(case, entries)
    if damaged:
        view["rusak"] = damaged
    return view


_ENTRY_TEXTS = ("oleh", "aksi", "dari_status", "ke_status", "catatan")


def _damaged(case: Case, entries: list[History]) -> list[str]:
    """What of a case and its history was read back damaged (see ``sqlite_text``)."""
    found = [
        f"kasus: {c.name}"
        for c in Case.__table__.columns
        if isinstance(getattr(case, c.name), DamagedText)
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


#: The largest LIMIT a database takes (a signed 64-bit integer, SQLite and PostgreSQL alike).
MAX_LIMIT = 2**63 - 1


@dataclass(slots=True)
class CaseList:
    """``daftar``: how many cases match, and the views of the first ``limit`` of them,
    streamed from the open session (consume them before it closes)."""

    total: int
    views: Iterator[dict[str, object]]


def list_cases(
    session: Session,
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
    desk = desk_scope(session, meja, every=semua_meja)
    query = list_query(
        status=status,
        kanal=kanal,
        bulan=bulan,
        cari=cari,
        belum_dilaporkan=belum_dilaporkan,
        meja=desk.kode if desk else None,
        dialect=session.get_bind().dialect.name,
    )
    total = session.execute(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
    ).scalar_one()
    if limit:
        query = query.limit(limit)
    deadlines = Deadlines(session, now)
    deadlines.all_pauses()  # every pause loaded before the cases stream in
    deadlines.closing_dues()  # and every closed case's deadline as it stood at closing
    views = (
        case_view(r, batas_waktu=deadlines.due(r)) for r in session.connection().execute(query)
    )
    return CaseList(total, views)


LIST_COLUMNS = [c for c in Case.__table__.c if c.name not in ("sidik", "garam")]


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
    dialect: str = "sqlite",
) -> sa.Select:
    """A Core select of case columns with the `daftar` filters, newest first; ``meja``: one
    desk's cases only."""
    t = Case.__table__
    query = sa.select(*LIST_COLUMNS)
    if meja:
        query = query.where(t.c.meja == meja)
    statuses = list(status)
    if statuses:
        query = query.where(t.c.status.in_(statuses))
    if kanal:
        query = query.where(t.c.kanal == kanal)
    if bulan:
        year, month = bulan
        start = datetime(year, month, 1)
        end = datetime(year + (month == 12), month % 12 + 1, 1)
        query = query.where(t.c.diterima >= start, t.c.diterima < end)
    if belum_dilaporkan:
        # A merged duplicate's reporter is told its main case's result: listed once that
        # main case is closed. A voided case is answered nowhere.
        main = t.alias("utama")
        closed_mains = sa.select(main.c.nomor).where(main.c.status.in_(CLOSED_STATUSES))
        query = query.where(
            t.c.kanal == "sp4n-lapor",
            t.c.dilaporkan_balik.is_(False),
            t.c.status != Status.DIBATALKAN,
            sa.or_(t.c.status != Status.DIGABUNG, t.c.digabung_ke.in_(closed_mains)),
        )
    identity = identity_search(cari) if cari else None
    if identity is not None:
        # A whole NIK or phone number, written in any accepted form: the stored (normalised,
        # indexed) column is compared, never shown (the list masks it as always).
        column = t.c.nik if identity[0] == "nik" else t.c.hp
        query = query.where(column == identity[1], t.c.anonim.is_(False))
    elif cari:
        needle = cari.strip()

        def has(column: sa.Column) -> sa.ColumnElement[bool]:
            # SQLite's LIKE already ignores (ASCII) case and its lower() folds nothing more, so
            # lower(x) LIKE lower(y) only costs a call per row (1M cases: 1.1 s -> 0.5 s).
            if dialect == "sqlite":
                return column.contains(needle, autoescape=True)
            return column.icontains(needle, autoescape=True)

        query = query.where(
            sa.or_(
                has(t.c.nomor),
                has(t.c.nomor_lapor),
                has(t.c.nomor_formulir),
                sa.and_(t.c.anonim.is_(False), has(t.c.nama)),
                sa.and_(t.c.rahasia.is_(False), has(t.c.uraian)),
            )
        )
    return query.order_by(t.c.diterima.desc(), t.c.id.desc())
