"""The figures read their numbers from the report object: trace names, values and order, and the JSON that
carries them to the page."""

from __future__ import annotations

import itertools
import json
from decimal import Decimal
from types import SimpleNamespace

import plotly.graph_objects as go
import pytest

from peerreview import palette
from peerreview.domain.results import Cohort, RoundScores, ThemeSpread, build_report
from peerreview.reports import charts
from tests.domain.test_results import ANSWERS, FACTS, TEAM, minimal, recommendation  # noqa: F401  (fixture)


@pytest.fixture
def report(minimal):  # noqa: F811
    earlier = RoundScores(7, "Ronde 2024", 2024, minimal, {"analyse.cijfers": 1, "analyse.gebruik": 1},
                          {"analyse": 1, "keten": 1})
    now = RoundScores(1, "Ronde 2026", 2026, minimal, ANSWERS, TEAM, targets={"analyse": 3})
    return build_report(
        FACTS, minimal, ANSWERS, TEAM, {}, [recommendation(1, ["analyse"])],
        cohorts={Cohort.REGION: {"analyse": [1, 2, 3, 4, 4], "keten": [1, 2, 3, 4]},
                 Cohort.SIZE_CLASS: {"analyse": [0, 1], "keten": []}},
        history=[earlier, now])


def test_radar_self_versus_peer_closed_ring(report):
    fig = go.Figure(charts.radar(report))
    assert [t.name for t in fig.data] == ["Zelfevaluatie", "Peer team"]
    own, peer = fig.data
    assert list(own.r) == [1.7, 4.0, 1.7] and list(peer.r) == [3.0, 2.0, 3.0]
    assert list(own.theta) == ["1. Analyse", "2. Keten", "1. Analyse"]
    assert fig.layout.polar.radialaxis.range == (0, 4)
    assert own.line.dash == "dash" and peer.line.dash == "solid"  # told apart without colour too


def test_gap_bars_largest_on_top_with_direction(report):
    fig = go.Figure(charts.gap_bars(report))
    (bars,) = fig.data
    # largest gap (keten +2.0) last, because plotly draws the first bar at the bottom
    assert list(bars.y) == ["1. Analyse", "2. Keten"]
    assert list(bars.x) == [-1.3, 2.0]
    assert list(bars.text) == ["\u22121,3", "+2,0"]
    assert list(bars.marker.color) == [palette.UNDER_COLOUR, palette.OVER_COLOUR]
    assert list(bars.marker.pattern.shape) == ["", "/"]
    assert list(bars.customdata) == ["onderschatting met 1,3 punten", "overschatting met 2,0 punten"]


def test_profile_and_lever_bars(report):
    profile = go.Figure(charts.profile_bars(report))
    assert [t.name for t in profile.data] == ["Peer team", "Zelfevaluatie"]
    peer, own = profile.data
    assert list(own.y) == ["3.2. Korte lijn naar het bestuur", "3.1. Netwerk"]
    assert list(own.x) == [3.5, 2.0] and list(peer.x) == [1.0, 2.0]
    levers = go.Figure(charts.lever_bars(report))
    peer, own = levers.data
    assert list(own.y) == ["Kunnen", "Kennen", "Willen"]
    assert list(own.x) == [4.0, 1.7, None] and list(peer.x) == [2.0, 3.0, None]


def test_benchmark_only_where_the_group_may_be_shown(report):
    fig = go.Figure(charts.benchmark(report, Cohort.REGION))
    band, median, own = fig.data
    assert list(band.y) == ["1. Analyse"]  # keten has four others: left out
    assert list(band.base) == [2.0] and list(band.x) == [2.0]  # q1 2, q3 4
    assert list(median.x) == [3.0] and list(own.x) == [3.0]
    assert "Teststad" in own.name
    empty = go.Figure(charts.benchmark(report, Cohort.SIZE_CLASS))
    assert all(len(t.y) == 0 for t in empty.data)


def test_trend_small_multiples_with_targets(report):
    fig = go.Figure(charts.trend(report))
    names = [t.name for t in fig.data]
    assert names.count("Zelfevaluatie") == 3 and names.count("Peer team") == 3
    assert names.count("Doel uit het verbeterplan") == 3
    assert [t.showlegend for t in fig.data[:3]] == [True, True, True]
    assert not any(t.showlegend for t in fig.data[3:])
    own, peer, target = fig.data[:3]
    assert list(own.x) == ["Ronde 2024", "Ronde 2026"]
    assert list(own.y) == [1.0, 1.7] and list(peer.y) == [1.0, 3.0] and list(target.y) == [None, 3.0]


def test_region_matrix_and_spread():
    questionnaire = SimpleNamespace(scale=SimpleNamespace(minimum=1, maximum=5))
    row = SimpleNamespace
    overview = SimpleNamespace(
        questionnaire=questionnaire, themes=[("a", "1. Alfa"), ("b", "2. Beta")],
        matrix=[row(municipality="Aastad", is_published=True, scores={"a": Decimal(4), "b": Decimal(2)}),
                row(municipality="Beestad", is_published=False, scores={}),
                row(municipality="Ceestad", is_published=True, scores={"a": Decimal(1), "b": None})],
        spreads=[ThemeSpread("a", "1. Alfa", 2, Decimal("1.0"), Decimal("1.8"), Decimal("2.5"), Decimal("3.3"),
                             Decimal("4.0")),
                 ThemeSpread("b", "2. Beta", 0, None, None, None, None, None)])
    matrix = go.Figure(charts.region_matrix(overview))
    (heat,) = matrix.data
    assert list(heat.y) == ["Ceestad", "Aastad"] and list(heat.x) == ["1", "2"]
    assert [list(r) for r in heat.z] == [[1.0, None], [4.0, 2.0]]
    assert [list(r) for r in heat.text] == [["1,0", "–"], ["4,0", "2,0"]]
    assert (heat.zmin, heat.zmax) == (1, 5)
    spread = go.Figure(charts.region_distribution(overview))
    (box,) = spread.data
    assert list(box.x) == ["1"]  # a theme without scores is left out
    assert (list(box.q1), list(box.median), list(box.q3)) == ([1.8], [2.5], [3.3])
    assert (list(box.lowerfence), list(box.upperfence)) == ([1.0], [4.0])


def test_dutch_number_format_and_labels(report):
    fig = go.Figure(charts.radar(report))
    assert fig.layout.separators == ",."
    assert fig.layout.title.text == "Zelfevaluatie en peer team per thema"


def test_figure_json_cannot_close_its_script_element():
    hostile = "</script><script>alert(1)</script> & <!--"
    fig = go.Figure(go.Bar(x=[1], y=[hostile], name=hostile))
    text = str(charts.figure_json(fig))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["data"][0]["name"] == hostile


def test_the_figures_are_valid_plotly_and_carry_no_template(report):
    """The figures are plain dictionaries; ``go.Figure`` validates every property name and value (a typo raises),
    and ``figure_json`` sends them as they are: no default template of 10 kB per figure."""
    figures = [charts.radar(report), charts.gap_bars(report), charts.profile_bars(report),
               charts.lever_bars(report), charts.benchmark(report, Cohort.REGION), charts.trend(report)]
    for figure in figures:
        assert isinstance(figure, dict)
        go.Figure(figure)  # raises ValueError on an unknown property or a bad value
        assert "template" not in json.loads(str(charts.figure_json(figure)))["layout"]


def test_trend_small_multiples_each_on_their_own_axes(report):
    figure = charts.trend(report)
    layout = figure["layout"]
    axes = sorted({(t["xaxis"], t["yaxis"]) for t in figure["data"]})
    assert axes == sorted((f"x{n or ''}", f"y{n or ''}") for n in [0, *range(2, len(report.trend) + 1)])
    assert layout["xaxis"]["domain"][0] == 0 and layout["xaxis2"]["domain"][0] > layout["xaxis"]["domain"][1]
    assert layout["yaxis2"]["anchor"] == "x2" and layout["xaxis2"]["anchor"] == "y2"
    assert [a["text"] for a in layout["annotations"]] == [s.label for s in report.trend]


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_the_heatmaps_numbers_keep_a_contrast_of_4_5_on_every_shade():
    from peerreview.palette import HEAT_SCALE, HEAT_TEXT_COLOUR

    text = _luminance(HEAT_TEXT_COLOUR)
    # plotly interpolates between the stops in RGB; check every step of a 1-in-100 walk along the scale
    ratios = []
    for (_low, a), (_high, b) in itertools.pairwise(HEAT_SCALE):
        for step in range(101):
            t = step / 100
            mix = "#" + "".join(f"{round(int(a[i:i + 2], 16) * (1 - t) + int(b[i:i + 2], 16) * t):02x}"
                                for i in (1, 3, 5))
            shade = _luminance(mix)
            ratios.append((max(shade, text) + 0.05) / (min(shade, text) + 0.05))
    assert min(ratios) >= 4.5, min(ratios)
    questionnaire = SimpleNamespace(scale=SimpleNamespace(minimum=1, maximum=5))
    overview = SimpleNamespace(questionnaire=questionnaire, themes=[("a", "1. Alfa")], spreads=[],
                               matrix=[SimpleNamespace(municipality="Aastad", is_published=True,
                                                       scores={"a": Decimal(4)})])
    (heat,) = charts.region_matrix(overview)["data"]
    assert heat["colorscale"] == HEAT_SCALE and heat["textfont"]["color"] == HEAT_TEXT_COLOUR
