"""How large an XLSX file may become once unpacked, checked before either reader opens it
(:func:`survey`).

An XLSX file is a zip of XML parts, and a small file can unpack to gigabytes: one cell of
1.2 GB of the same letter packs into 1.2 MB, a million rows of empty cells into 2.6 MB.
Neither reader bounds that. python-calamine holds the whole sheet in memory: every cell of
the used range, empty ones too, and each shared string copied into every cell that refers to
it. openpyxl streams the rows but builds each text, each row and the shared-string table
whole. So every part of the zip is first unpacked once as a stream with the stdlib
``zipfile`` (nothing is kept): its real size is held to the size the zip declares, and what
the parts hold is counted. A file over a limit is refused, the limit named:

========================  =========================================================
``MAX_UNPACKED_BYTES``    200 MiB for all parts together: ~400,000 forms (a CSV file has
                          no such limit)
``MAX_RATIO``             a part of ``RATIO_FROM_BYTES`` (8 MiB) or more unpacks to at most
                          100× its packed size (the XML of typed-up forms: 5–20×)
``MAX_TEXT_BYTES``        1 MiB without markup: one cell, one shared string (Excel stops a
                          cell at 32,767 characters, the check an ``uraian`` at 20,000)
``MAX_CELLS``             1,048,576 rows × the import's 15 columns = 15,728,640 cells in
                          all, and in the sheet's declared ``<dimension ref=…>`` (whose
                          rows and columns stay within Excel's 1,048,576 × 16,384)
``MAX_ROW_CELLS``         16,384 cells in one row (Excel's columns)
``MAX_SHARED_STRINGS``    2,000,000 shared strings
========================  =========================================================

Markup that no spreadsheet writes (``<!DOCTYPE``, ``<!ENTITY``, ``<![CDATA[``, comments)
is refused as well: inside it a ``<`` no longer ends a text, so the text limit would not
hold. (The openpyxl reader itself refuses a row past ``MAX_ROWS``: it would fill the gap.)

Within these limits openpyxl's memory is bounded: a row at a time, and the shared strings
(~320 MB at worst). python-calamine's is not, so it reads a file only when the survey proves
its sheet small (:attr:`Survey.calamine`): cells written as Excel, LibreOffice and openpyxl
write them (``<c r="A1" …>``), at most ``CALAMINE_MAX_CELLS`` in the used range and at most
``CALAMINE_MAX_TEXT_BYTES`` of text once each shared string is copied into its cells.

The survey costs about a tenth of reading the file: each part is unpacked once more and
scanned with ``bytes.count``/``find`` and a few anchored regular expressions (a 50,000-row
workbook, 40 MB of XML: ~0.5 s).
"""

from __future__ import annotations

import copy
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lapor_cli.errors import LaporError
from lapor_cli.importing.columns import COLUMNS
from lapor_cli.indonesian import angka

__all__ = [
    "CALAMINE_MAX_CELLS",
    "CALAMINE_MAX_TEXT_BYTES",
    "CALAMINE_MAX_UNPACKED_BYTES",
    "MAX_CELLS",
    "MAX_COLUMNS",
    "MAX_RATIO",
    "MAX_ROWS",
    "MAX_ROW_CELLS",
    "MAX_SHARED_STRINGS",
    "MAX_TEXT_BYTES",
    "MAX_UNPACKED_BYTES",
    "RATIO_FROM_BYTES",
    "Survey",
    "survey",
]

MiB = 1024 * 1024

MAX_UNPACKED_BYTES = 200 * MiB
MAX_RATIO = 100
RATIO_FROM_BYTES = 8 * MiB
MAX_TEXT_BYTES = 1 * MiB
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
MAX_CELLS = MAX_ROWS * len(COLUMNS)
MAX_ROW_CELLS = 16_384
MAX_SHARED_STRINGS = 2_000_000

#: python-calamine reads a file only if all its parts unpack to at most this much (a 4 MB
#: workbook of forms unpacks to ~40 MB) …
CALAMINE_MAX_UNPACKED_BYTES = 64 * MiB
#: … its used range (rows × columns, empty cells included: 32 bytes each) has at most this
#: many cells …
CALAMINE_MAX_CELLS = 2_000_000
#: … and its cells hold at most this much text, each shared string counted once per cell.
CALAMINE_MAX_TEXT_BYTES = 128 * MiB

#: Unpacked at a time (and never more than ``MAX_TEXT_BYTES``: a longer text then always
#: reaches past a chunk's start or end, where it is measured).
CHUNK = 1 * MiB
#: A row of more than ``MAX_ROW_CELLS`` cells is at least this long (``<c/>`` is 4 bytes).
_LONG_ROW = 4 * MAX_ROW_CELLS

_WHITESPACE = b" \t\r\n"
_BOM = b"\xef\xbb\xbf"
# Cells, rows and shared strings, in a namespace prefix or not (``<x:c …>``); a count of the
# bytes "<c" is an upper bound of the cells (``<col``, ``<color`` … count too).
_CELL = re.compile(rb"<c[\s/>]")
_PREFIXED_CELL = re.compile(rb"<[\w.-]+:c[\s/>]")
_ANY_ROW = re.compile(rb"<(?:[\w.-]+:)?row")
_PREFIXED_SI = re.compile(rb"<[\w.-]+:si[\s/>]")
_DIMENSION = re.compile(rb"""<(?:[\w.-]+:)?dimension\b[^>]*?\bref\s*=\s*["']([^"']*)["']""")
_CELL_REF = re.compile(r"\s*([A-Za-z]{1,3})(\d{1,7})\s*")

# A sheet as python-calamine may get it: every cell ``<c r="A1"`` (one letter, double
# quotes), a type only as `` t="…"``, no namespace prefixes.
_ODD_CELL = re.compile(rb'<c(?! r="[A-Z]\d)[\s/>]')
_NARROW_CELLS = re.compile(rb'<c(?! r="[A-O]\d{1,5}")[\s/>]')  # found: not all in A1:O99999
_ODD_TYPE = re.compile(rb"""t(?:\s+=|=\s|=')""")
_WIDE_CELL = re.compile(rb'<c r="[P-Z]\d')
_SHARED_CELL = re.compile(rb'<c r="[A-Z]\d+"[^>]*? t="s"[^>]*><v>(\d+)</v>')
_SHARED_ITEM = re.compile(rb"<si[\s/>]")
_FIRST_ELEMENT = re.compile(rb"<(?:[\w.-]+:)?([\w.-]+)[\s/>]")
_PREFIX_HINT = re.compile(rb":(?:c|row|sheetData|sst|si|t|v|is)[\s/>]")
_PREFIXED_ANY = re.compile(rb"<[\w.-]+:(?:c|row|sheetData|sst|si|t|v|is)[\s/>]")


@dataclass
class Survey:
    """What a workbook's parts hold once unpacked."""

    unpacked: int = 0  # bytes, all parts
    cells: int = 0  # cell elements (an upper bound: a few others start with "<c" too)
    shared_strings: int = 0
    calamine: bool = False  # python-calamine may read it (asked for, and proven small)


def survey(path: Path, *, calamine: bool = False) -> Survey:
    """Unpack every part of the XLSX file ``path`` once and count what it holds; refuse
    (:class:`LaporError`, the limit named) a file over any limit of this module. With
    ``calamine`` also find out whether python-calamine may read it (:attr:`Survey.calamine`):
    only worth asking of a small file."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _unreadable(path, exc) from None
    with archive:
        parts = [info for info in archive.infolist() if not info.is_dir()]
        declared = sum(info.file_size for info in parts)
        _check_declared(path, parts, declared)
        tally = _Tally(path, calamine=calamine and declared <= CALAMINE_MAX_UNPACKED_BYTES)
        for info in parts:
            chunks = _unpacked(path, archive, info)
            try:
                tally.part(chunks)
            finally:
                chunks.close()  # the part's stream, now (a refusal stops it midway)
        return tally.result()


def _unreadable(path: Path, exc: BaseException) -> LaporError:
    return LaporError(f"{path.name} tidak dapat dibaca sebagai XLSX: {exc}")


def _mib(size: int) -> str:
    return f"{angka(round(size / MiB))} MiB" if size >= MiB else f"{angka(size)} byte"


def _check_declared(path: Path, parts: list[zipfile.ZipInfo], declared: int) -> None:
    """The sizes the zip declares: refused before anything is unpacked."""
    if declared > MAX_UNPACKED_BYTES:
        raise LaporError(
            f"{path.name} terlalu besar setelah dibuka: {_mib(declared)} XML, batasnya "
            f"{_mib(MAX_UNPACKED_BYTES)} (±400.000 formulir). Bagi menjadi beberapa berkas, "
            "atau simpan sebagai CSV UTF-8 (tanpa batas ini)."
        )
    for info in parts:
        if info.file_size >= RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            ratio = info.file_size // max(info.compress_size, 1)
            raise LaporError(
                f"{path.name}: bagian {info.filename} membesar {angka(ratio)}× saat dibuka "
                f"(batas {MAX_RATIO}×): isinya sebagian besar sel kosong atau berulang, bukan "
                "formulir. Salin datanya ke templat (lapor impor --templat) atau simpan sebagai "
                "CSV UTF-8."
            )


def _unpacked(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part ``info`` unpacked, a chunk at a time. Read as one byte longer than declared:
    a part that unpacks to more than it declares then fails its checksum (and an honest one
    ends at its declared size), so the declared sizes checked before are the real ones."""
    claimed = copy.copy(info)
    claimed.file_size = info.file_size + 1
    size = min(CHUNK, MAX_TEXT_BYTES)
    try:
        with archive.open(claimed) as stream:
            while chunk := stream.read(size):
                yield chunk
    except (
        zipfile.BadZipFile,
        EOFError,
        zlib.error,
        NotImplementedError,  # an unknown compression
        RuntimeError,  # an encrypted part
        OSError,
        ValueError,
    ) as exc:
        raise _unreadable(path, exc) from None


def _is_markup(first: bytes) -> bool:
    """A part that is XML (after a byte-order mark and white space, ``<``)."""
    return first.removeprefix(_BOM).lstrip(_WHITESPACE).startswith(b"<")


def _cells_in(piece: bytes, prefixed: bool) -> int:
    """The cell elements in ``piece`` (counted exactly when there may be many; else an upper
    bound); ``prefixed``: some may be in a namespace prefix."""
    count = piece.count(b"<c")
    if count > 1024:
        count = len(_CELL.findall(piece))
    if prefixed:
        count += len(_PREFIXED_CELL.findall(piece))
    return count


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


@dataclass
class _Tally:
    """The counts of one survey, fed one part at a time."""

    path: Path
    calamine: bool  # still possible: every part so far is one python-calamine reads safely
    found: Survey = field(default_factory=Survey)
    row_cells: int = 0  # cells of the row being read
    grid: int = 0  # cells of the sheets' used ranges (at most), for python-calamine
    shared_cells: list[bytes] = field(default_factory=list)  # their shared strings' indexes
    shared_spans: list[int] | None = None  # bytes of each shared string's entry
    sheet_text: int = 0  # bytes of the sheets' XML (their inline text is in it)

    def refuse(self, text: str) -> LaporError:
        return LaporError(f"{self.path.name}: {text}")

    def part(self, chunks: Iterator[bytes]) -> None:
        """Count one part, unpacked chunk by chunk."""
        markup: bool | None = None
        carry = b""  # an unfinished tag, counted with the next chunk
        run = 0  # bytes since the last "<"
        kept: list[bytes] | None = [] if self.calamine else None
        self.row_cells = 0
        for chunk in chunks:
            self.found.unpacked += len(chunk)
            if kept is not None:
                kept.append(chunk)
            run = self._text_run(chunk, run)
            if markup is None:
                markup = _is_markup(chunk)
                if markup:
                    self._dimension(chunk[: 64 * 1024])
            if not markup:
                continue
            data = carry + chunk if carry else chunk
            last = data.rfind(b"<")
            if last >= 0 and data.find(b">", last) < 0:
                data, carry = data[:last], data[last:]
            else:
                carry = b""
            self._markup(data)
        if carry:
            self._markup(carry)
        self._row_end()
        if kept is not None:
            whole = b"".join(kept)
            kept.clear()
            self._for_calamine(whole, markup=bool(markup))

    def _text_run(self, chunk: bytes, run: int) -> int:
        """``run`` (bytes since the last ``<``) carried over ``chunk``; a run longer than
        ``MAX_TEXT_BYTES`` is refused."""
        first = chunk.find(b"<")
        run += len(chunk) if first < 0 else first
        if run > MAX_TEXT_BYTES:
            raise self.refuse(
                f"ada sel berisi lebih dari {_mib(MAX_TEXT_BYTES)} teks (batas impor; Excel "
                "sendiri paling banyak 32.767 karakter per sel, uraian paling banyak 20.000). "
                "Periksa isian yang sangat panjang."
            )
        return run if first < 0 else len(chunk) - chunk.rfind(b"<") - 1

    def _dimension(self, head: bytes) -> None:
        """The sheet's declared used range (``<dimension ref="A1:P1048576"/>``)."""
        match = _DIMENSION.search(head)
        if match is None:
            return
        ref = match[1].decode("ascii", "replace")
        corners = [_CELL_REF.fullmatch(corner) for corner in ref.split(":")]
        if not 1 <= len(corners) <= 2 or None in corners:
            return  # no range the readers use (they go by the cells themselves)
        rows = [int(c[2]) for c in corners if c]
        columns = [_column_number(c[1]) for c in corners if c]
        area = (max(rows) - min(rows) + 1) * (max(columns) - min(columns) + 1)
        if max(rows) > MAX_ROWS or max(columns) > MAX_COLUMNS or area > MAX_CELLS:
            raise self.refuse(
                f"lembar kerjanya menyatakan rentang {ref} ({angka(area)} sel); impor menerima "
                f"paling banyak {angka(MAX_ROWS)} baris × {len(COLUMNS)} kolom "
                f"({angka(MAX_CELLS)} sel). Hapus baris dan kolom kosong di bawah dan di kanan "
                "data, atau salin datanya ke templat (lapor impor --templat)."
            )

    def _markup(self, data: bytes) -> None:
        """Count the XML ``data`` (whole tags only)."""
        if b"<!" in data:
            raise self.refuse(
                "berisi deklarasi DOCTYPE/ENTITY, CDATA atau komentar XML, yang tidak pernah "
                "ditulis Excel atau LibreOffice. Buka dan simpan ulang berkasnya di Excel, "
                "atau simpan sebagai CSV UTF-8."
            )
        found = self.found
        prefixed = _PREFIX_HINT.search(data) is not None  # some element as <x:c …>
        found.shared_strings += data.count(b"<si")
        if prefixed:
            found.shared_strings += len(_PREFIXED_SI.findall(data))
        if found.shared_strings > MAX_SHARED_STRINGS:
            raise self.refuse(
                f"berisi lebih dari {angka(MAX_SHARED_STRINGS)} teks berbeda (shared strings; "
                "batas impor). Bagi menjadi beberapa berkas, atau simpan sebagai CSV UTF-8."
            )
        found.cells += data.count(b"<c")  # an upper bound (<col, <color … count too)
        if prefixed:
            found.cells += len(_PREFIXED_CELL.findall(data))
        if found.cells > MAX_CELLS:
            raise self.refuse(
                f"berisi lebih dari {angka(MAX_CELLS)} sel, termasuk yang kosong ("
                f"{angka(MAX_ROWS)} baris × {len(COLUMNS)} kolom impor). Hapus baris dan kolom "
                "kosong di bawah dan di kanan data, atau salin datanya ke templat (lapor impor "
                "--templat)."
            )
        pieces = _ANY_ROW.split(data) if prefixed else data.split(b"<row")
        # pieces[0] goes on with the row of the data before; every later piece is a row, the
        # last one perhaps only its start (the next data goes on with it).
        self.row_cells += _cells_in(pieces[0], prefixed)
        if len(pieces) == 1:
            self._check_row()
            return
        self._row_end()
        for piece in pieces[1:-1]:
            if len(piece) >= _LONG_ROW:
                self.row_cells = _cells_in(piece, prefixed)
                self._row_end()
        self.row_cells = _cells_in(pieces[-1], prefixed)
        self._check_row()

    def _check_row(self) -> None:
        if self.row_cells > MAX_ROW_CELLS:
            raise self.refuse(
                f"ada baris berisi lebih dari {angka(MAX_ROW_CELLS)} sel (batas lembar Excel): "
                "berkasnya rusak atau bukan buatan Excel."
            )

    def _row_end(self) -> None:
        self._check_row()
        self.row_cells = 0

    # -- python-calamine ---------------------------------------------------------------------

    def _for_calamine(self, whole: bytes, *, markup: bool) -> None:
        """What python-calamine would build from this part if it is a sheet or the shared
        strings; ``self.calamine`` becomes False at anything it cannot bound."""
        if _root(whole) == b"sst":
            if self.shared_spans is not None or not _plain(whole, markup):
                self.calamine = False  # two tables of shared strings: which one counts?
                return
            starts = [m.start() for m in _SHARED_ITEM.finditer(whole)]
            ends = [*starts[1:], len(whole)] if starts else []
            self.shared_spans = [end - start for start, end in zip(starts, ends, strict=True)]
            return
        if _SHARED_ITEM.search(whole):
            self.calamine = False  # shared strings outside their table
            return
        if b"sheetData" not in whole:
            return
        if not _plain(whole, markup) or _ODD_TYPE.search(whole):
            self.calamine = False
            return
        typed = whole.count(b' t="s"')
        shared = _SHARED_CELL.findall(whole) if typed else []
        if len(shared) != typed:
            self.calamine = False
            return
        if _NARROW_CELLS.search(whole) is None:
            self.grid += 99_999 * len(COLUMNS)  # columns A–O, rows under 100,000
        elif _ODD_CELL.search(whole):
            self.calamine = False
            return
        else:
            width = 26 if _WIDE_CELL.search(whole) else len(COLUMNS)
            self.grid += _last_row(whole, CALAMINE_MAX_CELLS // width) * width
        self.shared_cells.extend(shared)
        self.sheet_text += len(whole)

    def result(self) -> Survey:
        found = self.found
        if self.calamine:
            spans = self.shared_spans or []
            indexes = [int(i) for i in self.shared_cells]
            if any(i >= len(spans) for i in indexes):
                self.calamine = False  # python-calamine would fail; openpyxl says why
            else:
                text = self.sheet_text + sum(spans[i] for i in indexes)
                self.calamine = (
                    self.grid <= CALAMINE_MAX_CELLS
                    and found.cells <= CALAMINE_MAX_CELLS
                    and text <= CALAMINE_MAX_TEXT_BYTES
                )
        found.calamine = self.calamine
        return found


def _root(whole: bytes) -> bytes | None:
    """The local name of an XML part's root element (comments and DOCTYPE are refused
    before: the first element is the root)."""
    match = _FIRST_ELEMENT.search(whole, 0, 4096)
    return match[1] if match else None


def _plain(whole: bytes, markup: bool) -> bool:
    """XML without namespace prefixes on the elements python-calamine reads."""
    if not markup:
        return False
    return _PREFIX_HINT.search(whole) is None or _PREFIXED_ANY.search(whole) is None


def _last_row(sheet: bytes, enough: int) -> int:
    """The highest row a cell of ``sheet`` names, or a number above ``enough`` when that is
    all the caller needs to know: found by its digits, longest first, so that a sheet of
    50,000 rows is not read cell by cell."""
    for digits in range(7, 0, -1):
        if re.search(rb'<c r="[A-Z]\d{%d}' % digits, sheet) is None:
            continue
        if 10**digits - 1 <= enough:
            return 10**digits - 1
        found = re.findall(rb'<c r="[A-Z](\d{%d,})"' % digits, sheet)
        return max(int(row) if len(row) <= 9 else 10**9 for row in found)
    return 0
