"""Deadlines of the register's cases, with the calendar as it stands now.

A case stores its rule (N working days or N minutes, fixed when it was recorded); its deadline
is derived here every time from that rule and today's calendar — the ``holidays`` package's
days plus the office's own additions and cancellations — so a day added later with
``libur tambah`` moves every deadline that spans it and no stored date can go stale. A closed
case is the exception: its verdict (``tepat_waktu``) was given at its closing against the
deadline as it stood then, which its closing entry keeps (:data:`CLOSING_DUE`); every screen
shows that one, so a calendar changed later moves neither (:meth:`Deadlines.due`).

Pauses (``tunda``/``lanjut``) stop the clock only while it runs: a pause freezes the working
days after the day it began, and one begun on the deadline's day or later freezes nothing
before the deadline (:func:`sla.stopping_pauses`). The deadline that binds an open case is the
first of its own and the running SP4N-LAPOR! stage's (:meth:`Deadlines.binding`).

A reopened case (``buka``: the reporter disputed its answer) is counted from the reopening
instead, by the unit's follow-up stage of its profile (``tahap.tindaklanjut``, 5 working days
by default), with only the pauses since then: the earlier handling is over and was judged
when it closed (:meth:`Deadlines.counting`).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from lapor_cli import profiles, sla
from lapor_cli.errors import NotFoundError
from lapor_cli.holiday_calendar import (
    CUTI_BERSAMA,
    KANTOR,
    NonWorkingDay,
    holidays_version,
    merge_days,
    package_days,
)
from lapor_cli.sla import SlaRule
from lapor_cli.sqlread import Reader, day, doc, sql_words, when
from lapor_cli.workdays import WorkCalendar

if TYPE_CHECKING:
    from sqlmodel import Session

    from lapor_cli.validation import CaseInput

#: The statuses with a stage deadline running (see :meth:`Deadlines.stage_due`).
STAGED = frozenset({"diterima", "didisposisikan"})

#: The name of a case's own deadline where the binding deadline is named (:meth:`binding`).
KASUS = "kasus"

#: The key of a closing entry's data (``tutup``, an archiving ``verifikasi``, an ``ubah`` that
#: judged a closed case again) that keeps the deadline as it stood when the verdict was given.
CLOSING_DUE = "batas_waktu_saat_ditutup"

#: The entries that may carry it.
_JUDGING = ("tutup", "verifikasi", "ubah")
_JUDGING_SQL = sql_words(_JUDGING)

#: Years loaded past a case's receipt year: room for 60-working-day rules and pauses.
YEARS_AHEAD = 1


def _writing(source: Any) -> bool:
    """Whether ``source`` is a writing command's session (it may store what it computes)."""
    return not isinstance(source, Reader) and bool(source.info.get("write"))


def cached_package_days(source: Session | Reader, years: list[int]) -> list[NonWorkingDay]:
    """The package's days of ``years``, from the register's cache when it was made by the
    installed ``holidays`` version; computed (and, in a writing command, stored) otherwise."""
    version = holidays_version()
    marks = ", ".join("?" * len(years))
    stored = {
        tahun: (versi, doc(hari))
        for tahun, versi, hari in Reader.of(source).rows(
            f"SELECT tahun, versi, hari FROM kalender_paket WHERE tahun IN ({marks})", years
        )
    }
    days: list[NonWorkingDay] = []
    fresh_years: dict[int, list[NonWorkingDay]] = {}
    for year in years:
        versi, hari = stored.get(year, (None, None))
        if versi == version:
            days.extend(
                NonWorkingDay(
                    date.fromisoformat(d["tanggal"]), d["keterangan"], d["sumber"], d["perkiraan"]
                )
                for d in hari
            )
            continue
        fresh_years[year] = fresh = package_days(year)
        days.extend(fresh)
    if _writing(source):
        _store_years(source, version, fresh_years)
        refresh_stale_years(source, version, skip=set(years))
    return days


def _store_years(session: Session, version: str, years: dict[int, list[NonWorkingDay]]) -> None:
    from lapor_cli.models import PackageYear

    for year, fresh in years.items():
        row = session.get(PackageYear, year) or PackageYear(tahun=year, versi=version)
        row.versi = version
        row.hari = stored_days(fresh)
        session.add(row)


def stored_days(days: list[NonWorkingDay]) -> list[dict[str, object]]:
    """Days as the holidays cache (``kalender_paket.hari``) stores them."""
    return [
        {
            "tanggal": d.tanggal.isoformat(),
            "keterangan": d.keterangan,
            "sumber": d.sumber,
            "perkiraan": d.perkiraan,
        }
        for d in days
    ]


def refresh_stale_years(session: Session, version: str, *, skip: set[int]) -> None:
    """After an upgrade of ``holidays``, every stored year is stale, and reading commands
    (which cannot store) would recompute each year they touch on every run (~0.1-0.2 s a
    year). The first writing command refreshes them all, once."""
    from sqlmodel import select

    from lapor_cli.models import PackageYear

    stale = session.exec(
        select(PackageYear).where(PackageYear.versi != version, PackageYear.tahun.not_in(skip))
    ).all()
    for row in stale:
        row.versi = version
        row.hari = stored_days(package_days(row.tahun))
        session.add(row)


@lru_cache(maxsize=256)
def _rule(satuan: str, nilai: int, perpanjangan: int) -> sla.Rule:
    return sla.Rule(satuan, nilai, perpanjangan)


class Deadlines:
    """Calendars and deadlines for one command (one session)."""

    def __init__(self, source: Session | Reader, as_of: datetime | None = None) -> None:
        #: A writing command's session (the package's days it computes are stored), or any
        #: reader of the register; every read goes through :attr:`db`.
        self.session = source
        self.db = Reader.of(source)
        self.as_of = as_of  # closes a pause that is still running; None: pauses ignored
        self._pauses: dict[int, list[tuple[date, date | None]]] | None = None
        # A deadline in working days depends only on the rule and the receipt date: many cases
        # share both, so each is computed once per command.
        self._due_cache: dict[tuple, datetime] = {}
        self._years: set[int] = set()
        self._package: list[NonWorkingDay] = []
        self._office: tuple[list[NonWorkingDay], list[date]] | None = None
        self._calendars: dict[str, WorkCalendar] = {}
        self._profiles: dict[str, profiles.Profile] = {}
        self._closing: dict[int, datetime] | None = None  # every case's, once loaded
        self._closing_one: dict[int, datetime | None] = {}

    # ------------------------------------------------------------ profiles and calendars

    def profile(self, name: str) -> profiles.Profile:
        """The named profile; a case whose profile file has gone falls back to the default."""
        if name not in self._profiles:
            try:
                self._profiles[name] = profiles.load_profile(name)
            except NotFoundError:
                if name == profiles.DEFAULT_PROFILE:
                    raise
                self._profiles[name] = self.profile(profiles.DEFAULT_PROFILE)
        return self._profiles[name]

    def _office_days(self) -> tuple[list[NonWorkingDay], list[date]]:
        if self._office is None:
            added: list[NonWorkingDay] = []
            removed: list[date] = []
            for tanggal, jenis, keterangan, sk in self.db.rows(
                "SELECT tanggal, jenis, keterangan, sk FROM hari_kantor ORDER BY tanggal"
            ):
                if jenis == "libur":
                    added.append(NonWorkingDay(day(tanggal), keterangan, KANTOR, sk=sk))
                else:
                    removed.append(day(tanggal))
            self._office = (added, removed)
        return self._office

    def package_day(self, day: date) -> NonWorkingDay | None:
        """The ``holidays`` package's non-working day on ``day`` (its year loaded first)."""
        self.ensure_years(day.year, day.year)
        return next((d for d in self._package if d.tanggal == day), None)

    def ensure_years(self, first: int, last: int) -> None:
        wanted = set(range(first, last + 1)) - self._years
        if not wanted:
            return
        self._package.extend(cached_package_days(self.session, sorted(wanted)))
        self._years |= wanted
        self._calendars.clear()
        self._due_cache.clear()

    def days(self) -> list[NonWorkingDay]:
        """Every non-working day of the loaded years: the package's, with the office's own
        added and its cancellations removed."""
        added, removed = self._office_days()
        return merge_days(self._package, added, removed)

    def calendar(self, profile_name: str) -> WorkCalendar:
        if profile_name not in self._calendars:
            profile = self.profile(profile_name)
            self._calendars[profile_name] = profile.work_calendar(self.days())
        return self._calendars[profile_name]

    # ------------------------------------------------------------ rules and deadlines

    def rule_for_new(self, profile_name: str, data: CaseInput) -> SlaRule:
        """The rule a new case is given by the register's profile in force."""
        return self._rule_for(profile_name, data.kanal, data.jenis, data.segera)

    def rules_for_new(self, profile_name: str) -> dict[tuple[str, str, bool], SlaRule]:
        """``rule_for_new`` for every (kanal, jenis, segera) a new case can have."""
        from lapor_cli.references import JENIS, KANAL

        return {
            (kanal, jenis, segera): self._rule_for(profile_name, kanal, jenis, segera)
            for kanal, jenis, segera in itertools.product(KANAL, JENIS, (False, True))
        }

    def rule_for_case(
        self,
        row,
        *,
        kanal: str,
        jenis: str,
        segera: bool,
        kategori: str | None,
        klasifikasi: str | None = None,
    ) -> SlaRule:
        """The rule a case recorded under ``row.sla_profil`` gets for these facts (``ubah``:
        corrected facts choose the rule again under the profile the case was recorded with;
        ``kategori`` and ``klasifikasi`` only once the case was verified as within the
        office's authority)."""
        return self._rule_for(row.sla_profil, kanal, jenis, segera, kategori, klasifikasi)

    def rule_for_category(
        self, row, kategori: str, klasifikasi: str | None = None
    ) -> SlaRule | None:
        """At verification the category (and an aduan's classification) is known: a profile
        rule for it replaces the rule the case was recorded with (None when the rule stays
        the same)."""
        new = self._rule_for(
            row.sla_profil, row.kanal, row.jenis, bool(row.segera), kategori, klasifikasi
        )
        old = SlaRule(row.sla_profil, row.sla_satuan, row.sla_nilai, row.sla_perpanjangan)
        return None if new == old else new

    def _rule_for(
        self,
        profile_name: str,
        kanal: str,
        jenis: str,
        segera: bool,
        kategori: str | None = None,
        klasifikasi: str | None = None,
    ) -> SlaRule:
        """The rule the named profile (or the default, when it has gone) gives such a case."""
        profile = self.profile(profile_name)
        rule = profile.rule_for(
            kanal, jenis, kategori=kategori, segera=segera, klasifikasi=klasifikasi
        )
        return SlaRule(profile.nama, rule.satuan, rule.nilai, rule.perpanjangan)

    @staticmethod
    def rule_of(row) -> sla.Rule:
        """The rule a case (or an ``SlaRule``) carries."""
        if isinstance(row, SlaRule):
            return _rule(row.satuan, row.nilai, row.perpanjangan)
        return _rule(row.sla_satuan, row.sla_nilai, row.sla_perpanjangan)

    @staticmethod
    def describe(row) -> str:
        return Deadlines.rule_of(row).describe()

    def all_pauses(self) -> dict[int, list[tuple[date, date | None]]]:
        """Every case's pauses as (start, end) dates, end None while still paused; one query."""
        if self._pauses is None:
            self._pauses = defaultdict(list)
            for kasus_id, mulai, selesai in self.db.rows(
                "SELECT kasus_id, mulai, selesai FROM jeda ORDER BY id"
            ):
                end = when(selesai)
                self._pauses[kasus_id].append((when(mulai).date(), end.date() if end else None))
        return self._pauses

    def pauses(self, case_id: int) -> list[tuple[date, date | None]]:
        """The case's pauses as (start, end) dates; end None while it is still paused."""
        return self.all_pauses().get(case_id, [])

    def counting(self, row) -> tuple[datetime, sla.Rule, bool]:
        """Where a case's deadline is counted from, by which rule, and whether the rule's
        extension was granted: from its receipt by its own rule; a reopened case (``dibuka``)
        from the reopening by its profile's follow-up stage, without extension."""
        reopened = getattr(row, "dibuka", None)
        if reopened is not None:
            days = self.profile(row.sla_profil).tahap_tindaklanjut
            return reopened, _rule(sla.HARI_KERJA, days, 0), False
        return row.diterima, self.rule_of(row), bool(row.diperpanjang)

    def counted_pauses(self, row) -> list[tuple[date, date | None]]:
        """The pauses that move the case's deadline: a reopened case's since the reopening."""
        pauses = self.pauses(row.id)
        reopened = getattr(row, "dibuka", None)
        if reopened is not None and pauses:
            pauses = [p for p in pauses if p[0] >= reopened.date()]
        return pauses

    def closing_dues(self) -> dict[int, datetime]:
        """Every closed case's deadline as it stood when its verdict was given (one query;
        for commands that show many closed cases: ``daftar``, the monev)."""
        if self._closing is None:
            self._closing = {}
            for kasus_id, data in self.db.iter(
                f"SELECT kasus_id, data FROM riwayat WHERE aksi IN {_JUDGING_SQL} ORDER BY id"
            ):
                data = doc(data)
                if isinstance(data, dict) and data.get(CLOSING_DUE):
                    self._closing[kasus_id] = datetime.fromisoformat(data[CLOSING_DUE])
        return self._closing

    def closing_due(self, row) -> datetime | None:
        """The deadline a closed case was judged by when it was closed (or judged again by
        ``ubah``); None for a case closed before lapor-cli kept it (its deadline is then
        computed, as for an open case)."""
        if self._closing is not None:
            return self._closing.get(row.id)
        if row.id not in self._closing_one:
            found = None
            for (data,) in self.db.rows(
                f"SELECT data FROM riwayat WHERE kasus_id = ? AND aksi IN {_JUDGING_SQL}"
                " ORDER BY id DESC",
                (row.id,),
            ):
                data = doc(data)
                if isinstance(data, dict) and data.get(CLOSING_DUE):
                    found = datetime.fromisoformat(data[CLOSING_DUE])
                    break
            self._closing_one[row.id] = found
        return self._closing_one[row.id]

    def due(self, row, *, recompute: bool = False) -> datetime:
        """The deadline of a case (a row or a Case), pauses included: under today's calendar,
        except for a case closed (as of the book's moment), whose deadline is fixed at its
        closing, as its verdict is (:meth:`closing_due`). ``recompute``: under today's
        calendar all the same (``ubah`` judging a closed case again)."""
        closed = row.ditutup is not None and (self.as_of is None or row.ditutup <= self.as_of)
        if closed and not recompute and (fixed := self.closing_due(row)) is not None:
            return fixed
        start, rule, extended = self.counting(row)
        if rule.satuan == sla.MENIT:
            return sla.deadline(start, rule, WorkCalendar(()))
        pauses = self.counted_pauses(row)
        key = (row.sla_profil, rule, start.date(), extended)
        if not pauses and key in self._due_cache:
            return self._due_cache[key]
        year = start.year
        self.ensure_years(year, year + YEARS_AHEAD)
        while True:
            cal = self.calendar(row.sla_profil)
            if pauses:
                due = sla.deadline_as_of(
                    start, rule, cal, pauses, self.pause_end(row), extended=extended
                )
            else:
                due = sla.deadline(start, rule, cal, extended=extended)
            if due.year <= max(self._years):
                if not pauses:
                    self._due_cache[key] = due
                return due
            self.ensure_years(year, due.year + YEARS_AHEAD)

    def pause_end(self, row) -> date:
        """The day the case's pauses are counted up to: its closing, else the book's as-of
        day (an open pause runs until then; nothing after it counts), else its receipt."""
        if row.ditutup is not None and (self.as_of is None or row.ditutup <= self.as_of):
            return row.ditutup.date()
        start = self.counting(row)[0]
        return (self.as_of or start).date()

    def workdays_to_close(self, row) -> int | None:
        """ "Hari kerja sampai selesai" of a closed case: the working days from day 0 to its
        closing day, the days its clock was stopped not counted (:func:`sla.workdays_to`), the
        same number its explanation gives the closing day; a reopened case's from its
        reopening. None while open; 0 for a deadline in minutes (closed on the clock)."""
        if row.ditutup is None:
            return None
        start, rule, extended = self.counting(row)
        if rule.satuan == sla.MENIT:
            return 0
        self.due(row)  # loads the years the count needs
        cal = self.calendar(row.sla_profil)
        pauses = self.counted_pauses(row)
        stopping = sla.stopping_pauses(
            start, rule, cal, pauses, row.ditutup.date(), extended=extended
        )
        self.ensure_years(start.year, row.ditutup.year)
        return sla.workdays_to(start, row.ditutup, self.calendar(row.sla_profil), stopping)

    def paused(self, row) -> bool:
        """Whether the case was paused as of the book's moment (now, or ``--per``'s)."""
        if self.as_of is None or row.ditutup is not None and row.ditutup <= self.as_of:
            return False
        return sla.paused_at(self.pauses(row.id), self.as_of.date())

    def stage_due(self, row) -> tuple[str, datetime] | None:
        """The SP4N-LAPOR! stage deadline now running: verification or the unit's follow-up
        (None unless the case's status is one of :data:`STAGED`). A pause stops this clock
        too: the pauses begun since the stage began move it as they move the case's."""
        if row.status == "diterima":
            start, days, name = (
                row.diterima,
                self.profile(row.sla_profil).tahap_verifikasi,
                "verifikasi",
            )
        elif row.status == "didisposisikan" and row.didistribusikan is not None:
            start = row.didistribusikan
            reopened = getattr(row, "dibuka", None)
            if reopened is not None and reopened > start:  # back at the unit since then
                start = reopened
            days, name = self.profile(row.sla_profil).tahap_tindaklanjut, "tindak lanjut"
        else:
            return None
        rule = _rule(sla.HARI_KERJA, days, 0)
        pauses = [p for p in self.pauses(row.id) if p[0] >= start.date()]
        if pauses:
            self.ensure_years(start.year, start.year + YEARS_AHEAD)
            cal = self.calendar(row.sla_profil)
            return name, sla.deadline_as_of(start, rule, cal, pauses, self.pause_end(row))
        key = (row.sla_profil, days, start.date())
        if key not in self._due_cache:
            self.ensure_years(start.year, start.year + YEARS_AHEAD)
            self._due_cache[key] = sla.deadline(start, rule, self.calendar(row.sla_profil))
        return name, self._due_cache[key]

    def binding(self, row, due: datetime | None = None) -> tuple[str, datetime]:
        """The deadline that binds an open case: whichever comes first of its own deadline
        (``"kasus"``) and the SP4N-LAPOR! stage deadline now running (``"verifikasi"``,
        ``"tindak lanjut"``); the case's own on a tie. ``sla``'s flag and days left follow
        it, so no row reads late by one deadline and not yet due by the other. ``due``: the
        case's deadline when already known."""
        due = self.due(row) if due is None else due
        if row.status in STAGED and row.ditutup is None:
            stage = self.stage_due(row)
            if stage is not None and stage[1] < due:
                return stage
        return KASUS, due

    def ready_to_close(self, row, as_of: datetime) -> bool:
        """A follow-up given and no reply for ``tanpa_respons`` working days: SP4N-LAPOR! closes
        such a report itself, so the desk should too."""
        if row.status != "ditindaklanjuti" or row.tindaklanjut_terakhir is None:
            return False
        limit = self.profile(row.sla_profil).tanpa_respons
        cal = self.calendar(row.sla_profil)
        return cal.count_workdays(row.tindaklanjut_terakhir.date(), as_of.date()) >= limit

    def met(self, row, moment: datetime) -> bool:
        """Whether handling finished at ``moment`` is within the case's deadline."""
        return moment <= self.due(row)

    def notes(self, row) -> list[str]:
        """Plain warnings about a deadline (judged from the days already loaded: no extra
        cost), one for each reason it may still move:

        - a year of its count (receipt to deadline) whose cuti bersama the holidays package
          does not know yet, unless the office has added that year's cuti bersama itself
          (``libur tambah`` with "cuti bersama" in its description);
        - a holiday the package only estimates ("perkiraan": Islamic and lunar dates not yet
          decreed) within its count or two days either side of it, unless the office has
          confirmed or moved that day itself (its own day then replaces the estimate).
        """
        if row.sla_satuan == sla.MENIT:
            return []
        due = self.due(row)
        start = self.counting(row)[0]
        notes: list[str] = []
        if self.profile(row.sla_profil).cuti_bersama_libur:
            added, _ = self._office_days()
            for year in range(start.year, due.year + 1):
                if any(d.sumber == CUTI_BERSAMA and d.tanggal.year == year for d in self._package):
                    continue
                if any(
                    d.tanggal.year == year and "cuti bersama" in d.keterangan.casefold()
                    for d in added
                ):
                    continue
                notes.append(
                    f"Cuti bersama tahun {year} belum diketahui paket holidays; batas waktu "
                    "dihitung tanpa cuti bersama. Tambahkan dengan `lapor libur tambah` bila "
                    "SKB sudah terbit."
                )
        first = start.date() - timedelta(days=2)
        last = due.date() + timedelta(days=2)
        estimated = [d for d in self.days() if d.perkiraan and first <= d.tanggal <= last]
        if estimated:
            days = ", ".join(f"{d.keterangan} {d.tanggal:%d/%m/%Y}" for d in estimated)
            notes.append(
                f"Tanggal libur berikut masih perkiraan paket holidays: {days}. Batas waktu "
                "dapat bergeser bila tanggal resminya lain; setelah SKB terbit, tetapkan dengan "
                "`lapor libur tambah` (atau `lapor libur hapus`)."
            )
        return notes
