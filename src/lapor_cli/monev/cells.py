"""The workbook's cells: number formats, register text that is never a formula, and a sheet
declared once as a table of :class:`Column` (header, width, value, kind of cell).

Text from the register is always a text cell, never a formula: openpyxl turns any ``str``
starting with ``=`` into a formula (and ``#N/A`` etc. into error values), so a value that
starts with ``= + - @ #``, a tab or a CR is written as a cell whose type is forced to text
(``t="inlineStr"``) and given Excel's *quotePrefix* style, which keeps it text even when
someone edits the cell later. The text itself is kept exactly as typed: no apostrophe or
invisible character is added, so what the citizen wrote is what the reader sees.

Every sheet is made to be printed (or turned into PDF) as a report: A4 landscape, fitted to
the page width, the header row repeated on every page, a page header with the office, the
period and the sheet, and "Halaman N dari M" at the foot (:class:`PageHead`). Wrapped text
(:data:`WRAPPED`) gets a row tall enough for its lines, since neither Excel nor LibreOffice
grows a row written with a stored height, and openpyxl's rows have one.

openpyxl is imported when a sheet is made, never on import: ``lapor rekap`` does not pay the
~200 ms it costs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from copy import copy
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
    "WRAPPED",
    "Column",
    "PageHead",
    "Sheet",
    "fit",
    "fit_text",
    "headers",
    "text_lines",
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
WRAPPED = "wrapped"  # text (register or label) wrapped within its column's width

#: One printed line of 11-point text, in points (a row's height is lines × this + a margin).
LINE_HEIGHT = 14.5
ROW_MARGIN = 2.0
#: The page: A4 landscape; margins in inches (room for the page header and footer).
MARGINS = {"left": 0.5, "right": 0.5, "top": 0.85, "bottom": 0.7, "header": 0.3, "footer": 0.3}
PAGE_FOOTER = "Halaman &P dari &N"
FONT = "Calibri"  # the workbook's own
#: Named cell styles for the many cells of tall rows: a style given by name is copied, where
#: an alignment given to each cell is looked up in the workbook's list every time (~5× the
#: cost of writing the row).
WRAP_STYLE = "lapor teks terlipat"
TOP_STYLE = "lapor rata atas"

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


@dataclass(frozen=True, slots=True)
class PageHead:
    """What every printed page says at its top: the office (left), the report and the sheet
    (centre), the moment the figures are taken (right)."""

    kantor: str
    judul: str
    keadaan: str


def _hf(text: str) -> str:
    """Text for a page header or footer: ``&`` starts a code there, so it is doubled."""
    return text.replace("&", "&&")


def text_lines(text: object, width: float, *, bold: bool = False) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` characters wide (words
    kept whole; a word longer than the line is broken). A slight overestimate: a row a little
    too tall reads well, one too short cuts the text."""
    if text is None or text == "":
        return 1
    per_line = max(4, int(width * (1.1 if bold else 1.15)) - 1)
    total = 0
    for paragraph in str(text).split("\n"):
        lines, used = 1, 0
        for word in paragraph.split():
            size = len(word)
            if used and used + 1 + size > per_line:
                lines, used = lines + 1, 0
            if size > per_line:  # broken across lines
                lines += (used + size - 1) // per_line
                used = (used + size) % per_line or per_line
            else:
                used += size + (1 if used else 0)
        total += lines
    return total


def row_height(lines: int) -> float:
    return round(lines * LINE_HEIGHT + ROW_MARGIN, 1)


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

    def __init__(self, wb: Any, title: str, head: PageHead | None = None) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill

        self.ws = ws = wb.create_sheet(title)
        # Printed (or turned into PDF) as a reader expects: A4 landscape, one page wide.
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        for side, inches in MARGINS.items():
            setattr(ws.page_margins, side, inches)
        if head is not None:
            for part, text in (
                (ws.oddHeader.left, head.kantor),
                (ws.oddHeader.center, head.judul),
                (ws.oddHeader.right, head.keadaan),
            ):
                part.text, part.size = _hf(text), 9
            ws.oddFooter.center.text, ws.oddFooter.center.size = PAGE_FOOTER, 9
        #: The height :meth:`append` gives a row that has none (None: the program's default).
        #: Ringkasan sets it, so that its page breaks know what a page holds: LibreOffice's
        #: default row is lower than Excel's and ignores the sheet's default height.
        self.row_points: float | None = None
        self.rows = 0
        self._widths: list[float] = []
        self._cell = WriteOnlyCell
        # named, or LibreOffice prints a bold cell in its default (serif) face
        self._bold = Font(name=FONT, bold=True)
        self._title = Font(name=FONT, bold=True, size=14)
        self._fill = PatternFill("solid", fgColor="DDEBF7")
        self._wrap = Alignment(wrap_text=True, vertical="top")
        self._add_styles(wb)
        self._looks = self._templates()

    def _add_styles(self, wb: Any) -> None:
        from openpyxl.styles import Alignment, Font, NamedStyle

        for name, alignment in (
            (WRAP_STYLE, self._wrap),
            (TOP_STYLE, Alignment(vertical="top")),
        ):
            if name not in wb.named_styles:  # the font named, as for the bold cells
                style = NamedStyle(name=name, font=Font(name=FONT, size=11), alignment=alignment)
                wb.add_named_style(style)

    def _templates(self) -> dict[str, Any]:
        """A cell of each look that many cells take: wrapped text; at the top of a tall row
        (a value, a date, a moment); a date and a moment in an ordinary row."""
        looks: dict[str, Any] = {}
        for key, style, fmt in (
            ("wrap", WRAP_STYLE, None),
            ("top", TOP_STYLE, None),
            ("top-date", TOP_STYLE, DATE_FMT),
            ("top-moment", TOP_STYLE, DATETIME_FMT),
            ("date", None, DATE_FMT),
            ("moment", None, DATETIME_FMT),
        ):
            cell = self._cell(self.ws)
            if style:
                cell.style = style
            if fmt:
                cell.number_format = fmt
            looks[key] = cell
        return looks

    def _new(self, look: str) -> Any:
        """A new cell looking like the template ``look``. openpyxl keeps a cell's look as one
        array of style ids and copies it when it copies a style; doing so here costs a
        microsecond, where setting the alignment or a named style looks it up in the
        workbook's lists every time (most of the time of a long case list)."""
        cell = self._cell(self.ws)
        like = self._looks[look]
        if hasattr(like, "_style"):
            cell._style = copy(like._style)
        else:  # an openpyxl that keeps styles otherwise: the slow, public way
            cell.style, cell.number_format = like.style, like.number_format
        return cell

    # -- a sheet declared as columns -------------------------------------------------------

    def start_table(
        self,
        columns: Sequence[Column],
        items: Sequence[Any],
        report: Monev,
        *,
        printed: int | None = None,
        gridlines: bool = True,
    ) -> None:
        """Widths (fitted to ``items``), the header row, frozen with the first column and
        repeated at the top of every printed page, its lines printed (``gridlines``: not
        under a chart); with ``printed``, the headers of the columns after the first
        ``printed`` (never printed) are grey."""
        self.widths(c.width(items, report) if callable(c.width) else c.width for c in columns)
        self.ws.freeze_panes = "B2"
        self.ws.print_title_rows = "1:1"
        self.ws.print_options.gridLines = gridlines  # a printed table needs its lines
        self.header(headers(columns), printed=printed)

    def table_rows(
        self,
        columns: Sequence[Column],
        rows: Iterable[tuple[Any, ...]],
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """One sheet row per ``rows`` item (the arguments of the columns' ``value``); with
        ``progress``, told the rows written every 1,000 rows and at the end."""
        plan = self._plan(columns)
        tall_plan = [self._tall_maker(c.kind) for c in columns]
        append = self.ws.append
        wrapped = [
            (i, self._widths[i] if i < len(self._widths) else 10.0)
            for i, c in enumerate(columns)
            if c.kind == WRAPPED
        ]
        dims = self.ws.row_dimensions
        done = 0
        for row in rows:
            values = [get(*row) for get, _make in plan]
            lines = max((text_lines(values[i], w) for i, w in wrapped if values[i]), default=1)
            if lines > 1:  # a tall row: every value at its top, as the wrapped text
                index = self.rows + done + 1
                dims[index].height = row_height(lines)
                append([make(v) for v, make in zip(values, tall_plan, strict=True)])
                del dims[index]  # written: 100,000 rows need not keep theirs
            else:
                append(
                    [
                        v if make is None else make(v)
                        for v, (_g, make) in zip(values, plan, strict=True)
                    ]
                )
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

    def _tall_maker(self, kind: str) -> Callable[[Any], object]:
        """What makes a value a cell at the top of a tall row."""
        if kind == WRAPPED:
            return self.wrapped
        if kind == MOMENT:
            return lambda value: self.moment(value, top=True)
        if kind in (PLAIN, TEXT):
            return self.top
        make = self._maker(kind)
        return lambda value: self.top(make(value) if make else value)

    def _maker(self, kind: str) -> Callable[[Any], object] | None:
        """What makes a value a cell in a row of one line (None: the value as it is)."""
        if kind == PLAIN:
            return None
        if kind in (TEXT, WRAPPED):  # a wrapped text that fits one line: as any text, so
            return self.text  # that the row keeps one height and one baseline
        if kind == MOMENT:
            return self.moment
        fmt = {PERCENT: PCT_FMT, DECIMAL: DEC_FMT}[kind]
        return lambda value: self.styled(value, fmt=fmt)

    # -- cells -----------------------------------------------------------------------------

    def widths(self, widths: Iterable[float]) -> None:
        from openpyxl.utils import get_column_letter

        self._widths = list(widths)
        for i, value in enumerate(self._widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = value

    def append(self, row: Iterable[object]) -> int:
        if self.row_points is not None and self.rows + 1 not in self.ws.row_dimensions:
            self.ws.row_dimensions[self.rows + 1].height = self.row_points
        self.ws.append(list(row))
        self.rows += 1
        return self.rows

    def moment(self, value: Any, *, top: bool = False) -> object:
        """A datetime or a date, in the Indonesian day-first order (``top``: of a tall row)."""
        if value is None:
            return None
        look = "moment" if isinstance(value, datetime) else "date"
        cell = self._new(f"top-{look}" if top else look)
        cell.value = value
        return cell

    def styled(
        self,
        value: object,
        *,
        fmt: str | None = None,
        bold: bool = False,
        underline: bool = False,
        left: bool = False,
    ) -> object:
        if value is None:
            return None
        cell = self._cell(self.ws)
        if left:  # a date beside text values: lined up with them
            from openpyxl.styles import Alignment

            cell.alignment = Alignment(horizontal="left")
        if fmt:
            cell.number_format = fmt
        if underline:
            from openpyxl.styles import Font

            cell.font = Font(name=FONT, bold=bold, underline="single")
        elif bold:
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

    def wrapped(self, value: str | None) -> object:
        """A text wrapped within its column (the row is made tall enough by its writer)."""
        if not value:
            return None
        return self.text(value, cell=self._new("wrap"))  # text() may add quotePrefix

    def top(self, value: object) -> object:
        """A value (or a cell made already) at the top of a tall row."""
        if value is None:
            return None
        if hasattr(value, "number_format"):  # a cell: a share, an average
            fmt = value.number_format  # type: ignore[attr-defined]
            value.style = TOP_STYLE  # type: ignore[attr-defined]
            value.number_format = fmt  # type: ignore[attr-defined]
            return value
        cell = self._new("top")
        if isinstance(value, str):
            return self.text(value, cell=cell)
        cell.value = value
        return cell

    def height(self, lines: int) -> None:
        """The next row's height: ``lines`` lines of text."""
        if lines > 1:
            self.ws.row_dimensions[self.rows + 1].height = row_height(lines)

    def header(self, labels: Iterable[str], *, printed: int | None = None) -> int:
        labels = list(labels)
        widths = self._widths or [10.0]
        self.height(
            max(
                (
                    text_lines(label, widths[i] if i < len(widths) else widths[-1], bold=True)
                    for i, label in enumerate(labels)
                ),
                default=1,
            )
        )
        from openpyxl.styles import PatternFill

        screen_only = PatternFill("solid", fgColor="E7E6E6")
        cells = []
        for i, label in enumerate(labels):
            cell = self._cell(self.ws, label)
            cell.font = self._bold
            cell.fill = self._fill if printed is None or i < printed else screen_only
            cell.alignment = self._wrap
            cells.append(cell)
        return self.append(cells)

    def title(self, text: str) -> int:
        cell = self.text(text, cell=self._cell(self.ws))
        cell.font = self._title  # type: ignore[union-attr]
        return self.append([cell])
