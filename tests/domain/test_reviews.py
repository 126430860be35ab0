"""The peer review rules, on plain values: conflicts of interest, what the peers score, the team's score and its
proposal, interviews and observations, recommendations, publication; and the evaluation's state machine."""

from __future__ import annotations

from datetime import date

import pytest

from peerreview.domain.errors import InvalidFields, InvalidValue, NotAllowed
from peerreview.domain.evaluations import (
    STATUS_LABELS,
    TRANSITIONS,
    EvaluationStatus,
    Transition,
    allowed_transitions,
    next_status,
)
from peerreview.domain.reviews import (
    MAX_DECLARATION_REASON,
    MAX_ENTRY_NOTES,
    MAX_INTERVIEWEE,
    MAX_INTERVIEWEES,
    MAX_JUDGEMENT,
    MAX_MOTIVATION,
    MAX_RATIONALE,
    MAX_RECOMMENDATION,
    Addressee,
    Candidate,
    Capacity,
    Confidentiality,
    EntryKind,
    Finding,
    Member,
    NeedsConfirmation,
    Priority,
    PublicationCheck,
    ReciprocalPolicy,
    ReviewItem,
    ScoreData,
    TeamScoreData,
    check_candidate,
    check_declaration_reason,
    check_entry,
    check_long_text,
    check_recommendation,
    check_score,
    check_team_score,
    check_themes,
    confirm_publication,
    decide_addition,
    is_reciprocal,
    missing_scores,
    parse_level,
    publication_check,
    review_items,
    team_proposal,
)
from peerreview.questionnaire_loader import load_file
from tests.conftest import FIXTURE_QUESTIONNAIRES, REAL_QUESTIONNAIRES

MINIMAL = load_file(FIXTURE_QUESTIONNAIRES / "minimal" / "1.yaml")  # knelpunten analyse, keten; profile "profiel"
SCALE = MINIMAL.scale  # 0..4
REAL = load_file(REAL_QUESTIONNAIRES / "regie-integrale-veiligheid" / "2026.1.yaml")
ITEMS = review_items(MINIMAL)  # analyse, keten, netwerk, bestuur
TODAY = date(2026, 11, 23)


def fields_of(error: InvalidValue) -> list[str | None]:
    """The fields an error names: one for a single error, each of them for ``InvalidFields``."""
    if isinstance(error, InvalidFields):
        return [e.field for e in error.errors]
    return [error.field]


def messages_of(error: InvalidValue) -> list[str]:
    if isinstance(error, InvalidFields):
        return [e.message for e in error.errors]
    return [error.message]


# ---------------------------------------------------------------- choices


@pytest.mark.parametrize(("enum_class", "expected"), [
    (Capacity, {"official": "Ambtenaar", "administrator": "Bestuurder"}),
    (Confidentiality, {"team": "Alleen voor het team", "quotable": "Citeerbaar in het rapport"}),
    (EntryKind, {"interview": "Gesprek", "observation": "Waarneming"}),
    (Priority, {"high": "Hoog", "medium": "Middel", "low": "Laag"}),
    (Addressee, {"municipality": "Gemeente", "region": "Regio", "national": "Rijk"}),
])
def test_choice_labels_are_dutch(enum_class, expected) -> None:
    assert {member.value: member.label for member in enum_class} == expected


def test_reciprocal_policy_labels_say_what_happens() -> None:
    assert ReciprocalPolicy.warn.label.startswith("Waarschuwen")
    assert "bevestiging" in ReciprocalPolicy.warn.label
    assert ReciprocalPolicy.refuse.label.startswith("Weigeren")
    assert "ook na bevestiging" in ReciprocalPolicy.refuse.label


def test_priorities_rank_high_first() -> None:
    assert [p.rank for p in (Priority.high, Priority.medium, Priority.low)] == [0, 1, 2]
    assert sorted([Priority.low, Priority.high, Priority.medium], key=lambda p: p.rank) == [
        Priority.high, Priority.medium, Priority.low]


# ---------------------------------------------------------------- conflicts of interest

EVALUATED = 10  # the gemeente under review, "Noordstad"
ANNA = Candidate(user_id=7, name="Anna de Vries", municipality_id=11, municipality_name="Zuidwijk")


def findings_for(candidate: Candidate = ANNA, *, members: tuple[int, ...] = (), declared: str | None = None,
                 reciprocal: bool = False, policy: ReciprocalPolicy = ReciprocalPolicy.warn) -> list[Finding]:
    return check_candidate(candidate, evaluated_municipality_id=EVALUATED, evaluated_name="Noordstad",
                           team_member_ids=members, declared_reason=declared, reciprocal=reciprocal, policy=policy)


def test_a_reviewer_without_conflicts_has_no_findings_and_is_added() -> None:
    assert findings_for() == []
    assert decide_addition([], confirmed=False) == ()


def test_nobody_reviews_their_own_gemeente_whatever_the_region_says() -> None:
    own = Candidate(7, "Anna de Vries", EVALUATED, "Noordstad")
    for policy in ReciprocalPolicy:
        findings = findings_for(own, policy=policy)
        assert [(f.kind, f.blocks) for f in findings] == [("own", True)]
        assert "niemand toetst de eigen gemeente" in findings[0].message
        assert "Anna de Vries" in findings[0].message and "Noordstad" in findings[0].message
        with pytest.raises(NotAllowed, match="eigen gemeente"):
            decide_addition(findings, confirmed=True)  # a confirmation does not lift a block


def test_a_reviewer_without_a_gemeente_is_not_taken_for_own_gemeente() -> None:
    free = Candidate(7, "Anna de Vries", None, "")
    assert findings_for(free) == []


def test_a_declared_conflict_blocks_with_or_without_a_reason() -> None:
    findings = findings_for(declared="zus is burgemeester")
    assert [(f.kind, f.blocks) for f in findings] == [("declared", True)]
    assert "belangenconflict met Noordstad gemeld (zus is burgemeester)." in findings[0].message
    findings = findings_for(declared="")
    assert [(f.kind, f.blocks) for f in findings] == [("declared", True)]
    assert findings[0].message.endswith("gemeld.")
    assert "()" not in findings[0].message
    with pytest.raises(NotAllowed, match="belangenconflict"):
        decide_addition(findings, confirmed=True)


def test_role_inactive_account_and_existing_membership_block() -> None:
    not_a_peer = Candidate(7, "Anna de Vries", 11, "Zuidwijk", is_peer_reviewer=False)
    assert [(f.kind, f.blocks) for f in findings_for(not_a_peer)] == [("role", True)]
    assert "niet de rol peer reviewer" in findings_for(not_a_peer)[0].message
    inactive = Candidate(7, "Anna de Vries", 11, "Zuidwijk", is_active=False)
    assert [(f.kind, f.blocks) for f in findings_for(inactive)] == [("inactive", True)]
    assert "uitgeschakeld" in findings_for(inactive)[0].message
    member = findings_for(members=(3, 7))
    assert [(f.kind, f.blocks) for f in member] == [("member", True)]
    assert "zit al in dit peer team" in member[0].message
    assert findings_for(members=(3, 8)) == []  # someone else's membership is no finding


def test_reciprocal_review_warns_by_default_and_blocks_when_the_region_refuses() -> None:
    warned = findings_for(reciprocal=True, policy=ReciprocalPolicy.warn)
    assert [(f.kind, f.blocks) for f in warned] == [("reciprocal", False)]
    assert warned[0].message.startswith("Wederzijdse toetsing: Zuidwijk wordt in deze ronde getoetst")
    assert "iemand van Noordstad" in warned[0].message and "na bevestiging" in warned[0].message
    refused = findings_for(reciprocal=True, policy=ReciprocalPolicy.refuse)
    assert [(f.kind, f.blocks) for f in refused] == [("reciprocal", True)]
    assert "staat dat niet toe" in refused[0].message


def test_every_finding_is_listed_in_order() -> None:
    worst = Candidate(7, "Anna de Vries", EVALUATED, "Noordstad", is_peer_reviewer=False, is_active=False)
    findings = findings_for(worst, members=(7,), declared="oud-collega", reciprocal=True)
    assert [f.kind for f in findings] == ["role", "inactive", "member", "own", "declared", "reciprocal"]
    assert [f.blocks for f in findings] == [True, True, True, True, True, False]


def test_decide_addition_refuses_naming_every_block_and_not_as_a_confirmation() -> None:
    findings = [Finding("own", "Eerste bezwaar.", True), Finding("declared", "Tweede bezwaar.", True),
                Finding("reciprocal", "Een waarschuwing.", False)]
    with pytest.raises(NotAllowed) as caught:
        decide_addition(findings, confirmed=True)
    assert type(caught.value) is NotAllowed  # a block is a refusal, never something to confirm
    assert caught.value.message == "Eerste bezwaar. Tweede bezwaar."
    assert "waarschuwing" not in caught.value.message


def test_a_warning_needs_confirmation_and_is_returned_to_be_recorded() -> None:
    findings = findings_for(reciprocal=True)
    with pytest.raises(NeedsConfirmation) as caught:
        decide_addition(findings, confirmed=False)
    assert caught.value.warnings == (findings[0].message,)
    assert caught.value.message == findings[0].message
    assert isinstance(caught.value, NotAllowed)  # views that only know NotAllowed still refuse
    assert decide_addition(findings, confirmed=True) == (findings[0].message,)


def test_needs_confirmation_joins_its_warnings() -> None:
    error = NeedsConfirmation(["Eén.", "Twee."])
    assert error.warnings == ("Eén.", "Twee.")
    assert error.message == "Eén. Twee." and str(error) == "Eén. Twee."
    assert error.field is None


def test_reciprocal_means_the_reviewers_gemeente_is_reviewed_by_someone_of_the_evaluated_one() -> None:
    # round: gemeente 11 is reviewed by people of 10 and 12; gemeente 12 by people of 13
    round_teams = {11: {10, 12}, 12: [13]}
    assert is_reciprocal(11, 10, round_teams)  # reviewer of 11 on 10, while 10 reviews 11
    assert is_reciprocal(11, 12, round_teams)
    assert not is_reciprocal(12, 10, round_teams)  # 12 is reviewed, but not by 10
    assert not is_reciprocal(13, 10, round_teams)  # 13 is not reviewed in this round
    assert not is_reciprocal(None, 10, round_teams)  # a reviewer without a gemeente
    assert not is_reciprocal(11, 10, {})


def test_declaration_reason() -> None:
    assert check_declaration_reason(None) == ""
    assert check_declaration_reason("  Oud-collega \r\n ") == "Oud-collega"
    assert check_declaration_reason("x" * MAX_DECLARATION_REASON) == "x" * MAX_DECLARATION_REASON
    with pytest.raises(InvalidValue, match="te lang") as caught:
        check_declaration_reason("x" * (MAX_DECLARATION_REASON + 1))
    assert caught.value.field == "reason"


# ---------------------------------------------------------------- what the peers score


def test_review_items_of_the_shipped_instrument() -> None:
    items = review_items(REAL)
    assert len(items) == 16
    knelpunten, elements = items[:10], items[10:]
    assert [i.number for i in knelpunten] == [str(n) for n in range(1, 11)]
    assert not any(i.is_element for i in knelpunten)
    assert [i.id for i in knelpunten] == [s.id for s in REAL.knelpunt_sections]
    assert all(i.section_id == i.id for i in knelpunten)
    profile = REAL.profile_section
    assert profile is not None and profile.number == 11
    assert [i.number for i in elements] == ["11.1", "11.2", "11.3", "11.4", "11.5", "11.6"]
    assert all(i.is_element and i.section_id == profile.id for i in elements)
    assert [i.id for i in elements] == [e.id for e in profile.elements]
    assert [i.title for i in elements] == [e.title for e in profile.elements]
    assert len({i.id for i in items}) == 16  # one score per item, no clashes
    assert items[0].label == "1. Systematische aanpak"
    assert elements[0].label == "11.1. Procesmanager"


def test_review_items_of_the_minimal_questionnaire() -> None:
    assert ITEMS == (
        ReviewItem("analyse", "1", "Analyse", "analyse", False),
        ReviewItem("keten", "2", "Keten", "keten", False),
        ReviewItem("netwerk", "3.1", "Netwerk", "profiel", True),
        ReviewItem("bestuur", "3.2", "Korte lijn naar het bestuur", "profiel", True),
    )


@pytest.mark.parametrize(("raw", "expected"), [
    (None, None), ("", None), ("   ", None), ("0", 0), (" 4 ", 4), (2, 2), ("3", 3),
])
def test_parse_level_accepts_levels_and_empty(raw, expected) -> None:
    assert parse_level(SCALE, raw, "items-1-value") == expected


@pytest.mark.parametrize("raw", ["5", "-1", 5, "2.5", "twee", "3a", 2.0, True, "1 2"])
def test_parse_level_refuses_anything_off_the_scale(raw) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_level(SCALE, raw, "items-1-value")
    assert caught.value.message == "Kies een score van 0 tot en met 4."
    assert caught.value.field == "items-1-value"


def test_parse_level_uses_the_scale_of_the_questionnaire() -> None:
    assert parse_level(REAL.scale, "5", "value") == 5
    with pytest.raises(InvalidValue, match="van 1 tot en met 5"):
        parse_level(REAL.scale, "0", "value")


def test_check_score_keeps_an_incomplete_score() -> None:
    assert check_score(SCALE, "", None) == ScoreData(None, "")
    assert check_score(SCALE, "", None).is_empty
    only_value = check_score(SCALE, "3", "  ")
    assert only_value == ScoreData(3, "") and not only_value.is_complete and not only_value.is_empty
    only_text = check_score(SCALE, None, "Nog bespreken")
    assert not only_text.is_complete and not only_text.is_empty
    full = check_score(SCALE, "0", "  Geen analyse \r\ngevonden  ")
    assert full == ScoreData(0, "Geen analyse\ngevonden") and full.is_complete  # 0 is a level, not "empty"


def test_check_score_problems_name_their_fields() -> None:
    with pytest.raises(InvalidValue) as caught:
        check_score(SCALE, "7", "ok", field_prefix="analyse-")
    assert type(caught.value) is InvalidValue
    assert caught.value.field == "analyse-value" and "van 0 tot en met 4" in caught.value.message
    with pytest.raises(InvalidValue) as caught:
        check_score(SCALE, "2", "x" * (MAX_RATIONALE + 1), field_prefix="analyse-")
    assert caught.value.field == "analyse-rationale" and f"hoogstens {MAX_RATIONALE} tekens" in caught.value.message
    assert check_score(SCALE, "2", "x" * MAX_RATIONALE).rationale == "x" * MAX_RATIONALE
    with pytest.raises(InvalidFields) as both:
        check_score(SCALE, "x", "x" * (MAX_RATIONALE + 1))
    assert fields_of(both.value) == ["value", "rationale"]


def test_missing_scores_lists_items_without_a_level_and_a_rationale_in_order() -> None:
    assert missing_scores(ITEMS, {}) == list(ITEMS)
    scores = {
        "analyse": ScoreData(2, "Er is een analyse."),
        "keten": ScoreData(3, ""),  # no rationale
        "bestuur": ScoreData(None, "Weet ik nog niet"),  # no level
        "onbekend": ScoreData(1, "Hoort bij niets"),
    }
    assert [i.id for i in missing_scores(ITEMS, scores)] == ["keten", "netwerk", "bestuur"]
    complete = {i.id: ScoreData(0, "Onderbouwd.") for i in ITEMS}
    assert missing_scores(ITEMS, complete) == []


# ---------------------------------------------------------------- the team's score


def test_the_team_score_needs_a_level_and_a_motivation() -> None:
    assert check_team_score(SCALE, " 3 ", "  Besproken \r\n") == TeamScoreData(3, "Besproken")
    assert check_team_score(SCALE, "0", "Niets gevonden.") == TeamScoreData(0, "Niets gevonden.")
    with pytest.raises(InvalidValue) as caught:
        check_team_score(SCALE, "", "Besproken", field_prefix="keten-")
    assert caught.value.field == "keten-value" and caught.value.message == "Kies de score van het team."
    with pytest.raises(InvalidValue) as caught:
        check_team_score(SCALE, "9", "Besproken")
    assert caught.value.field == "value" and "van 0 tot en met 4" in caught.value.message
    with pytest.raises(InvalidValue) as caught:
        check_team_score(SCALE, "2", " \n ")
    assert caught.value.field == "motivation" and "Motiveer de score van het team" in caught.value.message
    with pytest.raises(InvalidValue) as caught:
        check_team_score(SCALE, "2", "x" * (MAX_MOTIVATION + 1))
    assert caught.value.field == "motivation" and f"hoogstens {MAX_MOTIVATION} tekens" in caught.value.message
    assert check_team_score(SCALE, "2", "x" * MAX_MOTIVATION).motivation == "x" * MAX_MOTIVATION


def test_the_team_score_reports_both_problems_at_once() -> None:
    with pytest.raises(InvalidFields) as caught:
        check_team_score(SCALE, None, None, field_prefix="t-")
    assert fields_of(caught.value) == ["t-value", "t-motivation"]
    assert "Kies de score van het team." in messages_of(caught.value)
    with pytest.raises(InvalidFields) as caught:
        check_team_score(SCALE, "-2", "")
    assert fields_of(caught.value) == ["value", "motivation"]


@pytest.mark.parametrize(("values", "expected"), [
    ([], None),
    ([None, None], None),
    ([3], 3),
    ([2, 3], 2),  # 2.5: the lower level
    ([3, 2], 2),
    ([1, 2, 4], 2),
    ([4, 1, 2], 2),
    ([3, 4, 4, 5], 4),
    ([1, 2, 3, 4], 2),  # 2.5
    ([0, 4], 2),
    ([0, 1], 0),
    ([None, 3, None, 1], 2),  # 2 exactly; unscored members do not count
    ([2, None, 5], 3),  # 3.5
    ([5, 5, 1], 5),
])
def test_the_team_proposal_is_the_median_rounded_down(values, expected) -> None:
    result = team_proposal(values)
    assert result == expected
    assert result is None or type(result) is int


def test_the_team_proposal_takes_any_iterable() -> None:
    assert team_proposal(v for v in (4, 2, 3)) == 3
    assert team_proposal(iter(())) is None


# ---------------------------------------------------------------- interviews and observations


def test_themes_are_sections_of_the_questionnaire_in_its_order_without_duplicates() -> None:
    assert check_themes(MINIMAL, ["profiel", "analyse", "profiel"]) == ("analyse", "profiel")
    assert check_themes(MINIMAL, ("keten",)) == ("keten",)
    with pytest.raises(InvalidValue) as caught:
        check_themes(MINIMAL, [])
    assert caught.value.message == "Kies minstens één thema." and caught.value.field == "themes"
    with pytest.raises(InvalidValue) as caught:
        check_themes(MINIMAL, ["analyse", "verzonnen"], "section_ids")
    assert "alleen thema's uit de vragenlijst" in caught.value.message and caught.value.field == "section_ids"
    with pytest.raises(InvalidValue, match="alleen thema's"):
        check_themes(MINIMAL, ["netwerk"])  # a profile element is not a theme: the profile section is
    with pytest.raises(InvalidValue, match="Eigen melding"):
        check_themes(MINIMAL, [], message="Eigen melding.")


def test_themes_follow_the_numbering_beyond_nine() -> None:
    ids = [s.id for s in REAL.sections]
    assert check_themes(REAL, [ids[10], ids[1], ids[9]]) == (ids[1], ids[9], ids[10])


def entry(**overrides: object):
    values: dict[str, object] = {
        "kind": EntryKind.interview, "held_on": date(2026, 11, 20), "notes": "Gesprek over de analyse.",
        "section_ids": ["keten", "analyse"], "confidentiality": "team",
        "interviewees": "Teamchef politie\n\n  Beleidsadviseur zorg  \n", "today": TODAY,
    }
    values.update(overrides)
    return check_entry(MINIMAL, **values)  # type: ignore[arg-type]


def test_a_good_interview() -> None:
    data = entry()
    assert data.kind is EntryKind.interview and data.held_on == date(2026, 11, 20)
    assert data.notes == "Gesprek over de analyse."
    assert data.section_ids == ("analyse", "keten")
    assert data.confidentiality is Confidentiality.team
    assert data.interviewees == ("Teamchef politie", "Beleidsadviseur zorg")


def test_an_observation_needs_no_interviewees_and_may_be_held_today() -> None:
    data = entry(kind=EntryKind.observation, interviewees=None, held_on=TODAY, confidentiality="quotable")
    assert data.kind is EntryKind.observation and data.interviewees == ()
    assert data.held_on == TODAY and data.confidentiality is Confidentiality.quotable
    ignored = entry(kind=EntryKind.observation, interviewees="Iemand")
    assert ignored.interviewees == ()


@pytest.mark.parametrize(("overrides", "field", "fragment"), [
    ({"held_on": None}, "held_on", "geldige datum"),
    ({"held_on": date(2026, 11, 24)}, "held_on", "in de toekomst"),
    ({"notes": "  \r\n "}, "notes", "Schrijf op wat er besproken"),
    ({"notes": "x" * (MAX_ENTRY_NOTES + 1)}, "notes", f"hoogstens {MAX_ENTRY_NOTES} tekens"),
    ({"section_ids": []}, "themes", "minstens één thema"),
    ({"section_ids": ["niets"]}, "themes", "alleen thema's"),
    ({"confidentiality": "geheim"}, "confidentiality", "alleen voor het team is of citeerbaar"),
    ({"confidentiality": None}, "confidentiality", "alleen voor het team is of citeerbaar"),
    ({"interviewees": " \n \n"}, "interviewees", "Noem met wie het gesprek was"),
    ({"interviewees": None}, "interviewees", "Noem met wie het gesprek was"),
    ({"interviewees": "\n".join(f"Persoon {i}" for i in range(MAX_INTERVIEWEES + 1))}, "interviewees",
     f"hoogstens {MAX_INTERVIEWEES} gesprekspartners"),
    ({"interviewees": "Wethouder\n" + "x" * (MAX_INTERVIEWEE + 1)}, "interviewees", "korter dan"),
])
def test_entry_rules(overrides, field, fragment) -> None:
    with pytest.raises(InvalidValue) as caught:
        entry(**overrides)
    assert type(caught.value) is InvalidValue
    assert caught.value.field == field
    assert fragment in caught.value.message


def test_entry_limits_are_inclusive() -> None:
    assert len(entry(notes="x" * MAX_ENTRY_NOTES).notes) == MAX_ENTRY_NOTES
    many = entry(interviewees="\n".join(f"Persoon {i}" for i in range(MAX_INTERVIEWEES)))
    assert len(many.interviewees) == MAX_INTERVIEWEES
    assert entry(interviewees="x" * MAX_INTERVIEWEE).interviewees == ("x" * MAX_INTERVIEWEE,)


def test_an_entry_reports_every_problem_at_once() -> None:
    with pytest.raises(InvalidFields) as caught:
        entry(held_on=None, notes="", section_ids=[], confidentiality="x", interviewees="")
    assert fields_of(caught.value) == ["held_on", "notes", "themes", "confidentiality", "interviewees"]


# ---------------------------------------------------------------- recommendations and the report


def recommendation(**overrides: object):
    values: dict[str, object] = {"text": "  Stel een veiligheidsanalyse op.  ", "section_ids": ["analyse"],
                                 "priority": "high", "addressee": "municipality"}
    values.update(overrides)
    return check_recommendation(MINIMAL, **values)  # type: ignore[arg-type]


def test_a_good_recommendation() -> None:
    data = recommendation(section_ids=["profiel", "keten"], priority="low", addressee="national")
    assert data.text == "Stel een veiligheidsanalyse op."
    assert data.section_ids == ("keten", "profiel")
    assert data.priority is Priority.low and data.addressee is Addressee.national


def test_a_recommendation_to_region_or_rijk_is_allowed_on_any_theme() -> None:
    # the form advises region and Rijk for the external themes, but does not forbid them elsewhere
    assert not MINIMAL.section("analyse").external
    assert recommendation(addressee="region").addressee is Addressee.region
    assert recommendation(addressee=Addressee.national).addressee is Addressee.national


@pytest.mark.parametrize(("overrides", "field", "fragment"), [
    ({"text": None}, "text", "minstens 5 tekens"),
    ({"text": " abcd "}, "text", "minstens 5 tekens"),
    ({"text": "x" * (MAX_RECOMMENDATION + 1)}, "text", f"hoogstens {MAX_RECOMMENDATION} tekens"),
    ({"section_ids": []}, "themes", "Koppel de aanbeveling aan minstens één thema"),
    ({"section_ids": ["bestaat-niet"]}, "themes", "alleen thema's"),
    ({"priority": "urgent"}, "priority", "hoog, middel of laag"),
    ({"priority": None}, "priority", "hoog, middel of laag"),
    ({"priority": "Hoog"}, "priority", "hoog, middel of laag"),  # the label is not the value
    ({"addressee": "provincie"}, "addressee", "gemeente, regio of Rijk"),
])
def test_recommendation_rules(overrides, field, fragment) -> None:
    with pytest.raises(InvalidValue) as caught:
        recommendation(**overrides)
    assert caught.value.field == field
    assert fragment in caught.value.message


def test_recommendation_limits_are_inclusive() -> None:
    assert recommendation(text="abcde").text == "abcde"
    assert len(recommendation(text="x" * MAX_RECOMMENDATION).text) == MAX_RECOMMENDATION


def test_a_recommendation_reports_every_problem_at_once() -> None:
    with pytest.raises(InvalidFields) as caught:
        recommendation(text="", section_ids=[], priority="?", addressee="?")
    assert fields_of(caught.value) == ["text", "themes", "priority", "addressee"]


def test_long_texts() -> None:
    assert check_long_text(None, MAX_JUDGEMENT, "judgement", "Het oordeel") == ""
    assert check_long_text(" Sterk \r\n ", 10, "strengths", "De sterke punten") == "Sterk"
    assert check_long_text("x" * 10, 10, "strengths", "De sterke punten") == "x" * 10
    with pytest.raises(InvalidValue) as caught:
        check_long_text("x" * (MAX_JUDGEMENT + 1), MAX_JUDGEMENT, "judgement", "Het oordeel")
    assert caught.value.message == f"Het oordeel is te lang: hoogstens {MAX_JUDGEMENT} tekens."
    assert caught.value.field == "judgement"


# ---------------------------------------------------------------- publication

BRAM, EVA, NOOR = Member(2, "Bram"), Member(5, "Eva"), Member(9, "Noor")
ALL_SCORED = {i.id: TeamScoreData(2, "Besproken.") for i in ITEMS}


def check(team_scores: dict | None = None, *, judgement: str = "Goede regie.", recommendations: int = 1,
          members: tuple[Member, ...] = (BRAM, EVA, NOOR),
          submitted: frozenset[int] | set[int] = frozenset({2, 5, 9})) -> PublicationCheck:
    return publication_check(ITEMS, ALL_SCORED if team_scores is None else team_scores, judgement=judgement,
                             recommendation_count=recommendations, members=members, submitted_ids=submitted)


def test_a_complete_report_can_be_published_without_confirmation() -> None:
    result = check()
    assert result.can_publish and result.problems == ()
    assert result.missing_items == () and result.has_judgement and result.recommendation_count == 1
    assert result.not_submitted == () and result.confirmation_token == ""
    confirm_publication(result, None)
    confirm_publication(result, "")
    confirm_publication(result, "2,5")  # a stray token does no harm when nobody is missing


def test_a_missing_score_an_empty_judgement_and_no_recommendations_are_three_problems() -> None:
    scores = dict(ALL_SCORED)
    del scores["netwerk"]
    scores["keten"] = None  # a cleared score counts as missing
    result = check(scores, judgement="  \n ", recommendations=0)
    assert not result.can_publish and not result.has_judgement
    assert [i.id for i in result.missing_items] == ["keten", "netwerk"]
    assert result.problems == (
        "Nog 2 van 4 onderdelen zonder score van het team.",
        "Het oordeel over de regie ontbreekt.",
        "Er is nog geen aanbeveling.",
    )
    with pytest.raises(NotAllowed) as caught:
        confirm_publication(result, result.confirmation_token)
    assert type(caught.value) is NotAllowed  # not something a confirmation lifts
    assert caught.value.message.startswith("Het concept kan nog niet naar de gemeente:")
    assert all(problem in caught.value.message for problem in result.problems)


@pytest.mark.parametrize(("kwargs", "problem"), [
    ({"team_scores": {}}, "Nog 4 van 4 onderdelen zonder score van het team."),
    ({"judgement": ""}, "Het oordeel over de regie ontbreekt."),
    ({"recommendations": 0}, "Er is nog geen aanbeveling."),
])
def test_each_problem_alone_blocks(kwargs, problem) -> None:
    result = check(**kwargs)
    assert result.problems == (problem,) and not result.can_publish
    with pytest.raises(NotAllowed, match="kan nog niet naar de gemeente"):
        confirm_publication(result, None)


def test_missing_members_do_not_block_but_need_confirmation_by_name() -> None:
    result = check(members=(EVA, BRAM, NOOR), submitted={9})
    assert result.can_publish
    assert result.not_submitted == (EVA, BRAM)  # in the order given
    assert result.confirmation_token == "2,5"  # sorted by id
    with pytest.raises(NeedsConfirmation) as caught:
        confirm_publication(result, None)
    (warning,) = caught.value.warnings
    assert "Nog geen eigen scores ingediend door: Eva, Bram." in warning
    assert "Noor" not in warning
    assert "zonder hun scores" in caught.value.message
    confirm_publication(result, "2,5")  # the exact token: goes ahead


@pytest.mark.parametrize("token", [None, "", "2", "5", "5,2", "2,5,9", "2, 5", "2,6", "ja"])
def test_a_confirmation_for_another_set_of_members_does_not_count(token) -> None:
    result = check(members=(BRAM, EVA, NOOR), submitted={9})
    with pytest.raises(NeedsConfirmation, match="Bram, Eva"):
        confirm_publication(result, token)


def test_a_confirmation_given_earlier_does_not_cover_a_member_who_dropped_out_since() -> None:
    earlier = check(submitted={5, 9})
    assert earlier.confirmation_token == "2"
    confirm_publication(earlier, "2")
    now = check(submitted={9})
    with pytest.raises(NeedsConfirmation, match="Bram, Eva"):
        confirm_publication(now, earlier.confirmation_token)


def test_members_who_are_not_in_the_team_any_more_do_not_count_as_missing() -> None:
    result = check(members=(BRAM,), submitted={2, 77})
    assert result.not_submitted == () and result.confirmation_token == ""


# ---------------------------------------------------------------- the evaluation's states

S, T = EvaluationStatus, Transition

#: Written out by hand from the module's notes, not copied from TRANSITIONS.
EXPECTED_TRANSITIONS = {
    (S.draft, T.submit): S.submitted,
    (S.submitted, T.start_review): S.in_peer_review,
    (S.in_peer_review, T.send_concept): S.fact_check,
    (S.fact_check, T.correct): S.corrected,
    (S.corrected, T.react): S.reacted,
    (S.reacted, T.publish): S.published,
    (S.published, T.close): S.closed,
    (S.submitted, T.reopen): S.draft,
    (S.in_peer_review, T.reopen): S.draft,
    (S.fact_check, T.reopen): S.in_peer_review,
    (S.corrected, T.reopen): S.fact_check,
    (S.reacted, T.reopen): S.corrected,
    (S.published, T.reopen): S.reacted,
    (S.closed, T.reopen): S.published,
}

REFUSAL_FRAGMENTS = {
    T.submit: "al ingediend",
    T.start_review: "De collegiale toetsing kan alleen starten",
    T.send_concept: "Alleen het concept van een lopende collegiale toetsing",
    T.correct: "ter feitelijke controle ligt",
    T.react: "op het gecorrigeerde concept",
    T.publish: "pas worden gepubliceerd na hoor en wederhoor",
    T.close: "Alleen een gepubliceerd rapport",
    T.reopen: "heropend",
}


@pytest.mark.parametrize("transition", list(Transition), ids=str)
@pytest.mark.parametrize("status", list(EvaluationStatus), ids=str)
def test_every_status_and_transition(status, transition) -> None:
    expected = EXPECTED_TRANSITIONS.get((status, transition))
    if expected is not None:
        assert next_status(status, transition) is expected
    else:
        with pytest.raises(NotAllowed) as caught:
            next_status(status, transition)
        assert REFUSAL_FRAGMENTS[transition] in caught.value.message
        assert caught.value.message.endswith(".")
        assert caught.value.field is None


def test_the_table_has_exactly_the_expected_transitions() -> None:
    assert TRANSITIONS == EXPECTED_TRANSITIONS


@pytest.mark.parametrize(("status", "expected"), [
    (S.draft, (T.submit,)),
    (S.submitted, (T.start_review, T.reopen)),
    (S.in_peer_review, (T.send_concept, T.reopen)),
    (S.fact_check, (T.correct, T.reopen)),
    (S.corrected, (T.react, T.reopen)),
    (S.reacted, (T.publish, T.reopen)),
    (S.published, (T.close, T.reopen)),
    (S.closed, (T.reopen,)),
])
def test_allowed_transitions(status, expected) -> None:
    assert set(allowed_transitions(status)) == set(expected)
    assert len(allowed_transitions(status)) == len(expected)
    for transition in allowed_transitions(status):
        next_status(status, transition)  # every offered transition is one next_status accepts


def test_the_happy_path_and_reopening_one_stage_back() -> None:
    status = S.draft
    for transition in (T.submit, T.start_review, T.send_concept, T.correct, T.react, T.publish, T.close):
        status = next_status(status, transition)
    assert status is S.closed
    assert next_status(S.closed, T.reopen) is S.published
    assert next_status(S.published, T.reopen) is S.reacted  # the reaction stage again: nawoord, reaction
    assert next_status(S.reacted, T.reopen) is S.corrected  # the lead may change the reaction
    assert next_status(S.corrected, T.reopen) is S.fact_check  # the gemeente may add points again
    assert next_status(S.fact_check, T.reopen) is S.in_peer_review  # back to the team
    for status in S:  # reopening never moves forward
        if T.reopen in allowed_transitions(status):
            assert next_status(status, T.reopen).step < status.step


@pytest.mark.parametrize(("status", "editable", "done", "published", "step"), [
    (S.draft, True, False, False, 1),
    (S.submitted, False, True, False, 2),
    (S.in_peer_review, False, True, False, 3),
    (S.fact_check, False, True, False, 4),
    (S.corrected, False, True, False, 5),
    (S.reacted, False, True, False, 6),
    (S.published, False, True, True, 7),
    (S.closed, False, True, True, 8),
])
def test_status_properties(status, editable, done, published, step) -> None:
    assert status.is_editable is editable
    assert status.is_self_evaluation_done is done
    assert status.is_report_published is published
    assert status.step == step
    assert status.is_in_hearing is (status in (S.fact_check, S.corrected, S.reacted))
    assert status.is_under_review is (status in (S.in_peer_review, S.fact_check, S.corrected, S.reacted))


def test_status_labels_are_dutch_and_distinct() -> None:
    assert {s: s.label for s in S} == {
        S.draft: "Zelfevaluatie loopt",
        S.submitted: "Zelfevaluatie ingediend",
        S.in_peer_review: "Collegiale toetsing loopt",
        S.fact_check: "Concept ter feitelijke controle",
        S.corrected: "Concept gecorrigeerd, wacht op bestuurlijke reactie",
        S.reacted: "Bestuurlijke reactie ontvangen",
        S.published: "Rapport gepubliceerd",
        S.closed: "Afgesloten",
    }
    assert set(STATUS_LABELS) == set(S)
    assert all(label.strip() for label in STATUS_LABELS.values())
    assert len(set(STATUS_LABELS.values())) == len(S)
