"""The rules of hoor en wederhoor (``domain.hearing``) on plain values, with hand-computed cases: the places a
factual point can name, the term and its extension, points, the team's answers, closing the check, the college's
reaction, 'geen reactie ontvangen', the nawoord and the documents; and the stages in the one state machine."""

from __future__ import annotations

from datetime import date

import pytest

from peerreview.domain.errors import InvalidFields, InvalidValue, NotAllowed
from peerreview.domain.evaluations import EvaluationStatus, Transition, next_status
from peerreview.domain.hearing import (
    DEFAULT_TERM_DAYS,
    FIXED_PLACES,
    MAX_AFTERWORD,
    MAX_DOCUMENTS,
    MAX_POINT,
    MAX_POINT_ANSWER,
    MAX_REFERENCE,
    PointAnswer,
    PointData,
    RecommendationPlace,
    check_afterword,
    check_documents,
    check_extension,
    check_point,
    check_point_answer,
    check_reaction,
    check_term_days,
    correction_refusal,
    no_reaction_refusal,
    point_answer_refusal,
    point_refusal,
    reaction_refusal,
    report_places,
    require_no_refusal,
    term_from,
    term_passed,
)
from peerreview.domain.reviews import MAX_REACTION
from peerreview.questionnaire_loader import load_file
from tests.conftest import FIXTURE_QUESTIONNAIRES

MINIMAL = load_file(FIXTURE_QUESTIONNAIRES / "minimal" / "1.yaml")  # knelpunten analyse, keten; profile "profiel"
S = EvaluationStatus
TODAY = date(2027, 3, 10)


def messages(error: InvalidValue) -> dict[str | None, str]:
    return {e.field: e.message for e in getattr(error, "errors", [error])}


# ---------------------------------------------------------------- places


def test_the_places_are_the_fixed_chapters_the_sections_and_the_recommendations_in_the_reports_order():
    long = "Maak een integraal veiligheidsplan met meetbare doelen en een jaarlijkse evaluatie door de raad."
    places = report_places(MINIMAL, [RecommendationPlace(7, 2, long), RecommendationPlace(5, 1, "Kort advies.")])
    assert list(places) == ["method", "judgement", "strengths", "section:analyse", "section:keten",
                            "section:profiel", "recommendation:5", "recommendation:7"]
    assert places["method"] == "Aanleiding, opdracht en werkwijze" and places["judgement"] == "Het oordeel"
    assert places["section:analyse"] == "Thema 1. Analyse"
    assert places["section:profiel"] == "Onderdeel 3. Profiel"  # a profile is no knelpunt theme
    assert places["recommendation:5"] == "Aanbeveling 1: Kort advies."
    # longer than 60 characters: the first 59 and an ellipsis
    assert places["recommendation:7"] == f"Aanbeveling 2: {long[:59]}…" and len(places["recommendation:7"]) == 15 + 60


def test_without_recommendations_only_the_fixed_places_and_the_sections():
    assert report_places(MINIMAL, []) == {**FIXED_PLACES, "section:analyse": "Thema 1. Analyse",
                                          "section:keten": "Thema 2. Keten", "section:profiel": "Onderdeel 3. Profiel"}


# ---------------------------------------------------------------- the term


def test_the_term_counts_calendar_days_and_passes_after_its_last_day():
    assert DEFAULT_TERM_DAYS == 21
    assert term_from(date(2027, 3, 10), 21) == date(2027, 3, 31)
    assert term_from(date(2027, 12, 20), 21) == date(2028, 1, 10)
    assert term_from(date(2028, 2, 20), 10) == date(2028, 3, 1)  # 2028 is a leap year: 29 February counts
    assert not term_passed(date(2027, 3, 31), date(2027, 3, 31))  # the last day itself is within the term
    assert term_passed(date(2027, 3, 31), date(2027, 4, 1))
    assert not term_passed(None, date(2099, 1, 1))  # no term set: nothing passes


@pytest.mark.parametrize(("raw", "days"), [("21", 21), (" 5 ", 5), ("120", 120), (30, 30)])
def test_a_rounds_term_of_five_to_120_days(raw, days):
    assert check_term_days(raw) == days


@pytest.mark.parametrize("raw", ["4", "121", "0", "-7", "21.5", "drie weken", "", None, "1" * 50])
def test_a_rounds_term_outside_five_to_120_days_is_refused(raw):
    with pytest.raises(InvalidValue) as caught:
        check_term_days(raw)
    assert caught.value.message == "Geef een termijn van 5 tot en met 120 dagen." and caught.value.field == \
        "response_days"


def test_an_extension_is_a_later_date_not_in_the_past_with_a_reason():
    assert check_extension(date(2027, 3, 31), date(2027, 4, 14), "  Het college vergadert op 13 april. ",
                           today=TODAY) == (date(2027, 4, 14), "Het college vergadert op 13 april.")
    # a term that already passed can be extended from today on
    assert check_extension(date(2027, 3, 1), TODAY, "Alsnog, op verzoek.", today=TODAY)[0] == TODAY
    # at most 180 days ahead: 10 March + 180 days is 6 September
    assert check_extension(None, date(2027, 9, 6), "Lange vakantie.", today=TODAY)[0] == date(2027, 9, 6)


@pytest.mark.parametrize(("current", "new", "reason", "field", "message"), [
    (date(2027, 3, 31), None, "Een reden.", "term_due", "Vul een geldige datum in."),
    (date(2027, 3, 31), date(2027, 3, 9), "Een reden.", "term_due",
     "De nieuwe termijn ligt in het verleden. Kies vandaag of een latere datum."),
    (date(2027, 3, 31), date(2027, 3, 31), "Een reden.", "term_due",
     "Kies een datum na de huidige termijn (31-03-2027); een termijn wordt alleen verlengd."),
    (date(2027, 3, 31), date(2027, 3, 20), "Een reden.", "term_due",
     "Kies een datum na de huidige termijn (31-03-2027); een termijn wordt alleen verlengd."),
    (None, date(2027, 9, 7), "Een reden.", "term_due", "Verleng hoogstens 180 dagen vooruit."),
    (date(2027, 3, 31), date(2027, 4, 14), "kort", "reason",
     "Geef een reden voor de verlenging (minstens 5 tekens); het peer team en de gemeente zien die in de "
     "geschiedenis."),
    (date(2027, 3, 31), date(2027, 4, 14), "\u200b \u200b", "reason",
     "Geef een reden voor de verlenging (minstens 5 tekens); het peer team en de gemeente zien die in de "
     "geschiedenis."),
    (date(2027, 3, 31), date(2027, 4, 14), "x" * 2001, "reason", "De reden is te lang: hoogstens 2000 tekens."),
])
def test_a_wrong_extension_is_refused_with_its_field(current, new, reason, field, message):
    with pytest.raises(InvalidValue) as caught:
        check_extension(current, new, reason, today=TODAY)
    assert messages(caught.value) == {field: message}


def test_a_date_in_the_past_and_no_reason_are_refused_together():
    with pytest.raises(InvalidFields) as caught:
        check_extension(date(2027, 3, 31), date(2027, 1, 1), "", today=TODAY)
    assert set(messages(caught.value)) == {"term_due", "reason"}


# ---------------------------------------------------------------- factual points


def test_points_only_while_the_concept_is_with_the_gemeente_before_klaar_and_within_the_term():
    due = date(2027, 3, 31)
    assert point_refusal(S.fact_check, term_due=due, check_done=False, today=due) is None
    for status in (S.in_peer_review, S.corrected, S.reacted, S.published, S.closed, S.draft):
        assert point_refusal(status, term_due=due, check_done=False, today=TODAY) == (
            "Het concept ligt nu niet ter feitelijke controle; er is niets opgeslagen."), status
    assert point_refusal(S.fact_check, term_due=due, check_done=True, today=TODAY) == (
        "U hebt de feitelijke controle al afgerond; het peer team verwerkt de reacties.")
    assert point_refusal(S.fact_check, term_due=due, check_done=False, today=date(2027, 4, 1)) == (
        "De termijn voor feitelijke reacties is verstreken (31-03-2027). Vraag de regiocoördinator om verlenging.")


def test_a_point_names_a_place_of_the_report_and_a_fact():
    places = report_places(MINIMAL, [RecommendationPlace(5, 1, "Kort advies.")])
    assert check_point(places, "recommendation:5", "  Het plan is van 2023.\r\n") == PointData(
        "recommendation:5", "Aanbeveling 1: Kort advies.", "Het plan is van 2023.")
    assert check_point(places, "section:keten", "x" * MAX_POINT).place_label == "Thema 2. Keten"
    assert check_point(places, "judgement", "12345").text == "12345"  # five characters is enough


@pytest.mark.parametrize(("place", "text", "expected"), [
    ("recommendation:6", "Het plan is van 2023.", {"place"}),  # no such recommendation
    ("section:onbekend", "Het plan is van 2023.", {"place"}),
    ("", "Het plan is van 2023.", {"place"}),
    (None, "Het plan is van 2023.", {"place"}),
    ("Het oordeel", "Het plan is van 2023.", {"place"}),  # a label is not a key
    ("judgement", "1234", {"text"}),
    ("judgement", "   ", {"text"}),
    ("judgement", "x" * (MAX_POINT + 1), {"text"}),
    ("nergens", "", {"place", "text"}),
])
def test_a_point_on_a_place_that_does_not_exist_or_without_a_fact_is_refused(place, text, expected):
    places = report_places(MINIMAL, [RecommendationPlace(5, 1, "Kort advies.")])
    with pytest.raises(InvalidValue) as caught:
        check_point(places, place, text)
    found = messages(caught.value)
    assert set(found) == expected
    if "place" in found:
        assert found["place"].startswith("Kies de plaats in het rapport uit de lijst")
    if "text" in found:
        assert found["text"] in ("Schrijf op welk feit niet klopt en wat het moet zijn (minstens 5 tekens).",
                                 "De reactie is te lang: hoogstens 2000 tekens. Houd het bij feiten.")


# ---------------------------------------------------------------- the team's answers


def test_adopted_needs_no_note_not_adopted_needs_a_reason():
    assert check_point_answer("adopted", "") == (PointAnswer.adopted, "")
    assert check_point_answer("adopted", " Jaartal aangepast. ") == (PointAnswer.adopted, "Jaartal aangepast.")
    assert check_point_answer("not_adopted", "Het gesprek bevestigt het.") == (
        PointAnswer.not_adopted, "Het gesprek bevestigt het.")
    assert [a.label for a in PointAnswer] == ["Overgenomen", "Niet overgenomen"]


@pytest.mark.parametrize(("answer", "text", "expected"), [
    ("not_adopted", "", {"answer_text"}),
    ("not_adopted", "nee", {"answer_text"}),
    ("adopted", "x" * (MAX_POINT_ANSWER + 1), {"answer_text"}),
    ("misschien", "", {"answer"}),
    (None, "", {"answer"}),
    ("", "x" * (MAX_POINT_ANSWER + 1), {"answer", "answer_text"}),
])
def test_a_wrong_answer_is_refused(answer, text, expected):
    with pytest.raises(InvalidValue) as caught:
        check_point_answer(answer, text)
    assert set(messages(caught.value)) == expected


def test_the_team_answers_only_during_the_check():
    assert point_answer_refusal(S.fact_check) is None
    for status in (S.in_peer_review, S.corrected, S.reacted, S.published):
        assert point_answer_refusal(status) == ("Reacties beantwoorden kan alleen zolang het concept ter feitelijke "
                                                "controle ligt.")


def test_closing_the_check_needs_every_answer_and_the_gemeentes_klaar_or_the_term_over():
    due = date(2027, 3, 31)
    assert correction_refusal(S.fact_check, open_points=0, check_done=True, term_due=due, today=TODAY) is None
    assert correction_refusal(S.fact_check, open_points=0, check_done=False, term_due=due,
                              today=date(2027, 4, 1)) is None
    assert correction_refusal(S.fact_check, open_points=1, check_done=True, term_due=due, today=TODAY) == (
        "Nog 1 feitelijke reactie zonder antwoord van het team.")
    assert correction_refusal(S.fact_check, open_points=3, check_done=True, term_due=due,
                              today=date(2027, 5, 1)) == "Nog 3 feitelijke reacties zonder antwoord van het team."
    assert correction_refusal(S.fact_check, open_points=0, check_done=False, term_due=due, today=due) == (
        "De gemeente controleert nog (termijn tot en met 31-03-2027). Wacht tot zij de controle afrondt of tot de "
        "termijn voorbij is.")
    assert correction_refusal(S.fact_check, open_points=0, check_done=False, term_due=None, today=TODAY) == (
        "De gemeente controleert nog.")
    assert correction_refusal(S.corrected, open_points=0, check_done=True, term_due=due, today=TODAY) == (
        "Het concept ligt nu niet ter feitelijke controle.")


# ---------------------------------------------------------------- the college's reaction


def test_a_reaction_has_a_text_a_date_not_in_the_future_nor_before_the_concept_and_a_reference():
    data = check_reaction("  Het college neemt alles over.\r\n", TODAY, " Z/2027/12 \n bijlage ", today=TODAY,
                          concept_sent_on=date(2027, 2, 1))
    assert (data.text, data.decided_on, data.reference) == ("Het college neemt alles over.", TODAY,
                                                            "Z/2027/12  bijlage")  # line end stripped, break a space
    # the day the concept came is allowed, and without a sending date there is no lower bound
    assert check_reaction("Ja.", date(2027, 2, 1), "Z/1", today=TODAY, concept_sent_on=date(2027, 2, 1))
    assert check_reaction("Ja.", date(2001, 1, 1), "Z/1", today=TODAY, concept_sent_on=None)
    assert check_reaction("x" * MAX_REACTION, TODAY, "x" * MAX_REFERENCE, today=TODAY, concept_sent_on=None)


@pytest.mark.parametrize(("text", "decided_on", "reference", "field", "message"), [
    ("Ja.", None, "Z/1", "decided_on", "Vul de datum van het collegebesluit in (dd-mm-jjjj)."),
    ("Ja.", date(2027, 3, 11), "Z/1", "decided_on",
     "De datum van het collegebesluit ligt in de toekomst. Leg de reactie vast nadat het college besloten heeft."),
    ("Ja.", date(2027, 1, 31), "Z/1", "decided_on",
     "Het collegebesluit ligt vóór de datum waarop het concept kwam (01-02-2027); controleer de datum."),
    ("Ja.", TODAY, "", "reference", "Vul het kenmerk van het collegebesluit in, zodat de raad het kan vinden."),
    ("Ja.", TODAY, "x" * (MAX_REFERENCE + 1), "reference", "Het kenmerk is te lang: hoogstens 120 tekens."),
    ("", TODAY, "Z/1", "reaction", "Neem de reactie van het college over zoals het college haar vaststelde."),
    ("x" * (MAX_REACTION + 1), TODAY, "Z/1", "reaction", "De reactie is te lang: hoogstens 8000 tekens."),
])
def test_a_wrong_reaction_is_refused_with_its_field(text, decided_on, reference, field, message):
    with pytest.raises(InvalidValue) as caught:
        check_reaction(text, decided_on, reference, today=TODAY, concept_sent_on=date(2027, 2, 1))
    assert messages(caught.value) == {field: message}


def test_an_empty_reaction_form_names_all_three_fields():
    with pytest.raises(InvalidFields) as caught:
        check_reaction(None, None, None, today=TODAY, concept_sent_on=None)
    assert set(messages(caught.value)) == {"reaction", "decided_on", "reference"}


def test_the_reaction_is_recorded_on_the_corrected_concept_and_changed_until_publication():
    assert reaction_refusal(S.corrected) is None and reaction_refusal(S.reacted) is None
    assert reaction_refusal(S.fact_check) == ("Het concept ligt nog ter feitelijke controle; de bestuurlijke reactie "
                                              "volgt op het gecorrigeerde concept.")
    for status in (S.in_peer_review, S.published, S.closed, S.draft):
        assert reaction_refusal(status) == ("Een bestuurlijke reactie kan nu niet worden vastgelegd; het rapport is "
                                            "niet (meer) in die fase."), status


def test_geen_reactie_only_on_the_corrected_concept_after_the_term():
    due = date(2027, 3, 31)
    assert no_reaction_refusal(S.corrected, term_due=due, today=date(2027, 4, 1)) is None
    assert no_reaction_refusal(S.corrected, term_due=due, today=due) == (
        "De termijn voor de bestuurlijke reactie loopt nog tot en met 31-03-2027.")
    assert no_reaction_refusal(S.corrected, term_due=None, today=TODAY) == (
        "De termijn voor de bestuurlijke reactie loopt nog.")
    for status in (S.fact_check, S.reacted, S.published):
        assert no_reaction_refusal(status, term_due=due, today=date(2027, 5, 1)) == (
            "‘Geen reactie ontvangen’ kan alleen zolang op de bestuurlijke reactie wordt gewacht."), status


# ---------------------------------------------------------------- the nawoord, the documents, refusals


def test_the_nawoord_is_optional_and_bounded():
    assert check_afterword(None) == "" and check_afterword("  Dank.  ") == "Dank."
    assert len(check_afterword("x" * MAX_AFTERWORD)) == MAX_AFTERWORD
    with pytest.raises(InvalidValue, match="Het nawoord is te lang: hoogstens 4000 tekens.") as caught:
        check_afterword("x" * (MAX_AFTERWORD + 1))
    assert caught.value.field == "afterword"


def test_the_documents_are_one_per_line_without_empty_lines():
    assert check_documents(" Veiligheidsplan 2023–2026 \r\n\r\n  Jaarverslag 2025\n ") == (
        "Veiligheidsplan 2023–2026\nJaarverslag 2025")
    assert check_documents("") == ""
    with pytest.raises(InvalidValue, match="hoogstens 4000 tekens") as caught:
        check_documents("x" * (MAX_DOCUMENTS + 1))
    assert caught.value.field == "documents"


def test_a_refusal_is_raised_as_not_allowed_with_its_message():
    require_no_refusal(None)
    with pytest.raises(NotAllowed) as caught:
        require_no_refusal("Niet nu.")
    assert caught.value.message == "Niet nu."


# ---------------------------------------------------------------- the stages in the state machine


def test_the_hearing_runs_from_the_teams_concept_to_publication_one_stage_at_a_time():
    assert next_status(S.in_peer_review, Transition.send_concept) is S.fact_check
    assert next_status(S.fact_check, Transition.correct) is S.corrected
    assert next_status(S.corrected, Transition.react) is S.reacted
    assert next_status(S.reacted, Transition.publish) is S.published
    assert [next_status(s, Transition.reopen) for s in (S.fact_check, S.corrected, S.reacted, S.published)] == [
        S.in_peer_review, S.fact_check, S.corrected, S.reacted]
    assert S.fact_check.is_in_hearing and S.reacted.is_under_review and not S.published.is_in_hearing


@pytest.mark.parametrize(("status", "transition", "message"), [
    (S.in_peer_review, Transition.publish, "Het rapport kan pas worden gepubliceerd na hoor en wederhoor"),
    (S.fact_check, Transition.publish, "Het rapport kan pas worden gepubliceerd na hoor en wederhoor"),
    (S.corrected, Transition.publish, "Het rapport kan pas worden gepubliceerd na hoor en wederhoor"),
    (S.fact_check, Transition.send_concept, "Alleen het concept van een lopende collegiale toetsing"),
    (S.in_peer_review, Transition.correct, "Alleen een concept dat ter feitelijke controle ligt"),
    (S.fact_check, Transition.react, "Een bestuurlijke reactie kan alleen op het gecorrigeerde concept"),
    (S.reacted, Transition.react, "Een bestuurlijke reactie kan alleen op het gecorrigeerde concept"),
    (S.reacted, Transition.close, "Alleen een gepubliceerd rapport kan worden afgesloten."),
])
def test_skipping_a_stage_is_refused_in_dutch(status, transition, message):
    with pytest.raises(NotAllowed, match=message):
        next_status(status, transition)


def test_an_answered_point_stays_as_it_is_and_publication_needs_the_reaction() -> None:
    from peerreview.domain.hearing import point_change_refusal, publication_refusal

    assert point_change_refusal(answered=False) is None
    assert point_change_refusal(answered=False, withdrawing=True) is None
    assert "nieuwe reactie" in point_change_refusal(answered=True)
    assert "bijlage" in point_change_refusal(answered=True, withdrawing=True)
    assert publication_refusal(has_reaction=True) is None
    assert publication_refusal(has_reaction=False) == (
        "De bestuurlijke reactie ontbreekt; het rapport kan nog niet worden gepubliceerd.")
