"""The ``lapor`` command. Typer only: each family of commands lives in its own module and
imports the core (SQLModel, holidays, openpyxl) inside the command, so ``--help`` stays fast.

``app`` is the whole command (every family; ``from lapor_cli.cli import app``), built on first
use. The ``lapor`` program and ``python -m lapor_cli`` start with :func:`run`, which imports
only the family of the command typed (``COMMANDS``) and builds only that command: Typer reads
the signature of every command it builds, and one command runs. Help pages, no command and an
unknown command get the whole ``app``, so what they print is the same as ever."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer

from lapor_cli import __version__
from lapor_cli.cli._app import LaporTyper, state

#: The families of commands, in the order of the help page: (module in ``lapor_cli.cli``,
#: its function adding the commands to an app).
FAMILIES: tuple[tuple[str, str], ...] = (
    ("cases", "register"),
    ("corrections", "register"),
    ("deadlines", "register"),
    ("importing", "register"),
    ("monev", "register"),
    ("admin", "register"),
    ("desks", "register"),
    ("privacy", "register"),
    ("paperwork", "register"),
    ("paperwork", "register_receipt"),
    ("paperwork", "register_letter"),
)

_FAMILY_COMMANDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("cases", "register"): (
        "catat",
        "daftar",
        "distribusi",
        "laporbalik",
        "lihat",
        "nilai",
        "tindaklanjut",
        "tutup",
        "verifikasi",
    ),
    ("corrections", "register"): ("batal", "buka", "gabung", "ubah"),
    ("deadlines", "register"): ("lanjut", "libur", "perpanjang", "profil", "sla", "tunda"),
    ("importing", "register"): ("impor",),
    ("monev", "register"): ("ekspor", "rekap"),
    ("admin", "register"): ("cadangan", "demo", "kantor", "periksa", "pindah"),
    ("desks", "register"): ("meja",),
    ("privacy", "register"): ("akses", "anonimkan", "batasi", "lepas", "pelapor", "retensi"),
    ("paperwork", "register"): ("lampiran",),
    ("paperwork", "register_receipt"): ("tanda-terima",),
    ("paperwork", "register_letter"): ("surat",),
}

#: Command name → the family that defines it. ``test_cli_startup.py`` checks that these are
#: exactly the commands of ``app`` and where each is defined: a new command must be added here.
COMMANDS: dict[str, tuple[str, str]] = {
    name: family for family, names in _FAMILY_COMMANDS.items() for name in names
}

#: The whole command (every family), built on first use: see ``__getattr__``.
app: LaporTyper

_SETTINGS: dict[str, Any] = {
    "name": "lapor",
    "help": (
        "Register kasus meja pengaduan Dinas Sosial: catat, verifikasi, distribusi, "
        "tindak lanjut, tutup dan nilai sesuai SOP SP4N-LAPOR!."
    ),
    "no_args_is_help": True,
    "context_settings": {"help_option_names": ["-h", "--help"]},
    "rich_markup_mode": None,
}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lapor-cli {__version__}")
        raise typer.Exit()


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


def build(families: Sequence[tuple[str, str]] = FAMILIES, only: str | None = None) -> LaporTyper:
    """The ``lapor`` app with the global options (``main``) and the commands of ``families``;
    with ``only``, the one command of that name among them."""
    built = LaporTyper(**_SETTINGS)
    built.callback()(main)
    for module, function in families:
        getattr(importlib.import_module(f"lapor_cli.cli.{module}"), function)(built)
    if only is not None:
        _keep_only(built, only)
    return built


def _keep_only(built: LaporTyper, name: str) -> None:
    """Leave in ``built`` only the command or group ``name``: Typer turns every command it
    holds into Click's (reading each signature, a few ms per command), and one runs. Names
    as Typer gives them (a command's own, else its function's with ``_`` → ``-``; a group's
    from ``add_typer``); when that does not find exactly one, the family stays whole. Typer's
    attributes used: ``Typer.registered_commands`` (``CommandInfo.name``, ``.callback``) and
    ``Typer.registered_groups`` (``TyperInfo.name``); ``test_cli_startup.py`` checks that each
    command comes out alone, with the whole app's help and usage errors."""
    commands = [
        info
        for info in built.registered_commands
        if (info.name or info.callback.__name__.lower().replace("_", "-")) == name
    ]
    groups = [info for info in built.registered_groups if info.name == name]
    if len(commands) + len(groups) == 1:
        built.registered_commands[:] = commands
        built.registered_groups[:] = groups


def whole_app() -> LaporTyper:
    """``app``: built on its first use, then the same object."""
    whole = globals().get("app")
    if whole is None:
        whole = globals()["app"] = build()
    return whole


def __getattr__(name: str) -> Any:
    """``app``, the whole command, built on first use (``run`` mostly needs one family)."""
    if name == "app":
        return whole_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: Global options (``main``'s) that take a value, and those that do not. Help and the version
#: are not here: they go to the whole app.
_VALUE_OPTIONS = ("--db",)
_FLAG_OPTIONS = ("--demo",)


def command_word(args: Sequence[str]) -> str | None:
    """The command typed in ``args`` (after the global options), or None: no command, a help
    or version request, or an option the global ones are not."""
    words = iter(args)
    for word in words:
        if word in _FLAG_OPTIONS or word.startswith(tuple(f"{o}=" for o in _VALUE_OPTIONS)):
            continue
        if word in _VALUE_OPTIONS:
            if next(words, None) is None:
                return None
            continue
        return None if word.startswith("-") else word
    return None


def app_for(args: Sequence[str]) -> LaporTyper:
    """The app to run ``args`` with: the typed command's family alone when the command is
    known, else the whole app (help pages, no command, an unknown one: as ever)."""
    name = command_word(args) or ""
    family = COMMANDS.get(name)
    if family is None:
        return whole_app()
    return build((family,), only=name)


def run() -> None:
    """The ``lapor`` program (and ``python -m lapor_cli``)."""
    app_for(sys.argv[1:])(prog_name="lapor")
