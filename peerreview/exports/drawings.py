"""The report document's charts as reportlab drawings (vector, no browser), written as SVG for the printable page
and the PDF: the radar of self versus peer, the gaps by size, the coordinator profile and the willen/kennen/kunnen
lens. Same colours, names and order as the web page's plotly charts (:mod:`peerreview.palette`), and every chart
stands next to a table with the same numbers.

Each function reads the report object only; a missing score is drawn as no bar (bars) or at the centre (radar),
and the table beside it says "—". Labels are never cut off: a long title wraps onto more lines (between words,
never inside one) and the drawing grows to hold them."""

from __future__ import annotations

import base64
import functools
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import reportlab
from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.spider import SpiderChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..domain.results import ItemResult, Report
from ..domain.scoring import GapDirection
from ..palette import OVER_COLOUR, PEER_COLOUR, PEER_NAME, SELF_COLOUR, SELF_NAME, UNDER_COLOUR

SELF = colors.HexColor(SELF_COLOUR)
PEER = colors.HexColor(PEER_COLOUR)
OVER = colors.HexColor(OVER_COLOUR)
UNDER = colors.HexColor(UNDER_COLOUR)
GRID = colors.HexColor("#c8c8c8")
INK = colors.HexColor("#1b1b1b")


FAMILY = "PeerreviewSans"
#: The font the labels are measured with (and drawn in, by the SVG's reader): DejaVu Sans (Debian's
#: fonts-dejavu-core, also the report's text font), else reportlab's own Vera.
_FONT_FILES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
               str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"))
#: What the SVG names as its font: the measured one first, then what a browser or WeasyPrint has for certain.
_SVG_FONTS = f"{FAMILY}, 'DejaVu Sans', Verdana, sans-serif"


@functools.cache
def font_family() -> str:
    """Registers the labels' font once (a TrueType font, so widths are measured right) and returns its name."""
    path = next((p for p in _FONT_FILES if Path(p).is_file()), None)
    if path is None:
        raise RuntimeError(f"Geen lettertype gevonden voor de grafieken: {_FONT_FILES}")
    pdfmetrics.registerFont(TTFont(FAMILY, path))
    return FAMILY


def svg_data_uri(drawing: Drawing) -> str:
    """The drawing as an SVG ``data:`` URI for an ``<img>``, with a font list a reader without ours can follow."""
    text = renderSVG.drawToString(drawing).replace(f"font-family: {FAMILY};", f"font-family: {_SVG_FONTS};")
    return "data:image/svg+xml;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


def wrap(text: str, width: float, font: str, size: float) -> list[str]:
    """``text`` in lines no wider than ``width`` points, broken between words only (a single word wider than the
    line stays whole on a line of its own: it is never cut)."""
    words = text.split()
    lines: list[str] = []
    for word in words:
        if lines and pdfmetrics.stringWidth(f"{lines[-1]} {word}", font, size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _value(score: Decimal | None) -> float | None:
    return None if score is None else float(score)


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


LABEL_SIZE = 7.5
LEADING = 9


def _mean(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def _level(value: float) -> str:
    return f"{value:.0f}"


def radar(report: Report, width: float) -> Drawing:
    """The themes, self versus peer, on rings for every level of the scale (fixing the scale: without them the
    chart would stretch to the highest score). Each spoke's label is the theme's number and whole title,
    wrapped."""
    font = font_family()
    size = 190
    label_width = (width - size) / 2 - 24
    themes = report.themes
    labels = ["\n".join(wrap(f"{t.number}. {t.title}", label_width, font, LABEL_SIZE)) for t in themes]
    tallest = max((label.count("\n") + 1 for label in labels), default=1) * LEADING
    height = 48 + size + 2 * tallest + 24
    drawing = Drawing(width, height)
    chart = SpiderChart()
    chart.x, chart.y = (width - size) / 2, 48 + tallest
    chart.width = chart.height = size
    rings = list(range(1, report.scale_maximum + 1))
    chart.data = [[ring] * len(themes) for ring in rings] + [
        [_value(t.self_score) or 0 for t in themes], [_value(t.peer_score) or 0 for t in themes]]
    chart.labels = labels
    chart.spokeLabels.fontName, chart.spokeLabels.fontSize = font, LABEL_SIZE
    chart.spokeLabels.leading = LEADING
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


def gap_bars(report: Report, width: float) -> Drawing:
    """Self minus peer per theme, largest gap on top: overestimation in vermillion, underestimation in green."""
    font = font_family()
    themes = [t for t in report.gaps_by_size if t.gap.difference is not None]
    label_width = 170 - 12
    labels = ["\n".join(wrap(f"{t.number}. {t.title}", label_width, font, LABEL_SIZE)) for t in reversed(themes)]
    row = max([20] + [(label.count("\n") + 1) * LEADING + 6 for label in labels])
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
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = font, LABEL_SIZE
    chart.categoryAxis.labels.leading = LEADING
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.textAnchor = "end"
    chart.categoryAxis.labels.dx = -4 - chart.width / 2  # the axis sits at zero (the middle): labels to the left
    chart.categoryAxis.visibleAxis = False
    chart.categoryAxis.visibleTicks = False
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = -span, span
    chart.valueAxis.valueStep = 1
    chart.valueAxis.labels.fontName, chart.valueAxis.labels.fontSize = font, LABEL_SIZE
    chart.valueAxis.labelTextFormat = lambda v: f"{v:+.0f}".replace("+0", "0").replace("-", "\u2212")
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    chart.barWidth = min(row * 0.6, 14)
    for index, theme in enumerate(reversed(themes)):
        over = theme.gap.direction is GapDirection.HIGHER
        chart.bars[(0, index)].fillColor = OVER if over else UNDER
        chart.bars[(0, index)].strokeColor = None
    drawing.add(chart)
    zero = chart.x + chart.width / 2
    drawing.add(Line(zero, chart.y - 2, zero, chart.y + chart.height + 2, strokeColor=INK, strokeWidth=1))
    drawing.add(String(zero, 8, "\u2190 onderschatting · overschatting \u2192", fontName=font, fontSize=8,
                       textAnchor="middle", fillColor=INK))
    drawing.add(_legend(10, height - 4, font, [(OVER, "Zelfbeeld hoger dan peer team"),
                                                (UNDER, "Zelfbeeld lager dan peer team")]))
    return drawing


def grouped_bars(items: Sequence[tuple[str, Decimal | None, Decimal | None]], report: Report, width: float, *,
                 peer_levels: bool) -> Drawing:
    """Self and peer side by side per item (profile elements, or the three levers). The self-score is a mean (one
    decimal); the peer's is a whole level (``peer_levels``: profile elements) or a mean (levers)."""
    font = font_family()
    plot_width = width - 50
    column = plot_width / max(len(items), 1)
    labels = ["\n".join(wrap(label, column - 8, font, LABEL_SIZE)) for label, _s, _p in items]
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    plot_height = 120
    bottom = 14 + lines * LEADING
    height = bottom + plot_height + 36
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 34, bottom
    chart.width, chart.height = plot_width, plot_height
    chart.data = [[_value(s) for _label, s, _p in items], [_value(p) for _label, _s, p in items]]
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = font, LABEL_SIZE
    chart.categoryAxis.labels.leading = LEADING
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.categoryAxis.labels.textAnchor = "middle"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = report.scale_maximum
    chart.valueAxis.valueStep = 1
    chart.valueAxis.labels.fontName, chart.valueAxis.labels.fontSize = font, LABEL_SIZE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    chart.bars[0].fillColor = SELF
    chart.bars[1].fillColor = PEER
    chart.bars.strokeColor = None
    chart.barLabelFormat = [_mean, _level if peer_levels else _mean]
    chart.barLabels.fontName, chart.barLabels.fontSize = font, 6.5
    chart.barLabels.nudge = 6
    drawing.add(chart)
    drawing.add(_legend(10, height - 4, font, [(SELF, SELF_NAME), (PEER, PEER_NAME)]))
    return drawing


def profile_bars(report: Report, width: float) -> Drawing:
    items: list[ItemResult] = list(report.profile)
    return grouped_bars([(e.title, e.self_score, e.peer_score) for e in items], report, width, peer_levels=True)


def lever_bars(report: Report, width: float) -> Drawing:
    return grouped_bars([(lever.lever.label, lever.self_score, lever.peer_score) for lever in report.levers], report,
                        width, peer_levels=False)
