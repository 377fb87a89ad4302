"""The desks (meja) of a register: which desk a command records for, and which desks a list
or a monev covers.

A register starts with one desk, ``utama``; a province (or Biro Humas) adds one per office.
Each desk has a code (``kupang``) and its own number prefix (``KPG``); a case belongs to the
desk that recorded it, and numbers run per prefix per year (``nomor_urut``, bumped under the
register's write lock), so they stay unique and gap-free per desk however many desks write at
once.

Which desk: ``--meja KODE`` or ``LAPOR_MEJA``; a register with one desk needs neither. A
command that records (``catat``, ``impor``) on a register with several desks refuses to guess.
A command that reads covers the chosen desk, or every desk when none is chosen (or with
``--semua-meja``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lapor_cli.errors import NotFoundError, ValidationError
from lapor_cli.sqlread import Reader
from lapor_cli.workflow import OPEN_STATUSES

if TYPE_CHECKING:
    from sqlmodel import Session

MAIN = "utama"
_CODE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,18}[a-z0-9])?")


@dataclass(frozen=True, slots=True)
class DeskInfo:
    """A desk as commands need it (a plain value, usable after the session is closed)."""

    kode: str
    nama: str
    prefiks: str

    def as_json(self) -> dict[str, str]:
        return {"kode": self.kode, "nama": self.nama, "prefiks": self.prefiks}


def normalize_code(value: str) -> str:
    """A desk code: lower-case letters, digits and ``-``, 1–20 characters (``kab-kupang``)."""
    text = value.strip().lower()
    if not _CODE.fullmatch(text):
        raise ValidationError(
            "meja",
            f"Kode meja {value.strip()!r} tidak sah: 1–20 huruf kecil, angka atau '-', "
            "misalnya kupang atau kab-kupang.",
        )
    return text


def normalize_prefix(value: str) -> str:
    """A number prefix: 1–12 letters, digits or ``-``, upper-case (``DS``, ``KPG``)."""
    text = value.strip().upper()
    if not all(ch.isalnum() or ch == "-" for ch in text) or not 1 <= len(text.strip("-")) <= 12:
        raise ValidationError(
            "prefiks", f"Prefiks {value!r} tidak sah: 1–12 huruf/angka, misalnya DS atau DINSOS."
        )
    return text.strip("-")


def all_desks(source: Session | Reader) -> list[DeskInfo]:
    rows = Reader.of(source).rows("SELECT kode, nama, prefiks FROM meja ORDER BY kode")
    return [DeskInfo(*row) for row in rows]


def _unknown(code: str, desks: list[DeskInfo]) -> NotFoundError:
    known = ", ".join(d.kode for d in desks)
    return NotFoundError(
        f"Meja {code!r} tidak ada di register ini (meja yang ada: {known}). "
        "Tambahkan dengan `lapor meja tambah KODE --nama NAMA --prefiks AWALAN`."
    )


def find_desk(session: Session | Reader, code: str) -> DeskInfo:
    desks = all_desks(session)
    wanted = code.strip().lower()
    for desk in desks:
        if desk.kode == wanted:
            return desk
    raise _unknown(code.strip(), desks)


def desk_for_write(session: Session | Reader, chosen: str | None) -> DeskInfo:
    """The desk a new case is recorded for: the chosen one, else the register's only desk."""
    if chosen and chosen.strip():
        return find_desk(session, chosen)
    desks = all_desks(session)
    if len(desks) == 1:
        return desks[0]
    raise ValidationError(
        "meja",
        f"Register ini punya {len(desks)} meja ({', '.join(d.kode for d in desks)}): "
        "pilih mejanya dengan --meja KODE atau LAPOR_MEJA=KODE.",
    )


def desk_scope(
    session: Session | Reader, chosen: str | None, *, every: bool = False
) -> DeskInfo | None:
    """The desk a list, ``sla`` or monev covers; None: every desk of the register."""
    if every or not (chosen and chosen.strip()):
        return None
    return find_desk(session, chosen)


def desk_counts(session: Session) -> dict[str, tuple[int, int]]:
    """Desk code → (cases, open cases)."""
    marks = ", ".join("?" * len(OPEN_STATUSES))
    rows = Reader.of(session).rows(
        f"SELECT meja, count(*), sum(CASE WHEN status IN ({marks}) THEN 1 ELSE 0 END)"
        " FROM kasus GROUP BY meja",
        OPEN_STATUSES,
    )
    return {kode: (total, int(still_open or 0)) for kode, total, still_open in rows}


def add_desk(session: Session, kode: str, nama: str, prefiks: str) -> DeskInfo:
    """A new desk (the caller holds the write transaction)."""
    from lapor_cli.models import Desk

    desk = DeskInfo(normalize_code(kode), _clean_name(nama), normalize_prefix(prefiks))
    desks = all_desks(session)
    if any(d.kode == desk.kode for d in desks):
        raise ValidationError("meja", f"Meja {desk.kode!r} sudah ada.")
    _refuse_taken_prefix(session, desk.prefiks, desks, desk.kode)
    session.add(Desk(**desk.as_json()))
    session.flush()
    return desk


def change_desk(
    session: Session, kode: str, *, nama: str | None = None, prefiks: str | None = None
) -> DeskInfo:
    """A desk's new name and/or prefix; the prefix only while the desk has no case."""
    from lapor_cli.models import Desk

    current = find_desk(session, kode)
    row = session.get(Desk, current.kode)
    if nama is not None:
        row.nama = _clean_name(nama)
    if prefiks is not None:
        value = normalize_prefix(prefiks)
        if value != current.prefiks:
            if count := _case_count(session, current.kode):
                raise ValidationError(
                    "prefiks",
                    f"Awalan nomor meja {current.kode} sudah dipakai {count} kasus "
                    f"({current.prefiks}); tidak dapat diubah lagi.",
                )
            _refuse_taken_prefix(session, value, all_desks(session), current.kode)
            row.prefiks = value
    session.add(row)
    session.flush()
    return DeskInfo(row.kode, row.nama, row.prefiks)


def remove_desk(session: Session, kode: str) -> DeskInfo:
    """Remove a desk added by mistake: only one that never had a case, never the last one."""
    desk = find_desk(session, kode)
    if count := _case_count(session, desk.kode):
        raise ValidationError(
            "meja", f"Meja {desk.kode} sudah punya {count} kasus; meja itu tidak dapat dihapus."
        )
    if len(all_desks(session)) == 1:
        raise ValidationError("meja", f"Meja {desk.kode} satu-satunya meja register ini.")
    from lapor_cli.models import Desk

    session.delete(session.get(Desk, desk.kode))
    session.flush()
    return desk


def _case_count(session: Session, kode: str) -> int:
    return Reader.of(session).scalar("SELECT count(*) FROM kasus WHERE meja = ?", (kode,))


def _clean_name(nama: str) -> str:
    from lapor_cli.validation import clean_text  # writing commands only

    text = " ".join((clean_text("nama", nama, label="Nama meja") or "").split())
    if not text:
        raise ValidationError("nama", "Nama meja tidak boleh kosong.")
    if len(text) > 200:
        raise ValidationError("nama", "Nama meja paling panjang 200 karakter.")
    return text


def _refuse_taken_prefix(session: Session, prefiks: str, desks: list[DeskInfo], kode: str) -> None:
    """A prefix is one desk's for good: not another desk's, nor one numbers were given under."""
    for desk in desks:
        if desk.prefiks == prefiks and desk.kode != kode:
            raise ValidationError(
                "prefiks", f"Awalan {prefiks} sudah dipakai meja {desk.kode}; pilih awalan lain."
            )
    used = Reader.of(session).scalar(
        "SELECT count(*) FROM nomor_urut WHERE prefiks = ?", (prefiks,)
    )
    if used:
        raise ValidationError(
            "prefiks", f"Awalan {prefiks} sudah pernah dipakai untuk nomor; pilih awalan lain."
        )
