"""Who reads and who edits a plan, through the pages: the gemeente's lead and contributors edit; the peer team and
the region read; other gemeenten and peers outside the team see nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from peerreview.domain.roles import Role
from peerreview.models import ImprovementAction, PlanTarget
from tests.reviews.conftest import count

from .conftest import add_action


def readers(plan, create_user):
    s = plan.setting
    admin = create_user(Role.admin, name="Anna Beheer")
    return {"lead": s.lead, "contributor": s.contributor, "chair": plan.chair, "member": plan.review.member,
            "coordinator": s.coordinator, "admin": admin}


def outsiders(plan, create_user, create_region):
    s = plan.setting
    other_coordinator = create_user(Role.region_coordinator, region=create_region("Andere regio"), name="Otto")
    peer_from_aadorp = create_user(Role.peer_reviewer, municipality=s.a, name="Piet Aadorp")
    return {"lead of Beekdal": s.lead_b, "contributor of Beekdal": s.contributor_b,
            "peer outside the team": plan.review.outsider, "other region": other_coordinator,
            "peer reviewer working at Aadorp": peer_from_aadorp}


PAGES = ["/plan", "/plan/actions/{a}", "/report"]


@pytest.mark.parametrize("who", ["lead", "contributor", "chair", "member", "coordinator", "admin"])
def test_the_gemeente_the_team_and_the_region_read_the_plan(client, auth, plan, create_user, who):
    row = add_action(plan)
    auth.login(readers(plan, create_user)[who])
    for page in PAGES:
        response = client.get(f"/evaluations/{plan.evaluation.id}" + page.format(a=row.id))
        assert response.status_code == 200, page
        assert "Veiligheidsplan opstellen" in response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["lead of Beekdal", "contributor of Beekdal", "peer outside the team", "other region",
                                 "peer reviewer working at Aadorp"])
def test_other_gemeenten_and_outsiders_see_nothing(client, auth, plan, create_user, create_region, who):
    row = add_action(plan)
    auth.login(outsiders(plan, create_user, create_region)[who])
    base = f"/evaluations/{plan.evaluation.id}/plan"
    for page in ("", f"/actions/{row.id}", "/actions/new", f"/actions/{row.id}/edit", "/targets", "/review"):
        response = client.get(base + page)
        assert response.status_code == 403, page
        assert "Veiligheidsplan opstellen" not in response.get_data(as_text=True)
    assert client.post(base + "/actions/new", data={"title": "Ingebroken"}).status_code == 403
    assert client.post(base + f"/actions/{row.id}/status", data={"status": "done"}).status_code == 403


@pytest.mark.parametrize("who", ["chair", "member", "coordinator", "admin"])
def test_readers_who_are_not_the_gemeente_cannot_change_it(client, auth, plan, create_user, who, today):
    row = add_action(plan)
    auth.login(readers(plan, create_user)[who])
    base = f"/evaluations/{plan.evaluation.id}/plan"
    form = {"title": "Van buiten", "recommendations": [str(plan.recommendations[0].id)], "owner": "X",
            "owner_kind": "internal", "start_on": today.isoformat(),
            "due_on": (today + timedelta(days=1)).isoformat()}
    assert client.get(base + "/actions/new").status_code == 403
    assert client.post(base + "/actions/new", data=form).status_code == 403
    assert client.post(base + f"/actions/{row.id}/edit", data=form).status_code == 403
    assert client.post(base + f"/actions/{row.id}/status", data={"status": "done"}).status_code == 403
    assert client.post(base + f"/actions/{row.id}/notes", data={"noted_on": today.isoformat(),
                                                               "text": "x"}).status_code == 403
    assert client.post(base + "/targets", data={"target-analyse": "2"}).status_code == 403
    assert count(ImprovementAction) == 1 and count(PlanTarget) == 0
    page = client.get(base).get_data(as_text=True)
    assert "Actie toevoegen" not in page and "Nieuwe actie" not in page


def test_the_gemeente_sees_its_plan_from_the_start_page_and_the_overview(client, auth, plan):
    auth.login(plan.lead)
    link = f'href="/evaluations/{plan.evaluation.id}/plan"'
    assert link in client.get("/start").get_data(as_text=True)
    assert link in client.get(f"/evaluations/{plan.evaluation.id}").get_data(as_text=True)
