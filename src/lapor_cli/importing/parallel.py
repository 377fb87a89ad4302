"""Checking while writing, for a large file: the check of :mod:`.checks` runs in a second
process and sends its good rows, prepared as far as they can be without the register
(:func:`lapor_cli.new_case_rows.prepare_case`), while this process writes them (:class:`.Writer`)
in the caller's one write transaction; the first bad row rolls the transaction back. Two cores,
about half the time. A chunk the writer would wait for goes unprepared, and the writer
prepares it itself (the two processes share that work as the machine allows). ``lapor impor``
starts the check even before it opens the register (:func:`start_check`): the check then
overlaps its start-up too.

The second process starts by ``START_METHOD``: a fork where that is safe, else a fresh
interpreter ("spawn"), which finds :func:`_check_worker` and everything it is sent by import.
"""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from lapor_cli.errors import LaporError
from lapor_cli.importing.checks import Checked, GoodRow, check_into, packed_row, row_key
from lapor_cli.importing.results import ImportRefused, ImportResult, Progress
from lapor_cli.importing.writing import Writer, duplicate_notes, existing_keys, register_notes

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from sqlmodel import Session

    from lapor_cli.desks import DeskInfo
    from lapor_cli.sla import SlaRule
    from lapor_cli.sqlread import Reader

#: How the second process starts: a fork is instant where it is safe (Linux: the process has
#: no threads then); elsewhere a fresh interpreter imports what the check needs (~0.5 s).
START_METHOD = "fork" if sys.platform == "linux" else "spawn"


@dataclass
class StartedCheck:
    """The check of :func:`start_check`, running before the register is open: the rows were
    checked against a ``now`` guessed from ``zone``; :func:`import_parallel` gives it the
    write's own ``now`` and rules, or has it check again (``zone`` was not the register's)."""

    worker: BaseProcess
    receiving: Connection
    control: Connection
    zone: str

    def stop(self) -> None:
        """End the check (done or not) and close its pipes."""
        self.receiving.close()
        self.control.close()
        if self.worker.is_alive():
            self.worker.terminate()
        self.worker.join()


def start_check(
    path: Path, *, now: datetime, zone: str, petugas: str, lama: bool = False
) -> StartedCheck:
    """Start checking ``path`` in a second process before the register is opened (the
    command's start-up, SQLAlchemy's import and the opening overlap with the check), against
    ``now``, the clock of ``zone`` (a guess of the register's time zone). Hand it to
    :func:`import_parallel`; :meth:`StartedCheck.stop` it if the import does not get there."""
    import multiprocessing

    context = multiprocessing.get_context(START_METHOD)
    receiving, sending = context.Pipe(duplex=False)
    told, control = context.Pipe(duplex=False)
    worker = context.Process(
        target=_check_worker,
        args=(receiving, sending, path, now, petugas, lama, None, (told, control)),
        name="lapor-impor-periksa",
        daemon=True,
    )
    worker.start()
    sending.close()
    told.close()
    return StartedCheck(worker, receiving, control, zone)


def import_parallel(
    source: Session | Reader,
    path: Path,
    *,
    now: datetime,
    petugas: str,
    settings: dict[str, str],
    desk: DeskInfo,
    lama: bool = False,
    progress: Progress | None = None,
    started: StartedCheck | None = None,
) -> ImportResult:
    """Check ``path`` in a second process while this one writes the rows it has passed, in
    the caller's write transaction (``source``: its session, or a reader opened for writing,
    ``sqlread.open_writer``): a large file takes about as long as the slower of the two
    halves instead of their sum.

    The writing is speculative: at the first bad row the transaction is rolled back (the
    register is free again at once), the check goes on to name every bad row, and
    :class:`ImportRefused` (carrying the whole result) is raised, so the caller's transaction
    ends without a write as well. Progress: phase "impor", in the check's units.

    ``started``: the check already running (:func:`start_check`); else it starts here."""
    import multiprocessing

    from lapor_cli.bulk_cases import prepared_identity

    result = ImportResult()
    writer = Writer(source, result, now=now, settings=settings, desk=desk)
    db = writer.db
    # Rows are looked up chunk by chunk while earlier chunks go in: only the cases there
    # before this import count as "already there", as when the whole file is looked up first.
    before = writer.before
    if started is None:
        context = multiprocessing.get_context(START_METHOD)
        receiving, sending = context.Pipe(duplex=False)
        worker = context.Process(
            target=_check_worker,
            args=(receiving, sending, path, now, petugas, lama, writer.rules),
            name="lapor-impor-periksa",
            daemon=True,
        )
        worker.start()
        sending.close()
    else:
        receiving, worker = started.receiving, started.worker
        # The rows were checked against the guessed zone's clock: again if it was not this
        # register's. The cases and their entries are this transaction's "now".
        again = started.zone != settings["zona_waktu"]
        try:
            started.control.send(("go", now, writer.rules, again))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the check has ended already: what it sent says why
    keys: dict[str, int] = {}  # of rows found in the register: for the notes
    found: dict[str, tuple[str, int]] = {}
    refused = False
    try:
        while True:
            try:
                kind, *body = receiving.recv()
            except (EOFError, OSError):  # OSError: it died in the middle of a message
                raise LaporError(
                    "Pemeriksaan berkas berhenti tiba-tiba; tidak ada yang ditulis."
                ) from None
            if kind == "rows" or kind == "checked":
                if refused:
                    continue  # (never sent after a bad row; nothing to write anyway)
                chunk = body[0] if kind == "rows" else writer.prepared(body[0])
                chunk_keys = {key: packed_row(n, sidik) for n, key, sidik, _item in chunk}
                there = (
                    existing_keys(db, chunk_keys, desk, up_to_id=before)
                    if writer.desk_cases
                    else {}
                )
                if there:
                    found.update(there)
                    keys.update((k, chunk_keys[k]) for k in there)
                    chunk = [c for c in chunk if c[1] not in there]
                writer.look_for_duplicates((c[0], *prepared_identity(c[3])) for c in chunk)
                writer.write_prepared([c[3] for c in chunk])
            elif kind == "progress":
                if progress is not None:
                    progress("impor", body[0], body[1])
            elif kind == "bad":
                refused = True
                db.rollback()  # frees the register now; the check goes on for the report
            elif kind == "end":
                rows, header_row, errors, bad_rows, warnings, repeated = body
                break
            elif kind == "error":
                raise LaporError(body[0])
            else:  # "crash": a bug in the check, not the user's file
                raise RuntimeError(f"impor: pemeriksaan gagal:\n{body[0]}")
    finally:
        receiving.close()
        if worker.is_alive():
            worker.terminate()
        worker.join()
    if errors or refused:
        db.rollback()
        raise ImportRefused(
            errors,
            header_row=header_row,
            bad_rows=bad_rows,
            result=ImportResult(
                galat=errors,
                peringatan=warnings,
                baris=rows,
                header_row=header_row,
                baris_bermasalah=bad_rows,
            ),
        )
    result.dilewati = repeated + len(found)
    result.peringatan = [
        *warnings,
        *register_notes(keys, found),
        *duplicate_notes(writer.duplicates),
    ]
    result.baris = rows
    return result


class _Again(Exception):
    """The writer's register has another time zone than the check guessed: check again."""


#: Messages (pickled) the checking process keeps ready for the writer while it checks on:
#: about half a megabyte a chunk of prepared rows, so a bound on its memory when the writer is
#: the slower.
OUTBOX = 8


def _check_worker(
    receiving: Connection,
    sending: Connection,
    path: Path,
    now: datetime,
    petugas: str,
    lama: bool,
    rules: dict[tuple[str, str, bool], SlaRule] | None,
    control: tuple[Connection, Connection] | None = None,
) -> None:
    """The second process of :func:`import_parallel`: check the file, prepare its good rows
    as far as they can be without the register (``prepare_case``) and send what it finds.

    A thread of its own writes the messages into the pipe, so that the check goes on while
    the writer is busy with the rows before (a chunk is far larger than the pipe's buffer).
    Started before the register was opened (``control``: :func:`start_check`), it checks
    against the guessed ``now``, keeps its good rows until the writer's ``now`` and rules
    come (or word to check again against that ``now``), and sends nothing but progress
    before."""
    import gc
    import signal

    from lapor_cli.new_case_rows import prepare_under

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the writer's to handle
    gc.disable()  # as the writer (``run._no_cyclic_gc``): this process ends with the check
    receiving.close()  # else a writer that died would leave this one blocked on a full pipe
    told = None
    if control is not None:
        told, mine = control
        mine.close()
    write_now = now
    post = _Outbox(sending)
    waiting: list[list[GoodRow]] = []  # good rows checked before the writer's word came
    bad_waiting = False

    def ready(*, wait: bool) -> bool:
        """Whether the writer's ``now`` and rules are here (``wait``: until they are)."""
        nonlocal rules, write_now, told
        if told is None:
            return True
        if not wait and not told.poll():
            return False
        _go, write_now, rules, again = told.recv()  # EOFError: the writer is gone
        told.close()
        told = None
        if again:
            raise _Again
        for chunk in waiting:
            send_prepared(chunk)
        waiting.clear()
        if bad_waiting:
            post(("bad",))
        return True

    def send_prepared(chunk: list[GoodRow]) -> None:
        assert rules is not None
        if post.idle():
            # The writer has taken every row sent and waits for more: these go as checked,
            # and it prepares them itself (``Writer.prepared``) rather than wait for this
            # process to. While it is busy, this process prepares them: the two share the
            # work whatever else the machine's cores are doing.
            post(("checked", [(n, row_key(data, sidik), sidik, data) for n, data, sidik in chunk]))
            return
        prepared = [
            (number, row_key(data, sidik), sidik, prepare_under(rules, data, sidik, now=write_now))
            for number, data, sidik in chunk
        ]
        post(("rows", prepared))

    def send_rows(chunk: list[GoodRow]) -> None:
        # Rows wait for the writer's word up to OUTBOX chunks (it may wait for the lock).
        if ready(wait=len(waiting) >= OUTBOX):
            send_prepared(chunk)
        else:
            waiting.append(chunk)

    def first_error() -> None:
        nonlocal bad_waiting
        if ready(wait=False):
            post(("bad",))
        else:
            waiting.clear()  # the file will be refused: its good rows are not needed
            bad_waiting = True

    checked = Checked()
    try:
        while True:
            try:
                check_into(
                    checked,
                    path,
                    now=now,
                    petugas=petugas,
                    lama=lama,
                    sink=send_rows,
                    progress=lambda _phase, done, total: post(("progress", done, total)),
                    first_error=first_error,
                )
                ready(wait=True)
                break
            except _Again:
                checked, now, bad_waiting = Checked(), write_now, False
                waiting.clear()
        post(
            (
                "end",
                checked.rows,
                checked.header_row,
                checked.errors,
                checked.bad_rows,
                checked.warnings,
                checked.repeated,
            )
        )
    except (BrokenPipeError, ConnectionResetError, EOFError):
        pass  # the writer is gone (stopped, killed): nobody to tell
    except LaporError as exc:
        post.last(("error", exc.message))
    except BaseException:  # reported to the writer, which raises it
        import traceback

        post.last(("crash", traceback.format_exc()))
    finally:
        post.close()
        sending.close()
        if told is not None:
            told.close()


class _Outbox:
    """``post(message)``: the message pickled here and written into the pipe by a thread of
    its own, in order, at most ``OUTBOX`` waiting. A writer that is gone (a broken pipe)
    makes the next ``post`` raise ``BrokenPipeError``.

    Plain ``pickle`` (the writer's ``recv`` unpickles it as it is): the messages hold rows,
    text and numbers only, none of the handles multiprocessing's own pickler is for, and
    its pickler took a third longer over a chunk of rows."""

    def __init__(self, sending: Connection) -> None:
        import pickle
        import queue
        import threading

        self.dumps = functools.partial(pickle.dumps, protocol=pickle.HIGHEST_PROTOCOL)
        self.sending = sending
        self.queue: queue.Queue[bytes | None] = queue.Queue(maxsize=OUTBOX)
        self.gone = False
        self.thread = threading.Thread(target=self._pump, name="lapor-impor-kirim", daemon=True)
        self.thread.start()

    def __call__(self, message: tuple[object, ...]) -> None:
        if self.gone:
            raise BrokenPipeError
        self.queue.put(self.dumps(message))

    def idle(self) -> bool:
        """Whether every message posted has been written into the pipe (a message is far
        larger than the pipe's buffer: its end is written only as the writer reads it)."""
        return self.queue.unfinished_tasks == 0

    def last(self, message: tuple[object, ...]) -> None:
        """A last message (an error), unless the writer is gone."""
        if not self.gone:
            self.queue.put(self.dumps(message))

    def close(self) -> None:
        """Send what waits, then end the thread."""
        self.queue.put(None)
        self.thread.join()

    def _pump(self) -> None:
        while (data := self.queue.get()) is not None:
            try:
                if not self.gone:  # else drained: a post never waits on a stopped thread
                    self.sending.send_bytes(data)
            except (BrokenPipeError, ConnectionResetError, OSError):
                self.gone = True
            finally:
                self.queue.task_done()
