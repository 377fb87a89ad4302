"""Click's own words in Indonesian: usage errors (exit 2) and the frame of the help pages.

Click, inside Typer, writes an English usage block ("Usage: … Error: No such option") and
English help headings ("Options", "Show this message and exit."). Our users are not
programmers: a wrong option gets one Indonesian line naming the option and what was probably
meant, and the help command to run; help pages say "Cara pakai", "Opsi", "Perintah". Only the
rendering changes; the parsing, the exceptions and the exit code 2 stay Click's.

Public API only, so that it works whether Typer brings Click as the separate ``click`` package
(older Typer) or carries its own copy (newer Typer): Click's classes are reached through public
Typer objects (``typer.BadParameter`` is Click's ``BadParameter``, whose documented bases are
``UsageError`` and ``ClickException``; ``typer.Context.formatter_class`` is Click's
``HelpFormatter``), and the kind of a usage error is read from its documented class names and
attributes. ``LaporTyper`` (``_app.py``) builds its groups and commands with the classes below
(Typer's documented ``cls=``): their contexts make Indonesian help pages, and a usage error
that leaves the root group is given the Indonesian ``show`` Click's ``main`` then calls.
"""

from __future__ import annotations

import functools
import re
import sys
from typing import IO, Any

import typer
from typer.core import TyperCommand, TyperGroup


def _exception_class(name: str) -> type:
    """Click's exception class ``name`` among ``typer.BadParameter``'s bases."""
    for cls in typer.BadParameter.__mro__:
        if cls.__name__ == name:
            return cls
    raise LookupError(f"{name} is not a base of typer.BadParameter")  # pragma: no cover


#: Click's ``UsageError`` (exit code 2), whichever Click Typer runs on.
UsageError: Any = _exception_class("UsageError")


def _is(error: BaseException, kind: str) -> bool:
    """Whether ``error`` is a Click ``kind`` (``NoSuchOption``, ``BadParameter``, …)."""
    return any(cls.__name__ == kind for cls in type(error).__mro__)


PREFIX = "Cara pakai salah: "


def _hint(error: Any) -> str:
    if error.param_hint is not None:
        hints = [error.param_hint] if isinstance(error.param_hint, str) else error.param_hint
        return " / ".join(hints)
    if error.param is not None:
        opts = getattr(error.param, "opts", None) or []
        if getattr(error.param, "param_type_name", "") == "argument":
            return str(getattr(error.param, "metavar", None) or error.param.name or "").upper()
        return " / ".join(opts) or str(error.param.name)
    return "nilai"


#: Typer's own conversion messages (English) → what the value must be. Newer Typer converts
#: with pydantic ("Input should be a valid integer"), older Typer with Click's types ("'lima'
#: is not a valid integer." or "… int.").
_CONVERSIONS = (
    (r"Input should be a valid integer|.+ is not a valid int(?:eger)?\.", "harus bilangan bulat"),
    (r"Input should be a valid number|.+ is not a valid float\.", "harus angka"),
    (r"Input should be a valid boolean|.+ is not a valid boolean\.", "harus ya/tidak"),
    (r"Input should be a valid date", "harus tanggal"),
)
_OTHER_CONVERSION = r"Input should be|.+ is not a valid "


def _bad_value(error: Any) -> str:
    hint = _hint(error)
    for english, wanted in _CONVERSIONS:
        if re.match(english, error.message):
            return f"{hint} {wanted}."
    if re.match(_OTHER_CONVERSION, error.message):
        return f"nilai {hint} tidak sah ({error.message})."
    return f"{hint}: {error.message}"  # our own BadParameter messages are Indonesian


def indonesian(error: Any) -> str:
    """The one-line Indonesian text of a Click usage error."""
    if _is(error, "NoSuchOption"):
        text = f"opsi {error.option_name} tidak dikenal"
        if error.possibilities:
            text += f"; mungkin maksud Anda {', '.join(sorted(error.possibilities))}"
        return text + "."
    if _is(error, "MissingParameter"):
        return f"{_hint(error)} wajib diisi."
    if _is(error, "BadParameter"):
        return _bad_value(error)
    if _is(error, "BadOptionUsage") and "requires an argument" in error.message:
        return f"opsi {error.option_name} perlu nilai."
    message = error.message
    if match := re.match(r"No such command '(.*?)'\.?(?: Did you mean (.*)\?)?$", message):
        text = f"perintah {match[1]!r} tidak ada"
        if match[2]:
            text += f"; mungkin maksud Anda {match[2]}"
        return text + "."
    if match := re.match(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", message):
        return f"isian berlebih: {match[1]} (teks berspasi harus diapit tanda kutip)."
    return message


def show(error: Any, file: IO[Any] | None = None) -> None:
    """In place of ``UsageError.show``: one Indonesian line, then where help is."""
    out = file or sys.stderr
    command = error.ctx.command_path if error.ctx is not None else "lapor"
    try:
        text = indonesian(error)
    except Exception:  # a rendering slip must not hide the user's mistake
        text = error.format_message()
    out.write(f"{PREFIX}{text}\nBantuan: {command} --help\n")
    out.flush()


HEADINGS = {"Options": "Opsi", "Commands": "Perintah", "Arguments": "Argumen"}
#: Click's and Typer's help texts → Indonesian (whole texts, or bracketed notes' parts).
TEXTS = (
    ("Show this message and exit.", "Tampilkan bantuan ini lalu keluar."),
    ("Install completion for the current shell.", "Pasang pelengkapan Tab untuk shell ini."),
    (
        "Show completion for the current shell, to copy it or customize the installation.",
        "Tampilkan skrip pelengkapan Tab untuk shell ini (untuk disalin atau disesuaikan).",
    ),
    ("[env var: ", "[variabel lingkungan: "),
    ("; env var: ", "; variabel lingkungan: "),
    ("[default: ", "[bawaan: "),
    ("; default: ", "; bawaan: "),
    ("[required]", "[wajib]"),
    ("; required]", "; wajib]"),
)


def _indonesian_text(text: str) -> str:
    for english, ours in TEXTS:
        text = text.replace(english, ours)
    return text


#: Click's help formatter (the documented default of ``Context.formatter_class``).
HelpFormatter: Any = typer.Context.formatter_class


class IndonesianHelpFormatter(HelpFormatter):
    """Click's help formatter with Indonesian headings and help texts."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "Cara pakai: " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(HEADINGS.get(heading, heading))

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = [(term, _indonesian_text(text)) for term, text in rows]
        super().write_dl(rows, col_max, col_spacing)


class IndonesianContext(typer.Context):
    """A context whose help pages are formatted in Indonesian."""

    formatter_class = IndonesianHelpFormatter


def _say_in_indonesian(error: BaseException) -> None:
    """Give a usage error the Indonesian ``show``, unless its kind shows itself in its own way
    (Click's "no arguments: here is the help" is a usage error that prints the help page)."""
    if isinstance(error, UsageError) and type(error).show is UsageError.show:
        error.show = functools.partial(show, error)  # type: ignore[attr-defined]


class IndonesianGroup(TyperGroup):
    """A Typer group with Indonesian help pages and usage errors. Every usage error of a run
    leaves the root group's ``make_context`` (its own options) or ``invoke`` (everything
    below it) before Click's ``main`` shows it."""

    context_class = IndonesianContext

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except Exception as error:
            _say_in_indonesian(error)
            raise

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as error:
            _say_in_indonesian(error)
            raise


class IndonesianCommand(TyperCommand):
    """A Typer command with Indonesian help pages."""

    context_class = IndonesianContext
