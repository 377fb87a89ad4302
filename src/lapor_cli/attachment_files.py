"""Files a desk attaches to a case, before they reach the register: reading one safely, and
recognising what it is from its content, never from its name. Also the ``periksa`` check of
the attachments the register holds. No database library, no terminal, no clock.

Reading (:func:`read_upload`): a symbolic link, a device, a folder or a pipe is refused
before it is opened (``lstat``), a file over the size cap before a byte is read; the file is
then opened without following links and checked again on the open descriptor, and read in
pieces while hashing, never more than the cap plus one byte (a file growing meanwhile is
refused too).

Types (:func:`recognise`): the types a complaint desk uses — PDF, JPEG, PNG, HEIC, DOCX,
XLSX and plain text — each recognised by its own signature (magic number):

==========  ================================================================
``pdf``     ``%PDF-``
``jpeg``    ``FF D8 FF``
``png``     ``89 50 4E 47 0D 0A 1A 0A``
``heic``    an ISO box ``ftyp`` with a HEIF brand (heic, heix, mif1, …)
``docx``    a ZIP with ``[Content_Types].xml`` and ``word/document.xml``
``xlsx``    a ZIP with ``[Content_Types].xml`` and ``xl/workbook.xml``
``txt``     UTF-8 (or Windows-1252) text with no control characters but tab/newline
==========  ================================================================

Anything executable is refused first, by content (Windows ``MZ``, Linux ELF, Mach-O, Java
class, Android DEX, a script's ``#!``) and by name (``.exe``, ``.bat``, ``.ps1``, ``.js``,
…, whatever the content), as is an Office document with macros (``vbaProject.bin``) and
any other ZIP. Costs: one pass over the content (hash), a ZIP's central directory only.

Checking (:func:`check_attachments`, run by ``periksa``): each stored content hashes to
the SHA-256 it is keyed by, and the attachments of each case are exactly those its history
entries (in the hash chain) added — same id, name, type, size and SHA-256 — less those an
erasure removed. A file swapped in the register fails one or the other.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

from lapor_cli.errors import ValidationError
from lapor_cli.views import iso

__all__ = [
    "DEFAULT_CAP_MB",
    "JENIS_LABEL",
    "MIME",
    "RAHASIA_NAME",
    "Upload",
    "attachment_view",
    "check_attachments",
    "read_upload",
    "recognise",
    "size_text",
]

DEFAULT_CAP_MB = 20
MB = 1024 * 1024
CHUNK = 1024 * 1024

JENIS_LABEL = {
    "pdf": "PDF",
    "jpeg": "JPEG",
    "png": "PNG",
    "heic": "HEIC",
    "docx": "DOCX",
    "xlsx": "XLSX",
    "txt": "TXT",
}
MIME = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "heic": "image/heic",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain",
}
ACCEPTED = "PDF, JPEG, PNG, HEIC, DOCX, XLSX atau TXT"

_EXECUTABLE_MAGIC = (
    (b"MZ", "program Windows (EXE/DLL)"),
    (b"\x7fELF", "program Linux (ELF)"),
    (b"\xfe\xed\xfa\xce", "program macOS (Mach-O)"),
    (b"\xfe\xed\xfa\xcf", "program macOS (Mach-O)"),
    (b"\xce\xfa\xed\xfe", "program macOS (Mach-O)"),
    (b"\xcf\xfa\xed\xfe", "program macOS (Mach-O)"),
    (b"\xca\xfe\xba\xbe", "program macOS/Java"),
    (b"dex\n", "program Android (DEX)"),
    (b"#!", "skrip yang dapat dijalankan (#!)"),
)
_EXECUTABLE_SUFFIXES = frozenset(
    ".exe .com .scr .pif .msi .msp .dll .cpl .bat .cmd .ps1 .psm1 .vbs .vbe .js .jse .wsf "
    ".wsh .hta .lnk .reg .jar .apk .app .sh .bash .run .bin .elf .py .pyw .pl .rb .php "
    ".docm .xlsm .pptm .dotm .xltm".split()
)
_HEIF_BRANDS = frozenset(b"heic heix hevc hevx heim heis hevm hevs mif1 msf1".split())


def size_text(size: int) -> str:
    """``512 bait``, ``34 KB``, ``1,2 MB`` (binary units, Indonesian decimal comma)."""
    if size < 1024:
        return f"{size} bait"
    if size < MB:
        return f"{round(size / 1024)} KB"
    return f"{size / MB:.1f} MB".replace(".", ",")


def _refuse(path: Path | str, why: str) -> ValidationError:
    return ValidationError("berkas", f"Berkas {path}: {why}")


def recognise(content: bytes, name: str) -> str:
    """The type of ``content`` (a key of :data:`JENIS_LABEL`), or a refusal naming why:
    executable, macros, another ZIP, or not one of the accepted types. ``name`` is only
    used to refuse an executable name."""
    suffix = Path(name).suffix.lower()
    if suffix in _EXECUTABLE_SUFFIXES:
        raise _refuse(
            name, f"nama berakhiran {suffix} (program atau skrip) tidak diterima sebagai lampiran."
        )
    if not content:
        raise _refuse(name, "kosong (0 bait).")
    for magic, what in _EXECUTABLE_MAGIC:
        if content.startswith(magic):
            raise _refuse(
                name,
                f"isinya {what}, bukan dokumen{_named_as(suffix)}; program tidak diterima "
                "sebagai lampiran.",
            )
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(content) >= 12 and content[4:8] == b"ftyp" and content[8:12] in _HEIF_BRANDS:
        return "heic"
    if content.startswith(b"PK\x03\x04"):
        return _office_document(content, name)
    if _is_text(content):
        return "txt"
    raise _refuse(
        name,
        f"jenisnya tidak dikenali dari isinya{_named_as(suffix)}; yang diterima: {ACCEPTED}.",
    )


def _named_as(suffix: str) -> str:
    label = JENIS_LABEL.get({".jpg": "jpeg", ".heif": "heic"}.get(suffix, suffix[1:]))
    return f" (walau namanya .{suffix[1:]})" if label else ""


def _office_document(content: bytes, name: str) -> str:
    import io
    import zipfile  # only for an attached ZIP/Office file (lists and screens never need it)

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _refuse(name, "berkas ZIP/Office yang rusak.") from None
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _refuse(name, "dokumen Office bermakro (VBA) tidak diterima; simpan sebagai PDF.")
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    raise _refuse(
        name, f"arsip ZIP yang bukan DOCX/XLSX tidak diterima; yang diterima: {ACCEPTED}."
    )


def _is_text(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    body = content[3:] if content.startswith(b"\xef\xbb\xbf") else content
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = body.decode("cp1252")
        except UnicodeDecodeError:
            return False
    return not any(ord(ch) < 32 and ch not in "\t\n\r\f" or ch == "\x7f" for ch in text)


class Upload:
    """A file read for attaching: its name (as the desk will see it), content and hash."""

    __slots__ = ("content", "jenis", "nama", "path", "sha256")

    def __init__(self, path: Path, nama: str, content: bytes, sha256: str, jenis: str) -> None:
        self.path = path
        self.nama = nama
        self.content = content
        self.sha256 = sha256
        self.jenis = jenis

    @property
    def ukuran(self) -> int:
        return len(self.content)


def read_upload(path: Path, cap: int) -> Upload:
    """Read ``path`` to attach it: a regular file (no link, device, pipe or folder) of at
    most ``cap`` bytes, of an accepted type. Refusals name the file and what to do."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise _refuse(path, "tidak ada.") from None
    except OSError as exc:
        raise _refuse(path, f"tidak dapat dibaca ({exc.strerror}).") from None
    if stat.S_ISLNK(info.st_mode):
        raise _refuse(path, "adalah tautan simbolik; lampirkan berkas aslinya, bukan tautannya.")
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(path, "bukan berkas biasa (folder, perangkat atau pipa).")
    _check_size(path, info.st_size, cap)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _refuse(path, f"tidak dapat dibuka ({exc.strerror}).") from None
    digest = hashlib.sha256()
    parts: list[bytes] = []
    total = 0
    with os.fdopen(fd, "rb", buffering=0) as handle:
        opened = os.fstat(handle.fileno())
        if not stat.S_ISREG(opened.st_mode) or (opened.st_dev, opened.st_ino) != (
            info.st_dev,
            info.st_ino,
        ):
            raise _refuse(path, "berubah saat dibuka; coba lagi.")
        while True:
            part = handle.read(min(CHUNK, cap + 1 - total))
            if not part:
                break
            total += len(part)
            if total > cap:
                _check_size(path, total, cap)
            digest.update(part)
            parts.append(part)
    content = b"".join(parts)
    nama = _display_name(path)
    jenis = recognise(content, nama)
    return Upload(path, nama, content, digest.hexdigest(), jenis)


def _check_size(path: Path, size: int, cap: int) -> None:
    if size > cap:
        raise _refuse(
            path,
            f"terlalu besar ({size_text(size)}; paling besar {size_text(cap)} per berkas). "
            "Perkecil (pindai ulang dengan resolusi lebih rendah, pecah PDF-nya) atau minta "
            "batasnya dinaikkan: lapor kantor --lampiran-maks MB.",
        )


def _display_name(path: Path) -> str:
    """The file's own name, as text even when the file system's bytes are not UTF-8."""
    name = path.name
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")[:255]


# ---------------------------------------------------------------------------- periksa


def _json(value) -> object:
    if isinstance(value, str | bytes):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def check_attachments(run, report) -> None:
    """``periksa``: every stored content is what its SHA-256 says, and every case's
    attachments are those its history added (see the module docstring). ``run(sql)`` is a
    connection's plain execute; ``report.add(name, ok, detail)`` takes the results."""
    bad: list[str] = []
    for sha, ukuran, isi in run("SELECT sha256, ukuran, isi FROM lampiran_isi"):
        data = bytes(isi) if isi is not None else b""
        if hashlib.sha256(data).hexdigest() != sha or len(data) != int(ukuran):
            bad.append(sha[:12])
    report.add(
        "isi lampiran = sidiknya",
        not bad,
        "ok"
        if not bad
        else f"{len(bad)} isi lampiran tidak sesuai SHA-256-nya (ditukar atau rusak): "
        + ", ".join(bad[:5]),
    )
    told: dict[int, tuple] = {}
    for kasus_id, aksi, data in run(
        "SELECT kasus_id, aksi, data FROM riwayat "
        "WHERE aksi IN ('lampiran', 'lampiran-hapus') ORDER BY id"
    ):
        value = _json(data)
        if not isinstance(value, dict):
            continue
        if aksi == "lampiran":
            item = value.get("lampiran")
            if isinstance(item, dict) and "id" in item:
                told[int(item["id"])] = _row(kasus_id, item)
        else:
            for removed in value.get("dihapus") or ():
                told.pop(int(removed), None)
    stored = {
        int(r[0]): _row(r[1], {"sha256": r[2], "nama": r[3], "jenis": r[4], "ukuran": r[5]})
        for r in run("SELECT id, kasus_id, sha256, nama, jenis, ukuran FROM lampiran")
    }
    differ = sorted(i for i in set(told) | set(stored) if told.get(i) != stored.get(i))
    if not differ:
        report.add("lampiran = riwayat", True, "ok")
        return
    numbers = dict(run("SELECT id, nomor FROM kasus").fetchall())
    shown = []
    for i in differ[:10]:
        row = stored.get(i) or told.get(i)
        shown.append(f"#{i} ({numbers.get(row[0], '?')})")
    report.add(
        "lampiran = riwayat",
        False,
        f"{len(differ)} lampiran tidak sesuai riwayatnya (ditukar, diubah, dihapus atau "
        f"disisipkan): {', '.join(shown)}",
    )


def _row(kasus_id, item: dict) -> tuple:
    return (
        int(kasus_id),
        str(item.get("sha256")),
        str(item.get("nama")),
        str(item.get("jenis")),
        int(item.get("ukuran") or 0),
    )


#: What a rahasia case's attachment is called on screens and lists.
RAHASIA_NAME = "(rahasia)"


def attachment_view(row, *, rahasia: bool = False, reveal: bool = False) -> dict:
    """An attachment as lists and JSON show it (name and note hidden for a rahasia case)."""
    hidden = rahasia and not reveal
    return {
        "id": row.id,
        "nama": RAHASIA_NAME if hidden else row.nama,
        "jenis": row.jenis,
        "jenis_label": JENIS_LABEL.get(row.jenis, row.jenis),
        "ukuran": row.ukuran,
        "ukuran_teks": size_text(row.ukuran),
        "sha256": row.sha256,
        "keterangan": None if hidden else row.keterangan,
        "ditambahkan": iso(row.ditambahkan),
        "oleh": row.oleh,
    }
