"""The peer team, through the coordinator's page: adding reviewers, the conflict-of-interest rules (own gemeente,
declared conflicts, reciprocal review under the region's policy), crafted ids, the one chair, and starting."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from peerreview.domain.evaluations import EvaluationStatus
from peerreview.domain.reviews import Capacity, ReciprocalPolicy
from peerreview.domain.roles import Role
from peerreview.extensions import db
from peerreview.models import ConflictDeclaration, EvaluationEvent, TeamMember
from peerreview.reviews import services

from .conftest import count, page_text, submit_self_evaluation


def team_url(evaluation) -> str:
    return f"/evaluations/{evaluation.id}/team"


def add(client, evaluation, user_id, **extra):
    data = {"user_id": str(user_id), "capacity": "official", **extra}
    return client.post(team_url(evaluation), data=data)


def members_of(evaluation) -> int:
    return count(TeamMember, TeamMember.evaluation_id == evaluation.id)


def offered_ids(body: str) -> set[str]:
    """The user ids the 'Peer reviewer' select offers."""
    select_html = re.search(r'<select[^>]*name="user_id"[^>]*>(.*?)</select>', body, re.S)
    if select_html is None:  # nobody can be added: the form is left out and the page says so
        assert "Er zijn geen peer reviewers (meer) die u aan dit team kunt toevoegen" in body
        return set()
    return set(re.findall(r'<option[^>]*value="([^"]*)"', select_html.group(1))) - {""}


def membership(evaluation, user) -> TeamMember | None:
    return db.session.scalar(select(TeamMember).where(TeamMember.evaluation_id == evaluation.id,
                                                      TeamMember.user_id == user.id))


def chairs(evaluation) -> list[int]:
    return list(db.session.scalars(select(TeamMember.user_id).where(TeamMember.evaluation_id == evaluation.id,
                                                                    TeamMember.is_chair.is_(True))))


# ---------------------------------------------------------------- adding


def test_the_coordinator_adds_a_reviewer_and_it_is_recorded(client, auth, review):
    e, coordinator = review.evaluation, review.setting.coordinator
    auth.login(coordinator)
    page = client.get(team_url(e))
    assert page.status_code == 200
    assert str(review.outsider.id) in offered_ids(page.get_data(as_text=True))
    before = members_of(e)
    response = add(client, e, review.outsider.id, capacity="administrator")
    assert response.status_code == 302
    assert response.headers["Location"] == team_url(e)
    assert members_of(e) == before + 1
    row = membership(e, review.outsider)
    assert row is not None and row.capacity is Capacity.administrator and not row.is_chair
    assert row.added_by_id == coordinator.id and row.confirmed_warnings == ""
    event = db.session.scalar(select(EvaluationEvent).where(
        EvaluationEvent.evaluation_id == e.id, EvaluationEvent.kind == "team_member_added",
        EvaluationEvent.subject == f"user:{review.outsider.id}"))
    assert event is not None and event.actor_id == coordinator.id and event.at is not None
    body = page_text(client.get(team_url(e)))
    assert "Olaf Outsider" in body and "is toegevoegd aan het peer team van Aadorp" in body
    assert str(review.outsider.id) not in offered_ids(body)  # a member is not offered again


def test_a_reviewer_of_the_evaluated_gemeente_itself_is_refused(client, auth, review, create_user):
    e = review.evaluation
    own = create_user(Role.peer_reviewer, municipality=review.setting.a, name="Eva Eigen")
    auth.login(review.setting.coordinator)
    page = client.get(team_url(e))
    assert page.status_code == 200
    assert str(own.id) not in offered_ids(page.get_data(as_text=True))
    before = members_of(e)
    response = add(client, e, own.id)  # crafted: the select does not offer her
    assert response.status_code == 422
    assert "Eva Eigen werkt voor Aadorp zelf; niemand toetst de eigen gemeente." in page_text(response)
    assert members_of(e) == before and membership(e, own) is None
    # confirming does not help: this is a refusal, not a warning
    assert add(client, e, own.id, confirmed="y").status_code == 422
    assert members_of(e) == before


def test_a_declared_conflict_keeps_the_reviewer_out_and_the_page_says_why(client, auth, review):
    e, olaf = review.evaluation, review.outsider
    auth.login(olaf)
    assert client.get("/conflicts").status_code == 200
    response = client.post("/conflicts", data={"municipality_id": str(review.setting.a.id),
                                               "reason": "Mijn partner werkt bij Aadorp"})
    assert response.status_code == 302
    declaration = db.session.scalar(select(ConflictDeclaration).where(ConflictDeclaration.user_id == olaf.id))
    assert declaration is not None and declaration.municipality_id == review.setting.a.id
    auth.logout()
    auth.login(review.setting.coordinator)
    explanation = "Olaf Outsider heeft een belangenconflict met Aadorp gemeld (Mijn partner werkt bij Aadorp)."
    page = client.get(team_url(e))
    assert page.status_code == 200
    assert explanation in page_text(page)
    assert str(olaf.id) not in offered_ids(page.get_data(as_text=True))
    before = members_of(e)
    for extra in ({}, {"confirmed": "y"}):
        response = add(client, e, olaf.id, **extra)
        assert response.status_code == 422
        assert explanation in page_text(response)
        assert members_of(e) == before and membership(e, olaf) is None


def test_only_the_reviewer_withdraws_their_declaration_and_can_then_be_added(client, auth, review):
    e, olaf = review.evaluation, review.outsider
    auth.login(olaf)
    assert client.post("/conflicts", data={"municipality_id": str(review.setting.a.id), "reason": ""}
                       ).status_code == 302
    declaration = db.session.scalar(select(ConflictDeclaration))
    auth.logout()
    auth.login(review.member)
    assert client.post(f"/conflicts/{declaration.id}/withdraw").status_code == 404
    assert count(ConflictDeclaration) == 1
    auth.logout()
    auth.login(olaf)
    assert client.post(f"/conflicts/{declaration.id}/withdraw").status_code == 302
    assert count(ConflictDeclaration) == 0
    auth.logout()
    auth.login(review.setting.coordinator)
    assert add(client, e, olaf.id).status_code == 302
    assert membership(e, olaf) is not None


def test_a_reviewer_cannot_declare_a_conflict_with_a_gemeente_outside_their_regions(
        client, auth, review, create_region, create_municipality):
    other = create_municipality("Verweg", region=create_region("Regio Ver"))
    auth.login(review.outsider)
    response = client.post("/conflicts", data={"municipality_id": str(other.id), "reason": ""})
    assert response.status_code == 422
    assert "Kies een gemeente uit de lijst." in page_text(response)
    assert count(ConflictDeclaration) == 0


def test_a_member_who_declares_a_conflict_afterwards_is_flagged_to_the_coordinator(client, auth, review):
    auth.login(review.member)
    assert client.post("/conflicts", data={"municipality_id": str(review.setting.a.id), "reason": ""}
                       ).status_code == 302
    auth.logout()
    auth.login(review.setting.coordinator)
    page = client.get(team_url(review.evaluation))
    assert page.status_code == 200
    assert "Heeft een belangenconflict met deze gemeente gemeld. Haal deze reviewer uit het team." in page_text(page)


# ---------------------------------------------------------------- reciprocal review


@pytest.fixture
def reciprocal(review, create_user):
    """Beekdal submitted too, with a peer of Aadorp (Anne) in its team; Bas is a peer of Beekdal."""
    setting = review.setting
    submit_self_evaluation(setting.evaluation_b, setting.lead_b)
    anne = create_user(Role.peer_reviewer, municipality=setting.a, name="Anne Aadorp")
    bas = create_user(Role.peer_reviewer, municipality=setting.b, name="Bas Beekdal")
    services.add_member(setting.coordinator, setting.evaluation_b, anne.id, capacity=Capacity.official,
                        as_chair=True, confirmed=False)
    db.session.commit()
    return bas


WARNING = "Wederzijdse toetsing: Beekdal wordt in deze ronde getoetst door een team met iemand van Aadorp."


def test_reciprocal_review_warns_and_adds_only_after_confirmation(client, auth, review, reciprocal):
    e, bas = review.evaluation, reciprocal
    assert review.setting.region.reciprocal_review is ReciprocalPolicy.warn  # the default
    auth.login(review.setting.coordinator)
    before = members_of(e)
    response = add(client, e, bas.id)
    assert response.status_code == 422
    body = page_text(response)
    assert WARNING in body and "De regio staat dat toe na bevestiging." in body
    assert 'name="confirmed"' in body  # the confirmation box is offered now
    assert members_of(e) == before and membership(e, bas) is None
    response = add(client, e, bas.id, confirmed="y")
    assert response.status_code == 302
    assert members_of(e) == before + 1
    row = membership(e, bas)
    assert row is not None and WARNING in row.confirmed_warnings
    event = db.session.scalar(select(EvaluationEvent).where(
        EvaluationEvent.evaluation_id == e.id, EvaluationEvent.kind == "team_member_added",
        EvaluationEvent.subject == f"user:{bas.id}"))
    assert event is not None and any(WARNING in w for w in event.details["warnings"])
    assert "Toegevoegd na bevestiging" in page_text(client.get(team_url(e)))


def test_reciprocal_review_is_refused_when_the_region_forbids_it(client, auth, review, reciprocal):
    e, bas, region = review.evaluation, reciprocal, review.setting.region
    auth.login(review.setting.coordinator)
    assert client.get(f"/regions/{region.id}/review-rules").status_code == 200
    response = client.post(f"/regions/{region.id}/review-rules", data={"reciprocal_review": "refuse"})
    assert response.status_code == 302
    db.session.refresh(region)
    assert region.reciprocal_review is ReciprocalPolicy.refuse
    before = members_of(e)
    for extra in ({}, {"confirmed": "y"}):
        response = add(client, e, bas.id, **extra)
        assert response.status_code == 422
        assert "De regio staat dat niet toe." in page_text(response)
        assert members_of(e) == before and membership(e, bas) is None


def test_review_rules_refuse_an_unknown_policy_and_outsiders(client, auth, review):
    region = review.setting.region
    auth.login(review.setting.coordinator)
    response = client.post(f"/regions/{region.id}/review-rules", data={"reciprocal_review": "sometimes"})
    assert response.status_code == 422
    assert "Kies waarschuwen of weigeren." in page_text(response)
    db.session.refresh(region)
    assert region.reciprocal_review is ReciprocalPolicy.warn
    auth.logout()
    for user in (review.setting.lead, review.chair):
        auth.login(user)
        assert client.post(f"/regions/{region.id}/review-rules",
                           data={"reciprocal_review": "refuse"}).status_code == 403
        auth.logout()
    db.session.refresh(region)
    assert region.reciprocal_review is ReciprocalPolicy.warn


# ---------------------------------------------------------------- crafted ids


def test_crafted_ids_of_non_peers_outsiders_and_nobody_are_refused(client, auth, review, create_user,
                                                                  create_region, create_municipality):
    e, setting = review.evaluation, review.setting
    far_region = create_region("Regio Ver")
    far = create_user(Role.peer_reviewer, municipality=create_municipality("Verweg", region=far_region),
                      name="Vera Verweg")
    auth.login(setting.coordinator)
    before = members_of(e)
    for user_id in (setting.lead_b.id, setting.contributor.id, setting.coordinator.id, far.id):
        response = add(client, e, user_id, confirmed="y")
        assert response.status_code == 422, user_id
        assert members_of(e) == before
    for unknown in (999_999, 2**31, 10**30, -1):
        response = add(client, e, unknown)
        assert response.status_code == 422
        assert "Kies een peer reviewer" in page_text(response)
    response = add(client, e, "abc")
    assert response.status_code == 422
    assert "Kies een peer reviewer." in page_text(response)
    response = add(client, e, review.member.id)  # already in the team
    assert response.status_code == 422
    assert members_of(e) == before


@pytest.mark.parametrize("who", ["non_peer", "other_region"])
def test_the_refusal_of_a_crafted_id_is_explained(client, auth, review, create_user, create_region,
                                                  create_municipality, who):
    e, setting = review.evaluation, review.setting
    if who == "non_peer":
        user_id, message = setting.lead_b.id, "Bert Beekdal heeft niet de rol peer reviewer."
    else:
        far = create_user(Role.peer_reviewer, name="Vera Verweg",
                          municipality=create_municipality("Verweg", region=create_region("Regio Ver")))
        # said without the name: trying ids must not tell a coordinator who works elsewhere
        user_id, message = far.id, "alleen peer reviewers van de gemeenten in deze regio"
    auth.login(setting.coordinator)
    response = add(client, e, user_id)
    assert response.status_code == 422
    assert message in page_text(response)
    if who == "other_region":
        assert "Vera Verweg" not in page_text(response)


def test_only_the_coordinator_of_the_region_forms_the_team(client, auth, review, create_user,
                                                           create_region):
    e = review.evaluation
    other_coordinator = create_user(Role.region_coordinator, region=create_region("Regio Anders"))
    member = membership(e, review.member)
    before = members_of(e)
    for user in (review.setting.lead, review.chair, review.outsider, other_coordinator):
        auth.login(user)
        assert add(client, e, review.outsider.id).status_code == 403
        assert client.post(f"{team_url(e)}/{member.id}/remove").status_code == 403
        assert client.post(f"{team_url(e)}/{member.id}/chair").status_code == 403
        auth.logout()
    assert members_of(e) == before and chairs(e) == [review.chair.id]
    # the team sees who is in it; the gemeente and outsiders do not
    for user, status in ((review.chair, 200), (review.member, 200), (review.setting.lead, 403),
                         (review.outsider, 403), (other_coordinator, 403)):
        auth.login(user)
        assert client.get(team_url(e)).status_code == status, user.name
        auth.logout()


# ---------------------------------------------------------------- the chair


def test_there_is_only_one_chair(client, auth, review):
    e = review.evaluation
    auth.login(review.setting.coordinator)
    assert chairs(e) == [review.chair.id]
    assert add(client, e, review.outsider.id, as_chair="y").status_code == 302
    assert chairs(e) == [review.outsider.id]
    daan = membership(e, review.member)
    response = client.post(f"{team_url(e)}/{daan.id}/chair")
    assert response.status_code == 302
    assert chairs(e) == [review.member.id]
    event = db.session.scalar(select(EvaluationEvent).where(EvaluationEvent.evaluation_id == e.id,
                                                            EvaluationEvent.kind == "chair_set")
                              .order_by(EvaluationEvent.id.desc()))
    assert event is not None and event.subject == f"user:{review.member.id}"
    assert event.actor_id == review.setting.coordinator.id
    assert "Daan Deskundige is nu voorzitter van het peer team." in page_text(client.get(team_url(e)))


def test_a_member_of_another_team_cannot_be_made_chair_here(client, auth, review, reciprocal):
    e = review.evaluation
    foreign = db.session.scalar(select(TeamMember).where(
        TeamMember.evaluation_id == review.setting.evaluation_b.id))
    auth.login(review.setting.coordinator)
    response = client.post(f"{team_url(e)}/{foreign.id}/chair")
    assert response.status_code == 302
    assert "Dit teamlid hoort niet bij dit peer team." in page_text(client.get(team_url(e)))
    assert chairs(e) == [review.chair.id]
    db.session.refresh(foreign)
    assert foreign.evaluation_id == review.setting.evaluation_b.id


def test_the_chair_cannot_be_removed_during_the_review_but_a_member_can(client, auth, review):
    e = review.evaluation
    auth.login(review.setting.coordinator)
    chair, member = membership(e, review.chair), membership(e, review.member)
    response = client.post(f"{team_url(e)}/{chair.id}/remove")
    assert response.status_code == 302
    assert "Petra Peer is voorzitter. Wijs eerst een andere voorzitter aan." in page_text(client.get(team_url(e)))
    assert members_of(e) == 2 and chairs(e) == [review.chair.id]
    assert client.post(f"{team_url(e)}/{member.id}/remove").status_code == 302
    assert members_of(e) == 1 and membership(e, review.member) is None
    assert db.session.scalar(select(EvaluationEvent.actor_id).where(
        EvaluationEvent.evaluation_id == e.id, EvaluationEvent.kind == "team_member_removed")) == \
        review.setting.coordinator.id


# ---------------------------------------------------------------- starting


def test_starting_the_review_needs_a_chair(client, auth, review):
    setting = review.setting
    b = setting.evaluation_b
    submit_self_evaluation(b, setting.lead_b)
    auth.login(setting.coordinator)
    assert add(client, b, review.member.id).status_code == 302  # Daan, not as chair
    page = client.get(team_url(b))
    assert page.status_code == 200
    assert "Wijs een voorzitter aan; daarna kunt u de collegiale toetsing starten." in page_text(page)
    response = client.post(f"{team_url(b)}/start")
    assert response.status_code == 302
    assert "Wijs eerst een voorzitter van het peer team aan." in page_text(client.get(team_url(b)))
    db.session.refresh(b)
    assert b.status is EvaluationStatus.submitted
    assert count(EvaluationEvent, EvaluationEvent.evaluation_id == b.id,
                 EvaluationEvent.kind == "review_started") == 0
    daan = membership(b, review.member)
    assert client.post(f"{team_url(b)}/{daan.id}/chair").status_code == 302
    assert client.post(f"{team_url(b)}/start").status_code == 302
    db.session.refresh(b)
    assert b.status is EvaluationStatus.in_peer_review
    event = db.session.scalar(select(EvaluationEvent).where(EvaluationEvent.evaluation_id == b.id,
                                                            EvaluationEvent.kind == "review_started"))
    assert event is not None and event.actor_id == setting.coordinator.id and event.at is not None
    assert event.details == {"from": "submitted", "to": "in_peer_review"}
    # starting twice is refused and changes nothing
    assert client.post(f"{team_url(b)}/start").status_code == 302
    db.session.refresh(b)
    assert b.status is EvaluationStatus.in_peer_review
    assert count(EvaluationEvent, EvaluationEvent.evaluation_id == b.id,
                 EvaluationEvent.kind == "review_started") == 1


def test_no_team_before_the_self_evaluation_is_submitted(client, auth, review):
    b = review.setting.evaluation_b  # still a draft
    auth.login(review.setting.coordinator)
    page = client.get(team_url(b))
    assert page.status_code == 200
    assert "Het peer team kan worden samengesteld zodra de zelfevaluatie is ingediend" in page_text(page)
    assert add(client, b, review.outsider.id).status_code == 422
    assert members_of(b) == 0
    assert client.post(f"{team_url(b)}/start").status_code == 302
    db.session.refresh(b)
    assert b.status is EvaluationStatus.draft
