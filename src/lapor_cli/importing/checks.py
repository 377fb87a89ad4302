"""Checking an import file: every row is read (:mod:`.sheets`) and put through
:func:`lapor_cli.validation.validate_case`, the one path ``catat`` uses too, and every problem
is collected with its spreadsheet row number. Nothing is written to the register here.

Good rows are handed on in chunks of ``BATCH``: :func:`check_file` spills them to a temporary
file in compact form (:class:`Checked`), the second process of an import that checks while it
writes (:mod:`.parallel`) sends them to the writer. Only each good row's key
(:func:`row_key`) is kept in memory, to find rows that repeat an earlier row of the same file;
of the bad rows only the first ``MAX_LISTED_ROWS`` keep their problems, the others are counted.
"""

from __future__ import annotations

import itertools
import pickle
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

from lapor_cli.importing.columns import BOOL_COLUMNS, column_letter
from lapor_cli.importing.results import Progress, RowError, shown
from lapor_cli.importing.sheets import Sheet, map_header, open_sheet
from lapor_cli.indonesian import angka
from lapor_cli.validation import CaseInput, clean_text, validate_case

if TYPE_CHECKING:
    from lapor_cli.errors import ValidationError

#: Good rows per chunk: per spilled chunk, per message to the writer, per bulk insert. Small:
#: the writer starts on the first chunk sooner and has less left after the check's last.
BATCH = 500
#: How an old receipt date (an earlier year, or more than 30 days ago) is confirmed: for the
#: whole file at once.
CONFIRM_OLD = "impor lagi dengan --lama (berlaku untuk seluruh berkas)"
#: Bad rows whose problems are kept and listed; the others are only counted (a file of 1.16
#: million bad rows held every problem in memory: 737 MB). A screen shows 1,000 problems.
MAX_LISTED_ROWS = 1_000
#: Cells under no header named per row (more are one problem more, with their count): a CSV
#: line of a million commas is not a million problems.
STRAY_NAMED = 3
#: Rows listed in the warning about NIKs stored as numbers.
NUMERIC_NAMED = 5

#: (spreadsheet row, case, fingerprint): a good row as it is handed on.
GoodRow = tuple[int, CaseInput, str]


def _as_text(value: object) -> str:
    """A workbook value in a text column (``nomor_formulir`` typed as a date, a number…)."""
    if isinstance(value, datetime):
        if value.hour == value.minute == value.second == 0:
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


_MISSING_DATE = (
    "Tanggal diterima wajib diisi: formulir kertas selalu bertanggal. Salin tanggal dari "
    "formulirnya (mis. 2026-11-23, 23/11/2026 14.05 atau 23 November 2026)."
)


_MASK = (1 << 64) - 1


def packed_row(row: int, sidik: str | None) -> int:
    """A row number and (a hash of) its fingerprint in one int: per-row memory stays small."""
    return (row << 64) | (hash(sidik) & _MASK)


def row_of(packed: int) -> int:
    return packed >> 64


def content_of(packed: int) -> int:
    return packed & _MASK


def row_key(data: CaseInput, sidik: str) -> str:
    """The import's key: the paper form's number, else the content's fingerprint."""
    if data.nomor_formulir:
        return "f" + data.nomor_formulir
    return "s" + sidik


@dataclass
class Checked:
    """A file after the check: its problems, and its good rows spilled to a temporary file."""

    rows: int = 0  # data rows read (empty rows are not counted)
    header_row: int | None = None
    errors: list[RowError] = field(default_factory=list)  # of the first MAX_LISTED_ROWS
    bad_rows: int = 0  # bad rows in all (a bad header counts as one)
    warnings: list[str] = field(default_factory=list)
    repeated: int = 0  # rows that repeat an earlier row of the same file
    keys: dict[str, int] = field(default_factory=dict)  # key → packed_row(row, fingerprint)
    count: int = 0  # good, distinct rows spilled
    spill: IO[bytes] | None = None

    def bad_row(self, problems: list[RowError]) -> None:
        """One bad row more, with its problems (kept for the first ``MAX_LISTED_ROWS``)."""
        self.bad_rows += 1
        if self.bad_rows <= MAX_LISTED_ROWS:
            self.errors.extend(problems)

    def cases(self) -> Iterator[list[GoodRow]]:
        """The spilled rows again, in file order, in chunks of (row, case, fingerprint)."""
        if self.spill is None:
            return
        self.spill.seek(0)
        while True:
            try:
                yield pickle.load(self.spill)  # our own temporary file
            except EOFError:
                return

    def spill_chunk(self, chunk: list[GoodRow]) -> None:
        """Keep good rows in the temporary spill file."""
        if self.spill is None:
            self.spill = tempfile.TemporaryFile(prefix="lapor-impor-")
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
    lama: bool = False,
    progress: Progress | None = None,
) -> Checked:
    """Read and check every row of ``path``; nothing is written to the register. Good rows
    wait in a temporary spill file (``Checked.cases()``). ``lama``: old receipt dates are
    confirmed (``impor --lama``)."""
    checked = Checked()
    try:
        check_into(
            checked,
            path,
            now=now,
            petugas=petugas,
            lama=lama,
            sink=checked.spill_chunk,
            progress=progress,
        )
    except BaseException:
        checked.close()
        raise
    return checked


def check_into(
    checked: Checked,
    path: Path,
    *,
    now: datetime,
    petugas: str,
    sink: Callable[[list[GoodRow]], None],
    lama: bool = False,
    progress: Progress | None = None,
    first_error: Callable[[], None] | None = None,
) -> None:
    """Check every row of ``path`` into ``checked``, handing good rows to ``sink`` in chunks
    (until the first problem: a refused file needs no good rows). ``first_error`` is told
    at once when the first problem is found; ``lama`` confirms old receipt dates."""
    officer = clean_text("petugas", petugas) or "petugas"
    numeric = _Rows()
    with open_sheet(path) as sheet:
        _check_rows(
            sheet,
            checked,
            now=now,
            officer=officer,
            lama=lama,
            numeric=numeric,
            progress=progress,
            sink=sink,
            first_error=first_error,
        )
    if numeric.count:
        listed = ", ".join(map(str, numeric.first)) + (", …" if numeric.count > 5 else "")
        checked.warnings.append(
            f"NIK/KK di {numeric.count} baris (baris {listed}) tersimpan sebagai angka, bukan "
            "teks. Excel hanya menyimpan 15 digit angka, jadi digit ke-16 bisa berubah menjadi "
            "0: cocokkan dengan formulirnya, dan format kolom nik/kk sebagai Teks."
        )


@dataclass
class _Rows:
    """Rows with something in common: how many, and the first ``NUMERIC_NAMED``."""

    count: int = 0
    first: list[int] = field(default_factory=list)

    def add(self, row: int) -> None:
        self.count += 1
        if len(self.first) < NUMERIC_NAMED:
            self.first.append(row)


def _check_rows(
    sheet: Sheet,
    checked: Checked,
    *,
    now: datetime,
    officer: str,
    lama: bool,
    numeric: _Rows,
    progress: Progress | None,
    sink: Callable[[list[GoodRow]], None],
    first_error: Callable[[], None] | None,
) -> None:
    names: list[str | None] | None = None
    columns: list[tuple[int, str]] = []
    chunk: list[GoodRow] = []
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
                checked.bad_row(header_errors)
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
            elif name in ("nik", "kk") and type(value) is int:
                numeric.add(number)  # a number cell: Excel keeps 15 digits of it
                if name == "kk":
                    value = str(value)  # parse_nik tells a NIK's lost last digit by its type
            else:
                value = _as_text(value)
            raw[name] = value
        stray: list[tuple[int, object]] = []
        more_stray = 0
        if untitled or len(cells) > width:
            strays = (
                (i, cells[i])
                for i in itertools.chain(untitled, range(width, len(cells)))
                if i < len(cells) and cells[i] is not None and str(cells[i]).strip()
            )
            stray = list(itertools.islice(strays, STRAY_NAMED))
            more_stray = sum(1 for _ in strays)
        if not raw and not stray:
            continue  # an empty row
        checked.rows += 1
        if checked.rows % 1_000 == 0 and progress is not None:
            progress("periksa", sheet.position(), sheet.total)
        raw["petugas"] = officer
        data, problems = validate_case(raw, now=now, lama=lama, confirm_old=CONFIRM_OLD)
        if stray or problems or "diterima" not in raw:
            checked.bad_row(
                _row_errors(
                    number, raw, stray, more_stray, problems, position, width, sheet.first_column
                )
            )
            continue
        sidik = data.fingerprint()
        key = row_key(data, sidik)
        earlier = keys.get(key)
        if earlier is not None:
            if content_of(earlier) != content_of(packed_row(number, sidik)):
                checked.bad_row(
                    [
                        RowError(
                            number,
                            "nomor_formulir",
                            shown(data.nomor_formulir),
                            f"Nomor formulir {data.nomor_formulir} sudah dipakai baris "
                            f"{row_of(earlier)} "
                            "dengan isi yang berbeda. Periksa nomor formulirnya.",
                        )
                    ]
                )
            else:
                checked.repeated += 1
            continue
        keys[key] = packed_row(number, sidik)
        if errors:
            continue  # the file will be refused: no need to keep good rows any more
        chunk.append((number, data, sidik))
        if len(chunk) >= BATCH:
            sink(chunk)
            checked.count += len(chunk)
            chunk = []
    if names is None:
        checked.header_row = 1
        checked.bad_row(
            [RowError(1, None, None, "Berkas kosong: tidak ada baris judul. Pakai templatnya.")]
        )
    if chunk and not errors:
        sink(chunk)
        checked.count += len(chunk)
    if first_error is not None and errors:
        first_error()
    if progress is not None:
        progress("periksa", sheet.total or sheet.position(), sheet.total)


def _row_errors(
    number: int,
    raw: dict[str, object],
    stray: list[tuple[int, object]],
    more_stray: int,
    problems: list[ValidationError],
    position: dict[str, int],
    width: int,
    first_column: int,
) -> list[RowError]:
    """The problems of bad row ``number``, in the file's column order: values under no header
    (``stray``: cell index, value; and ``more_stray`` after them), a missing receipt date, and
    what the validation found."""
    found = [
        (
            index,
            RowError(
                number,
                None,
                shown(value),
                f"Ada isian di kolom {column_letter(first_column + index)} yang "
                "tidak berjudul. Beri judul kolom yang dikenal atau hapus isiannya.",
            ),
        )
        for index, value in stray
    ]
    if more_stray:
        found.append(
            (
                stray[-1][0],
                RowError(
                    number,
                    None,
                    None,
                    f"… dan {angka(more_stray)} isian lain di kolom tanpa judul sesudahnya. "
                    "Hapus isian di luar kolom berjudul.",
                ),
            )
        )
    if "diterima" not in raw:
        found.append((position["diterima"], RowError(number, "diterima", None, _MISSING_DATE)))
    found.extend(
        (
            position.get(p.field, width),
            RowError(number, p.field, shown(raw.get(p.field)), p.message),
        )
        for p in problems
    )
    found.sort(key=lambda item: item[0])  # in the file's column order
    return [error for _, error in found]
