"""The workbook's native Excel charts: one horizontal bar per line of a table already on the
sheet, where a reader would rather look than read."""

from __future__ import annotations

from typing import Any

__all__ = ["add_bar_chart"]


def add_bar_chart(
    ws: Any,
    title: str,
    *,
    column: int,
    header_row: int,
    last_row: int,
    anchor: str,
    width: float,
    height: float = 9,
    share: bool = False,
    most: float | None = None,
) -> None:
    """Bars of the values in ``column`` (rows below ``header_row``, whose cell names the
    series, down to ``last_row``) labelled by column A, placed at ``anchor``, ``width`` × ``height``
    cm. A ``share`` runs from 0 % to 100 %; counts up to ``most`` ≤ 10 are ticked 1 by 1
    (not 0.5, 1.5: a case is whole)."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.label import DataLabelList

    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.legend = None
    chart.height, chart.width = height, width
    chart.add_data(
        Reference(ws, min_col=column, min_row=header_row, max_row=last_row),
        titles_from_data=True,
    )
    chart.set_categories(Reference(ws, min_col=1, min_row=header_row + 1, max_row=last_row))
    if share:
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
        chart.y_axis.number_format = "0%"
    elif most is not None and most <= 10:
        chart.y_axis.majorUnit = 1
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.majorGridlines = None
    # each bar says its value: a 0 % (or a 0) is otherwise no bar at all, read as missing
    chart.dataLabels = DataLabelList()
    chart.dataLabels.showVal = True
    for flag in ("showSerName", "showCatName", "showLegendKey", "showPercent"):
        setattr(chart.dataLabels, flag, False)
    ws.add_chart(chart, anchor)
