"""The month's figures summed from the facts: the key figures (:class:`Figure`), the
breakdowns by kind, channel, category and status (:class:`Count`), the lines per unit and per
desk (:class:`UnitLine`), all held by :class:`Monev`. Pure: no register, no clock, no
openpyxl; ``lapor rekap`` renders these and the workbook writes them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from operator import attrgetter

from lapor_cli.desks import DeskInfo
from lapor_cli.history import Anchor
from lapor_cli.monev.facts import SP4N, CaseFacts
from lapor_cli.monev.period import Period
from lapor_cli.monev.rounding import as_number, mean, median, share, shares
from lapor_cli.references import JENIS, JENIS_LABEL, KANAL, categories, kategori_label, units
from lapor_cli.views import iso
from lapor_cli.workflow import VOID_STATUSES, Status

__all__ = [
    "DESK_SHEET",
    "FIGURE_NOTES",
    "LAPOR_GROUPS",
    "LAPOR_TITLE",
    "MONTH_SHEET",
    "NATIONAL_TITLE",
    "NO_CATEGORY",
    "NO_UNIT",
    "SHEETS",
    "Count",
    "DeskLine",
    "Figure",
    "Monev",
    "MonthLine",
    "UnitLine",
]

NO_UNIT = "Tanpa unit (tidak/belum diteruskan)"
NO_CATEGORY = "Belum diverifikasi"
SHEETS = ("Ringkasan", "Per unit", "Kasus", "Terlambat", "Terbawa")
#: The sheet a monev spanning several desks adds after "Per unit".
DESK_SHEET = "Per meja"
#: The sheet a monev of more than a month adds after "Per unit": a line per month.
MONTH_SHEET = "Per bulan"

#: Ringkasan's block of the figures national evaluators ask for (:meth:`Monev.national`).
NATIONAL_TITLE = "Indikator evaluasi nasional"
#: Ringkasan's block of SP4N-LAPOR!'s status groups (:meth:`Monev.status_lapor`).
LAPOR_TITLE = "Status menurut SP4N-LAPOR!"
#: The definitions of the rounding and of the evaluators' figures, in the workbook's Catatan
#: (the package's docstring says the same in English).
FIGURE_NOTES = (
    "Pembulatan: setiap persentase dan rata-rata dihitung dari pecahan yang tepat lalu "
    "dibulatkan sekali, setengah ke atas: persentase ke 0,1 %, rata-rata ke 0,01. Angka yang "
    "sama tampil di `lapor rekap`, di JSON-nya dan di workbook ini.",
    "Persen menurut jenis, kanal, kategori dan status berjumlah tepat 100,0 % (metode sisa "
    "terbesar): tiap baris dibulatkan ke bawah ke 0,1 %, kekurangannya dibagikan 0,1 demi 0,1 "
    "kepada baris dengan sisa terbesar (bila sama: baris dengan kasus lebih banyak, lalu baris "
    "yang lebih atas). Satu baris bisa berbeda 0,1 dari pembulatannya sendiri.",
    "Waktu respons awal: hari kerja sesudah hari diterima sampai hari langkah penanganan "
    "pertama (verifikasi, distribusi, tindak lanjut atau tutup), menurut waktu langkah itu "
    "terjadi (--pada). Tunda, ubah dan lampiran bukan respons. Rata-rata atas kasus yang sudah "
    "direspons per akhir periode.",
    "Ditindaklanjuti ≤ 5 hari kerja: kasus yang didisposisikan ke unit dan tindak lanjut "
    "pertamanya paling lambat hari kerja ke-5 sesudah hari disposisi. Dinilai bila sudah "
    "ditindaklanjuti atau 5 hari kerja itu sudah lewat per akhir periode; yang masih di dalam 5 "
    "hari kerja tanpa tindak lanjut belum dihitung.",
    "RHP (rata-rata penilaian hasil penanganan): rata-rata skor 1–5 dari pelapor untuk kasus "
    "periode ini yang selesai per akhir periode, dengan jumlah pelapor yang menilai.",
    "Status SP4N-LAPOR! per akhir periode: belum terverifikasi = diterima; terdisposisi belum "
    "ditindaklanjuti = didisposisikan; sedang diproses = terverifikasi, dijawab atau "
    "ditindaklanjuti; selesai = selesai; arsip = diarsipkan (termasuk bukan kewenangan); "
    "tertunda = sedang ditunda (tunda tanpa lanjut), apa pun statusnya. Jumlahnya sama dengan "
    "kasus diterima.",
    "Periode lebih dari sebulan (triwulan, semester, tahun): kasus yang diterima di bulan-bulan "
    "periode itu, keadaan per akhir periode (detik terakhirnya, atau saat dibuat bila masih "
    "berjalan). Lembar Per bulan mengelompokkan kasus yang sama menurut bulan diterima.",
)

#: SP4N-LAPOR!'s own status groups, each with the statuses at period end it gathers (a case
#: paused at period end is "tertunda" whatever its status).
LAPOR_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("belum_terverifikasi", "Belum terverifikasi", (Status.DITERIMA,)),
    (
        "terdisposisi_belum_ditindaklanjuti",
        "Terdisposisi, belum ditindaklanjuti",
        (Status.DIDISPOSISIKAN,),
    ),
    (
        "sedang_diproses",
        "Sedang diproses",
        (Status.TERVERIFIKASI, Status.DIJAWAB, Status.DITINDAKLANJUTI),
    ),
    ("selesai", "Selesai", (Status.SELESAI,)),
    ("tertunda", "Tertunda", ()),
    ("arsip", "Arsip", (Status.DIARSIPKAN,)),
)


@dataclass(frozen=True)
class Figure:
    """One key figure: its JSON key, Indonesian label, value and kind (n / pct / dec). A
    share or an average is already rounded (:mod:`lapor_cli.monev.rounding`)."""

    key: str
    label: str
    value: int | Decimal | None
    kind: str = "n"

    @property
    def number(self) -> int | float | None:
        """The value for JSON and the workbook."""
        return as_number(self.value) if isinstance(self.value, Decimal) else self.value


@dataclass(frozen=True)
class Count:
    """One line of a breakdown table, with its share of the breakdown (the shares of one
    breakdown add up to exactly 100 %: :func:`~lapor_cli.monev.rounding.shares`)."""

    key: str | None
    label: str
    jumlah: int
    porsi: Decimal | None = None


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
    def porsi_tepat_waktu(self) -> Decimal | None:
        return share(self.tepat_waktu, self.selesai)

    @property
    def rata_hari_kerja(self) -> Decimal | None:
        return mean(self._days)

    def add(self, fact: CaseFacts) -> None:
        self.diterima += 1
        if fact.closed:
            self.selesai += 1
            self.tepat_waktu += bool(fact.tepat_waktu)
            self._days.append(fact.hari_kerja or 0)
        self.terlambat += fact.terlambat

    def add_all(self, facts: list[CaseFacts]) -> None:
        """:meth:`add` of each of ``facts``, in one go."""
        closed = [f for f in facts if f.ditutup is not None]
        self.diterima += len(facts)
        self.selesai += len(closed)
        self.tepat_waktu += sum(1 for f in closed if f.tepat_waktu)
        self._days.extend([f.hari_kerja or 0 for f in closed])
        self.terlambat += sum(map(_LATE, facts))

    def as_json(self) -> dict[str, object]:
        return {
            "unit": self.unit,
            "diterima": self.diterima,
            "selesai": self.selesai,
            "tepat_waktu": self.tepat_waktu,
            "porsi_tepat_waktu": as_number(self.porsi_tepat_waktu),
            "terlambat": self.terlambat,
            "rata_hari_kerja": as_number(self.rata_hari_kerja),
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


@dataclass
class MonthLine(UnitLine):
    """One month's line of a monev over several months (``unit`` holds ``YYYY-MM``): its
    cases by receipt, their state at period end."""

    nama: str = ""

    @property
    def label(self) -> str:
        return self.nama or str(self.unit)

    def as_json(self) -> dict[str, object]:
        doc = super().as_json()
        doc.pop("unit")
        return {"bulan": self.unit, **doc}


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
    #: Figures of the demo register (``lapor demo``): marked so, never mistaken for a monev.
    demo: bool = False

    @property
    def spans_desks(self) -> bool:
        """A monev of several desks (a province's): it gets a per-desk breakdown."""
        return self.meja is None and len(self.desks) > 1

    # -- breakdowns ------------------------------------------------------------------------

    def per_jenis(self) -> list[Count]:
        counts = Counter(map(attrgetter("jenis"), self.cases))
        return _breakdown(counts, [(j, JENIS_LABEL.get(j, j)) for j in JENIS])

    def per_kanal(self) -> list[Count]:
        counts = Counter(map(attrgetter("kanal"), self.cases))
        return _breakdown(counts, [(k, k) for k in KANAL])

    def per_kategori(self) -> list[Count]:
        counts = Counter(map(attrgetter("kategori"), self.cases))
        return _breakdown(counts, [(c.kode, f"{c.kode} — {c.label}") for c in categories()])

    def per_status(self) -> list[Count]:
        counts = Counter(map(attrgetter("status"), self.cases))
        counted = [s for s in Status if s not in VOID_STATUSES]  # the others count nowhere
        return _breakdown(counts, [(s.value, s.value) for s in counted])

    def per_unit(self) -> list[UnitLine]:
        lines = {u.nama: UnitLine(u.nama) for u in units()}
        extra: dict[str | None, UnitLine] = {}
        for unit, facts in _grouped(self.cases, "unit").items():
            line = lines.get(unit) if unit is not None else None
            if line is None:
                line = extra.setdefault(unit, UnitLine(unit))
            line.add_all(facts)
        others = sorted((k for k in extra if k is not None), key=str.lower)
        ordered = [*lines.values(), *(extra[k] for k in others)]
        if None in extra:
            ordered.append(extra[None])
        return ordered

    def per_bulan(self) -> list[MonthLine]:
        """A period of several months: a line per month begun by period end (zeros
        included), its cases by month of receipt; none for a month."""
        if self.period.is_month:
            return []
        lines = {p.key: MonthLine(p.key, nama=p.label) for p in self.period.month_periods()}
        for fact in self.cases:
            key = f"{fact.diterima.year:04d}-{fact.diterima.month:02d}"
            line = lines.get(key)
            if line is None:  # cannot be: the period's cases are received in its months
                line = lines[key] = MonthLine(key)
            line.add(fact)
        return list(lines.values())

    def status_lapor(self) -> list[Count]:
        """The cases in SP4N-LAPOR!'s status groups at period end (:data:`LAPOR_GROUPS`)."""
        counts: Counter = Counter()
        group_of = {status: key for key, _, statuses in LAPOR_GROUPS for status in statuses}
        for (paused, status), number in Counter(
            map(attrgetter("ditunda", "status"), self.cases)
        ).items():
            counts["tertunda" if paused else group_of.get(status)] += number
        return _with_shares([Count(key, label, counts[key]) for key, label, _ in LAPOR_GROUPS])

    def sheets(self) -> list[str]:
        """The workbook's sheets, in order."""
        names = list(SHEETS)
        if self.spans_desks:
            names.insert(names.index("Per unit") + 1, DESK_SHEET)
        if not self.period.is_month:
            names.insert(names.index("Per unit") + 1, MONTH_SHEET)
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
        for meja, facts in _grouped(self.cases, "meja").items():
            line = lines.get(meja)
            if line is None:
                line = lines[meja] = DeskLine(meja)
            line.add_all(facts)
        return list(lines.values())

    def total_line(self) -> UnitLine:
        """The month's cases as one line (the *Jumlah* row under the units or desks)."""
        line = UnitLine(None)
        line.add_all(self.cases)
        return line

    # -- the key figures -------------------------------------------------------------------

    @property
    def closed(self) -> list[CaseFacts]:
        return [f for f in self.cases if f.ditutup is not None]

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
        end = f"per akhir {self.period.word}"
        this, before = (
            ("bulan ini", "bulan sebelumnya")
            if self.period.is_month
            else ("periode ini", "sebelum periode ini")
        )
        return [
            Figure("diterima", "Kasus diterima", received),
            Figure("selesai", f"Selesai {end} (selesai + diarsipkan)", len(closed)),
            Figure(
                "tingkat_penyelesaian",
                "Tingkat penyelesaian (selesai ÷ diterima)",
                share(len(closed), received),
                "pct",
            ),
            Figure("selesai_tepat_waktu", "Selesai tepat waktu", on_time),
            Figure(
                "porsi_tepat_waktu",
                "Porsi selesai tepat waktu (tepat waktu ÷ selesai)",
                share(on_time, len(closed)),
                "pct",
            ),
            Figure("rata_hari_kerja", "Rata-rata hari kerja sampai selesai", mean(days), "dec"),
            Figure("median_hari_kerja", "Median hari kerja sampai selesai", median(days), "dec"),
            Figure("terbuka", f"Masih terbuka {end}", received - len(closed)),
            Figure(
                "terlambat",
                f"Terlambat {end} (kasus {this})",
                sum(map(_LATE, self.cases)),
            ),
            Figure(
                "terbawa_terbuka",
                f"Kasus {before} masih terbuka {end}",
                len(self.carried),
            ),
            Figure(
                "terbawa_terlambat",
                f"Kasus {before} terlambat {end}",
                sum(map(_LATE, self.carried)),
            ),
            Figure("rata_skor", "Rata-rata penilaian pelapor (1–5)", mean(scores), "dec"),
            Figure("jumlah_skor", "Jumlah penilaian", len(scores)),
            Figure(
                "bukan_kewenangan",
                "Bukan kewenangan (diarsipkan, pelapor diberi tahu/dirujuk)",
                sum(1 for f in closed if f.kewenangan is False),
            ),
            Figure(
                "sp4n_belum_dilaporkan_balik",
                "SP4N-LAPOR! selesai tetapi belum dilaporkan balik",
                sum(1 for f in closed if f.kanal == SP4N and not f.dilaporkan_balik),
            ),
            Figure(
                "dibuka_kembali",
                "Dibuka kembali (pelapor keberatan atas jawaban)",
                sum(map(attrgetter("dibuka_kembali"), self.cases)),
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

    def national(self) -> list[Figure]:
        """The figures national evaluators ask of an agency's complaint handling (their
        definitions are in the package's docstring)."""
        responded = [f.respons_hari for f in self.cases if f.respons_hari is not None]
        decided = [f.tindak_lanjut_5 for f in self.cases if f.tindak_lanjut_5 is not None]
        in_time = sum(decided)
        scores = [f.skor for f in self.cases if f.skor is not None]
        return [
            Figure(
                "tingkat_penyelesaian",
                "Tingkat penyelesaian (selesai ÷ diterima)",
                share(len(self.closed), len(self.cases)),
                "pct",
            ),
            Figure(
                "rata_respons_awal",
                "Rata-rata waktu respons awal (hari kerja, diterima → langkah pertama)",
                mean(responded),
                "dec",
            ),
            Figure("jumlah_direspons", "Kasus yang sudah direspons", len(responded)),
            Figure(
                "porsi_tindak_lanjut_5_hari",
                "Porsi ditindaklanjuti ≤ 5 hari kerja sesudah didisposisikan",
                share(in_time, len(decided)),
                "pct",
            ),
            Figure("tindak_lanjut_5_hari", "Ditindaklanjuti ≤ 5 hari kerja", in_time),
            Figure(
                "jumlah_disposisi_dinilai",
                "Dinilai: sudah ditindaklanjuti atau lewat 5 hari kerja",
                len(decided),
            ),
            Figure("rhp", "RHP: rata-rata penilaian hasil penanganan (1–5)", mean(scores), "dec"),
            Figure("jumlah_dinilai", "Jumlah pelapor yang menilai", len(scores)),
        ]

    def as_json(self, *, with_cases: bool = True) -> dict[str, object]:
        doc: dict[str, object] = {
            "kantor": self.kantor,
            "meja": self.meja,
            "demo": self.demo,
            "bulan": self.period.key if self.period.is_month else None,
            "periode": {
                "kode": self.period.key,
                "jenis": self.period.kind,
                "label": self.period.label,
                "mulai": self.period.start.date().isoformat(),
                "sampai": self.period.last_day.isoformat(),
                "berjalan": self.period.current,
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
            doc[fig.key] = fig.number
        status_lapor = self.status_lapor()
        doc["indikator_nasional"] = {
            **{fig.key: fig.number for fig in self.national()},
            "status_lapor": {c.key: c.jumlah for c in status_lapor},
        }
        jenis, kanal, status = self.per_jenis(), self.per_kanal(), self.per_status()
        kategori = self.per_kategori()
        doc["per_jenis"] = {c.key: c.jumlah for c in jenis}
        doc["per_kanal"] = {c.key: c.jumlah for c in kanal}
        doc["per_kategori"] = [
            {"kategori": c.key, "jumlah": c.jumlah, "porsi": as_number(c.porsi)} for c in kategori
        ]
        doc["per_status"] = {c.key: c.jumlah for c in status}
        doc["porsi"] = {
            name: {str(c.key): as_number(c.porsi) for c in lines}
            for name, lines in (
                ("jenis", jenis),
                ("kanal", kanal),
                ("status", status),
                ("status_lapor", status_lapor),
            )
        }
        doc["per_unit"] = [line.as_json() for line in self.per_unit()]
        if not self.period.is_month:
            doc["per_bulan"] = [line.as_json() for line in self.per_bulan()]
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
    return _with_shares(lines)


def _with_shares(lines: list[Count]) -> list[Count]:
    """The lines with their shares of the breakdown, adding up to exactly 100 %."""
    portions = shares([line.jumlah for line in lines])
    return [replace(line, porsi=p) for line, p in zip(lines, portions, strict=True)]


_LATE = attrgetter("terlambat")


def _grouped(facts: list[CaseFacts], name: str) -> dict[object, list[CaseFacts]]:
    """``facts`` by the value of their attribute ``name``, in order."""
    groups: dict[object, list[CaseFacts]] = {}
    for value, fact in zip(map(attrgetter(name), facts), facts, strict=True):
        group = groups.get(value)
        if group is None:
            groups[value] = [fact]
        else:
            group.append(fact)
    return groups
