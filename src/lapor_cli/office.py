"""The office's settings as ``lapor kantor`` and ``lapor profil`` show and change them, and
who signs the monev workbook (:class:`Signature`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lapor_cli import desks, profiles
from lapor_cli.desks import DeskInfo
from lapor_cli.errors import ValidationError
from lapor_cli.settings import get_settings, normalize_zone, set_setting
from lapor_cli.validation import clean_text

if TYPE_CHECKING:
    from sqlmodel import Session

__all__ = [
    "NIP_DIGITS",
    "OfficeInfo",
    "Signature",
    "format_nip",
    "office",
    "paperwork_settings",
    "set_profile",
]

NIP_DIGITS = 18


@dataclass(frozen=True, slots=True)
class Signature:
    """Who signs the monev's *Ringkasan* ("Mengetahui, Kepala Dinas …"): the place written
    before the date, the head's title, name and NIP. Empty: not set (the workbook then prints
    dotted lines to fill in by hand)."""

    kota: str = ""
    jabatan: str = ""
    nama: str = ""
    nip: str = ""

    @classmethod
    def from_settings(cls, settings: dict[str, str]) -> Signature:
        return cls(
            settings.get("kota", ""),
            settings.get("kepala_jabatan", "") or f"Kepala {settings.get('kantor_nama', '')}",
            settings.get("kepala_nama", ""),
            settings.get("kepala_nip", ""),
        )


def format_nip(nip: str) -> str:
    """``197501012000121001`` → ``19750101 200012 1 001`` (birth date, appointment month,
    sex, number), as a NIP is printed under a signature."""
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}" if len(nip) == NIP_DIGITS else nip


def _nip(value: str) -> str:
    digits = "".join(value.split()).replace(".", "")
    if digits and (not digits.isdigit() or len(digits) != NIP_DIGITS):
        shown = sum(ch.isdigit() for ch in digits)
        raise ValidationError(
            "nip",
            f"NIP harus {NIP_DIGITS} digit angka (diberikan {shown} digit"
            f"{'' if digits.isdigit() else ' dan tanda lain'}). "
            "Salin NIP kepala dinas dari SK kepegawaiannya, mis. 19750101 200012 1 001.",
        )
    return digits


def _one_line(field: str, value: str, label: str) -> str:
    """A setting printed on the workbook: one line, spaces tidied; empty clears it."""
    return " ".join((clean_text(field, value, label=label) or "").split())


@dataclass(frozen=True, slots=True)
class OfficeInfo:
    """The office as ``kantor`` shows it: its settings, and the desk in question (None on a
    register of several desks when none was chosen)."""

    kantor: str
    zona_waktu: str
    profil_sla: str
    meja: DeskInfo | None
    semua_meja: list[str]
    tanda_tangan: Signature = Signature()
    retensi_tahun: int | None = None  # the retention period (``lapor retensi``); None: not set


def office(
    session: Session,
    *,
    meja: str | None = None,
    nama: str | None = None,
    prefiks: str | None = None,
    zona: str | None = None,
    kota: str | None = None,
    kepala: str | None = None,
    nip: str | None = None,
    jabatan: str | None = None,
    retensi: int | None = None,
) -> OfficeInfo:
    """Show, and change what is given: the office's name (on a register of one desk also
    that desk's name: the office is the desk), the chosen desk's number prefix (only before
    its first case), the time zone, who signs the monev (place, head's name, NIP of 18
    digits, title; an empty value clears one), and the retention period in years."""
    checked = {
        "kota": None if kota is None else _one_line("kota", kota, "Kota"),
        "kepala_nama": None if kepala is None else _one_line("kepala", kepala, "Nama kepala"),
        "kepala_nip": None if nip is None else _nip(nip),
        "kepala_jabatan": None if jabatan is None else _one_line("jabatan", jabatan, "Jabatan"),
    }
    every = desks.all_desks(session)
    desk = None
    if prefiks is not None or meja or len(every) == 1:
        desk = desks.desk_for_write(session, meja)
    if prefiks is not None:
        desk = desks.change_desk(session, desk.kode, prefiks=prefiks)
    if nama is not None:
        text = " ".join((clean_text("nama", nama, label="Nama kantor") or "").split())
        if not text:
            raise ValidationError("nama", "Nama kantor tidak boleh kosong.")
        set_setting(session, "kantor_nama", text)
        if len(every) == 1:
            desk = desks.change_desk(session, every[0].kode, nama=text)
    if zona is not None:
        set_setting(session, "zona_waktu", normalize_zone(zona))
    for key, value in checked.items():
        if value is not None:
            set_setting(session, key, value)
    if retensi is not None:
        from lapor_cli.privacy import set_retention

        set_retention(session, retensi)
    settings = get_settings(session)
    return OfficeInfo(
        settings["kantor_nama"],
        settings["zona_waktu"],
        settings["profil_sla"],
        desk,
        [d.kode for d in every],
        Signature.from_settings(settings),
        _retention(settings),
    )


def _retention(settings: dict[str, str]) -> int | None:
    from lapor_cli.privacy import RETENTION_KEY

    kept = settings.get(RETENTION_KEY)
    return int(kept) if kept else None


def set_profile(session: Session, name: str) -> profiles.Profile:
    """The register's SLA profile from now on (cases already recorded keep their rule)."""
    chosen = profiles.load_profile(name)
    set_setting(session, "profil_sla", chosen.nama)
    return chosen


def paperwork_settings(
    session: Session, *, kontak: str | None = None, lampiran_maks: int | None = None
) -> dict[str, object]:
    """Set what is given and return the paperwork settings: how a reporter asks about a
    case (``kontak``, printed on receipts and letters; empty text clears it) and the size
    cap of one attachment in MB (``lampiran_maks``, 1–500)."""
    if kontak is not None:
        text = clean_text("kontak", kontak, label="Kontak kantor") or ""
        set_setting(session, "kantor_kontak", " ".join(text.split()))
    if lampiran_maks is not None:
        if not 1 <= lampiran_maks <= 500:
            raise ValidationError(
                "lampiran_maks",
                f"--lampiran-maks harus 1 sampai 500 MB (diberikan {lampiran_maks}).",
            )
        set_setting(session, "lampiran_maks_mb", str(lampiran_maks))
    settings = get_settings(session)
    return {
        "kontak": settings["kantor_kontak"] or None,
        "lampiran_maks_mb": int(settings["lampiran_maks_mb"]),
    }
