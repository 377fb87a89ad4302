"""The ``lapor`` command. Typer only: each family of commands lives in its own module and
imports the core (SQLModel, holidays, openpyxl) inside the command, so ``--help`` stays fast."""

from __future__ import annotations

from typing import Annotated

import typer

from lapor_cli import __version__
from lapor_cli.cli import (
    admin,
    cases,
    corrections,
    deadlines,
    desks,
    importing,
    monev,
    paperwork,
    privacy,
)
from lapor_cli.cli._app import LaporTyper, state

app = LaporTyper(
    name="lapor",
    help=(
        "Register kasus meja pengaduan Dinas Sosial: catat, verifikasi, distribusi, "
        "tindak lanjut, tutup dan nilai sesuai SOP SP4N-LAPOR!."
    ),
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lapor-cli {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="LAPOR_DB",
            help="Berkas register, atau postgresql+psycopg://… untuk register di server "
            "(bawaan: register.db di folder aplikasi pengguna).",
            show_default=False,
        ),
    ] = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="Pakai register demo (isi dengan `lapor demo`).")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--versi", "--version", callback=_version, is_eager=True, help="Versi."),
    ] = False,
) -> None:
    state.db = db
    state.demo = demo


cases.register(app)
corrections.register(app)
deadlines.register(app)
importing.register(app)
monev.register(app)
admin.register(app)
desks.register(app)
privacy.register(app)
paperwork.register(app)
paperwork.register_receipt(app)
paperwork.register_letter(app)
