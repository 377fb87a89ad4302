"""The monthly monitoring-and-evaluation (monev) figures and the workbook built from them
(SPEC §6).

One computation feeds both ``lapor rekap`` (Rich tables / JSON) and ``lapor ekspor`` (XLSX):
:func:`monthly` reads the month's cases as SQL text through the database driver
(``sqlread``: columns, never ORM objects; no SQLAlchemy for a register file), derives one
:class:`CaseFacts` per case and sums them into a :class:`Monev`; the workbook's case list is
written from those very facts, so every summary figure can be recounted from the sheet next
to it. Nothing here asks what time it is: "now" is a parameter.

The modules, in the order they build on each other (none imports Typer or Rich, and only the
workbook's modules use xlsxwriter, imported when a workbook is written):

- ``period``: the month (or quarter, half-year, year) and its end (:func:`month_period`,
  :func:`period_of`);
- ``rounding``: the one rounding rule of every share and average;
- ``facts``: one case as the figures see it (:class:`CaseFacts`, :class:`Detail`);
- ``figures``: the key figures and breakdowns (:class:`Monev`), pure;
- ``reading``: the month read from the register (:func:`monthly`, :func:`case_details`);
- ``privacy``: what the workbook shows of a reporter (masked NIK and phone, anonim, rahasia);
- ``labels``: how a reader sees the codes (``tatap-muka`` → *Tatap muka*);
- ``cells``, ``sheets``, ``charts``, ``workbook``: the XLSX, each table declared once as
  columns in ``sheets`` (:func:`write_workbook`, :func:`output_path`), every sheet laid out
  to print as a report (A4 landscape, page header and numbers, a signature block);
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

Longer periods, rounding, the evaluators' figures, the demo
-----------------------------------------------------------

- **Period** (``--periode``): a quarter ``2026-Q4`` (triwulan: Oct–Dec), a half-year
  ``2026-S2`` (semester: Jul–Dec) or a year ``2026``; ``--bulan`` stays the month, and the two
  are never given together. Everything said above of "the month" holds for the period: its
  cases are those received in its months, "month end" is **period end** (the last second of
  its last month, or *now* while it runs), and one that has not begun is refused. A longer
  period adds a line per month begun by period end (``per_bulan``, sheet *Per bulan*): the
  period's cases grouped by month of receipt, their state at period end, so the lines add up
  to the period's figures.
- **Rounding** (``rounding``): every share and average is computed as an exact fraction and
  rounded once, half up, to the precision it is shown with (a share to 0.1 percentage point,
  i.e. the fraction to three decimals; an average to two decimals). ``rekap`` prints those
  digits, JSON carries that number, the workbook stores that number under a format of the same
  precision: the three cannot disagree. The shares of one breakdown (kind, channel, category,
  status, SP4N-LAPOR! status) add up to exactly 100.0 % by the largest-remainder method.
- **Response time** (``rata_respons_awal``): for each of the period's cases with a handling
  step (``verifikasi``, ``distribusi``, ``tindaklanjut``, ``tutup``) dated by period end, the
  working days in (day of receipt, day of its first such step], counted as *working days to
  close* are; the step's time is ``riwayat.waktu``, when it happened (``--pada``), not when
  it was typed in. A pause, a correction, an attachment or a rating is no response. Average
  over the responded cases (``jumlah_direspons``).
- **Followed up within 5 working days** (``porsi_tindak_lanjut_5_hari``): of the period's
  cases distributed to a unit (their first entry to ``didisposisikan``) by period end, those
  whose first ``tindaklanjut`` came at most 5 working days after the day of distribution
  (working days in (distribution day, follow-up day] ≤ 5). A case is judged once it was
  followed up or its 5 working days ended by period end (``jumlah_disposisi_dinilai``); one
  still inside them without a follow-up is left out. A normative answer (``dijawab``) is no
  distribution to a unit.
- **RHP** (``rhp``, ``jumlah_dinilai``): the average rating (1–5) of the period's cases
  closed by period end, and how many were rated: the same as ``rata_skor``/``jumlah_skor``.
- **SP4N-LAPOR! status groups** (``status_lapor``) of the period's cases at period end:
  *belum terverifikasi* = ``diterima``; *terdisposisi belum ditindaklanjuti* =
  ``didisposisikan``; *sedang diproses* = ``terverifikasi`` (verified, awaiting distribution),
  ``dijawab`` or ``ditindaklanjuti``; *selesai* = ``selesai``; *arsip* = ``diarsipkan``;
  *tertunda* = open and paused (a ``tunda`` without its ``lanjut`` by period end), whatever
  its status. The groups add up to the cases received; voided and merged cases are in none.
- **Demo**: the register ``lapor demo`` fills (setting ``register_demo``, or still named as
  the demo office) gives ``DEMO-monev-….xlsx`` by default, a DEMO line atop *Ringkasan* and on
  ``rekap``, and ``"demo": true`` in JSON.

Privacy (``privacy``) and text that never becomes a formula (``cells``) are described in
those modules.
"""

from lapor_cli.monev.cells import Column
from lapor_cli.monev.commands import Export, export_month, month_report
from lapor_cli.monev.facts import SP4N, CaseFacts, Detail
from lapor_cli.monev.figures import (
    DESK_SHEET,
    FIGURE_NOTES,
    LAPOR_GROUPS,
    LAPOR_TITLE,
    MONTH_SHEET,
    NATIONAL_TITLE,
    NO_CATEGORY,
    NO_UNIT,
    SHEETS,
    Count,
    DeskLine,
    Figure,
    Monev,
    MonthLine,
    UnitLine,
)
from lapor_cli.monev.period import Period, month_period, parse_period, period_of
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
    "FIGURE_NOTES",
    "LAPOR_GROUPS",
    "LAPOR_TITLE",
    "MONTH_SHEET",
    "NATIONAL_TITLE",
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
    "MonthLine",
    "Period",
    "UnitLine",
    "case_details",
    "export_month",
    "identity_cells",
    "month_period",
    "month_report",
    "monthly",
    "output_path",
    "parse_period",
    "period_of",
    "scrub_text",
    "uraian_cell",
    "write_workbook",
]
