"""The workbook's cells: number formats, register text that is never a formula, and a sheet
declared once as a table of :class:`Column` (header, width, value, kind of cell).

The workbook is written with xlsxwriter in its constant-memory mode: each sheet streams its
rows, top to bottom, to a temporary file, so the case list never sits in memory. A row is
final once a later one is begun, so a row's height is set before its cells, and what is
merged or broken is said while the row is the current one.

Text from the register is always a text cell, never a formula: every string is written with
``write_string`` (an inline string), so ``=…`` is never a formula nor ``#N/A`` an error
value; one that starts with ``= + - @ #``, a tab or a CR is also given Excel's
*quotePrefix* style, which keeps it text even when someone edits the cell later. The text
itself is kept exactly as typed: no apostrophe or invisible character is added, so what the
citizen wrote is what the reader sees.

Every sheet is made to be printed (or turned into PDF) as a report: A4 landscape, fitted to
the page width, the header row repeated on every page, a page header with the office, the
period and the sheet, and "Halaman N dari M" at the foot (:class:`PageHead`). Wrapped text
(:data:`WRAPPED`) gets a row tall enough for its lines, since neither Excel nor LibreOffice
grows a row written with a stored height.

xlsxwriter is imported when a workbook is made, never on import: ``lapor rekap`` does not
pay for it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from lapor_cli.monev.figures import Monev

__all__ = [
    "Book",
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
    "Look",
    "PageHead",
    "Sheet",
    "Styled",
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
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

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
HEAD_FILL = "#DDEBF7"  # a header printed
SCREEN_FILL = "#E7E6E6"  # a header of a column for the screen only
#: Excel's column width unit is a digit's width, 7 pixels in Calibri 11.
DIGIT_PIXELS = 7
#: What a text written as it is must not hold: a formula-looking start, a character XML
#: cannot carry, a CR (read back as LF anyway).
_NOT_AS_IS = re.compile("\\A[=+\\-@#\t\r]|[\x00-\x08\x0b\x0c\x0e-\x1f\r\ufffe\uffff]")
#: What a text's XML must escape: markup, and what Excel reads as an escaped character.
_XML_SPECIAL = re.compile("[&<>]|_x[0-9a-fA-F]{4}_")
_EXCEL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")


def xml_text(value: str) -> str:
    """A text as the XML of an inline string holds it (as xlsxwriter escapes it): ``& < >``
    as entities, and ``_x0041_`` kept literal (Excel would read it as "A")."""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _EXCEL_ESCAPE.sub(r"_x005F\1", value) if "_x" in value else value


def column_letter(col: int) -> str:
    """``0`` → ``A``, ``26`` → ``AA``."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


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


class Look(NamedTuple):
    """How a cell looks: one xlsxwriter format per distinct look (:meth:`Book.format`)."""

    fmt: str | None = None  # a number format
    bold: bool = False
    underline: bool = False
    size: int | None = None
    fill: str | None = None
    wrap: bool = False
    top: bool = False
    left: bool = False
    quote: bool = False  # Excel's quotePrefix: text that looks like a formula stays text


PLAIN_LOOK = Look()
#: The look of the blank cell that carries an empty row's height: a row without a cell is
#: never written by xlsxwriter's constant-memory mode.
BLANK_LOOK = Look(size=11)


class Styled(NamedTuple):
    """A value and its look, as a row to :meth:`Sheet.append` holds it."""

    value: object
    look: Look


def safe_text(value: str) -> tuple[str, bool]:
    """A register text as the workbook holds it, and whether it looks like a formula (and so
    needs the quotePrefix look): characters XML cannot carry become U+FFFD, a CR a line
    break, and what is past Excel's 32,767 characters an ellipsis."""
    risky = value[0] in RISKY_START
    if _ILLEGAL_XML.search(value):  # refused on input; never a crash on output
        value = _ILLEGAL_XML.sub("\ufffd", value)
    if "\r" in value:  # XML reads a bare CR back as LF anyway: say so explicitly
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if len(value) > EXCEL_TEXT_LIMIT:
        value = value[: EXCEL_TEXT_LIMIT - 1] + "…"
    return value, risky


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


#: Excel's limit of a page header, codes included (xlsxwriter drops a longer one).
HEADER_LIMIT = 255


def page_header(head: PageHead) -> str:
    """The page header's three parts (9 pt), within Excel's 255 characters: a part too long
    for that (an office's very long name) is cut with "…", never the header dropped."""
    parts = [_hf(text) for text in (head.kantor, head.judul, head.keadaan)]
    codes = len("&L&9 &C&9 &R&9 ")
    while (excess := codes + sum(map(_utf16_len, parts)) - HEADER_LIMIT) > 0:
        i = max(range(3), key=lambda k: len(parts[k]))
        kept = parts[i][: max(len(parts[i]) - excess - 1, 0)]
        parts[i] = kept[: len(kept) - (len(kept) - len(kept.rstrip("&"))) % 2] + "…"
    left, center, right = parts
    return f"&L&9 {left}&C&9 {center}&R&9 {right}"


#: Days from Excel's day 0 (1899-12-30, for any date after 1 March 1900) to a date.
_EPOCH = datetime(1899, 12, 30)
_EPOCH_DAY = _EPOCH.date()


def excel_serial(value: date) -> float:
    """A date or a naive datetime as Excel's serial number (what xlsxwriter's
    ``write_datetime`` writes, computed once here without its checks)."""
    if isinstance(value, datetime):
        delta = value - _EPOCH
        return delta.days + (delta.seconds * 1e6 + delta.microseconds) / 86_400e6
    return float((value - _EPOCH_DAY).days)


class Book:
    """The xlsxwriter workbook (constant-memory) and its formats, each made once."""

    def __init__(self, wb: Any) -> None:
        self.wb = wb
        self._formats: dict[Look, Any] = {PLAIN_LOOK: None}

    def format(self, look: Look) -> Any:
        made = self._formats.get(look)
        if made is None and look not in self._formats:
            props: dict[str, object] = {"font_name": FONT, "font_size": look.size or 11}
            if look.fmt:
                props["num_format"] = look.fmt
            if look.bold:
                props["bold"] = True
            if look.underline:
                props["underline"] = 1
            if look.fill:
                props["pattern"], props["bg_color"] = 1, look.fill
            if look.wrap:
                props["text_wrap"] = True
            if look.top:
                props["valign"] = "top"
            if look.left:
                props["align"] = "left"
            if look.quote:
                props["quote_prefix"] = True
            made = self._formats[look] = self.wb.add_format(props)
        return made


class Sheet:
    """A sheet written top to bottom, with the few cell kinds the workbook needs."""

    def __init__(self, book: Book, title: str, head: PageHead | None = None) -> None:
        self.book = book
        self.title_text = title
        self.ws = ws = book.wb.add_worksheet(title)
        # Printed (or turned into PDF) as a reader expects: A4 landscape, one page wide.
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.set_margins(
            left=MARGINS["left"],
            right=MARGINS["right"],
            top=MARGINS["top"],
            bottom=MARGINS["bottom"],
        )
        header = page_header(head) if head is not None else ""
        ws.set_header(header, {"margin": MARGINS["header"]})
        ws.set_footer(f"&C&9 {PAGE_FOOTER}" if head else "", {"margin": MARGINS["footer"]})
        #: The height :meth:`append` gives a row that has none (None: the program's default).
        #: Ringkasan sets it, so that its page breaks know what a page holds: LibreOffice's
        #: default row is lower than Excel's and ignores the sheet's default height.
        self.row_points: float | None = None
        self.rows = 0
        self._widths: list[float] = []
        self._next_height: float | None = None
        self._breaks: list[int] = []

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
        self.ws.freeze_panes(1, 1)
        self.ws.repeat_rows(0)
        if gridlines:  # a printed table needs its lines
            self.ws.hide_gridlines(0)
        self.header(headers(columns), printed=printed)

    def table_rows(
        self,
        columns: Sequence[Column],
        rows: Iterable[tuple[Any, ...]],
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """One sheet row per ``rows`` item (the arguments of the columns' ``value``); with
        ``progress``, told the rows written every 1,000 rows and at the end.

        The hot path of a long case list: each column's getter and writer are chosen once.
        Where the sheet streams to xlsxwriter's constant-memory row file (:meth:`_row_file`),
        a row is written there as the XML xlsxwriter itself would write (a tenth of the cost
        of a cell written through its API); otherwise a cell is one ``write_string`` or
        ``write_number`` call with a format made once."""
        getters = [c.value for c in columns]
        wrapped = [
            (i, self._widths[i] if i < len(self._widths) else 10.0)
            for i, c in enumerate(columns)
            if c.kind == WRAPPED
        ]
        handle = self._row_file()
        if handle is not None:
            flat_xml = [self._cell_xml(i, c.kind, tall=False) for i, c in enumerate(columns)]
            tall_xml = [self._cell_xml(i, c.kind, tall=True) for i, c in enumerate(columns)]
        else:
            flat = [(i, self._writer(c.kind, tall=False)) for i, c in enumerate(columns)]
            tall = [(i, self._writer(c.kind, tall=True)) for i, c in enumerate(columns)]
        set_row = self.ws.set_row
        r = self.rows
        done = 0
        pending: list[str] = []
        for row in rows:
            values = [get(*row) for get in getters]
            lines = 1
            for i, w in wrapped:
                text = values[i]
                # a text shorter than its column is one line: no need to count
                if text and (len(text) >= w or "\n" in text) and (n := text_lines(text, w)) > lines:
                    lines = n
            if handle is not None:
                number = str(r + 1)
                if lines > 1:  # a tall row: every value at its top, as the wrapped text
                    pending.append(
                        f'<row r="{number}" ht="{row_height(lines):.16g}" customHeight="1">'
                    )
                    plan_xml = tall_xml
                else:
                    pending.append(f'<row r="{number}">')
                    plan_xml = flat_xml
                for make, value in zip(plan_xml, values):  # noqa: B905 - as many, always
                    if value is not None:
                        pending.append(make(number, value))
                pending.append("</row>")
                if len(pending) > 20_000:
                    handle.write("".join(pending))
                    pending.clear()
            else:
                if lines > 1:
                    set_row(r, row_height(lines))
                plan = tall if lines > 1 else flat
                for i, write in plan:
                    value = values[i]
                    if value is not None:
                        write(r, i, value)
            r += 1
            done += 1
            if progress is not None and done % 1000 == 0:
                progress(done)
        if handle is not None:
            handle.write("".join(pending))
            if done:  # the sheet's used range, as xlsxwriter's own writes would extend it
                self.ws._check_dimensions(r - 1, len(columns) - 1)
                self.ws.previous_row = r - 1
        self.rows = r
        if progress is not None:
            progress(done)
        return done

    def _row_file(self) -> Any:
        """The file of the sheet's rows in xlsxwriter's constant-memory mode, with every row
        written so far in it (None: not such a sheet, or an xlsxwriter that keeps it
        otherwise; the rows are then written through its API)."""
        ws = self.ws
        needed = ("_write_single_row", "_check_dimensions", "previous_row", "row_data_fh")
        if not getattr(ws, "constant_memory", False) or not all(hasattr(ws, n) for n in needed):
            return None
        handle = ws.row_data_fh
        if handle is None or getattr(ws, "row_data_fh_closed", False):
            return None
        ws._write_single_row(self.rows)  # the rows written so far (the header) to the file
        return handle

    def _cell_xml(self, col: int, kind: str, *, tall: bool) -> Callable[[str, Any], str]:
        """How a value of a column of ``kind`` becomes a cell's XML in row ``number`` (the
        same as xlsxwriter writes for :meth:`_writer`'s calls; None is never written)."""
        fmt = self.book.format
        ref = f'<c r="{column_letter(col)}'
        top = Look(top=True) if tall else PLAIN_LOOK

        def style(look: Look) -> str:
            made = fmt(look)
            index = made._get_xf_index() if made is not None else 0
            return f' s="{index}"' if index else ""

        if kind == MOMENT:
            moment = style(top._replace(fmt=DATETIME_FMT))
            day = style(top._replace(fmt=DATE_FMT))
            epoch = _EPOCH

            def moment_xml(number: str, value: Any) -> str:
                if value.__class__ is datetime:
                    delta = value - epoch
                    serial = delta.days + (delta.seconds * 1e6 + delta.microseconds) / 86_400e6
                    return f'{ref}{number}"{moment}><v>{serial:.16g}</v></c>'
                if isinstance(value, datetime):
                    return f'{ref}{number}"{moment}><v>{excel_serial(value):.16g}</v></c>'
                return f'{ref}{number}"{day}><v>{excel_serial(value):.16g}</v></c>'

            return moment_xml
        if kind in (PERCENT, DECIMAL):
            number_style = style(top._replace(fmt=PCT_FMT if kind == PERCENT else DEC_FMT))
            return lambda number, value: f'{ref}{number}"{number_style}><v>{value:.16g}</v></c>'
        look = top._replace(wrap=True) if kind == WRAPPED and tall else top
        as_is, quoted = style(look), style(look._replace(quote=True))
        not_as_is = _NOT_AS_IS.search
        special = _XML_SPECIAL.search
        limit = EXCEL_TEXT_LIMIT
        text_only = kind in (TEXT, WRAPPED)

        def xml(number: str, value: Any) -> str:
            kind_of = value.__class__
            if text_only and kind_of is not str:
                value, kind_of = str(value), str
            if kind_of is str:
                if not value:
                    return ""
                attr = as_is
                if not_as_is(value) is not None or len(value) > limit:
                    value, risky = safe_text(value)
                    attr = quoted if risky else as_is
                if special(value) is not None:
                    value = xml_text(value)
                keep = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
                return f'{ref}{number}"{attr} t="inlineStr"><is><t{keep}>{value}</t></is></c>'
            if kind_of is int or kind_of is float:
                return f'{ref}{number}"{as_is}><v>{value:.16g}</v></c>'
            if isinstance(value, date):
                made = fmt(
                    look._replace(fmt=DATETIME_FMT if isinstance(value, datetime) else DATE_FMT)
                )
                return f'{ref}{number}"{style_of(made)}><v>{excel_serial(value):.16g}</v></c>'
            if isinstance(value, bool):
                return f'{ref}{number}"{as_is} t="b"><v>{int(value)}</v></c>'
            return f'{ref}{number}"{as_is}><v>{value:.16g}</v></c>'

        def style_of(made: Any) -> str:
            index = made._get_xf_index() if made is not None else 0
            return f' s="{index}"' if index else ""

        return xml

    def _writer(self, kind: str, *, tall: bool) -> Callable[[int, int, Any], object]:
        """How a value of a column of ``kind`` is written (None is never written); ``tall``:
        in a row of several lines, at its top."""
        ws, fmt = self.ws, self.book.format
        top = Look(top=True) if tall else PLAIN_LOOK
        write_string, write_number = ws.write_string, ws.write_number
        if kind == MOMENT:
            moment = fmt(top._replace(fmt=DATETIME_FMT))
            day = fmt(top._replace(fmt=DATE_FMT))

            def write_moment(r: int, c: int, value: date) -> object:
                if isinstance(value, datetime):
                    return write_number(r, c, excel_serial(value), moment)
                return write_number(r, c, excel_serial(value), day)

            return write_moment
        if kind in (PERCENT, DECIMAL):
            number = fmt(top._replace(fmt=PCT_FMT if kind == PERCENT else DEC_FMT))
            return lambda r, c, value: write_number(r, c, value, number)
        # a wrapped text that fits one line: as any text, so that the row keeps one height
        # and one baseline
        look = top._replace(wrap=True) if kind == WRAPPED and tall else top
        as_is, quoted = fmt(look), fmt(look._replace(quote=True))
        not_as_is = _NOT_AS_IS.search
        limit = EXCEL_TEXT_LIMIT
        text_only = kind in (TEXT, WRAPPED)

        def write(r: int, c: int, value: Any) -> object:
            kind_of = value.__class__
            if text_only and kind_of is not str:
                value, kind_of = str(value), str
            if kind_of is str:
                if not value:
                    return None
                if not_as_is(value) is None and len(value) <= limit:
                    return write_string(r, c, value, as_is)
                value, risky = safe_text(value)
                return write_string(r, c, value, quoted if risky else as_is)
            if kind_of is int or kind_of is float:
                return write_number(r, c, value, as_is)
            return self._put(r, c, value, look)

        return write

    def cells(self, columns: Sequence[Column], *items: Any) -> list[object]:
        """One row's cells, as :meth:`table_rows` writes them."""
        row: list[object] = []
        for column in columns:
            value = column.value(*items)
            if value is None:
                row.append(None)
            elif column.kind == MOMENT:
                row.append(self.moment(value))
            elif column.kind in (PERCENT, DECIMAL):
                row.append(self.styled(value, fmt=PCT_FMT if column.kind == PERCENT else DEC_FMT))
            elif isinstance(value, str):
                row.append(self.text(value))
            else:
                row.append(value)
        return row

    def autofilter(self, columns: Sequence[Column], last_row: int) -> None:
        """An autofilter over the header in row 1 and the data rows below it."""
        self.ws.autofilter(0, 0, max(last_row, 1) - 1, len(columns) - 1)

    def print_area(self, columns: int) -> None:
        """The printed page: the first ``columns`` columns of every row written."""
        self.ws.print_area(0, 0, max(self.rows, 1) - 1, columns - 1)

    # -- cells -----------------------------------------------------------------------------

    def widths(self, widths: Iterable[float]) -> None:
        """Column widths in characters, written as given (xlsxwriter's ``set_column`` would
        add a cell's padding: in pixels they are exact)."""
        self._widths = list(widths)
        for i, value in enumerate(self._widths):
            self.ws.set_column_pixels(i, i, math.ceil(value * DIGIT_PIXELS))

    def append(self, row: Iterable[object], *, merge_to: int | None = None) -> int:
        """Write the next row; with ``merge_to`` (a 0-based column), its last cell spans
        the columns up to that one. Returns the row's number (1-based)."""
        r = self.rows
        height = self._next_height if self._next_height is not None else self.row_points
        self._next_height = None
        if height is not None:
            self.ws.set_row(r, height)
        cells = list(row)
        if height is not None and all(cell is None for cell in cells):
            self.ws.write_blank(r, 0, None, self.book.format(BLANK_LOOK))
        for c, cell in enumerate(cells):
            if merge_to is not None and c == len(cells) - 1:
                look = cell.look if isinstance(cell, Styled) else PLAIN_LOOK
                self.ws.merge_range(r, c, r, merge_to, "", self.book.format(look))
            if isinstance(cell, Styled):
                self._put(r, c, cell.value, cell.look)
            elif cell is not None:
                self._put(r, c, cell, PLAIN_LOOK)
        self.rows += 1
        return self.rows

    def _put(self, r: int, c: int, value: object, look: Look) -> None:
        ws = self.ws
        if value is None:
            return
        if isinstance(value, str):
            if value:
                text, risky = safe_text(value)
                ws.write_string(r, c, text, self.book.format(look._replace(quote=risky)))
        elif isinstance(value, date):
            fmt = look.fmt or (DATETIME_FMT if isinstance(value, datetime) else DATE_FMT)
            ws.write_number(r, c, excel_serial(value), self.book.format(look._replace(fmt=fmt)))
        elif isinstance(value, bool):
            ws.write_boolean(r, c, value, self.book.format(look))
        else:
            ws.write_number(r, c, value, self.book.format(look))

    def page_break(self) -> None:
        """A page break above the next row."""
        self._breaks.append(self.rows)
        self.ws.set_h_pagebreaks(self._breaks)

    def moment(self, value: Any, *, top: bool = False) -> object:
        """A datetime or a date, in the Indonesian day-first order (``top``: of a tall row)."""
        if value is None:
            return None
        fmt = DATETIME_FMT if isinstance(value, datetime) else DATE_FMT
        return Styled(value, Look(fmt=fmt, top=top))

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
        # a date beside text values (left): lined up with them
        return Styled(value, Look(fmt=fmt, bold=bold, underline=underline, left=left))

    def text(self, value: str | None) -> object:
        """A register text as a text cell, never a formula (see the module docstring)."""
        if not value:
            return None
        return value  # every string is written as text (:meth:`_put`)

    def wrapped(self, value: str | None) -> object:
        """A text wrapped within its column (the row is made tall enough by its writer)."""
        if not value:
            return None
        return Styled(value, Look(wrap=True, top=True))

    def top(self, value: object) -> object:
        """A value (or a cell made already) at the top of a tall row."""
        if value is None:
            return None
        if isinstance(value, Styled):  # a share, an average
            return Styled(value.value, value.look._replace(top=True))
        return Styled(value, Look(top=True))

    def height(self, lines: int) -> None:
        """The next row's height: ``lines`` lines of text."""
        if lines > 1:
            self._next_height = row_height(lines)

    def height_points(self, points: float) -> None:
        """The next row's height in points."""
        self._next_height = points

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
        return self.append(
            Styled(
                label,
                Look(
                    bold=True,
                    fill=HEAD_FILL if printed is None or i < printed else SCREEN_FILL,
                    wrap=True,
                    top=True,
                ),
            )
            for i, label in enumerate(labels)
        )

    def title(self, text: str) -> int:
        return self.append([Styled(text, Look(bold=True, size=14))])
