"""Writing a file the user named (a monev workbook, the import template, a backup): atomically
and privately, beside its target (:func:`replacing`).

- The target is refused (:func:`target_problem`) if it is a symbolic link, even with
  ``--timpa``: writing through a link planted in a shared folder would put a workbook of
  identities wherever the link points. The user removes the link or names another file.
  Something that is not a regular file, or an existing file without ``--timpa``, is refused
  too.
- The content is written to a new file in the target's folder with a name nobody can guess,
  created exclusively and owner-only (``tempfile.mkstemp``: ``O_CREAT | O_EXCL``, mode 0600,
  as the register itself): no link planted at a predictable name is followed. Once complete
  it is flushed to disk and renamed over the target (``os.replace``: atomic, and it replaces a
  link at the name instead of following it; the target is checked again just before). A
  failure (a full disk) leaves no partial file and an older file under that name as it was.

The caller writes through the open file (``partial.file``) where it can, or by its path
(SQLite's backup opens it by name).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from lapor_cli.errors import ValidationError

__all__ = ["NotReplaced", "Partial", "replacing", "target_problem"]


def target_problem(path: Path, *, overwrite: bool) -> str | None:
    """Why a new file may not be written at ``path``: a symbolic link (never written
    through), something that is not a regular file, an existing file without ``overwrite``."""
    if path.is_symlink():
        return (
            f"{path} adalah tautan simbolik (ke {os.readlink(path)}); lapor-cli tidak menulis "
            "melalui tautan, juga dengan --timpa. Hapus tautannya atau pilih nama berkas lain."
        )
    if path.exists() and not path.is_file():
        return f"{path} bukan berkas biasa (folder atau perangkat); pilih nama berkas lain."
    if path.exists() and not overwrite:
        return f"{path} sudah ada; pilih nama lain atau tambahkan --timpa."
    return None


class NotReplaced(OSError):
    """The complete file could not be renamed over its target (on Windows: the target is
    open in another program)."""


@dataclass(frozen=True)
class Partial:
    """The new file beside the target, open for writing."""

    path: Path
    file: BinaryIO


@contextmanager
def replacing(target: Path, *, overwrite: bool, field: str) -> Iterator[Partial]:
    """A new, empty, owner-only file with an unguessable name beside ``target``, for the
    block to write; when the block ends it is flushed to disk and renamed over ``target``,
    and if the block (or the rename) fails it is removed.

    A target refused by :func:`target_problem` raises :class:`ValidationError` (``field``
    named), before and again just before the rename. An ``OSError`` of the file system is
    the caller's to explain; the rename's is a :class:`NotReplaced`."""
    problem = target_problem(target, overwrite=overwrite)
    if problem:
        raise ValidationError(field, problem)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:80]}.", suffix=".tmp")
    partial = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield Partial(partial, handle)
            handle.flush()
            os.fsync(handle.fileno())
        problem = target_problem(target, overwrite=overwrite)  # anything new meanwhile
        if problem:
            raise ValidationError(field, problem)
        try:
            os.replace(partial, target)
        except OSError as exc:
            raise NotReplaced(exc.errno, exc.strerror, str(target)) from None
    finally:
        partial.unlink(missing_ok=True)
