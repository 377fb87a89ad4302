"""The monthly monev: ekspor (the XLSX workbook for Biro Humas) and rekap (the same figures on
the terminal or as JSON). Parse, call the core (``lapor_cli.monev``), render."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from lapor_cli.cli._app import EveryDeskOpt, JsonOpt, ReadDeskOpt, interactive, opened
from lapor_cli.console import console, emit_json, message, tanggal
from lapor_cli.errors import LaporError

if TYPE_CHECKING:
    from lapor_cli.desks import DeskInfo
    from lapor_cli.monev import Figure, Monev, Period, UnitLine

BulanOpt = Annotated[
    str | None,
    typer.Option(
        "--bulan",
        metavar="YYYY-MM",
        help="Bulan diterima (bawaan: bulan ini).",
        show_default=False,
    ),
]


def _period(ctx, bulan: str | None) -> Period:
    from lapor_cli.monev import month_period
    from lapor_cli.validation import parse_month

    year, month = parse_month(bulan) if bulan else (ctx.now.year, ctx.now.month)
    return month_period(year, month, now=ctx.now)


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
        from lapor_cli import monev as core
        from lapor_cli.desks import all_desks

        with opened(write=False) as ctx:
            period = _period(ctx, bulan)
            desk = _desk(ctx, meja, semua_meja)  # before the month is read: refusals first
            named = desk.kode if desk and len(all_desks(ctx.session)) > 1 else None
            target = core.output_path(keluaran, period, overwrite=timpa, meja=named)
            report = _monthly(ctx, period, desk)
            details = core.case_details(ctx.session, report)
            if interactive() and not json and len(report.cases) >= 5000:
                _one_refusal(_write_with_progress, core, report, details, target, timpa)
            else:
                _one_refusal(core.write_workbook, report, details, target, overwrite=timpa)
        overdue = report.overdue
        if json:
            emit_json(
                {
                    "berkas": str(target.resolve()),
                    "bulan": period.key,
                    "kasus": len(report.cases),
                    "terlambat": len(overdue),
                    "terbawa": len(report.carried),
                    "lembar": report.sheets(),
                    "ringkasan": report.as_json(with_cases=False),
                }
            )
            return
        if period.current:
            message(
                f"[yellow]{period.label} belum selesai: angka per "
                f"{tanggal(period.as_of, time=True)}.[/]"
            )
        message(
            f"Workbook monev {period.label} ditulis: {len(report.cases)} kasus, "
            f"{len(overdue)} terlambat per akhir bulan."
        )
        console.print(str(target), soft_wrap=True, markup=False)

    @app.command(rich_help_panel="Melihat")
    def rekap(
        bulan: BulanOpt = None,
        meja: ReadDeskOpt = None,
        semua_meja: EveryDeskOpt = False,
        json: JsonOpt = False,
    ) -> None:
        """Angka monev bulanan di layar (sama dengan lembar Ringkasan dari `lapor ekspor`)."""
        with opened(write=False) as ctx:
            period = _period(ctx, bulan)
            report = _monthly(ctx, period, _desk(ctx, meja, semua_meja))
        if json:
            emit_json(report.as_json())
            return
        _render(report)


def _desk(ctx, meja: str | None, every: bool) -> DeskInfo | None:
    from lapor_cli.desks import desk_scope

    return desk_scope(ctx.session, meja, every=every)


def _monthly(ctx, period: Period, desk: DeskInfo | None) -> Monev:
    """The month's figures of the chosen desk (named after it), or of every desk."""
    from lapor_cli import monev as core

    return core.monthly(
        ctx.session,
        period,
        now=ctx.now,
        kantor=desk.nama if desk else ctx.settings["kantor_nama"],
        meja=desk.kode if desk else None,
    )


def _one_refusal(write: Callable[..., object], *args: object, **kwargs: object) -> None:
    """``write(*args, **kwargs)``, the workbook's writing; if it fails (a full disk): one
    refusal line and nothing after it.

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
        write(*args, **kwargs)
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


def _write_with_progress(core, report, details, target, timpa) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from lapor_cli.console import err_console

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("Menulis daftar kasus", total=len(report.cases))
        core.write_workbook(
            report,
            details,
            target,
            overwrite=timpa,
            progress=lambda done: bar.update(task, completed=done),
        )


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
        table.add_row(
            label,
            str(line.diterima),
            str(line.selesai),
            on_time,
            str(line.terlambat),
            "-" if days is None else _number(days, 1),
        )
    return table


def _render(report: Monev) -> None:
    from rich import box
    from rich.table import Table

    period = report.period
    running = " (bulan berjalan)" if period.current else ""
    console.print(f"[bold]Monev pengaduan {report.kantor}[/] — {period.label}{running}")
    if (desks := report.desk_label()) is not None:
        console.print(f"Meja: {desks}", markup=False)
    console.print(f"Keadaan per {tanggal(period.as_of, with_day=True, time=True)}.")
    if not report.cases:
        console.print("Tidak ada kasus yang diterima pada bulan ini.")

    figures = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
    figures.add_column("Angka utama")
    figures.add_column("Nilai", justify="right", no_wrap=True)
    for fig in report.figures():
        figures.add_row(fig.label, _figure_text(fig))
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
            table.add_row(
                line.key if title == "Menurut kategori" and line.key else line.label,
                str(line.jumlah),
                "-" if share is None else _number(share * 100, 1) + "%",
            )
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
            f"[bold red]{len(late)} kasus terlambat[/] per akhir bulan "
            f"(termasuk {sum(1 for f in late if not f.bulan_ini)} dari bulan sebelumnya); "
            "rinciannya di lembar Terlambat (`lapor ekspor`)."
        )
