"""SLA profiles and deadlines, evaluated "as of" a moment that is passed in.

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
    kanal = "surat"                # optional match keys: kanal, jenis, kategori (text or a
    jenis = ["aduan", "aspirasi"]  # list of texts, case-insensitive) and segera (true/false)
    hari_kerja = 7                 # the deadline: hari_kerja = N or menit = N
    perpanjangan = 0               # optional extension in working days (hari_kerja only)
    keterangan = "..."             # optional note shown with the deadline

A rule without match keys is the fallback; every profile needs one. Unknown keys, unknown
kanal/jenis values and a missing fallback are refused with a message naming the file.

:meth:`Profile.rule_for` picks the rule for a case, and the case keeps that :class:`Rule`.
Everything else here is a pure function of its arguments: no clock, no register, no terminal.

Counting (SPEC §3): the day of receipt is day 0, or the next working day if it is not one; a
deadline of N working days falls on the N-th working day after day 0 and ends at 23:59:59 of
that day (:data:`END_OF_DAY`). A deadline in minutes runs on the clock from receipt.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from lapor_cli.errors import NotFoundError, ValidationError
from lapor_cli.holiday_calendar import CUTI_BERSAMA, NonWorkingDay
from lapor_cli.indonesian import HARI
from lapor_cli.references import JENIS, KANAL
from lapor_cli.workdays import WorkCalendar

__all__ = [
    "AMAN",
    "DEFAULT_PROFILE",
    "END_OF_DAY",
    "HARI_KERJA",
    "MENIT",
    "SEGERA",
    "TERLAMBAT",
    "DayLine",
    "Profile",
    "Rule",
    "RuleEntry",
    "deadline",
    "explain",
    "flag",
    "load_profile",
    "load_profiles",
    "parse_profile",
    "paused_workdays",
    "remaining_workdays",
]

DEFAULT_PROFILE = "kemensos"

# Rule units.
HARI_KERJA = "hari_kerja"
MENIT = "menit"

# Flags of an open case.
TERLAMBAT = "terlambat"  # the as-of moment is past the deadline
SEGERA = "jatuh_tempo"  # due soon ("segera jatuh tempo"); not the urgent-case key `segera`
AMAN = "aman"  # on time

END_OF_DAY = time(23, 59, 59)
"""A deadline in working days ends at this time of its last day."""

DITUNDA = "ditunda"


# -- rules and profiles ------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A deadline: ``nilai`` working days (plus ``perpanjangan`` if extended) or minutes."""

    satuan: str  # HARI_KERJA | MENIT
    nilai: int
    perpanjangan: int = 0  # extension in working days, granted once (e.g. UU 14/2008: 7)
    keterangan: str = ""

    def __post_init__(self) -> None:
        if self.satuan not in (HARI_KERJA, MENIT):
            raise ValueError(f"satuan must be {HARI_KERJA!r} or {MENIT!r}, got {self.satuan!r}")
        if self.nilai < 0 or self.perpanjangan < 0:
            raise ValueError("nilai and perpanjangan must be >= 0")
        if self.satuan == MENIT and self.perpanjangan:
            raise ValueError("a deadline in minutes has no extension")

    def describe(self) -> str:
        """The rule in words, e.g. ``"10 hari kerja (dapat diperpanjang 7 hari kerja)"``."""
        if self.satuan == MENIT:
            return f"{self.nilai} menit"
        text = f"{self.nilai} hari kerja"
        if self.perpanjangan:
            text += f" (dapat diperpanjang {self.perpanjangan} hari kerja)"
        return text


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

    @property
    def specificity(self) -> int:
        """How many match keys the rule sets (0 for the fallback)."""
        keys = (self.kanal, self.jenis, self.kategori, self.segera)
        return sum(key is not None for key in keys)

    def matches(self, kanal: str, jenis: str, kategori: str | None, segera: bool) -> bool:
        """Whether a case with these (already lower-cased) values falls under this rule."""
        return (
            (self.kanal is None or kanal in self.kanal)
            and (self.jenis is None or jenis in self.jenis)
            and (self.kategori is None or (kategori is not None and kategori in self.kategori))
            and (self.segera is None or self.segera == segera)
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
        self, kanal: str, jenis: str, kategori: str | None = None, segera: bool = False
    ) -> Rule:
        """The most specific matching rule; of equally specific ones, the first in the file."""
        kanal, jenis = kanal.strip().lower(), jenis.strip().lower()
        kategori = kategori.strip().lower() if kategori else None
        best: RuleEntry | None = None
        for entry in self.rules:
            if entry.matches(kanal, jenis, kategori, segera) and (
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
_MATCH_KEYS = ("kanal", "jenis", "kategori", "segera")
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
        return RuleEntry(
            rule=Rule(unit, value, extension, keterangan.strip()),
            kanal=self.values(entry, "kanal", where, KANAL),
            jenis=self.values(entry, "jenis", where, JENIS),
            kategori=self.values(entry, "kategori", where, None),
            segera=segera,
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
                "kategori dan segera (misalnya 'hari_kerja = 3') untuk laporan yang tidak "
                "cocok dengan aturan lain.",
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


# -- deadlines ---------------------------------------------------------------------------------


def deadline(
    received: datetime,
    rule: Rule,
    cal: WorkCalendar,
    paused_workdays: int = 0,
    *,
    extended: bool = False,
) -> datetime:
    """When a case received at ``received`` is due under ``rule``.

    - Working days: 23:59:59 (:data:`END_OF_DAY`) of the (N + ``paused_workdays``)-th working
      day after day 0, N being ``rule.nilai`` plus ``rule.perpanjangan`` once ``extended``.
      The result keeps ``received``'s tzinfo.
    - Minutes: ``received`` + N minutes on the clock; pauses and weekends do not apply (a
      face-to-face service is finished while the citizen waits).
    """
    if rule.satuan == MENIT:
        return received + timedelta(minutes=rule.nilai)
    if paused_workdays < 0:
        raise ValueError("paused_workdays must be >= 0")
    days = rule.nilai + (rule.perpanjangan if extended else 0) + paused_workdays
    due_day = cal.add_workdays(received.date(), days)
    return datetime.combine(due_day, END_OF_DAY, tzinfo=received.tzinfo)


def _as_date(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def remaining_workdays(as_of: date, due: date, cal: WorkCalendar) -> int:
    """``sisa_hari_kerja``: working days after ``as_of`` up to and including ``due``'s day.

    0 on the due day itself, negative once overdue (minus the working days in
    ``(due, as_of]``). Datetimes are taken by their date.
    """
    return cal.count_workdays(_as_date(as_of), _as_date(due))


def flag(as_of: datetime, due: datetime, remaining: int, soon: int = 2) -> str:
    """:data:`TERLAMBAT` once ``as_of`` is past ``due``; :data:`SEGERA` when at most ``soon``
    working days remain; otherwise :data:`AMAN`."""
    if as_of > due:
        return TERLAMBAT
    if remaining <= soon:
        return SEGERA
    return AMAN


# -- pauses ------------------------------------------------------------------------------------


def _merged_pauses(
    pauses: Sequence[tuple[date, date | None]], as_of: date | None
) -> list[tuple[date, date]]:
    """Pause intervals ``(start, end]`` merged, an open end closed at ``as_of``, and nothing
    after ``as_of`` (a pause that had not happened yet as of that date)."""
    intervals: list[tuple[date, date]] = []
    for start, end in pauses:
        start = _as_date(start)
        if end is None:
            if as_of is None:
                raise ValueError("an open pause needs as_of")
            end = as_of
        end = _as_date(end)
        if end < start:
            raise ValidationError(
                "tunda",
                f"Tanggal lanjut {end:%d/%m/%Y} sebelum tanggal tunda {start:%d/%m/%Y}. "
                "Periksa riwayat penundaan kasus ini.",
            )
        if as_of is not None:
            end = min(end, as_of)
        if start < end:
            intervals.append((start, end))
    merged: list[tuple[date, date]] = []
    for start, end in sorted(intervals):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def paused_workdays(
    pauses: Sequence[tuple[date, date | None]], cal: WorkCalendar, as_of: date
) -> int:
    """Working days a case spent paused (ditunda), as of ``as_of``.

    A pause from ``start`` to ``end`` (the day work resumed) freezes the working days in
    ``(start, end]``, the same way a deadline does not count its day 0. An open pause
    (``end is None``) runs until ``as_of``; nothing after ``as_of`` counts. Overlapping pauses
    count once.
    """
    return sum(cal.count_workdays(s, e) for s, e in _merged_pauses(pauses, _as_date(as_of)))


# -- explanation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayLine:
    """One calendar day of a deadline's count, for an audit."""

    tanggal: date
    hari: str  # Indonesian weekday name
    ke: int | None  # working-day ordinal (0 = day 0), or None if the day was not counted
    keterangan: str  # why not counted ("Sabtu", the holiday's name, "ditunda") or what it is

    def __str__(self) -> str:
        count = f"hari ke-{self.ke}" if self.ke is not None else "tidak dihitung"
        return f"{self.hari}, {self.tanggal:%d/%m/%Y}  {count:<15} {self.keterangan}".rstrip()


def explain(
    received: datetime,
    rule: Rule,
    cal: WorkCalendar,
    names: Mapping[date, str],
    pauses: Sequence[tuple[date, date]] = (),
    *,
    extended: bool = False,
) -> list[DayLine]:
    """Each calendar date from receipt to the deadline, counted or with the reason it was not.

    ``names`` gives the holidays' names (e.g. ``{d.tanggal: d.keterangan for d in days}``); a
    skipped day without a name is shown by its weekday (outside the work week) or as "hari
    libur". The last line is always the day :func:`deadline` returns.
    """
    pause_list = _merged_pauses(pauses, None)
    paused = sum(cal.count_workdays(s, e) for s, e in pause_list)
    due = deadline(received, rule, cal, paused, extended=extended)
    if rule.satuan == MENIT:
        return _explain_minutes(received, rule, due)

    first, last = received.date(), due.date()
    lines: list[DayLine] = []
    ordinal = -1
    day = first
    while day <= last:
        hari = HARI[day.weekday()]
        if not cal.is_workday(day):
            default = hari if day.weekday() not in cal.workweek else "hari libur"
            lines.append(DayLine(day, hari, None, names.get(day, default)))
        elif any(s < day <= e for s, e in pause_list):
            lines.append(DayLine(day, hari, None, DITUNDA))
        else:
            ordinal += 1
            lines.append(DayLine(day, hari, ordinal, _counted_note(day, first, last, ordinal)))
        day += timedelta(days=1)
    return lines


def _counted_note(day: date, received: date, due: date, ordinal: int) -> str:
    notes = []
    if ordinal == 0:
        notes.append("diterima" if day == received else "hari kerja pertama sejak diterima")
    if day == due:
        notes.append(f"batas waktu, pukul {END_OF_DAY:%H:%M:%S}")
    return "; ".join(notes)


def _explain_minutes(received: datetime, rule: Rule, due: datetime) -> list[DayLine]:
    """A deadline in minutes runs on the clock: one line, whatever the calendar says."""
    due_at = f"{due:%H:%M}" if due.date() == received.date() else f"{due:%H:%M} {due:%d/%m/%Y}"
    note = f"diterima pukul {received:%H:%M}; batas waktu {rule.nilai} menit, pukul {due_at}"
    return [DayLine(received.date(), HARI[received.weekday()], None, note)]
