"""The Typer application object, its global state, and the one place refusals are rendered."""

from __future__ import annotations

import functools
import getpass
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lapor_cli.cli.usage import IndonesianCommand, IndonesianGroup
from lapor_cli.errors import LaporError

if TYPE_CHECKING:
    from sqlmodel import Session

    from lapor_cli.db import Register


def _guarded(fn: Callable) -> Callable:
    """The function, with a ``LaporError`` turned into one line on stderr and its exit code."""

    @functools.wraps(fn)
    def guarded(*a: Any, **kw: Any) -> Any:
        try:
            return fn(*a, **kw)
        except LaporError as exc:
            refuse(exc)

    return guarded


class LaporTyper(typer.Typer):
    """A Typer whose commands and callbacks render refusals in one place (``refuse``), with
    Indonesian placeholders in its usage lines, Indonesian help pages and usage errors
    (``usage.py``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", IndonesianGroup)
        kwargs.setdefault("options_metavar", "[OPSI]")
        kwargs.setdefault("subcommand_metavar", "PERINTAH [ARGUMEN]...")
        # A crash's traceback must not print local variables: they hold NIKs, phone numbers
        # and a server register's password.
        kwargs.setdefault("pretty_exceptions_show_locals", False)
        super().__init__(**kwargs)

    def command(self, *args: Any, **kwargs: Any) -> Callable:
        kwargs.setdefault("cls", IndonesianCommand)
        register = super().command(*args, **kwargs)

        def decorator(fn: Callable) -> Callable:
            register(_guarded(fn))
            return fn

        return decorator

    def callback(self, *args: Any, **kwargs: Any) -> Callable:
        register = super().callback(*args, **kwargs)

        def decorator(fn: Callable) -> Callable:
            register(_guarded(fn))
            return fn

        return decorator


def refuse(exc: LaporError) -> None:
    text = " ".join(exc.message.split())
    sys.stderr.write(f"Ditolak: {text}\n")
    sys.stderr.flush()
    raise typer.Exit(exc.exit_code)


@dataclass
class State:
    db: str | None = None
    demo: bool = False


state = State()


def location() -> str:
    from lapor_cli.db import resolve_location
    from lapor_cli.resources import app_dir

    if state.demo:
        return str(app_dir() / "demo.db")
    return resolve_location(state.db)


def now_for(zone: str) -> datetime:
    """The time commands run at: the office clock, or ``LAPOR_WAKTU`` when a test fixes it."""
    fixed = os.environ.get("LAPOR_WAKTU")
    if fixed:
        from lapor_cli.validation import parse_datetime

        return parse_datetime("LAPOR_WAKTU", fixed)
    from lapor_cli.cases import office_now

    return office_now(zone)


def default_officer() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name on this machine
        return "petugas"


def officer(petugas: str | None) -> str:
    """Who a history entry names: --petugas / LAPOR_PETUGAS, else the computer's user."""
    return (petugas or default_officer()).strip() or "petugas"


@dataclass
class Context:
    """What a command has once the register is open: one session, settings, the time."""

    register: Register
    session: Session
    settings: dict[str, str]
    now: datetime


@contextmanager
def opened(*, write: bool) -> Iterator[Context]:
    """Open the register for one command: one transaction, committed only if nothing failed."""
    from lapor_cli.cases import get_settings
    from lapor_cli.db import open_register

    register = open_register(location(), write=write, provisional=True)
    try:
        with register.transaction(write) as session:
            settings = get_settings(session)
            yield Context(register, session, settings, now_for(settings["zona_waktu"]))
    except BaseException:
        register.finish_creation(keep=False)  # a refused first command leaves no register
        raise
    else:
        register.finish_creation(keep=True)
    finally:
        register.engine.dispose()


def interactive() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


JsonOpt = Annotated[
    bool, typer.Option("--json", help="Cetak satu dokumen JSON di stdout (untuk skrip).")
]
OfficerOpt = Annotated[
    str | None,
    typer.Option(
        "--petugas",
        envvar="LAPOR_PETUGAS",
        help="Nama petugas yang mencatat (bawaan: $LAPOR_PETUGAS atau nama pengguna).",
        show_default=False,
    ),
]


def _desk_option(text: str) -> Any:
    return typer.Option(
        "--meja", envvar="LAPOR_MEJA", metavar="KODE", help=text, show_default=False
    )


DeskOpt = Annotated[
    str | None,
    _desk_option(
        "Meja yang dimaksud (bawaan: $LAPOR_MEJA; register dengan satu meja tidak perlu)."
    ),
]
ReadDeskOpt = Annotated[
    str | None, _desk_option("Hanya kasus meja ini (bawaan: $LAPOR_MEJA, atau semua meja).")
]
EveryDeskOpt = Annotated[
    bool,
    typer.Option("--semua-meja", help="Semua meja register ini, juga bila $LAPOR_MEJA diisi."),
]


def run_step(
    nomor: str,
    petugas: str | None,
    json: bool,
    make_step: Callable,
    *,
    tell: Callable[[Any, datetime], str] | None = None,
) -> None:
    """One SOP command on one case: load it, build the workflow step (``make_step(case,
    ctx)``), apply it with its history entry, render. ``tell(case, new_deadline)`` replaces
    the default one-line message ("Diverifikasi: NOMOR diterima → terverifikasi")."""
    from lapor_cli import cases as core
    from lapor_cli.console import console, emit_json, message
    from lapor_cli.deadlines import Deadlines

    with opened(write=True) as ctx:
        case = core.get_case(ctx.session, nomor)
        step = make_step(case, ctx)
        core.apply_step(ctx.session, case, step, now=ctx.now, oleh=officer(petugas))
        due = Deadlines(ctx.session, ctx.now).due(case)
        view = core.case_view(case, batas_waktu=due)
    if json:
        emit_json(view)
        return
    if tell is not None:
        message(tell(case, due))
    else:
        from lapor_cli.workflow import ACTION_LABEL

        label = ACTION_LABEL.get(step.aksi, step.aksi)
        if step.dari != step.ke:
            message(f"{label}: {case.nomor} [dim]{step.dari}[/] → [bold]{step.ke}[/]")
        else:
            message(f"{label}: {case.nomor} ([bold]{step.ke}[/])")
    console.print(case.nomor)
