"""Scoring rules, each checked against numbers worked out by hand (see the module docstring for the decisions)."""

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from peerreview.domain.errors import InvalidValue
from peerreview.domain.questionnaire import Lever, parse
from peerreview.domain.scoring import (
    UNKNOWN,
    GapDirection,
    completeness,
    gap,
    gaps,
    largest_first,
    lever_view,
    profile_scores,
    round_half_up,
    section_completeness,
    section_score,
    section_scores,
    spread,
)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "questionnaires" / "minimal" / "1.yaml"


@pytest.fixture(scope="module")
def minimal():
    """Scale 0..4. Section 'analyse' (kennen): cijfers (weight 1, evidence required), gebruik (weight 2).
    Section 'keten' (kunnen, external): capaciteit, signalen. Profile: netwerk (1 question), bestuur (2)."""
    return parse(yaml.safe_load(FIXTURE.read_text(encoding="utf-8")), source="minimal/1.yaml")


def D(text):
    return Decimal(text)


# ---------------------------------------------------------------- rounding


@pytest.mark.parametrize(("value", "expected"), [
    (Fraction(9, 4), "2.3"),  # 2.25: half up, where Python's round() gives 2.2
    (D("2.45"), "2.5"),
    (D("2.35"), "2.4"),
    (Fraction(1, 3), "0.3"),
    (Fraction(2, 3), "0.7"),
    (Fraction(8, 3), "2.7"),
    (3, "3.0"),
    (D("-0.25"), "-0.3"),  # differences round away from zero, symmetric
    (D("-1.04"), "-1.0"),
])
def test_round_half_up_to_one_decimal(value, expected):
    result = round_half_up(value)
    assert result == D(expected)
    assert str(result) == expected  # always exactly one decimal


@pytest.mark.parametrize(("value", "expected"), [
    (D("0.04"), "0.0"),
    (D("0.049999999999"), "0.0"),
    (D("0.05"), "0.1"),  # the half: up
    (Fraction(1, 20), "0.1"),
    (D("0.06"), "0.1"),
    (D("0.099"), "0.1"),
    (Fraction(1, 10**12), "0.0"),  # a tiny positive value is 0.0, written with its decimal
    (D("1E-30"), "0.0"),
    (0, "0.0"),
    (D("-0.04"), "0.0"),  # never "-0.0"
    (Fraction(-1, 10**12), "0.0"),
    (D("-0.05"), "-0.1"),
])
def test_round_half_up_between_zero_and_the_first_decimal(value, expected):
    result = round_half_up(value)
    assert result == D(expected)
    assert str(result) == expected


# ---------------------------------------------------------------- section scores


@pytest.mark.parametrize(("answers", "expected"), [
    ({"analyse.cijfers": 1, "analyse.gebruik": 4}, "3.0"),  # (1*1 + 4*2) / 3 = 9/3
    ({"analyse.cijfers": 2, "analyse.gebruik": 3}, "2.7"),  # (2 + 6) / 3 = 2.666...
    ({"analyse.cijfers": 4, "analyse.gebruik": 0}, "1.3"),  # (4 + 0) / 3 = 1.333...: 0 is a real score
    ({"analyse.cijfers": UNKNOWN, "analyse.gebruik": 1}, "1.0"),  # "weet niet" left out, not counted as 0
    ({"analyse.cijfers": 3, "analyse.gebruik": None}, "3.0"),  # only the answered question counts
    ({"analyse.cijfers": 3, "keten.capaciteit": 0}, "3.0"),  # answers to other sections are ignored
])
def test_section_score_is_the_weighted_mean_of_answered_questions(minimal, answers, expected):
    result = section_score(minimal.section("analyse"), minimal.scale, answers)
    assert result.score == D(expected)
    assert result.reason is None


def test_a_section_with_only_weet_niet_has_no_score_and_says_why(minimal):
    result = section_score(minimal.section("analyse"), minimal.scale,
                           {"analyse.cijfers": UNKNOWN, "analyse.gebruik": UNKNOWN})
    assert result.score is None
    assert result.reason == "alleen 'weet niet / n.v.t.' beantwoord"
    assert (result.tally.total, result.tally.scored, result.tally.unknown, result.tally.open) == (2, 0, 2, 0)


def test_an_unanswered_section_has_no_score_not_zero(minimal):
    result = section_score(minimal.section("keten"), minimal.scale, {})
    assert result.score is None
    assert result.reason == "nog niet beantwoord"
    assert result.tally.open == 2


@pytest.mark.parametrize("bad", [5, -1, True, "3", 2.5, "weet niet"])
def test_an_answer_outside_the_scale_is_refused_in_dutch(minimal, bad):
    with pytest.raises(InvalidValue) as raised:
        section_score(minimal.section("analyse"), minimal.scale, {"analyse.cijfers": bad})
    assert raised.value.field == "analyse.cijfers"
    assert "vraag 1.1" in raised.value.message and "0 tot en met 4" in raised.value.message


def test_section_scores_cover_every_section_in_order(minimal):
    scores = section_scores(minimal, {"analyse.cijfers": 4, "keten.capaciteit": 1, "keten.signalen": 2})
    assert list(scores) == ["analyse", "keten", "profiel"]
    assert scores["analyse"].score == D("4.0")
    assert scores["keten"].score == D("1.5")
    assert scores["profiel"].score is None


# ---------------------------------------------------------------- the coordinator profile


def test_profile_scores_per_element_and_elements_weigh_the_same(minimal):
    answers = {"profiel.netwerk.partners": 4, "profiel.bestuur.toegang": 1, "profiel.bestuur.druk": 2}
    assert profile_scores(minimal, answers) == {"netwerk": D("4.0"), "bestuur": D("1.5")}
    result = section_score(minimal.section("profiel"), minimal.scale, answers)
    # mean of the elements (4.0 + 1.5) / 2 = 2.75 -> 2.8; a mean over the three questions would give 2.3
    assert result.score == D("2.8")
    assert [e.element_id for e in result.elements] == ["netwerk", "bestuur"]
    assert result.tally.total == 3 and result.tally.scored == 3


def test_a_profile_element_without_score_is_left_out_of_the_profile_score(minimal):
    answers = {"profiel.netwerk.partners": 3, "profiel.bestuur.toegang": UNKNOWN}
    assert profile_scores(minimal, answers) == {"netwerk": D("3.0"), "bestuur": None}
    result = section_score(minimal.section("profiel"), minimal.scale, answers)
    assert result.score == D("3.0")
    assert result.elements[1].reason == "alleen 'weet niet / n.v.t.' beantwoord"


# ---------------------------------------------------------------- completeness


def test_completeness_counts_weet_niet_as_answered_and_rounds_down(minimal):
    answers = {"analyse.cijfers": UNKNOWN, "keten.capaciteit": 2, "profiel.netwerk.partners": 4}
    result = completeness(minimal.questions, minimal.scale, answers)
    assert (result.total, result.answered, result.unknown, result.open) == (7, 3, 1, 4)
    assert result.percent == 42  # 3/7 = 42.86%, rounded down: 100% means complete
    assert result.open_questions == ("analyse.gebruik", "keten.signalen", "profiel.bestuur.toegang",
                                     "profiel.bestuur.druk")
    assert not result.is_complete


def test_a_complete_section_is_100_percent(minimal):
    result = section_completeness(minimal.section("keten"), minimal.scale,
                                  {"keten.capaciteit": 0, "keten.signalen": UNKNOWN})
    assert result.is_complete and result.percent == 100 and result.open_questions == ()


def test_completeness_just_below_complete_never_shows_100(minimal):
    answers = {q.id: 2 for q in minimal.questions[:-1]}
    assert completeness(minimal.questions, minimal.scale, answers).percent == 85  # 6/7 = 85.7%


def test_required_evidence_missing_is_listed_but_weet_niet_needs_none(minimal):
    section = minimal.section("analyse")  # analyse.cijfers asks for evidence (required)
    scored = section_completeness(section, minimal.scale, {"analyse.cijfers": 3, "analyse.gebruik": 1})
    assert scored.missing_evidence == ("analyse.cijfers",)
    assert scored.is_complete  # evidence does not make an answer open; the wizard shows it separately
    given = section_completeness(section, minimal.scale, {"analyse.cijfers": 3}, evidence_given={"analyse.cijfers"})
    assert given.missing_evidence == ()
    unknown = section_completeness(section, minimal.scale, {"analyse.cijfers": UNKNOWN})
    assert unknown.missing_evidence == ()


# ---------------------------------------------------------------- the lever view (willen, kennen, kunnen)


def _ten_themes():
    """Ten knelpunt sections with the brief's levers; themes 8 and 9 external."""
    levers = ["kunnen", "kennen", "kunnen", "kennen", "kennen", "willen", "willen", "kunnen", "kunnen", "willen"]
    level_texts = {1: "Niet.", 3: "Deels.", 5: "Helemaal."}
    sections = [{
        "id": f"t{n}", "kind": "knelpunt", "title": f"Thema {n}", "summary": "Goed.", "lever": lever,
        "external": n in (8, 9),
        "questions": [{"id": f"t{n}.q", "text": "Is het goed?", "guidance": "Denk na.", "levels": level_texts,
                       "evidence": "none"}],
    } for n, lever in enumerate(levers, start=1)]
    return parse({
        "key": "tien", "version": "1", "status": "active", "title": "Tien", "description": "Tien thema's.",
        "scale": {"min": 1, "max": 5, "levels": {v: {"label": f"L{v}", "description": "."} for v in range(1, 6)},
                  "unknown": {"label": "Weet niet", "description": "Telt niet mee."}},
        "sections": sections,
    })


def test_lever_view_is_the_mean_of_the_section_scores_per_lever():
    questionnaire = _ten_themes()
    scores = {"t6": 2, "t7": 3, "t10": None,  # willen: (2 + 3) / 2 = 2.5; t10 has no score
              "t2": D("3.3"), "t4": D("2.7"), "t5": 4,  # kennen: 10.0 / 3 = 3.33 -> 3.3
              "t1": 1, "t3": 2, "t8": 4, "t9": 5}  # kunnen: 12 / 4 = 3.0
    willen, kennen, kunnen = lever_view(questionnaire, scores)
    assert (willen.lever, willen.score, willen.section_ids, willen.scored) == (
        Lever.WILLEN, D("2.5"), ("t6", "t7", "t10"), 2)
    assert (kennen.lever, kennen.score, kennen.scored) == (Lever.KENNEN, D("3.3"), 3)
    assert (kunnen.lever, kunnen.score, kunnen.section_ids) == (Lever.KUNNEN, D("3.0"), ("t1", "t3", "t8", "t9"))


def test_lever_view_can_leave_out_the_external_themes():
    questionnaire = _ten_themes()
    scores = {"t1": 1, "t3": 2, "t8": 4, "t9": 5}
    kunnen = lever_view(questionnaire, scores, include_external=False)[2]
    assert kunnen.section_ids == ("t1", "t3")
    assert kunnen.score == D("1.5")  # (1 + 2) / 2


def test_a_lever_without_any_scored_section_has_no_score(minimal):
    willen, kennen, kunnen = lever_view(minimal, {"analyse": D("2.7")})
    assert willen.score is None and willen.section_ids == ()  # the minimal questionnaire has no willen theme
    assert kennen.score == D("2.7")
    assert kunnen.score is None and kunnen.section_ids == ("keten",) and kunnen.scored == 0


# ---------------------------------------------------------------- gaps (self versus peer)


def test_gaps_per_section_are_flagged_from_one_point():
    own = {"a": D("3.4"), "b": D("2.0"), "c": None, "d": D("4.0"), "e": D("2.95")}
    other = {"a": 2, "b": 3, "c": 3, "d": D("3.1"), "e": 2}
    result = {g.item_id: g for g in gaps(["a", "b", "c", "d", "e"], own, other)}
    assert (result["a"].difference, result["a"].flagged, result["a"].direction) == (D("1.4"), True, GapDirection.HIGHER)
    assert result["a"].direction.self_versus_peer == "overschatting"
    assert (result["b"].difference, result["b"].flagged) == (D("-1.0"), True)  # exactly one point: flagged
    assert result["b"].direction.self_versus_peer == "onderschatting"
    assert (result["c"].difference, result["c"].flagged, result["c"].direction) == (None, False, None)
    assert (result["d"].difference, result["d"].flagged) == (D("0.9"), False)
    # 2.95 is published as 3.0, so the gap is 1.0 and flagged: the screen shows 3.0 against 2
    assert (result["e"].own, result["e"].difference, result["e"].flagged) == (D("3.0"), D("1.0"), True)


def test_equal_scores_have_no_direction_word_but_equal():
    result = gap("x", 3, D("3.0"))
    assert result.difference == 0 and result.direction is GapDirection.EQUAL and not result.flagged
    assert result.direction.self_versus_peer == "gelijk"


def test_gaps_largest_first_with_missing_last():
    listed = gaps(["a", "b", "c", "d"], {"a": 1, "b": 4, "c": None, "d": 3}, {"a": 2, "b": 2, "c": 1, "d": 5})
    assert [g.item_id for g in largest_first(listed)] == ["b", "d", "a", "c"]  # 2.0, -2.0 (same size), 1.0, none


def test_gap_threshold_is_configurable():
    assert gap("x", 3, D("2.5"), threshold=D("0.5")).flagged
    assert not gap("x", 3, D("2.6"), threshold=D("0.5")).flagged


# ---------------------------------------------------------------- several answers to one question


def test_spread_of_several_answers():
    result = spread([1, 3, UNKNOWN, None, 4])
    assert (result.count, result.unknown, result.minimum, result.maximum) == (4, 1, 1, 4)
    assert result.median == D("3.0") and result.range == 3 and result.is_large()


def test_spread_median_of_an_even_count_is_the_mean_of_the_middle_two():
    result = spread([2, 3])
    assert result.median == D("2.5") and result.range == 1 and not result.is_large()


def test_spread_without_scored_answers():
    assert spread([]).median is None and spread([]).count == 0
    only_unknown = spread([UNKNOWN, None])
    assert (only_unknown.count, only_unknown.unknown, only_unknown.median, only_unknown.range) == (1, 1, None, None)


def test_lever_view_takes_section_scores_as_computed(minimal):
    answers = {"analyse.cijfers": 2, "analyse.gebruik": 3, "keten.capaciteit": 1, "keten.signalen": 2}
    _willen, kennen, kunnen = lever_view(minimal, section_scores(minimal, answers))
    assert (kennen.score, kunnen.score) == (D("2.7"), D("1.5"))  # 8/3 -> 2.7; (1 + 2) / 2


def test_the_profile_score_is_built_on_the_published_element_scores():
    """The profile's score is the mean of the element scores as published (one decimal), so that a user can check
    it from the screen; the last case is one where that differs from the mean of the unrounded element means."""
    levels = {1: "Niet.", 3: "Deels.", 5: "Helemaal."}

    def question(element, name):
        return {"id": f"p.{element}.{name}", "text": "Is het zo ver?", "guidance": "Denk na.", "levels": levels,
                "evidence": "none"}

    elements = [{"id": name, "title": name, "summary": ".", "questions": [question(name, "a"), question(name, "b"),
                                                                          question(name, "c")]}
                for name in ("e1", "e2")]
    questionnaire = parse({
        "key": "profiel", "version": "1", "status": "active", "title": "Profiel", "description": "Profiel.",
        "scale": {"min": 1, "max": 5, "levels": {v: {"label": f"L{v}", "description": "."} for v in range(1, 6)},
                  "unknown": {"label": "Weet niet", "description": "Telt niet mee."}},
        "sections": [{"id": "p", "kind": "coordinator_profile", "title": "Profiel", "summary": ".",
                      "elements": elements}],
    })
    # e1: (1 + 1 + 2) / 3 = 1.33 -> 1.3; e2: (2 + 2 + 1) / 3 = 1.67 -> 1.7
    answers = {"p.e1.a": 1, "p.e1.b": 1, "p.e1.c": 2, "p.e2.a": 2, "p.e2.b": 2, "p.e2.c": 1}
    result = section_score(questionnaire.section("p"), questionnaire.scale, answers)
    assert [e.score for e in result.elements] == [D("1.3"), D("1.7")]
    assert result.score == D("1.5")  # (1.3 + 1.7) / 2
    answers.update({"p.e1.c": 1, "p.e2.a": 1, "p.e2.b": 2, "p.e2.c": 2})
    # e1: 3/3 = 1.0; e2: 5/3 = 1.67 -> 1.7. Published: (1.0 + 1.7) / 2 = 1.35 -> 1.4.
    # From the exact means: (1 + 5/3) / 2 = 1.333 -> 1.3. The rule takes the published scores.
    assert section_score(questionnaire.section("p"), questionnaire.scale, answers).score == D("1.4")
