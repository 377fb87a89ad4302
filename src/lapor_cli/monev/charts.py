"""The workbook's native Excel charts: one horizontal bar per line of a table already on the
sheet, where a reader would rather look than read."""

from __future__ import annotations

from collections.abc import Sequence

from lapor_cli.monev.cells import Sheet

__all__ = ["add_bar_chart"]

#: xlsxwriter sizes a chart in pixels, at 96 to the inch.
PIXELS_PER_CM = 96 / 2.54


def add_bar_chart(
    sheet: Sheet,
    title: str,
    *,
    column: int,
    header_row: int,
    last_row: int,
    anchor: tuple[int, int],
    width: float,
    height: float = 9,
    share: bool = False,
    most: float | None = None,
    labels: Sequence[str],
    values: Sequence[float | None],
    name: str,
) -> None:
    """Bars of the values in ``column`` (1-based; rows below ``header_row``, whose cell names
    the series, down to ``last_row``) labelled by column A, placed at ``anchor`` (1-based row
    and column), ``width`` × ``height`` cm. A ``share`` runs from 0 % to 100 %; counts up to
    ``most`` ≤ 10 are ticked 1 by 1 (not 0.5, 1.5: a case is whole).

    ``labels``, ``values`` and ``name`` are what those cells hold: the chart keeps them as its
    cached data, which a sheet streamed to disk cannot give it, so that a reader that does
    not recalculate (a viewer, a preview) draws the same bars."""
    chart = sheet.book.wb.add_chart({"type": "bar"})
    ws = sheet.title_text
    first = header_row  # 0-based: the row below the header
    chart.add_series(
        {
            "name": [ws, header_row - 1, column - 1],
            "name_data": [name],
            "categories": [ws, first, 0, last_row - 1, 0],
            "categories_data": list(labels),
            "values": [ws, first, column - 1, last_row - 1, column - 1],
            "values_data": list(values),
            # each bar says its value: a 0 % (or a 0) is otherwise no bar at all, read as
            # missing
            "data_labels": {"value": True},
        }
    )
    chart.set_title({"name": title})
    chart.set_legend({"none": True})
    # a bar chart's x axis is its value axis (horizontal)
    axis: dict[str, object] = {"major_gridlines": {"visible": False}}
    if share:
        axis.update(min=0, max=1, num_format="0%")
    elif most is not None and most <= 10:
        axis["major_unit"] = 1
    chart.set_x_axis(axis)
    chart.set_size({"width": round(width * PIXELS_PER_CM), "height": round(height * PIXELS_PER_CM)})
    sheet.ws.insert_chart(anchor[0] - 1, anchor[1] - 1, chart, {"object_position": 2})
