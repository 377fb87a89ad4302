"""Deadlines of the register's cases, with the calendar as it stands now.

A case stores its rule (N working days or N minutes, fixed when it was recorded); its deadline
is derived here every time from that rule and today's calendar — the ``holidays`` package's
days plus the office's own additions and cancellations — so a day added later with
``libur tambah`` moves every deadline that spans it and no stored date can go stale.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, select

from lapor_cli import sla
from lapor_cli.cases import SlaRule
from lapor_cli.holiday_calendar import (
    KANTOR,
    NonWorkingDay,
    cuti_bersama_known_until,
    merge_days,
    package_days,
)
from lapor_cli.models import OfficeDay
from lapor_cli.validation import CaseInput
from lapor_cli.workdays import WorkCalendar

#: Years loaded past a case's receipt year: room for 60-working-day rules and pauses.
YEARS_AHEAD = 1


class Deadlines:
    """Calendars and deadlines for one command (one session)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._years: set[int] = set()
        self._package: list[NonWorkingDay] = []
        self._office: tuple[list[NonWorkingDay], list[date]] | None = None
        self._calendars: dict[str, WorkCalendar] = {}
        self._profiles: dict[str, sla.Profile] = {}

    # ------------------------------------------------------------ profiles and calendars

    def profile(self, name: str) -> sla.Profile:
        """The named profile; a case whose profile file has gone falls back to the default."""
        if name not in self._profiles:
            try:
                self._profiles[name] = sla.load_profile(name)
            except Exception:
                if name == sla.DEFAULT_PROFILE:
                    raise
                self._profiles[name] = self.profile(sla.DEFAULT_PROFILE)
        return self._profiles[name]

    def _office_days(self) -> tuple[list[NonWorkingDay], list[date]]:
        if self._office is None:
            added: list[NonWorkingDay] = []
            removed: list[date] = []
            for day in self.session.exec(select(OfficeDay)):
                if day.jenis == "libur":
                    added.append(NonWorkingDay(day.tanggal, day.keterangan, KANTOR, sk=day.sk))
                else:
                    removed.append(day.tanggal)
            self._office = (added, removed)
        return self._office

    def ensure_years(self, first: int, last: int) -> None:
        wanted = set(range(first, last + 1)) - self._years
        if not wanted:
            return
        for year in sorted(wanted):
            self._package.extend(package_days(year))
        self._years |= wanted
        self._calendars.clear()

    def days(self, profile: sla.Profile) -> list[NonWorkingDay]:
        added, removed = self._office_days()
        return merge_days(self._package, added, removed, profile.cuti_bersama_libur)

    def calendar(self, profile_name: str) -> WorkCalendar:
        if profile_name not in self._calendars:
            profile = self.profile(profile_name)
            self._calendars[profile_name] = profile.work_calendar(self.days(profile))
        return self._calendars[profile_name]

    # ------------------------------------------------------------ rules and deadlines

    def rule_for_new(self, profile_name: str, data: CaseInput) -> SlaRule:
        """The rule a new case is given by the register's profile in force."""
        profile = self.profile(profile_name)
        rule = profile.rule_for(data.kanal, data.jenis, segera=data.segera)
        return SlaRule(profile.nama, rule.satuan, rule.nilai, rule.perpanjangan)

    @staticmethod
    def rule_of(row) -> sla.Rule:
        return sla.Rule(row.sla_satuan, row.sla_nilai, row.sla_perpanjangan)

    @staticmethod
    def describe(row) -> str:
        return Deadlines.rule_of(row).describe()

    def due(self, row) -> datetime:
        """The deadline of a case (a row or a Case) under today's calendar."""
        rule = self.rule_of(row)
        if rule.satuan == sla.MENIT:
            return sla.deadline(row.diterima, rule, WorkCalendar(()))
        year = row.diterima.year
        self.ensure_years(year, year + YEARS_AHEAD)
        while True:
            due = sla.deadline(row.diterima, rule, self.calendar(row.sla_profil))
            if due.year <= max(self._years):
                return due
            self.ensure_years(year, due.year + YEARS_AHEAD)

    def met(self, row, moment: datetime) -> bool:
        """Whether handling finished at ``moment`` is within the case's deadline."""
        return moment <= self.due(row)

    def notes(self, row) -> list[str]:
        """Plain warnings about a deadline, e.g. one beyond the years cuti bersama are known."""
        if row.sla_satuan == sla.MENIT:
            return []
        due = self.due(row)
        known = cuti_bersama_known_until()
        if due.year > known and self.profile(row.sla_profil).cuti_bersama_libur:
            return [
                f"Cuti bersama tahun {due.year} belum diketahui paket holidays (dikenal s.d. "
                f"{known}); batas waktu dihitung tanpa cuti bersama. Tambahkan dengan "
                "`lapor libur tambah` bila SKB sudah terbit."
            ]
        return []
