"""SLA profiles: which deadline rule an office gives a case, read from TOML files.

A profile is a TOML file ``data/sla/NAMA.toml`` (an office copy of the same name wins, see
:mod:`lapor_cli.resources`)::

    judul = "..."                  # required: a one-line title
    sumber = "..."                 # required: the service standard it follows
    nama = "NAMA"                  # optional; must equal the file's stem
    hari_kerja = [1, 2, 3, 4, 5]   # work week, ISO weekday numbers (1 = Senin … 7 = Minggu)
    cuti_bersama_libur = true      # cuti bersama are days off (default)

    [tahap]                        # SP4N-LAPOR! stage limits in working days (defaults shown)
    verifikasi = 3                 # from receipt
    distribusi = 3                 # from verification
    tindaklanjut = 5               # from distribution
    tanpa_respons = 10             # follow-up without a reply -> "siap ditutup"

    [[aturan]]                     # ordered rules; the most specific match wins, ties: first
    kanal = "surat"                # optional match keys: kanal, jenis, kategori, klasifikasi
    jenis = ["aduan", "aspirasi"]  # (text or a list of texts, case-insensitive) and segera
    hari_kerja = 7                 # the deadline: hari_kerja = N or menit = N
    perpanjangan = 0               # optional extension in working days (hari_kerja only)
    keterangan = "..."             # optional note shown with the deadline

A rule without match keys is the fallback; every profile needs one. Unknown keys, unknown
kanal/jenis/klasifikasi values and a missing fallback are refused with a message naming the
file. ``klasifikasi`` (``berkadar-pengawasan``, ``tidak-berkadar-pengawasan``) is an aduan's
only, given at ``verifikasi``: a rule that sets it with a ``jenis`` other than aduan could
never match and is refused too.

:meth:`Profile.rule_for` picks the rule for a case, and the case keeps that
:class:`~lapor_cli.sla.Rule`; the deadline arithmetic is :mod:`lapor_cli.sla`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lapor_cli.errors import NotFoundError, ValidationError
from lapor_cli.holiday_calendar import CUTI_BERSAMA, NonWorkingDay
from lapor_cli.references import JENIS, KANAL, KLASIFIKASI
from lapor_cli.sla import HARI_KERJA, MENIT, Rule
from lapor_cli.workdays import WorkCalendar

__all__ = [
    "DEFAULT_PROFILE",
    "Profile",
    "RuleEntry",
    "load_profile",
    "load_profiles",
    "parse_profile",
]

DEFAULT_PROFILE = "kemensos"


@dataclass(frozen=True)
class RuleEntry:
    """One ``[[aturan]]`` of a profile: what it matches and the rule it gives.

    A match key that is ``None`` matches anything; ``kanal``/``jenis``/``kategori`` hold
    lower-case values, any of which matches.
    """

    rule: Rule
    kanal: frozenset[str] | None = None
    jenis: frozenset[str] | None = None
    kategori: frozenset[str] | None = None
    segera: bool | None = None
    klasifikasi: frozenset[str] | None = None

    @property
    def specificity(self) -> int:
        """How many match keys the rule sets (0 for the fallback)."""
        keys = (self.kanal, self.jenis, self.kategori, self.segera, self.klasifikasi)
        return sum(key is not None for key in keys)

    def matches(
        self,
        kanal: str,
        jenis: str,
        kategori: str | None,
        segera: bool,
        klasifikasi: str | None = None,
    ) -> bool:
        """Whether a case with these (already lower-cased) values falls under this rule."""
        return (
            (self.kanal is None or kanal in self.kanal)
            and (self.jenis is None or jenis in self.jenis)
            and (self.kategori is None or (kategori is not None and kategori in self.kategori))
            and (self.segera is None or self.segera == segera)
            and (
                self.klasifikasi is None
                or (klasifikasi is not None and klasifikasi in self.klasifikasi)
            )
        )


@dataclass(frozen=True)
class Profile:
    """An SLA profile as loaded from ``data/sla/NAMA.toml``."""

    nama: str
    judul: str
    sumber: str
    workweek: tuple[int, ...]  # date.weekday() numbers (Monday = 0), as WorkCalendar takes them
    cuti_bersama_libur: bool
    tahap_verifikasi: int  # working days from receipt
    tahap_distribusi: int  # working days from verification
    tahap_tindaklanjut: int  # working days from distribution
    tanpa_respons: int  # working days without a reply after a follow-up -> "siap ditutup"
    rules: tuple[RuleEntry, ...]
    path: Path | None = field(default=None, compare=False)

    def rule_for(
        self,
        kanal: str,
        jenis: str,
        kategori: str | None = None,
        segera: bool = False,
        klasifikasi: str | None = None,
    ) -> Rule:
        """The most specific matching rule; of equally specific ones, the first in the file."""
        kanal, jenis = kanal.strip().lower(), jenis.strip().lower()
        kategori = kategori.strip().lower() if kategori else None
        klasifikasi = klasifikasi.strip().lower() if klasifikasi else None
        best: RuleEntry | None = None
        for entry in self.rules:
            if entry.matches(kanal, jenis, kategori, segera, klasifikasi) and (
                best is None or entry.specificity > best.specificity
            ):
                best = entry
        if best is None:
            raise NotFoundError(
                f"Profil SLA '{self.nama}' tidak punya aturan untuk kanal {kanal}, jenis {jenis}. "
                "Tambahkan aturan cadangan (tanpa kunci pencocok) ke profil itu."
            )
        return best.rule

    def work_calendar(self, days: Iterable[NonWorkingDay]) -> WorkCalendar:
        """The calendar of this profile over ``days`` (as ``merge_days`` returns them).

        Cuti bersama are left out when the profile says they are working days; a day the
        office added itself is always a day off.
        """
        return WorkCalendar(
            (d.tanggal for d in days if self.cuti_bersama_libur or d.sumber != CUTI_BERSAMA),
            self.workweek,
        )


# -- loading -----------------------------------------------------------------------------------

_TOP_KEYS = ("nama", "judul", "sumber", "hari_kerja", "cuti_bersama_libur", "tahap", "aturan")
_STAGE_DEFAULTS = {"verifikasi": 3, "distribusi": 3, "tindaklanjut": 5, "tanpa_respons": 10}
_MATCH_KEYS = ("kanal", "jenis", "kategori", "klasifikasi", "segera")
_RULE_KEYS = (*_MATCH_KEYS, HARI_KERJA, MENIT, "perpanjangan", "keterangan")
_DEFAULT_WORKWEEK_ISO = (1, 2, 3, 4, 5)


class _ProfileReader:
    """Reads one profile file, refusing anything it does not understand, file named."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, problem: str) -> ValidationError:
        return ValidationError(key, f"Profil SLA {self.path}: {problem}")

    def check_keys(self, table: Mapping[str, Any], known: Sequence[str], where: str) -> None:
        for key in table:
            if key not in known:
                raise self.fail(
                    key,
                    f"kunci '{key}' tidak dikenal {where}. Kunci yang dikenal: {', '.join(known)}.",
                )

    def text(self, table: Mapping[str, Any], key: str, default: str | None = None) -> str:
        value = table.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"'{key}' wajib diisi dengan teks.")
        return value.strip()

    def integer(self, table: Mapping[str, Any], key: str, where: str, default: int) -> int:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(key, f"'{key}' {where} harus bilangan bulat 0 atau lebih.")
        return value

    def values(
        self, entry: Mapping[str, Any], key: str, where: str, allowed: Sequence[str] | None
    ) -> frozenset[str] | None:
        if key not in entry:
            return None
        raw = entry[key]
        items = [raw] if isinstance(raw, str) else raw
        if not isinstance(items, list) or not items or not all(isinstance(v, str) for v in items):
            raise self.fail(key, f"'{key}' {where} harus teks atau daftar teks yang tidak kosong.")
        found = frozenset(v.strip().lower() for v in items)
        unknown = sorted(found - set(allowed)) if allowed is not None else []
        if unknown:
            choices = ", ".join(allowed or ())
            raise self.fail(
                key, f"{key} '{unknown[0]}' {where} tidak dikenal; pilih dari: {choices}."
            )
        return found

    def workweek(self, document: Mapping[str, Any]) -> tuple[int, ...]:
        raw = document.get(HARI_KERJA, list(_DEFAULT_WORKWEEK_ISO))
        if (
            not isinstance(raw, list)
            or not raw
            or any(isinstance(d, bool) or not isinstance(d, int) or not 1 <= d <= 7 for d in raw)
            or len(set(raw)) != len(raw)
        ):
            raise self.fail(
                HARI_KERJA,
                "'hari_kerja' harus daftar nomor hari ISO tanpa duplikat, 1 = Senin … "
                "7 = Minggu, misalnya [1, 2, 3, 4, 5].",
            )
        return tuple(sorted(d - 1 for d in raw))

    def rule_entry(self, entry: Any, number: int) -> RuleEntry:
        where = f"di aturan ke-{number}"
        if not isinstance(entry, dict):
            raise self.fail("aturan", f"aturan ke-{number} harus tabel [[aturan]].")
        self.check_keys(entry, _RULE_KEYS, where)
        units = [key for key in (HARI_KERJA, MENIT) if key in entry]
        if len(units) != 1:
            raise self.fail(
                "aturan",
                f"aturan ke-{number} harus punya tepat satu batas waktu: "
                "'hari_kerja = N' atau 'menit = N'.",
            )
        unit = units[0]
        value = self.integer(entry, unit, where, 0)
        extension = self.integer(entry, "perpanjangan", where, 0)
        if unit == MENIT and (value == 0 or extension):
            raise self.fail(
                MENIT, f"'menit' {where} harus lebih dari 0 dan tidak bisa diperpanjang."
            )
        segera = entry.get("segera")
        if segera is not None and not isinstance(segera, bool):
            raise self.fail("segera", f"'segera' {where} harus true atau false.")
        keterangan = entry.get("keterangan", "")
        if not isinstance(keterangan, str):
            raise self.fail("keterangan", f"'keterangan' {where} harus teks.")
        jenis = self.values(entry, "jenis", where, JENIS)
        klasifikasi = self.values(entry, "klasifikasi", where, KLASIFIKASI)
        if klasifikasi is not None and jenis is not None and "aduan" not in jenis:
            raise self.fail(
                "klasifikasi",
                f"'klasifikasi' {where} hanya berlaku untuk jenis aduan, tetapi aturan ini "
                f"untuk jenis {', '.join(sorted(jenis))}; aturan itu tidak akan pernah cocok. "
                "Hapus 'klasifikasi' atau tulis jenis = \"aduan\".",
            )
        return RuleEntry(
            rule=Rule(unit, value, extension, keterangan.strip()),
            kanal=self.values(entry, "kanal", where, KANAL),
            jenis=jenis,
            kategori=self.values(entry, "kategori", where, None),
            segera=segera,
            klasifikasi=klasifikasi,
        )

    def profile(self, document: Mapping[str, Any]) -> Profile:
        self.check_keys(document, _TOP_KEYS, "di tingkat atas")
        name = self.text(document, "nama", self.path.stem)
        if name != self.path.stem:
            raise self.fail(
                "nama",
                f"nama '{name}' harus sama dengan nama berkas '{self.path.stem}' "
                "(atau hapus baris nama).",
            )
        stages = document.get("tahap", {})
        if not isinstance(stages, dict):
            raise self.fail("tahap", "'tahap' harus tabel [tahap].")
        self.check_keys(stages, tuple(_STAGE_DEFAULTS), "di [tahap]")
        stage = {k: self.integer(stages, k, "di [tahap]", v) for k, v in _STAGE_DEFAULTS.items()}
        leave = document.get("cuti_bersama_libur", True)
        if not isinstance(leave, bool):
            raise self.fail("cuti_bersama_libur", "'cuti_bersama_libur' harus true atau false.")
        raw_rules = document.get("aturan", [])
        if not isinstance(raw_rules, list):
            raise self.fail("aturan", "'aturan' harus ditulis sebagai [[aturan]].")
        rules = tuple(self.rule_entry(entry, n) for n, entry in enumerate(raw_rules, start=1))
        if not any(entry.specificity == 0 for entry in rules):
            raise self.fail(
                "aturan",
                "tidak ada aturan cadangan. Tambahkan satu [[aturan]] tanpa kanal, jenis, "
                "kategori, klasifikasi dan segera (misalnya 'hari_kerja = 3') untuk laporan "
                "yang tidak cocok dengan aturan lain.",
            )
        return Profile(
            nama=name,
            judul=self.text(document, "judul"),
            sumber=self.text(document, "sumber"),
            workweek=self.workweek(document),
            cuti_bersama_libur=leave,
            tahap_verifikasi=stage["verifikasi"],
            tahap_distribusi=stage["distribusi"],
            tahap_tindaklanjut=stage["tindaklanjut"],
            tanpa_respons=stage["tanpa_respons"],
            rules=rules,
            path=self.path,
        )


def parse_profile(path: Path) -> Profile:
    """Read and validate one profile file; its name is the file's stem."""
    reader = _ProfileReader(path)
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise reader.fail("profil", f"bukan TOML yang sah ({exc}). Perbaiki berkas itu.") from exc
    except OSError as exc:
        raise reader.fail("profil", f"tidak bisa dibaca ({exc.strerror}).") from exc
    return reader.profile(document)


def _profile_files() -> dict[str, Path]:
    from lapor_cli.resources import data_files

    return data_files("sla")


def load_profiles() -> dict[str, Profile]:
    """Every profile in force (the office's copies win over the shipped ones), by name."""
    return {name: parse_profile(path) for name, path in sorted(_profile_files().items())}


def load_profile(name: str) -> Profile:
    """The profile called ``name`` (case-insensitive); only that file is read."""
    files = _profile_files()
    key = name.strip().lower()
    if key not in files:
        known = ", ".join(sorted(files)) or "(tidak ada)"
        raise NotFoundError(
            f"Profil SLA '{name}' tidak dikenal. Profil yang tersedia: {known}. "
            "Lihat 'lapor profil --daftar'."
        )
    return parse_profile(files[key])
