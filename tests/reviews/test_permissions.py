"""Who reaches which page of the peer review: the team while preparing (the gemeente's consensus, never the
individual answers), outsiders nowhere, the published report only for the gemeente and its own region, closing
only by the region's coordinator."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from peerreview.domain.evaluations import EvaluationStatus
from peerreview.domain.reviews import Capacity
from peerreview.domain.roles import Role
from peerreview.extensions import db
from peerreview.models import PeerReport, PeerScore, Recommendation, ReviewEntry, TeamMember
from peerreview.reviews import services

from .conftest import (
    ITEMS,
    add_entry,
    count,
    page_text,
    publish_report,
    score_all,
    submit_self_evaluation,
    write_report,
)

INDIVIDUAL = ("consensus/analyse", "consensus/profiel", "sections/analyse", "sections/keten")


@pytest.fixture
def prepared(review):
    """Beekdal submitted, with Petra (chair) and Daan in its team, the review not started yet."""
    setting = review.setting
    b = setting.evaluation_b
    submit_self_evaluation(b, setting.lead_b, value=3)
    services.add_member(setting.coordinator, b, review.chair.id, capacity=Capacity.official, as_chair=True,
                        confirmed=False)
    services.add_member(setting.coordinator, b, review.member.id, capacity=Capacity.official, as_chair=False,
                        confirmed=False)
    db.session.commit()
    assert b.status is EvaluationStatus.submitted
    return b


@pytest.fixture
def other_coordinator(create_user, create_region):
    return create_user(Role.region_coordinator, region=create_region("Regio Anders"), name="Otto Anders")


# ---------------------------------------------------------------- preparation


def test_team_members_read_the_submitted_self_evaluation(client, auth, review, prepared):
    for user in (review.chair, review.member):
        auth.login(user)
        for evaluation in (review.evaluation, prepared):  # during the review and before it starts
            response = client.get(f"/evaluations/{evaluation.id}/self-evaluation")
            assert response.status_code == 200, (user.name, evaluation.status)
            assert "Toelichting bij analyse.cijfers" in page_text(response)  # the gemeente's consensus
        auth.logout()


def test_team_members_never_see_individual_answers_nor_the_overview(client, auth, review, prepared):
    for user in (review.chair, review.member):
        auth.login(user)
        for evaluation in (review.evaluation, prepared):
            base = f"/evaluations/{evaluation.id}"
            assert client.get(base).status_code == 403
            for path in INDIVIDUAL:
                assert client.get(f"{base}/{path}").status_code == 403, path
            assert client.get(f"{base}/history").status_code == 403
        auth.logout()


def test_before_the_start_the_team_prepares_but_does_not_score(client, auth, review, prepared, today):
    base = f"/evaluations/{prepared.id}"
    auth.login(review.member)
    page = client.get(f"{base}/review")
    assert page.status_code == 200
    assert "De regiocoördinator heeft de toetsing nog niet gestart." in page_text(page)
    assert client.get(f"{base}/review/scores").status_code == 200
    response = score_all(client, prepared, dict.fromkeys(ITEMS, 2), submit=False)
    assert response.status_code == 422
    assert "Scores geven kan alleen zolang de collegiale toetsing loopt." in page_text(response)
    assert count(PeerScore, PeerScore.evaluation_id == prepared.id) == 0
    assert client.post(f"{base}/review/entries/new/observation", data={
        "held_on": today.isoformat(), "notes": "Te vroeg.", "themes": ["analyse"], "confidentiality": "team"}
    ).status_code == 422  # refused with a message, what was typed shown again
    assert count(ReviewEntry, ReviewEntry.evaluation_id == prepared.id) == 0


def test_an_outsider_peer_gets_403_on_every_review_page(client, auth, review, today):
    e = review.evaluation
    entry = add_entry(review.chair, e, "Een aantekening van het team.")
    write_report(review.chair, e, judgement="Oordeel")
    recommendation = db.session.scalar(select(Recommendation))
    base = f"/evaluations/{e.id}"
    member_id = db.session.scalar(select(TeamMember.id).where(TeamMember.user_id == review.member.id))
    gets = ["", "/self-evaluation", "/team", "/review", "/review/scores", "/review/consensus", "/review/entries",
            "/review/entries/new/interview", f"/review/entries/{entry.id}", "/review/report",
            "/review/recommendations/new", f"/review/recommendations/{recommendation.id}", "/review/publish",
            "/report", "/hearing", "/concept", "/hearing/term", *(f"/{p}" for p in INDIVIDUAL)]
    posts = {
        "/team": {"user_id": str(review.outsider.id), "capacity": "official"},
        f"/team/{member_id}/remove": {}, f"/team/{member_id}/chair": {}, "/team/start": {},
        "/review/scores": {"analyse-value": "2", "analyse-rationale": "x", "action": "save"},
        "/review/consensus": {"analyse-value": "2", "analyse-motivation": "x"},
        "/review/entries/new/observation": {"held_on": today.isoformat(), "notes": "Binnengedrongen.",
                                            "themes": ["analyse"], "confidentiality": "quotable"},
        f"/review/entries/{entry.id}": {"held_on": today.isoformat(), "notes": "Overschreven.", "themes": ["analyse"],
                                        "confidentiality": "quotable"},
        f"/review/entries/{entry.id}/delete": {},
        "/review/report": {"judgement": "Overschreven", "strengths": ""},
        "/review/recommendations/new": {"text": "Binnengedrongen advies", "themes": ["analyse"],
                                        "priority": "low", "addressee": "region"},
        f"/review/recommendations/{recommendation.id}": {"text": "Overschreven advies", "themes": ["analyse"],
                                                         "priority": "low", "addressee": "region"},
        f"/review/recommendations/{recommendation.id}/delete": {},
        "/review/concept": {"token": "", "confirmed": "y"},
        "/review/publish": {},
        "/hearing/points": {"place": "judgement", "text": "Binnengedrongen reactie"},
        "/hearing/done": {}, "/hearing/access": {"contributors": "y"}, "/hearing/correct": {},
        "/hearing/reaction": {"reaction": "Binnengedrongen reactie", "decided_on": today.isoformat(),
                              "reference": "Z/1"},
        "/hearing/no-reaction": {}, "/hearing/term": {"term_due": today.isoformat(), "reason": "Zomaar verlengd"},
        "/hearing/afterword": {"afterword": "Binnengedrongen nawoord"},
        "/close": {},
        "/reopen": {"reason": "Zomaar heropenen"},
    }
    auth.login(review.outsider)
    for path in gets:
        assert client.get(f"{base}{path}").status_code == 403, path
    for path, data in posts.items():
        assert client.post(f"{base}{path}", data=data).status_code == 403, path
    db.session.expire_all()
    assert count(TeamMember, TeamMember.evaluation_id == e.id) == 2
    assert count(PeerScore) == 0 and count(ReviewEntry) == 1 and count(Recommendation) == 1
    assert db.session.get(ReviewEntry, entry.id).notes == "Een aantekening van het team."
    assert db.session.get(PeerReport, e.id).judgement == "Oordeel"
    assert e.status is EvaluationStatus.in_peer_review


def test_the_gemeente_and_the_region_do_not_reach_the_teams_working_pages(client, auth, review,
                                                                          other_coordinator):
    setting = review.setting
    base = f"/evaluations/{review.evaluation.id}"
    for user in (setting.lead, setting.contributor, setting.coordinator, other_coordinator):
        auth.login(user)
        for path in ("/review", "/review/scores", "/review/consensus", "/review/entries", "/review/report",
                     "/review/publish", "/review/recommendations/new"):
            assert client.get(f"{base}{path}").status_code == 403, (user.name, path)
        auth.logout()


# ---------------------------------------------------------------- the published report


def test_the_report_is_for_the_gemeente_and_its_region_once_published(client, auth, review,
                                                                      other_coordinator):
    setting, e = review.setting, review.evaluation
    url = f"/evaluations/{e.id}/report"
    readers = (setting.lead, setting.contributor, setting.contributor2, setting.coordinator)
    never = (other_coordinator, review.outsider, setting.lead_b, setting.contributor_b)

    def expect(users, status: int) -> None:
        for user in users:
            auth.login(user)
            assert client.get(url).status_code == status, (user.name, e.status)
            auth.logout()

    expect(readers + never, 403)
    expect((review.chair, review.member), 403)  # the team reads the draft once their own scores are in
    publish_report(review)
    expect(readers + (review.chair, review.member), 200)
    expect(never, 403)
    auth.login(setting.coordinator)
    assert client.post(f"/evaluations/{e.id}/close").status_code == 302
    auth.logout()
    db.session.refresh(e)
    assert e.status is EvaluationStatus.closed
    expect(readers + (review.chair, review.member), 200)
    expect(never, 403)


def test_only_the_regions_coordinator_closes(client, auth, review, other_coordinator):
    setting, e = review.setting, review.evaluation
    url = f"/evaluations/{e.id}/close"
    # before publication even the coordinator cannot close
    auth.login(setting.coordinator)
    assert client.post(url).status_code == 302
    assert "Alleen een gepubliceerd rapport kan worden afgesloten." in page_text(
        client.get(f"/evaluations/{e.id}/team"))
    auth.logout()
    db.session.refresh(e)
    assert e.status is EvaluationStatus.in_peer_review
    publish_report(review)
    for user in (setting.lead, setting.contributor, review.chair, review.member, other_coordinator):
        auth.login(user)
        assert client.post(url).status_code == 403, user.name
        auth.logout()
    db.session.refresh(e)
    assert e.status is EvaluationStatus.published
    assert db.session.get(PeerReport, e.id).closed_at is None
    auth.login(setting.coordinator)
    assert client.post(url).status_code == 302
    db.session.refresh(e)
    assert e.status is EvaluationStatus.closed


def test_only_the_regions_coordinator_reopens(client, auth, review, other_coordinator):
    e = review.evaluation
    publish_report(review)
    for user in (review.setting.lead, review.chair, other_coordinator):
        auth.login(user)
        assert client.get(f"/evaluations/{e.id}/reopen").status_code == 403, user.name
        assert client.post(f"/evaluations/{e.id}/reopen", data={"reason": "Graag opnieuw bekijken"}
                           ).status_code == 403, user.name
        auth.logout()
    db.session.refresh(e)
    assert e.status is EvaluationStatus.published


def test_conflict_declarations_are_for_peer_reviewers_only(client, auth, review):
    for user in (review.setting.lead, review.setting.coordinator):
        auth.login(user)
        assert client.get("/conflicts").status_code == 403
        assert client.post("/conflicts", data={"municipality_id": str(review.setting.b.id)}).status_code == 403
        auth.logout()
    auth.login(review.outsider)
    assert client.get("/conflicts").status_code == 200
