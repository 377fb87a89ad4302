"""The reporter's receipt slip (``lapor tanda-terima``): what it says, and the slip as plain
text for a thermal or dot-matrix printer. The PDF of the same slip is
:mod:`lapor_cli.documents`.

What a slip holds: the office (and the desk, on a register of several), the register number
(and the SP4N-LAPOR! tracking number), when the case was received and through which channel,
a one-line summary, the deadline in words ("paling lambat Rabu, 25 November 2026"), and how
to ask about the case (``lapor kantor --kontak``). What it never holds: the NIK, KK or phone
number (a number typed into the complaint's text is masked as on screens), and nothing of a
``rahasia`` case's content; the reporter's name only when the case is neither ``anonim`` nor
``rahasia`` (a slip can be left on a counter). Printing a slip is a history entry.
"""

from __future__ import annotations

import textwrap
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlmodel import Session

from lapor_cli import sla
from lapor_cli.deadlines import Deadlines
from lapor_cli.entries import append_history
from lapor_cli.handling import get_case
from lapor_cli.identity import scrub_text
from lapor_cli.indonesian import tanggal
from lapor_cli.models import Case, Desk
from lapor_cli.references import JENIS_LABEL, KANAL_LABEL
from lapor_cli.validation import clean_text

__all__ = ["Receipt", "receipt", "receipt_text", "summary_line"]

SUMMARY_WIDTH = 90
HIDDEN = "(dirahasiakan)"


@dataclass(frozen=True)
class Receipt:
    """One slip's content, every field already fit to print."""

    kantor: str
    meja: str | None
    judul: str
    nomor: str
    nomor_lapor: str | None
    diterima: str
    kanal: str
    jenis: str
    pelapor: str
    ringkasan: str
    batas_waktu: str
    kontak: str
    petugas: str
    dicetak: str

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def summary_line(case: Case, width: int = SUMMARY_WIDTH) -> str:
    """The complaint in one line: its first line, identity numbers masked, cut at a word;
    a ``rahasia`` case's content is never shown."""
    if case.rahasia:
        return "(isi dirahasiakan)"
    first = " ".join(scrub_text(case.uraian or "").split())
    return textwrap.shorten(first, width=width, placeholder=" …") or "-"


def deadline_words(due: datetime | None, minutes: bool) -> str:
    """``paling lambat Rabu, 25 November 2026`` (a deadline in minutes: with the time)."""
    if due is None:
        return "-"
    text = f"paling lambat {tanggal(due, with_day=True)}"
    return text + f" pukul {due:%H:%M}" if minutes else text


def receipt(
    session: Session,
    nomor: str,
    *,
    now: datetime,
    petugas: str,
    settings: dict[str, str],
    kind: str = "pdf",
) -> Receipt:
    """The slip of case ``nomor``, recorded in its history as printed (``kind``: pdf or
    teks)."""
    petugas = clean_text("petugas", petugas) or "petugas"
    case = get_case(session, nomor)
    book = Deadlines(session, now)
    due = book.due(case)
    kantor = settings.get("kantor_nama") or "Dinas Sosial"
    desk = session.get(Desk, case.meja)
    meja = desk.nama if desk is not None and desk.nama != kantor else None
    if case.anonim:
        pelapor = "Anonim"
    elif case.rahasia:
        pelapor = HIDDEN
    else:
        pelapor = case.nama or "-"
    kontak = (settings.get("kantor_kontak") or "").strip()
    ask = (
        f"Tanyakan perkembangan kasus Anda melalui {kontak} dengan menyebut nomor register."
        if kontak
        else f"Tanyakan perkembangan kasus Anda di meja pengaduan {kantor} dengan menyebut "
        "nomor register."
    )
    slip = Receipt(
        kantor=kantor,
        meja=meja,
        judul=f"TANDA TERIMA {JENIS_LABEL.get(case.jenis, case.jenis).upper()}",
        nomor=case.nomor,
        nomor_lapor=case.nomor_lapor,
        diterima=tanggal(case.diterima, with_day=True, time=True),
        kanal=KANAL_LABEL.get(case.kanal, case.kanal),
        jenis=JENIS_LABEL.get(case.jenis, case.jenis),
        pelapor=pelapor,
        ringkasan=summary_line(case),
        batas_waktu=deadline_words(due, case.sla_satuan == sla.MENIT),
        kontak=ask,
        petugas=case.petugas,
        dicetak=tanggal(now, time=True),
    )
    append_history(
        session,
        case,
        waktu=now,
        oleh=petugas,
        aksi="tanda-terima",
        dari=case.status,
        ke=case.status,
        catatan=f"Tanda terima dicetak ({'teks' if kind == 'teks' else 'PDF'})",
        data={"format": kind},
    )
    return slip


def receipt_rows(slip: Receipt) -> list[tuple[str, str]]:
    """The slip's label/value rows, in print order (shared by the text and the PDF)."""
    rows = [("Nomor register", slip.nomor)]
    if slip.nomor_lapor:
        rows.append(("Nomor SP4N-LAPOR!", slip.nomor_lapor))
    rows += [
        ("Diterima", slip.diterima),
        ("Kanal", slip.kanal),
        ("Jenis", slip.jenis),
        ("Pelapor", slip.pelapor),
        ("Perihal", slip.ringkasan),
        ("Batas waktu", slip.batas_waktu),
    ]
    return rows


def receipt_text(slip: Receipt, width: int = 40) -> str:
    """The slip as plain text ``width`` columns wide (40 fits 58 mm and 80 mm thermal rolls
    and any dot-matrix printer), lines ending in ``\\n``."""
    width = max(24, width)
    rule = "-" * width
    out: list[str] = []

    def centred(text: str) -> None:
        out.extend(line.center(width).rstrip() for line in textwrap.wrap(text, width) or [""])

    centred(slip.kantor)
    if slip.meja:
        centred(slip.meja)
    out.append(rule)
    centred(slip.judul)
    out.append(rule)
    for label, value in receipt_rows(slip):
        out.append(f"{label}:")
        out.extend(textwrap.wrap(value, width, initial_indent="  ", subsequent_indent="  "))
    out.append(rule)
    out.extend(textwrap.wrap(slip.kontak, width))
    out.append(rule)
    out.extend(textwrap.wrap(f"Diterima oleh {slip.petugas}; dicetak {slip.dicetak}.", width))
    out.append("")
    return "\n".join(out) + "\n"
