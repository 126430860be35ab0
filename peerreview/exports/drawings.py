"""The PDF's charts as reportlab drawings (vector, no browser): the radar of self versus peer, the gaps by size,
the coordinator profile and the willen/kennen/kunnen lens. Same colours, names and order as the web page's plotly
charts (:mod:`peerreview.palette`), and every chart stands next to a table with the same numbers in the PDF.

Each function reads the report object only; a missing score is drawn as no bar (bars) or at the centre (radar),
and the table beside it says "—"."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.spider import SpiderChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors

from ..domain.results import ItemResult, Report
from ..domain.scoring import GapDirection
from ..palette import OVER_COLOUR, PEER_COLOUR, PEER_NAME, SELF_COLOUR, SELF_NAME, UNDER_COLOUR

SELF = colors.HexColor(SELF_COLOUR)
PEER = colors.HexColor(PEER_COLOUR)
OVER = colors.HexColor(OVER_COLOUR)
UNDER = colors.HexColor(UNDER_COLOUR)
GRID = colors.HexColor("#c8c8c8")
INK = colors.HexColor("#1b1b1b")


def _value(score: Decimal | None) -> float | None:
    return None if score is None else float(score)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _legend(x: float, y: float, font: str, entries: Sequence[tuple[colors.Color, str]]) -> Legend:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName, legend.fontSize = font, 8
    legend.alignment = "right"
    legend.boxAnchor = "nw"
    legend.columnMaximum = 1
    legend.deltax = 110
    legend.dx = legend.dy = 8
    legend.colorNamePairs = list(entries)
    return legend


def radar(report: Report, width: float, font: str) -> Drawing:
    """The ten themes, self versus peer, on rings for every level of the scale (fixing the scale: without them
    the chart would stretch to the highest score)."""
    height = 300
    drawing = Drawing(width, height)
    chart = SpiderChart()
    size = 190
    chart.x, chart.y = (width - size) / 2, 48
    chart.width = chart.height = size
    themes = report.themes
    rings = list(range(1, report.scale_maximum + 1))
    chart.data = [[ring] * len(themes) for ring in rings] + [
        [_value(t.self_score) or 0 for t in themes], [_value(t.peer_score) or 0 for t in themes]]
    chart.labels = [f"{t.number} {_short(t.title, 30)}" for t in themes]
    chart.spokeLabels.fontName, chart.spokeLabels.fontSize = font, 7
    chart.spokeLabels.boxAnchor = "autox"  # each label outside the rim, anchored by its angle
    chart.spokes.strokeColor = GRID
    chart.strands.fillColor = None
    for index in range(len(rings)):
        chart.strands[index].strokeColor = GRID
        chart.strands[index].strokeWidth = 0.5
    own, peer = len(rings), len(rings) + 1
    chart.strands[own].strokeColor = SELF
    chart.strands[own].strokeWidth = 2
    chart.strands[own].strokeDashArray = (4, 2)
    chart.strands[own].symbol = makeMarker("FilledSquare", size=4, fillColor=SELF, strokeColor=SELF)
    chart.strands[peer].strokeColor = PEER
    chart.strands[peer].strokeWidth = 2
    chart.strands[peer].symbol = makeMarker("FilledCircle", size=4, fillColor=PEER, strokeColor=PEER)
    drawing.add(chart)
    drawing.add(_legend(10, 16, font, [(SELF, f"{SELF_NAME} (gestreept)"), (PEER, PEER_NAME)]))
    drawing.add(String(width - 10, 8, f"Ringen: niveau 1 tot en met {report.scale_maximum}", fontName=font,
                       fontSize=7, fillColor=INK, textAnchor="end"))
    return drawing


def gap_bars(report: Report, width: float, font: str) -> Drawing:
    """Self minus peer per theme, largest gap on top: overestimation in vermillion, underestimation in green."""
    themes = [t for t in report.gaps_by_size if t.gap.difference is not None]
    row = 20
    height = max(len(themes), 1) * row + 60
    drawing = Drawing(width, height)
    if not themes:
        drawing.add(String(10, height / 2, "Geen verschillen te tonen: scores ontbreken.", fontName=font,
                           fontSize=9))
        return drawing
    span = max(1, max(abs(float(t.gap.difference)) for t in themes))
    chart = HorizontalBarChart()
    chart.x, chart.y = 170, 36
    chart.width, chart.height = width - 190, len(themes) * row
    chart.data = [[float(t.gap.difference) for t in reversed(themes)]]  # reportlab draws the first category lowest
    chart.categoryAxis.categoryNames = [f"{t.number}. {_short(t.title, 28)}" for t in reversed(themes)]
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = font, 7.5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4 - chart.width / 2  # the axis sits at zero (the middle): labels to the left
    chart.categoryAxis.visibleAxis = False
    chart.categoryAxis.visibleTicks = False
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = -span, span
    chart.valueAxis.valueStep = 1
    chart.valueAxis.labels.fontName, chart.valueAxis.labels.fontSize = font, 7.5
    chart.valueAxis.labelTextFormat = lambda v: f"{v:+.0f}".replace("+0", "0")
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    chart.barWidth = row * 0.6
    for index, theme in enumerate(reversed(themes)):
        over = theme.gap.direction is GapDirection.HIGHER
        chart.bars[(0, index)].fillColor = OVER if over else UNDER
        chart.bars[(0, index)].strokeColor = None
    drawing.add(chart)
    zero = chart.x + chart.width / 2
    drawing.add(Line(zero, chart.y - 2, zero, chart.y + chart.height + 2, strokeColor=INK, strokeWidth=1))
    drawing.add(String(zero, 8, "← onderschatting · overschatting →", fontName=font, fontSize=8,
                       textAnchor="middle", fillColor=INK))
    drawing.add(_legend(10, height - 4, font, [(OVER, "Zelfbeeld hoger dan peer team"),
                                                (UNDER, "Zelfbeeld lager dan peer team")]))
    return drawing


def grouped_bars(items: Sequence[tuple[str, Decimal | None, Decimal | None]], report: Report, width: float,
                 font: str) -> Drawing:
    """Self and peer side by side per item (profile elements, or the three levers)."""
    height = 210
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 34, 52
    chart.width, chart.height = width - 50, height - 90
    chart.data = [[_value(s) for _label, s, _p in items], [_value(p) for _label, _s, p in items]]
    chart.categoryAxis.categoryNames = [_short(label, 24) for label, _s, _p in items]
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = font, 7
    chart.categoryAxis.labels.angle = 0 if len(items) <= 3 else 20
    chart.categoryAxis.labels.boxAnchor = "n" if len(items) <= 3 else "ne"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = report.scale_maximum
    chart.valueAxis.valueStep = 1
    chart.valueAxis.labels.fontName, chart.valueAxis.labels.fontSize = font, 7.5
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    chart.bars[0].fillColor = SELF
    chart.bars[1].fillColor = PEER
    chart.bars.strokeColor = None
    chart.barLabelFormat = lambda v: f"{v:.1f}".replace(".", ",")
    chart.barLabels.fontName, chart.barLabels.fontSize = font, 6.5
    chart.barLabels.nudge = 6
    drawing.add(chart)
    drawing.add(_legend(10, height - 4, font, [(SELF, SELF_NAME), (PEER, PEER_NAME)]))
    return drawing


def profile_bars(report: Report, width: float, font: str) -> Drawing:
    items: list[ItemResult] = list(report.profile)
    return grouped_bars([(e.title, e.self_score, e.peer_score) for e in items], report, width, font)


def lever_bars(report: Report, width: float, font: str) -> Drawing:
    return grouped_bars([(lever.lever.label, lever.self_score, lever.peer_score) for lever in report.levers], report,
                        width, font)
