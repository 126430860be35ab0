"""Opening a round: the coordinator's form, its rules, and what it creates."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from peerreview.domain.evaluations import EvaluationStatus
from peerreview.domain.roles import Role
from peerreview.extensions import db
from peerreview.models import Evaluation, EvaluationEvent, QuestionnaireVersion, Round
from tests.conftest import app_today


def form(municipalities, **overrides) -> dict:
    today = app_today()
    data = {
        "name": "Collegiale toets 2027", "year": str(today.year + 1), "questionnaire": "minimal/1",
        "self_evaluation_due": (today + timedelta(days=60)).isoformat(),
        "peer_review_due": (today + timedelta(days=120)).isoformat(),
        "plan_due": (today + timedelta(days=200)).isoformat(),
        "municipality_ids": [str(m.id) for m in municipalities],
    }
    data.update(overrides)
    return data


def test_a_coordinator_opens_a_round_for_chosen_members(client, login_as, create_region, create_municipality):
    region = create_region("Regio Noord")
    a = create_municipality("Aadorp", region=region)
    b = create_municipality("Beekdal", region=region)
    create_municipality("Cederveen", region=region)
    coordinator = login_as(Role.region_coordinator, region=region)
    page = client.get("/rounds/new")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Aadorp" in body and "Cederveen" in body and "versie 1" in body
    response = client.post("/rounds/new", data=form([a, b]))
    assert response.status_code == 302
    round_ = db.session.scalar(select(Round))
    assert response.headers["Location"] == f"/rounds/{round_.id}"
    assert (round_.name, round_.region_id, round_.questionnaire_key, round_.questionnaire_version) == (
        "Collegiale toets 2027", region.id, "minimal", "1")
    assert len(round_.questionnaire_hash) == 64 and round_.created_by_id == coordinator.id
    evaluations = db.session.scalars(select(Evaluation).order_by(Evaluation.municipality_id)).all()
    assert [(e.municipality_id, e.status) for e in evaluations] == [
        (a.id, EvaluationStatus.draft), (b.id, EvaluationStatus.draft)]
    assert db.session.scalar(select(QuestionnaireVersion.content_hash)) == round_.questionnaire_hash
    assert db.session.scalar(select(func.count()).select_from(EvaluationEvent)
                             .where(EvaluationEvent.kind == "created")) == 2
    detail = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert "Aadorp" in detail and "Beekdal" in detail and "Cederveen" not in detail
    assert "Collegiale toets 2027" in client.get("/rounds/").get_data(as_text=True)
    assert "Collegiale toets 2027" in client.get("/start").get_data(as_text=True)


def test_the_round_form_explains_every_problem_and_saves_nothing(client, login_as, create_region,
                                                                  create_municipality, today):
    region = create_region()
    a = create_municipality(region=region)
    outsider = create_municipality()  # not a member of this region
    login_as(Role.region_coordinator, region=region)
    cases = [
        (form([a], name=""), "Geef de ronde een naam"),
        (form([a], year="1999"), "tussen 2000 en 2100"),
        (form([a], year="twintig"), "tussen 2000 en 2100"),
        (form([a], questionnaire="minimal/2"), "Kies een vragenlijst uit de lijst"),  # a draft is not offered
        (form([a], self_evaluation_due="morgen"), "Ongeldige datum"),
        (form([a], self_evaluation_due=(today - timedelta(days=1)).isoformat()), "in het verleden"),
        (form([a], peer_review_due=today.isoformat()), "niet vóór de deadline van de zelfevaluatie"),
        (form([a], plan_due=(today + timedelta(days=61)).isoformat()), "verbeterplan"),
        (form([]), "minstens één gemeente"),
        (form([a, outsider]), "alleen gemeenten die lid zijn"),
        (form([a], municipality_ids=["x"]), "Ongeldige keuze"),
    ]
    for data, message in cases:
        response = client.post("/rounds/new", data=data)
        body = response.get_data(as_text=True)
        assert response.status_code == 422, (message, response.status_code)
        assert message in body, message
    assert db.session.scalar(select(func.count()).select_from(Round)) == 0
    assert db.session.scalar(select(func.count()).select_from(QuestionnaireVersion)) == 0


def test_round_names_are_unique_within_a_region(client, login_as, create_region, create_municipality):
    region = create_region()
    a = create_municipality(region=region)
    login_as(Role.region_coordinator, region=region)
    assert client.post("/rounds/new", data=form([a])).status_code == 302
    response = client.post("/rounds/new", data=form([a], name="  Collegiale   toets 2027 "))
    assert response.status_code == 422
    assert "al een ronde met deze naam" in response.get_data(as_text=True)


def test_who_may_open_and_see_rounds(client, auth, setting, create_user, create_region):
    other_coordinator = create_user(Role.region_coordinator, region=create_region("Regio Zuid"))
    admin = create_user(Role.admin)
    round_url = f"/rounds/{setting.round.id}"
    expectations = [
        (setting.coordinator, {"/rounds/": 200, "/rounds/new": 200, round_url: 200}),
        (other_coordinator, {"/rounds/": 200, "/rounds/new": 200, round_url: 403}),
        (admin, {"/rounds/": 200, "/rounds/new": 403, round_url: 200}),
        (setting.lead, {"/rounds/": 403, "/rounds/new": 403, round_url: 403}),
        (setting.contributor, {"/rounds/": 403, "/rounds/new": 403, round_url: 403}),
        (setting.peer, {"/rounds/": 403, "/rounds/new": 403, round_url: 403}),
    ]
    for user, urls in expectations:
        auth.login(user)
        for url, status in urls.items():
            assert client.get(url).status_code == status, (user.name, url)
        auth.logout()
    assert "Ronde 2027" not in _rounds_page(client, auth, other_coordinator)
    assert client.get("/rounds/999999").status_code in (302, 404)


def _rounds_page(client, auth, user) -> str:
    auth.login(user)
    body = client.get("/rounds/").get_data(as_text=True)
    auth.logout()
    return body


def test_the_round_page_marks_overdue_members_and_its_query_count_is_constant(
        client, auth, setting, create_municipality, count_queries, today):
    auth.login(setting.coordinator)
    setting.round.self_evaluation_due = today - timedelta(days=1)
    setting.round.peer_review_due = today
    setting.round.plan_due = today
    db.session.commit()
    body = client.get(f"/rounds/{setting.round.id}").get_data(as_text=True)
    assert "te laat" in body and "2 gemeente(n) lopen achter op een deadline" in body
    with count_queries() as few:
        client.get(f"/rounds/{setting.round.id}")
    for n in range(8):
        m = create_municipality(f"Extra {n}", region=setting.region)
        db.session.add(Evaluation(round_id=setting.round.id, municipality_id=m.id))
    db.session.commit()
    with count_queries() as many:
        assert client.get(f"/rounds/{setting.round.id}").status_code == 200
    assert many.count == few.count


def test_a_region_that_ran_a_round_cannot_be_deleted(client, auth, setting, create_user):
    from peerreview.models import Region

    db.session.delete(setting.coordinator)  # coordinators no longer block; the round does
    db.session.commit()
    auth.login(create_user(Role.admin))
    page = client.get(f"/admin/regions/{setting.region.id}/delete").get_data(as_text=True)
    assert "1 ronde gehouden" in page
    response = client.post(f"/admin/regions/{setting.region.id}/delete")
    assert response.status_code in (200, 422) and "ronde gehouden" in response.get_data(as_text=True)
    assert db.session.get(Region, setting.region.id) is not None
