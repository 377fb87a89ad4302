"""The monthly monitoring-and-evaluation (monev) figures and the workbook built from them
(SPEC §6).

One computation feeds both ``lapor rekap`` (Rich tables / JSON) and ``lapor ekspor`` (XLSX):
:func:`monthly` reads the month's cases with SQLAlchemy Core (columns, never ORM objects),
derives one :class:`CaseFacts` per case and sums them into a :class:`Monev`; the workbook's
case list is written from those very facts, so every summary figure can be recounted from
the sheet next to it. Nothing here asks what time it is: "now" is a parameter.

The modules, in the order they build on each other (none imports Typer or Rich, and only the
workbook's modules use openpyxl, imported when a workbook is written):

- ``period``: the month and its "month end" (:func:`month_period`);
- ``facts``: one case as the figures see it (:class:`CaseFacts`, :class:`Detail`);
- ``figures``: the key figures and breakdowns (:class:`Monev`), pure;
- ``reading``: the month read from the register (:func:`monthly`, :func:`case_details`);
- ``privacy``: what the workbook shows of a reporter (masked NIK and phone, anonim, rahasia);
- ``cells``, ``sheets``, ``charts``, ``workbook``: the XLSX, each table declared once as
  columns in ``sheets`` (:func:`write_workbook`, :func:`output_path`);
- ``commands``: each command's one call (:func:`month_report`, :func:`export_month`).

Definitions (the workbook's *Catatan* block says the same in Indonesian)
-------------------------------------------------------------------------

- **The month's cases**: receipt time ``diterima`` in ``[1st 00:00, 1st of next month
  00:00)``. Stored times are already naive office-local time, so this is the office's month.
  A case voided (``dibatalkan``: recorded by mistake) or merged into another (``digabung``:
  the same complaint twice) is in no figure, for any month, whenever that happened: only
  the month's numbers of them are shown, apart (``dibatalkan``, ``digabung``). A merged
  complaint is counted once, as its main case.
- **Month end** ("keadaan per"): the last second of the month (23:59:59 of its last day), or
  *now* while the month is still running. A month that has not begun is refused.
- **Closed**: ``ditutup`` is set and ``<= month end`` (status ``selesai`` or ``diarsipkan``).
  A case reopened since (``buka``: the row forgot that closing) is closed at month end when
  its last status entry by then closed it: that entry's time and on-time verdict count.
- **Reopened** (``dibuka_kembali``): the month's cases reopened by month end (``buka``).
- **Status at month end**: a closed case has its closing status; an open one the
  ``ke_status`` of its last history entry (``riwayat``, highest id) with ``waktu <= month
  end``. A case recorded after month end with an earlier receipt date had no entry yet and
  counts as ``diterima``.
- **Completion rate** = closed ÷ received. **On-time share** = closed on time ÷ closed, where
  "on time" is the ``tepat_waktu`` stored when the case was closed (or archived); a closed case
  without it is judged against its deadline now.
- **Working days to close** = ``Deadlines.workdays_to_close(row)`` (``sla.workdays_to``):
  the working days from day 0 (the day of receipt, or the next working day) to the day of
  closing, the days the clock was stopped (``tunda``) not counted, under the case's profile
  calendar as it stands now; the same number ``sla NOMOR --jelaskan`` gives the closing day
  ("hari kerja sampai selesai"). 0 = closed on day 0; a reopened case counts from its
  reopening. Average and median over the closed cases.
- **Deadline** = ``Deadlines.due(row)``: the rule the case keeps, today's calendar, pauses
  counted up to month end.
- **Overdue at month end**: open at month end and month end is past the deadline. **Days
  late** = minus ``sla.remaining_workdays`` (``sisa_hari_kerja``) at month end, or at closing
  for a case closed late: the working days in (deadline day, that day], and at least 1 once
  late (a Friday deadline is 1 day late on Saturday); blank otherwise.
  **Age** (``umur_hari``): calendar days from the day of receipt to the month-end day.
- **Carried over**: received before the month and still open at month end (listed in sheet
  *Terbawa*; the overdue ones also in *Terlambat*). The per-unit table and the other figures
  cover the month's own cases only.
- **Rating**: the ``skor`` of the month's cases that were closed by month end, as known when
  the report is made (a reporter rates after closing, possibly after month end).
- **Not in authority**: closed by month end with ``kewenangan`` false (archived; the reporter
  was told and possibly referred elsewhere).
- **SP4N-LAPOR! not reported back**: channel ``sp4n-lapor``, closed by month end, and
  ``dilaporkan_balik`` not true *now* (null counts as not reported: an archived case is
  reported back too). It is a to-do list, so it reflects today.
- **Category and unit** are the case's current ones: they classify the case, not its progress.

Privacy (``privacy``) and text that never becomes a formula (``cells``) are described in
those modules.
"""

from lapor_cli.monev.cells import Column
from lapor_cli.monev.commands import Export, export_month, month_report
from lapor_cli.monev.facts import SP4N, CaseFacts, Detail
from lapor_cli.monev.figures import (
    DESK_SHEET,
    NO_CATEGORY,
    NO_UNIT,
    SHEETS,
    Count,
    DeskLine,
    Figure,
    Monev,
    UnitLine,
)
from lapor_cli.monev.period import Period, month_period
from lapor_cli.monev.privacy import ANONIM_TEXT, identity_cells, scrub_text, uraian_cell
from lapor_cli.monev.reading import case_details, monthly
from lapor_cli.monev.sheets import (
    CARRIED_COLUMNS,
    CARRIED_HEADERS,
    CASE_COLUMNS,
    KASUS_HEADERS,
    LATE_COLUMNS,
    LATE_HEADERS,
    UNIT_COLUMNS,
)
from lapor_cli.monev.workbook import output_path, write_workbook

__all__ = [
    "ANONIM_TEXT",
    "CARRIED_COLUMNS",
    "CARRIED_HEADERS",
    "CASE_COLUMNS",
    "DESK_SHEET",
    "KASUS_HEADERS",
    "LATE_COLUMNS",
    "LATE_HEADERS",
    "NO_CATEGORY",
    "NO_UNIT",
    "SHEETS",
    "SP4N",
    "UNIT_COLUMNS",
    "CaseFacts",
    "Column",
    "Count",
    "DeskLine",
    "Detail",
    "Export",
    "Figure",
    "Monev",
    "Period",
    "UnitLine",
    "case_details",
    "export_month",
    "identity_cells",
    "month_period",
    "month_report",
    "monthly",
    "output_path",
    "scrub_text",
    "uraian_cell",
    "write_workbook",
]
