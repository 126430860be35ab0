"""Interviews and observations, the report (judgement, recommendations), sending the concept with its
confirmation, the college's reaction, publication, closing and reopening through the pages, and the query counts
of the main pages. Hoor en wederhoor itself (points, answers, the term) is in test_hearing.py."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from peerreview.domain.evaluations import EvaluationStatus
from peerreview.domain.reviews import Capacity
from peerreview.extensions import db
from peerreview.models import (
    EvaluationEvent,
    PeerReport,
    PeerScore,
    Recommendation,
    RecommendationTheme,
    ReviewEntry,
    ReviewEntryTheme,
    TeamScore,
)
from peerreview.reviews import services
from tests.conftest import app_today
from tests.support.hearing import to_corrected

from .conftest import (
    ITEMS,
    add_entry,
    count,
    give_scores,
    page_text,
    publish_report,
    ready_to_publish,
    set_team_scores,
    write_report,
)


def url(evaluation, path: str = "") -> str:
    return f"/evaluations/{evaluation.id}{path}"


def status_of(evaluation) -> EvaluationStatus:
    db.session.refresh(evaluation)
    return evaluation.status


def entry_form(**overrides) -> dict:
    data = {"held_on": app_today().isoformat(), "notes": "Het overleg met de politie loopt goed.",
            "themes": ["analyse"], "confidentiality": "team", "interviewees": "Teamchef – politie"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def recommendation_form(**overrides) -> dict:
    data = {"text": "Maak een integraal veiligheidsplan.", "themes": ["analyse"], "priority": "high",
            "addressee": "municipality"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def publish_token(client, evaluation) -> str:
    page = client.get(url(evaluation, "/review/publish"))
    assert page.status_code == 200
    match = re.search(r'<input[^>]*name="token"[^>]*>', page.get_data(as_text=True))
    assert match is not None, "the publish form carries no token"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


# ---------------------------------------------------------------- interviews and observations


@pytest.mark.parametrize(("kind", "overrides", "message"), [
    ("observation", {"themes": None}, "Kies minstens één thema."),
    ("interview", {"themes": None}, "Kies minstens één thema."),
    ("observation", {"held_on": lambda today: (today + timedelta(days=1)).isoformat()}, "De datum ligt in de toekomst"),
    ("interview", {"held_on": "31-12-2020"}, "Vul een geldige datum in, bijvoorbeeld"),
    ("observation", {"held_on": "2021-02-30"}, "Vul een geldige datum in, bijvoorbeeld"),
    ("observation", {"held_on": "gisteren"}, "Vul een geldige datum in, bijvoorbeeld"),
    ("observation", {"held_on": ""}, "Vul een geldige datum in, bijvoorbeeld"),
    ("observation", {"themes": ["onbekend"]}, "Kies alleen thema's uit de vragenlijst."),
    ("observation", {"themes": ["analyse", "netwerk"]}, "Kies alleen thema's uit de vragenlijst."),
    ("observation", {"confidentiality": "openbaar"}, "Kies of dit alleen voor het team is of citeerbaar"),
    ("observation", {"notes": "   "}, "Schrijf op wat er besproken of waargenomen is."),
    ("interview", {"interviewees": ""}, "Noem met wie het gesprek was"),
])
def test_a_wrong_entry_is_refused_in_dutch_and_nothing_is_stored(client, auth, review, kind, overrides,
                                                                 message, today):
    overrides = {k: v(today) if callable(v) else v for k, v in overrides.items()}  # a date: the test's own
    e = review.evaluation
    auth.login(review.member)
    assert client.get(url(e, f"/review/entries/new/{kind}")).status_code == 200
    response = client.post(url(e, f"/review/entries/new/{kind}"), data=entry_form(**overrides))
    assert response.status_code == 422
    assert message in page_text(response)
    assert count(ReviewEntry) == 0 and count(ReviewEntryTheme) == 0
    assert count(EvaluationEvent, EvaluationEvent.kind.like(f"{kind}%")) == 0


def test_an_unknown_entry_kind_is_not_found(client, auth, review):
    auth.login(review.member)
    assert client.get(url(review.evaluation, "/review/entries/new/roddel")).status_code == 404
    assert client.post(url(review.evaluation, "/review/entries/new/roddel"), data=entry_form()).status_code == 404


def test_a_member_logs_an_interview_with_themes(client, auth, review):
    e = review.evaluation
    auth.login(review.member)
    response = client.post(url(e, "/review/entries/new/interview"), data=entry_form(
        themes=["profiel", "analyse"], interviewees="Burgemeester – Aadorp\n\nTeamchef – politie"))
    assert response.status_code == 302
    row = db.session.scalar(select(ReviewEntry))
    assert row.author_id == review.member.id and row.section_ids == ("analyse", "profiel")
    assert row.interviewee_lines == ("Burgemeester – Aadorp", "Teamchef – politie")
    page = client.get(url(e, "/review/entries?theme=profiel"))
    assert page.status_code == 200
    assert "Het overleg met de politie loopt goed." in page_text(page)
    assert "Het overleg met de politie" not in page_text(client.get(url(e, "/review/entries?theme=keten")))


def test_team_only_notes_never_reach_the_published_report(client, auth, review):
    e, setting = review.evaluation, review.setting
    add_entry(review.chair, e, "Citeerbaar: het college stuurt actief.", confidentiality="quotable",
              themes=("analyse", "profiel"), kind="interview")
    add_entry(review.member, e, "Vertrouwelijk: de coördinator overweegt te vertrekken.", confidentiality="team",
              themes=("profiel",))
    add_entry(review.member, e, "Vertrouwelijk gesprek met de wethouder.", confidentiality="team",
              themes=("keten",), kind="interview")
    # the team reads everything in its own pages
    auth.login(review.member)
    entries_page = page_text(client.get(url(e, "/review/entries")))
    assert "Vertrouwelijk: de coördinator" in entries_page and "Citeerbaar: het college" in entries_page
    auth.logout()
    publish_report(review)
    for user in (setting.lead, setting.contributor, setting.coordinator, review.chair):
        auth.login(user)
        response = client.get(url(e, "/report"))
        assert response.status_code == 200, user.name
        body = page_text(response)
        assert "Citeerbaar: het college stuurt actief." in body, user.name
        assert "Vertrouwelijk" not in body, user.name
        auth.logout()


def test_only_the_author_or_the_chair_changes_an_entry(client, auth, review):
    e = review.evaluation
    chairs_entry = add_entry(review.chair, e, "Waarneming van de voorzitter.")
    members_entry = add_entry(review.member, e, "Waarneming van Daan.")
    auth.login(review.member)
    edit = url(e, f"/review/entries/{chairs_entry.id}")
    assert client.get(edit).status_code == 403
    assert client.post(edit, data=entry_form(notes="Daan schrijft eroverheen.")).status_code == 403
    assert client.post(f"{edit}/delete").status_code == 302  # refused with a message
    db.session.expire_all()
    assert db.session.get(ReviewEntry, chairs_entry.id).notes == "Waarneming van de voorzitter."
    # the author changes their own
    own = url(e, f"/review/entries/{members_entry.id}")
    assert client.get(own).status_code == 200
    assert client.post(own, data=entry_form(notes="Waarneming van Daan, aangevuld.")).status_code == 302
    auth.logout()
    # the chair changes anyone's
    auth.login(review.chair)
    assert client.get(own).status_code == 200
    response = client.post(own, data=entry_form(notes="Door de voorzitter quotable.", confidentiality="quotable"))
    assert response.status_code == 422  # only the author makes their own note quotable (it carries their name)
    assert "Alleen wie het vastlegde bepaalt of het citeerbaar is" in page_text(response)
    response = client.post(own, data=entry_form(notes="Door de voorzitter bijgewerkt."))
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.get(ReviewEntry, members_entry.id)
    assert row.notes == "Door de voorzitter bijgewerkt." and row.confidentiality.value == "team"
    assert row.author_id == review.member.id  # still Daan's entry
    changed = db.session.scalars(select(EvaluationEvent).where(EvaluationEvent.kind == "observation_changed")
                                 .order_by(EvaluationEvent.id)).all()
    assert [ev.actor_id for ev in changed] == [review.member.id, review.chair.id]
    assert client.post(f"{own}/delete").status_code == 302
    assert db.session.get(ReviewEntry, members_entry.id) is None


def test_an_entry_of_another_evaluation_is_not_found(client, auth, review):
    row = add_entry(review.chair, review.evaluation, "Waarneming.")
    auth.login(review.chair)
    other = review.setting.evaluation_b
    assert client.get(url(other, f"/review/entries/{row.id}")).status_code == 403  # not in Beekdal's team
    assert client.get(url(review.evaluation, f"/review/entries/{row.id + 100}")).status_code == 404


# ---------------------------------------------------------------- recommendations


@pytest.mark.parametrize(("overrides", "message"), [
    ({"themes": None}, "Koppel de aanbeveling aan minstens één thema"),
    ({"themes": ["bestaat-niet"]}, "Kies alleen thema's uit de vragenlijst."),
    ({"priority": "urgent"}, "Kies een prioriteit: hoog, middel of laag."),
    ({"addressee": "gemeenteraad"}, "Kies aan wie de aanbeveling gericht is: gemeente, regio of Rijk."),
    ({"text": "Kort"}, "Schrijf de aanbeveling uit (minstens 5 tekens)."),
    ({"text": "x" * 2001}, "De aanbeveling is te lang: hoogstens 2000 tekens."),
])
def test_a_wrong_recommendation_is_refused_and_nothing_is_saved(client, auth, review, overrides,
                                                                message):
    e = review.evaluation
    auth.login(review.chair)
    assert client.get(url(e, "/review/recommendations/new")).status_code == 200
    response = client.post(url(e, "/review/recommendations/new"), data=recommendation_form(**overrides))
    assert response.status_code == 422
    assert message in page_text(response)
    assert count(Recommendation) == 0 and count(RecommendationTheme) == 0


def test_an_edit_that_is_wrong_keeps_the_recommendation_as_it_was(client, auth, review):
    e = review.evaluation
    write_report(review.chair, e)
    row = db.session.scalar(select(Recommendation))
    auth.login(review.chair)
    response = client.post(url(e, f"/review/recommendations/{row.id}"),
                           data=recommendation_form(text="Nieuwe tekst voor de aanbeveling", themes=None))
    assert response.status_code == 422
    assert "Koppel de aanbeveling aan minstens één thema" in page_text(response)
    db.session.expire_all()
    row = db.session.get(Recommendation, row.id)
    assert row.text == "Aanbeveling nummer 1: maak een plan." and row.section_ids == ("analyse",)
    response = client.post(url(e, f"/review/recommendations/{row.id}"),
                           data=recommendation_form(themes=["keten"], addressee="national", priority="low"))
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.get(Recommendation, row.id)
    assert (row.section_ids, row.addressee.value, row.priority.value) == (("keten",), "national", "low")


def test_only_the_chair_writes_the_report(client, auth, review):
    e = review.evaluation
    write_report(review.chair, e)
    row = db.session.scalar(select(Recommendation))
    auth.login(review.member)
    assert client.get(url(e, "/review/report")).status_code == 200
    assert client.post(url(e, "/review/report"), data={"judgement": "Daans oordeel", "strengths": ""}
                       ).status_code == 403  # he has not even scored yet: the draft is closed to him
    assert client.get(url(e, "/review/recommendations/new")).status_code == 403
    assert client.post(url(e, "/review/recommendations/new"), data=recommendation_form()).status_code == 403
    assert client.post(url(e, f"/review/recommendations/{row.id}"), data=recommendation_form()).status_code == 403
    assert client.post(url(e, f"/review/recommendations/{row.id}/delete")).status_code == 302
    assert client.post(url(e, "/review/concept"), data={"token": ""}).status_code == 403
    assert client.post(url(e, "/review/publish")).status_code == 403
    db.session.expire_all()
    assert db.session.get(PeerReport, e.id).judgement == "De regie is in opbouw."
    assert [r.text for r in db.session.scalars(select(Recommendation))] == ["Aanbeveling nummer 1: maak een plan."]
    assert status_of(e) is EvaluationStatus.in_peer_review


# ---------------------------------------------------------------- the concept to the gemeente


def test_sending_the_concept_without_a_members_scores_needs_a_confirmation_by_name(client, auth, review):
    e = review.evaluation
    ready_to_publish(review, member_submits=False)
    auth.login(review.chair)
    response = client.post(url(e, "/review/concept"), data={"token": ""})
    assert response.status_code == 422
    assert "Nog geen eigen scores ingediend door: Daan Deskundige." in page_text(response)
    assert status_of(e) is EvaluationStatus.in_peer_review
    # ticking the box without the page's token does not count either
    assert client.post(url(e, "/review/concept"), data={"token": "", "confirmed": "y"}).status_code == 422
    token = publish_token(client, e)
    assert token == str(review.member.id)
    # the token alone, without ticking the box, is no confirmation
    assert client.post(url(e, "/review/concept"), data={"token": token}).status_code == 422
    assert status_of(e) is EvaluationStatus.in_peer_review
    response = client.post(url(e, "/review/concept"), data={"token": token, "confirmed": "y"})
    assert response.status_code == 302
    assert response.headers["Location"] == url(e, "/hearing")
    assert status_of(e) is EvaluationStatus.fact_check
    report = db.session.get(PeerReport, e.id)
    assert report.published_without == "Daan Deskundige" and report.concept_sent_by_id == review.chair.id
    assert report.concept_sent_at is not None and report.published_at is None
    assert report.term_due == app_today() + timedelta(days=e.round.response_days)
    event = db.session.scalar(select(EvaluationEvent).where(EvaluationEvent.kind == "concept_sent"))
    assert event.actor_id == review.chair.id and event.details["without"] == ["Daan Deskundige"]


def test_a_stale_confirmation_is_refused(client, auth, review):
    e = review.evaluation
    services.add_member(review.setting.coordinator, e, review.outsider.id, capacity=Capacity.official,
                        as_chair=False, confirmed=False)
    db.session.commit()
    ready_to_publish(review, member_submits=False)
    auth.login(review.chair)
    stale = publish_token(client, e)
    assert stale == ",".join(str(i) for i in sorted((review.member.id, review.outsider.id)))
    auth.logout()
    give_scores(review.outsider, e, dict.fromkeys(ITEMS, 2))  # Olaf submits meanwhile
    auth.login(review.chair)
    response = client.post(url(e, "/review/concept"), data={"token": stale, "confirmed": "y"})
    assert response.status_code == 422
    body = page_text(response)
    assert "Nog geen eigen scores ingediend door: Daan Deskundige." in body and "Olaf Outsider." not in body
    assert status_of(e) is EvaluationStatus.in_peer_review
    # a token naming someone else entirely is refused too
    assert client.post(url(e, "/review/concept"), data={"token": str(review.outsider.id), "confirmed": "y"}
                       ).status_code == 422
    assert status_of(e) is EvaluationStatus.in_peer_review
    fresh = publish_token(client, e)
    assert fresh == str(review.member.id)
    assert client.post(url(e, "/review/concept"), data={"token": fresh, "confirmed": "y"}).status_code == 302
    assert status_of(e) is EvaluationStatus.fact_check


def test_when_everyone_submitted_no_confirmation_is_needed(client, auth, review):
    ready_to_publish(review)
    auth.login(review.chair)
    assert publish_token(client, review.evaluation) == ""
    assert client.post(url(review.evaluation, "/review/concept"), data={"token": ""}).status_code == 302
    assert status_of(review.evaluation) is EvaluationStatus.fact_check
    assert db.session.get(PeerReport, review.evaluation.id).published_without == ""


@pytest.mark.parametrize(("missing", "message"), [
    ("team_score", "Nog 1 van 4 onderdelen zonder score van het team."),
    ("judgement", "Het oordeel over de regie ontbreekt."),
    ("recommendation", "Er is nog geen aanbeveling."),
])
def test_sending_an_incomplete_concept_is_refused(client, auth, review, missing, message):
    e = review.evaluation
    give_scores(review.member, e, dict.fromkeys(ITEMS, 2))
    give_scores(review.chair, e, dict.fromkeys(ITEMS, 3))
    set_team_scores(review.chair, e, dict.fromkeys(ITEMS[:-1] if missing == "team_score" else ITEMS, 3))
    write_report(review.chair, e, judgement="" if missing == "judgement" else "Oordeel.",
                 recommendations=0 if missing == "recommendation" else 1)
    auth.login(review.chair)
    page = client.get(url(e, "/review/publish"))
    assert page.status_code == 200
    assert "Los eerst de punten hierboven op." in page_text(page)
    for data in ({"token": ""}, {"token": "", "confirmed": "y"}):
        response = client.post(url(e, "/review/concept"), data=data)
        assert response.status_code == 422
        body = page_text(response)
        assert "Het concept kan nog niet naar de gemeente" in body and message in body
    assert status_of(e) is EvaluationStatus.in_peer_review
    report = db.session.get(PeerReport, e.id)
    assert report is None or (report.published_at is None and report.concept_sent_at is None)
    assert count(EvaluationEvent, EvaluationEvent.kind.in_(("concept_sent", "published"))) == 0


# ---------------------------------------------------------------- after publication


def snapshot(evaluation) -> tuple:
    db.session.expire_all()
    report = db.session.get(PeerReport, evaluation.id)
    return (
        (report.judgement, report.strengths),
        [(r.id, r.text, r.priority.value, r.section_ids) for r in db.session.scalars(
            select(Recommendation).order_by(Recommendation.id))],
        [(t.item_id, t.value, t.motivation) for t in db.session.scalars(select(TeamScore).order_by(TeamScore.id))],
        [(r.id, r.notes, r.section_ids) for r in db.session.scalars(select(ReviewEntry).order_by(ReviewEntry.id))],
        [(s.reviewer_id, s.item_id, s.value, s.rationale) for s in db.session.scalars(
            select(PeerScore).order_by(PeerScore.id))],
    )


def test_nothing_changes_after_publication(client, auth, review):
    e = review.evaluation
    entry = add_entry(review.member, e, "Een waarneming.")
    publish_report(review)
    recommendation = db.session.scalar(select(Recommendation))
    before = snapshot(e)
    events_before = count(EvaluationEvent)
    attempts = [
        ("/review/report", {"judgement": "Achteraf anders", "strengths": "Ook anders"}, 422),
        ("/review/recommendations/new", recommendation_form(text="Nog een aanbeveling achteraf"), 422),
        (f"/review/recommendations/{recommendation.id}", recommendation_form(text="Achteraf gewijzigd"), 422),
        (f"/review/recommendations/{recommendation.id}/delete", {}, 302),
        ("/review/consensus", {"analyse-value": "0", "analyse-motivation": "Achteraf"}, 422),
        ("/review/entries/new/observation", entry_form(notes="Achteraf waargenomen"), 422),
        (f"/review/entries/{entry.id}", entry_form(notes="Achteraf gewijzigd"), 422),
        (f"/review/entries/{entry.id}/delete", {}, 302),
        ("/review/scores", {"action": "save", "analyse-value": "0", "analyse-rationale": "Achteraf"}, 422),
        ("/review/publish", {"token": ""}, 422),
    ]
    for user in (review.chair, review.member):
        auth.login(user)
        for path, data, expected in attempts:
            if user is review.member and (path == "/review/publish" or "recommendations/" in path
                                          and not path.endswith("/delete")):
                expected = 403  # not the chair
            response = client.post(url(e, path), data=data)
            assert response.status_code == expected, (user.name, path, response.status_code)
        auth.logout()
    assert snapshot(e) == before
    assert count(EvaluationEvent) == events_before
    assert status_of(e) is EvaluationStatus.published


def test_a_refused_judgement_after_publication_says_why(client, auth, review):
    publish_report(review)
    auth.login(review.chair)
    response = client.post(url(review.evaluation, "/review/report"), data={"judgement": "Anders", "strengths": ""})
    assert response.status_code == 422
    assert "Het rapport is gepubliceerd en kan niet meer worden gewijzigd." in page_text(response)


# ---------------------------------------------------------------- the college's reaction


def reaction_form(text: str = "Het college neemt de aanbevelingen over.", **overrides) -> dict:
    data = {"reaction": text, "decided_on": app_today().isoformat(), "reference": "Z/2027/123"}
    data.update(overrides)
    return data


def test_only_the_lead_records_the_reaction_and_only_in_corrected_or_reacted(client, auth, review):
    e, setting = review.evaluation, review.setting
    reaction_url = url(e, "/hearing/reaction")
    ready_to_publish(review)
    auth.login(setting.lead)
    response = client.post(reaction_url, data=reaction_form("Te vroeg."))  # the team still works on its draft
    assert response.status_code == 422
    assert "Een bestuurlijke reactie kan nu niet worden vastgelegd" in page_text(response)
    auth.logout()
    to_corrected(review.chair, e, setting.lead)
    for user in (setting.contributor, setting.coordinator, review.chair):
        auth.login(user)
        assert client.post(reaction_url, data=reaction_form("Niet van de trekker.")).status_code == 403, user.name
        auth.logout()
    assert db.session.get(PeerReport, e.id).reaction == ""
    auth.login(setting.lead)
    page = client.get(url(e, "/hearing"))
    assert page.status_code == 200 and 'name="reaction"' in page.get_data(as_text=True)
    response = client.post(reaction_url, data=reaction_form("x" * 8001))
    assert response.status_code == 422
    assert "De reactie is te lang: hoogstens 8000 tekens." in page_text(response)
    db.session.expire_all()
    assert db.session.get(PeerReport, e.id).reaction == ""
    assert status_of(e) is EvaluationStatus.corrected
    response = client.post(reaction_url, data=reaction_form())
    assert response.status_code == 302
    db.session.expire_all()
    report = db.session.get(PeerReport, e.id)
    assert report.reaction == "Het college neemt de aanbevelingen over." and report.reaction_by_id == setting.lead.id
    assert status_of(e) is EvaluationStatus.reacted
    auth.logout()
    auth.login(review.chair)
    assert client.post(url(e, "/review/publish")).status_code == 302
    auth.logout()
    auth.login(setting.coordinator)
    assert client.post(url(e, "/close")).status_code == 302
    auth.logout()
    auth.login(setting.lead)
    for stage in ("closed", "published"):
        response = client.post(reaction_url, data=reaction_form("Toch nog iets anders."))
        assert response.status_code == 422, stage
        assert "Een bestuurlijke reactie kan nu niet worden vastgelegd" in page_text(response)
        if stage == "closed":
            auth.logout()
            auth.login(setting.coordinator)
            assert reopen(client, e).status_code == 302
            assert status_of(e) is EvaluationStatus.published
            auth.logout()
            auth.login(setting.lead)
    db.session.expire_all()
    assert db.session.get(PeerReport, e.id).reaction == "Het college neemt de aanbevelingen over."
    assert count(EvaluationEvent, EvaluationEvent.kind.in_(("reacted", "reaction_saved"))) == 1


# ---------------------------------------------------------------- the state machine, through the pages


def reopen(client, evaluation, reason: str = "De gemeente vraagt om een correctie."):
    page = client.get(url(evaluation, "/reopen"))
    assert page.status_code == 200
    return client.post(url(evaluation, "/reopen"), data={"reason": reason})


def last_event(evaluation) -> EvaluationEvent:
    return db.session.scalar(select(EvaluationEvent).where(EvaluationEvent.evaluation_id == evaluation.id)
                             .order_by(EvaluationEvent.id.desc()).limit(1))


def test_reopening_a_published_report_takes_it_back_one_stage_at_a_time(client, auth, review):
    e, setting = review.evaluation, review.setting
    publish_report(review)
    auth.login(setting.lead)
    assert client.get(url(e, "/report")).status_code == 200
    auth.logout()
    auth.login(setting.coordinator)
    response = reopen(client, e, "Een score van het team klopt niet.")
    assert response.status_code == 302
    assert status_of(e) is EvaluationStatus.reacted
    event = last_event(e)
    assert event.kind == "reopened" and event.actor_id == setting.coordinator.id and event.at is not None
    assert event.details == {"from": "published", "to": "reacted", "reason": "Een score van het team klopt niet."}
    assert client.get(url(e, "/report")).status_code == 403
    auth.logout()
    for user in (setting.lead, setting.contributor):
        auth.login(user)
        assert client.get(url(e, "/report")).status_code == 403
        auth.logout()
    # for a correction of the text the coordinator goes back to the factual check
    auth.login(setting.coordinator)
    for reason, stage in (("De tekst moet worden gecorrigeerd.", EvaluationStatus.corrected),
                          ("Terug naar de feitelijke controle.", EvaluationStatus.fact_check)):
        assert reopen(client, e, reason).status_code == 302
        assert status_of(e) is stage
    auth.logout()
    # the chair corrects the score; the lead finishes the check again (reopening cleared it), the chair closes it,
    # the lead confirms the reaction, the chair publishes
    auth.login(setting.lead)
    assert client.post(url(e, "/hearing/done")).status_code == 302
    auth.logout()
    auth.login(review.chair)
    assert client.post(url(e, "/review/consensus"), data={"analyse-value": "2", "analyse-motivation": "Bijgesteld"}
                       ).status_code == 302
    assert client.post(url(e, "/hearing/correct")).status_code == 302
    assert status_of(e) is EvaluationStatus.corrected
    auth.logout()
    auth.login(setting.lead)
    assert client.post(url(e, "/hearing/reaction"), data=reaction_form()).status_code == 302
    auth.logout()
    auth.login(review.chair)
    assert client.post(url(e, "/review/publish")).status_code == 302
    assert status_of(e) is EvaluationStatus.published
    auth.logout()
    auth.login(setting.lead)
    body = page_text(client.get(url(e, "/report")))
    assert "Bijgesteld" in body


def test_a_reopened_report_no_longer_says_it_is_published(client, auth, review):
    e = review.evaluation
    publish_report(review)
    auth.login(review.setting.coordinator)
    assert reopen(client, e).status_code == 302
    auth.logout()
    auth.login(review.chair)
    response = client.get(url(e, "/report"))
    assert response.status_code == 200
    body = page_text(response)
    assert "Het concept ligt bij de gemeente (hoor en wederhoor)." in body
    assert "gepubliceerd op" not in body


def test_reopening_a_closed_evaluation_and_its_report_lets_the_lead_correct_the_reaction(client, auth, review):
    e, setting = review.evaluation, review.setting
    publish_report(review)
    auth.login(setting.coordinator)
    assert client.post(url(e, "/close")).status_code == 302
    assert status_of(e) is EvaluationStatus.closed
    assert reopen(client, e).status_code == 302
    assert status_of(e) is EvaluationStatus.published
    event = last_event(e)
    assert (event.kind, event.actor_id, event.details["from"], event.details["to"]) == (
        "reopened", setting.coordinator.id, "closed", "published")
    auth.logout()
    auth.login(setting.lead)
    assert client.get(url(e, "/report")).status_code == 200
    assert client.post(url(e, "/hearing/reaction"), data=reaction_form("Een late reactie.")).status_code == 422
    auth.logout()
    auth.login(setting.coordinator)
    assert reopen(client, e, "Het college stelde zijn reactie bij.").status_code == 302
    assert status_of(e) is EvaluationStatus.reacted
    auth.logout()
    auth.login(setting.lead)
    assert client.post(url(e, "/hearing/reaction"), data=reaction_form("Een late reactie.")).status_code == 302
    db.session.expire_all()
    assert db.session.get(PeerReport, e.id).reaction == "Een late reactie."
    assert last_event(e).kind == "reaction_saved"


def test_reopening_a_running_review_gives_it_back_to_the_gemeente(client, auth, review):
    e, setting = review.evaluation, review.setting
    give_scores(review.member, e, dict.fromkeys(ITEMS, 2))
    auth.login(setting.coordinator)
    response = reopen(client, e, "Te weinig onderbouwing om te toetsen.")
    assert response.status_code == 302
    assert status_of(e) is EvaluationStatus.draft
    assert e.submitted_at is None
    assert last_event(e).details["to"] == "draft"
    auth.logout()
    auth.login(review.member)
    for path in ("/review", "/review/scores", "/review/consensus", "/report", "/self-evaluation"):
        assert client.get(url(e, path)).status_code == 403, path
    auth.logout()
    # the peer scores are kept for when the review resumes
    assert count(PeerScore, PeerScore.reviewer_id == review.member.id) == len(ITEMS)


def test_reopening_needs_a_reason_and_a_draft_cannot_be_reopened(client, auth, review):
    e, setting = review.evaluation, review.setting
    auth.login(setting.coordinator)
    events = count(EvaluationEvent)
    for reason in ("", "kort"):
        response = client.post(url(e, "/reopen"), data={"reason": reason})
        assert response.status_code == 422
        assert "reden" in page_text(response).lower()
    assert status_of(e) is EvaluationStatus.in_peer_review and count(EvaluationEvent) == events
    assert reopen(client, e).status_code == 302
    assert status_of(e) is EvaluationStatus.draft
    events = count(EvaluationEvent)
    response = client.post(url(e, "/reopen"), data={"reason": "Nog een keer terug."})
    assert response.status_code == 422
    assert status_of(e) is EvaluationStatus.draft and count(EvaluationEvent) == events


def test_every_transition_is_recorded_with_actor_and_time(client, auth, review):
    e, setting = review.evaluation, review.setting
    ready_to_publish(review)
    steps = [
        (review.chair, "/review/concept", {"token": ""}, "concept_sent", EvaluationStatus.fact_check),
        (setting.lead, "/hearing/done", {}, None, EvaluationStatus.fact_check),  # no stage change: an event only
        (review.chair, "/hearing/correct", {}, "corrected", EvaluationStatus.corrected),
        (setting.lead, "/hearing/reaction", reaction_form(), "reacted", EvaluationStatus.reacted),
        (review.chair, "/review/publish", {}, "published", EvaluationStatus.published),
        (setting.coordinator, "/close", {}, "closed", EvaluationStatus.closed),
        (setting.coordinator, "/reopen", {"reason": "Late reactie mogelijk maken."}, "reopened",
         EvaluationStatus.published),
        (setting.coordinator, "/reopen", {"reason": "Correctie door het team."}, "reopened",
         EvaluationStatus.reacted),
        (review.chair, "/review/publish", {}, "published", EvaluationStatus.published),
        (setting.coordinator, "/close", {}, "closed", EvaluationStatus.closed),
    ]
    for actor, path, data, kind, status in steps:
        before = e.status
        auth.login(actor)
        assert client.post(url(e, path), data=data).status_code == 302, path
        auth.logout()
        assert status_of(e) is status
        event = last_event(e)
        assert event.actor_id == actor.id and event.at is not None
        if kind is None:
            assert event.kind == "check_done"
            continue
        assert event.kind == kind
        assert (event.details["from"], event.details["to"]) == (before.value, status.value)
    kinds = ("submitted", "review_started", "concept_sent", "corrected", "reacted", "published", "closed",
             "reopened")
    transitions = db.session.scalars(select(EvaluationEvent).where(
        EvaluationEvent.evaluation_id == e.id, EvaluationEvent.kind.in_(kinds)).order_by(EvaluationEvent.id)).all()
    assert [ev.kind for ev in transitions] == ["submitted", "review_started", "concept_sent", "corrected", "reacted",
                                               "published", "closed", "reopened", "reopened", "published", "closed"]
    assert all(ev.actor_id is not None and ev.at is not None for ev in transitions)


# ---------------------------------------------------------------- query counts


def measure(client, count_queries, path: str) -> int:
    assert client.get(path).status_code == 200  # warm up
    with count_queries() as counter:
        response = client.get(path)
    assert response.status_code == 200, path
    return counter.count


def test_the_main_pages_run_a_fixed_number_of_queries(client, auth, review, count_queries):
    e = review.evaluation
    give_scores(review.member, e, {"analyse": 0, "keten": 2, "netwerk": 3, "bestuur": 4})
    give_scores(review.chair, e, dict.fromkeys(ITEMS, 3))
    set_team_scores(review.chair, e, dict.fromkeys(ITEMS, 3))

    def add_entries(n: int) -> None:
        for i in range(n):
            author = review.chair if i % 2 else review.member
            add_entry(author, e, f"Aantekening {i}", confidentiality="quotable" if i % 2 else "team",
                      themes=("analyse", "profiel") if i % 3 else ("keten",),
                      kind="interview" if i % 2 else "observation")

    add_entries(2)
    write_report(review.chair, e, recommendations=2)
    auth.login(review.chair)
    small = {p: measure(client, count_queries, url(e, p)) for p in ("/review", "/review/consensus", "/report")}
    add_entries(4)
    write_report(review.chair, e, judgement="Oordeel, bijgewerkt.", recommendations=3)
    assert count(ReviewEntry) == 6 and count(Recommendation) == 5
    large = {p: measure(client, count_queries, url(e, p)) for p in ("/review", "/review/consensus", "/report")}
    assert large == small, (small, large)


def test_the_published_report_runs_a_fixed_number_of_queries_for_the_gemeente(client, auth, review,
                                                                               count_queries, today):
    from peerreview.domain.reviews import Addressee, Confidentiality, EntryKind, Priority

    e, setting = review.evaluation, review.setting
    publish_report(review)  # one recommendation

    def add_rows(first: int, entries: int, recommendations: int) -> None:
        """Straight into the database: after publication the pages rightly refuse new ones."""
        for i in range(first, first + entries):
            row = ReviewEntry(evaluation_id=e.id, author_id=review.member.id, kind=EntryKind.interview,
                              held_on=today, notes=f"Citeerbaar {i}", interviewees="Wethouder – Aadorp",
                              confidentiality=Confidentiality.quotable if i % 2 else Confidentiality.team,
                              themes=[ReviewEntryTheme(section_id="analyse"), ReviewEntryTheme(section_id="profiel")])
            db.session.add(row)
        for i in range(first, first + recommendations):
            db.session.add(Recommendation(evaluation_id=e.id, position=10 + i, text=f"Extra aanbeveling {i}",
                                          priority=Priority.low, addressee=Addressee.region,
                                          themes=[RecommendationTheme(section_id="keten")]))
        db.session.commit()

    add_rows(0, 2, 1)
    auth.login(setting.lead)
    small = measure(client, count_queries, url(e, "/report"))
    add_rows(2, 4, 3)
    assert count(ReviewEntry) == 6 and count(Recommendation) == 5
    large = measure(client, count_queries, url(e, "/report"))
    assert large == small, (small, large)
    body = page_text(client.get(url(e, "/report")))
    assert "Citeerbaar 5" in body and "Citeerbaar 4" not in body and "Extra aanbeveling 4" in body
