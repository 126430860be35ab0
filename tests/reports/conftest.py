"""Regions with finished rounds, written straight into the database (the flow itself is tested in
tests/reviews): every member has submitted answers, a published peer report with team scores and
recommendations, and one peer reviewer chairs every team but that of her own gemeente.

Minimal questionnaire: themes ``analyse`` (kennen) and ``keten`` (kunnen, external), profile ``profiel`` with
elements ``netwerk`` and ``bestuur``; scale 0..4."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import count

import pytest

from peerreview.domain.evaluations import AnswerData, EvaluationStatus
from peerreview.domain.reviews import Addressee, Capacity, Priority
from peerreview.domain.roles import Role
from peerreview.extensions import db
from peerreview.models import (
    ConsensusAnswer,
    Evaluation,
    Municipality,
    PeerReport,
    Recommendation,
    RecommendationTheme,
    Region,
    Round,
    TeamMember,
    TeamScore,
    User,
)
from peerreview.models.types import utcnow
from peerreview.questionnaire_registry import get_questionnaire, record_use

ITEMS = ("analyse", "keten", "netwerk", "bestuur")
QUESTIONS = ("analyse.cijfers", "analyse.gebruik", "keten.capaciteit", "keten.signalen", "profiel.netwerk.partners",
             "profiel.bestuur.toegang", "profiel.bestuur.druk")
_names = count(1)


def team_level(member: int, item: int, round_index: int = 0) -> int:
    """The team's score of member ``member`` for item ``item``: a fixed pattern on the 0..4 scale."""
    return (member + item + round_index) % 5


@dataclass
class Built:
    region: Region
    rounds: list[Round]
    municipalities: list[Municipality]
    evaluations: dict[tuple[int, int], Evaluation]  # (round index, member index) -> evaluation
    coordinator: User
    leads: list[User]
    chair: User  # a peer reviewer of member 0, chair of every other member's team
    extra: dict = field(default_factory=dict)

    def evaluation(self, member: int, round_index: int = -1) -> Evaluation:
        return self.evaluations[(range(len(self.rounds))[round_index], member)]


@pytest.fixture
def build_region(app, create_user):
    """``build_region(members, rounds=1, published=None, inhabitants=...)`` -> :class:`Built`.

    ``published`` lists the member indexes whose report is published in every round (default: all); the rest
    stay in peer review."""
    questionnaire = get_questionnaire("minimal", "1")
    record_use(questionnaire)
    db.session.commit()

    def _build(members: int, rounds: int = 1, *, published: list[int] | None = None,
               inhabitants: int = 30_000, prefix: str | None = None) -> Built:
        tag = prefix or f"R{next(_names)}"
        region = Region(name=f"Regio {tag}", description="")
        db.session.add(region)
        municipalities = []
        for index in range(members):
            municipality = Municipality(name=f"{tag}-stad-{index:02d}", cbs_code=f"GM{next(_names) % 10000:04d}",
                                        inhabitants=inhabitants)
            db.session.add(municipality)
            municipalities.append(municipality)
        db.session.flush()
        from peerreview.models import RegionMembership
        for municipality in municipalities:
            db.session.add(RegionMembership(region_id=region.id, municipality_id=municipality.id))
        db.session.commit()
        coordinator = create_user(Role.region_coordinator, region=region, name=f"Coördinator {tag}")
        leads = [create_user(Role.municipal_lead, municipality=m, name=f"Trekker {m.name}") for m in municipalities]
        chair = create_user(Role.peer_reviewer, municipality=municipalities[0], name=f"Voorzitter {tag}")
        built_rounds, evaluations = [], {}
        chosen = set(range(members) if published is None else published)
        for round_index in range(rounds):
            year = 2020 + 2 * round_index
            round_ = Round(region_id=region.id, name=f"Ronde {year}", year=year, questionnaire_key="minimal",
                           questionnaire_version="1", questionnaire_hash=questionnaire.content_hash,
                           self_evaluation_due=date(year, 3, 1), peer_review_due=date(year, 6, 1),
                           plan_due=date(year, 12, 1), created_by_id=coordinator.id)
            db.session.add(round_)
            db.session.flush()
            built_rounds.append(round_)
            for member, municipality in enumerate(municipalities):
                done = member in chosen
                evaluation = Evaluation(round_id=round_.id, municipality_id=municipality.id,
                                        status=EvaluationStatus.published if done else EvaluationStatus.in_peer_review,
                                        submitted_at=utcnow(), submitted_by_id=leads[member].id)
                db.session.add(evaluation)
                db.session.flush()
                evaluations[(round_index, member)] = evaluation
                for q_index, qid in enumerate(QUESTIONS):
                    row = ConsensusAnswer(evaluation_id=evaluation.id, question_id=qid,
                                          updated_by_id=leads[member].id)
                    row.set_data(AnswerData(value=(member * 2 + q_index + round_index) % 5,
                                            explanation=f"Toelichting {municipality.name}"))
                    db.session.add(row)
                if member != 0:
                    db.session.add(TeamMember(evaluation_id=evaluation.id, user_id=chair.id, is_chair=True,
                                              capacity=Capacity.official, scores_submitted_at=utcnow()))
                for i_index, item in enumerate(ITEMS):
                    db.session.add(TeamScore(evaluation_id=evaluation.id, item_id=item,
                                             value=team_level(member, i_index, round_index),
                                             motivation=f"Motivering {item} voor {municipality.name}"))
                db.session.add(PeerReport(evaluation_id=evaluation.id, judgement=f"Oordeel over {municipality.name}",
                                          strengths="Sterk", published_at=utcnow() if done else None))
                for position, (text, sections, addressee) in enumerate((
                        (f"Aanbeveling voor {municipality.name}", ["analyse"], Addressee.municipality),
                        (f"Aan de regio, uit {municipality.name}", ["keten"], Addressee.region),
                        (f"Aan het Rijk, uit {municipality.name}", ["keten", "profiel"], Addressee.national),
                ), start=1):
                    db.session.add(Recommendation(
                        evaluation_id=evaluation.id, position=position, text=text, priority=Priority.high,
                        addressee=addressee, themes=[RecommendationTheme(section_id=s) for s in sections]))
        db.session.commit()
        return Built(region, built_rounds, municipalities, evaluations, coordinator, leads, chair)

    return _build


def login(client, user: User):
    from tests.conftest import PASSWORD

    client.post("/auth/logout")
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response
