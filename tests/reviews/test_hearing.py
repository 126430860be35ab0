"""Hoor en wederhoor through the pages (issue 20): the chair sends the concept with a term, the gemeente's lead
gives factual points, the chair answers them and closes the check, the lead records the college's reaction, the
chair adds a nawoord, previews and publishes; and the bad input and edge cases, each refused with a Dutch message,
nothing half-written and no 500. Set-up goes through the services (tests/support/hearing.py); what a test is about
goes through the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from peerreview.domain.evaluations import EvaluationStatus
from peerreview.domain.hearing import PointAnswer
from peerreview.evaluation.team import recommendations
from peerreview.extensions import db
from peerreview.models import EvaluationEvent, FactualPoint, PeerReport
from peerreview.reviews import hearing
from tests.support.hearing import send_concept, to_corrected, to_reacted

from .conftest import add_entry, count, page_text, questionnaire_of, ready_to_publish

FACT = "Het veiligheidsplan is van 2023, niet van 2021."
WRONG_NAME = "De aanbeveling noemt de verkeerde wethouder."
REASON = "In het gesprek van 12 maart noemde de wethouder zelf deze portefeuille."
REACTION = "Het college onderschrijft de aanbevelingen en stelt een verbeterplan op."
AFTERWORD = "Het team dankt het college voor de heldere reactie."
TEAM_NOTE = "Geheime notitie: de wethouder en de burgemeester liggen overhoop."
QUOTABLE = "Citeerbaar: de ketenpartners weten elkaar te vinden."


def url(evaluation, path: str = "") -> str:
    return f"/evaluations/{evaluation.id}{path}"


def status_of(evaluation) -> EvaluationStatus:
    db.session.refresh(evaluation)
    return evaluation.status


def report_of(evaluation) -> PeerReport:
    db.session.expire_all()
    return db.session.get(PeerReport, evaluation.id)


def points_of(evaluation) -> list[FactualPoint]:
    db.session.expire_all()
    return list(db.session.scalars(select(FactualPoint).where(FactualPoint.evaluation_id == evaluation.id)
                                   .order_by(FactualPoint.id)))


def events(evaluation, kind: str) -> list[EvaluationEvent]:
    return list(db.session.scalars(select(EvaluationEvent).where(EvaluationEvent.evaluation_id == evaluation.id,
                                                                 EvaluationEvent.kind == kind)
                                   .order_by(EvaluationEvent.id)))


def answer_form(row: FactualPoint, answer: str, text: str = "", version: int | None = None) -> dict:
    prefix = f"answer{row.id}-"
    return {f"{prefix}answer": answer, f"{prefix}answer_text": text,
            f"{prefix}version": str(row.version if version is None else version)}


def reaction_form(today, text: str = REACTION, **overrides) -> dict:
    data = {"reaction": text, "decided_on": today.isoformat(), "reference": "Z/2027/0042"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def add_point(review, place: str = "judgement", text: str = FACT) -> FactualPoint:
    """A point of the lead through the service (set-up)."""
    e = review.evaluation
    row = hearing.add_point(review.setting.lead, e, hearing.check_point_for(e, questionnaire_of(e), place, text))
    db.session.commit()
    return row


@pytest.fixture
def sent(review):
    """Aadorp's concept with the gemeente: ready, sent by the chair; the term runs from today."""
    ready_to_publish(review)
    send_concept(review.chair, review.evaluation)
    return review


# ---------------------------------------------------------------- the whole way, through the pages


def test_from_the_concept_to_the_published_report_with_reaction_nawoord_and_annex(client, auth, review, today):
    e, s = review.evaluation, review.setting
    ready_to_publish(review)
    add_entry(review.member, e, TEAM_NOTE, confidentiality="team")
    add_entry(review.chair, e, QUOTABLE, confidentiality="quotable")
    # the chair sends the concept with the round's term
    auth.login(review.chair)
    page = page_text(client.get(url(e, "/review/publish")))
    assert f"De gemeente krijgt {e.round.response_days} dagen voor de feitelijke controle." in page
    response = client.post(url(e, "/review/concept"), data={"token": ""})
    assert response.status_code == 302 and response.headers["Location"] == url(e, "/hearing")
    assert status_of(e) is EvaluationStatus.fact_check
    assert report_of(e).term_due == today + timedelta(days=e.round.response_days)
    auth.logout()
    # the lead reads the concept and gives two factual points
    auth.login(s.lead)
    hearing_page = page_text(client.get(url(e, "/hearing")))
    assert "Alleen feiten" in hearing_page
    assert "De gemeente controleert de feiten in het concept tot en met" in hearing_page
    concept = client.get(url(e, "/concept"))
    assert concept.status_code == 200
    assert "Concept ter feitelijke controle" in page_text(concept)
    recommendation = recommendations(e)[0]
    assert client.post(url(e, "/hearing/points"), data={"place": "judgement", "text": FACT}).status_code == 302
    assert client.post(url(e, "/hearing/points"), data={"place": f"recommendation:{recommendation.id}",
                                                        "text": WRONG_NAME}).status_code == 302
    assert client.post(url(e, "/hearing/done")).status_code == 302
    auth.logout()
    first, second = points_of(e)
    assert (first.place_label, second.place_label) == ("Het oordeel", f"Aanbeveling 1: {recommendation.text}")
    # the chair adopts one, rejects the other with a reason, and closes the check
    auth.login(review.chair)
    assert FACT in page_text(client.get(url(e, "/hearing")))
    assert client.post(url(e, f"/hearing/points/{first.id}/answer"),
                       data=answer_form(first, "adopted", "Jaartal aangepast.")).status_code == 302
    assert client.post(url(e, f"/hearing/points/{second.id}/answer"),
                       data=answer_form(second, "not_adopted", REASON)).status_code == 302
    assert client.post(url(e, "/hearing/correct")).status_code == 302
    assert status_of(e) is EvaluationStatus.corrected
    auth.logout()
    # the lead records the college's reaction with date and reference
    auth.login(s.lead)
    assert client.post(url(e, "/hearing/reaction"), data=reaction_form(today)).status_code == 302
    assert status_of(e) is EvaluationStatus.reacted
    auth.logout()
    # the chair adds a nawoord, previews exactly what will be published, and publishes
    auth.login(review.chair)
    assert client.post(url(e, "/hearing/afterword"), data={"afterword": AFTERWORD}).status_code == 302
    preview = client.get(url(e, "/concept"))
    assert preview.status_code == 200
    body = page_text(preview)
    assert "Voorbeeld: precies dit lezen de gemeente en de regio na publicatie." in body
    for text in (REACTION, "Z/2027/0042", AFTERWORD, "Bijlage: verwerking feitelijke reacties", FACT, WRONG_NAME,
                 REASON, "Niet overgenomen", QUOTABLE):
        assert text in body, text
    assert TEAM_NOTE not in body
    assert "Rapport publiceren" in page_text(client.get(url(e, "/review/publish")))
    response = client.post(url(e, "/review/publish"))
    assert response.status_code == 302 and response.headers["Location"] == url(e, "/report")
    assert status_of(e) is EvaluationStatus.published
    auth.logout()
    # the gemeente reads the report: the reaction right after the summary, the nawoord after it, the annex
    auth.login(s.lead)
    response = client.get(url(e, "/report"))
    assert response.status_code == 200
    body = page_text(response)
    positions = [body.index(marker) for marker in ('id="judgement-title"', 'id="reactie"', 'id="nawoord"',
                                                   'id="scores-title"', 'id="points-title"')]
    assert positions == sorted(positions)
    assert f"Collegebesluit van {today.day}" in body and "kenmerk Z/2027/0042" in body
    for text in (REACTION, AFTERWORD, "Bijlage: verwerking feitelijke reacties", FACT, REASON, "Overgenomen"):
        assert text in body, text
    assert TEAM_NOTE not in body
    # every stage change and every step in the history, with who did it
    expected = [("concept_sent", review.chair), ("point_added", s.lead), ("point_added", s.lead),
                ("check_done", s.lead), ("point_answered", review.chair), ("point_answered", review.chair),
                ("corrected", review.chair), ("reacted", s.lead), ("afterword_saved", review.chair),
                ("published", review.chair)]
    kinds = {kind for kind, _ in expected}
    recorded = db.session.scalars(select(EvaluationEvent).where(EvaluationEvent.evaluation_id == e.id,
                                                                EvaluationEvent.kind.in_(kinds))
                                  .order_by(EvaluationEvent.id)).all()
    assert [(ev.kind, ev.actor_id) for ev in recorded] == [(kind, user.id) for kind, user in expected]
    assert all(ev.at is not None for ev in recorded)
    reacted = events(e, "reacted")[0]
    assert reacted.details["reference"] == "Z/2027/0042" and reacted.details["decided_on"] == today.isoformat()


def test_the_concept_shows_no_team_only_notes_and_no_member_scores(client, auth, review):
    e = review.evaluation
    ready_to_publish(review)  # Daan gave 2 with "Onderbouwing analyse"; the team's motivation is "Motivering"
    add_entry(review.member, e, TEAM_NOTE, confidentiality="team")
    send_concept(review.chair, e)
    for user in (review.setting.lead, review.setting.coordinator, review.chair):
        auth.login(user)
        body = page_text(client.get(url(e, "/concept")))
        assert "Motivering analyse" in body, user.name  # the team's score and motivation are in the report
        assert TEAM_NOTE not in body and "Onderbouwing analyse" not in body, user.name
        assert "Onderbouwing" not in page_text(client.get(url(e, "/hearing"))), user.name
        auth.logout()


# ---------------------------------------------------------------- the gemeente's points


@pytest.mark.parametrize(("data", "message"), [
    ({"place": "recommendation:999999", "text": FACT}, "Kies de plaats in het rapport uit de lijst"),
    ({"place": "section:bestaat-niet", "text": FACT}, "Kies de plaats in het rapport uit de lijst"),
    ({"place": "", "text": FACT}, "Kies de plaats in het rapport uit de lijst"),
    ({"place": "judgement", "text": "Fout"}, "Schrijf op welk feit niet klopt en wat het moet zijn"),
    ({"place": "judgement", "text": "x" * 2001}, "De reactie is te lang: hoogstens 2000 tekens."),
])
def test_a_point_on_a_place_that_does_not_exist_or_without_a_fact_is_refused(client, auth, sent, data, message):
    e = sent.evaluation
    auth.login(sent.setting.lead)
    response = client.post(url(e, "/hearing/points"), data=data)
    assert response.status_code == 422
    assert message in page_text(response)
    assert points_of(e) == [] and events(e, "point_added") == []


def test_contributors_read_and_write_only_when_the_lead_allows_it(client, auth, sent):
    e, s = sent.evaluation, sent.setting
    auth.login(s.contributor)
    for path in ("/hearing", "/concept"):
        assert client.get(url(e, path)).status_code == 403, path
    assert client.post(url(e, "/hearing/points"), data={"place": "judgement", "text": FACT}).status_code == 403
    assert client.post(url(e, "/hearing/access"), data={"contributors": "y"}).status_code == 403
    auth.logout()
    auth.login(s.lead)
    assert client.post(url(e, "/hearing/access"), data={"contributors": "y"}).status_code == 302
    auth.logout()
    assert report_of(e).contributors_may_check is True
    assert events(e, "check_access")[0].actor_id == s.lead.id
    auth.login(s.contributor)
    assert client.get(url(e, "/concept")).status_code == 200
    assert client.post(url(e, "/hearing/points"), data={"place": "strengths", "text": FACT}).status_code == 302
    assert client.post(url(e, "/hearing/done")).status_code == 403  # "klaar" is the lead's
    auth.logout()
    [row] = points_of(e)
    assert row.author_id == s.contributor.id
    auth.login(s.lead)
    assert client.post(url(e, "/hearing/access"), data={}).status_code == 302  # off again
    auth.logout()
    auth.login(s.contributor)
    assert client.get(url(e, "/hearing")).status_code == 403
    assert client.post(url(e, "/hearing/points"), data={"place": "judgement", "text": FACT}).status_code == 403
    auth.logout()
    assert len(points_of(e)) == 1


def test_the_lead_changes_and_withdraws_a_point_until_the_team_answers(client, auth, sent):
    e, s = sent.evaluation, sent.setting
    row = add_point(sent)
    prefix = f"point{row.id}-"
    auth.login(s.lead)
    assert client.get(url(e, f"/hearing/points/{row.id}")).status_code == 200
    response = client.post(url(e, f"/hearing/points/{row.id}"), data={
        f"{prefix}place": "strengths", f"{prefix}text": "Het plan is van 2023.", f"{prefix}version": str(row.version)})
    assert response.status_code == 302
    [row] = points_of(e)
    assert (row.place, row.text) == ("strengths", "Het plan is van 2023.")
    # a stale version (a second window) is a 409, and nothing is overwritten
    response = client.post(url(e, f"/hearing/points/{row.id}"), data={
        f"{prefix}place": "judgement", f"{prefix}text": "Uit het andere venster.", f"{prefix}version": "1"})
    assert response.status_code == 409
    assert "intussen gewijzigd" in page_text(response)
    assert points_of(e)[0].text == "Het plan is van 2023."
    auth.logout()
    hearing.answer_point(sent.chair, e, row, "adopted", "", row.version)
    db.session.commit()
    auth.login(s.lead)
    version = str(points_of(e)[0].version)
    response = client.post(url(e, f"/hearing/points/{row.id}"), data={
        f"{prefix}place": "judgement", f"{prefix}text": "Toch anders.", f"{prefix}version": version})
    assert response.status_code == 422
    assert "Het peer team heeft deze reactie al beantwoord" in page_text(response)
    response = client.post(url(e, f"/hearing/points/{row.id}/withdraw"), follow_redirects=True)
    assert "zij blijft in de bijlage staan" in page_text(response)
    assert [p.text for p in points_of(e)] == ["Het plan is van 2023."]
    other = add_point(sent, "strengths", "Een tweede feit dat niet klopt.")
    assert client.post(url(e, f"/hearing/points/{other.id}/withdraw")).status_code == 302
    assert len(points_of(e)) == 1 and events(e, "point_withdrawn")[0].actor_id == s.lead.id


# ---------------------------------------------------------------- the team's answers


def test_a_second_window_answering_the_same_point_gets_a_409_and_overwrites_nothing(client, auth, sent):
    e = sent.evaluation
    row = add_point(sent)
    loaded_version = row.version  # both windows loaded the page with this version
    auth.login(sent.chair)
    assert client.post(url(e, f"/hearing/points/{row.id}/answer"),
                       data=answer_form(row, "adopted", "Jaartal aangepast.", loaded_version)).status_code == 302
    response = client.post(url(e, f"/hearing/points/{row.id}/answer"),
                           data=answer_form(row, "not_adopted", "Uit het tweede venster.", loaded_version))
    assert response.status_code == 409
    body = page_text(response)
    assert "intussen gewijzigd" in body and "Er is niets opgeslagen" in body
    [stored] = points_of(e)
    assert (stored.answer, stored.answer_text) == (PointAnswer.adopted, "Jaartal aangepast.")
    assert len(events(e, "point_answered")) == 1


def test_not_adopting_needs_a_reason_and_only_the_chair_answers(client, auth, sent):
    e = sent.evaluation
    row = add_point(sent)
    auth.login(sent.member)
    assert client.post(url(e, f"/hearing/points/{row.id}/answer"),
                       data=answer_form(row, "adopted")).status_code == 403
    auth.logout()
    auth.login(sent.chair)
    for data, message in ((answer_form(row, "not_adopted", ""), "Geef de reden waarom het team de reactie niet "
                                                                 "overneemt"),
                          (answer_form(row, "misschien"), "Kies of het team de reactie overneemt of niet.")):
        response = client.post(url(e, f"/hearing/points/{row.id}/answer"), data=data)
        assert response.status_code == 422
        assert message in page_text(response)
    assert points_of(e)[0].answer is None and events(e, "point_answered") == []


def test_the_check_closes_only_with_every_point_answered_and_the_gemeente_done_or_the_term_over(
        client, auth, sent, today, move_today):
    e = sent.evaluation
    row = add_point(sent)
    auth.login(sent.chair)
    response = client.post(url(e, "/hearing/correct"), follow_redirects=True)
    assert "Nog 1 feitelijke reactie zonder antwoord van het team." in page_text(response)
    hearing.answer_point(sent.chair, e, row, "adopted", "", row.version)
    db.session.commit()
    response = client.post(url(e, "/hearing/correct"), follow_redirects=True)
    assert "De gemeente controleert nog" in page_text(response)
    assert status_of(e) is EvaluationStatus.fact_check
    move_today(report_of(e).term_due + timedelta(days=1))  # the gemeente never said "klaar"; the term passed
    assert client.post(url(e, "/hearing/correct")).status_code == 302
    assert status_of(e) is EvaluationStatus.corrected


# ---------------------------------------------------------------- the term


def test_the_term_passing_while_a_point_is_open(client, auth, sent, move_today):
    e, s = sent.evaluation, sent.setting
    row = add_point(sent)
    due = report_of(e).term_due
    move_today(due + timedelta(days=1))
    auth.login(s.lead)
    page = page_text(client.get(url(e, "/hearing")))
    assert "De termijn voor feitelijke reacties is verstreken" in page and 'name="text"' not in page
    response = client.post(url(e, "/hearing/points"), data={"place": "strengths", "text": "Te laat gemeld feit."})
    assert response.status_code == 422
    assert f"De termijn voor feitelijke reacties is verstreken ({due:%d-%m-%Y})" in page_text(response)
    auth.logout()
    assert len(points_of(e)) == 1
    # the chair still answers the open point, and then closes the check
    auth.login(sent.chair)
    assert client.post(url(e, f"/hearing/points/{row.id}/answer"),
                       data=answer_form(row, "not_adopted", REASON)).status_code == 302
    assert client.post(url(e, "/hearing/correct")).status_code == 302
    assert status_of(e) is EvaluationStatus.corrected


def test_the_coordinator_extends_the_term_with_a_reason_never_into_the_past(client, auth, sent, today):
    e, s = sent.evaluation, sent.setting
    due = report_of(e).term_due
    auth.login(s.lead)
    assert client.get(url(e, "/hearing/term")).status_code == 403
    auth.logout()
    auth.login(s.coordinator)
    assert client.get(url(e, "/hearing/term")).status_code == 200
    for data, message in (
        ({"term_due": (today - timedelta(days=1)).isoformat(), "reason": "Het college vergadert later."},
         "De nieuwe termijn ligt in het verleden. Kies vandaag of een latere datum."),
        ({"term_due": (due - timedelta(days=1)).isoformat(), "reason": "Het college vergadert later."},
         f"Kies een datum na de huidige termijn ({due:%d-%m-%Y})"),
        ({"term_due": (due + timedelta(days=14)).isoformat(), "reason": ""}, "Geef een reden voor de verlenging"),
        ({"term_due": "31-02-2027", "reason": "Het college vergadert later."}, "Vul een geldige datum in."),
    ):
        response = client.post(url(e, "/hearing/term"), data=data)
        assert response.status_code == 422, data
        assert message in page_text(response), data
    assert report_of(e).term_due == due and events(e, "term_extended") == []
    new = due + timedelta(days=14)
    response = client.post(url(e, "/hearing/term"), data={"term_due": new.isoformat(),
                                                           "reason": "Het college vergadert pas over vier weken."})
    assert response.status_code == 302
    assert report_of(e).term_due == new
    [event] = events(e, "term_extended")
    assert event.actor_id == s.coordinator.id
    assert event.details == {"from": due.isoformat(), "to": new.isoformat(),
                             "reason": "Het college vergadert pas over vier weken.", "stage": "fact_check"}


# ---------------------------------------------------------------- reopening during the check


def test_the_coordinator_reopening_during_the_check_refuses_what_the_open_page_posts(client, auth, sent):
    e, s = sent.evaluation, sent.setting
    row = add_point(sent)
    auth.login(s.coordinator)
    assert client.post(url(e, "/reopen"), data={"reason": "Het team moet een score herzien."}).status_code == 302
    assert status_of(e) is EvaluationStatus.in_peer_review
    auth.logout()
    # the lead's page was still open
    auth.login(s.lead)
    response = client.post(url(e, "/hearing/points"), data={"place": "strengths", "text": "Nog een feit dat niet "
                                                                                          "klopt."})
    # the concept is the team's again: the refusal on the lead's own page, not on the hearing page (now a 403)
    assert response.status_code == 302 and response.location.endswith(f"/evaluations/{e.id}")
    assert "Het concept ligt nu niet ter feitelijke controle; er is niets opgeslagen." in page_text(
        client.get(response.location))
    auth.logout()
    # so was the chair's
    auth.login(sent.chair)
    response = client.post(url(e, f"/hearing/points/{row.id}/answer"), data=answer_form(row, "adopted"))
    assert response.status_code == 422
    assert "Reacties beantwoorden kan alleen zolang het concept ter feitelijke controle ligt." in page_text(response)
    auth.logout()
    assert [(p.text, p.answer) for p in points_of(e)] == [(FACT, None)]
    assert events(e, "point_answered") == [] and len(events(e, "point_added")) == 1


def test_after_a_reopening_the_open_pages_buttons_lead_to_a_page_the_user_may_open(client, auth, sent):
    """Controle afronden, Intrekken and the chair's Concept gecorrigeerd from a page left open after the concept
    went back to the team: the refusal on the lead's or the team's own page, never on a 403 (the hearing page
    is no longer theirs to read)."""
    e, s = sent.evaluation, sent.setting
    row = add_point(sent)
    auth.login(s.coordinator)
    assert client.post(url(e, "/reopen"), data={"reason": "Het team moet een score herzien."}).status_code == 302
    auth.logout()
    auth.login(s.lead)
    for path in ("/hearing/done", f"/hearing/points/{row.id}/withdraw"):
        response = client.post(url(e, path))
        assert response.status_code == 302 and response.headers["Location"].endswith(url(e)), path
        assert client.get(response.headers["Location"]).status_code == 200
    auth.logout()
    auth.login(sent.chair)
    response = client.post(url(e, "/hearing/correct"))
    assert response.status_code == 302 and response.headers["Location"].endswith(url(e, "/review"))
    assert "Alleen een concept dat ter feitelijke controle ligt" in page_text(client.get(response.headers["Location"]))
    auth.logout()
    assert [(p.text, p.answer) for p in points_of(e)] == [(FACT, None)] and report_of(e).check_done_at is None


# ---------------------------------------------------------------- the college's reaction


@pytest.mark.parametrize(("overrides", "message"), [
    ({"decided_on": None}, "Vul de datum van het collegebesluit in (dd-mm-jjjj)."),
    ({"decided_on": "gisteren"}, "Vul de datum van het collegebesluit in (dd-mm-jjjj)."),
    ({"decided_on": "future"}, "De datum van het collegebesluit ligt in de toekomst."),
    ({"decided_on": "before"}, "Het collegebesluit ligt vóór de datum waarop het concept kwam"),
    ({"reference": ""}, "Vul het kenmerk van het collegebesluit in"),
    ({"reaction": "   "}, "Neem de reactie van het college over zoals het college haar vaststelde."),
])
def test_a_reaction_without_a_valid_date_reference_or_text_is_refused(client, auth, review, today, overrides,
                                                                      message):
    e = review.evaluation
    ready_to_publish(review)
    to_corrected(review.chair, e, review.setting.lead)
    special = {"future": (today + timedelta(days=1)).isoformat(), "before": (today - timedelta(days=1)).isoformat()}
    if overrides.get("decided_on") in special:
        overrides = {"decided_on": special[overrides["decided_on"]]}
    auth.login(review.setting.lead)
    response = client.post(url(e, "/hearing/reaction"), data=reaction_form(today, **overrides))
    assert response.status_code == 422
    assert message in page_text(response)
    report = report_of(e)
    assert (report.reaction, report.reaction_decided_on, report.reaction_reference) == ("", None, "")
    assert status_of(e) is EvaluationStatus.corrected and events(e, "reacted") == []


def test_publication_is_refused_without_the_reaction_stage(client, auth, review, today):
    e = review.evaluation
    ready_to_publish(review)
    auth.login(review.chair)
    for stage in ("in_peer_review", "fact_check", "corrected"):
        assert status_of(e).value == stage
        response = client.post(url(e, "/review/publish"))
        assert response.status_code == 422, stage
        assert "Het rapport kan pas worden gepubliceerd na hoor en wederhoor" in page_text(response), stage
        assert report_of(e).published_at is None
        if stage == "in_peer_review":
            send_concept(review.chair, e)
        elif stage == "fact_check":
            hearing.finish_check(review.setting.lead, e)
            hearing.correct(review.chair, e)
            db.session.commit()
    assert events(e, "published") == []


def test_publishing_twice_says_the_report_is_already_published(client, auth, review, today):
    """A second window's Publiceren after publication: 'already published', not 'only after hoor en wederhoor'."""
    e = review.evaluation
    ready_to_publish(review)
    to_reacted(review.chair, e)
    auth.login(review.chair)
    assert client.post(url(e, "/review/publish")).status_code == 302
    published_at = report_of(e).published_at
    response = client.post(url(e, "/review/publish"))
    assert response.status_code == 422
    assert "Het rapport is al gepubliceerd." in page_text(response)
    assert report_of(e).published_at == published_at and len(events(e, "published")) == 1


def test_geen_reactie_ontvangen_by_the_coordinator_only_after_the_term(client, auth, review, move_today):
    e, s = review.evaluation, review.setting
    ready_to_publish(review)
    to_corrected(review.chair, e, s.lead)
    due = report_of(e).term_due
    auth.login(s.lead)
    assert client.post(url(e, "/hearing/no-reaction")).status_code == 403
    auth.logout()
    auth.login(s.coordinator)
    response = client.post(url(e, "/hearing/no-reaction"), follow_redirects=True)
    assert f"De termijn voor de bestuurlijke reactie loopt nog tot en met {due:%d-%m-%Y}." in page_text(response)
    assert status_of(e) is EvaluationStatus.corrected and report_of(e).no_reaction_at is None
    move_today(due + timedelta(days=1))
    assert "Vastleggen: geen reactie ontvangen" in page_text(client.get(url(e, "/hearing")))
    assert client.post(url(e, "/hearing/no-reaction")).status_code == 302
    assert status_of(e) is EvaluationStatus.reacted
    [event] = events(e, "no_reaction")
    assert event.actor_id == s.coordinator.id
    auth.logout()
    auth.login(review.chair)
    assert client.post(url(e, "/review/publish")).status_code == 302
    auth.logout()
    auth.login(s.lead)
    body = page_text(client.get(url(e, "/report")))
    assert "Het college heeft binnen de termijn geen bestuurlijke reactie gegeven." in body


def test_the_nawoord_only_by_the_chair_and_only_after_the_reaction(client, auth, review, today):
    e = review.evaluation
    ready_to_publish(review)
    to_corrected(review.chair, e, review.setting.lead)
    auth.login(review.chair)
    response = client.post(url(e, "/hearing/afterword"), data={"afterword": AFTERWORD})
    assert response.status_code == 422
    assert "Het nawoord schrijft de voorzitter van het peer team, na de bestuurlijke reactie" in page_text(response)
    auth.logout()
    hearing.record_reaction(review.setting.lead, e, REACTION, today, "Z/1")
    db.session.commit()
    auth.login(review.member)
    assert client.post(url(e, "/hearing/afterword"), data={"afterword": AFTERWORD}).status_code == 403
    auth.logout()
    auth.login(review.chair)
    response = client.post(url(e, "/hearing/afterword"), data={"afterword": "x" * 4001})
    assert response.status_code == 422 and "Het nawoord is te lang: hoogstens 4000 tekens." in page_text(response)
    assert report_of(e).afterword == ""
    assert client.post(url(e, "/hearing/afterword"), data={"afterword": AFTERWORD}).status_code == 302
    assert report_of(e).afterword == AFTERWORD


def test_the_lead_corrects_a_recorded_reaction_until_publication(client, auth, review, today):
    e = review.evaluation
    ready_to_publish(review)
    to_reacted(review.chair, e, review.setting.lead, reaction="Eerste versie.")
    auth.login(review.setting.lead)
    assert client.post(url(e, "/hearing/reaction"), data=reaction_form(today, "Tweede versie.")).status_code == 302
    report = report_of(e)
    assert (report.reaction, report.reaction_reference) == ("Tweede versie.", "Z/2027/0042")
    assert status_of(e) is EvaluationStatus.reacted
    assert [ev.actor_id for ev in events(e, "reaction_saved")] == [review.setting.lead.id]
    assert count(EvaluationEvent, EvaluationEvent.kind == "reacted") == 1


def test_the_concept_as_document_and_pdf_is_what_will_be_published_marked_as_concept(client, auth, review):
    """During hoor en wederhoor the readers of the concept get the report document itself (the printable page and
    the tagged PDF that will be published), marked as a concept on its cover and in every page's header."""
    import io

    from pypdf import PdfReader

    e, sent = review.evaluation, review
    ready_to_publish(review)
    add_entry(review.chair, e, "Alleen voor het team: de wethouder was slecht voorbereid.")
    send_concept(review.chair, e)
    for user in (sent.setting.lead, sent.chair, sent.setting.coordinator):
        auth.login(user)
        page = client.get(f"/evaluations/{e.id}/results/report")
        assert page.status_code == 200
        text = page_text(page)
        assert "Concept, nog niet gepubliceerd." in text and "Terug naar hoor en wederhoor" in text
        assert "slecht voorbereid" not in text
        auth.logout()
    auth.login(sent.setting.lead)
    download = client.get(f"/evaluations/{e.id}/results/report.pdf")
    assert download.status_code == 200 and "-concept.pdf" in download.headers["Content-Disposition"]
    pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(download.data)).pages]
    assert all("CONCEPT · Collegiale toets" in text for text in pages[1:])
    assert "slecht voorbereid" not in " ".join(pages)
    auth.logout()
    auth.login(sent.setting.contributor)  # the lead has not let the colleagues read along
    assert client.get(f"/evaluations/{e.id}/results/report").status_code == 403
