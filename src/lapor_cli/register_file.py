"""The register file on disk, before and beside SQLite: is an existing file a register at all,
and what is really wrong when SQLite cannot use it.

An existing file is never a new register: one of 0 bytes, with no SQLite header, that cannot
be read, or that is no regular file (``/dev/null``) is refused with the way out (a restore from
a backup), and is never overwritten. When SQLite fails to read or write an intact register,
the folder is tried with a small file of our own, so that the refusal names the real cause — a
full disk, a read-only folder — instead of calling the register damaged.

Plain ``os`` and ``sqlite3`` only: the maintenance commands use it on registers that SQLAlchemy
cannot open. Messages are final (Bahasa Indonesia), one line each.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import NamedTuple

__all__ = [
    "KNOWN_REVISIONS",
    "RESTORE_HINT",
    "SCHEMA_HEAD",
    "creation_lock",
    "default_location",
    "is_url",
    "resolve_location",
    "FileProblem",
    "content_problem",
    "explain_sqlite_failure",
    "storage_problem",
]

#: The newest migration this code knows; a register stamped with any other unknown revision
#: was made by a newer lapor-cli and is refused rather than touched.
SCHEMA_HEAD = "0012"
KNOWN_REVISIONS = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0010",
    "0011",
    "0012",
)

SQLITE_HEADER = b"SQLite format 3\x00"
#: What to do when a register's content is gone or damaged.
RESTORE_HINT = "Pulihkan dari cadangan: lapor cadangan FILE --pulihkan; berkas tidak diubah."
#: Bytes the folder probe writes: about what SQLite needs for its -shm and first WAL frames.
PROBE_BYTES = 64 * 1024

_NO_SPACE = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}


def default_location() -> str:
    from lapor_cli.resources import app_dir

    return str(app_dir() / "register.db")


def resolve_location(option: str | None) -> str:
    """``--db`` wins over ``LAPOR_DB``, which wins over the default file."""
    return option or os.environ.get("LAPOR_DB") or default_location()


def is_url(location: str) -> bool:
    return "://" in location


def creation_lock(path: Path) -> Path:
    """The file that says another process is creating the register at ``path``."""
    return path.with_name(f"{path.name}.sedang-dibuat")


class FileProblem(NamedTuple):
    """Why an existing file is no register: ``kind`` is one of ``bukan-berkas`` (a folder, a
    device), ``tak-terbaca`` (no permission), ``kosong`` (0 bytes), ``bukan-sqlite``; the
    message is the refusal."""

    kind: str
    message: str

    @property
    def content_lost(self) -> bool:
        """The file is there and readable, but holds no database: a restore may replace it."""
        return self.kind in ("kosong", "bukan-sqlite")


def content_problem(path: Path) -> FileProblem | None:
    """Why the existing ``path`` cannot be a register, judged from the file itself (no SQLite):
    not a regular file, unreadable, empty, or not a SQLite database; None if it may be one."""
    try:
        info = path.stat()
    except OSError as exc:
        return FileProblem(
            "tak-terbaca",
            f"Register {path} tidak dapat dibaca: {exc.strerror}. Periksa --db/LAPOR_DB.",
        )
    if not stat.S_ISREG(info.st_mode):
        return FileProblem(
            "bukan-berkas",
            f"Register {path} bukan berkas biasa (mis. perangkat atau soket), jadi tidak dapat "
            "menjadi register. Periksa --db/LAPOR_DB.",
        )
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        return FileProblem(
            "tak-terbaca",
            f"Register {path} ada tetapi tidak dapat dibaca ({exc.strerror}): jalankan sebagai "
            "pemilik register atau periksa izin berkasnya. Bila isinya hilang: lapor cadangan "
            "FILE --pulihkan.",
        )
    if not head:
        return FileProblem(
            "kosong",
            f"Register {path} kosong (0 bait): berkasnya ada, jadi ini bukan register baru, "
            f"isinya hilang. {RESTORE_HINT}",
        )
    if head != SQLITE_HEADER:
        return FileProblem(
            "bukan-sqlite", f"Register {path} rusak atau bukan berkas SQLite. {RESTORE_HINT}"
        )
    return None


def empty_database_message(path: Path) -> str:
    """An existing SQLite file without a single table is no register either."""
    return (
        f"Register {path} kosong: berkas SQLite tanpa tabel apa pun, bukan register baru. "
        f"{RESTORE_HINT}"
    )


def storage_problem(folder: Path) -> tuple[str, str] | None:
    """Try to write a small file of our own in ``folder``: ``("penuh", reason)`` when there is
    no room, ``("batas-ukuran", reason)`` when a file may not grow that large (``ulimit -f``),
    ``("hanya-baca", reason)`` when nothing may be written there, None when writing works (a
    failure was then something else). The file is removed again."""
    try:
        fd, name = tempfile.mkstemp(prefix=".lapor-uji-ruang-", dir=folder)
    except OSError as exc:
        return _storage_kind(exc)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(b"\0" * PROBE_BYTES)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        return _storage_kind(exc)
    finally:
        try:
            os.unlink(name)
        except OSError:
            pass
    return None


def _storage_kind(exc: OSError) -> tuple[str, str] | None:
    reason = exc.strerror or str(exc)
    if exc.errno in _NO_SPACE:
        return "penuh", reason
    if exc.errno == errno.EFBIG:
        return "batas-ukuran", reason
    if exc.errno in _READ_ONLY:
        return "hanya-baca", reason
    return None


def storage_message(location: str, folder: Path, found: tuple[str, str]) -> str:
    """The refusal for a ``storage_problem`` finding."""
    kind, reason = found
    if kind == "penuh":
        return (
            f"Disk penuh: tidak ada ruang untuk menulis di {folder} ({reason}); register "
            f"{location} memerlukannya untuk berkas pendampingnya (-wal, -shm), bahkan untuk "
            "membaca. Kosongkan ruang disk lalu ulangi; register tidak diubah."
        )
    if kind == "batas-ukuran":
        return (
            f"Tidak dapat menulis di {folder}: batas ukuran berkas tercapai ({reason}); register "
            f"{location} memerlukannya untuk berkas pendampingnya (-wal, -shm), bahkan untuk "
            "membaca. Periksa batas ukuran berkas sistem ini (ulimit -f) atau disknya; register "
            "tidak diubah."
        )
    return (
        f"Register {location} ada di folder hanya-baca ({reason}): SQLite perlu membuat berkas "
        f"pendamping (-wal, -shm) di {folder} bahkan untuk membaca. Salin register ke folder "
        "yang dapat ditulis, atau periksa izinnya; register tidak diubah."
    )


def explain_sqlite_failure(location: str, exc: BaseException) -> str | None:
    """A true message for SQLite failing on the register file at ``location`` (a path), or
    None when it is none of the failures known here (a bug keeps its traceback)."""
    text = str(exc).lower()
    name = getattr(exc, "sqlite_errorname", "") or ""
    path = Path(location).expanduser()
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return f"Register {location} rusak atau bukan berkas SQLite. {RESTORE_HINT}"
    if "locked" in text or "busy" in text:
        return f"Register {location} sedang dikunci proses lain terlalu lama. Coba lagi sebentar."
    storage = (
        "disk i/o error" in text
        or ("disk" in text and "full" in text)
        or "unable to open" in text
        or "readonly" in text
        or name.startswith(("SQLITE_IOERR", "SQLITE_FULL", "SQLITE_CANTOPEN", "SQLITE_READONLY"))
    )
    if not storage:
        return None
    if path.exists():
        problem = content_problem(path)
        if problem:
            return problem.message
    found = storage_problem(path.parent)
    if found:
        return storage_message(location, path.parent, found)
    if "readonly" in text or name.startswith("SQLITE_READONLY"):
        if not os.access(path.parent, os.W_OK):
            return storage_message(location, path.parent, ("hanya-baca", "tanpa izin tulis"))
        return f"Register {location} hanya-baca; perintah ini perlu menulis. Periksa izin berkas."
    if "unable to open" in text or name.startswith("SQLITE_CANTOPEN"):
        return f"Register {location} tidak dapat dibuka. Periksa path dan izin foldernya."
    if "full" in text or name.startswith("SQLITE_FULL"):
        return (
            f"Register {location} tidak dapat bertambah besar ({exc}): periksa ruang disk dan "
            "batas ukuran berkas; tidak ada yang ditulis."
        )
    return (
        f"Register {location} tidak dapat dibaca atau ditulis: galat disk ({exc}). Periksa "
        "disknya; register tidak diubah."
    )
