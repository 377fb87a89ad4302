"""The register's own settings (office name, time zone, SLA profile, chain head, who signs the
monev) and the office clock.

Settings live in the ``pengaturan`` table as text; a key never written has its default.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from lapor_cli.errors import ValidationError
from lapor_cli.sqlread import Reader

if TYPE_CHECKING:
    from sqlmodel import Session

__all__ = [
    "DEFAULT_SETTINGS",
    "DEMO_OFFICE",
    "DEMO_SETTING",
    "ZONE_ALIASES",
    "get_settings",
    "is_demo",
    "normalize_zone",
    "office_now",
    "set_setting",
]

DEFAULT_SETTINGS = {
    "kantor_nama": "Dinas Sosial",
    "zona_waktu": "Asia/Jakarta",
    "profil_sla": "kemensos",
    "rantai": "0" * 64,  # history.GENESIS: no entry yet (history itself is not needed here)
    # who signs the monev (``lapor kantor --kota --kepala --nip --jabatan``); empty: not set
    "kota": "",
    "kepala_nama": "",
    "kepala_nip": "",
    "kepala_jabatan": "",
    "lampiran_maks_mb": "20",  # size cap of one attachment (``lapor kantor --lampiran-maks``)
    "kantor_kontak": "",  # how a reporter asks about a case (receipt slip, letters)
}
#: The setting ``lapor demo`` gives its register, and the demo office's name: a monev of it
#: is named and marked DEMO (:func:`is_demo`).
DEMO_SETTING = "register_demo"
DEMO_OFFICE = "Dinas Sosial Kota Contoh (DEMO)"
ZONE_ALIASES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}


def get_settings(source: Session | Reader | Any) -> dict[str, str]:
    """Every setting (a session's or a reader's register), defaults for those never set."""
    stored = dict(Reader.of(source).rows("SELECT kunci, nilai FROM pengaturan"))
    return {**DEFAULT_SETTINGS, **stored}


def is_demo(settings: dict[str, str]) -> bool:
    """Whether these are the demo register's settings (marked by ``lapor demo``, or, for a
    demo register made before the mark, still named as the demo office)."""
    return settings.get(DEMO_SETTING) == "ya" or settings.get("kantor_nama") == DEMO_OFFICE


def set_setting(session: Session, key: str, value: str) -> None:
    from lapor_cli.models import Setting

    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(kunci=key, nilai=value))
    else:
        row.nilai = value
        session.add(row)
    session.flush()


def normalize_zone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = ZONE_ALIASES.get(value.strip().upper(), value.strip())
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            "zona", f"Zona waktu {value!r} tidak dikenal. Pakai WIB, WITA atau WIT."
        ) from None
    return name


def office_now(zone: str) -> datetime:
    """The office's wall-clock time (naive); only the shell calls this."""
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(zone)).replace(tzinfo=None, microsecond=0)
