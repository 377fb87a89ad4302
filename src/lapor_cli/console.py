"""The one Rich console for data (stdout) and one for messages and progress (stderr).

Nothing printed is read as Rich markup or emoji codes: both consoles are made with
``markup=False, emoji=False``, so a name, a note or an office name that a user typed —
``[/]``, ``[link=…]``, ``:warning:`` — is shown exactly as typed, in messages, tables and
progress bars alike, and can never make a command fail after it has written. Style is given
as data, never as markup: ``styled("Kasus dicatat: ", (nomor, "bold"))``, ``Text(value,
style=…)``, a column's ``style=``. Stored text goes through :func:`literal` (or ``message``
and ``warn``, which use it), which also makes control and invisible formatting characters
of older registers visible instead of letting them act on the terminal.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

# The date words live in the pure module; imported from here by the screens.
from lapor_cli.indonesian import BULAN as BULAN
from lapor_cli.indonesian import HARI as HARI
from lapor_cli.indonesian import tanggal as tanggal

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    #: A part of :func:`styled`: literal text, or literal text with a Rich style.
    Part = str | Text | tuple[str, str]


class _LazyConsole:
    """A Rich console made on first use: ``lapor --help`` never pays for importing Rich."""

    def __init__(self, *, stderr: bool) -> None:
        self._stderr = stderr
        self._real: Console | None = None

    def real(self) -> Console:
        """The Rich console itself, for what needs the object (a progress bar enters it as a
        context manager, which a stand-in forwarding attributes cannot be)."""
        if self._real is None:
            from rich.console import Console

            lebar = os.environ.get("LAPOR_LEBAR", "")
            width = int(lebar) if lebar.isdigit() else None
            self._real = Console(
                stderr=self._stderr, highlight=False, markup=False, emoji=False, width=width
            )
        return self._real

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real(), name)


console: Console = _LazyConsole(stderr=False)  # type: ignore[assignment]
err_console: Console = _LazyConsole(stderr=True)  # type: ignore[assignment]


def emit_json_list(items: Iterable[object], chunk: int = 2_000) -> None:
    """A JSON list on stdout written ``chunk`` items at a time (the C encoder per chunk), so
    that a list of 400,000 cases never exists twice in memory, as dicts and as one string."""
    if sys.stdout.isatty():
        emit_json(list(items))
        return
    write = sys.stdout.write
    write("[")
    first = True
    for part in _batched(items, chunk):
        text = json.dumps(list(part), ensure_ascii=False, default=str)[1:-1]
        write(text if first else ", " + text)
        first = False
    write("]\n")
    sys.stdout.flush()


def emit_json_texts(
    texts: Iterable[str], items: Callable[[], Iterable[object]], chunk: int = 2_000
) -> None:
    """A JSON list on stdout of items already encoded as compact text (``json.dumps`` of
    each), written as :func:`emit_json_list` writes ``items()``; at a terminal, ``items()``
    indented for a person as it does."""
    if sys.stdout.isatty():
        emit_json(list(items()))
        return
    write = sys.stdout.write
    write("[")
    for i, part in enumerate(_batched(texts, chunk)):
        write((", " if i else "") + ", ".join(part))  # type: ignore[arg-type]
    write("]\n")
    sys.stdout.flush()


def _batched(items: Iterable[object], size: int) -> Iterator[tuple[object, ...]]:
    iterator = iter(items)
    while part := tuple(itertools.islice(iterator, size)):
        yield part


def emit_json(document: object) -> None:
    """Exactly one JSON document on stdout, nothing else: indented for a person at a terminal,
    compact for a script (the C encoder, several times faster on long lists)."""
    indent = 2 if sys.stdout.isatty() else None
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=indent, default=str) + "\n")
    sys.stdout.flush()


#: Characters that act on a terminal or on the text around them instead of being seen:
#: controls (Cc, but newline and tab), format characters (Cf: bidirectional overrides,
#: zero-width spaces, the BOM, …) and the line/paragraph separators (Zl, Zp). New input
#: refuses them (``validation.clean_text``); a register from before may still hold some.
_HIDDEN_CATEGORIES = frozenset(("Cc", "Cf", "Zl", "Zp"))


def visible(text: str) -> str:
    """``text`` with every control or invisible formatting character (newline and tab
    excepted) written as ``<U+202E>``: what is stored is shown, and does not act."""
    if text.isprintable():  # the usual case; isprintable() is False for every such character
        return text
    import unicodedata

    return "".join(
        f"<U+{ord(ch):04X}>"
        if ch not in "\n\t" and unicodedata.category(ch) in _HIDDEN_CATEGORIES
        else ch
        for ch in text
    )


def literal(value: object, style: str = "") -> Text:
    """A stored or typed value as a Rich ``Text``, shown exactly (see :func:`visible`)."""
    from rich.text import Text

    return Text(visible("-" if value is None else str(value)), style=style)


def styled(*parts: Part) -> Text:
    """One line of literal parts, some styled: ``styled("Ditutup: ", (nomor, "bold"))``.
    No part is read as markup; every part is shown as :func:`literal` shows it."""
    from rich.text import Text

    line = Text()
    for part in parts:
        if isinstance(part, tuple):
            line.append(visible(part[0]), style=part[1])
        elif isinstance(part, Text):
            line.append_text(part)
        else:
            line.append(visible(part))
    return line


def message(text: str | Text) -> None:
    """A message for the person at the desk, on stderr, shown exactly as given."""
    err_console.print(literal(text) if isinstance(text, str) else text, soft_wrap=True)


def warn(text: str | Text) -> None:
    """``Peringatan: …`` on stderr; ``text`` is shown exactly as given."""
    err_console.print(styled(("Peringatan:", "yellow"), " ", text), soft_wrap=True)
