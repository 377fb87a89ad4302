"""Correcting a recorded case (``ubah``): intake fields typed wrong, mended with the reason.

The corrected case is checked exactly as ``catat`` checks a new one (:func:`validate_case` on
the case as it would stand), so a correction cannot make a case that ``catat`` would refuse.
A value equal to the one recorded is no change; a correction that changes nothing is refused.

What follows from the corrected facts follows at once: a corrected receipt time moves the
deadline; a corrected channel, kind, urgency, category or classification chooses the SLA
rule again under the profile the case was recorded with (its category and classification
only once verification put the case within the office's authority, as ``verifikasi`` does);
a closed case's on-time verdict is judged again against the new deadline. A classification
(berkadar pengawasan or not) is an aduan's only: it is given or corrected only on a verified
aduan, and a kind corrected away from aduan must clear it in the same command.

The history entry (aksi ``ubah``) keeps each field's old and new value and the reason. The
reporter's identity is kept there only masked (``3171********0001``, ``S*** A*****``): the case
row holds the real values, which a later erasure (``anonimkan``) can remove for good, while
the history can never be changed. The import's content fingerprint (``sidik``) keeps the form
as it was received, so that importing the same paper form again still finds the case.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from lapor_cli import workflow
from lapor_cli.deadlines import CLOSING_DUE, Deadlines
from lapor_cli.entries import append_history
from lapor_cli.errors import StatusError, ValidationError
from lapor_cli.handling import get_case
from lapor_cli.models import Case, History
from lapor_cli.recording import open_duplicates
from lapor_cli.validation import IDENTITY_FIELDS, CaseInput, clean_text, validate_case
from lapor_cli.views import case_view, iso, masked_identity

__all__ = ["CORRECTABLE", "Corrected", "check_correction", "correct_case"]

#: The fields ``ubah`` corrects (``catat``'s, and the category and an aduan's classification
#: set by ``verifikasi``), in the
#: order a change is told; the label each has in messages and the history.
CORRECTABLE: dict[str, str] = {
    "diterima": "diterima",
    "kanal": "kanal",
    "jenis": "jenis",
    "segera": "segera",
    "kategori": "kategori",
    "klasifikasi": "klasifikasi",
    "uraian": "uraian",
    "rahasia": "rahasia",
    "nama": "nama",
    "nik": "NIK",
    "kk": "KK",
    "hp": "HP",
    "email": "email",
    "alamat": "alamat",
    "nomor_lapor": "nomor SP4N-LAPOR!",
    "nomor_formulir": "nomor formulir",
}
_RULE_FACTS = frozenset(("kanal", "jenis", "segera", "kategori", "klasifikasi"))
_VERIFIED = frozenset(("kategori", "klasifikasi"))  # set by verifikasi, not by catat
#: The intake fields validate_case reads (a new case's), as the case row holds them.
_INTAKE = tuple(f.name for f in dataclasses.fields(CaseInput))


@dataclass(frozen=True, slots=True)
class Corrected:
    """What ``ubah`` reports: the case as it now stands, its deadline before and after, the
    changes as screens show them (field → (old, new): NIK, KK, phone and email masked), and
    warnings."""

    view: dict[str, object]
    batas_waktu: datetime
    batas_sebelum: datetime
    perubahan: dict[str, tuple[object, object]]
    notes: list[str]
    duplicates: list[str]
    tepat_waktu: tuple[bool | None, bool | None] | None = None  # a closed case judged again


def correct_case(
    session: Session,
    nomor: str,
    fields: Mapping[str, object],
    *,
    now: datetime,
    petugas: str,
    alasan: str | None,
    lama: bool = False,
    sidik: str | None = None,
) -> Corrected:
    """``ubah``: correct the given ``fields`` of a case (option values as typed; an empty
    text clears an optional field), with the reason. Refused, nothing written: no field, no
    reason, a voided case, a value ``catat`` would refuse, a receipt after the case's first
    step, or nothing that differs from what is recorded.

    A corrected receipt time in an earlier year or more than 30 days ago needs ``lama``, as
    in ``catat``; the receipt already recorded is never questioned again. ``sidik``: the
    content fingerprint of the form as an import now gives it (``impor --perbarui``), so that
    the same file imported once more finds the case unchanged."""
    given = {name: value for name, value in fields.items() if value is not None}
    unknown = sorted(set(given) - set(CORRECTABLE))
    if unknown:  # a bug in the caller, not input
        raise ValueError(f"correct_case: bukan isian kasus: {', '.join(unknown)}")
    if not given:
        raise ValidationError(
            "ubah",
            "Sebutkan isian yang dikoreksi, mis. --nama, --diterima atau --kanal "
            "(lihat `lapor ubah --help`).",
        )
    reason = clean_text("alasan", alasan, True)
    if reason is None:
        raise ValidationError("alasan", "--alasan wajib: tulis mengapa data kasus dikoreksi.")
    petugas = clean_text("petugas", petugas) or "petugas"
    case, data, new, changed = _plan(session, nomor, given, now=now, lama=lama)

    book = Deadlines(session, now)
    before = book.due(case)
    old_rule = Deadlines.describe(case)
    old_verdict = case.tepat_waktu
    kept = {name: (_kept(name, getattr(case, name)), _kept(name, new[name])) for name in changed}
    shown = {name: (_shown(name, getattr(case, name)), _shown(name, new[name])) for name in changed}
    for name in changed:
        setattr(case, name, new[name])
    if sidik is not None:
        case.sidik = sidik
    if _RULE_FACTS & set(changed):
        rule = book.rule_for_case(
            case,
            kanal=case.kanal,
            jenis=case.jenis,
            segera=bool(case.segera),
            kategori=case.kategori if case.kewenangan else None,
            klasifikasi=case.klasifikasi if case.kewenangan else None,
        )
        case.sla_profil = rule.profil
        case.sla_satuan, case.sla_nilai = rule.satuan, rule.nilai
        case.sla_perpanjangan = rule.perpanjangan
    if "kanal" in changed and case.status in (*workflow.CLOSED_STATUSES, workflow.Status.DIGABUNG):
        # a closed SP4N-LAPOR! case is still to be answered there; no other channel is
        if case.kanal != "sp4n-lapor":
            case.dilaporkan_balik = None
        elif case.dilaporkan_balik is None:
            case.dilaporkan_balik = False
    book = Deadlines(session, now)  # afresh: rule and receipt may have changed
    judged_again = None
    refacts = ({"diterima"} | set(_RULE_FACTS)) & set(changed)
    if refacts and case.ditutup is not None and case.status in workflow.CLOSED_STATUSES:
        # the facts of its deadline corrected: judged again, by the deadline they give now
        judged_again = book.due(case, recompute=True)
        case.tepat_waktu = case.ditutup <= judged_again
    after = judged_again or book.due(case)

    detail: dict[str, object] = {
        "alasan": reason,
        "perubahan": {name: {"lama": old, "baru": new_} for name, (old, new_) in kept.items()},
    }
    new_rule = Deadlines.describe(case)
    if new_rule != old_rule:
        detail["sla"] = {"lama": old_rule, "baru": new_rule}
    if case.tepat_waktu != old_verdict:
        detail["tepat_waktu"] = {"lama": old_verdict, "baru": case.tepat_waktu}
    if judged_again is not None:
        detail[CLOSING_DUE] = judged_again.isoformat()
    labels = ", ".join(CORRECTABLE[name] for name in changed)
    session.add(case)
    append_history(
        session,
        case,
        waktu=now,
        oleh=petugas,
        aksi="ubah",
        dari=case.status,
        ke=case.status,
        catatan=f"Koreksi {labels}: {reason}",
        data=detail,
    )
    duplicates = []
    if {"nik", "hp"} & set(changed):
        duplicates = open_duplicates(session, data, exclude=case.id)
    return Corrected(
        case_view(case, batas_waktu=after),
        after,
        before,
        shown,
        book.notes(case) if "diterima" in changed else [],
        duplicates,
        (old_verdict, case.tepat_waktu) if case.tepat_waktu != old_verdict else None,
    )


def check_correction(
    session: Session, nomor: str, fields: Mapping[str, object], *, now: datetime, lama: bool
) -> list[str]:
    """The fields a correction of ``nomor`` would change, refused exactly as
    :func:`correct_case` would refuse it (but for the reason), writing nothing: what
    ``impor --perbarui --uji`` tells."""
    given = {name: value for name, value in fields.items() if value is not None}
    return _plan(session, nomor, given, now=now, lama=lama)[3]


def _plan(
    session: Session, nomor: str, given: Mapping[str, object], *, now: datetime, lama: bool
) -> tuple[Case, CaseInput, dict[str, object], list[str]]:
    """(the case, the case as it would stand, each correctable field's new value, the fields
    that change); refused when the case is voided, a value is one ``catat`` would refuse,
    nothing changes, or the corrected receipt comes after the case's first step."""
    case = get_case(session, nomor)
    if case.status == workflow.Status.DIBATALKAN:
        raise StatusError(
            f"Kasus {case.nomor} sudah dibatalkan (salah catat); datanya tidak dikoreksi lagi."
        )
    data = _validated(case, given, now=now, lama=lama)
    new: dict[str, object] = {
        name: getattr(data, name) for name in CORRECTABLE if name not in _VERIFIED
    }
    new["kategori"] = _kategori(case, given.get("kategori"))
    new["klasifikasi"] = _klasifikasi(case, given.get("klasifikasi"), new["jenis"])
    changed = [name for name in CORRECTABLE if name in given and new[name] != getattr(case, name)]
    if not changed:
        raise ValidationError(
            "ubah",
            f"Tidak ada yang berubah: nilai yang diberikan sama dengan yang tercatat di "
            f"kasus {case.nomor}.",
        )
    if "diterima" in changed:
        _check_receipt(session, case, new["diterima"])  # type: ignore[arg-type]
    return case, data, new, changed


def _validated(case: Case, given: Mapping[str, object], *, now: datetime, lama: bool) -> CaseInput:
    """The case as it would stand, checked as ``catat`` checks a new case (every problem
    together, each naming its field)."""
    raw: dict[str, object] = {name: getattr(case, name) for name in _INTAKE}
    raw.update({name: value for name, value in given.items() if name not in _VERIFIED})
    # A case recorded long ago is no typo: only a corrected receipt is checked for one.
    data, errors = validate_case(raw, now=now, lama=lama or "diterima" not in given)
    if errors:
        first = errors[0]
        if len(errors) > 1:
            raise ValidationError(first.field, " ".join(e.message for e in errors))
        raise first
    assert data is not None
    return data


def _kategori(case: Case, given: object) -> str | None:
    """The corrected category (its code), or the recorded one when none is given. A category
    is given at verification: an unverified case has none to correct."""
    if given is None:
        return case.kategori
    from lapor_cli.references import normalize_kategori

    text = clean_text("kategori", given)
    if case.kategori is None:
        raise ValidationError(
            "kategori",
            f"Kasus {case.nomor} belum diverifikasi: kategorinya ditetapkan dengan "
            f"`lapor verifikasi {case.nomor} --kategori …`.",
        )
    if text is None:
        raise ValidationError("kategori", "Kategori tidak dapat dikosongkan.")
    return normalize_kategori(text)


def _klasifikasi(case: Case, given: object, jenis: str) -> str | None:
    """The corrected classification (an empty text clears it), or the recorded one when none
    is given; refused on a case not verified yet, and on any kind but aduan (also when the
    kind is corrected away from aduan and the recorded classification is not cleared)."""
    if given is None:
        if case.klasifikasi is not None and jenis != "aduan":
            raise ValidationError(
                "klasifikasi",
                f"Kasus {case.nomor} berklasifikasi {case.klasifikasi}, yang hanya untuk aduan; "
                f"jenis {jenis} tanpa klasifikasi. Kosongkan sekaligus dengan --klasifikasi ''.",
            )
        return case.klasifikasi
    from lapor_cli.references import normalize_klasifikasi

    text = clean_text("klasifikasi", given)
    kelas = normalize_klasifikasi(text) if text is not None else None
    if kelas is not None and jenis != "aduan":
        raise ValidationError(
            "klasifikasi",
            f"Klasifikasi hanya untuk aduan; kasus {case.nomor} berjenis {jenis}.",
        )
    if case.kategori is None:
        raise ValidationError(
            "klasifikasi",
            f"Kasus {case.nomor} belum diverifikasi: klasifikasinya ditetapkan dengan "
            f"`lapor verifikasi {case.nomor} --kategori … --klasifikasi …`.",
        )
    return kelas


def _check_receipt(session: Session, case: Case, diterima: datetime) -> None:
    """A case cannot have been received after it was recorded, nor after its first step."""
    if diterima > case.dicatat:
        raise ValidationError(
            "diterima",
            f"Tanggal diterima {diterima:%d/%m/%Y %H:%M} sesudah kasus {case.nomor} dicatat "
            f"({case.dicatat:%d/%m/%Y %H:%M}).",
        )
    t = History.__table__
    first = session.execute(
        sa.select(t.c.waktu, t.c.aksi)
        .where(t.c.kasus_id == case.id, t.c.aksi.in_(workflow.HAPPENED))
        .order_by(t.c.waktu, t.c.id)
        .limit(1)
    ).first()
    if first is not None and diterima > first.waktu:
        raise ValidationError(
            "diterima",
            f"Tanggal diterima {diterima:%d/%m/%Y %H:%M} sesudah langkah `{first.aksi}` kasus "
            f"{case.nomor} ({first.waktu:%d/%m/%Y %H:%M}); kasus tidak dapat ditangani "
            "sebelum diterima.",
        )


def _kept(name: str, value: object) -> object:
    """A value as the history entry keeps it: identity masked, a time in ISO form."""
    if name in IDENTITY_FIELDS:
        return masked_identity(name, value)
    if isinstance(value, datetime):
        return iso(value)
    return value


def _shown(name: str, value: object) -> object:
    """A value as screens show it: NIK, KK, phone and email masked, a time in ISO form."""
    if name in IDENTITY_FIELDS and name not in ("nama", "alamat"):
        return masked_identity(name, value)
    if isinstance(value, datetime):
        return iso(value)
    return value
