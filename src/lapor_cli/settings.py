"""The register's own settings (office name, time zone, SLA profile, chain head) and the
office clock.

Settings live in the ``pengaturan`` table as text; a key never written has its default.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from lapor_cli import history as chain
from lapor_cli.errors import ValidationError
from lapor_cli.models import Setting

__all__ = [
    "DEFAULT_SETTINGS",
    "ZONE_ALIASES",
    "get_settings",
    "normalize_zone",
    "office_now",
    "set_setting",
]

DEFAULT_SETTINGS = {
    "kantor_nama": "Dinas Sosial",
    "zona_waktu": "Asia/Jakarta",
    "profil_sla": "kemensos",
    "rantai": chain.GENESIS,
    "lampiran_maks_mb": "20",  # size cap of one attachment (``lapor kantor --lampiran-maks``)
    "kantor_kontak": "",  # how a reporter asks about a case (receipt slip, letters)
}
ZONE_ALIASES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}


def get_settings(session: Session) -> dict[str, str]:
    stored = {k: v for k, v in session.exec(select(Setting.kunci, Setting.nilai))}
    return {**DEFAULT_SETTINGS, **stored}


def set_setting(session: Session, key: str, value: str) -> None:
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
