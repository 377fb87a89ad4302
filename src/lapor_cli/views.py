"""Cases and history entries as screens and JSON show them (keys per SPEC §4), with the
reporter's identity masked unless revealed and never shown for an anonim case.

Free text that a person wrote (the uraian, a result, a comment, the notes of the history)
may quote a NIK or a phone number: :func:`private_text` masks them the way the identity
fields are masked, for screens and JSON alike, unless revealed (``lihat --lengkap``)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from lapor_cli.identity import mask_nik, mask_phone, scrub_text

if TYPE_CHECKING:
    from lapor_cli.models import History

__all__ = [
    "RAHASIA_TEXT",
    "case_view",
    "due_iso",
    "history_view",
    "identity_view",
    "iso",
    "linked_view",
    "mask_email",
    "masked_identity",
    "private_text",
]


def private_text(value, *, reveal: bool = False):
    """Free text as a screen or JSON shows it: a NIK/KK or mobile number in it masked
    (``3171********0001``), unless revealed. Anything not a string is returned as it is."""
    if reveal or not isinstance(value, str):
        return value
    return scrub_text(value)


def identity_view(row, *, reveal: bool) -> dict[str, object]:
    """The reporter's identity as a screen may show it: masked unless revealed; anonim: none."""
    if row.anonim:
        return {"nama": None, "nik": None, "kk": None, "hp": None, "email": None, "alamat": None}
    if reveal:
        return {k: getattr(row, k) for k in ("nama", "nik", "kk", "hp", "email", "alamat")}
    return {
        "nama": row.nama,
        "nik": mask_nik(row.nik),
        "kk": mask_nik(row.kk),
        "hp": mask_phone(row.hp),
        "email": _mask_email(row.email),
        "alamat": row.alamat,
    }


def mask_email(value: str | None) -> str | None:
    """``s***@contoh.id``."""
    if not value or "@" not in value:
        return value
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}"


_mask_email = mask_email


def _mask_words(value: str | None) -> str | None:
    """``Siti Aminah`` → ``S*** A*****``: each word's first character, the rest hidden."""
    if not value:
        return value
    return " ".join(word[:1] + "*" * (len(word) - 1) for word in value.split())


_IDENTITY_MASKS = {
    "nama": _mask_words,
    "alamat": _mask_words,
    "nik": mask_nik,
    "kk": mask_nik,
    "hp": mask_phone,
    "email": mask_email,
}


def masked_identity(field: str, value: str | None) -> str | None:
    """An identity value as a history entry may keep it for ever: masked (``ubah`` stores
    the old and new identity only so; the case row holds the real value, which ``anonimkan``
    can erase for good, while the history cannot be changed)."""
    return _IDENTITY_MASKS[field](value)


RAHASIA_TEXT = "(rahasia)"


def iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="minutes") if value else None


def due_iso(row, due: datetime | None) -> str | None:
    """A deadline in working days is a date (end of that day); one in minutes a moment."""
    if due is None:
        return None
    return iso(due) if row.sla_satuan == "menit" else due.date().isoformat()


def case_view(row, *, batas_waktu: datetime | None, reveal: bool = False) -> dict[str, object]:
    """A case as JSON and screens show it (keys per SPEC §4)."""
    return {
        "nomor": row.nomor,
        "meja": row.meja,
        "status": row.status,
        "kanal": row.kanal,
        "jenis": row.jenis,
        "diterima": iso(row.diterima),
        "batas_waktu": due_iso(row, batas_waktu),
        "kategori": row.kategori,
        "klasifikasi": row.klasifikasi,
        "unit": row.unit,
        "skor": row.skor,
        "anonim": bool(row.anonim),
        "rahasia": bool(row.rahasia),
        "segera": bool(row.segera),
        "uraian": (
            RAHASIA_TEXT if row.rahasia and not reveal else private_text(row.uraian, reveal=reveal)
        ),
        **identity_view(row, reveal=reveal),
        "nomor_lapor": row.nomor_lapor,
        "nomor_formulir": row.nomor_formulir,
        "tembusan": list(row.tembusan or []),
        "dicatat": iso(row.dicatat),
        "petugas": row.petugas,
        "ditutup": iso(row.ditutup),
        "hasil": private_text(row.hasil, reveal=reveal),
        "tepat_waktu": row.tepat_waktu,
        "dilaporkan_balik": row.dilaporkan_balik,
        "komentar": private_text(row.komentar, reveal=reveal),
        "digabung_ke": row.digabung_ke,
        "dibuka": iso(row.dibuka),
        "sla": {
            "profil": row.sla_profil,
            "satuan": row.sla_satuan,
            "nilai": row.sla_nilai,
            "perpanjangan": row.sla_perpanjangan,
            "diperpanjang": bool(row.diperpanjang),
        },
    }


#: History data that is a number of the case's paperwork, not prose: never masked.
_IDENTIFIERS = frozenset(("nomor_lapor", "nomor_formulir", "nomor_surat"))


def history_view(
    entry: History, *, reveal: bool = False, rahasia: bool = False
) -> dict[str, object]:
    """One history entry; its note and the text in its data masked as :func:`private_text`.
    ``waktu`` is when the step happened, ``dicatat`` when it was typed in (null for entries
    from before schema 0007). A correction's (``ubah``) old and new uraian of a confidential
    case (``rahasia``, now or then) show as ``(rahasia)`` unless revealed."""
    data = entry.data or {}
    view = {
        key: value if key in _IDENTIFIERS else private_text(value, reveal=reveal)
        for key, value in data.items()
    }
    attached = data.get("lampiran")
    if rahasia and not reveal and isinstance(attached, dict):  # a file's name tells content
        view["lampiran"] = {**attached, "nama": RAHASIA_TEXT}
        view.pop("keterangan", None)
    changes = data.get("perubahan")
    if isinstance(changes, dict):
        secret = not reveal and (rahasia or "rahasia" in changes)
        view["perubahan"] = {
            name: _change_view(name, change, reveal=reveal, secret=secret)
            for name, change in changes.items()
        }
    return {
        "waktu": iso(entry.waktu),
        "dicatat": iso(entry.dicatat),
        "oleh": entry.oleh,
        "aksi": entry.aksi,
        "dari": entry.dari_status,
        "ke": entry.ke_status,
        "catatan": private_text(entry.catatan, reveal=reveal),
        "data": view,
    }


def _change_view(name: str, change: object, *, reveal: bool, secret: bool) -> object:
    if not isinstance(change, dict):
        return change
    if name == "uraian" and secret:
        return {key: RAHASIA_TEXT for key in change}
    if name in _IDENTIFIERS:
        return change
    return {key: private_text(value, reveal=reveal) for key, value in change.items()}


def linked_view(row) -> dict[str, object]:
    """A duplicate merged into a case (``gabung``), as ``lihat UTAMA`` lists it: its number,
    channel and receipt, its reporter masked as on every screen (none for an anonim one), and
    whether an SP4N-LAPOR! report has been answered there."""
    return {
        "nomor": row.nomor,
        "kanal": row.kanal,
        "diterima": iso(row.diterima),
        "nomor_lapor": row.nomor_lapor,
        "dilaporkan_balik": row.dilaporkan_balik,
        "anonim": bool(row.anonim),
        **identity_view(row, reveal=False),
    }
