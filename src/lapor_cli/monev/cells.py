"""The workbook's cells: number formats, register text that is never a formula, and a sheet
declared once as a table of :class:`Column` (header, width, value, kind of cell).

Text from the register is always a text cell, never a formula: openpyxl turns any ``str``
starting with ``=`` into a formula (and ``#N/A`` etc. into error values), so a value that
starts with ``= + - @ #``, a tab or a CR is written as a cell whose type is forced to text
(``t="inlineStr"``) and given Excel's *quotePrefix* style, which keeps it text even when
someone edits the cell later. The text itself is kept exactly as typed: no apostrophe or
invisible character is added, so what the citizen wrote is what the reader sees.

openpyxl is imported when a sheet is made, never on import: ``lapor rekap`` does not pay the
~200 ms it costs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lapor_cli.monev.figures import Monev

__all__ = [
    "DATE_FMT",
    "DATETIME_FMT",
    "DECIMAL",
    "DEC_FMT",
    "MOMENT",
    "PCT_FMT",
    "PERCENT",
    "PLAIN",
    "TEXT",
    "Column",
    "Sheet",
    "fit",
    "fit_text",
    "headers",
    "width",
]

DATETIME_FMT = "dd/mm/yyyy hh:mm"
DATE_FMT = "dd/mm/yyyy"
PCT_FMT = "0.0%"
DEC_FMT = "0.00"
RISKY_START = frozenset("=+-@#\t\r")
EXCEL_TEXT_LIMIT = 32_767
_ILLEGAL_XML = re.compile(r"[\000-\010\013\014\016-\037]")

# How a column's value becomes a cell.
PLAIN = "plain"  # as it is: numbers, and the program's own words (status, kanal, "ya")
TEXT = "text"  # text from the register: a text cell, never a formula
MOMENT = "moment"  # a datetime (dd/mm/yyyy hh:mm) or a date (dd/mm/yyyy)
PERCENT = "percent"  # a share, 0.0%
DECIMAL = "decimal"  # an average, 0.00

#: A column's width: a number, or one computed from the items the sheet lists and the report.
Width = float | Callable[[Sequence[Any], "Monev"], float]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a sheet. ``value`` takes a row's items (the case list: a fact and its
    detail; the other sheets: one fact or one line) and returns what the cell shows."""

    header: str
    width: Width
    value: Callable[..., object]
    kind: str = PLAIN


def headers(columns: Sequence[Column]) -> tuple[str, ...]:
    return tuple(column.header for column in columns)


def width(*lengths: int, cap: int = 60, floor: int = 6) -> float:
    """A column width for text of the longest of ``lengths`` characters."""
    return float(min(cap, max(floor, *lengths) + 2))


def fit(attribute: str, *at_least: int, cap: int = 60, empty: int = 0) -> Width:
    """The width of the longest ``attribute`` of the items the sheet lists (``empty`` when it
    lists none), and at least ``at_least`` characters."""

    def measure(items: Sequence[Any], report: Monev) -> float:
        longest = max((len(getattr(item, attribute) or "") for item in items), default=empty)
        return width(longest, *at_least, cap=cap)

    return measure


def fit_text(key: str, *at_least: int, cap: int) -> Width:
    """The width of the month's longest free text ``key`` (measured while reading, since the
    texts themselves are only streamed to the sheet)."""

    def measure(items: Sequence[Any], report: Monev) -> float:
        return width(report.text_len.get(key, 0), *at_least, cap=cap)

    return measure


class Sheet:
    """A write-only sheet with the few cell kinds the workbook needs."""

    def __init__(self, wb: Any, title: str) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill

        self.ws = wb.create_sheet(title)
        # Printed (or turned into PDF) as a reader expects: landscape, one page wide.
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.paperSize = "9"  # A4
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.rows = 0
        self._cell = WriteOnlyCell
        self._bold = Font(bold=True)
        self._title = Font(bold=True, size=14)
        self._fill = PatternFill("solid", fgColor="DDEBF7")
        self._wrap = Alignment(wrap_text=True, vertical="top")

    # -- a sheet declared as columns -------------------------------------------------------

    def start_table(self, columns: Sequence[Column], items: Sequence[Any], report: Monev) -> None:
        """Widths (fitted to ``items``), the header row, frozen with the first column."""
        self.widths(c.width(items, report) if callable(c.width) else c.width for c in columns)
        self.ws.freeze_panes = "B2"
        self.header(headers(columns))

    def table_rows(
        self,
        columns: Sequence[Column],
        rows: Iterable[tuple[Any, ...]],
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """One sheet row per ``rows`` item (the arguments of the columns' ``value``); with
        ``progress``, told the rows written every 1,000 rows and at the end."""
        plan = self._plan(columns)
        append = self.ws.append
        done = 0
        for row in rows:
            append([get(*row) if make is None else make(get(*row)) for get, make in plan])
            done += 1
            if progress is not None and done % 1000 == 0:
                progress(done)
        self.rows += done
        if progress is not None:
            progress(done)
        return done

    def cells(self, columns: Sequence[Column], *items: Any) -> list[object]:
        """One row's cells, as :meth:`table_rows` writes them."""
        return [
            get(*items) if make is None else make(get(*items)) for get, make in self._plan(columns)
        ]

    def autofilter(self, columns: Sequence[Column], last_row: int) -> None:
        """An autofilter over the header in row 1 and the data rows below it."""
        from openpyxl.utils import get_column_letter

        self.ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(last_row, 1)}"

    def _plan(
        self, columns: Sequence[Column]
    ) -> list[tuple[Callable[..., object], Callable[[Any], object] | None]]:
        """Each column's getter and what makes its value a cell (None: the value as it is)."""
        return [(c.value, self._maker(c.kind)) for c in columns]

    def _maker(self, kind: str) -> Callable[[Any], object] | None:
        if kind == PLAIN:
            return None
        if kind == TEXT:
            return self.text
        if kind == MOMENT:
            return self.moment
        fmt = {PERCENT: PCT_FMT, DECIMAL: DEC_FMT}[kind]
        return lambda value: self.styled(value, fmt=fmt)

    # -- cells -----------------------------------------------------------------------------

    def widths(self, widths: Iterable[float]) -> None:
        from openpyxl.utils import get_column_letter

        for i, value in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = value

    def append(self, row: Iterable[object]) -> int:
        self.ws.append(list(row))
        self.rows += 1
        return self.rows

    def moment(self, value: Any) -> object:
        """A datetime or a date, in the Indonesian day-first order."""
        if value is None:
            return None
        cell = self._cell(self.ws)
        cell.number_format = DATETIME_FMT if isinstance(value, datetime) else DATE_FMT
        cell.value = value
        return cell

    def styled(self, value: object, *, fmt: str | None = None, bold: bool = False) -> object:
        if value is None:
            return None
        cell = self._cell(self.ws)
        if fmt:
            cell.number_format = fmt
        if bold:
            cell.font = self._bold
        if isinstance(value, str):
            return self.text(value, cell=cell)
        cell.value = value
        return cell

    def text(self, value: str | None, *, cell: Any = None) -> object:
        """A register text as a text cell, never a formula (see the module docstring)."""
        if not value:
            return None
        risky = value[0] in RISKY_START
        if _ILLEGAL_XML.search(value):  # refused on input; never a crash on output
            value = _ILLEGAL_XML.sub("\ufffd", value)
        if "\r" in value:  # XML reads a bare CR back as LF anyway: say so explicitly
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        if len(value) > EXCEL_TEXT_LIMIT:
            value = value[: EXCEL_TEXT_LIMIT - 1] + "…"
        if cell is None and not risky:
            return value  # openpyxl writes it as an inline string
        cell = cell if cell is not None else self._cell(self.ws)
        cell.value = value  # "=…" binds as a formula and "#N/A" as an error value, so:
        cell.data_type = "s"
        if risky:
            cell.quotePrefix = True
        return cell

    def header(self, labels: Iterable[str]) -> int:
        cells = []
        for label in labels:
            cell = self._cell(self.ws, label)
            cell.font = self._bold
            cell.fill = self._fill
            cell.alignment = self._wrap
            cells.append(cell)
        return self.append(cells)

    def title(self, text: str) -> int:
        cell = self.text(text, cell=self._cell(self.ws))
        cell.font = self._title  # type: ignore[union-attr]
        return self.append([cell])
