"""The office's settings as ``lapor kantor`` and ``lapor profil`` show and change them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from lapor_cli import desks, profiles
from lapor_cli.desks import DeskInfo
from lapor_cli.errors import ValidationError
from lapor_cli.settings import get_settings, normalize_zone, set_setting
from lapor_cli.validation import clean_text

__all__ = ["OfficeInfo", "office", "set_profile"]


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
