"""The permission matrix: every rule of the URL map, requested by every actor, checked against one declared table.

The table is ``permission_matrix.MATRIX`` (who may do what, per endpoint and method); its docstring describes the
actors, the targets and how the answers are written. This test builds one world (region Noord with a round in which
one evaluation stands in every stage, a previous round, and region Zuid with its own coordinator and gemeente),
fills every URL's arguments with the objects of each case, requests it as every actor, and fails with one list of
every mismatch: a wrong answer, a 500, a rule without an entry, an entry without a rule.

Order: every GET first, then the POSTs, the ``destructive`` ones last (they close, start, apply, withdraw, log out);
deletions work on a fresh object for every request. One world for the whole run keeps it quick (well under a
minute); it runs on PostgreSQL too (``db``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from peerreview.domain.evaluations import AnswerData, EvaluationStatus, RoundDates
from peerreview.domain.plans import check_action
from peerreview.domain.reviews import Addressee, Capacity, Priority, check_recommendation
from peerreview.domain.roles import Role
from peerreview.evaluation.team import recommendations as recommendations_of
from peerreview.evaluations.rounds import RoundInput, open_round
from peerreview.evaluations.workbook import export_workbook, preview_import
from peerreview.extensions import db
from peerreview.models import (
    ConsensusAnswer,
    Evaluation,
    PeerReport,
    Recommendation,
    RecommendationTheme,
    Round,
    TeamMember,
    TeamScore,
    User,
)
from peerreview.models.types import utcnow
from peerreview.plans import services as plan_services
from peerreview.questionnaire_registry import get_questionnaire, record_use
from peerreview.reviews import hearing
from peerreview.reviews import services as review_services
from peerreview.reviews.report import add_recommendation, close
from tests.conftest import PASSWORD, app_today
from tests.reviews.conftest import (
    ITEMS,
    QUESTIONS,
    add_entry,
    give_scores,
    questionnaire_of,
    set_team_scores,
    submit_self_evaluation,
    write_report,
)
from tests.support.hearing import publish_after_hearing, send_concept, to_reacted

from .permission_matrix import ACTORS, LOGIN, MATRIX

pytestmark = pytest.mark.db

STAGES = ("draft", "submitted", "review", "fact_check", "corrected", "reacted", "published", "closed")


@pytest.fixture
def app_config() -> dict:
    return {"RATELIMIT_ENABLED": False}


# ---------------------------------------------------------------- the world


@dataclass
class World:
    region_id: int
    round_id: int
    evaluations: dict[str, int]  # target -> evaluation id
    own_users: dict[str, tuple[int, int]]  # target -> (lead id, contributor id)
    users: dict[str, int]  # the other actors -> user id
    actions: dict[str, int] = field(default_factory=dict)
    entries: dict[str, int] = field(default_factory=dict)
    recommendations: dict[str, int] = field(default_factory=dict)
    points: dict[str, int] = field(default_factory=dict)
    spare: dict[str, int] = field(default_factory=dict)
    chair_membership: int = 0
    pending_import: int = 0
    declaration: int = 0

    def user_id(self, actor: str, target: str) -> int | None:
        if actor == "anonymous":
            return None
        if actor in ("lead", "contributor"):
            return self.own_users[target][0 if actor == "lead" else 1]
        return self.users[actor]

    def evaluation(self, target: str) -> Evaluation:
        return db.session.get(Evaluation, self.evaluations[target])


def _add_action(evaluation: Evaluation, lead_id: int) -> int:
    recommendations = recommendations_of(evaluation)
    today = app_today()
    data = check_action(
        questionnaire_of(evaluation), title="Veiligheidsplan opstellen", description="", owner="Coördinator",
        owner_kind="internal", start_on=today - timedelta(days=10), due_on=today + timedelta(days=30),
        recommendation_ids=[str(recommendations[0].id)], section_ids=[],
        recommendations=plan_services.recommendation_themes(recommendations))
    row = plan_services.add_action(db.session.get(User, lead_id), evaluation, data)
    db.session.commit()
    return row.id


def _add_point(evaluation: Evaluation, lead: User) -> int:
    row = hearing.add_point(lead, evaluation, hearing.check_point_for(
        evaluation, questionnaire_of(evaluation), "judgement", "Het jaartal van het veiligheidsplan klopt niet."))
    db.session.commit()
    return row.id


def _start_review(evaluation: Evaluation, lead, chair, member, coordinator) -> None:
    """Submitted by its lead, a team of the chair and the member, the review started."""
    submit_self_evaluation(evaluation, lead)
    review_services.add_member(coordinator, evaluation, chair.id, capacity=Capacity.administrator, as_chair=True,
                               confirmed=True)
    review_services.add_member(coordinator, evaluation, member.id, capacity=Capacity.official, as_chair=False,
                               confirmed=True)
    review_services.start_review(coordinator, evaluation)
    db.session.commit()


def _previous_round(region_id: int, municipality_id: int, coordinator_id: int, chair_id: int, lead_id: int) -> int:
    """Dijkstad's evaluation of two years ago, written straight into the database: published, plan period over."""
    questionnaire = get_questionnaire("minimal", "1")
    record_use(questionnaire)
    today = app_today()
    round_ = Round(region_id=region_id, name="Ronde vorige", year=today.year - 2, questionnaire_key="minimal",
                   questionnaire_version="1", questionnaire_hash=questionnaire.content_hash,
                   self_evaluation_due=today - timedelta(days=700), peer_review_due=today - timedelta(days=650),
                   plan_due=today - timedelta(days=400), created_by_id=coordinator_id,
                   created_at=utcnow() - timedelta(days=730))
    db.session.add(round_)
    db.session.flush()
    evaluation = Evaluation(round_id=round_.id, municipality_id=municipality_id, status=EvaluationStatus.published,
                            submitted_at=utcnow() - timedelta(days=700), submitted_by_id=lead_id,
                            created_at=utcnow() - timedelta(days=730))
    db.session.add(evaluation)
    db.session.flush()
    for index, qid in enumerate(QUESTIONS):
        row = ConsensusAnswer(evaluation_id=evaluation.id, question_id=qid, updated_by_id=lead_id)
        row.set_data(AnswerData(value=index % 5, explanation="Toelichting"))
        db.session.add(row)
    db.session.add(TeamMember(evaluation_id=evaluation.id, user_id=chair_id, is_chair=True,
                              capacity=Capacity.official, scores_submitted_at=utcnow() - timedelta(days=660)))
    for index, item in enumerate(ITEMS):
        db.session.add(TeamScore(evaluation_id=evaluation.id, item_id=item, value=index % 5, motivation="Motivering"))
    db.session.add(PeerReport(evaluation_id=evaluation.id, judgement="Oordeel", strengths="Sterk",
                              published_at=utcnow() - timedelta(days=640)))
    db.session.add(Recommendation(evaluation_id=evaluation.id, position=1, text="Maak een veiligheidsplan.",
                                  priority=Priority.high, addressee=Addressee.municipality,
                                  themes=[RecommendationTheme(section_id="analyse")]))
    db.session.commit()
    return evaluation.id


def build_world(create_region, create_municipality, create_user) -> World:
    noord = create_region("Regio Noord")
    zuid = create_region("Regio Zuid")
    names = {"draft": "Aadorp", "submitted": "Beekdal", "review": "Cederveen", "published": "Dijkstad",
             "closed": "Eemwoude", "fact_check": "Gansdorp", "corrected": "Hoorndijk", "reacted": "IJsselveen"}
    gemeenten = {stage: create_municipality(name, region=noord) for stage, name in names.items()}
    fortdorp = create_municipality("Fortdorp", region=noord)
    peerhuizen = create_municipality("Peerhuizen", region=noord)
    spare_gemeente = create_municipality("Reservedorp", region=noord)
    zuiddorp = create_municipality("Zuiddorp", region=zuid)

    coordinator = create_user(Role.region_coordinator, region=noord, name="Coby Coördinator")
    own_users = {stage: (create_user(Role.municipal_lead, municipality=m, name=f"Trekker {m.name}").id,
                         create_user(Role.municipal_contributor, municipality=m, name=f"Bijdrager {m.name}").id)
                 for stage, m in gemeenten.items()}
    own_users["previous"] = own_users["published"]
    chair = create_user(Role.peer_reviewer, municipality=peerhuizen, name="Petra Voorzitter")
    member = create_user(Role.peer_reviewer, municipality=peerhuizen, name="Daan Lid")
    spare_peer = create_user(Role.peer_reviewer, municipality=peerhuizen, name="Rik Reserve")
    users = {
        "admin": create_user(Role.admin, name="Bea Beheer").id,
        "coordinator": coordinator.id,
        "coordinator_other_region": create_user(Role.region_coordinator, region=zuid, name="Zeno Zuid").id,
        "lead_other_gemeente": create_user(Role.municipal_lead, municipality=fortdorp, name="Frits Fortdorp").id,
        "contributor_other_gemeente": create_user(Role.municipal_contributor, municipality=fortdorp,
                                                  name="Femke Fortdorp").id,
        "lead_other_region": create_user(Role.municipal_lead, municipality=zuiddorp, name="Zoë Zuiddorp").id,
        "chair": chair.id,
        "member": member.id,
        "peer_other": create_user(Role.peer_reviewer, municipality=peerhuizen, name="Olaf Buiten").id,
    }
    spare_user = create_user(Role.municipal_contributor, municipality=gemeenten["draft"], password=None,
                             name="Nog Niet Geactiveerd")

    today = app_today()
    dates = RoundDates(today + timedelta(days=30), today + timedelta(days=90), today + timedelta(days=180))
    round_ = open_round(coordinator, noord.id, RoundInput(
        "Ronde nu", today.year, "minimal/1", dates, [m.id for m in (*gemeenten.values(), fortdorp)]), today=today)
    db.session.commit()
    by_gemeente = {e.municipality_id: e for e in round_.evaluations}
    evaluations = {stage: by_gemeente[m.id] for stage, m in gemeenten.items()}
    world = World(noord.id, round_.id, {stage: e.id for stage, e in evaluations.items()}, own_users, users)
    world.spare = {"municipality_id": spare_gemeente.id, "user_id": spare_user.id}

    # draft: the lead downloaded the Excel file and uploaded it again (a preview waiting for confirmation).
    draft = evaluations["draft"]
    lead = db.session.get(User, own_users["draft"][0])
    questionnaire = questionnaire_of(draft)
    workbook = export_workbook(draft, questionnaire, lead)
    world.pending_import = preview_import(lead, draft, questionnaire, "antwoorden.xlsx",
                                                              workbook).id
    db.session.commit()

    # submitted: the team is formed (chair, member and a spare member), the review not started.
    submitted = evaluations["submitted"]
    submit_self_evaluation(submitted, db.session.get(User, own_users["submitted"][0]))
    world.chair_membership = review_services.add_member(
        coordinator, submitted, chair.id, capacity=Capacity.administrator, as_chair=True, confirmed=True).id
    review_services.add_member(coordinator, submitted, member.id, capacity=Capacity.official, as_chair=False,
                               confirmed=True)
    world.spare["member_id"] = review_services.add_member(
        coordinator, submitted, spare_peer.id, capacity=Capacity.official, as_chair=False, confirmed=True).id
    db.session.commit()

    # review, the hearing's stages, published, closed: started; the chair scored (submitted), set team scores and
    # wrote the report.
    for stage in ("review", "fact_check", "corrected", "reacted", "published", "closed"):
        evaluation = evaluations[stage]
        _start_review(evaluation, db.session.get(User, own_users[stage][0]), chair, member, coordinator)
        world.entries[stage] = add_entry(member, evaluation, f"Gesprek in {names[stage]}", kind="interview").id
        world.entries[f"{stage}:chair"] = add_entry(chair, evaluation, f"Waarneming in {names[stage]}").id
        give_scores(chair, evaluation, dict.fromkeys(ITEMS, 3))
        if stage != "review":
            give_scores(member, evaluation, dict.fromkeys(ITEMS, 2))
        else:
            give_scores(member, evaluation, dict.fromkeys(ITEMS, 2), submit=False)
        set_team_scores(chair, evaluation, dict.fromkeys(ITEMS, 3))
        write_report(chair, evaluation, recommendations=1 if stage == "review" else 2)
        world.recommendations[stage] = recommendations_of(evaluation)[0].id
        lead = db.session.get(User, own_users[stage][0])
        if stage in ("fact_check", "corrected"):
            # with the gemeente: one open factual point (fact_check); one answered, the check closed (corrected)
            send_concept(chair, evaluation)
            world.points[stage] = _add_point(evaluation, lead)
            if stage == "corrected":
                row = hearing.point(evaluation, world.points[stage])
                hearing.answer_point(chair, evaluation, row, "adopted", "Het jaartal is aangepast.", row.version)
                hearing.finish_check(lead, evaluation)
                hearing.correct(chair, evaluation)
                db.session.commit()
        elif stage == "reacted":
            to_reacted(chair, evaluation, lead)
        elif stage != "review":
            publish_after_hearing(chair, evaluation, lead)
            world.actions[stage] = _add_action(evaluation, own_users[stage][0])
    close(coordinator, evaluations["closed"])
    db.session.commit()

    world.evaluations["previous"] = _previous_round(noord.id, gemeenten["published"].id, coordinator.id, chair.id,
                                                    own_users["published"][0])
    world.declaration = review_services.declare_conflict(chair, fortdorp.id, "Oud-collega van de burgemeester").id
    db.session.commit()
    return world


# ---------------------------------------------------------------- filling in the URL's arguments


def _fresh_entry(world: World, target: str, author: str = "member") -> int:
    return add_entry(db.session.get(User, world.users[author]), world.evaluation(target), "Nieuw gesprek",
                     kind="interview").id


def _fresh_recommendation(world: World, target: str) -> int:
    evaluation = world.evaluation(target)
    row = add_recommendation(
        db.session.get(User, world.users["chair"]), evaluation, check_recommendation(
            questionnaire_of(evaluation), text="Een aanbeveling om te verwijderen.", section_ids=["analyse"],
            priority="low", addressee="municipality"))
    db.session.commit()
    return row.id


def _fresh_point(world: World, target: str) -> int:
    return _add_point(world.evaluation(target), db.session.get(User, world.own_users[target][0]))


#: Per URL argument, how to pick its value for a case's target: ``own`` unless the case's ``args`` names a variant.
ARGUMENTS: dict[str, dict[str, Callable[[World, str], object]]] = {
    "evaluation_id": {"own": lambda w, t: w.evaluations[t]},
    "round_id": {"own": lambda w, t: w.round_id},
    "region_id": {"own": lambda w, t: w.region_id},
    "municipality_id": {"own": lambda w, t: w.evaluation(t).municipality_id,
                        "spare": lambda w, t: w.spare["municipality_id"]},
    "user_id": {"spare": lambda w, t: w.spare["user_id"]},
    "member_id": {"spare": lambda w, t: w.spare["member_id"], "chair": lambda w, t: w.chair_membership},
    "action_id": {"own": lambda w, t: w.actions[t], "other_evaluation": lambda w, t: w.actions["closed"]},
    "entry_id": {"own": lambda w, t: w.entries[t], "other_evaluation": lambda w, t: w.entries["published"],
                 "chairs": lambda w, t: w.entries[f"{t}:chair"], "fresh": _fresh_entry,
                 "fresh_by_chair": lambda w, t: _fresh_entry(w, t, "chair")},
    "recommendation_id": {"own": lambda w, t: w.recommendations[t],
                          "other_evaluation": lambda w, t: w.recommendations["published"],
                          "fresh": _fresh_recommendation},
    "point_id": {"own": lambda w, t: w.points[t], "other_evaluation": lambda w, t: w.points["corrected"],
                 "fresh": _fresh_point},
    "import_id": {"own": lambda w, t: w.pending_import},
    "declaration_id": {"own": lambda w, t: w.declaration},
    "section_id": {"own": lambda w, t: "analyse"},
    "kind": {"own": lambda w, t: "interview"},
    "key": {"own": lambda w, t: "minimal"},
    "version": {"own": lambda w, t: "1", "draft": lambda w, t: "2"},
    "token": {"own": lambda w, t: "een-onbekend-token"},
    "filename": {"own": lambda w, t: "css/app.css"},
}


# ---------------------------------------------------------------- requests and answers


@dataclass
class Request:
    endpoint: str
    rule: str
    method: str
    case: dict
    number: int  # the case's position in its endpoint's list (for the report)

    @property
    def target(self) -> str:
        return self.case.get("target", "draft")


def expected(case: dict, method: str, actor: str) -> object:
    answers = case[method]
    if actor in answers:
        return answers[actor]
    if "everyone" in answers:
        return answers["everyone"]
    return LOGIN if actor == "anonymous" else case.get("deny", 403)


def outcome(response) -> object:
    if response.status_code in (301, 302, 303, 307, 308):
        if urlsplit(response.headers.get("Location", "")).path == "/auth/login":
            return LOGIN
    return response.status_code


def matches(want: object, got: object) -> bool:
    if got == 500:
        return False
    if isinstance(want, tuple):
        return got in want
    return got == want


class Clients:
    """One test client per user, logged in once (and again after a log-out)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.by_user: dict[int | None, FlaskClient] = {}

    def __call__(self, user_id: int | None) -> FlaskClient:
        if user_id not in self.by_user:
            client = self.app.test_client()
            if user_id is not None:
                self.login(client, user_id)
            self.by_user[user_id] = client
        return self.by_user[user_id]

    @staticmethod
    def login(client: FlaskClient, user_id: int) -> None:
        email = db.session.get(User, user_id).email
        response = client.post("/auth/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302, f"log-in of {email} failed"


def plan(app: Flask) -> tuple[list[Request], list[str]]:
    """Every request to make, in order, and the problems of the table itself (missing or stale entries)."""
    problems: list[str] = []
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule))
    endpoints = {r.endpoint for r in rules}
    for stale in sorted(set(MATRIX) - endpoints):
        problems.append(f"{stale}: in the table, but no such endpoint in the URL map (remove the entry)")
    gets, posts, last = [], [], []
    for rule in rules:
        cases = MATRIX.get(rule.endpoint)
        if not cases:
            problems.append(f"{rule.endpoint} ({rule.rule}): no entry in permission_matrix.MATRIX")
            continue
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        for number, case in enumerate(cases, start=1):
            for method in methods:
                if method not in case:
                    problems.append(f"{rule.endpoint} ({rule.rule}) case {number}: no answers declared for {method}")
                    continue
                request = Request(rule.endpoint, rule.rule, method, case, number)
                if method == "GET":
                    gets.append(request)
                elif case.get("destructive"):
                    last.append(request)
                else:
                    posts.append(request)
            for method in set(case) & {"GET", "POST", "PUT", "PATCH", "DELETE"} - set(methods):
                problems.append(f"{rule.endpoint} ({rule.rule}) case {number}: declares {method}, which the "
                                f"route does not accept")
            for name, code in ((a, c) for m in methods if m in case for a, c in case[m].items()):
                if name not in (*ACTORS, "everyone"):
                    problems.append(f"{rule.endpoint} case {number}: unknown actor {name!r}")
                if code == 500 or (isinstance(code, tuple) and 500 in code):
                    problems.append(f"{rule.endpoint} case {number}: a 500 is never an acceptable answer")
    return gets + posts + last, problems


class Unfillable(LookupError):
    """A URL argument that ``ARGUMENTS`` cannot fill (a new argument name, or an unknown variant)."""


def url_for_case(app: Flask, world: World, request: Request) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == request.endpoint and r.rule == request.rule)
    variants = request.case.get("args", {})
    values = {}
    for name in sorted(rule.arguments):
        variant = variants.get(name, "own")
        pick = ARGUMENTS.get(name, {}).get(variant)
        if pick is None:
            raise Unfillable(f"{request.endpoint} ({request.rule}) case {request.number}: no way to fill "
                             f"<{name}> ({variant}); add it to ARGUMENTS in test_permission_matrix.py")
        values[name] = pick(world, request.target)
    return app.url_map.bind("localhost").build(request.endpoint, values, method=request.method)


def run_matrix(app: Flask, world: World) -> tuple[list[str], int]:
    requests, problems = plan(app)
    clients = Clients(app)
    count = 0
    for request in requests:
        fresh = any(v.startswith("fresh") for v in request.case.get("args", {}).values())
        try:
            url = None if fresh else url_for_case(app, world, request)
        except Unfillable as error:
            problems.append(str(error))
            continue
        for actor in ACTORS:
            user_id = world.user_id(actor, request.target)
            client = clients(user_id)
            want = expected(request.case, request.method, actor)
            here = url or url_for_case(app, world, request)  # a fresh object for every request
            try:
                response = client.open(here, method=request.method, data={} if request.method == "POST" else None)
                got = outcome(response)
                response.close()
            except Exception as error:
                db.session.rollback()
                got = f"500 ({type(error).__name__}: {error})"
            count += 1
            if not matches(want, got):
                problems.append(f"{request.method} {here} [{request.endpoint} case {request.number}, target "
                                f"{request.target}] as {actor}: expected {want}, got {got}")
            if request.case.get("relogin") and user_id is not None:
                Clients.login(client, user_id)
    return problems, count


def test_every_route_answers_every_actor_as_the_table_declares(app, create_region, create_municipality,
                                                               create_user):
    world = build_world(create_region, create_municipality, create_user)
    problems, count = run_matrix(app, world)
    assert count, "no request was made"
    assert not problems, f"{len(problems)} problems in {count} requests of the permission matrix:\n" + "\n".join(
        problems)
