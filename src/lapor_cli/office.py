"""The office's settings as ``lapor kantor`` and ``lapor profil`` show and change them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from lapor_cli import desks, profiles
from lapor_cli.desks import DeskInfo
from lapor_cli.errors import ValidationError
from lapor_cli.settings import get_settings, normalize_zone, set_setting
from lapor_cli.validation import clean_text

__all__ = ["OfficeInfo", "office", "paperwork_settings", "set_profile"]


@dataclass(frozen=True, slots=True)
class OfficeInfo:
    """The office as ``kantor`` shows it: its settings, and the desk in question (None on a
    register of several desks when none was chosen)."""

    kantor: str
    zona_waktu: str
    profil_sla: str
    meja: DeskInfo | None
    semua_meja: list[str]


def office(
    session: Session,
    *,
    meja: str | None = None,
    nama: str | None = None,
    prefiks: str | None = None,
    zona: str | None = None,
) -> OfficeInfo:
    """Show, and change what is given: the office's name (on a register of one desk also
    that desk's name: the office is the desk), the chosen desk's number prefix (only before
    its first case), the time zone."""
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
    settings = get_settings(session)
    return OfficeInfo(
        settings["kantor_nama"],
        settings["zona_waktu"],
        settings["profil_sla"],
        desk,
        [d.kode for d in every],
    )


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
