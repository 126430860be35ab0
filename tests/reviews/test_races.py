"""What the peer review does when the evaluation's stage changes between a check and a write (another request,
another person): nothing lands in a report that was published, closed or reopened meanwhile. The other request
is played by a second connection that commits in between, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from peerreview.domain.errors import DomainError
from peerreview.domain.evaluations import EvaluationStatus
from peerreview.domain.reviews import (
    Addressee,
    Confidentiality,
    EntryData,
    EntryKind,
    Priority,
    RecommendationData,
)
from peerreview.evaluation.lifecycle import questionnaire_of
from peerreview.extensions import db
from peerreview.models import PeerReport, PeerScore, Recommendation, ReviewEntry, TeamMember, TeamScore
from peerreview.reviews import hearing, services
from peerreview.reviews.entries import add_entry
from peerreview.reviews.report import add_recommendation, save_judgement
from tests.conftest import app_today, raw_engine
from tests.support.hearing import send_concept, to_corrected, to_reacted

from .conftest import ITEMS


def meanwhile(database_url: str, evaluation_id: int, status: str) -> None:
    """Another request changes the stage and commits, while this session still holds the old one."""
    engine = raw_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE evaluations SET status = :s, lock_version = lock_version + 1 "
                                    "WHERE id = :id"), {"s": status, "id": evaluation_id})
    finally:
        engine.dispose()


def questionnaire(review):
    return questionnaire_of(review.evaluation)


def stored(model, **where) -> int:
    return len(db.session.scalars(select(model).filter_by(**where)).all())


WRITES = {
    "judgement": lambda r, q: save_judgement(r.chair, r.evaluation, "Na publicatie gewijzigd", ""),
    "recommendation": lambda r, q: add_recommendation(r.chair, r.evaluation, RecommendationData(
        "Na publicatie toegevoegd", ("analyse",), Priority.high, Addressee.municipality)),
    "entry": lambda r, q: add_entry(r.member, r.evaluation, EntryData(
        EntryKind.observation, app_today(), "Na publicatie", ("analyse",), Confidentiality.team)),
    "own scores": lambda r, q: services.save_own_scores(r.member, r.evaluation, q, {"analyse": ("1", "laat")}),
}


@pytest.mark.parametrize("what", list(WRITES))
def test_a_write_that_races_a_publication_is_refused_and_stores_nothing(review, database_url, what):
    q = questionnaire(review)
    assert review.evaluation.status is EvaluationStatus.in_peer_review  # what this session believes
    counts = (stored(Recommendation), stored(ReviewEntry), stored(PeerScore), stored(PeerReport))
    meanwhile(database_url, review.evaluation.id, "published")
    with pytest.raises(DomainError, match="intussen gewijzigd"):
        WRITES[what](review, q)
    db.session.rollback()
    assert (stored(Recommendation), stored(ReviewEntry), stored(PeerScore), stored(PeerReport)) == counts


def test_team_scores_that_race_a_publication_are_refused(review, database_url):
    q = questionnaire(review)
    services.save_own_scores(review.chair, review.evaluation, q, {i: ("2", "eigen") for i in ITEMS})
    services.submit_own_scores(review.chair, review.evaluation, q)
    db.session.commit()
    meanwhile(database_url, review.evaluation.id, "published")
    with pytest.raises(DomainError, match="intussen gewijzigd"):
        services.save_team_scores(review.chair, review.evaluation, q, {"analyse": ("3", "Motivering")})
    db.session.rollback()
    assert stored(TeamScore) == 0


def _prepared(review) -> None:
    from .conftest import ready_to_publish

    ready_to_publish(review)


def test_a_reaction_that_races_a_reopening_is_refused(review, database_url):
    """The lead records the college's reaction on the corrected concept while the coordinator reopens it to the
    factual check: nothing of the reaction lands."""
    _prepared(review)
    evaluation = review.evaluation
    to_corrected(review.chair, evaluation, review.setting.lead)
    assert evaluation.status is EvaluationStatus.corrected
    meanwhile(database_url, evaluation.id, "fact_check")
    with pytest.raises(DomainError, match="intussen"):
        hearing.record_reaction(review.setting.lead, evaluation, "Te laat", app_today(), "Z/1")
    db.session.rollback()
    report = db.session.get(PeerReport, evaluation.id)
    assert (report.reaction, report.reaction_reference, report.reaction_decided_on) == ("", "", None)


REACTED_WRITES = {
    "reaction": lambda r: hearing.record_reaction(r.setting.lead, r.evaluation, "Gewijzigde reactie.", app_today(),
                                                  "Z/2"),
    "nawoord": lambda r: hearing.save_afterword(r.chair, r.evaluation, "Een nawoord na de heropening"),
}


@pytest.mark.parametrize("what", list(REACTED_WRITES))
def test_a_changed_reaction_or_a_nawoord_that_races_a_reopening_is_refused(review, database_url, what):
    _prepared(review)
    evaluation = review.evaluation
    to_reacted(review.chair, evaluation, review.setting.lead, reaction="Eerste reactie.")
    assert evaluation.status is EvaluationStatus.reacted
    meanwhile(database_url, evaluation.id, "corrected")
    with pytest.raises(DomainError, match="intussen gewijzigd"):
        REACTED_WRITES[what](review)
    db.session.rollback()
    report = db.session.get(PeerReport, evaluation.id)
    assert (report.reaction, report.reaction_reference, report.afterword) == ("Eerste reactie.", "Z/2027/123", "")


def test_a_publication_that_races_a_reopening_is_refused(review, database_url):
    _prepared(review)
    evaluation = review.evaluation
    to_reacted(review.chair, evaluation, review.setting.lead)
    meanwhile(database_url, evaluation.id, "corrected")
    with pytest.raises(DomainError, match="intussen"):
        hearing.publish(review.chair, evaluation)
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(PeerReport, evaluation.id).published_at is None
    assert evaluation.status is EvaluationStatus.corrected


@pytest.mark.parametrize("what", ["point", "answer"])
def test_a_point_or_an_answer_that_races_a_reopening_is_refused(review, database_url, what):
    from peerreview.models import FactualPoint

    _prepared(review)
    evaluation = review.evaluation
    send_concept(review.chair, evaluation)
    q = questionnaire(review)
    row = hearing.add_point(review.setting.lead, evaluation,
                            hearing.check_point_for(evaluation, q, "judgement", "Het jaartal klopt niet."))
    db.session.commit()
    version = row.version
    meanwhile(database_url, evaluation.id, "in_peer_review")
    with pytest.raises(DomainError, match="intussen gewijzigd"):
        if what == "point":
            hearing.add_point(review.setting.lead, evaluation,
                              hearing.check_point_for(evaluation, q, "strengths", "Ook dit klopt niet."))
        else:
            hearing.answer_point(review.chair, evaluation, row, "adopted", "", version)
    db.session.rollback()
    assert stored(FactualPoint) == 1
    assert db.session.get(FactualPoint, row.id).answer is None


def test_scores_submitted_in_another_window_cannot_be_changed_from_this_one(review, database_url):
    q = questionnaire(review)
    services.save_own_scores(review.member, review.evaluation, q, {i: ("2", "eerste") for i in ITEMS})
    db.session.commit()
    engine = raw_engine(database_url)
    try:
        with engine.begin() as connection:  # the other window submits
            connection.execute(text("UPDATE team_members SET scores_submitted_at = CURRENT_TIMESTAMP "
                                    "WHERE user_id = :u"), {"u": review.member.id})
    finally:
        engine.dispose()
    with pytest.raises(DomainError, match="definitief"):
        services.save_own_scores(review.member, review.evaluation, q, {"analyse": ("4", "anders")})
    db.session.rollback()
    row = db.session.scalar(select(PeerScore).where(PeerScore.reviewer_id == review.member.id,
                                                    PeerScore.item_id == "analyse"))
    assert (row.value, row.rationale) == (2, "eerste")


def test_reopening_a_review_to_draft_reopens_the_members_scores(client, auth, review):
    q = questionnaire(review)
    services.save_own_scores(review.member, review.evaluation, q, {i: ("2", "eerste") for i in ITEMS})
    services.submit_own_scores(review.member, review.evaluation, q)
    db.session.commit()
    auth.login(review.setting.coordinator)
    response = client.post(f"/evaluations/{review.evaluation.id}/reopen",
                           data={"reason": "De gemeente past thema 2 aan."})
    assert response.status_code == 302
    db.session.expire_all()
    assert review.evaluation.status is EvaluationStatus.draft
    member = db.session.scalar(select(TeamMember).where(TeamMember.user_id == review.member.id))
    assert member.scores_submitted_at is None  # to be looked at again after the gemeente's changes
    assert stored(PeerScore, reviewer_id=review.member.id) == len(ITEMS)  # kept as saved drafts


def test_an_entry_dated_before_the_round_began_is_refused(client, auth, review, today):
    auth.login(review.member)
    before = stored(ReviewEntry)
    for day in ("0001-01-01", (today - timedelta(days=400)).isoformat()):
        response = client.post(f"/evaluations/{review.evaluation.id}/review/entries/new/observation", data={
            "held_on": day, "notes": "Oud", "themes": ["analyse"], "confidentiality": "team"})
        assert response.status_code == 422
        assert "vóór het begin van de ronde" in response.get_data(as_text=True)
    assert stored(ReviewEntry) == before


def test_a_reviewer_who_declared_a_conflict_since_cannot_be_made_chair(client, auth, review):
    from peerreview.models import ConflictDeclaration

    db.session.add(ConflictDeclaration(user_id=review.member.id, municipality_id=review.evaluation.municipality_id,
                                       reason="Zwager werkt er"))
    db.session.commit()
    member = db.session.scalar(select(TeamMember).where(TeamMember.user_id == review.member.id))
    auth.login(review.setting.coordinator)
    response = client.post(f"/evaluations/{review.evaluation.id}/team/{member.id}/chair", follow_redirects=True)
    assert "kan geen voorzitter zijn" in response.get_data(as_text=True)
    db.session.expire_all()
    assert not member.is_chair
    team = client.get(f"/evaluations/{review.evaluation.id}/team").get_data(as_text=True)
    assert "Heeft een belangenconflict met deze gemeente gemeld" in team


def test_a_member_who_has_not_scored_sees_no_team_scores_on_the_overview(client, auth, review):
    q = questionnaire(review)
    services.save_own_scores(review.chair, review.evaluation, q, {i: ("2", "eigen") for i in ITEMS})
    services.submit_own_scores(review.chair, review.evaluation, q)
    services.save_team_scores(review.chair, review.evaluation, q, {i: ("3", "Petra gaf zelf een 2") for i in ITEMS})
    db.session.commit()
    auth.login(review.member)
    body = client.get(f"/evaluations/{review.evaluation.id}/review").get_data(as_text=True)
    assert "Teamscore" not in body and "Petra gaf zelf een 2" not in body
    draft = client.get(f"/evaluations/{review.evaluation.id}/review/report").get_data(as_text=True)
    assert "nadat u uw eigen scores hebt ingediend" in draft


def test_ids_and_scores_of_thousands_of_digits_are_refused_not_a_crash(client, auth, review):
    huge = "1" * 5000
    auth.login(review.setting.coordinator)
    response = client.post(f"/evaluations/{review.evaluation.id}/team", data={"user_id": huge, "capacity": "official"})
    assert response.status_code == 422 and "Kies een peer reviewer" in response.get_data(as_text=True)
    auth.logout()
    auth.login(review.member)
    response = client.post(f"/evaluations/{review.evaluation.id}/review/scores",
                           data={"action": "save", "analyse-value": huge, "analyse-rationale": "x"})
    assert response.status_code == 422 and "Kies een score van 0 tot en met 4" in response.get_data(as_text=True)
    response = client.post("/conflicts", data={"municipality_id": huge, "reason": ""})
    assert response.status_code == 422 and "Kies een gemeente uit de lijst" in response.get_data(as_text=True)


def test_a_chair_named_late_reads_no_findings_before_scoring(client, auth, review):
    q = questionnaire(review)
    services.save_own_scores(review.chair, review.evaluation, q, {i: ("2", "eigen") for i in ITEMS})
    services.submit_own_scores(review.chair, review.evaluation, q)
    services.save_team_scores(review.chair, review.evaluation, q, {i: ("3", "Geheime motivering") for i in ITEMS})
    save_judgement(review.chair, review.evaluation, "Geheim oordeel", "")
    member = db.session.scalar(select(TeamMember).where(TeamMember.user_id == review.member.id))
    services.set_chair(review.setting.coordinator, review.evaluation, member.id)
    db.session.commit()
    auth.login(review.member)
    base = f"/evaluations/{review.evaluation.id}"
    assert client.get(f"{base}/report").status_code == 403
    for path in ("/review", "/review/report", "/review/scores"):
        body = client.get(f"{base}{path}").get_data(as_text=True)
        assert "Geheime motivering" not in body and "Teamscore" not in body, path
    assert "Opslaan en indienen" in client.get(f"{base}/review/scores").get_data(as_text=True)  # still to score
