"""``lapor sla --per-unit``: the morning digest per responsible unit.

For each unit that cases were forwarded to (``distribusi --unit``), its open cases that are
overdue or due within ``dalam`` working days — by the case's own deadline or by the stage
deadline now running (the unit's follow-up, SP4N-LAPOR!: 5 working days from distribution) —
each with its number, status, stage and both deadlines. Nothing of the reporter is in it (no
name, NIK or phone: a unit's message or letter needs only the case numbers), nor any text a
citizen wrote.

The deadlines are those ``lapor sla`` shows (:func:`lapor_cli.deadline_report.sla_report`,
as of the same moment); this module only groups and words them. :func:`digest_text` is plain
text, one block per unit, without table rules or markup, so that a block can be pasted as it
is into a WhatsApp message or a letter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from lapor_cli import sla
from lapor_cli.deadline_report import SlaLine, sla_report
from lapor_cli.deadlines import Deadlines
from lapor_cli.indonesian import HARI, tanggal
from lapor_cli.models import Case
from lapor_cli.workflow import OPEN_STATUSES

__all__ = ["DEFAULT_DALAM", "Digest", "DigestLine", "UnitDigest", "digest_text", "unit_digest"]

#: Working days ahead that count as "nearly due" unless ``--dalam`` says otherwise: the same
#: two days as the ``jatuh tempo`` flag of ``lapor sla``.
DEFAULT_DALAM = 2


@dataclass(frozen=True, slots=True)
class DigestLine:
    """One case of a unit's digest: its deadline and the stage deadline now running."""

    nomor: str
    status: str
    batas_waktu: datetime
    sisa_hari_kerja: int
    terlambat: bool
    tahap: str | None  # "verifikasi" | "tindak lanjut" | None (no stage running)
    tahap_batas: datetime | None
    tahap_sisa: int | None
    tahap_terlambat: bool
    ditunda: bool
    segera: bool
    siap_ditutup: bool
    satuan: str

    @property
    def late(self) -> bool:
        """Overdue: the case's deadline or its stage's has passed."""
        return self.terlambat or self.tahap_terlambat

    @property
    def first_due(self) -> datetime:
        """The earlier of the stage deadline and the case's (the order within a list)."""
        return min(d for d in (self.batas_waktu, self.tahap_batas) if d is not None)

    def as_json(self) -> dict[str, object]:
        return {
            "nomor": self.nomor,
            "status": self.status,
            "batas_waktu": _when(self.batas_waktu, self.satuan),
            "sisa_hari_kerja": self.sisa_hari_kerja,
            "terlambat": self.terlambat,
            "tahap": self.tahap,
            "tahap_batas": _when(self.tahap_batas, sla.HARI_KERJA),
            "tahap_sisa_hari_kerja": self.tahap_sisa,
            "tahap_terlambat": self.tahap_terlambat,
            "ditunda": self.ditunda,
            "segera": self.segera,
            "siap_ditutup": self.siap_ditutup,
        }


@dataclass(slots=True)
class UnitDigest:
    """One unit: how many open cases it holds, and which of them are overdue or nearly due."""

    unit: str
    terbuka: int = 0
    terlambat: list[DigestLine] = field(default_factory=list)
    jatuh_tempo: list[DigestLine] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "unit": self.unit,
            "terbuka": self.terbuka,
            "terlambat": [line.as_json() for line in self.terlambat],
            "jatuh_tempo": [line.as_json() for line in self.jatuh_tempo],
        }


@dataclass(frozen=True, slots=True)
class Digest:
    """The digest as of ``per``: every unit holding open cases (``unit`` asked: that one)."""

    per: datetime
    dalam: int
    kantor: str | None
    units: list[UnitDigest]
    only_late: bool = False  # ``--terlambat``: the nearly-due lists are left empty

    def as_json(self) -> dict[str, object]:
        return {
            "per": self.per.isoformat(timespec="minutes"),
            "dalam_hari_kerja": None if self.only_late else self.dalam,
            "kantor": self.kantor,
            "unit": [u.as_json() for u in self.units],
        }


def _when(value: datetime | None, satuan: str) -> str | None:
    if value is None:
        return None
    if satuan == sla.MENIT:
        return value.isoformat(timespec="minutes")
    return value.date().isoformat()


def unit_digest(
    session: Session,
    as_of: datetime,
    *,
    dalam: int = DEFAULT_DALAM,
    only_late: bool = False,
    unit: str | None = None,
    kantor: str | None = None,
    meja: str | None = None,
    semua_meja: bool = False,
) -> Digest:
    """The digest of every open case forwarded to a unit, as of ``as_of`` (of desk ``meja``
    only, when one is chosen; of unit ``unit`` only, when given: a name or its short form as
    ``distribusi --unit`` takes it; ``only_late``: the overdue ones only). Units come in the
    order of ``data/unit.toml``, then any unit no longer listed there, by name."""
    from lapor_cli.references import normalize_unit, units

    wanted = normalize_unit(unit) if unit else None
    report = sla_report(session, as_of, meja=meja, semua_meja=semua_meja)
    lines = [
        line
        for line in report.lines
        if line.unit is not None and (wanted is None or line.unit == wanted)
    ]
    profiles = _profiles(session, [line.nomor for line in lines if line.tahap_batas])
    book = Deadlines(session, as_of)
    grouped: dict[str, UnitDigest] = {}
    if wanted:
        grouped[wanted] = UnitDigest(wanted)
    for line in lines:
        digest = grouped.setdefault(line.unit, UnitDigest(line.unit))
        digest.terbuka += 1
        entry = _entry(line, book, profiles.get(line.nomor), as_of)
        if entry.late:
            digest.terlambat.append(entry)
        elif (
            not only_late
            and entry.sisa_hari_kerja <= dalam
            or (entry.tahap_sisa is not None and entry.tahap_sisa <= dalam)
        ):
            digest.jatuh_tempo.append(entry)
    for digest in grouped.values():
        digest.terlambat.sort(key=lambda e: (e.first_due, e.nomor))
        digest.jatuh_tempo.sort(key=lambda e: (e.first_due, e.nomor))
    order = {u.nama: i for i, u in enumerate(units())}
    ranked = sorted(grouped.values(), key=lambda d: (order.get(d.unit, len(order)), d.unit))
    return Digest(as_of, dalam, kantor, ranked, only_late)


def _profiles(session: Session, numbers: list[str]) -> dict[str, str]:
    """Each open case's SLA profile (its stage deadline is counted on that profile's
    calendar), for the cases numbered; one query."""
    if not numbers:
        return {}
    query = sa.select(Case.nomor, Case.sla_profil).where(
        Case.status.in_(OPEN_STATUSES), Case.unit.is_not(None)
    )
    wanted = set(numbers)
    return {n: p for n, p in session.connection().execute(query) if n in wanted}


def _entry(line: SlaLine, book: Deadlines, profil: str | None, as_of: datetime) -> DigestLine:
    """The digest names both deadlines, each with its own days left: ``sla``'s line judges
    ``sisa``/``terlambat`` by the binding one, which is the case's own only when it binds."""
    cal = book.calendar(profil) if profil is not None else None
    case_left, case_late = line.sisa_hari_kerja, line.terlambat
    if line.mengikat != "kasus" and cal is not None:
        case_left = sla.remaining_workdays(as_of, line.batas_waktu, cal)
        case_late = as_of > line.batas_waktu
    stage_left, stage_late = None, False
    if line.tahap_batas is not None and cal is not None:
        stage_left = sla.remaining_workdays(as_of.date(), line.tahap_batas.date(), cal)
        stage_late = as_of > line.tahap_batas
    return DigestLine(
        nomor=line.nomor,
        status=line.status,
        batas_waktu=line.batas_waktu,
        sisa_hari_kerja=case_left,
        terlambat=case_late,
        tahap=line.tahap,
        tahap_batas=line.tahap_batas,
        tahap_sisa=stage_left,
        tahap_terlambat=stage_late,
        ditunda=line.ditunda,
        segera=line.segera,
        siap_ditutup=line.siap_ditutup,
        satuan=line.satuan,
    )


# -- plain text ---------------------------------------------------------------------------------


def digest_text(digest: Digest) -> str:
    """The digest as plain text: one block per unit with something overdue or nearly due (a
    unit asked for by name: its block even when empty), blocks apart by a blank line; ''
    when no unit has anything."""
    blocks = [
        _unit_text(u, digest)
        for u in digest.units
        if u.terlambat or u.jatuh_tempo or len(digest.units) == 1
    ]
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def _unit_text(u: UnitDigest, digest: Digest) -> str:
    per = tanggal(digest.per, with_day=True)
    office = f" — {digest.kantor}" if digest.kantor else ""
    if digest.only_late:
        title = f"Kasus terlambat per {per}{office}"
        counts = f"{len(u.terlambat)} terlambat"
    else:
        title = f"Kasus terlambat dan jatuh tempo per {per}{office}"
        counts = (
            f"{len(u.terlambat)} terlambat, {len(u.jatuh_tempo)} jatuh tempo dalam "
            f"{digest.dalam} hari kerja"
        )
    head = [u.unit, title, f"{counts}, dari {u.terbuka} kasus terbuka di unit ini."]
    if not (u.terlambat or u.jatuh_tempo):
        return "\n".join(head)
    body: list[str] = []
    number = 0
    for title, entries in (("Terlambat:", u.terlambat), ("Jatuh tempo:", u.jatuh_tempo)):
        if not entries:
            continue
        body.append(title)
        for entry in entries:
            number += 1
            body.append(f"{number}. {_line_text(entry)}")
    return "\n".join([*head, "", *body])


def _day(value: datetime, satuan: str) -> str:
    text = f"{HARI[value.weekday()]} {value:%d/%m/%Y}"
    return f"{text} {value:%H:%M}" if satuan == sla.MENIT else text


def _left(remaining: int, late: bool) -> str:
    if late:  # sla.remaining_workdays is negative exactly when late
        return f"lewat {-remaining} hari kerja"
    return "hari ini" if remaining == 0 else f"{remaining} hari kerja lagi"


def _line_text(e: DigestLine) -> str:
    parts = []
    if e.tahap and e.tahap_batas is not None and e.tahap_sisa is not None:
        parts.append(
            f"tahap {e.tahap} s.d. {_day(e.tahap_batas, sla.HARI_KERJA)} "
            f"({_left(e.tahap_sisa, e.tahap_terlambat)})"
        )
    parts.append(
        f"batas kasus {_day(e.batas_waktu, e.satuan)} ({_left(e.sisa_hari_kerja, e.terlambat)})"
    )
    notes = [
        note
        for note, on in (
            ("mendesak", e.segera),
            ("ditunda", e.ditunda),
            ("siap ditutup", e.siap_ditutup),
        )
        if on
    ]
    tail = f" [{', '.join(notes)}]" if notes else ""
    return f"{e.nomor} ({e.status}): {'; '.join(parts)}{tail}"
