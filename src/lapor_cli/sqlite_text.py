"""Text a SQLite file holds that is not valid UTF-8: read it anyway, visibly marked.

SQLite stores whatever bytes it is given as text; Python's ``sqlite3`` refuses to decode
invalid UTF-8 ("Could not decode to UTF-8 column …") and the whole query fails. A register
damaged that way (a bit flip, a tool writing bytes straight into it) must still be checked
(``periksa`` names what is damaged) and shown (``lihat`` shows the rest): reads that meet such
text are done again with :func:`decode_text`, which replaces the bad bytes with U+FFFD and
marks the value as :class:`DamagedText`. A server's register cannot hold such text.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["DamagedText", "decode_text", "is_decode_error", "tolerant_text"]


class DamagedText(str):
    """Text that was not valid UTF-8 in the register; its bad bytes are shown as U+FFFD."""

    __slots__ = ()


def decode_text(raw: bytes) -> str:
    """A ``sqlite3`` text factory: UTF-8, or the damaged text marked."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return DamagedText(raw.decode("utf-8", "replace"))


def is_decode_error(exc: BaseException) -> bool:
    """Is ``exc`` (sqlite3's, or SQLAlchemy's wrapping it) a failure to decode stored text?"""
    orig = getattr(exc, "orig", None) or exc
    return "could not decode to utf-8" in str(orig).lower()


@contextmanager
def tolerant_text(driver_connection: object) -> Iterator[None]:
    """Within the block, ``driver_connection`` (a ``sqlite3.Connection``; anything else is
    left alone) reads invalid UTF-8 as :class:`DamagedText` instead of failing."""
    import sqlite3

    if not isinstance(driver_connection, sqlite3.Connection):
        yield
        return
    before = driver_connection.text_factory
    driver_connection.text_factory = decode_text
    try:
        yield
    finally:
        driver_connection.text_factory = before
