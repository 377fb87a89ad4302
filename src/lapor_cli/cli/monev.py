"""The monthly monev: ekspor (the XLSX workbook for Biro Humas) and rekap (the same figures on
the terminal or as JSON). Parse, call the core (``lapor_cli.monev``), render."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from lapor_cli.cli._app import (
    EveryDeskOpt,
    JsonOpt,
    ReadDeskOpt,
    interactive,
    opened,
    reading,
)
from lapor_cli.console import console, emit_json, literal, message, styled, tanggal
from lapor_cli.errors import LaporError

if TYPE_CHECKING:
    from lapor_cli.monev import Figure, Monev, UnitLine

T = TypeVar("T")

BulanOpt = Annotated[
    str | None,
    typer.Option(
        "--bulan",
        metavar="YYYY-MM",
        help="Bulan diterima (bawaan: bulan ini).",
        show_default=False,
    ),
]

PeriodeOpt = Annotated[
    str | None,
    typer.Option(
        "--periode",
        metavar="PERIODE",
        help="Periode lebih dari sebulan: 2026-Q4 (triwulan), 2026-S2 (semester) atau 2026 "
        "(setahun); dengan tabel per bulan. Tidak bersama --bulan.",
        show_default=False,
    ),
]

#: At a terminal, writing a case list of this many cases or more shows a progress bar.
PROGRESS_FROM = 5000


def _when(ctx, bulan: str | None, periode: str | None) -> dict[str, object]:
    """The period's arguments of the library call: ``--bulan YYYY-MM`` or ``--periode``
    (never both), else the month it is now; and whether the register is the demo's."""
    from lapor_cli.cli._app import state
    from lapor_cli.dates import parse_month
    from lapor_cli.errors import ValidationError
    from lapor_cli.settings import is_demo

    if bulan is not None and periode is not None:
        raise ValidationError(
            "periode",
            "--bulan dan --periode tidak bisa dipakai bersama. Pilih salah satu: "
            "--bulan 2026-11 untuk sebulan, atau --periode 2026-Q4 / 2026-S2 / 2026.",
        )
    year, month = parse_month(bulan) if bulan else (ctx.now.year, ctx.now.month)
    return {
        "year": year,
        "month": month,
        "periode": periode,
        "demo": state.demo or is_demo(ctx.settings),
    }


def _record_export(written) -> None:
    """The workbook holds reporters' names (and masked NIK/HP): one ``akses`` row per case
    (``lapor akses``), in a write transaction of its own after the file is written."""
    import os

    from lapor_cli.cli._app import officer
    from lapor_cli.privacy import record_access

    with opened(write=True) as ctx:
        record_access(
            ctx.session,
            written.identitas,
            now=ctx.now,
            petugas=officer(os.environ.get("LAPOR_PETUGAS")),
            jenis="ekspor",
            keterangan=f"Workbook monev {written.report.period.key}: {written.path.resolve()}",
        )


def register(app: typer.Typer) -> None:
    @app.command(rich_help_panel="Melihat")
    def ekspor(
        bulan: BulanOpt = None,
        periode: PeriodeOpt = None,
        keluaran: Annotated[
            str | None,
            typer.Option(
                "--keluaran",
                "-o",
                metavar="BERKAS",
                help="Berkas XLSX tujuan, atau folder (bawaan: monev-YYYY-MM.xlsx atau "
                "monev-PERIODE.xlsx di sini; register demo: DEMO-monev-….xlsx).",
                show_default=False,
            ),
        ] = None,
        timpa: Annotated[
            bool, typer.Option("--timpa", help="Timpa berkas tujuan bila sudah ada.")
        ] = False,
        tanpa_nama: Annotated[
            bool,
            typer.Option(
                "--tanpa-nama",
                help="Tanpa identitas pelapor (nama, NIK, HP), untuk pembaca di luar kantor.",
            ),
        ] = False,
        meja: ReadDeskOpt = None,
        semua_meja: EveryDeskOpt = False,
        json: JsonOpt = False,
    ) -> None:
        """Workbook monev bulanan (atau triwulan, semester, setahun) (XLSX) untuk Biro Humas:
        ringkasan, per unit (per bulan, per meja), daftar kasus, kasus terlambat, grafik; siap
        cetak A4. NIK/HP disamarkan."""
        from lapor_cli.monev import export_month

        with opened(write=False) as ctx:
            when = _when(ctx, bulan, periode)
            with _progress_bar(enabled=interactive() and not json) as progress:
                written = _one_refusal(
                    export_month,
                    ctx.session,
                    **when,
                    now=ctx.now,
                    kantor=ctx.settings["kantor_nama"],
                    keluaran=keluaran,
                    overwrite=timpa,
                    meja=meja,
                    every_desk=semua_meja,
                    progress=progress,
                    names=not tanpa_nama,
                )
        if written.identitas:
            _record_export(written)
        if json:
            emit_json(written.as_json())
            return
        report, period = written.report, written.report.period
        if report.demo:
            message(literal("Register demo: workbook ditandai DEMO, bukan monev kantor.", "yellow"))
        if period.current:
            message(
                literal(
                    f"{period.label} belum selesai: angka per {tanggal(period.as_of, time=True)}.",
                    "yellow",
                )
            )
        message(
            f"Workbook monev {period.label} ditulis: {len(report.cases)} kasus, "
            f"{len(report.overdue)} terlambat per akhir {period.word}."
        )
        console.print(literal(str(written.path)), soft_wrap=True)

    @app.command(rich_help_panel="Melihat")
    def rekap(
        bulan: BulanOpt = None,
        periode: PeriodeOpt = None,
        meja: ReadDeskOpt = None,
        semua_meja: EveryDeskOpt = False,
        json: JsonOpt = False,
    ) -> None:
        """Angka monev bulanan (atau triwulan, semester, setahun) di layar: sama dengan lembar
        Ringkasan dari `lapor ekspor`."""
        from lapor_cli.monev import month_report

        with _no_cycle_collection():
            with reading() as ctx:  # through the driver: no SQLAlchemy for a register file
                report = month_report(
                    ctx.db,
                    **_when(ctx, bulan, periode),
                    now=ctx.now,
                    kantor=ctx.settings["kantor_nama"],
                    meja=meja,
                    every_desk=semua_meja,
                )
            if json:
                emit_json(report.as_json())
                return
            _render(report)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused: a month's facts are some 100,000 objects made in one
    go, none in a reference cycle, which the collector would otherwise walk again and again
    while they are made (~10 % of ``rekap``). Freed as usual when the command ends."""
    import gc

    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextmanager
def _progress_bar(*, enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress callback ``(done, total)`` that shows a transient bar on stderr once the
    case list is long (:data:`PROGRESS_FROM`); None when not ``enabled``."""
    if not enabled:
        yield None
        return
    shown = None

    def update(done: int, total: int) -> None:
        nonlocal shown
        if shown is None:
            if total < PROGRESS_FROM:
                return
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            from lapor_cli.console import err_console

            bar = Progress(
                TextColumn("{task.description}", style="progress.description", markup=False),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=err_console.real(),
                transient=True,
            )
            bar.start()
            shown = (bar, bar.add_task("Menulis daftar kasus", total=total))
        bar, task = shown
        bar.update(task, completed=done)

    try:
        yield update
    finally:
        if shown is not None:
            shown[0].stop()


def _one_refusal(write: Callable[..., T], *args: object, **kwargs: object) -> T:
    """``write(*args, **kwargs)``, the workbook's writing (its result); if it fails (a full
    disk): one refusal line and nothing after it.

    xlsxwriter leaves its zip file open when a write fails (the sheets' row files are closed
    by the writer); Python closes it when it collects it, and it complains again ("Exception
    ignored … No space left on device") around the refusal. Such complaints during the write
    are held back: dropped once the write is refused (the failure's frames are collected
    here), passed on as usual when it succeeds. An OSError of the writer's own temporary
    files becomes the same refusal.
    """
    import gc

    held: list = []
    hook = sys.unraisablehook
    sys.unraisablehook = held.append
    try:
        return write(*args, **kwargs)
    except (LaporError, OSError) as exc:
        refusal = exc
        if not isinstance(exc, LaporError):
            import tempfile

            refusal = LaporError(
                f"Workbook tidak dapat ditulis: {exc.strerror or exc}. Periksa ruang disk dan "
                f"izin folder tujuan dan folder sementara {tempfile.gettempdir()}."
            )
        exc.__context__ = exc.__cause__ = exc.__traceback__ = None  # the writers' frames
        gc.collect()
        held.clear()
        raise refusal from None
    finally:
        sys.unraisablehook = hook
        for unraisable in held:
            hook(unraisable)


# ---------------------------------------------------------------- rendering


def _figure_text(fig: Figure) -> str:
    """A figure as the workbook shows it: the value is already rounded (``56,3%``,
    ``2,25``), so the digits are printed, never rounded again."""
    from lapor_cli.monev.rounding import percent_text

    if fig.value is None:
        return "-"
    if fig.kind == "pct":
        return percent_text(fig.value)  # type: ignore[arg-type]
    if fig.kind == "dec":
        return f"{fig.value:.2f}".replace(".", ",")
    return str(fig.value)


def _lines_table(title: str, first: str, lines: list[tuple[str, UnitLine]]):
    from rich import box
    from rich.table import Table

    from lapor_cli.monev.rounding import percent_text

    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, header_style="bold")
    for col in (first, "Diterima", "Selesai", "Tepat waktu", "Terlambat", "Rata-rata HK"):
        table.add_column(col, justify="left" if col == first else "right")
    for label, line in lines:
        share = line.porsi_tepat_waktu
        on_time = str(line.tepat_waktu)
        if share is not None:
            on_time += f" ({percent_text(share)})"
        days = line.rata_hari_kerja
        cells = (
            label,
            line.diterima,
            line.selesai,
            on_time,
            line.terlambat,
            "-" if days is None else f"{days:.2f}".replace(".", ","),
        )
        table.add_row(*(literal(cell) for cell in cells))
    return table


def _figures_table(title: str, figures: list[Figure]):
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
    table.add_column(title)
    table.add_column("Nilai", justify="right", no_wrap=True)
    for fig in figures:
        table.add_row(literal(fig.label), literal(_figure_text(fig)))
    return table


def _render(report: Monev) -> None:
    from rich import box
    from rich.table import Table

    from lapor_cli.monev import LAPOR_TITLE, NATIONAL_TITLE
    from lapor_cli.monev.rounding import percent_text

    period = report.period
    running = f" ({period.word} berjalan)" if period.current else ""
    if report.demo:
        console.print(literal("DEMO — data contoh dari `lapor demo`, bukan monev kantor.", "bold"))
    console.print(
        styled((f"Monev pengaduan {report.kantor}", "bold"), f" — {period.label}{running}")
    )
    if (desks := report.desk_label()) is not None:
        console.print(literal(f"Meja: {desks}"))
    console.print(literal(f"Keadaan per {tanggal(period.as_of, with_day=True, time=True)}."))
    if report.jangkar is not None:
        console.print(literal(f"Jangkar rantai register: {report.jangkar.short}."))
    if not report.cases:
        this = "bulan ini" if period.is_month else "periode ini"
        console.print(literal(f"Tidak ada kasus yang diterima pada {this}."))

    console.print(_figures_table("Angka utama", report.figures()))
    console.print(_figures_table(NATIONAL_TITLE, report.national()))

    from lapor_cli.monev.labels import kanal_label, status_label

    # channels and statuses by the names the workbook prints (Tatap muka, Didisposisikan)
    for title, lines, all_rows, named in (
        ("Menurut jenis", report.per_jenis(), True, None),
        ("Menurut kanal", report.per_kanal(), False, kanal_label),
        ("Menurut kategori", report.per_kategori(), False, None),
        (f"Status per akhir {period.word}", report.per_status(), True, status_label),
        (LAPOR_TITLE, report.status_lapor(), True, None),
    ):
        shown = [line for line in lines if all_rows or line.jumlah]
        if not shown:
            continue
        table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
        table.add_column(title)
        table.add_column("Jumlah", justify="right")
        table.add_column("Persen", justify="right")
        for line in shown:
            label = (named(line.key) if named else None) or line.label
            cells = (
                line.key if title == "Menurut kategori" and line.key else label,
                line.jumlah,
                percent_text(line.porsi),
            )
            table.add_row(*(literal(cell) for cell in cells))
        console.print(table)

    from lapor_cli.cli.render import unit_short

    if not period.is_month:
        console.print(
            _lines_table("Per bulan", "Bulan", [(x.label, x) for x in report.per_bulan()])
        )
    console.print(
        _lines_table(
            "Per unit",
            "Unit",
            [(unit_short(x.unit) if x.unit else "Tanpa unit", x) for x in report.per_unit()],
        )
    )
    if report.spans_desks:
        console.print(
            _lines_table("Per meja", "Meja", [(str(x.unit), x) for x in report.per_meja()])
        )
    # the count only: the list in its order (most late first) is the workbook's
    late = [f for f in (*report.cases, *report.carried) if f.terlambat]
    if late:
        before = "bulan sebelumnya" if period.is_month else "sebelum periode ini"
        console.print(
            styled(
                (f"{len(late)} kasus terlambat", "bold red"),
                f" per akhir {period.word} "
                f"(termasuk {sum(1 for f in late if not f.bulan_ini)} dari {before}); "
                "rinciannya di lembar Terlambat (`lapor ekspor`).",
            )
        )
