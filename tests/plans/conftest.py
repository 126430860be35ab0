"""Aadorp's peer report published, with two recommendations: the start of a verbeterplan.

Builds on the ``review`` of tests/reviews (Aadorp submitted, Petra Peer chairs, Daan Deskundige is a member, Olaf
Outsider is a peer of the region outside the team) and the ``setting`` of tests/evaluations (Lotte Trekker leads
Aadorp, Bram Bijdrager contributes, Bert Beekdal leads Beekdal). Themes of ``minimal/1``: ``analyse`` (1),
``keten`` (2), ``profiel`` (3); scale 0..4."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import update

from peerreview.dates import AMSTERDAM
from peerreview.domain.plans import check_action
from peerreview.domain.reviews import check_recommendation
from peerreview.evaluation.team import recommendations
from peerreview.extensions import db
from peerreview.models import Evaluation, ImprovementAction, PeerReport, Recommendation, Round, User
from peerreview.plans import services
from peerreview.reviews.report import add_recommendation, save_judgement
from tests.conftest import app_today
from tests.evaluations.conftest import setting  # noqa: F401  (the fixture, re-exported)
from tests.reviews.conftest import (
    ITEMS,
    Review,
    give_scores,
    questionnaire_of,
    review,  # noqa: F401  (the fixture, re-exported)
    set_team_scores,
)
from tests.support.hearing import publish_after_hearing

RECOMMENDATIONS = (
    ("Stel een integraal veiligheidsplan op met meetbare doelen.", ["analyse"]),
    ("Maak afspraken met de zorgketen over capaciteit en signalen.", ["keten", "profiel"]),
)


@dataclass
class Plan:
    review: Review
    evaluation: Evaluation
    recommendations: list[Recommendation]

    @property
    def setting(self):
        return self.review.setting

    @property
    def lead(self) -> User:
        return self.review.setting.lead

    @property
    def contributor(self) -> User:
        return self.review.setting.contributor

    @property
    def chair(self) -> User:
        return self.review.chair


def publish_with_recommendations(review: Review) -> list[Recommendation]:  # noqa: F811
    evaluation = review.evaluation
    questionnaire = questionnaire_of(evaluation)
    give_scores(review.member, evaluation, dict.fromkeys(ITEMS, 2))
    give_scores(review.chair, evaluation, dict.fromkeys(ITEMS, 3))
    set_team_scores(review.chair, evaluation, {"analyse": 3, "keten": 1, "netwerk": 3, "bestuur": 2})
    save_judgement(review.chair, evaluation, "De regie is in opbouw.", "Betrokken college.")
    for text, themes in RECOMMENDATIONS:
        add_recommendation(review.chair, evaluation, check_recommendation(
            questionnaire, text=text, section_ids=themes, priority="high", addressee="municipality"))
    publish_after_hearing(review.chair, evaluation)
    return recommendations(evaluation)


@pytest.fixture
def plan(review) -> Plan:  # noqa: F811
    """Aadorp's report published with two recommendations; the plan period runs (until today + 180 days)."""
    return Plan(review, review.evaluation, publish_with_recommendations(review))


def add_action(plan: Plan, title: str = "Veiligheidsplan opstellen", *, recommendation: int = 0,
               themes: tuple[str, ...] = (), start_on: date | None = None, due_on: date | None = None,
               owner: str = "Veiligheidscoördinator", user: User | None = None) -> ImprovementAction:
    """An action through the service (set-up only; what a test is about goes through the pages)."""
    evaluation = plan.evaluation
    today = app_today()
    data = check_action(
        questionnaire_of(evaluation), title=title, description="", owner=owner, owner_kind="internal",
        start_on=start_on or today - timedelta(days=10), due_on=due_on or today + timedelta(days=30),
        recommendation_ids=[str(plan.recommendations[recommendation].id)], section_ids=list(themes),
        recommendations=services.recommendation_themes(plan.recommendations))
    row = services.add_action(user or plan.lead, evaluation, data)
    db.session.commit()
    return row


def end_plan_period(evaluation: Evaluation, days_ago: int = 1) -> None:
    """Move the round's dates back so that its plan period ended ``days_ago`` days ago (Dutch calendar)."""
    today = app_today()
    db.session.execute(update(Round).where(Round.id == evaluation.round_id).values(
        self_evaluation_due=today - timedelta(days=days_ago + 60),
        peer_review_due=today - timedelta(days=days_ago + 30), plan_due=today - timedelta(days=days_ago)))
    # ... and the report's publication with them, long enough ago that the minimum plan period is over too
    db.session.execute(update(PeerReport).where(PeerReport.evaluation_id == evaluation.id).values(
        published_at=datetime.combine(today - timedelta(days=days_ago + 120), time(12), tzinfo=AMSTERDAM)))
    db.session.commit()
    db.session.expire_all()
