"""The monev workbook (XLSX) for Biro Humas, written from a :class:`~lapor_cli.monev.Monev`
and the streamed case details: *Ringkasan* (the key figures, the breakdowns and their
charts, the definitions in Indonesian), *Per unit* (and *Per meja* for a province's
register), *Kasus*, *Terlambat*, *Terbawa*. The tables' columns are declared in
:mod:`lapor_cli.monev.sheets`; every summary figure can be recounted from the sheets.

The sheets are openpyxl's write-only ones, which stream to disk, so the case list never sits
in memory. The workbook is written to a temporary file beside the target that replaces it
only once complete. Writing cells is openpyxl's cost (``benchmarks/bench_ekspor.py`` compares
it with a bare write).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from lapor_cli.errors import LaporError, ValidationError
from lapor_cli.files import NotReplaced, replacing, target_problem
from lapor_cli.history import Anchor
from lapor_cli.indonesian import tanggal
from lapor_cli.monev.cells import DATETIME_FMT, DEC_FMT, PCT_FMT, Column, Sheet, headers
from lapor_cli.monev.charts import add_bar_chart
from lapor_cli.monev.facts import CaseFacts, Detail
from lapor_cli.monev.figures import (
    DESK_SHEET,
    FIGURE_NOTES,
    LAPOR_TITLE,
    MONTH_SHEET,
    NATIONAL_TITLE,
    Figure,
    Monev,
    UnitLine,
)
from lapor_cli.monev.period import Period
from lapor_cli.monev.rounding import as_number
from lapor_cli.monev.sheets import (
    CARRIED_COLUMNS,
    CASE_COLUMNS,
    DESK_COLUMNS,
    LATE_COLUMNS,
    MONTH_COLUMNS,
    SHARE_HEADER,
    UNIT_COLUMNS,
)

__all__ = [
    "ANCHOR_LABEL",
    "DEMO_MARK",
    "DEMO_PREFIX",
    "FIGURE_NOTES",
    "LAPOR_TITLE",
    "NATIONAL_TITLE",
    "NOTES",
    "anchor_line",
    "output_path",
    "write_workbook",
]

#: The Ringkasan line that carries the chain's anchor (:func:`anchor_line`).
ANCHOR_LABEL = "Jangkar rantai register"
#: The default file name of a workbook of the demo register begins so.
DEMO_PREFIX = "DEMO-"
#: The line atop Ringkasan of a workbook of the demo register.
DEMO_MARK = "DEMO — data contoh dari `lapor demo`, bukan monev kantor mana pun."

NOTES = (
    "Kasus bulan ini: kasus dengan waktu diterima di bulan ini (waktu kantor).",
    "Keadaan per akhir bulan: detik terakhir bulan itu, atau saat workbook dibuat bila bulan "
    "masih berjalan. Status akhir bulan diambil dari riwayat kasus.",
    "Selesai: ditutup (selesai) atau diarsipkan (bukan kewenangan) paling lambat akhir bulan.",
    "Tepat waktu: ditutup paling lambat batas waktu SLA kasus itu, seperti dicatat saat ditutup.",
    "Hari kerja sampai selesai: hari kerja sesudah hari diterima sampai dengan hari ditutup "
    "(0 = selesai pada hari diterima), menurut kalender kerja profil SLA kasus.",
    "Terlambat: belum selesai pada akhir bulan dan batas waktunya sudah lewat. Hari terlambat: "
    "hari kerja sesudah hari batas waktu sampai akhir bulan (atau sampai ditutup).",
    "Kategori dan unit: seperti tercatat saat workbook dibuat. Penilaian: skor kasus yang "
    "selesai per akhir bulan. SP4N-LAPOR! belum dilaporkan balik: keadaan saat workbook dibuat.",
    "Kasus yang dibatalkan (salah catat) dan aduan ganda yang digabung ke kasus lain tidak "
    "dihitung di angka mana pun, hanya jumlahnya di atas; aduan ganda dihitung sekali, di kasus "
    "utamanya. Kasus yang dibuka kembali dihitung sebagai selesai pada bulan ditutupnya, "
    "menurut riwayatnya.",
    "Privasi: NIK dan HP disamarkan; kasus anonim tanpa identitas; uraian kasus rahasia tidak "
    "ditampilkan. Teks dari pelapor selalu ditulis sebagai teks, tidak pernah sebagai rumus.",
    "Jangkar rantai register: jumlah entri riwayat dan hash entri terbaru saat workbook dibuat. "
    "Kelak `lapor periksa --jangkar JANGKAR` membuktikan riwayat register sampai titik itu "
    "tidak diubah, diputar mundur atau dihitung ulang.",
)


def anchor_line(anchor: Anchor, printed: datetime) -> str:
    """``1234-3f9a2c7d1e5b8a40 (dicetak 23 November 2026 10:00; periksa dengan `lapor periksa
    --jangkar 1234-3f9a2c7d1e5b8a40`)``."""
    return (
        f"{anchor.short} (dicetak {tanggal(printed, time=True)}; periksa dengan "
        f"`lapor periksa --jangkar {anchor.short}`)"
    )


def output_path(
    keluaran: str | None,
    period: Period,
    *,
    overwrite: bool,
    meja: str | None = None,
    demo: bool = False,
) -> Path:
    """Where the workbook goes: ``monev-YYYY-MM.xlsx`` here (a longer period:
    ``monev-2026-Q4.xlsx``, ``monev-2026-S2.xlsx``, ``monev-2026.xlsx``; one desk of several:
    ``monev-YYYY-MM-KODE.xlsx``; the demo register: ``DEMO-monev-….xlsx``), or ``--keluaran``
    (a folder gets the default name). An existing file is refused unless ``overwrite``."""
    name = f"{DEMO_PREFIX if demo else ''}monev-{period.key}{f'-{meja}' if meja else ''}.xlsx"
    path = Path(keluaran).expanduser() if keluaran else Path(name)
    if path.is_dir():
        path = path / name
    if not path.parent.is_dir():
        raise ValidationError(
            "keluaran", f"Folder {path.parent} tidak ada. Buat foldernya dulu atau pilih lain."
        )
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise ValidationError("keluaran", target_problem(path, overwrite=overwrite) or "")
    if path.exists() and not overwrite:
        raise ValidationError(
            "keluaran",
            f"Berkas {path} sudah ada dan tidak ditimpa. Pakai --timpa untuk menimpanya, "
            "atau --keluaran BERKAS lain.",
        )
    return path


def write_workbook(
    report: Monev,
    details: Iterable[tuple[CaseFacts, Detail]],
    path: Path,
    *,
    overwrite: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Write the monev workbook to ``path`` (through a temporary file beside it). ``details``
    are the month's cases in the facts' order (:func:`~lapor_cli.monev.case_details`);
    ``progress`` is told how many of them are written, every 1,000 and at the end."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    wb.properties.title = f"Monev pengaduan {report.period.label}"
    wb.properties.creator = "lapor-cli"
    _write_summary(wb, report)
    _write_lines(wb, report, "Per unit", UNIT_COLUMNS, report.per_unit(), "unit")
    if not report.period.is_month:  # a longer period: each month's figures
        _write_lines(wb, report, MONTH_SHEET, MONTH_COLUMNS, report.per_bulan(), "bulan")
    if report.spans_desks:  # a province's monev: each desk's figures side by side
        _write_lines(wb, report, DESK_SHEET, DESK_COLUMNS, report.per_meja(), "meja")
    _write_cases(wb, report, details, progress)
    _write_facts(wb, report, "Terlambat", LATE_COLUMNS, report.overdue)
    _write_facts(wb, report, "Terbawa", CARRIED_COLUMNS, report.carried)
    _save(wb, path, overwrite=overwrite)
    return path


def _save(wb: Any, path: Path, *, overwrite: bool) -> None:
    """Save ``wb`` beside ``path`` and rename it into place (:func:`lapor_cli.files.replacing`:
    private, never through a symbolic link)."""
    try:
        with replacing(path, overwrite=overwrite, field="keluaran") as partial:
            wb.save(partial.file)
    except NotReplaced as exc:
        raise LaporError(
            f"Workbook tidak dapat ditulis ke {path}: {exc.strerror}. "
            "Tutup berkas itu bila sedang dibuka di Excel, atau pilih --keluaran lain."
        ) from None
    except OSError as exc:
        raise LaporError(
            f"Workbook tidak dapat ditulis di {path.parent}: {exc.strerror}. "
            "Periksa izin folder dan ruang disk."
        ) from None


def _value_cell(sheet: Sheet, fig: Figure) -> object:
    if fig.value is None:
        return "-"
    fmt = {"pct": PCT_FMT, "dec": DEC_FMT}.get(fig.kind)
    return sheet.styled(fig.number, fmt=fmt) if fmt else fig.number


def _write_summary(wb: Any, report: Monev) -> None:
    sheet = Sheet(wb, "Ringkasan")
    sheet.widths((62, 16, 12))
    period = report.period
    sheet.title(f"Monitoring dan evaluasi pengaduan — {report.kantor}")
    if report.demo:
        sheet.append([sheet.styled(DEMO_MARK, bold=True)])
    label = period.label + (f" ({period.word} berjalan)" if period.current else "")
    sheet.append(["Kantor", sheet.text(report.kantor)])
    if (desks := report.desk_label()) is not None:
        sheet.append(["Meja", sheet.text(desks)])
    sheet.append(["Periode", label])
    sheet.append(
        [
            "Rentang tanggal diterima",
            f"{tanggal(period.start)} – {tanggal(period.last_day)}",
        ]
    )
    sheet.append(["Keadaan per", sheet.styled(period.as_of, fmt=DATETIME_FMT)])
    sheet.append(["Dibuat", sheet.styled(report.dibuat, fmt=DATETIME_FMT)])
    if report.jangkar is not None:
        sheet.append([ANCHOR_LABEL, sheet.text(anchor_line(report.jangkar, report.dibuat))])
    if not report.cases:
        sheet.append([sheet.styled("Tidak ada kasus yang diterima pada bulan ini.", bold=True)])
    sheet.append([])

    sheet.header(["Angka utama", "Nilai"])
    for fig in report.figures():
        sheet.append([fig.label, _value_cell(sheet, fig)])
    sheet.append([])
    sheet.header([NATIONAL_TITLE, "Nilai"])
    for fig in report.national():
        sheet.append([fig.label, _value_cell(sheet, fig)])

    blocks: dict[str, tuple[int, int]] = {}
    for key, title, lines in (
        ("jenis", "Menurut jenis", report.per_jenis()),
        ("kanal", "Menurut kanal", report.per_kanal()),
        ("kategori", "Menurut kategori", report.per_kategori()),
        ("status", f"Status per akhir {period.word}", report.per_status()),
        ("status_lapor", LAPOR_TITLE, report.status_lapor()),
    ):
        sheet.append([])
        head = sheet.header([title, "Jumlah", "Persen"])
        for line in lines:
            share = as_number(line.porsi)
            sheet.append([sheet.text(line.label), line.jumlah, sheet.styled(share, fmt=PCT_FMT)])
        blocks[key] = (head, sheet.rows)

    sheet.append([])
    sheet.header(["Catatan"])
    for note in (*NOTES, *FIGURE_NOTES):
        sheet.append([note])

    if report.cases:
        for key, title in (
            ("kanal", "Kasus diterima per kanal"),
            ("status", "Status kasus per akhir bulan"),
        ):
            head, last = blocks[key]
            add_bar_chart(
                sheet.ws,
                title,
                column=2,
                header_row=head,
                last_row=last,
                anchor=f"E{head}",
                width=16,
            )


def _write_lines(
    wb: Any,
    report: Monev,
    title: str,
    columns: Sequence[Column],
    lines: Sequence[UnitLine],
    per: str,
) -> None:
    """A line per unit (or desk), the month's total under them, and a chart of their
    on-time shares."""
    sheet = Sheet(wb, title)
    sheet.start_table(columns, lines, report)
    sheet.table_rows(columns, ((line,) for line in lines))
    last_line_row = sheet.rows
    total = report.total_line()
    sheet.append([sheet.styled("Jumlah", bold=True), *sheet.cells(columns[1:], total)])
    sheet.autofilter(columns, last_line_row)
    if total.selesai:
        add_bar_chart(
            sheet.ws,
            f"Porsi selesai tepat waktu per {per}",
            column=headers(columns).index(SHARE_HEADER) + 1,
            header_row=1,
            last_row=last_line_row,
            anchor=f"A{sheet.rows + 3}",
            width=18,
            share=True,
        )


def _write_cases(
    wb: Any,
    report: Monev,
    details: Iterable[tuple[CaseFacts, Detail]],
    progress: Callable[[int], None] | None,
) -> None:
    sheet = Sheet(wb, "Kasus")
    sheet.ws.print_title_rows = "1:1"
    sheet.start_table(CASE_COLUMNS, report.cases, report)
    sheet.table_rows(CASE_COLUMNS, details, progress)
    sheet.autofilter(CASE_COLUMNS, sheet.rows)


def _write_facts(
    wb: Any, report: Monev, title: str, columns: Sequence[Column], facts: list[CaseFacts]
) -> None:
    sheet = Sheet(wb, title)
    sheet.start_table(columns, facts, report)
    sheet.table_rows(columns, ((fact,) for fact in facts))
    sheet.autofilter(columns, sheet.rows)
