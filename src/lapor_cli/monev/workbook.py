"""The monev workbook (XLSX) for Biro Humas, written from a :class:`~lapor_cli.monev.Monev`
and the streamed case details: *Ringkasan* (the key figures, the breakdowns and their
charts, the definitions in Indonesian), *Per unit* (and *Per meja* for a province's
register), *Kasus*, *Terlambat*, *Terbawa*. The tables' columns are declared in
:mod:`lapor_cli.monev.sheets`; every summary figure can be recounted from the sheets.

Each sheet prints as a report page (:mod:`lapor_cli.monev.cells`: A4 landscape, fitted to
the width, header row and page header on every page, "Halaman N dari M"); *Ringkasan* keeps
each of its blocks on one page and ends with the signature block of the office's head
(``lapor kantor --kota --kepala --nip``; dotted lines while not set). The case list prints
its first columns only (:data:`~lapor_cli.monev.sheets.PRINTED_CASE_COLUMNS`); the rest is
for filtering on screen.

The workbook is written with xlsxwriter in its constant-memory mode: each sheet streams to a
temporary file (in a private folder of the system's temporary folder, removed however the
writing ends), so the case list never sits in memory; each sheet is written top to bottom.
The workbook is written to a temporary file beside the target that replaces it only once
complete. ``benchmarks/bench_ekspor.py`` compares the command with a bare xlsxwriter write of
the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path

from lapor_cli.errors import LaporError, ValidationError
from lapor_cli.files import NotReplaced, replacing, target_problem
from lapor_cli.history import Anchor
from lapor_cli.indonesian import tanggal
from lapor_cli.monev.cells import (
    DATETIME_FMT,
    DEC_FMT,
    PCT_FMT,
    Book,
    Column,
    PageHead,
    Sheet,
    headers,
    row_height,
    safe_text,
    text_lines,
)
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
from lapor_cli.monev.labels import kanal_label, status_label
from lapor_cli.monev.period import Period
from lapor_cli.monev.rounding import as_number
from lapor_cli.monev.sheets import (
    CARRIED_COLUMNS,
    CASE_COLUMNS,
    CASE_COLUMNS_WITHOUT_NAMES,
    DESK_COLUMNS,
    LATE_COLUMNS,
    MONTH_COLUMNS,
    PRINTED_CASE_COLUMNS,
    SHARE_HEADER,
    UNIT_COLUMNS,
)
from lapor_cli.office import Signature, format_nip

__all__ = [
    "ANCHOR_LABEL",
    "DEMO_MARK",
    "DEMO_PREFIX",
    "FIGURE_NOTES",
    "LAPOR_TITLE",
    "NATIONAL_TITLE",
    "NOTES",
    "NO_NAMES_NOTE",
    "NO_UNIT_TITLE",
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
    "Satuan hari: lama selesai dan hari terlambat dalam hari kerja; umur kasus dalam hari "
    "kalender.",
    "Privasi: NIK dan HP disamarkan; kasus anonim dan kasus rahasia tanpa identitas pelapor; "
    "uraian kasus rahasia tidak ditampilkan. Teks dari pelapor selalu ditulis sebagai teks, "
    "tidak pernah sebagai rumus.",
    "Grafik per unit hanya memuat kasus yang diteruskan ke unit; kasus tanpa unit ada di baris "
    "tabelnya.",
    "Lembar Kasus: yang dicetak kolom Nomor sampai Hari terlambat; kolom sesudahnya (termasuk "
    "identitas pelapor) untuk disaring di layar.",
    "Jangkar rantai register: jumlah entri riwayat dan hash entri terbaru saat workbook dibuat. "
    "Kelak `lapor periksa --jangkar JANGKAR` membuktikan riwayat register sampai titik itu "
    "tidak diubah, diputar mundur atau dihitung ulang.",
)


NO_NAMES_NOTE = (
    "Tanpa identitas pelapor: nama, NIK dan HP tidak dimuat (ekspor --tanpa-nama), untuk "
    "pembaca di luar kantor."
)
#: The per-unit chart leaves out the cases without a unit, and its title says so.
NO_UNIT_TITLE = " (kasus yang diteruskan ke unit)"
SIGNING_POINTS = 48.0  # the room to sign in, about 1.7 cm
#: What the head's signature block prints while it is not set (``lapor kantor``).
DOTS = "." * 40

# Ringkasan's layout: label, number, share, a gap, then six columns that hold the charts and
# the signature block; the notes span them all. The page is exactly that wide.
SUMMARY_WIDTHS = (60.0, 16.0, 9.0, 1.0, *(10.0,) * 6)
TABLE_COLUMNS = 4  # the charts and the signature start right of these
CHART_CM = 11.0  # within the six columns: 6 × 70 pixels (11.1 cm) in Excel and LibreOffice
CHART_MIN_CM = 7.5
NOTE_SPAN = 9  # a note is written across A:J (0-based J), wrapped
NOTE_WIDTH = 140.0  # the characters a line of it holds, about
#: A printed page of Ringkasan, in points of rows: A4 landscape's 8.27 in less the margins
#: (about 484 points), divided by the scale that fits its ten columns to the width (≈ 0.95
#: in Calibri or its twin Carlito; lower with a wider substitute font, which only leaves
#: room), so that no block is split by a page break.
PAGE_POINTS = 500.0


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
    signature: Signature | None = None,
    names: bool = True,
) -> Path:
    """Write the monev workbook to ``path`` (through a temporary file beside it). ``details``
    are the month's cases in the facts' order (:func:`~lapor_cli.monev.case_details`);
    ``progress`` is told how many of them are written, every 1,000 and at the end.
    ``signature``: who signs *Ringkasan* (None: dotted lines); without ``names`` the
    reporters' identity columns are left out."""

    def write(wb: Book) -> None:
        _write_summary(wb, report, signature or Signature(), names=names)
        _write_lines(wb, report, "Per unit", UNIT_COLUMNS, report.per_unit(), "unit")
        if not report.period.is_month:  # a longer period: each month's figures
            _write_lines(wb, report, MONTH_SHEET, MONTH_COLUMNS, report.per_bulan(), "bulan")
        if report.spans_desks:  # a province's monev: each desk's figures side by side
            _write_lines(wb, report, DESK_SHEET, DESK_COLUMNS, report.per_meja(), "meja")
        columns = CASE_COLUMNS if names else CASE_COLUMNS_WITHOUT_NAMES
        _write_cases(wb, report, columns, details, progress)
        _write_facts(wb, report, "Terlambat", LATE_COLUMNS, report.overdue)
        _write_facts(wb, report, "Terbawa", CARRIED_COLUMNS, report.carried)

    _save(write, f"Monev pengaduan {report.period.label}", path, overwrite=overwrite)
    return path


def _page_head(report: Monev, sheet: str) -> PageHead:
    """Every printed page: the office, the report and its sheet, the moment of the figures."""
    period = report.period
    running = " (bulan berjalan)" if period.current else ""
    return PageHead(
        report.kantor,
        f"Monev pengaduan {period.label}{running} — {sheet}",
        f"Keadaan per {tanggal(period.as_of, time=True)}",
    )


def _save(write: Callable[[Book], None], title: str, path: Path, *, overwrite: bool) -> None:
    """Write the workbook (``write`` fills it) beside ``path`` and rename it into place
    (:func:`lapor_cli.files.replacing`: private, never through a symbolic link). The sheets'
    own temporary files are in a private folder removed however the writing ends. An error
    of the file system, xlsxwriter's own (``FileCreateError``) included, is one refusal."""
    import tempfile

    from xlsxwriter import Workbook
    from xlsxwriter.exceptions import FileCreateError, FileSizeError

    try:
        with (
            tempfile.TemporaryDirectory(
                prefix="lapor-ekspor-", ignore_cleanup_errors=True
            ) as scratch,
            replacing(path, overwrite=overwrite, field="keluaran") as partial,
        ):
            wb = Workbook(
                partial.file,
                {
                    "constant_memory": True,
                    "tmpdir": scratch,
                    # every text is written with write_string; these are for any other path
                    "strings_to_formulas": False,
                    "strings_to_numbers": False,
                    "strings_to_urls": False,
                },
            )
            try:
                wb.set_properties({"title": title, "author": "lapor-cli"})
                write(Book(wb))
                wb.close()
            except FileCreateError as exc:
                cause = exc.args[0] if exc.args else exc
                if isinstance(cause, OSError):
                    raise cause from None
                raise OSError(str(cause)) from None
            except FileSizeError as exc:
                raise OSError(str(exc)) from None
            finally:
                for sheet in wb.worksheets():  # a failed write leaves them open
                    handle = getattr(sheet, "row_data_fh", None)
                    if handle is not None and not handle.closed:
                        handle.close()
    except NotReplaced as exc:
        raise LaporError(
            f"Workbook tidak dapat ditulis ke {path}: {exc.strerror}. "
            "Tutup berkas itu bila sedang dibuka di Excel, atau pilih --keluaran lain."
        ) from None
    except OSError as exc:
        raise LaporError(
            f"Workbook tidak dapat ditulis di {path.parent}: {exc.strerror or exc}. "
            f"Periksa izin folder dan ruang disk (juga folder sementara "
            f"{tempfile.gettempdir()})."
        ) from None


def _value_cell(sheet: Sheet, fig: Figure) -> object:
    if fig.value is None:
        return "-"
    fmt = {"pct": PCT_FMT, "dec": DEC_FMT}.get(fig.kind)
    return sheet.styled(fig.number, fmt=fmt) if fmt else fig.number


class _Pages:
    """Keeps each block of *Ringkasan* on one printed page: before a block that would not fit
    below what the page holds already, a page break."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.used = 0.0

    def block(self, points: float) -> None:
        if self.used and self.used + points > PAGE_POINTS:
            self.sheet.page_break()
            self.used = 0.0
        self.used += points


def _rows_points(lines: Iterable[int]) -> float:
    return sum(row_height(n) if n > 1 else 15.0 for n in lines)


def _write_summary(wb: Book, report: Monev, signature: Signature, *, names: bool) -> None:
    sheet = Sheet(wb, "Ringkasan", _page_head(report, "Ringkasan"))
    sheet.widths(SUMMARY_WIDTHS)
    sheet.row_points = 15.0
    pages = _Pages(sheet)
    period = report.period
    label = period.label + (f" ({period.word} berjalan)" if period.current else "")
    top: list[tuple[str, object]] = [("Kantor", sheet.text(report.kantor))]
    if (desks := report.desk_label()) is not None:
        top.append(("Meja", sheet.text(desks)))
    top.append(("Periode", label))
    top.append(
        ("Rentang tanggal diterima", f"{tanggal(period.start)} – {tanggal(period.last_day)}")
    )
    top.append(("Keadaan per", sheet.styled(period.as_of, fmt=DATETIME_FMT, left=True)))
    top.append(("Dibuat", sheet.styled(report.dibuat, fmt=DATETIME_FMT, left=True)))
    if report.jangkar is not None:
        top.append((ANCHOR_LABEL, anchor_line(report.jangkar, report.dibuat)))
    if not names:
        top.append(("Identitas pelapor", "tidak dimuat (--tanpa-nama)"))
    figures = report.figures()
    national = report.national()
    demo_rows = 1 if report.demo else 0
    pages.block(20 + 15 * (demo_rows + len(top) + 3 + len(figures)))
    sheet.title(f"Monitoring dan evaluasi pengaduan — {report.kantor}")
    if report.demo:
        sheet.append([sheet.styled(DEMO_MARK, bold=True)])
    for name, value in top:
        if name == ANCHOR_LABEL:  # long: wrapped across the columns right of the labels
            sheet.height(text_lines(value, sum(SUMMARY_WIDTHS[1:])))
            sheet.append([sheet.top(name), sheet.wrapped(str(value))], merge_to=NOTE_SPAN)
        else:
            sheet.append([name, value])
    if not report.cases:
        sheet.append([sheet.styled("Tidak ada kasus yang diterima pada bulan ini.", bold=True)])
    sheet.append([])

    sheet.header(["Angka utama", "Nilai"])
    for fig in figures:
        sheet.append([fig.label, _value_cell(sheet, fig)])
    pages.block(15 * (len(national) + 2))  # a block of its own: never split across pages
    sheet.append([])
    sheet.header([NATIONAL_TITLE, "Nilai"])
    for fig in national:
        sheet.append([fig.label, _value_cell(sheet, fig)])

    charted = {
        "kanal": "Kasus diterima per kanal",
        "status": f"Status kasus per akhir {period.word}",
    }
    for key, title, lines in (
        ("jenis", "Menurut jenis", report.per_jenis()),
        ("kanal", "Menurut kanal", report.per_kanal()),
        ("kategori", "Menurut kategori", report.per_kategori()),
        ("status", f"Status per akhir {period.word}", report.per_status()),
        ("status_lapor", LAPOR_TITLE, report.status_lapor()),
    ):
        shown = [_count_label(key, line.key, line.label) for line in lines]
        heights = [text_lines(text, SUMMARY_WIDTHS[0]) for text in shown]
        table = _rows_points([1, 1, *heights])
        chart_cm = max(CHART_MIN_CM, table / 28.35) if key in charted and report.cases else 0.0
        pages.block(max(table, chart_cm * 28.35 + 15))
        sheet.append([])
        head_row = sheet.header([title, "Jumlah", "Persen"])
        for line, text, height in zip(lines, shown, heights, strict=True):
            share = as_number(line.porsi)
            if height > 1:
                sheet.height(height)
                sheet.append(
                    [
                        sheet.wrapped(text),
                        sheet.top(line.jumlah),
                        sheet.top(sheet.styled(share, fmt=PCT_FMT)),
                    ]
                )
            else:
                sheet.append([sheet.text(text), line.jumlah, sheet.styled(share, fmt=PCT_FMT)])
        if chart_cm:
            add_bar_chart(
                sheet,
                charted[key],
                column=2,
                header_row=head_row,
                last_row=head_row + len(lines),
                anchor=(head_row, TABLE_COLUMNS + 1),
                width=CHART_CM,
                height=chart_cm,
                most=max((line.jumlah for line in lines), default=0),
                labels=[safe_text(text)[0] for text in shown],
                values=[line.jumlah for line in lines],
                name="Jumlah",
            )
            while _rows_points([1] * (sheet.rows - head_row + 1)) < chart_cm * 28.35:
                sheet.append([])  # the chart ends above the next block

    notes = [*NOTES, *FIGURE_NOTES, *(() if names else (NO_NAMES_NOTE,))]
    heights = [text_lines(note, NOTE_WIDTH) for note in notes]
    pages.block(_rows_points([1, 1, *heights]))
    sheet.append([])
    sheet.header(["Catatan"])
    for note, height in zip(notes, heights, strict=True):
        sheet.height(height)
        sheet.append([sheet.wrapped(note)], merge_to=NOTE_SPAN)

    _write_signature(sheet, pages, report, signature)
    # the page's width: the tables, the charts and the notes (never wider, or the page
    # shrinks to what LibreOffice counts as used)
    sheet.print_area(NOTE_SPAN + 1)


def _count_label(key: str, code: str | None, label: str) -> str:
    """A breakdown line as a reader reads it: channels and statuses by name, not code."""
    if key == "kanal":
        return kanal_label(code) or label
    if key == "status":
        return status_label(code) or label
    return label


def _write_signature(sheet: Sheet, pages: _Pages, report: Monev, signature: Signature) -> None:
    """The head's signature block, at the end, right of the tables, as an Indonesian
    report ends:
    place and date, "Mengetahui,", the title, room to sign, the name, the NIP. What is not
    set prints as dotted lines to fill in by hand."""
    place = signature.kota or DOTS[:24]
    name = signature.nama or f"({DOTS})"
    nip = f"NIP. {format_nip(signature.nip)}" if signature.nip else f"NIP. {DOTS[:30]}"
    lines: list[tuple[str | None, bool]] = [
        (f"{place}, {tanggal(report.dibuat)}", False),
        ("Mengetahui,", False),
        (signature.jabatan or f"Kepala {report.kantor}", False),
        (None, False),  # room to sign
        (name, True),
        (nip, False),
    ]
    pages.block(15 + 15 * len(lines) + SIGNING_POINTS)
    sheet.append([])
    column = TABLE_COLUMNS  # where the charts begin
    for text, bold in lines:
        if text is None:
            sheet.height_points(SIGNING_POINTS)
            sheet.append([])
            continue
        cell = sheet.styled(text, bold=bold, underline=bold and bool(signature.nama))
        sheet.append([None] * column + [cell])


def _write_lines(
    wb: Book,
    report: Monev,
    title: str,
    columns: Sequence[Column],
    lines: Sequence[UnitLine],
    per: str,
) -> None:
    """A line per unit (or desk), the month's total under them, and a chart of their
    on-time shares. Cases without a unit (answered at the desk or archived) have their line
    in the table but no bar: they were never a unit's to handle, and their quick closing is
    no unit's on-time share."""
    sheet = Sheet(wb, title, _page_head(report, title))
    sheet.start_table(columns, lines, report, gridlines=False)
    sheet.table_rows(columns, ((line,) for line in lines))
    last_line_row = sheet.rows
    total = report.total_line()
    sheet.append([sheet.styled("Jumlah", bold=True), *sheet.cells(columns[1:], total)])
    sheet.autofilter(columns, last_line_row)
    charted = [line for line in lines if line.unit is not None]
    if any(line.selesai for line in charted):
        # lines without a unit come last (Monev.per_unit): the chart stops above them
        last_charted = 1 + len(charted)
        title = f"Porsi selesai tepat waktu per {per}"
        if last_charted < last_line_row:
            title += NO_UNIT_TITLE
        add_bar_chart(
            sheet,
            title,
            column=headers(columns).index(SHARE_HEADER) + 1,
            header_row=1,
            last_row=last_charted,
            anchor=(sheet.rows + 2, 1),
            width=18,
            share=True,
            labels=[safe_text(line.label)[0] for line in charted],
            values=[as_number(line.porsi_tepat_waktu) for line in charted],
            name=SHARE_HEADER,
        )


def _write_cases(
    wb: Book,
    report: Monev,
    columns: Sequence[Column],
    details: Iterable[tuple[CaseFacts, Detail]],
    progress: Callable[[int], None] | None,
) -> None:
    """The case list; its print area is the first :data:`PRINTED_CASE_COLUMNS` columns."""
    sheet = Sheet(wb, "Kasus", _page_head(report, "Kasus"))
    sheet.start_table(columns, report.cases, report, printed=PRINTED_CASE_COLUMNS)
    sheet.table_rows(columns, details, progress)
    sheet.autofilter(columns, sheet.rows)
    sheet.print_area(PRINTED_CASE_COLUMNS)


def _write_facts(
    wb: Book, report: Monev, title: str, columns: Sequence[Column], facts: list[CaseFacts]
) -> None:
    sheet = Sheet(wb, title, _page_head(report, title))
    sheet.start_table(columns, facts, report)
    sheet.table_rows(columns, ((fact,) for fact in facts))
    sheet.autofilter(columns, sheet.rows)
