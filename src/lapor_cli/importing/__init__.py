"""Paper forms in (SPEC §5): read a CSV or XLSX file, check every row, write it in one
transaction. Nothing is written unless every row is good; importing the same file again adds
nothing twice (key: ``nomor_formulir``, else the row's content).

1. The check (:func:`check_file`) streams the rows (:mod:`.sheets`), puts every row through
   :func:`lapor_cli.validation.validate_case` (the one path ``catat`` uses too) and collects
   every problem with its spreadsheet row number. Good rows are spilled to a temporary file;
   only each row's key is kept in memory, to find rows that repeat an earlier row of the file.
2. The write (:func:`write_checked`) runs under the write lock: rows whose key is already in
   the register are skipped, the numbers are reserved and the cases with their hash-chained
   ``catat`` entries go in as bulk inserts. A small file takes these two steps: no lock is
   held while it is checked.
3. A large file goes through :func:`import_parallel` instead: the same check runs in a second
   process while this one writes the rows it has passed; the first bad row rolls back.
   ``lapor impor`` starts that process before it opens the register
   (:func:`.parallel.start_check`, against a clock guessed from the register file's zone):
   the check overlaps the command's start-up and the register's opening.
4. :func:`run_import` is one import as ``lapor impor`` runs it: it picks the desk, then 1+2 or
   3. :func:`write_template` makes the blank XLSX template.

No clock, no terminal and no Typer or Rich here: "now", the officer and a progress callback
are passed in. The modules, each importing only those listed above it::

    results   RowError, ImportResult, ImportRefused, Progress: what an import reports
    columns   the columns, declared once (COLUMN_TABLE); header names, column letters
    xlsx_limits  what an XLSX file may unpack to, checked before it is read (survey)
    sheets    a CSV/XLSX file as numbered rows; the header row as column names
    checks    every row checked; good rows spilled (Checked) or handed on in chunks
    writing   checked rows written as a desk's cases; preview (--uji)
    parallel  a large file checked in a second process while this one writes
    template  the blank XLSX template
    run       run_import: the desk, then the small or the large way

Memory stays bounded whatever the file: a CSV line is read up to ``sheets.MAX_LINE_CHARS``,
an XLSX file is refused beyond the limits of :mod:`.xlsx_limits` before it is read, and of the
bad rows only the first ``checks.MAX_LISTED_ROWS`` keep their problems (the others are
counted). What grows with the file is each good row's key: ~220 bytes a row.

The tunable sizes live in, and are read from, their own module (patch them there):
``checks.BATCH``, ``checks.MAX_LISTED_ROWS``, ``sheets.CALAMINE_MAX_BYTES``,
``sheets.MAX_LINE_CHARS``, the limits of ``xlsx_limits``, ``writing.LOOKUP``,
``writing.BULK_CACHE_KIB``, ``parallel.START_METHOD`` and ``run.PARALLEL_FROM_BYTES``.
"""

from __future__ import annotations

from lapor_cli.importing.checks import Checked, check_file
from lapor_cli.importing.columns import (
    COLUMN_TABLE,
    COLUMNS,
    Column,
    column_key,
    column_letter,
)
from lapor_cli.importing.parallel import import_parallel
from lapor_cli.importing.results import ImportRefused, ImportResult, Progress, RowError
from lapor_cli.importing.run import Opened, Opener, file_size, run_import
from lapor_cli.importing.sheets import Sheet, map_header, open_sheet
from lapor_cli.importing.template import write_template
from lapor_cli.importing.writing import existing_keys, preview, write_checked

__all__ = [
    "COLUMNS",
    "COLUMN_TABLE",
    "Checked",
    "Column",
    "ImportRefused",
    "ImportResult",
    "Opened",
    "Opener",
    "Progress",
    "RowError",
    "Sheet",
    "check_file",
    "column_key",
    "column_letter",
    "existing_keys",
    "file_size",
    "import_parallel",
    "map_header",
    "open_sheet",
    "preview",
    "run_import",
    "write_checked",
    "write_template",
]
