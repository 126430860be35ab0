"""The report object and the benchmark statistics, checked against numbers worked out by hand."""

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from peerreview.domain.questionnaire import Lever, parse
from peerreview.domain.results import (
    Cohort,
    EvaluationFacts,
    Position,
    RecommendationView,
    RoundScores,
    build_report,
    compare,
    distribution,
    level_counts,
    position,
    theme_spread,
)
from peerreview.domain.scoring import UNKNOWN, GapDirection

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "questionnaires" / "minimal" / "1.yaml"


def D(text):
    return Decimal(text)


@pytest.fixture(scope="module")
def minimal():
    """Scale 0..4. 'analyse' (kennen): cijfers (weight 1), gebruik (weight 2). 'keten' (kunnen, external):
    capaciteit, signalen. Profile 'profiel': netwerk (1 question), bestuur (2 questions)."""
    return parse(yaml.safe_load(FIXTURE.read_text(encoding="utf-8")), source="minimal/1.yaml")


# ---------------------------------------------------------------- quartiles (inclusive method)


@pytest.mark.parametrize(("values", "q1", "median", "q3"), [
    ([1, 2, 3, 4, 5], "2.0", "3.0", "4.0"),  # positions 1, 2, 3 exactly
    # n = 4: positions 0.75, 1.5, 2.25 -> 1 + 0.75 = 1.75 -> 1.8 (half up); 2.5; 3 + 0.25 = 3.25 -> 3.3
    ([4, 1, 3, 2], "1.8", "2.5", "3.3"),
    ([3], "3.0", "3.0", "3.0"),
    # n = 6 of [1, 1, 2, 3, 5, 5]: positions 1.25, 2.5, 3.75 -> 1 + 0.25 = 1.25 -> 1.3; 2.5; 3 + 0.75*2 = 4.5
    ([5, 1, 3, 2, 5, 1], "1.3", "2.5", "4.5"),
    ([2, None, 4, None], "2.5", "3.0", "3.5"),  # missing scores are left out, not counted as 0
])
def test_distribution_by_hand(values, q1, median, q3):
    result = distribution(values)
    assert (result.q1, result.median, result.q3) == (D(q1), D(median), D(q3))
    assert result.count == len([v for v in values if v is not None])


def test_distribution_agrees_with_the_standard_library():
    import statistics

    values = [1, 4, 4, 2, 5, 3, 3, 1, 2]
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    result = distribution(values)
    assert result.q1 == D(str(round(q1, 1))) and result.median == D(str(median)) and result.q3 == D(str(q3))


def test_no_distribution_without_scores():
    assert distribution([]) is None
    assert distribution([None, None]) is None


@pytest.mark.parametrize(("own", "expected"), [
    ("4.5", Position.ABOVE_Q3), ("4.0", Position.ABOVE_MEDIAN), ("3.1", Position.ABOVE_MEDIAN),
    ("3.0", Position.AT_MEDIAN), ("2.9", Position.BELOW_MEDIAN), ("2.0", Position.BELOW_MEDIAN),
    ("1.9", Position.BELOW_Q1),
])
def test_position_against_quartiles(own, expected):
    dist = distribution([1, 2, 3, 4, 5])  # q1 2, median 3, q3 4: the quartiles themselves count as inside
    assert position(D(own), dist) is expected


# ---------------------------------------------------------------- the privacy threshold


def test_four_others_are_hidden_with_the_reason():
    result = compare(Cohort.REGION, 3, [1, 2, 4, 5])
    assert result.distribution is None and result.position is None
    assert result.others == 4
    assert "4 andere gemeenten" in result.hidden_reason and "minstens 5" in result.hidden_reason


def test_five_others_are_shown():
    result = compare(Cohort.REGION, 3, [1, 2, 4, 5, 5])
    assert result.hidden_reason is None
    assert result.distribution == distribution([1, 2, 4, 5, 5])
    assert (result.distribution.q1, result.distribution.median, result.distribution.q3) == (D("2.0"), D("4.0"),
                                                                                            D("5.0"))
    assert result.position is Position.BELOW_MEDIAN
    assert result.own == D("3.0")


def test_others_without_a_score_do_not_count_towards_the_threshold():
    result = compare(Cohort.REGION, 3, [1, 2, 4, 5, None])
    assert result.distribution is None and result.others == 4


def test_one_other_is_named_in_the_singular_and_none_has_its_own_reason():
    one = compare(Cohort.SIZE_CLASS, 3, [4])
    assert "1 andere gemeente " in one.hidden_reason
    none = compare(Cohort.SIZE_CLASS, 3, [])
    assert none.others == 0 and "nog geen andere gemeenten" in none.hidden_reason


def test_the_threshold_is_configurable():
    assert compare(Cohort.REGION, 3, [1, 2, 4], min_group=3).distribution is not None
    assert compare(Cohort.REGION, 3, [1, 2, 4, 5, 5], min_group=6).distribution is None


def test_a_gemeente_without_its_own_score_still_sees_the_group_but_no_position():
    result = compare(Cohort.REGION, None, [1, 2, 3, 4, 5])
    assert result.distribution is not None and result.own is None and result.position is None


# ---------------------------------------------------------------- the report object

ANSWERS = {
    # analyse: cijfers 3 (weight 1), gebruik 1 (weight 2) -> (3 + 2) / 3 = 1.67 -> 1.7
    "analyse.cijfers": 3, "analyse.gebruik": 1,
    # keten: capaciteit 4, signalen "weet niet" (left out) -> 4.0
    "keten.capaciteit": 4, "keten.signalen": UNKNOWN,
    # profile: netwerk 2 -> 2.0; bestuur (3 + 4) / 2 = 3.5; profile = (2.0 + 3.5) / 2 = 2.75 -> 2.8
    "profiel.netwerk.partners": 2, "profiel.bestuur.toegang": 3, "profiel.bestuur.druk": 4,
}
TEAM = {"analyse": 3, "keten": 2, "netwerk": 2, "bestuur": 1}
FACTS = EvaluationFacts(1, "Teststad", "GM0001", "Middelgroot", "Regio Test", "Ronde 2026", 2026, "Gepubliceerd",
                        judgement="Goed op weg.", strengths="Korte lijnen.")


def recommendation(id_, sections, addressee="municipality"):
    return RecommendationView(id_, id_, f"Aanbeveling {id_}", "high", "Hoog", addressee, addressee.title(),
                              tuple(sections))


@pytest.fixture
def report(minimal):
    return build_report(
        FACTS, minimal, ANSWERS, TEAM, {"analyse": "Sterke analyse.", "netwerk": "Netwerk op orde."},
        [recommendation(1, ["analyse"]), recommendation(2, ["keten", "analyse"], "national"),
         recommendation(3, ["profiel"])],
        cohorts={Cohort.REGION: {"analyse": [1, 2, 3, 4, 4], "keten": [1, 2, 3, 4]}},
        cohort_notes={Cohort.REGION: "de andere leden"})


def test_self_and_peer_scores_and_gaps_by_hand(report):
    analyse, keten = report.themes
    assert (analyse.self_score, analyse.peer_score) == (D("1.7"), D("3"))
    assert analyse.gap.difference == D("-1.3") and analyse.gap.direction is GapDirection.LOWER
    assert analyse.gap.flagged
    assert (keten.self_score, keten.peer_score, keten.gap.difference) == (D("4.0"), D("2"), D("2.0"))
    assert keten.gap.direction is GapDirection.HIGHER
    assert analyse.lever is Lever.KENNEN and keten.external


def test_gaps_in_words(report):
    analyse, keten = report.themes
    assert analyse.gap_words == "onderschatting met 1,3 punten"
    assert keten.gap_words == "overschatting met 2,0 punten"


def test_gaps_sorted_by_size_and_named(report):
    assert [t.id for t in report.gaps_by_size] == ["keten", "analyse"]
    assert [t.id for t in report.overestimated] == ["keten"]
    assert [t.id for t in report.underestimated] == ["analyse"]


def test_profile_by_hand(report):
    netwerk, bestuur = report.profile
    assert (netwerk.self_score, netwerk.peer_score, netwerk.gap.difference) == (D("2.0"), D("2"), D("0.0"))
    assert netwerk.gap.direction is GapDirection.EQUAL and not netwerk.gap.flagged
    assert (bestuur.self_score, bestuur.peer_score, bestuur.gap.difference) == (D("3.5"), D("1"), D("2.5"))
    assert netwerk.label == "3.1. Netwerk" and netwerk.motivation == "Netwerk op orde."
    total = report.profile_total
    # self: (2.0 + 3.5) / 2 = 2.75 -> 2.8; peer: (2 + 1) / 2 = 1.5
    assert (total.self_score, total.peer_score, total.gap.difference) == (D("2.8"), D("1.5"), D("1.3"))
    assert [r.id for r in total.recommendations] == [3]


def test_lever_view_with_and_without_external_themes(report):
    levers = {lever.lever: lever for lever in report.levers}
    assert (levers[Lever.KENNEN].self_score, levers[Lever.KENNEN].peer_score) == (D("1.7"), D("3.0"))
    assert (levers[Lever.KUNNEN].self_score, levers[Lever.KUNNEN].peer_score) == (D("4.0"), D("2.0"))
    assert levers[Lever.KUNNEN].self_without_external is None  # its only theme is external
    assert levers[Lever.WILLEN].self_score is None and levers[Lever.WILLEN].section_ids == ()


def test_recommendations_per_theme(report):
    analyse, keten = report.themes
    assert [r.id for r in analyse.recommendations] == [1, 2]
    assert [r.id for r in keten.recommendations] == [2]
    assert [r.id for r in report.recommendations_for("keten")] == [2]


def test_benchmark_per_theme_with_the_threshold_edge(report):
    analyse, keten = report.themes
    region = analyse.comparison(Cohort.REGION)
    # others 1, 2, 3, 4, 4: q1 2, median 3, q3 4; own peer score 3 -> at the median
    assert (region.distribution.q1, region.distribution.median, region.distribution.q3) == (D("2.0"), D("3.0"),
                                                                                          D("4.0"))
    assert region.position is Position.AT_MEDIAN
    assert keten.comparison(Cohort.REGION).distribution is None  # four others: hidden
    assert analyse.comparison(Cohort.SIZE_CLASS) is None  # no such group given
    assert report.comparison_shown(Cohort.REGION) and not report.comparison_shown(Cohort.SIZE_CLASS)
    assert report.profile[0].comparisons == ()  # elements are not benchmarked


def test_no_trend_with_one_round(report):
    assert report.trend == () and not report.has_trend


def test_trend_over_rounds_with_targets(minimal):
    earlier = RoundScores(7, "Ronde 2024", 2024, minimal, {"analyse.cijfers": 1, "analyse.gebruik": 1},
                          {"analyse": 1, "keten": 1})
    now = RoundScores(1, "Ronde 2026", 2026, minimal, ANSWERS, TEAM, targets={"analyse": 3, "keten": D("2.5")})
    report = build_report(FACTS, minimal, ANSWERS, TEAM, {}, [], history=[earlier, now],
                          targets={"analyse": 3})
    series = {s.item_id: s for s in report.trend}
    assert list(series) == ["analyse", "keten", "profiel"]
    analyse = series["analyse"].points
    assert [(p.round_name, p.self_score, p.peer_score, p.target) for p in analyse] == [
        ("Ronde 2024", D("1.0"), D("1"), None), ("Ronde 2026", D("1.7"), D("3"), D("3.0"))]
    assert series["keten"].points[0].self_score is None  # nothing answered in 2024
    assert series["profiel"].points[1].peer_score == D("1.5")
    assert report.themes[0].target == D("3.0") and report.themes[1].target is None


def test_a_report_without_any_score_still_builds(minimal):
    report = build_report(FACTS, minimal, {}, {}, {}, [])
    assert all(t.self_score is None and t.peer_score is None for t in report.items)
    assert report.themes[0].gap_words.startswith("geen vergelijking")
    assert report.overestimated == [] and report.underestimated == []


# ---------------------------------------------------------------- the region's spread


def test_theme_spread_and_level_counts():
    spread = theme_spread("analyse", "1. Analyse", [1, 2, 3, 4, 5, None])
    assert (spread.count, spread.minimum, spread.q1, spread.median, spread.q3, spread.maximum) == (
        5, D("1.0"), D("2.0"), D("3.0"), D("4.0"), D("5.0"))
    assert theme_spread("x", "x", []).count == 0
    assert level_counts([1, 1, 3, None, D("2.5")], 1, 4) == {1: 2, 2: 0, 3: 1, 4: 0}


def test_level_counts_include_both_ends_of_the_scale_and_nothing_outside():
    # 0 and 4 are the scale's own levels (a 0 is a real score); -1 and 5 are not on it
    assert level_counts([0, 4, 4, D("4"), 5, -1, D("4.0")], 0, 4) == {0: 1, 1: 0, 2: 0, 3: 0, 4: 4}
    assert level_counts([4], 0, 4) == {0: 0, 1: 0, 2: 0, 3: 0, 4: 1}


# ---------------------------------------------------------------- groups that differ too little


def test_overlapping_groups_hide_the_later_one():
    from peerreview.domain.results import overlapping

    region = {1, 2, 3, 4, 5}
    assert overlapping({Cohort.REGION: region, Cohort.SIZE_CLASS: region | {9}}) == {Cohort.SIZE_CLASS}
    assert overlapping({Cohort.REGION: region, Cohort.SIZE_CLASS: region}) == set()  # the same: nothing new
    assert overlapping({Cohort.REGION: region, Cohort.SIZE_CLASS: {1, 2, 3, 4, 9}}) == {Cohort.SIZE_CLASS}
    assert overlapping({Cohort.REGION: region, Cohort.SIZE_CLASS: {6, 7, 8, 9, 10}}) == set()
    # a region below the threshold is not shown, so it cannot be subtracted from
    assert overlapping({Cohort.REGION: {1, 2, 3, 4}, Cohort.SIZE_CLASS: {1, 2, 3, 4, 5}}) == set()


@pytest.mark.parametrize("min_group", [3, 5, 7])
def test_groups_that_differ_in_exactly_min_group_gemeenten_are_both_shown(min_group):
    """The boundary: a difference of ``min_group`` gemeenten is as large as the smallest group shown on its own."""
    from peerreview.domain.results import overlapping

    region = set(range(1, min_group + 1))  # exactly min_group: shown
    outside = set(range(100, 100 + min_group))
    added = {Cohort.REGION: region, Cohort.SIZE_CLASS: region | outside}
    assert overlapping(added, min_group) == set()
    assert overlapping({**added, Cohort.SIZE_CLASS: region | set(sorted(outside)[:-1])}, min_group) == {
        Cohort.SIZE_CLASS}  # min_group - 1 more: hidden
    # the difference counts both ways: gemeenten only in the region and gemeenten only in the other group
    swapped = (region - {1}) | set(sorted(outside)[:min_group - 1])  # 1 out, min_group - 1 in: min_group apart
    assert overlapping({Cohort.REGION: region, Cohort.SIZE_CLASS: swapped}, min_group) == set()
    closer = (region - {1}) | set(sorted(outside)[:min_group - 2])  # 1 out, min_group - 2 in: min_group - 1 apart
    assert len(closer) >= min_group
    assert overlapping({Cohort.REGION: region, Cohort.SIZE_CLASS: closer}, min_group) == {Cohort.SIZE_CLASS}


@pytest.mark.parametrize("min_group", [3, 5])
def test_a_group_of_min_group_members_is_shown_and_one_smaller_is_not(min_group):
    from peerreview.domain.results import overlapping

    region = set(range(1, min_group + 1))
    near = region | {99}  # one apart from the region: hidden next to it, whenever the region is shown
    assert overlapping({Cohort.REGION: region, Cohort.SIZE_CLASS: near}, min_group) == {Cohort.SIZE_CLASS}
    smaller = region - {1}  # min_group - 1: not shown, so nothing is hidden for it
    assert overlapping({Cohort.REGION: smaller, Cohort.SIZE_CLASS: smaller | {99}}, min_group) == set()


def test_a_hidden_group_says_why_in_the_report(minimal):
    from peerreview.domain.results import OVERLAP_REASON

    report = build_report(FACTS, minimal, ANSWERS, TEAM, {}, [],
                          cohorts={Cohort.REGION: {"analyse": [1, 2, 3, 4, 4]},
                                   Cohort.SIZE_CLASS: {"analyse": [1, 2, 3, 4, 4, 2]}},
                          cohort_members={Cohort.REGION: {1, 2, 3, 4, 5}, Cohort.SIZE_CLASS: {1, 2, 3, 4, 5, 6}})
    size = report.themes[0].comparison(Cohort.SIZE_CLASS)
    assert size.distribution is None and size.hidden_reason == OVERLAP_REASON
    assert report.themes[0].comparison(Cohort.REGION).distribution is not None
    assert report.profile_total.comparisons == ()  # only the ten themes are benchmarked


def test_trend_labels_are_unique(minimal):
    rounds = [RoundScores(i, name, year, minimal, {}, {}) for i, (name, year) in
              enumerate([("Ronde", 2020), ("Ronde", 2022), ("Toets", 2024), ("Toets", 2024)])]
    report = build_report(FACTS, minimal, {}, {}, {}, [], history=rounds)
    assert [p.label for p in report.trend[0].points] == ["Ronde (2020)", "Ronde (2022)", "Toets (2024) #1",
                                                         "Toets (2024) #2"]
