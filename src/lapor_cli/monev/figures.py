"""The month's figures summed from the facts: the key figures (:class:`Figure`), the
breakdowns by kind, channel, category and status (:class:`Count`), the lines per unit and per
desk (:class:`UnitLine`), all held by :class:`Monev`. Pure: no register, no clock, no
openpyxl; ``lapor rekap`` renders these and the workbook writes them."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from lapor_cli.desks import DeskInfo
from lapor_cli.history import Anchor
from lapor_cli.monev.facts import CaseFacts
from lapor_cli.monev.period import Period
from lapor_cli.references import JENIS, JENIS_LABEL, KANAL, categories, kategori_label, units
from lapor_cli.views import iso
from lapor_cli.workflow import VOID_STATUSES, Status

__all__ = [
    "DESK_SHEET",
    "NO_CATEGORY",
    "NO_UNIT",
    "SHEETS",
    "Count",
    "DeskLine",
    "Figure",
    "Monev",
    "UnitLine",
]

NO_UNIT = "Tanpa unit (tidak/belum diteruskan)"
NO_CATEGORY = "Belum diverifikasi"
SHEETS = ("Ringkasan", "Per unit", "Kasus", "Terlambat", "Terbawa")
#: The sheet a monev spanning several desks adds after "Per unit".
DESK_SHEET = "Per meja"


@dataclass(frozen=True)
class Figure:
    """One key figure: its JSON key, Indonesian label, value and kind (n / pct / dec)."""

    key: str
    label: str
    value: int | float | None
    kind: str = "n"


@dataclass(frozen=True)
class Count:
    """One line of a breakdown table."""

    key: str | None
    label: str
    jumlah: int


@dataclass
class UnitLine:
    unit: str | None
    diterima: int = 0
    selesai: int = 0
    tepat_waktu: int = 0
    terlambat: int = 0
    _days: list[int] = field(default_factory=list, repr=False)

    @property
    def label(self) -> str:
        return self.unit or NO_UNIT

    @property
    def porsi_tepat_waktu(self) -> float | None:
        return self.tepat_waktu / self.selesai if self.selesai else None

    @property
    def rata_hari_kerja(self) -> float | None:
        return statistics.fmean(self._days) if self._days else None

    def add(self, fact: CaseFacts) -> None:
        self.diterima += 1
        if fact.closed:
            self.selesai += 1
            self.tepat_waktu += bool(fact.tepat_waktu)
            self._days.append(fact.hari_kerja or 0)
        self.terlambat += fact.terlambat

    def as_json(self) -> dict[str, object]:
        return {
            "unit": self.unit,
            "diterima": self.diterima,
            "selesai": self.selesai,
            "tepat_waktu": self.tepat_waktu,
            "porsi_tepat_waktu": _round(self.porsi_tepat_waktu, 4),
            "terlambat": self.terlambat,
            "rata_hari_kerja": _round(self.rata_hari_kerja, 2),
        }


@dataclass
class DeskLine(UnitLine):
    """One desk's line of a monev that spans several desks (``unit`` holds the desk code)."""

    nama: str = ""

    @property
    def label(self) -> str:
        return f"{self.unit} — {self.nama}" if self.nama else str(self.unit)

    def as_json(self) -> dict[str, object]:
        doc = super().as_json()
        doc.pop("unit")
        return {"meja": self.unit, "nama": self.nama, **doc}


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Monev:
    """The month's figures, and the facts they were summed from."""

    kantor: str
    period: Period
    dibuat: datetime
    cases: list[CaseFacts]  # received in the month, by receipt time
    carried: list[CaseFacts]  # received earlier, still open at month end
    text_len: dict[str, int] = field(default_factory=dict)  # longest free text per column
    meja: str | None = None  # the one desk covered; None: every desk of the register
    desks: list[DeskInfo] = field(default_factory=list)  # the register's desks
    #: The register's chain anchor when the figures were read (the whole register's, whatever
    #: the desk): ``lapor periksa --jangkar`` later proves the history up to it unchanged.
    jangkar: Anchor | None = None
    #: The month's cases that count in no figure: status (dibatalkan, digabung) → how many.
    void: dict[str, int] = field(default_factory=dict)

    @property
    def spans_desks(self) -> bool:
        """A monev of several desks (a province's): it gets a per-desk breakdown."""
        return self.meja is None and len(self.desks) > 1

    # -- breakdowns ------------------------------------------------------------------------

    def per_jenis(self) -> list[Count]:
        counts = Counter(f.jenis for f in self.cases)
        return _breakdown(counts, [(j, JENIS_LABEL.get(j, j)) for j in JENIS])

    def per_kanal(self) -> list[Count]:
        counts = Counter(f.kanal for f in self.cases)
        return _breakdown(counts, [(k, k) for k in KANAL])

    def per_kategori(self) -> list[Count]:
        counts = Counter(f.kategori for f in self.cases)
        return _breakdown(counts, [(c.kode, f"{c.kode} — {c.label}") for c in categories()])

    def per_status(self) -> list[Count]:
        counts = Counter(f.status for f in self.cases)
        counted = [s for s in Status if s not in VOID_STATUSES]  # the others count nowhere
        return _breakdown(counts, [(s.value, s.value) for s in counted])

    def per_unit(self) -> list[UnitLine]:
        lines = {u.nama: UnitLine(u.nama) for u in units()}
        extra: dict[str | None, UnitLine] = {}
        for fact in self.cases:
            line = lines.get(fact.unit) if fact.unit is not None else None
            if line is None:
                line = extra.setdefault(fact.unit, UnitLine(fact.unit))
            line.add(fact)
        others = sorted((k for k in extra if k is not None), key=str.lower)
        ordered = [*lines.values(), *(extra[k] for k in others)]
        if None in extra:
            ordered.append(extra[None])
        return ordered

    def sheets(self) -> list[str]:
        """The workbook's sheets, in order."""
        names = list(SHEETS)
        if self.spans_desks:
            names.insert(names.index("Per unit") + 1, DESK_SHEET)
        return names

    def desk_label(self) -> str | None:
        """Which desks the figures cover, for a register with more than one desk."""
        if len(self.desks) <= 1:
            return None
        if self.meja is None:
            return f"Semua meja ({len(self.desks)}: {', '.join(d.kode for d in self.desks)})"
        for desk in self.desks:
            if desk.kode == self.meja:
                return f"{desk.kode} — {desk.nama} (awalan {desk.prefiks})"
        return self.meja

    def per_meja(self) -> list[DeskLine]:
        """Every desk in code order (zeros included), then any desk the list does not know."""
        lines = {d.kode: DeskLine(d.kode, nama=d.nama) for d in self.desks}
        for fact in self.cases:
            line = lines.get(fact.meja)
            if line is None:
                line = lines[fact.meja] = DeskLine(fact.meja)
            line.add(fact)
        return list(lines.values())

    def total_line(self) -> UnitLine:
        """The month's cases as one line (the *Jumlah* row under the units or desks)."""
        line = UnitLine(None)
        for fact in self.cases:
            line.add(fact)
        return line

    # -- the key figures -------------------------------------------------------------------

    @property
    def closed(self) -> list[CaseFacts]:
        return [f for f in self.cases if f.closed]

    @property
    def overdue(self) -> list[CaseFacts]:
        """Every case overdue at month end (the month's and carried over), most late first."""
        late = [f for f in (*self.cases, *self.carried) if f.terlambat]
        late.sort(key=lambda f: (-(f.hari_terlambat or 0), f.diterima, f.nomor))
        return late

    def figures(self) -> list[Figure]:
        received = len(self.cases)
        closed = self.closed
        days = [f.hari_kerja or 0 for f in closed]
        on_time = sum(1 for f in closed if f.tepat_waktu)
        scores = [f.skor for f in self.cases if f.skor is not None]
        return [
            Figure("diterima", "Kasus diterima", received),
            Figure("selesai", "Selesai per akhir bulan (selesai + diarsipkan)", len(closed)),
            Figure(
                "tingkat_penyelesaian",
                "Tingkat penyelesaian (selesai ÷ diterima)",
                _ratio(len(closed), received),
                "pct",
            ),
            Figure("selesai_tepat_waktu", "Selesai tepat waktu", on_time),
            Figure(
                "porsi_tepat_waktu",
                "Porsi selesai tepat waktu (tepat waktu ÷ selesai)",
                _ratio(on_time, len(closed)),
                "pct",
            ),
            Figure(
                "rata_hari_kerja",
                "Rata-rata hari kerja sampai selesai",
                statistics.fmean(days) if days else None,
                "dec",
            ),
            Figure(
                "median_hari_kerja",
                "Median hari kerja sampai selesai",
                statistics.median(days) if days else None,
                "dec",
            ),
            Figure("terbuka", "Masih terbuka per akhir bulan", received - len(closed)),
            Figure(
                "terlambat",
                "Terlambat per akhir bulan (kasus bulan ini)",
                sum(1 for f in self.cases if f.terlambat),
            ),
            Figure(
                "terbawa_terbuka",
                "Kasus bulan sebelumnya masih terbuka per akhir bulan",
                len(self.carried),
            ),
            Figure(
                "terbawa_terlambat",
                "Kasus bulan sebelumnya terlambat per akhir bulan",
                sum(1 for f in self.carried if f.terlambat),
            ),
            Figure(
                "rata_skor",
                "Rata-rata penilaian pelapor (1–5)",
                statistics.fmean(scores) if scores else None,
                "dec",
            ),
            Figure("jumlah_skor", "Jumlah penilaian", len(scores)),
            Figure(
                "bukan_kewenangan",
                "Bukan kewenangan (diarsipkan, pelapor diberi tahu/dirujuk)",
                sum(1 for f in self.cases if f.bukan_kewenangan),
            ),
            Figure(
                "sp4n_belum_dilaporkan_balik",
                "SP4N-LAPOR! selesai tetapi belum dilaporkan balik",
                sum(1 for f in self.cases if f.belum_dilaporkan_balik),
            ),
            Figure(
                "dibuka_kembali",
                "Dibuka kembali (pelapor keberatan atas jawaban)",
                sum(1 for f in self.cases if f.dibuka_kembali),
            ),
            Figure(
                "dibatalkan",
                "Dibatalkan karena salah catat (tidak dihitung di angka lain)",
                self.void.get(Status.DIBATALKAN, 0),
            ),
            Figure(
                "digabung",
                "Aduan ganda digabung ke kasus lain (dihitung sekali, di kasus utamanya)",
                self.void.get(Status.DIGABUNG, 0),
            ),
        ]

    def as_json(self, *, with_cases: bool = True) -> dict[str, object]:
        doc: dict[str, object] = {
            "kantor": self.kantor,
            "meja": self.meja,
            "bulan": self.period.key,
            "periode": {
                "mulai": self.period.start.date().isoformat(),
                "sampai": self.period.last_day.isoformat(),
            },
            "bulan_berjalan": self.period.current,
            "keadaan_per": iso(self.period.as_of),
            "dibuat": iso(self.dibuat),
            "jangkar": None
            if self.jangkar is None
            else {
                "jumlah": self.jangkar.count,
                "hash": self.jangkar.hash,
                "singkat": self.jangkar.short,
            },
        }
        for fig in self.figures():
            value = fig.value
            if isinstance(value, float):
                value = round(value, 4 if fig.kind == "pct" else 2)
            doc[fig.key] = value
        doc["per_jenis"] = {c.key: c.jumlah for c in self.per_jenis()}
        doc["per_kanal"] = {c.key: c.jumlah for c in self.per_kanal()}
        doc["per_kategori"] = [{"kategori": c.key, "jumlah": c.jumlah} for c in self.per_kategori()]
        doc["per_status"] = {c.key: c.jumlah for c in self.per_status()}
        doc["per_unit"] = [line.as_json() for line in self.per_unit()]
        if self.spans_desks:
            doc["per_meja"] = [line.as_json() for line in self.per_meja()]
        if with_cases:
            doc["kasus_terlambat"] = [f.as_json() for f in self.overdue]
        return doc


def _breakdown(counts: Counter, known: list[tuple[str, str]]) -> list[Count]:
    """Known values in their order (zeros included), then unknown ones, then None."""
    lines = [Count(key, label, counts.get(key, 0)) for key, label in known]
    seen = {key for key, _ in known}
    for key in sorted((k for k in counts if k is not None and k not in seen), key=str):
        lines.append(Count(key, kategori_label(key) or key, counts[key]))
    if counts.get(None):
        lines.append(Count(None, NO_CATEGORY, counts[None]))
    return lines
