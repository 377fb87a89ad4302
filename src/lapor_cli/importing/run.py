"""One import as ``lapor impor`` runs it (:func:`run_import`): the desk is chosen first, then
a small file is checked without the register's write lock and written after; a large one
(``PARALLEL_FROM_BYTES``) is checked in a second process while this one writes
(:mod:`.parallel`).

The register is opened through the ``opened`` the caller passes (the CLI's own: it knows where
the register is and what time it is), once to read, once more to write or preview. A large
file is written through ``writing`` when the caller passes it: the register file opened for
one write through its driver alone, without SQLAlchemy (``sqlread.open_writer``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from lapor_cli.importing.checks import check_file
from lapor_cli.importing.parallel import import_parallel, start_check
from lapor_cli.importing.results import ImportRefused, ImportResult, Progress
from lapor_cli.importing.writing import preview, write_checked

if TYPE_CHECKING:
    from sqlmodel import Session

    from lapor_cli.sqlread import Reader

#: Files from this size on are checked in a second process while this one writes
#: (:func:`import_parallel`); smaller ones are checked first, then written, in one process.
PARALLEL_FROM_BYTES = 1024 * 1024


class Opened(Protocol):
    """An open register: one transaction's session, the register's settings, and "now"."""

    session: Session
    settings: dict[str, str]
    now: datetime


class Opener(Protocol):
    """``opened(write=…)``: the register, opened for one transaction (committed when the
    block ends without an error)."""

    def __call__(self, *, write: bool) -> AbstractContextManager[Opened]: ...


class Written(Protocol):
    """An open register's write transaction through its driver: the reader that writes, the
    register's settings, and "now"."""

    db: Reader
    settings: dict[str, str]
    now: datetime


#: ``writing()``: the register opened for one write transaction through its driver (committed
#: when the block ends without an error).
Writing = Callable[[], AbstractContextManager[Written]]


def file_size(path: Path) -> int:
    """``path``'s size in bytes; 0 when it cannot be read (the check says why)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def run_import(
    path: Path,
    *,
    opened: Opener,
    petugas: str,
    meja: str | None = None,
    uji: bool = False,
    lama: bool = False,
    perbarui: bool = False,
    progress: Progress | None = None,
    clock: Callable[[], tuple[str, datetime]] | None = None,
    writing: Writing | None = None,
) -> ImportResult:
    """Import ``path`` for desk ``meja`` (None: the register's only desk) as recorded by
        ``petugas``; with ``uji`` only tell what an import would do; ``lama`` confirms the old
        receipt dates of the whole file (an earlier year, or more than 30 days ago); ``perbarui``
    applies the changed rows of forms imported before as ``ubah`` corrections, the file's name the
    reason (checked first and written after, never the large way: each is one correction).

        A file with bad rows is not raised but returned: its result lists them in ``galat`` and
        nothing was written. Anything else that stops the import (no such file, an unknown desk,
        a file that is not CSV/XLSX) raises a :class:`~lapor_cli.errors.LaporError`.

    ``clock``: (a guess of the register's time zone, its clock), cheap to tell before the
    register is opened; with it a large file's check starts at once, while the register is
    being opened (:func:`~lapor_cli.importing.parallel.start_check`)."""
    with _no_cyclic_gc():
        return _run_import(
            path,
            opened=opened,
            petugas=petugas,
            meja=meja,
            uji=uji,
            lama=lama,
            perbarui=perbarui,
            progress=progress,
            clock=clock,
            writing=writing,
        )


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Python's cycle collector off while an import runs (and in its checking process): each
    pass walks every object alive, and an import keeps a key per row alive, so on a large
    file the passes cost more than a tenth of the time. An import makes no cycles worth
    collecting; reference counting frees its rows as before."""
    import gc

    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _run_import(
    path: Path,
    *,
    opened: Opener,
    petugas: str,
    meja: str | None,
    uji: bool,
    lama: bool,
    perbarui: bool,
    progress: Progress | None,
    clock: Callable[[], tuple[str, datetime]] | None,
    writing: Writing | None,
) -> ImportResult:
    if clock is not None and not uji and not perbarui and file_size(path) >= PARALLEL_FROM_BYTES:
        return _import_large(
            path,
            opened=opened,
            petugas=petugas,
            meja=meja,
            lama=lama,
            progress=progress,
            clock=clock,
            writing=writing,
        )
    from lapor_cli.desks import desk_for_write, find_desk

    # The register's clock and the desk (refused before a long check, not after).
    with opened(write=False) as ctx:
        now = ctx.now
        kode = desk_for_write(ctx.session, meja).kode
    if not uji and not perbarui and file_size(path) >= PARALLEL_FROM_BYTES:
        # A large file: checked in a second process while this one writes, under the lock.
        try:
            with opened(write=True) as ctx:
                return import_parallel(
                    ctx.session,
                    path,
                    now=ctx.now,
                    petugas=petugas,
                    lama=lama,
                    settings=ctx.settings,
                    desk=find_desk(ctx.session, kode),
                    progress=progress,
                )
        except ImportRefused as refused:
            if refused.result is None:
                raise
            return refused.result
    # A small file: checked first, without the lock, then written.
    checked = check_file(path, now=now, petugas=petugas, lama=lama, progress=progress)
    try:
        if checked.errors:
            return ImportResult(
                galat=checked.errors,
                peringatan=checked.warnings,
                baris=checked.rows,
                uji=uji,
                header_row=checked.header_row,
                baris_bermasalah=checked.bad_rows,
            )
        if uji:
            with opened(write=False) as ctx:
                return preview(
                    ctx.session,
                    checked,
                    find_desk(ctx.session, kode),
                    perbarui=perbarui,
                    now=ctx.now,
                    source=path.name,
                    lama=lama,
                )
        with opened(write=True) as ctx:
            return write_checked(
                ctx.session,
                checked,
                now=ctx.now,
                settings=ctx.settings,
                desk=find_desk(ctx.session, kode),
                progress=progress,
                perbarui=perbarui,
                source=path.name,
                lama=lama,
            )
    except ImportRefused as refused:  # a changed row's correction refused: nothing written
        if refused.result is None:
            raise
        return refused.result
    finally:
        checked.close()


def _import_large(
    path: Path,
    *,
    opened: Opener,
    petugas: str,
    meja: str | None,
    lama: bool,
    progress: Progress | None,
    clock: Callable[[], tuple[str, datetime]],
    writing: Writing | None,
) -> ImportResult:
    """A large file, its check started before the register is opened; the desk is chosen in
    the write transaction (a refusal ends the check at once)."""
    zone, now = clock()
    started = start_check(path, now=now, zone=zone, petugas=petugas, lama=lama)
    try:
        from lapor_cli.desks import desk_for_write

        with _written(opened, writing) as ctx:
            return import_parallel(
                ctx.db,
                path,
                now=ctx.now,
                petugas=petugas,
                lama=lama,
                settings=ctx.settings,
                desk=desk_for_write(ctx.db, meja),
                progress=progress,
                started=started,
            )
    except ImportRefused as refused:
        if refused.result is None:
            raise
        return refused.result
    finally:
        started.stop()


@contextmanager
def _written(opened: Opener, writing: Writing | None) -> Iterator[Written]:
    """The write transaction: through ``writing`` if given, else a session's (its reader)."""
    if writing is not None:
        with writing() as ctx:
            yield ctx
        return
    from lapor_cli.sqlread import Reader

    with opened(write=True) as session_ctx:
        yield _SessionWritten(Reader.of(session_ctx.session), session_ctx.settings, session_ctx.now)


class _SessionWritten:
    """:class:`Written` of a session's transaction."""

    def __init__(self, db: Reader, settings: dict[str, str], now: datetime) -> None:
        self.db, self.settings, self.now = db, settings, now
