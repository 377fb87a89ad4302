"""The one Rich console for data (stdout) and one for messages and progress (stderr)."""

from __future__ import annotations

import itertools
import json
import os
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

# The date words live in the pure module; imported from here by the screens.
from lapor_cli.indonesian import BULAN as BULAN
from lapor_cli.indonesian import HARI as HARI
from lapor_cli.indonesian import tanggal as tanggal

if TYPE_CHECKING:
    from rich.console import Console


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
            self._real = Console(stderr=self._stderr, highlight=False, width=width)
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


def message(text: str) -> None:
    """A one-line message for the person at the desk, on stderr."""
    err_console.print(text, soft_wrap=True)


def warn(text: str) -> None:
    err_console.print(f"[yellow]Peringatan:[/] {text}", soft_wrap=True)
