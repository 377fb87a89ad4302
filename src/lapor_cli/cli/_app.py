"""The Typer application object, its global state, and the one place refusals are rendered."""

from __future__ import annotations

import functools
import getpass
import os
import re
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lapor_cli.cli.usage import IndonesianCommand, IndonesianGroup
from lapor_cli.errors import LaporError, ValidationError

if TYPE_CHECKING:
    from sqlmodel import Session

    from lapor_cli.db import Register
    from lapor_cli.handling import Handled
    from lapor_cli.sqlread import Reader


def _guarded(fn: Callable) -> Callable:
    """The function, with a ``LaporError`` turned into one line on stderr and its exit code.

    Once the command's transaction is committed (:func:`opened` marks it), nothing may make
    it look refused: an error while telling what was done (a terminal that cannot show a
    character, a closed pipe, a bug in a message) becomes one line saying that it was saved,
    and exit code 0."""

    @functools.wraps(fn)
    def guarded(*a: Any, **kw: Any) -> Any:
        try:
            return fn(*a, **kw)
        except LaporError as exc:
            refuse(exc)
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:
            # Not after a write, or a usage error (it carries its exit code): as it is. A bug
            # before anything was written keeps its traceback.
            if not state.written or hasattr(exc, "exit_code"):
                raise
            _saved_anyway(exc)

    return guarded


def _saved_anyway(exc: Exception) -> None:
    """The command's changes are in the register; only telling it failed."""
    detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
    try:
        sys.stderr.write(
            "Tersimpan di register, tetapi hasilnya tidak dapat ditampilkan "
            f"({detail}). Periksa dengan `lapor daftar` atau `lapor lihat NOMOR`.\n"
        )
        sys.stderr.flush()
    except (OSError, ValueError):  # stderr itself is gone: the exit code still says saved
        pass


# Plain parameter values without pydantic.
#
# Newer Typer (0.29 here; 0.26 has no ``typer._coercion``) converts every value given to a
# parameter through a pydantic ``TypeAdapter``, built when the parameter first gets a value
# (``typer.core.build_runtime_param``, which ``_TyperParameter.get_runtime_param`` calls).
# Importing pydantic for that was the largest part of a command's start-up (~60 ms here) and
# buys nothing for our parameters: they are all ``str``, ``int``, ``bool``, ``Path`` or a list
# of them. Typer has no public hook for this, so that one name is wrapped here, in this one
# place: a parameter of a plain type (``str``, ``int``, ``float``, ``bool``, ``Path``, a
# ``list`` of one of them; optional or not) with no parser, range, choices or path checks gets
# the converter below, in plain Python. It gives Typer's own results for the values it
# recognises (``"3"``, ``"-3"``, ``"yes"``, any text, a path) and hands every other value (a
# word for a number, ``"3_000"``, an existing unreadable file) to Typer's own converter, built
# only then: a wrong value keeps Typer's exact error (a usage error, exit code 2, shown in
# Indonesian by ``usage.py``). Every other parameter is Typer's from the start. On a Typer
# without ``typer._coercion`` or ``typer.core.build_runtime_param`` (older ones convert with
# Click's types and never import pydantic) this does nothing; no Typer version is pinned.
# What of Typer's internals it relies on: the module-level name
# ``typer.core.build_runtime_param(descriptor)``; the descriptor's ``annotation``,
# ``parameter_info`` and ``file_annotation``; that its result is only asked to
# ``coerce(value, param=, ctx=)``; the parameter's ``multiple`` and ``nargs``.
# ``test_cli_startup.py`` checks the results against Typer's own converter.

_MISS = object()  # "not a value the plain converter is sure of": Typer's converter decides
_INT = re.compile(r"[+-]?[0-9]{1,18}")
_FLOAT = re.compile(r"[+-]?[0-9]{1,15}(?:\.[0-9]{1,15})?(?:[eE][+-]?[0-9]{1,2})?")
_BOOLS = {
    **dict.fromkeys(("1", "on", "t", "true", "y", "yes"), True),
    **dict.fromkeys(("0", "off", "f", "false", "n", "no"), False),
}


def _plain_str(value: Any) -> Any:
    return value if type(value) is str else _MISS


def _plain_int(value: Any) -> Any:
    if type(value) is int:
        return value
    if type(value) is str and _INT.fullmatch(value):
        return int(value)
    return _MISS


def _plain_float(value: Any) -> Any:
    if type(value) is float:
        return value
    if type(value) is str and _FLOAT.fullmatch(value):
        return float(value)
    return _MISS


def _plain_bool(value: Any) -> Any:
    if type(value) is bool:
        return value
    if type(value) is str:
        return _BOOLS.get(value.lower(), _MISS)
    return _MISS


def _plain_path(value: Any) -> Any:
    # Typer: the value as a Path; an existing one must be readable (its default ``readable``)
    if isinstance(value, Path):
        path = value
    elif type(value) is str and "\0" not in value:
        path = Path(value)
    else:
        return _MISS
    try:
        os.stat(path)
    except OSError:
        return path
    return path if os.access(path, os.R_OK) else _MISS


_PLAIN = {str: _plain_str, int: _plain_int, float: _plain_float, bool: _plain_bool}
#: Typer's path settings that make it check more than "readable if it exists"
_PATH_DEFAULTS = {
    "exists": False,
    "file_okay": True,
    "dir_okay": True,
    "writable": False,
    "readable": True,
    "resolve_path": False,
    "allow_dash": False,
    "path_type": None,
}


def _plain_converter(descriptor: Any) -> tuple[Callable[[Any], Any], bool] | None:
    """The plain converter of a parameter and whether it takes a list, or None when the
    parameter is not plain (then Typer converts it)."""
    annotation = descriptor.annotation
    info = descriptor.parameter_info
    if descriptor.file_annotation is not None or getattr(info, "parser", None) is not None:
        return None
    if getattr(info, "click_type", None) is not None:
        return None
    if getattr(info, "min", None) is not None or getattr(info, "max", None) is not None:
        return None
    many = getattr(annotation, "__origin__", None) is list
    if many:
        args = getattr(annotation, "__args__", ())
        if len(args) != 1 or args[0] is bool:
            return None
        annotation = args[0]
    if annotation is Path:
        if any(getattr(info, k, v) != v for k, v in _PATH_DEFAULTS.items()):
            return None
        return _plain_path, many
    if annotation in _PLAIN:
        return _PLAIN[annotation], many
    return None


class _PlainParam:
    """In place of Typer's runtime parameter (its ``coerce``) for a plain parameter."""

    def __init__(self, descriptor: Any, convert: Callable, many: bool, typers: Callable):
        self.descriptor, self.convert, self.many = descriptor, convert, many
        self._build_typers = typers
        self._typers: Any = None

    def typers(self) -> Any:
        """Typer's own converter of this parameter (imports pydantic)."""
        if self._typers is None:
            self._typers = self._build_typers(self.descriptor)
        return self._typers

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        several = bool(param.multiple or param.nargs == -1)
        if value is None:  # as Typer: no value
            return () if several else None
        if several == self.many:
            if not self.many:
                converted = self.convert(value)
                if converted is not _MISS:
                    return converted
            elif isinstance(value, list | tuple):
                items = [self.convert(item) for item in value]
                if not any(item is _MISS for item in items):
                    return items
        return self.typers().coerce(value, param=param, ctx=ctx)


def _convert_plain_values_without_pydantic() -> None:
    """Wrap Typer's ``typer.core.build_runtime_param`` (see above); idempotent."""
    import typer.core

    original = getattr(typer.core, "build_runtime_param", None)
    if original is None or not hasattr(typer, "_coercion") or hasattr(original, "typers"):
        return

    def build_runtime_param(descriptor: Any) -> Any:
        plain = _plain_converter(descriptor)
        if plain is None:
            return original(descriptor)
        return _PlainParam(descriptor, plain[0], plain[1], original)

    build_runtime_param.typers = original  # type: ignore[attr-defined]
    typer.core.build_runtime_param = build_runtime_param


_convert_plain_values_without_pydantic()


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
            @functools.wraps(fn)
            def fresh(*a: Any, **kw: Any) -> Any:
                state.start()  # a callback runs before its commands: nothing written yet
                return fn(*a, **kw)

            register(_guarded(fresh))
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
    #: Set once this invocation's write transaction is committed (see ``_guarded``).
    written: bool = False
    #: Whether the warning about a password in ``--db`` was given in this invocation.
    db_warned: bool = False

    def start(self) -> None:
        """A new invocation (the callbacks run first): nothing written, nothing warned."""
        self.written = False
        self.db_warned = False


state = State()


def location() -> str:
    from lapor_cli.register_file import resolve_location
    from lapor_cli.resources import app_dir

    if state.demo:
        return str(app_dir() / "demo.db")
    # --db typed on the command line (its value is not LAPOR_DB's, where --db also reads)
    if state.db and state.db != os.environ.get("LAPOR_DB") and not state.db_warned:
        state.db_warned = True
        warn_password_in_argument("--db", state.db)
    return resolve_location(state.db)


def has_password(url: str) -> bool:
    """Whether a register URL carries a password (``postgresql+psycopg://u:SANDI@host/db``)."""
    from lapor_cli.register_file import is_url

    if not is_url(url):
        return False
    import sqlalchemy as sa

    try:
        return bool(sa.engine.make_url(url).password)
    except (sa.exc.ArgumentError, ValueError):
        return False


def warn_password_in_argument(option: str, url: str) -> None:
    """A password typed into an argument is visible in the process list to every user of the
    computer while the command runs: say so, and where it belongs instead (one line)."""
    if not has_password(url):
        return
    from lapor_cli.console import warn

    instead = "kata sandinya"
    if option == "--db":
        instead = "alamat register di LAPOR_DB, atau kata sandinya"
    warn(
        f"kata sandi di {option} terlihat oleh pengguna lain komputer ini (daftar proses) "
        f"selama perintah berjalan. Taruh {instead} di ~/.pgpass atau PGPASSWORD, "
        f"bukan di {option}."
    )


def now_for(zone: str) -> datetime:
    """The time commands run at: the office clock, or ``LAPOR_WAKTU`` when a test fixes it."""
    fixed = os.environ.get("LAPOR_WAKTU")
    if fixed:
        from lapor_cli.dates import parse_datetime

        return parse_datetime("LAPOR_WAKTU", fixed)
    from lapor_cli.settings import office_now

    return office_now(zone)


def office_clock() -> datetime:
    """The "now" of a command that does not open the register in a transaction (``cadangan``):
    the office clock of the register's zone, the default zone when it cannot be read."""
    from lapor_cli.settings import DEFAULT_SETTINGS

    try:
        with opened(write=False) as ctx:
            return ctx.now
    except LaporError:
        return now_for(DEFAULT_SETTINGS["zona_waktu"])


def default_officer() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name on this machine
        return "petugas"


def officer(petugas: str | None) -> str:
    """Who a history entry names: --petugas / LAPOR_PETUGAS, else the computer's user; a
    name with control or invisible characters is refused."""
    from lapor_cli.validation import clean_text

    return clean_text("petugas", petugas or default_officer()) or "petugas"


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
    from lapor_cli.db import open_register
    from lapor_cli.settings import get_settings

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
        if write:
            state.written = True  # committed: from here on nothing may look like a refusal
    finally:
        register.engine.dispose()


@dataclass
class ReadContext:
    """What a command that goes through the driver has: the register's reader (which also
    writes, opened by :func:`writing`), settings and the time."""

    db: Reader
    settings: dict[str, str]
    now: datetime


@contextmanager
def reading() -> Iterator[ReadContext]:
    """Open the register for a command that only reads (``lihat``, ``daftar``, ``sla``).

    An up-to-date register file is read through ``sqlite3`` alone, in one snapshot: no
    SQLAlchemy, no SQLModel (``sqlread``). Anything else — a server, a register to migrate,
    one that does not exist yet, a file that is none — is opened the full way (:func:`opened`,
    which migrates, answers from an empty register or refuses with the reason) and read
    through its session's connection: the same reads, the same answers."""
    from lapor_cli.sqlread import open_reader

    with _through_driver(open_reader, write=False) as ctx:
        yield ctx


@contextmanager
def writing() -> Iterator[ReadContext]:
    """Open the register for one write transaction through its driver (the bulk import):
    an up-to-date register file is written through ``sqlite3`` alone, under its write lock
    (``sqlread.open_writer``), and committed when the block ends without an error. Anything
    else is opened the full way (:func:`opened`) and written through its session's
    connection: the same statements, the same rows."""
    from lapor_cli.sqlread import open_writer

    with _through_driver(open_writer, write=True) as ctx:
        yield ctx


@contextmanager
def _through_driver(
    open_file: Callable[[str], Reader | None], *, write: bool
) -> Iterator[ReadContext]:
    """:func:`reading` or :func:`writing`: the file through ``open_file``, else the full way.
    A driver's error (the file locked too long, damaged, full) is refused in the register's
    words (``db.translate_db_errors``, imported only then)."""
    from lapor_cli.settings import get_settings
    from lapor_cli.sqlread import Reader

    where = location()
    with _driver_errors(where):
        db = open_file(where)
    if db is None:
        with opened(write=write) as ctx:
            yield ReadContext(Reader.of(ctx.session), ctx.settings, ctx.now)
        return
    try:
        with _driver_errors(where):
            settings = get_settings(db)
            yield ReadContext(db, settings, now_for(settings["zona_waktu"]))
            if write:
                db.commit()
                state.written = True  # committed: from here on nothing may look like a refusal
    finally:
        db.close()


@contextmanager
def _driver_errors(where: str) -> Iterator[None]:
    try:
        yield
    except sqlite3.DatabaseError:
        from lapor_cli.db import translate_db_errors  # the refusals live there

        with translate_db_errors(where):
            raise


def interactive() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


#: An option's value that means "read it from standard input" (``--nik -``).
FROM_STDIN = "-"


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def read_from_stdin(values: dict[str, str | None], labels: dict[str, str]) -> list[str | None]:
    """``values`` (option name → value as given), with every ``-`` replaced by a value read
    from standard input, so that a NIK or a phone number need not be an argument, which every
    user of the computer can read in the process list while the command runs.

    On a terminal each is asked for; in a script each ``-`` takes the next line of standard
    input, in the order of ``values``. An empty or missing line is refused, naming the option.
    """
    wanted = [name for name, value in values.items() if value == FROM_STDIN]
    order = ", ".join(f"--{name}" for name in wanted)
    read: dict[str, str | None] = dict(values)
    for name in wanted:
        if stdin_is_terminal():
            text = typer.prompt(labels[name], err=True, default="", show_default=False)
        else:
            text = sys.stdin.readline()
        if not text.strip():
            raise ValidationError(
                name,
                f"--{name} -: tidak ada {labels[name]} di masukan standar. Kirim satu baris "
                f"untuk setiap opsi bernilai '-', urut {order}.",
            )
        read[name] = text.strip()
    return list(read.values())


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


PadaOpt = Annotated[
    str | None,
    typer.Option(
        "--pada",
        metavar="WAKTU",
        help="Kapan langkah ini sebenarnya terjadi, bila dicatat belakangan: 2026-11-20 15:30, "
        "20/11/2026 atau 2026-11-20 (akhir hari itu). Tidak boleh di masa depan atau sebelum "
        "langkah sebelumnya; batas waktu dan tepat waktu dinilai pada waktu ini "
        "(bawaan: sekarang).",
        show_default=False,
    ),
]


def tell_step(handled: Handled, json: bool, tail: str = "") -> None:
    """What an SOP command prints after its step: the case (``--json``), or one line —
    "Diverifikasi: NOMOR diterima → terverifikasi" (with when it happened, if given, and
    ``tail``) — and the number on stdout."""
    from lapor_cli.console import console, emit_json, literal, message, styled, tanggal
    from lapor_cli.workflow import ACTION_LABEL

    if json:
        emit_json(handled.view)
        return
    step, nomor = handled.step, handled.view["nomor"]
    label = ACTION_LABEL.get(step.aksi, step.aksi)
    if handled.pada is not None:
        tail = f", pada {tanggal(handled.pada, with_day=True, time=True)}{tail}"
    if step.dari != step.ke:
        message(styled(f"{label}: {nomor} ", (step.dari, "dim"), " → ", (step.ke, "bold"), tail))
    else:
        message(styled(f"{label}: {nomor} (", (step.ke, "bold"), f"){tail}"))
    console.print(literal(nomor))
