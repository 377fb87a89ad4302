"""The one library call behind each monev command: :func:`month_report` (``lapor rekap``)
and :func:`export_month` (``lapor ekspor``). Each takes the session and plain values, refuses
what it must before reading the month, and returns a plain value that the CLI renders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lapor_cli.desks import DeskInfo, all_desks, desk_scope
from lapor_cli.monev.figures import Monev
from lapor_cli.monev.period import Period, month_period, period_of
from lapor_cli.monev.reading import case_details, monthly
from lapor_cli.monev.workbook import output_path, write_workbook
from lapor_cli.office import Signature
from lapor_cli.settings import get_settings

if TYPE_CHECKING:
    from sqlmodel import Session

__all__ = ["Export", "export_month", "month_report"]


def month_report(
    session: Any,
    *,
    year: int,
    month: int,
    now: datetime,
    kantor: str,
    meja: str | None = None,
    every_desk: bool = False,
    periode: str | None = None,
    demo: bool = False,
) -> Monev:
    """The figures of ``year``-``month`` (or of the longer period ``periode``: ``2026-Q4``,
    ``2026-S2``, ``2026``) as of ``now``, read from ``session`` (an ORM session or a
    :class:`~lapor_cli.sqlread.Reader`): of desk ``meja`` (named after it), or, with
    ``every_desk`` or no desk chosen, of every desk under the office's name ``kantor``;
    ``demo`` marks the demo register's. A period that is not one or has not begun is refused
    first, then an unknown desk."""
    period = _period(year, month, periode, now=now)
    desk = desk_scope(session, meja, every=every_desk)
    return _monthly(session, period, desk, now=now, kantor=kantor, demo=demo)


def _period(year: int, month: int, periode: str | None, *, now: datetime) -> Period:
    return period_of(periode, now=now) if periode else month_period(year, month, now=now)


@dataclass(frozen=True)
class Export:
    """A workbook written: where, and the figures it holds."""

    path: Path
    report: Monev
    #: The cases whose reporter's name, masked NIK or phone the workbook holds (for the
    #: access log, ``lapor akses``); a restricted case's identity is left out of it.
    identitas: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        """What ``lapor ekspor --json`` prints."""
        report = self.report
        return {
            "berkas": str(self.path.resolve()),
            "bulan": report.period.key if report.period.is_month else None,
            "periode": report.period.key,
            "demo": report.demo,
            "kasus": len(report.cases),
            "terlambat": len(report.overdue),
            "terbawa": len(report.carried),
            "lembar": report.sheets(),
            "ringkasan": report.as_json(with_cases=False),
        }


def export_month(
    session: Session,
    *,
    year: int,
    month: int,
    now: datetime,
    kantor: str,
    keluaran: str | None = None,
    overwrite: bool = False,
    meja: str | None = None,
    every_desk: bool = False,
    progress: Callable[[int, int], None] | None = None,
    periode: str | None = None,
    demo: bool = False,
    names: bool = True,
) -> Export:
    """Write the monev workbook of ``year``-``month`` (the figures of :func:`month_report`) to
    ``keluaran`` (see :func:`output_path`). Refused before the month is read: a month that
    has not begun, an unknown desk, a missing folder, an existing file without
    ``overwrite``. ``progress(done, total)`` is told the case-list rows written: 0 first, then
    every 1,000 and at the end. ``periode`` and ``demo`` as in :func:`month_report` (the demo
    register's default file name begins ``DEMO-``). Without ``names`` the reporters' identity
    is left out. The office's head signs *Ringkasan* as ``lapor kantor`` has set."""
    period = _period(year, month, periode, now=now)
    desk = desk_scope(session, meja, every=every_desk)
    named = desk.kode if desk and len(all_desks(session)) > 1 else None
    target = output_path(keluaran, period, overwrite=overwrite, meja=named, demo=demo)
    report = _monthly(session, period, desk, now=now, kantor=kantor, demo=demo)
    total = len(report.cases)
    if progress is not None:
        progress(0, total)
    shown: list[str] = []
    write_workbook(
        report,
        _private_details(session, report, shown),
        target,
        overwrite=overwrite,
        progress=None if progress is None else lambda done: progress(done, total),
        signature=Signature.from_settings(get_settings(session)),
        names=names,
    )
    return Export(target, report, tuple(shown))


def _private_details(session: Session, report: Monev, shown: list[str]):
    """``case_details`` with a restricted case's identity left out (``lapor batasi``), and
    the numbers of the cases whose identity is written put in ``shown``."""
    from dataclasses import replace

    from lapor_cli.privacy import RESTRICTED_TEXT, restricted_ids

    restricted = restricted_ids(session)
    for fact, detail in case_details(session, report):
        if fact.id in restricted:
            detail = replace(detail, nama=RESTRICTED_TEXT, nik=None, hp=None)
        elif not detail.anonim and (detail.nama or detail.nik or detail.hp):
            shown.append(fact.nomor)
        yield fact, detail


def _monthly(
    session: Any,
    period: Period,
    desk: DeskInfo | None,
    *,
    now: datetime,
    kantor: str,
    demo: bool = False,
) -> Monev:
    """The period's figures of the chosen desk (named after it), or of every desk."""
    report = monthly(
        session,
        period,
        now=now,
        kantor=desk.nama if desk else kantor,
        meja=desk.kode if desk else None,
    )
    report.demo = demo
    return report
