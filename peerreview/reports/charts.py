"""Plotly figures from the report object and the region's overview. No database, no request, no arithmetic on
scores: every number is read from :class:`~peerreview.domain.results.Report` or
:class:`~peerreview.reports.services.RegionOverview`.

The figures are plain dictionaries in plotly's JSON schema, built directly: plotly's Python ``graph_objects``
validate every property on every assignment, which cost about 100 ms per result page (six figures); the tests
pass each figure through ``go.Figure`` once, so a misspelt property still fails there. No template is sent: the
page's own settings below are complete, and the default template would add some 10 kB per figure.

The page does not embed plotly's HTML (which carries an inline script). :func:`figure_json` gives the figure as
JSON, safe inside ``<script type="application/json">``; ``static/js/charts.js`` draws it with the plotly.js that
we serve ourselves, so a Content-Security-Policy without 'unsafe-inline' for scripts holds.

Colours are from the Okabe-Ito palette, which stays distinguishable with the common forms of colour blindness;
self and peer also differ by line style and marker shape, and over- and underestimation by a pattern, so no
reading depends on colour alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ..domain.results import Cohort, ItemResult, Report
from ..domain.scoring import GapDirection
from ..palette import (
    BAND_COLOUR,
    GRID_COLOUR,
    HEAT_SCALE,
    HEAT_TEXT_COLOUR,
    NEUTRAL_COLOUR,
    OVER_COLOUR,
    PEER_COLOUR,
    PEER_NAME,
    SELF_COLOUR,
    SELF_NAME,
    TARGET_COLOUR,
    UNDER_COLOUR,
)

if TYPE_CHECKING:
    from .services import RegionOverview

#: A figure as plotly.js reads it: ``{"data": [trace, ...], "layout": {...}}``.
Figure = dict[str, Any]


FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"


def _number(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


def _nl(value: Decimal | int | None, sign: bool = False) -> str:
    if value is None:
        return "–"
    text = f"{Decimal(value):+.1f}" if sign else f"{Decimal(value):.1f}"
    return text.replace(".", ",").replace("-", "\u2212")


def _figure(data: list[dict[str, Any]], *, title: str, height: int, **extra: Any) -> Figure:
    layout: dict[str, Any] = {
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        "height": height, "separators": ",.", "font": {"family": FONT, "size": 13, "color": "#1b1b1b"},
        "paper_bgcolor": "white", "plot_bgcolor": "white", "hoverlabel": {"font": {"family": FONT}},
        "margin": {"l": 10, "r": 10, "t": 50, "b": 40},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
    }
    layout.update(extra)
    return {"data": data, "layout": layout}


def _short(item: ItemResult, limit: int = 34) -> str:
    return _short_text(item.label, limit)


def _short_text(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _wrap(text: str, width: int = 12) -> str:
    """A category label over several lines (plotly's ``<br>``), so that five rounds fit under a small chart without
    being turned on their side into the titles of the row below. Escaped: plotly reads a few tags in labels."""
    from markupsafe import escape

    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(str(escape(line)) for line in lines)


def _pattern(shape: str | list[str], size: int) -> dict[str, Any]:
    return {"shape": shape, "fillmode": "overlay", "fgcolor": "white", "size": size}


# ---------------------------------------------------------------- one gemeente


def radar(report: Report) -> Figure:
    """The ten themes, self versus peer, as a spider chart (the first point repeated to close the ring)."""
    labels = [_short(t, 28) for t in report.themes]
    data = []
    for name, colour, dash, symbol, values in (
        (SELF_NAME, SELF_COLOUR, "dash", "circle", [t.self_score for t in report.themes]),
        (PEER_NAME, PEER_COLOUR, "solid", "square", [t.peer_score for t in report.themes]),
    ):
        closed = [*values, values[0]] if values else values
        data.append({
            "type": "scatterpolar", "r": [_number(v) for v in closed],
            "theta": [*labels, labels[0]] if labels else labels, "name": name, "mode": "lines+markers",
            "line": {"color": colour, "dash": dash, "width": 2.5},
            "marker": {"symbol": symbol, "size": 8, "color": colour}, "connectgaps": False,
            "hovertemplate": "%{theta}: %{r:.1f}<extra>" + name + "</extra>"})
    polar = {
        "radialaxis": {"range": [report.scale_minimum, report.scale_maximum], "dtick": 1, "angle": 90,
                       "tickfont": {"size": 11}, "gridcolor": "#d0d0d0"},
        "angularaxis": {"direction": "clockwise", "rotation": 90, "tickfont": {"size": 11}, "gridcolor": "#d0d0d0"},
        "bgcolor": "white"}
    return _figure(data, title="Zelfevaluatie en peer team per thema", height=520, polar=polar)


def gap_bars(report: Report) -> Figure:
    """The gap per theme (self minus peer), largest at the top; over- and underestimation by colour and pattern."""
    ordered = [t for t in report.gaps_by_size if t.gap.difference is not None]
    ordered.reverse()  # plotly draws the first bar at the bottom
    colours, patterns = [], []
    for t in ordered:
        direction = t.gap.direction
        colours.append(OVER_COLOUR if direction is GapDirection.HIGHER
                       else UNDER_COLOUR if direction is GapDirection.LOWER else NEUTRAL_COLOUR)
        patterns.append("/" if direction is GapDirection.HIGHER else "")
    bars = {
        "type": "bar", "x": [_number(t.gap.difference) for t in ordered], "y": [_short(t) for t in ordered],
        "orientation": "h", "name": "Verschil zelfscore min peer score",
        "marker": {"color": colours, "pattern": _pattern(patterns, 6)},
        "text": [_nl(t.gap.difference, sign=True) for t in ordered], "textposition": "outside", "cliponaxis": False,
        "customdata": [t.gap_words for t in ordered], "hovertemplate": "%{y}: %{customdata}<extra></extra>"}
    span = report.scale_maximum - report.scale_minimum
    return _figure(
        [bars], title="Verschil tussen zelfbeeld en oordeel van het peer team", showlegend=False,
        height=120 + 36 * max(len(ordered), 1),
        xaxis={"range": [-span - 0.5, span + 0.5], "zeroline": True, "zerolinecolor": "#1b1b1b", "zerolinewidth": 1.5,
               "title": {"text": "← onderschatting · overschatting →"}, "gridcolor": GRID_COLOUR, "dtick": 1},
        yaxis={"automargin": True})


def _paired_bars(items: Iterable[tuple[str, Decimal | None, Decimal | None]], *, title: str, minimum: int,
                 maximum: int) -> Figure:
    rows = list(items)
    rows.reverse()
    data = []
    for name, colour, pattern, index in ((PEER_NAME, PEER_COLOUR, "", 2), (SELF_NAME, SELF_COLOUR, ".", 1)):
        values = [row[index] for row in rows]
        data.append({
            "type": "bar", "y": [row[0] for row in rows], "x": [_number(v) for v in values], "name": name,
            "orientation": "h", "marker": {"color": colour, "pattern": _pattern(pattern, 5)},
            "text": [_nl(v) for v in values], "textposition": "outside", "cliponaxis": False,
            "hovertemplate": "%{y}: %{x:.1f}<extra>" + name + "</extra>"})
    return _figure(data, title=title, height=150 + 56 * max(len(rows), 1), barmode="group",
                   xaxis={"range": [0, maximum + 0.6], "dtick": 1, "gridcolor": GRID_COLOUR,
                          "title": {"text": "Score"}},
                   yaxis={"automargin": True},
                   legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1,
                           "traceorder": "reversed"})


def profile_bars(report: Report) -> Figure:
    """The coordinator profile per element, self versus peer."""
    return _paired_bars(((_short(e), e.self_score, e.peer_score) for e in report.profile),
                        title=f"{report.profile_title or 'Profiel'}: zelfevaluatie en peer team",
                        minimum=report.scale_minimum, maximum=report.scale_maximum)


def lever_bars(report: Report) -> Figure:
    """Willen, kennen, kunnen: the mean of the themes behind each lever, self versus peer."""
    return _paired_bars(((lever.lever.label, lever.self_score, lever.peer_score) for lever in report.levers),
                        title="Willen, kennen, kunnen", minimum=report.scale_minimum, maximum=report.scale_maximum)


def benchmark(report: Report, cohort: Cohort) -> Figure:
    """The gemeente's peer score per theme against the others' quartiles (only where the group may be shown)."""
    shown = [(t, t.comparison(cohort)) for t in report.themes]
    shown = [(t, c) for t, c in shown if c is not None and c.distribution is not None]
    shown.reverse()
    labels = [_short(t) for t, _c in shown]
    spreads = [c.distribution for _t, c in shown]
    data = [
        {"type": "bar", "y": labels, "base": [_number(d.q1) for d in spreads],  # type: ignore[union-attr]
         "x": [_number(d.q3 - d.q1) or 0.06 for d in spreads],  # type: ignore[union-attr]
         "orientation": "h", "name": "Middelste helft van de groep (kwartiel 1 tot 3)",
         "marker": {"color": BAND_COLOUR},
         "customdata": [[_nl(d.q1), _nl(d.q3), c.others] for d, (_t, c) in zip(spreads, shown, strict=True)],  # type: ignore[union-attr]
         "hovertemplate": "%{y}: middelste helft %{customdata[0]} tot %{customdata[1]} (%{customdata[2]} gemeenten)"
                          "<extra></extra>"},
        {"type": "scatter", "y": labels, "x": [_number(d.median) for d in spreads],  # type: ignore[union-attr]
         "mode": "markers", "name": "Mediaan van de groep",
         "marker": {"symbol": "line-ns-open", "size": 22, "line": {"width": 3, "color": "#1b1b1b"}},
         "hovertemplate": "%{y}: mediaan %{x:.1f}<extra></extra>"},
        {"type": "scatter", "y": labels, "x": [_number(c.own) for _t, c in shown], "mode": "markers",
         "name": f"{report.municipality} (peer team)",
         "marker": {"symbol": "diamond", "size": 13, "color": OVER_COLOUR, "line": {"width": 1, "color": "white"}},
         "hovertemplate": "%{y}: " + report.municipality + " %{x:.1f}<extra></extra>"},
    ]
    title = {Cohort.REGION: "Positie in de regio", Cohort.SIZE_CLASS: "Positie in de grootteklasse"}[cohort]
    return _figure(data, title=title, height=150 + 40 * max(len(shown), 1),
                   xaxis={"range": [report.scale_minimum - 0.3, report.scale_maximum + 0.3], "dtick": 1,
                          "gridcolor": GRID_COLOUR, "title": {"text": "Score van het peer team"}},
                   yaxis={"automargin": True})


def _grid(count: int, columns: int, *, horizontal: float, vertical: float) -> list[tuple[list[float], list[float]]]:
    """The x and y domain of each of ``count`` small charts in a grid of ``columns``, filled row by row from the
    top (as plotly's ``make_subplots`` lays them out)."""
    rows = max((count + columns - 1) // columns, 1)
    width = (1 - (columns - 1) * horizontal) / columns
    height = (1 - (rows - 1) * vertical) / rows
    cells = []
    for index in range(count):
        row, col = divmod(index, columns)
        left = col * (width + horizontal)
        top = 1 - row * (height + vertical)
        cells.append(([round(left, 6), round(left + width, 6)], [round(top - height, 6), round(top, 6)]))
    return cells


def trend(report: Report) -> Figure:
    """Self and peer score per theme across the gemeente's rounds, one small chart per theme."""
    series = report.trend
    columns = 3
    rows = max((len(series) + columns - 1) // columns, 1)
    has_target = any(p.target is not None for s in series for p in s.points)
    data: list[dict[str, Any]] = []
    axes: dict[str, Any] = {}
    annotations = []
    for index, (line, (x_domain, y_domain)) in enumerate(zip(
            series, _grid(len(series), columns, horizontal=0.06, vertical=0.5 / rows), strict=True)):
        suffix = "" if index == 0 else str(index + 1)
        x, y = f"x{suffix}", f"y{suffix}"
        # automargin: the first round's label, centred under the left edge, stays on the page (print: 680 px)
        axes[f"xaxis{suffix}"] = {"domain": x_domain, "anchor": y, "type": "category", "tickangle": 0,
                                  "tickfont": {"size": 10}, "automargin": True}
        axes[f"yaxis{suffix}"] = {"domain": y_domain, "anchor": x, "dtick": 1, "gridcolor": GRID_COLOUR,
                                  "automargin": True, "range": [report.scale_minimum - 0.2, report.scale_maximum + 0.2]}
        annotations.append({"text": _short_text(line.label, 30), "x": (x_domain[0] + x_domain[1]) / 2,
                            "y": y_domain[1], "xref": "paper", "yref": "paper", "xanchor": "center",
                            "yanchor": "bottom", "showarrow": False, "font": {"size": 12}})
        rounds = [_wrap(p.label or p.round_name) for p in line.points]
        first = index == 0
        data.append({
            "type": "scatter", "x": rounds, "y": [_number(p.self_score) for p in line.points], "name": SELF_NAME,
            "legendgroup": "self", "showlegend": first, "mode": "lines+markers", "xaxis": x, "yaxis": y,
            "line": {"color": SELF_COLOUR, "dash": "dash"}, "marker": {"symbol": "circle", "size": 7},
            "hovertemplate": "%{x}: %{y:.1f}<extra>" + SELF_NAME + "</extra>"})
        data.append({
            "type": "scatter", "x": rounds, "y": [_number(p.peer_score) for p in line.points], "name": PEER_NAME,
            "legendgroup": "peer", "showlegend": first, "mode": "lines+markers", "xaxis": x, "yaxis": y,
            "line": {"color": PEER_COLOUR}, "marker": {"symbol": "square", "size": 7},
            "hovertemplate": "%{x}: %{y:.1f}<extra>" + PEER_NAME + "</extra>"})
        if has_target:
            data.append({
                "type": "scatter", "x": rounds, "y": [_number(p.target) for p in line.points],
                "name": "Doel uit het verbeterplan", "legendgroup": "target", "showlegend": first, "mode": "markers",
                "xaxis": x, "yaxis": y, "marker": {"symbol": "star", "size": 11, "color": TARGET_COLOUR},
                "hovertemplate": "%{x}: doel %{y:.1f}<extra></extra>"})
    return _figure(data, title="Ontwikkeling over de rondes", height=80 + 230 * rows, annotations=annotations,
                   legend={"orientation": "h", "yanchor": "bottom", "y": 1.02 + 0.25 / rows, "x": 1,
                           "xanchor": "right"}, **axes)


# ---------------------------------------------------------------- the region


def region_matrix(overview: RegionOverview) -> Figure:
    """Members by themes, the peer score in colour and in numbers (published reports only)."""
    members = [m for m in overview.matrix if m.is_published]
    members.reverse()
    theme_ids = [t for t, _label in overview.themes]
    z = [[_number(m.scores.get(t)) for t in theme_ids] for m in members]
    scale = overview.questionnaire.scale
    heat = {
        "type": "heatmap", "z": z, "x": [label.split(".", 1)[0] for _t, label in overview.themes],
        "y": [m.municipality for m in members], "customdata": [[label for _t, label in overview.themes]
                                                             for _m in members],
        "text": [[_nl(v) for v in row] for row in z], "texttemplate": "%{text}",
        "textfont": {"size": 13, "color": HEAT_TEXT_COLOUR}, "colorscale": HEAT_SCALE,
        "zmin": scale.minimum, "zmax": scale.maximum, "xgap": 2, "ygap": 2,
        "colorbar": {"title": {"text": "Score"}, "dtick": 1},
        "hovertemplate": "%{y} · %{customdata}: %{text}<extra></extra>", "name": "Peer scores"}
    return _figure([heat], title="Scores van de peer teams per gemeente en thema",
                   height=160 + 30 * max(len(members), 1), margin={"l": 10, "r": 10, "t": 90, "b": 20},
                   xaxis={"title": {"text": "Thema (nummer)"}, "side": "top", "type": "category"},
                   yaxis={"automargin": True, "type": "category"})


def region_distribution(overview: RegionOverview) -> Figure:
    """Per theme the spread of the members' peer scores: the box is the middle half, the line the median, the
    whiskers lowest and highest (all computed by the overview, not by plotly)."""
    spreads = [s for s in overview.spreads if s.count]
    box = {
        "type": "box", "x": [s.label.split(".", 1)[0] for s in spreads], "q1": [_number(s.q1) for s in spreads],
        "median": [_number(s.median) for s in spreads], "q3": [_number(s.q3) for s in spreads],
        "lowerfence": [_number(s.minimum) for s in spreads], "upperfence": [_number(s.maximum) for s in spreads],
        "name": "Peer scores in de regio", "marker": {"color": PEER_COLOUR}, "fillcolor": BAND_COLOUR,
        "line": {"color": PEER_COLOUR}, "hoverinfo": "x+y"}
    scale = overview.questionnaire.scale
    return _figure([box], title="Spreiding per thema", height=380, showlegend=False,
                   yaxis={"range": [scale.minimum - 0.3, scale.maximum + 0.3], "dtick": 1, "gridcolor": GRID_COLOUR,
                          "title": {"text": "Score"}},
                   xaxis={"title": {"text": "Thema (nummer)"}, "type": "category"})


# ---------------------------------------------------------------- to the page


def figure_json(fig: Figure) -> Markup:
    """The figure as JSON that can sit inside ``<script type="application/json">``: ``<``, ``>`` and ``&`` are
    escaped as ``\\u003c`` and so on, so no text in a label can close the element."""
    if not isinstance(fig, dict):  # a plotly graph object (tests, or a figure built elsewhere)
        fig = json.loads(fig.to_json())
    text = json.dumps(fig, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return Markup(text)  # noqa: S704 (escaped above for a JSON script element)
