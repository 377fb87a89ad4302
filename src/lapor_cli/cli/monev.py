"""The monthly monev: ekspor (the XLSX workbook for Biro Humas) and rekap (the same figures on
the terminal or as JSON). Parse, call the core (``lapor_cli.monev``), render."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from lapor_cli.cli._app import EveryDeskOpt, JsonOpt, ReadDeskOpt, interactive, opened
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

#: At a terminal, writing a case list of this many cases or more shows a progress bar.
PROGRESS_FROM = 5000


def _month(ctx, bulan: str | None) -> tuple[int, int]:
    """``--bulan YYYY-MM``, else the month it is now."""
    from lapor_cli.dates import parse_month

    return parse_month(bulan) if bulan else (ctx.now.year, ctx.now.month)


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
        keluaran: Annotated[
            str | None,
            typer.Option(
                "--keluaran",
                "-o",
                metavar="BERKAS",
                help="Berkas XLSX tujuan, atau folder (bawaan: monev-YYYY-MM.xlsx di sini).",
                show_default=False,
            ),
        ] = None,
        timpa: Annotated[
            bool, typer.Option("--timpa", help="Timpa berkas tujuan bila sudah ada.")
        ] = False,
        meja: ReadDeskOpt = None,
        semua_meja: EveryDeskOpt = False,
        json: JsonOpt = False,
    ) -> None:
        """Workbook monev bulanan (XLSX) untuk Biro Humas: ringkasan, per unit (dan per meja),
        daftar kasus, kasus terlambat, grafik. NIK/HP disamarkan."""
        from lapor_cli.monev import export_month

        with opened(write=False) as ctx:
            year, month = _month(ctx, bulan)
            with _progress_bar(enabled=interactive() and not json) as progress:
                written = _one_refusal(
                    export_month,
                    ctx.session,
                    year=year,
                    month=month,
                    now=ctx.now,
                    kantor=ctx.settings["kantor_nama"],
                    keluaran=keluaran,
                    overwrite=timpa,
                    meja=meja,
                    every_desk=semua_meja,
                    progress=progress,
                )
        if written.identitas:
            _record_export(written)
        if json:
            emit_json(written.as_json())
            return
        report, period = written.report, written.report.period
        if period.current:
            message(
                literal(
                    f"{period.label} belum selesai: angka per {tanggal(period.as_of, time=True)}.",
                    "yellow",
                )
            )
        message(
            f"Workbook monev {period.label} ditulis: {len(report.cases)} kasus, "
            f"{len(report.overdue)} terlambat per akhir bulan."
        )
        console.print(literal(str(written.path)), soft_wrap=True)

    @app.command(rich_help_panel="Melihat")
    def rekap(
        bulan: BulanOpt = None,
        meja: ReadDeskOpt = None,
        semua_meja: EveryDeskOpt = False,
        json: JsonOpt = False,
    ) -> None:
        """Angka monev bulanan di layar (sama dengan lembar Ringkasan dari `lapor ekspor`)."""
        from lapor_cli.monev import month_report

        with opened(write=False) as ctx:
            year, month = _month(ctx, bulan)
            report = month_report(
                ctx.session,
                year=year,
                month=month,
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

    openpyxl leaves its zip file and sheet writers open when a write fails; Python closes them
    when it collects them, and each complains again ("Exception ignored … No space left on
    device") around the refusal. Such complaints during the write are held back: dropped once
    the write is refused (the failure's frames are collected here), passed on as usual when it
    succeeds. An OSError of openpyxl's own temporary files becomes the same refusal.
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


def _number(value: float, digits: int) -> str:
    """Indonesian decimals: ``75,0``."""
    return f"{value:.{digits}f}".replace(".", ",")


def _figure_text(fig: Figure) -> str:
    if fig.value is None:
        return "-"
    if fig.kind == "pct":
        return _number(fig.value * 100, 1) + "%"
    if fig.kind == "dec":
        return _number(fig.value, 2)
    return str(fig.value)


def _lines_table(title: str, first: str, lines: list[tuple[str, UnitLine]]):
    from rich import box
    from rich.table import Table

    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, header_style="bold")
    for col in (first, "Diterima", "Selesai", "Tepat waktu", "Terlambat", "Rata-rata HK"):
        table.add_column(col, justify="left" if col == first else "right")
    for label, line in lines:
        share = line.porsi_tepat_waktu
        on_time = str(line.tepat_waktu)
        if share is not None:
            on_time += f" ({_number(share * 100, 0)}%)"
        days = line.rata_hari_kerja
        cells = (
            label,
            line.diterima,
            line.selesai,
            on_time,
            line.terlambat,
            "-" if days is None else _number(days, 1),
        )
        table.add_row(*(literal(cell) for cell in cells))
    return table


def _render(report: Monev) -> None:
    from rich import box
    from rich.table import Table

    period = report.period
    running = " (bulan berjalan)" if period.current else ""
    console.print(
        styled((f"Monev pengaduan {report.kantor}", "bold"), f" — {period.label}{running}")
    )
    if (desks := report.desk_label()) is not None:
        console.print(literal(f"Meja: {desks}"))
    console.print(literal(f"Keadaan per {tanggal(period.as_of, with_day=True, time=True)}."))
    if report.jangkar is not None:
        console.print(literal(f"Jangkar rantai register: {report.jangkar.short}."))
    if not report.cases:
        console.print(literal("Tidak ada kasus yang diterima pada bulan ini."))

    figures = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
    figures.add_column("Angka utama")
    figures.add_column("Nilai", justify="right", no_wrap=True)
    for fig in report.figures():
        figures.add_row(literal(fig.label), literal(_figure_text(fig)))
    console.print(figures)

    received = len(report.cases)
    for title, lines, all_rows in (
        ("Menurut jenis", report.per_jenis(), True),
        ("Menurut kanal", report.per_kanal(), False),
        ("Menurut kategori", report.per_kategori(), False),
        ("Status per akhir bulan", report.per_status(), True),
    ):
        shown = [line for line in lines if all_rows or line.jumlah]
        if not shown:
            continue
        table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
        table.add_column(title)
        table.add_column("Jumlah", justify="right")
        table.add_column("Persen", justify="right")
        for line in shown:
            share = line.jumlah / received if received else None
            cells = (
                line.key if title == "Menurut kategori" and line.key else line.label,
                line.jumlah,
                "-" if share is None else _number(share * 100, 1) + "%",
            )
            table.add_row(*(literal(cell) for cell in cells))
        console.print(table)

    from lapor_cli.cli.render import unit_short

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
    late = report.overdue
    if late:
        console.print(
            styled(
                (f"{len(late)} kasus terlambat", "bold red"),
                " per akhir bulan "
                f"(termasuk {sum(1 for f in late if not f.bulan_ini)} dari bulan sebelumnya); "
                "rinciannya di lembar Terlambat (`lapor ekspor`).",
            )
        )
