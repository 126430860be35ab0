"""A fixed world for the request-level security tests that post to every form: one region with a self-evaluation
in each stage a form needs, and the people who may use each form.

Built once (per test module) through the services, the way the fixtures of tests/evaluations, tests/reviews and
tests/plans build theirs, and reusing their helpers. Minimal questionnaire (``minimal/1``): sections ``analyse``,
``keten`` and ``profiel``; scale 0..4.

- Aadorp (A): report published with two recommendations; its plan runs, with one action.
- Beekdal (B): in peer review; Petra Peer chairs, Daan Deskundige is a member; one entry, one recommendation.
- Cederveen (C): a draft; the contributor answered one question and has an Excel import waiting.
- Fazantdorp (F): submitted; a team is formed (Daan chairs, Olaf is a member) but the review has not started.
- Gaasterveen (G), in an older round whose plan period is over: published, Petra chairs: the progress review.
- Jorwerd (J): the concept with the gemeente for the factual check (Petra chairs), one open point of its lead.
- Kollum (K): hoor en wederhoor done up to the college's reaction (recorded by its lead): ready to publish.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import openpyxl
from flask import Flask
from sqlalchemy import select

from peerreview.accounts import token_for
from peerreview.domain.evaluations import AnswerData, EvaluationStatus
from peerreview.domain.reviews import Addressee, Capacity, Priority, check_recommendation
from peerreview.domain.roles import Role
from peerreview.evaluation.lifecycle import questionnaire_of
from peerreview.evaluation.team import team_members
from peerreview.evaluations.workbook import export_workbook, preview_import
from peerreview.extensions import db
from peerreview.models import (
    Answer,
    ConsensusAnswer,
    Evaluation,
    Municipality,
    PeerReport,
    Recommendation,
    RecommendationTheme,
    Region,
    RegionMembership,
    Round,
    TeamMember,
    User,
)
from peerreview.models.types import utcnow
from peerreview.questionnaire_registry import get_questionnaire, record_use
from peerreview.reviews import hearing
from peerreview.reviews import services as reviews
from peerreview.reviews.report import add_recommendation, save_judgement
from peerreview.tokens import Purpose
from tests.conftest import PASSWORD
from tests.evaluations.conftest import open_test_round
from tests.plans.conftest import Plan, add_action, publish_with_recommendations
from tests.reviews.conftest import (
    ITEMS,
    QUESTIONS,
    Review,
    add_entry,
    give_scores,
    set_team_scores,
    submit_self_evaluation,
    write_report,
)
from tests.support.hearing import send_concept, to_reacted


@dataclass(repr=False)
class World:
    ids: dict[str, int] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)  # a name in this world -> the address to log in with
    tokens: dict[str, str] = field(default_factory=dict)


def _user(world: World, key: str, role: Role, name: str, *, municipality: Municipality | None = None,
          region: Region | None = None, password: bool = True, active: bool = True) -> User:
    user = User(email=f"{key}@wereld.nl", name=name, role=role, municipality=municipality, region=region,
                is_active=active)
    if password:
        user.set_password(PASSWORD, method="pbkdf2:sha256:1000")
        user.activated_at = utcnow()
    db.session.add(user)
    db.session.commit()
    world.ids[key] = user.id
    world.emails[key] = user.email
    return user


def _municipality(world: World, key: str, name: str, code: str, region: Region) -> Municipality:
    municipality = Municipality(name=name, cbs_code=code, inhabitants=25_000)
    db.session.add(municipality)
    db.session.flush()
    db.session.add(RegionMembership(region_id=region.id, municipality_id=municipality.id))
    db.session.commit()
    world.ids[key] = municipality.id
    return municipality


def _old_published_round(world: World, region: Region, municipality: Municipality, lead: User, chair: User,
                         coordinator: User) -> Evaluation:
    """A round of 2021, written straight into the database as tests/reports does: published, plan period over."""
    questionnaire = get_questionnaire("minimal", "1")
    round_ = Round(region_id=region.id, name="Ronde 2021", year=2021, questionnaire_key="minimal",
                   questionnaire_version="1", questionnaire_hash=questionnaire.content_hash,
                   self_evaluation_due=date(2021, 3, 1), peer_review_due=date(2021, 6, 1),
                   plan_due=date(2021, 12, 1), created_by_id=coordinator.id)
    db.session.add(round_)
    db.session.flush()
    evaluation = Evaluation(round_id=round_.id, municipality_id=municipality.id,
                            status=EvaluationStatus.published, submitted_at=utcnow(), submitted_by_id=lead.id)
    db.session.add(evaluation)
    db.session.flush()
    db.session.add(TeamMember(evaluation_id=evaluation.id, user_id=chair.id, is_chair=True,
                              capacity=Capacity.official, scores_submitted_at=utcnow()))
    db.session.add(PeerReport(evaluation_id=evaluation.id, judgement="Oordeel 2021", strengths="Sterk",
                              published_at=datetime(2021, 7, 1, 12, tzinfo=UTC)))
    for position, (text, section) in enumerate((("Maak een plan.", "analyse"), ("Werk samen.", "keten")), 1):
        db.session.add(Recommendation(evaluation_id=evaluation.id, position=position, text=text,
                                      priority=Priority.high, addressee=Addressee.municipality,
                                      themes=[RecommendationTheme(section_id=section)]))
    db.session.commit()
    return evaluation


def _changed(workbook: bytes) -> bytes:
    """The exported workbook with the one explanation in it rewritten, as a user would in Excel."""
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value == "Eerste antwoord":
                    cell.value = "In Excel gewijzigd"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def build_world(app: Flask) -> World:
    world = World()
    with app.test_request_context():
        record_use(get_questionnaire("minimal", "1"))
        db.session.commit()
        region = Region(name="Regio Wereld", description="De regio van de vaste wereld")
        other_region = Region(name="Regio Leeg", description="")
        db.session.add_all([region, other_region])
        db.session.commit()
        world.ids.update(region=region.id, other_region=other_region.id)
        a = _municipality(world, "A", "Aadorp", "GM9001", region)
        b = _municipality(world, "B", "Beekdal", "GM9002", region)
        c = _municipality(world, "C", "Cederveen", "GM9003", region)
        d = _municipality(world, "D", "Dijkstad", "GM9004", region)
        e = _municipality(world, "E", "Eemwoude", "GM9005", region)
        f = _municipality(world, "F", "Fazantdorp", "GM9006", region)
        g = _municipality(world, "G", "Gaasterveen", "GM9007", region)
        _municipality(world, "H", "Hoogmolen", "GM9008", region)  # a member of the region outside every round
        j = _municipality(world, "J", "Jorwerd", "GM9009", region)
        k = _municipality(world, "K", "Kollum", "GM9010", region)

        _user(world, "admin", Role.admin, "Ada Beheer")
        coordinator = _user(world, "coordinator", Role.region_coordinator, "Coby Coördinator", region=region)
        lead_a = _user(world, "lead_a", Role.municipal_lead, "Lotte Trekker", municipality=a)
        _user(world, "contributor_a", Role.municipal_contributor, "Bram Bijdrager", municipality=a)
        lead_b = _user(world, "lead_b", Role.municipal_lead, "Bert Beekdal", municipality=b)
        lead_c = _user(world, "lead_c", Role.municipal_lead, "Cor Cederveen", municipality=c)
        contributor_c = _user(world, "contributor_c", Role.municipal_contributor, "Cato Cederveen",
                              municipality=c)
        lead_f = _user(world, "lead_f", Role.municipal_lead, "Fien Fazant", municipality=f)
        lead_g = _user(world, "lead_g", Role.municipal_lead, "Gijs Gaaster", municipality=g)
        lead_j = _user(world, "lead_j", Role.municipal_lead, "Jet Jorwerd", municipality=j)
        lead_k = _user(world, "lead_k", Role.municipal_lead, "Kees Kollum", municipality=k)
        peer = _user(world, "peer", Role.peer_reviewer, "Petra Peer", municipality=e)
        member = _user(world, "member", Role.peer_reviewer, "Daan Deskundige", municipality=d)
        outsider = _user(world, "outsider", Role.peer_reviewer, "Olaf Outsider", municipality=d)
        _user(world, "inactive", Role.municipal_contributor, "Ina Inactief", municipality=a, active=False)
        invited = _user(world, "invited", Role.municipal_contributor, "Ivo Uitgenodigd", municipality=a,
                        password=False)
        invited.invited_at = utcnow()
        db.session.commit()

        round_ = open_test_round(coordinator, region, [a, b, c, f, j, k], name="Ronde Wereld")
        world.ids["round"] = round_.id
        evaluations = {ev.municipality_id: ev for ev in round_.evaluations}
        ev_a, ev_b, ev_c, ev_f, ev_j, ev_k = (evaluations[m.id] for m in (a, b, c, f, j, k))
        world.ids.update(ev_a=ev_a.id, ev_b=ev_b.id, ev_c=ev_c.id, ev_f=ev_f.id, ev_j=ev_j.id, ev_k=ev_k.id)

        # A: published, the plan running with one action.
        submit_self_evaluation(ev_a, lead_a)
        for evaluation, chair, other in ((ev_a, peer, member), (ev_b, peer, member)):
            if evaluation is ev_b:
                submit_self_evaluation(ev_b, lead_b)
            reviews.add_member(coordinator, evaluation, chair.id, capacity=Capacity.administrator, as_chair=True,
                               confirmed=True)
            reviews.add_member(coordinator, evaluation, other.id, capacity=Capacity.official, as_chair=False,
                               confirmed=True)
            reviews.start_review(coordinator, evaluation)
            db.session.commit()
        review_a = Review(None, ev_a, peer, member, outsider, d, e)  # type: ignore[arg-type]
        recommendations = publish_with_recommendations(review_a)
        plan = Plan(review_a, ev_a, recommendations)
        action = add_action(plan, "Veiligheidsplan opstellen", user=lead_a)
        world.ids["action"] = action.id

        # B: in peer review, with an entry and a recommendation.
        entry = add_entry(peer, ev_b, "Gesprek met de wethouder", themes=("analyse",))
        world.ids["entry"] = entry.id
        questionnaire = questionnaire_of(ev_b)
        recommendation = add_recommendation(peer, ev_b, check_recommendation(
            questionnaire, text="Stel doelen vast.", section_ids=["analyse"], priority="high",
            addressee="municipality"))
        db.session.commit()
        world.ids["recommendation"] = recommendation.id

        # B, continued: the chair has scored and set the team's scores and judgement, the member has not scored yet.
        give_scores(peer, ev_b, dict.fromkeys(ITEMS, 3))
        set_team_scores(peer, ev_b, dict.fromkeys(ITEMS, 3))
        save_judgement(peer, ev_b, "De regie is in opbouw.", "Betrokken college.")
        db.session.commit()

        # C: a draft, every consensus answer given (so it can be submitted), one own answer, an Excel import waiting.
        for qid in QUESTIONS:
            row = ConsensusAnswer(evaluation_id=ev_c.id, question_id=qid, updated_by_id=lead_c.id)
            row.set_data(AnswerData(value=2, explanation=f"Toelichting bij {qid}"))
            db.session.add(row)
        answer = Answer(evaluation_id=ev_c.id, question_id="analyse.cijfers", author_id=contributor_c.id)
        answer.set_data(AnswerData(value=2, explanation="Eerste antwoord"))
        db.session.add(answer)
        db.session.commit()
        questionnaire = questionnaire_of(ev_c)
        workbook = _changed(export_workbook(ev_c, questionnaire, contributor_c))
        pending = preview_import(contributor_c, ev_c, questionnaire, "antwoorden.xlsx", workbook)
        db.session.commit()
        world.ids["import"] = pending.id

        # F: submitted, a team formed, the review not started.
        submit_self_evaluation(ev_f, lead_f)
        reviews.add_member(coordinator, ev_f, member.id, capacity=Capacity.official, as_chair=True, confirmed=True)
        reviews.add_member(coordinator, ev_f, outsider.id, capacity=Capacity.official, as_chair=False,
                           confirmed=True)
        db.session.commit()
        team_f = {m.user_id: m.id for m in team_members(ev_f)}
        world.ids.update(member_f_chair=team_f[member.id], member_f_other=team_f[outsider.id])

        # J and K: hoor en wederhoor. J's concept is with the gemeente (one open point), K's reaction is in.
        for evaluation, lead in ((ev_j, lead_j), (ev_k, lead_k)):
            submit_self_evaluation(evaluation, lead)
            reviews.add_member(coordinator, evaluation, peer.id, capacity=Capacity.administrator, as_chair=True,
                               confirmed=True)
            reviews.add_member(coordinator, evaluation, member.id, capacity=Capacity.official, as_chair=False,
                               confirmed=True)
            reviews.start_review(coordinator, evaluation)
            db.session.commit()
            give_scores(member, evaluation, dict.fromkeys(ITEMS, 2))
            give_scores(peer, evaluation, dict.fromkeys(ITEMS, 3))
            set_team_scores(peer, evaluation, dict.fromkeys(ITEMS, 3))
            write_report(peer, evaluation)
        send_concept(peer, ev_j)
        point = hearing.add_point(lead_j, ev_j, hearing.check_point_for(
            ev_j, questionnaire_of(ev_j), "judgement", "Het jaartal van het veiligheidsplan klopt niet."))
        db.session.commit()
        world.ids["point"] = point.id
        to_reacted(peer, ev_k, lead_k)

        # G: an older round, published, its plan period over; Petra chairs.
        ev_g = _old_published_round(world, region, g, lead_g, peer, coordinator)
        world.ids["ev_g"] = ev_g.id

        declaration = reviews.declare_conflict(peer, b.id, "Oud-collega van de wethouder")
        db.session.commit()
        world.ids["declaration"] = declaration.id

        world.tokens["activate"] = token_for(db.session.get(User, world.ids["invited"]), Purpose.activate)
        world.tokens["reset"] = token_for(db.session.get(User, world.ids["contributor_a"]), Purpose.reset_password)
        assert db.session.scalar(select(Evaluation.status).where(Evaluation.id == ev_a.id)) \
            is EvaluationStatus.published
        db.session.remove()
    return world
