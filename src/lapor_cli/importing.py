"""Paper forms in: read a CSV or XLSX file, check every row, write it in one transaction.

1. :func:`check_file` streams the rows (``csv.reader``; XLSX through python-calamine, or
   openpyxl in read-only mode when calamine is not installed), puts every row through
   :func:`lapor_cli.validation.validate_case` (the one path ``catat`` uses too) and collects
   every problem with its spreadsheet row number. Good rows are spilled to a temporary file in
   compact form; only each row's key (``nomor_formulir``, else ``CaseInput.fingerprint()``) is
   kept in memory, to find rows that repeat an earlier row of the same file.
2. Nothing is written unless every row is good. :func:`write_checked` runs under the write
   lock: rows whose key is already in the register are skipped, the numbers are reserved and
   the cases with their hash-chained ``catat`` entries go in as bulk inserts
   (:func:`lapor_cli.recording.prepare_case`, then :func:`lapor_cli.recording.write_prepared`). A
   small file takes these two steps: no lock is held while it is checked.
3. A large file (``PARALLEL_FROM_BYTES``) goes through :func:`import_parallel` instead: the
   same check runs in a second process and sends its good rows, prepared as far as they can be
   without the register (``recording.prepare_case``), while this process writes them in the one
   write transaction; the first bad row rolls the transaction back. Two cores, about half
   the time.
4. :func:`write_template` makes the blank XLSX template.

No clock and no terminal here: "now", the officer and a progress callback are passed in.
"""

from __future__ import annotations

import csv
import io
import itertools
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

from lapor_cli.errors import LaporError, ValidationError
from lapor_cli.validation import CaseInput, clean_text, validate_case

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from sqlmodel import Session

    from lapor_cli.desks import DeskInfo
    from lapor_cli.recording import Prepared
    from lapor_cli.sla import SlaRule

#: The columns of an import file (SPEC §5): ``catat``'s options with ``_`` for ``-``.
COLUMNS = (
    "nomor_formulir",
    "diterima",
    "kanal",
    "jenis",
    "uraian",
    "nama",
    "nik",
    "kk",
    "hp",
    "email",
    "alamat",
    "nomor_lapor",
    "anonim",
    "rahasia",
    "segera",
)
REQUIRED_COLUMNS = ("diterima", "kanal", "jenis", "uraian")
BOOL_COLUMNS = frozenset({"anonim", "rahasia", "segera"})
NUMBER_COLUMNS = ("nik", "kk", "hp", "nomor_lapor", "nomor_formulir")

#: Rows per Core insert and per spilled chunk.
BATCH = 2_000
#: Keys per ``IN (…)`` lookup of rows already in the register.
LOOKUP = 500
#: XLSX files up to this size are read by python-calamine (whole sheet in memory: ~100 MB
#: for 4 MB, about 50,000 rows); larger ones stream through openpyxl read-only.
CALAMINE_MAX_BYTES = 4 * 1024 * 1024
#: Files from this size on are checked in a second process while this one writes
#: (:func:`import_parallel`); smaller ones are checked first, then written, in one process.
PARALLEL_FROM_BYTES = 1024 * 1024
#: How the second process starts: a fork is instant where it is safe (Linux: the process has
#: no threads then); elsewhere a fresh interpreter imports what the check needs (~0.5 s).
START_METHOD = "fork" if sys.platform == "linux" else "spawn"
#: SQLite's page cache while an import writes, in KiB (its own default: 2,000): a cap, the
#: same for any size of file.
BULK_CACHE_KIB = 32 * 1024
#: A shown value is cut after this many characters.
SHOWN = 80

#: ``progress(phase, done, total)``: phase "periksa" (units: bytes of a CSV, rows of a
#: workbook), "tulis" (rows) or "impor" (checking and writing at once, in the check's units);
#: total None when unknown.
Progress = Callable[[str, int, int | None], None]


# ---------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem of one row: the spreadsheet row number (the header is row 1), the column,
    the value as the file gives it and the reason."""

    baris: int
    kolom: str | None
    nilai: str | None
    pesan: str

    def as_json(self) -> dict[str, object]:
        return {"baris": self.baris, "kolom": self.kolom, "nilai": self.nilai, "pesan": self.pesan}


class ImportRefused(LaporError):
    """The file has bad rows (or a bad header): nothing was written."""

    def __init__(
        self,
        errors: list[RowError],
        *,
        header_row: int | None = None,
        result: ImportResult | None = None,
    ) -> None:
        self.errors = errors
        self.result = result  # the whole report, when the refusal ended a write
        rows = sorted({e.baris for e in errors})
        shown = ", ".join(str(r) for r in rows[:10]) + (", …" if len(rows) > 10 else "")
        if header_row is not None and rows == [header_row]:
            text = f"judul kolom (baris {header_row}) bermasalah: {errors[0].pesan}"
            if len(errors) > 1:
                text += f" (dan {len(errors) - 1} masalah lain)"
            text += " Tidak ada yang ditulis."
        else:
            text = (
                f"{len(rows)} baris bermasalah (baris {shown}); tidak ada yang ditulis. "
                "Perbaiki berkasnya lalu impor lagi (periksa dulu dengan --uji)."
            )
        super().__init__(text)


@dataclass
class ImportResult:
    """What an import did (or, with ``uji``, would do)."""

    diimpor: int = 0
    dilewati: int = 0
    galat: list[RowError] = field(default_factory=list)
    peringatan: list[str] = field(default_factory=list)
    baris: int = 0
    uji: bool = False
    nomor_awal: str | None = None
    nomor_akhir: str | None = None
    header_row: int | None = None  # where the header was found (not part of the JSON)

    def as_json(self) -> dict[str, object]:
        return {
            "diimpor": self.diimpor,
            "dilewati": self.dilewati,
            "galat": [e.as_json() for e in self.galat],
            "peringatan": list(self.peringatan),
            "baris": self.baris,
            "uji": self.uji,
            "nomor_awal": self.nomor_awal,
            "nomor_akhir": self.nomor_akhir,
        }


# ---------------------------------------------------------------- reading


def column_key(name: object) -> str:
    """A header cell as a column name: case, surrounding spaces, ``-`` vs ``_`` and inner
    spaces do not matter (``" Nomor Formulir "`` → ``nomor_formulir``)."""
    text = "" if name is None else str(name)
    return "_".join(text.replace("-", " ").replace("_", " ").split()).lower()


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Sheet:
    """The rows of a file as the spreadsheet numbers them (header included)."""

    rows: Iterator[tuple[int, list[object]]]
    first_column: int  # the spreadsheet column of cells[0] (0 = A)
    position: Callable[[], int]  # progress units read so far
    total: int | None  # progress units in all


@contextmanager
def open_sheet(path: Path) -> Iterator[Sheet]:
    """Open a CSV or XLSX file (told apart by content, not by name) for streaming."""
    try:
        fh = path.open("rb")
    except FileNotFoundError:
        raise LaporError(f"Berkas {path} tidak ada.") from None
    except IsADirectoryError:
        raise LaporError(f"{path} adalah folder, bukan berkas CSV/XLSX.") from None
    except OSError as exc:
        raise LaporError(f"Berkas {path} tidak dapat dibuka: {exc.strerror}.") from None
    magic = fh.read(8)
    fh.seek(0)
    if magic.startswith(b"PK\x03\x04"):
        fh.close()
        with _xlsx_sheet(path) as sheet:
            yield sheet
        return
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        fh.close()
        raise LaporError(
            f"{path.name} adalah berkas Excel lama (.xls). Simpan sebagai .xlsx atau CSV UTF-8."
        )
    if magic.startswith((b"\xff\xfe", b"\xfe\xff")):
        fh.close()
        raise LaporError(
            f"{path.name} berenkode UTF-16. Simpan sebagai 'CSV UTF-8 (dipisah koma)' atau .xlsx."
        )
    text = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")
    try:
        yield _csv_sheet(path, fh, text)
    finally:
        text.close()


def _not_utf8(path: Path, row: int) -> LaporError:
    return LaporError(
        f"{path.name} bukan teks UTF-8 (sekitar baris {row}). Di Excel simpan sebagai "
        "'CSV UTF-8 (dipisah koma)', atau impor berkas .xlsx-nya."
    )


def _csv_sheet(path: Path, fh: IO[bytes], text: IO[str]) -> Sheet:
    """UTF-8 with or without BOM; the delimiter (comma or semicolon, as Excel in an
    Indonesian locale writes) is the one the header line uses more."""
    size = path.stat().st_size
    try:
        first = text.readline()
    except UnicodeDecodeError:
        raise _not_utf8(path, 1) from None
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(itertools.chain([first], text), delimiter=delimiter)

    def rows() -> Iterator[tuple[int, list[object]]]:
        number = 0
        try:
            for number, record in enumerate(reader, start=1):  # noqa: B007 - used below
                yield number, record
        except UnicodeDecodeError:
            raise _not_utf8(path, number + 1) from None
        except csv.Error as exc:
            if "field larger" in str(exc):
                raise LaporError(
                    f"{path.name}: sel di baris {number + 1} terlalu panjang (lebih dari "
                    f"{csv.field_size_limit()} karakter); periksa tanda kutipnya."
                ) from None
            raise LaporError(f"{path.name}: CSV rusak di baris {number + 1}: {exc}.") from None

    return Sheet(rows(), 0, fh.tell, size)


def _xlsx_cell(value: object) -> object:
    """A workbook cell as a plain value: empty → None; a whole number stays whole (NIKs and
    phone numbers typed as numbers come back as floats)."""
    if value is None or value == "":
        return None
    if type(value) is float and value.is_integer():
        return int(value)
    return value


@contextmanager
def _xlsx_sheet(path: Path) -> Iterator[Sheet]:
    """The sheet named ``Formulir`` (the template's), else the first sheet.

    python-calamine reads ~15× faster than openpyxl but holds the whole sheet in memory, so it
    reads files up to ``CALAMINE_MAX_BYTES``; larger ones stream through openpyxl in read-only
    mode, and memory stays flat however large the file is."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        CalamineWorkbook = None  # noqa: N806
    if CalamineWorkbook is None or path.stat().st_size > CALAMINE_MAX_BYTES:
        with _openpyxl_sheet(path) as sheet:
            yield sheet
        return
    try:
        book = CalamineWorkbook.from_path(str(path))
        names = book.sheet_names
        sheet = book.get_sheet_by_name(TEMPLATE_SHEET if TEMPLATE_SHEET in names else names[0])
    except Exception as exc:  # noqa: BLE001 - calamine's errors have no common base class
        raise LaporError(f"{path.name} tidak dapat dibaca sebagai XLSX: {exc}") from None
    start = sheet.start or (0, 0)
    total = sheet.height + start[0]
    done = 0

    def rows() -> Iterator[tuple[int, list[object]]]:
        nonlocal done
        # iter_rows starts at the sheet's first row but at the first used column.
        for done, row in enumerate(sheet.iter_rows(), start=1):  # noqa: B007
            yield done, [_xlsx_cell(v) for v in row]

    try:
        yield Sheet(rows(), start[1], lambda: done, total)
    finally:
        book.close()


@contextmanager
def _openpyxl_sheet(path: Path) -> Iterator[Sheet]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zip, XML and openpyxl errors alike
        raise LaporError(f"{path.name} tidak dapat dibaca sebagai XLSX: {exc}") from None
    ws = book[TEMPLATE_SHEET] if TEMPLATE_SHEET in book.sheetnames else book.worksheets[0]
    total = ws.max_row
    done = 0

    def rows() -> Iterator[tuple[int, list[object]]]:
        nonlocal done
        for done, row in enumerate(ws.iter_rows(values_only=True), start=1):  # noqa: B007
            yield done, [_xlsx_cell(v) for v in row]

    try:
        yield Sheet(rows(), 0, lambda: done, total)
    finally:
        book.close()


# ---------------------------------------------------------------- checking


def _shown(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        text = value.isoformat(sep=" ", timespec="minutes")
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value)
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


def _as_text(value: object) -> str:
    """A workbook value in a text column (``nomor_formulir`` typed as a date, a number…)."""
    if isinstance(value, datetime):
        if value.hour == value.minute == value.second == 0:
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def map_header(
    cells: list[object], first_column: int, row: int = 1
) -> tuple[list[str | None], list[RowError]]:
    """Column names by position (None: a column without a title) and the problems of the
    header (found on spreadsheet row ``row``)."""
    names: list[str | None] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = column_key(cell)
        letter = column_letter(first_column + index)
        if not key:
            names.append(None)
            continue
        if key not in COLUMNS:
            errors.append(
                RowError(
                    row,
                    str(cell).strip(),
                    _shown(str(cell).strip()),
                    f"Kolom {str(cell).strip()!r} (kolom {letter}) tidak dikenal. Kolom yang "
                    f"dikenal: {', '.join(COLUMNS)}. Ganti judulnya atau hapus kolom itu.",
                )
            )
            names.append(None)
            continue
        if key in seen:
            errors.append(
                RowError(
                    row,
                    key,
                    _shown(cell),
                    f"Kolom {key} muncul dua kali (kolom {column_letter(first_column + seen[key])}"
                    f" dan {letter}). Hapus salah satunya.",
                )
            )
        seen[key] = index
        names.append(key)
    for key in REQUIRED_COLUMNS:
        if key not in seen:
            errors.append(
                RowError(
                    row,
                    key,
                    None,
                    f"Kolom wajib {key!r} tidak ada di baris judul. Tambahkan kolom itu "
                    "(buat templat dengan `lapor impor --templat FILE.xlsx`).",
                )
            )
    return names, errors


_MISSING_DATE = (
    "Tanggal diterima wajib diisi: formulir kertas selalu bertanggal. Salin tanggal dari "
    "formulirnya (2026-11-23, 2026-11-23 14:05 atau 23/11/2026)."
)


_MASK = (1 << 64) - 1


def _packed(row: int, sidik: str | None) -> int:
    """A row number and (a hash of) its fingerprint in one int: per-row memory stays small."""
    return (row << 64) | (hash(sidik) & _MASK)


def _row_of(packed: int) -> int:
    return packed >> 64


def _content(packed: int) -> int:
    return packed & _MASK


def _row_key(data: CaseInput, sidik: str) -> str:
    """The import's key: the paper form's number, else the content's fingerprint."""
    if data.nomor_formulir:
        return "f" + data.nomor_formulir
    return "s" + sidik


@dataclass
class Checked:
    """A file after the check: its problems, and its good rows spilled to a temporary file."""

    rows: int = 0  # data rows read (empty rows are not counted)
    header_row: int | None = None
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    repeated: int = 0  # rows that repeat an earlier row of the same file
    keys: dict[str, int] = field(default_factory=dict)  # key → _packed(row, fingerprint)
    count: int = 0  # good, distinct rows spilled
    spill: IO[bytes] | None = None

    def cases(self) -> Iterator[list[tuple[int, CaseInput, str]]]:
        """The spilled rows again, in file order, in chunks of (row, case, fingerprint)."""
        if self.spill is None:
            return
        self.spill.seek(0)
        while True:
            try:
                yield pickle.load(self.spill)  # noqa: S301 - our own temporary file
            except EOFError:
                return

    def spill_chunk(self, chunk: list[tuple[int, CaseInput, str]]) -> None:
        """Keep good rows in the temporary spill file."""
        if self.spill is None:
            self.spill = tempfile.TemporaryFile(prefix="lapor-impor-")  # noqa: SIM115
        pickle.dump(chunk, self.spill, protocol=pickle.HIGHEST_PROTOCOL)

    def close(self) -> None:
        if self.spill is not None:
            self.spill.close()
            self.spill = None


def check_file(
    path: Path,
    *,
    now: datetime,
    petugas: str,
    progress: Progress | None = None,
) -> Checked:
    """Read and check every row of ``path``; nothing is written to the register. Good rows
    wait in a temporary spill file (``Checked.cases()``)."""
    checked = Checked()
    try:
        _check_into(
            checked, path, now=now, petugas=petugas, sink=checked.spill_chunk, progress=progress
        )
    except BaseException:
        checked.close()
        raise
    return checked


def _check_into(
    checked: Checked,
    path: Path,
    *,
    now: datetime,
    petugas: str,
    sink: Callable[[list[tuple[int, CaseInput, str]]], None],
    progress: Progress | None = None,
    first_error: Callable[[], None] | None = None,
) -> None:
    """Check every row of ``path`` into ``checked``, handing good rows to ``sink`` in chunks
    (until the first problem: a refused file needs no good rows). ``first_error`` is told
    at once when the first problem is found."""
    officer = clean_text("petugas", petugas) or "petugas"
    numeric: list[int] = []
    with open_sheet(path) as sheet:
        _check_rows(
            sheet,
            checked,
            now=now,
            officer=officer,
            numeric=numeric,
            progress=progress,
            sink=sink,
            first_error=first_error,
        )
    if numeric:
        shown = ", ".join(str(r) for r in numeric[:5]) + (", …" if len(numeric) > 5 else "")
        checked.warnings.append(
            f"NIK/KK di {len(numeric)} baris (baris {shown}) tersimpan sebagai angka, bukan "
            "teks. Excel hanya menyimpan 15 digit angka, jadi digit ke-16 bisa berubah menjadi "
            "0: cocokkan dengan formulirnya, dan format kolom nik/kk sebagai Teks."
        )


def _check_rows(
    sheet: Sheet,
    checked: Checked,
    *,
    now: datetime,
    officer: str,
    numeric: list[int],
    progress: Progress | None,
    sink: Callable[[list[tuple[int, CaseInput, str]]], None],
    first_error: Callable[[], None] | None,
) -> None:
    names: list[str | None] | None = None
    columns: list[tuple[int, str]] = []
    chunk: list[tuple[int, CaseInput, str]] = []
    keys = checked.keys
    errors = checked.errors
    for number, cells in sheet.rows:
        if first_error is not None and errors:
            first_error()
            first_error = None
        if names is None:
            if not any(c is not None and str(c).strip() for c in cells):
                continue  # empty rows above the header
            checked.header_row = number
            names, header_errors = map_header(cells, sheet.first_column, number)
            if header_errors:
                errors.extend(header_errors)
                return
            columns = [(i, name) for i, name in enumerate(names) if name]
            position = {name: i for i, name in columns}
            untitled = [i for i, name in enumerate(names) if name is None]
            width = len(names)
            continue
        raw: dict[str, object] = {}
        for index, name in columns:
            if index >= len(cells):
                continue
            value = cells[index]
            if value is None:
                continue
            if type(value) is str:
                if not value.strip():
                    continue
            elif name in BOOL_COLUMNS or (name == "diterima" and isinstance(value, date)):
                pass  # parse_bool takes 0/1 and booleans, parse_datetime dates
            else:
                if name in ("nik", "kk") and type(value) is int:
                    numeric.append(number)
                value = _as_text(value)
            raw[name] = value
        stray = [
            (i, cells[i])
            for i in itertools.chain(untitled, range(width, len(cells)))
            if i < len(cells) and cells[i] is not None and str(cells[i]).strip()
        ]
        if not raw and not stray:
            continue  # an empty row
        checked.rows += 1
        if checked.rows % 1_000 == 0 and progress is not None:
            progress("periksa", sheet.position(), sheet.total)
        raw["petugas"] = officer
        data, problems = validate_case(raw, now=now)
        if stray or problems or "diterima" not in raw:
            found = [
                (
                    index,
                    RowError(
                        number,
                        None,
                        _shown(value),
                        f"Ada isian di kolom {column_letter(sheet.first_column + index)} yang "
                        "tidak berjudul. Beri judul kolom yang dikenal atau hapus isiannya.",
                    ),
                )
                for index, value in stray
            ]
            if "diterima" not in raw:
                found.append(
                    (position["diterima"], RowError(number, "diterima", None, _MISSING_DATE))
                )
            found.extend(
                (
                    position.get(p.field, width),
                    RowError(number, p.field, _shown(raw.get(p.field)), p.message),
                )
                for p in problems
            )
            found.sort(key=lambda item: item[0])  # in the file's column order
            errors.extend(error for _, error in found)
            continue
        sidik = data.fingerprint()
        key = _row_key(data, sidik)
        earlier = keys.get(key)
        if earlier is not None:
            if _content(earlier) != _content(_packed(number, sidik)):
                errors.append(
                    RowError(
                        number,
                        "nomor_formulir",
                        _shown(data.nomor_formulir),
                        f"Nomor formulir {data.nomor_formulir} sudah dipakai baris "
                        f"{_row_of(earlier)} "
                        "dengan isi yang berbeda. Periksa nomor formulirnya.",
                    )
                )
            else:
                checked.repeated += 1
            continue
        keys[key] = _packed(number, sidik)
        if errors:
            continue  # the file will be refused: no need to keep good rows any more
        chunk.append((number, data, sidik))
        if len(chunk) >= BATCH:
            sink(chunk)
            checked.count += len(chunk)
            chunk = []
    if names is None:
        checked.header_row = 1
        errors.append(
            RowError(1, None, None, "Berkas kosong: tidak ada baris judul. Pakai templatnya.")
        )
    if chunk and not errors:
        sink(chunk)
        checked.count += len(chunk)
    if first_error is not None and errors:
        first_error()
    if progress is not None:
        progress("periksa", sheet.total or sheet.position(), sheet.total)


# ---------------------------------------------------------------- writing


def existing_keys(
    session: Session, keys: dict[str, int], desk: DeskInfo, *, up_to_id: int | None = None
) -> dict[str, tuple[str, int]]:
    """The keys already among ``desk``'s cases: key → (the case's number, _packed(0,
    fingerprint)). Per desk: two offices' paper forms may well carry the same form number.
    ``up_to_id``: only cases up to that id (those before an import that is under way)."""
    import sqlalchemy as sa

    from lapor_cli.models import Case

    t = Case.__table__
    found: dict[str, tuple[str, int]] = {}
    for prefix, column in (("f", t.c.nomor_formulir), ("s", t.c.sidik)):
        wanted = [k[1:] for k in keys if k[0] == prefix]
        for start in range(0, len(wanted), LOOKUP):
            part = wanted[start : start + LOOKUP]
            # The desk is compared here, not in SQL: a planner without statistics would read
            # the desk's every case through its index instead of looking the keys up.
            query = sa.select(column, t.c.nomor, t.c.sidik, t.c.meja, t.c.id)
            query = query.where(column.in_(part)).order_by(t.c.id)
            for value, nomor, sidik, meja, case_id in session.execute(query):
                if meja == desk.kode and (up_to_id is None or case_id <= up_to_id):
                    found.setdefault(prefix + value, (nomor, _packed(0, sidik)))
    return found


def _register_notes(keys: dict[str, int], found: dict[str, tuple[str, int]]) -> list[str]:
    """Rows skipped because their form number is in the register with other content."""
    differing = [
        (_row_of(keys[k]), k[1:], nomor)
        for k, (nomor, packed) in found.items()
        if k[0] == "f" and _content(packed) != _content(keys[k])
    ]
    if not differing:
        return []
    differing.sort()
    shown = "; ".join(f"baris {r}: {f} = {n}" for r, f, n in differing[:5])
    more = f"; dan {len(differing) - 5} lagi" if len(differing) > 5 else ""
    return [
        f"{len(differing)} baris dilewati karena nomor formulirnya sudah ada di register dengan "
        f"isi yang berbeda ({shown}{more}). Periksa kasus itu dengan `lapor lihat NOMOR`."
    ]


def preview(session: Session, checked: Checked, desk: DeskInfo) -> ImportResult:
    """``--uji``: what an import for ``desk`` would do, from a read-only look at the register."""
    found = existing_keys(session, checked.keys, desk)
    return ImportResult(
        diimpor=checked.count - len(found),
        dilewati=checked.repeated + len(found),
        peringatan=[*checked.warnings, *_register_notes(checked.keys, found)],
        baris=checked.rows,
        uji=True,
    )


class _Writer:
    """Writes checked rows as ``desk``'s cases, chunk by chunk, into ``result``; the caller
    holds the write transaction."""

    def __init__(
        self,
        session: Session,
        result: ImportResult,
        *,
        now: datetime,
        settings: dict[str, str],
        desk: DeskInfo,
    ) -> None:
        from lapor_cli import recording
        from lapor_cli.deadlines import Deadlines

        self.recording = recording
        self.session, self.result, self.now, self.desk = session, result, now, desk
        #: The rule of every (kanal, jenis, segera) under the register's profile.
        self.rules = Deadlines(session).rules_for_new(settings["profil_sla"])
        connection = session.connection()
        if connection.dialect.name == "sqlite":
            # New entries land all over five indexes of kasus (nik, hp, sidik, diterima,
            # meja+diterima): a page cache above SQLite's 2 MB keeps their pages from being
            # written out and read back before the commit. This connection, this command.
            connection.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")

    def write(self, rows: list[tuple[CaseInput, str]]) -> None:
        """Record (case, fingerprint) pairs under the next numbers of the desk's year."""
        now, rules = self.now, self.rules
        prepare = self.recording.prepare_case
        self.write_prepared(
            [prepare(d, rules[d.kanal, d.jenis, d.segera], s, now=now) for d, s in rows]
        )

    def write_prepared(self, items: list[Prepared]) -> None:
        """Record cases ``prepare_case`` made (with this ``now`` and these rules)."""
        if not items:
            return
        recording, session, desk = self.recording, self.session, self.desk
        first = recording.reserve_numbers(session, desk.prefiks, self.now.year, len(items))
        given = recording.write_prepared(
            session, items, now=self.now, desk=desk, first_urut=first
        )
        result = self.result
        result.diimpor += len(given)
        if result.nomor_awal is None:
            result.nomor_awal = given[0]
        result.nomor_akhir = given[-1]


def write_checked(
    session: Session,
    checked: Checked,
    *,
    now: datetime,
    settings: dict[str, str],
    desk: DeskInfo,
    progress: Progress | None = None,
) -> ImportResult:
    """Write a checked file's new rows as ``desk``'s cases; the caller holds the write
    transaction."""
    if checked.errors:
        raise ImportRefused(checked.errors, header_row=checked.header_row)
    found = existing_keys(session, checked.keys, desk)
    result = ImportResult(
        dilewati=checked.repeated + len(found),
        peringatan=[*checked.warnings, *_register_notes(checked.keys, found)],
        baris=checked.rows,
    )
    todo = checked.count - len(found)
    if todo <= 0:
        return result
    writer = _Writer(session, result, now=now, settings=settings, desk=desk)
    for chunk in checked.cases():
        writer.write([(d, s) for _n, d, s in chunk if _row_key(d, s) not in found])
        if progress is not None:
            progress("tulis", result.diimpor, todo)
    if result.diimpor != todo:  # the spill and the keys disagree: a bug, not user input
        raise RuntimeError(f"impor: {result.diimpor} ditulis, {todo} diharapkan")
    return result


# ---------------------------------------------------------------- checking while writing


def import_parallel(
    session: Session,
    path: Path,
    *,
    now: datetime,
    petugas: str,
    settings: dict[str, str],
    desk: DeskInfo,
    progress: Progress | None = None,
) -> ImportResult:
    """Check ``path`` in a second process while this one writes the rows it has passed, in
    the caller's write transaction: a large file takes about as long as the slower of the two
    halves instead of their sum.

    The writing is speculative: at the first bad row the transaction is rolled back (the
    register is free again at once), the check goes on to name every bad row, and
    :class:`ImportRefused` (carrying the whole result) is raised, so the caller's transaction
    ends without a write as well. Progress: phase "impor", in the check's units."""
    import multiprocessing

    context = multiprocessing.get_context(START_METHOD)
    receiving, sending = context.Pipe(duplex=False)
    result = ImportResult()
    writer = _Writer(session, result, now=now, settings=settings, desk=desk)
    # Rows are looked up chunk by chunk while earlier chunks go in: only the cases there
    # before this import count as "already there", as when the whole file is looked up first.
    before = _last_case_id(session)
    worker = context.Process(
        target=_check_worker,
        args=(receiving, sending, path, now, petugas, writer.rules),
        name="lapor-impor-periksa",
        daemon=True,
    )
    worker.start()
    sending.close()
    keys: dict[str, int] = {}  # of rows found in the register: for the notes
    found: dict[str, tuple[str, int]] = {}
    refused = False
    try:
        while True:
            try:
                kind, *body = receiving.recv()
            except EOFError:
                raise LaporError(
                    "Pemeriksaan berkas berhenti tiba-tiba; tidak ada yang ditulis."
                ) from None
            if kind == "rows":
                if refused:
                    continue  # (never sent after a bad row; nothing to write anyway)
                chunk = body[0]
                chunk_keys = {key: _packed(n, sidik) for n, key, sidik, _item in chunk}
                there = existing_keys(session, chunk_keys, desk, up_to_id=before)
                if there:
                    found.update(there)
                    keys.update((k, chunk_keys[k]) for k in there)
                    writer.write_prepared([c[3] for c in chunk if c[1] not in there])
                else:
                    writer.write_prepared([c[3] for c in chunk])
            elif kind == "progress":
                if progress is not None:
                    progress("impor", body[0], body[1])
            elif kind == "bad":
                refused = True
                session.rollback()  # frees the register now; the check goes on for the report
            elif kind == "end":
                rows, header_row, errors, warnings, repeated = body
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
        session.rollback()
        raise ImportRefused(
            errors,
            header_row=header_row,
            result=ImportResult(
                galat=errors, peringatan=warnings, baris=rows, header_row=header_row
            ),
        )
    result.dilewati = repeated + len(found)
    result.peringatan = [*warnings, *_register_notes(keys, found)]
    result.baris = rows
    return result


def _last_case_id(session: Session) -> int:
    import sqlalchemy as sa

    from lapor_cli.models import Case

    return session.execute(sa.select(sa.func.max(Case.__table__.c.id))).scalar() or 0


def _check_worker(
    receiving: Connection,
    sending: Connection,
    path: Path,
    now: datetime,
    petugas: str,
    rules: dict[tuple[str, str, bool], SlaRule],
) -> None:
    """The second process of :func:`import_parallel`: check the file, prepare its good rows
    as far as they can be without the register (``prepare_case``) and send what it finds."""
    import signal

    from lapor_cli.recording import prepare_case

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the writer's to handle
    receiving.close()  # else a writer that died would leave this one blocked on a full pipe

    def send_rows(chunk: list[tuple[int, CaseInput, str]]) -> None:
        prepared = [
            (
                number,
                _row_key(data, sidik),
                sidik,
                prepare_case(data, rules[data.kanal, data.jenis, data.segera], sidik, now=now),
            )
            for number, data, sidik in chunk
        ]
        sending.send(("rows", prepared))

    checked = Checked()
    try:
        _check_into(
            checked,
            path,
            now=now,
            petugas=petugas,
            sink=send_rows,
            progress=lambda _phase, done, total: sending.send(("progress", done, total)),
            first_error=lambda: sending.send(("bad",)),
        )
        sending.send(
            (
                "end",
                checked.rows,
                checked.header_row,
                checked.errors,
                checked.warnings,
                checked.repeated,
            )
        )
    except (BrokenPipeError, ConnectionResetError):
        pass  # the writer is gone (stopped, killed): nobody to tell
    except LaporError as exc:
        _send_last(sending, ("error", exc.message))
    except BaseException:  # noqa: BLE001 - reported to the writer, which raises it
        import traceback

        _send_last(sending, ("crash", traceback.format_exc()))
    finally:
        sending.close()


def _send_last(sending: Connection, message: tuple[object, ...]) -> None:
    try:
        sending.send(message)
    except (BrokenPipeError, ConnectionResetError):
        pass


# ---------------------------------------------------------------- the template

TEMPLATE_SHEET = "Formulir"
HELP_SHEET = "Petunjuk"
TEMPLATE_ROWS = 1_048_576  # drop-downs and formats run to the sheet's last row

#: Column → (wajib?, explanation, example) for the 'Petunjuk' sheet.
COLUMN_HELP: dict[str, tuple[str, str, str]] = {
    "nomor_formulir": (
        "dianjurkan",
        "Nomor formulir kertas. Baris yang nomor formulirnya sudah ada di register dilewati, "
        "jadi berkas yang sama aman diimpor dua kali. Tanpa nomor formulir, isi barislah yang "
        "dibandingkan.",
        "F-2026-0001",
    ),
    "diterima": (
        "wajib",
        "Tanggal (dan jam) formulir diterima, disalin dari formulirnya. Tulis 2026-11-23, "
        "2026-11-23 14:05 atau 23/11/2026 (hari dulu), atau isian tanggal Excel. Tidak boleh "
        "di masa depan.",
        "2026-11-20 09:15",
    ),
    "kanal": (
        "wajib",
        "Kanal masuk; pilih dari daftar: " + "{kanal}.",
        "kotak-saran",
    ),
    "jenis": (
        "wajib",
        "aduan (pengaduan), aspirasi (saran) atau informasi (permintaan informasi).",
        "aduan",
    ),
    "uraian": ("wajib", "Isi aduan/aspirasi/permintaan seperti tertulis di formulir.", ""),
    "nama": ("wajib kecuali anonim", "Nama pelapor.", "Siti Aminah"),
    "nik": (
        "tidak",
        "NIK pelapor, 16 digit sesuai KTP. Kolom ini berformat Teks agar Excel tidak "
        "membulatkan digit terakhir.",
        "3171014101900001",
    ),
    "kk": ("tidak", "Nomor Kartu Keluarga, 16 digit.", "3171010101090001"),
    "hp": (
        "tidak",
        "Nomor HP/telepon pelapor; disimpan sebagai +62…",
        "0812-3456-7890",
    ),
    "email": ("tidak", "Email pelapor.", "siti@contoh.id"),
    "alamat": ("tidak", "Alamat pelapor.", "Jl. Merdeka 1, Kupang"),
    "nomor_lapor": (
        "tidak",
        "Nomor tiket SP4N-LAPOR! bila laporan datang dari SP4N-LAPOR!.",
        "",
    ),
    "anonim": (
        "tidak",
        "ya = identitas pelapor tidak disimpan; kosongkan nama, nik, kk, hp, email dan alamat.",
        "tidak",
    ),
    "rahasia": (
        "tidak",
        "ya = isi laporan rahasia: tidak tampil di daftar dan ekspor.",
        "tidak",
    ),
    "segera": (
        "tidak",
        "ya = kasus mendesak (profil SLA boleh memberi batas waktu lebih pendek).",
        "tidak",
    ),
}

GENERAL_HELP = (
    "Satu baris = satu formulir kertas. Baris 1 adalah judul kolom: jangan diubah.",
    "Ya/tidak boleh ditulis ya/tidak, y/t, 1/0 atau true/false; kosong berarti tidak.",
    "Periksa dulu tanpa menulis apa pun: lapor impor BERKAS.xlsx --uji",
    "Semua atau tidak sama sekali: bila ada baris yang salah, tidak ada yang ditulis dan "
    "setiap baris yang salah disebut dengan nomor baris, kolom dan alasannya.",
    "Mengimpor berkas yang sama lagi tidak menggandakan kasus (lihat kolom nomor_formulir).",
    "Berkas CSV juga diterima (UTF-8, dipisah koma atau titik koma) dengan judul kolom yang sama.",
)


def write_template(path: Path) -> None:
    """A blank import workbook: the headers, drop-downs for the value lists, a date format
    for ``diterima``, text format for the number columns, and a 'Petunjuk' sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from lapor_cli.references import JENIS, KANAL

    if path.suffix.lower() != ".xlsx":
        raise ValidationError("templat", f"Templat harus berkas .xlsx (diberikan {path.name}).")
    book = Workbook()
    ws = book.active
    ws.title = TEMPLATE_SHEET
    ws.append(list(COLUMNS))
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    letters = {name: column_letter(i) for i, name in enumerate(COLUMNS)}
    widths = {"uraian": 60, "alamat": 40, "nama": 28, "email": 28, "diterima": 18}
    for name, letter in letters.items():
        cell = ws[f"{letter}1"]
        cell.font, cell.fill = bold, fill
        dim = ws.column_dimensions[letter]
        dim.width = widths.get(name, max(12, len(name) + 4))
        if name == "diterima":
            dim.number_format = "yyyy-mm-dd hh:mm"
        elif name in NUMBER_COLUMNS:
            dim.number_format = "@"
        if name in ("uraian", "alamat"):
            dim.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"

    def choice(name: str, values: tuple[str, ...], prompt: str) -> None:
        rule = DataValidation(
            type="list",
            formula1='"' + ",".join(values) + '"',
            allow_blank=True,
            showErrorMessage=True,
            showInputMessage=True,
            errorTitle=f"{name} tidak dikenal",
            error=f"Pilih {name} dari daftar: {', '.join(values)}.",
            promptTitle=name,
            prompt=prompt,
        )
        rule.add(f"{letters[name]}2:{letters[name]}{TEMPLATE_ROWS}")
        ws.add_data_validation(rule)

    choice("kanal", KANAL, "Kanal masuk formulir ini.")
    choice("jenis", JENIS, "aduan, aspirasi atau informasi.")
    choice("anonim", ("ya", "tidak"), "ya = identitas pelapor tidak disimpan.")
    choice("rahasia", ("ya", "tidak"), "ya = isi laporan rahasia.")
    choice("segera", ("ya", "tidak"), "ya = kasus mendesak.")

    guide = book.create_sheet(HELP_SHEET)
    guide.append(["Petunjuk pengisian templat impor lapor-cli"])
    guide["A1"].font = Font(bold=True, size=14)
    guide.append([])
    for line in GENERAL_HELP:
        guide.append([line])
    guide.append([])
    guide.append(["Kolom", "Wajib", "Isi", "Contoh"])
    for cell in guide[guide.max_row]:
        cell.font, cell.fill = bold, fill
    for name in COLUMNS:
        wajib, text, example = COLUMN_HELP[name]
        guide.append([name, wajib, text.format(kanal=", ".join(KANAL)), example])
        guide.cell(guide.max_row, 4).number_format = "@"
    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["B"].width = 20
    guide.column_dimensions["C"].width = 90
    guide.column_dimensions["D"].width = 22
    for row in guide.iter_rows(min_row=guide.max_row - len(COLUMNS) + 1, min_col=3, max_col=3):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    book.save(path)
