"""The value lists a case is checked against: channels, kinds, categories, units.

Channels and kinds are fixed by the SPEC; categories and units ship in ``data/`` and the office
may edit its own copies (see ``resources``). Matching is case-insensitive everywhere.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from lapor_cli.errors import LaporError, ValidationError
from lapor_cli.resources import data_file

KANAL = (
    "tatap-muka",
    "surat",
    "kotak-saran",
    "email",
    "telepon",
    "sms",
    "whatsapp",
    "facebook",
    "instagram",
    "youtube",
    "sp4n-lapor",
    "lainnya",
)
#: How a reader sees each channel (workbooks, printed reports); the codes stay the data.
KANAL_LABEL = {
    "tatap-muka": "Tatap muka",
    "surat": "Surat",
    "kotak-saran": "Kotak saran",
    "email": "Email",
    "telepon": "Telepon",
    "sms": "SMS",
    "whatsapp": "WhatsApp",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "youtube": "YouTube",
    "sp4n-lapor": "SP4N-LAPOR!",
    "lainnya": "Lainnya",
}
KANAL_ALIASES = {
    "langsung": "tatap-muka",
    "tatapmuka": "tatap-muka",
    "kotaksaran": "kotak-saran",
    "e-mail": "email",
    "wa": "whatsapp",
    "fb": "facebook",
    "ig": "instagram",
    "lapor": "sp4n-lapor",
    "sp4n": "sp4n-lapor",
    "sp4nlapor": "sp4n-lapor",
    "lain": "lainnya",
}
JENIS = ("aduan", "aspirasi", "informasi")
JENIS_LABEL = {
    "aduan": "Pengaduan",
    "aspirasi": "Aspirasi / saran",
    "informasi": "Permintaan informasi",
}
JENIS_ALIASES = {
    "pengaduan": "aduan",
    "keluhan": "aduan",
    "saran": "aspirasi",
    "permintaan-informasi": "informasi",
    "info": "informasi",
}


#: LAPOR!-style classification of an aduan (``verifikasi --klasifikasi``), by the national
#: complaint-handling guideline (PermenPAN-RB 62/2018): whether it concerns supervision.
KLASIFIKASI = ("berkadar-pengawasan", "tidak-berkadar-pengawasan")
KLASIFIKASI_LABEL = {
    "berkadar-pengawasan": "berkadar pengawasan",
    "tidak-berkadar-pengawasan": "tidak berkadar pengawasan",
}


def _key(value: str) -> str:
    return "-".join(value.strip().lower().replace("_", " ").replace("!", "").split())


def _choose(field: str, value: str, aliases: dict[str, str], allowed: tuple[str, ...]) -> str:
    key = _key(value)
    key = aliases.get(key, key)
    if key not in allowed:
        raise ValidationError(
            field,
            f"{field.capitalize()} {value!r} tidak dikenal. Pilihan: {', '.join(allowed)}.",
        )
    return key


def normalize_kanal(value: str) -> str:
    return _choose("kanal", value, KANAL_ALIASES, KANAL)


def normalize_jenis(value: str) -> str:
    return _choose("jenis", value, JENIS_ALIASES, JENIS)


def normalize_klasifikasi(value: str) -> str:
    """``berkadar-pengawasan`` or ``tidak-berkadar-pengawasan`` (case, spaces and ``_``
    do not matter)."""
    return _choose("klasifikasi", value, {}, KLASIFIKASI)


@dataclass(frozen=True)
class Category:
    kode: str
    label: str
    alias: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unit:
    nama: str
    singkatan: str | None = None


def _load_toml(name: str) -> dict:
    path = data_file(name)
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise LaporError(f"Berkas rujukan {path} tidak dapat dibaca: {exc}") from None


@cache
def categories() -> tuple[Category, ...]:
    raw = _load_toml("kategori.toml").get("kategori", [])
    try:
        return tuple(
            Category(str(c["kode"]).upper(), str(c["label"]), tuple(c.get("alias", ())))
            for c in raw
        )
    except KeyError as exc:
        raise LaporError(f"kategori.toml: setiap kategori perlu {exc.args[0]!r}.") from None


@cache
def units() -> tuple[Unit, ...]:
    raw = _load_toml("unit.toml").get("unit", [])
    try:
        return tuple(Unit(str(u["nama"]), u.get("singkatan")) for u in raw)
    except KeyError as exc:
        raise LaporError(f"unit.toml: setiap unit perlu {exc.args[0]!r}.") from None


def normalize_kategori(value: str) -> str:
    key = value.strip().upper()
    for cat in categories():
        if key == cat.kode or key in (a.upper() for a in cat.alias):
            return cat.kode
    codes = ", ".join(c.kode for c in categories())
    raise ValidationError("kategori", f"Kategori {value!r} tidak dikenal. Pilihan: {codes}.")


def normalize_unit(value: str) -> str:
    key = " ".join(value.split()).lower()
    for unit in units():
        if key == unit.nama.lower() or (unit.singkatan and key == unit.singkatan.lower()):
            return unit.nama
    names = "; ".join(u.nama for u in units())
    raise ValidationError("unit", f"Unit {value!r} tidak dikenal. Pilihan: {names}.")


def kategori_label(kode: str | None) -> str:
    for cat in categories():
        if cat.kode == kode:
            return cat.label
    return kode or ""
