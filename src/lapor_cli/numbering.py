"""Register numbers: ``DS-2026-00042``, per desk prefix per year, consecutive and never
given twice (the counter is bumped under the register's write lock)."""

from __future__ import annotations

from typing import Any

from lapor_cli.sqlread import Reader

__all__ = ["format_number", "reserve_numbers"]


def format_number(prefiks: str, tahun: int, urut: int) -> str:
    return f"{prefiks}-{tahun}-{urut:05d}"


def reserve_numbers(source: Any, prefiks: str, tahun: int, count: int = 1) -> int:
    """Reserve ``count`` consecutive register numbers of the year in one step (one for
    ``catat``, a block for the bulk import), under the write lock; returns the first ``urut``
    of the block. ``source``: the writing command's session, or a :class:`Reader` opened for
    writing (``sqlread.open_writer``)."""
    db = Reader.of(source)
    key = (prefiks, tahun)
    bumped = db.execute(
        "UPDATE nomor_urut SET terakhir = terakhir + ? WHERE prefiks = ? AND tahun = ?",
        (count, *key),
    )
    if bumped == 0:
        db.execute(
            "INSERT INTO nomor_urut (prefiks, tahun, terakhir) VALUES (?, ?, ?)", (*key, count)
        )
    last = db.scalar("SELECT terakhir FROM nomor_urut WHERE prefiks = ? AND tahun = ?", key)
    return last - count + 1
