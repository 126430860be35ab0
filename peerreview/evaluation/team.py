"""The peer team and its report, read-only: the team's facts for the permission checks, what a reviewer sees, the
recommendations, the gemeente's own scores beside the peers'."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..cache import cached
from ..domain.evaluations import AnswerData
from ..domain.questionnaire import Questionnaire
from ..domain.results import self_scores as result_self_scores
from ..domain.reviews import TeamFacts
from ..extensions import db
from ..models import (
    ConflictDeclaration,
    ConsensusAnswer,
    Evaluation,
    FactualPoint,
    PeerReport,
    Recommendation,
    Round,
    TeamMember,
    User,
)


def team_members(evaluation: Evaluation) -> list[TeamMember]:
    """The team, chair first, then by name."""
    rows = db.session.scalars(
        select(TeamMember).where(TeamMember.evaluation_id == evaluation.id)
        .options(joinedload(TeamMember.user).joinedload(User.municipality)))
    return sorted(rows, key=lambda m: (not m.is_chair, m.user.name.casefold()))


def facts(members: Iterable[TeamMember]) -> TeamFacts:
    members = list(members)
    return TeamFacts(
        member_ids=frozenset(m.user_id for m in members),
        chair_id=next((m.user_id for m in members if m.is_chair), None),
        submitted_ids=frozenset(m.user_id for m in members if m.scores_submitted_at is not None))


def team_of(evaluation: Evaluation) -> TeamFacts:
    return facts(team_members(evaluation))


def declarations(user: User) -> list[ConflictDeclaration]:
    return list(db.session.scalars(
        select(ConflictDeclaration).where(ConflictDeclaration.user_id == user.id)
        .options(joinedload(ConflictDeclaration.municipality)).order_by(ConflictDeclaration.declared_at)))


def reviews_of(user: User) -> list[tuple[Evaluation, TeamMember]]:
    """The evaluations whose team ``user`` sits in, newest round first."""
    rows = db.session.execute(
        select(Evaluation, TeamMember).join(TeamMember, TeamMember.evaluation_id == Evaluation.id)
        .where(TeamMember.user_id == user.id)
        .options(joinedload(Evaluation.municipality), joinedload(Evaluation.round).joinedload(Round.region))
        .order_by(Evaluation.id.desc())).all()
    return [(e, m) for e, m in rows]


def report_of(evaluation: Evaluation) -> PeerReport | None:
    return db.session.get(PeerReport, evaluation.id)


def factual_points(evaluation: Evaluation) -> list[FactualPoint]:
    """The gemeente's factual points on the concept, in the order they were made, with their authors."""
    return list(db.session.scalars(
        select(FactualPoint).where(FactualPoint.evaluation_id == evaluation.id)
        .options(joinedload(FactualPoint.author), joinedload(FactualPoint.answered_by))
        .order_by(FactualPoint.created_at, FactualPoint.id)))


def recommendations(evaluation: Evaluation) -> list[Recommendation]:
    return list(db.session.scalars(
        select(Recommendation).where(Recommendation.evaluation_id == evaluation.id)
        .options(selectinload(Recommendation.themes))
        .order_by(Recommendation.position, Recommendation.id)))


def review_overview(evaluation_ids: list[int]) -> dict[int, tuple[int, str | None, int]]:
    """For the round page: per evaluation (team size, chair's name, members who submitted scores). One query."""
    result: dict[int, tuple[int, str | None, int]] = {}
    if not evaluation_ids:
        return result
    rows = db.session.execute(
        select(TeamMember.evaluation_id, TeamMember.is_chair, TeamMember.scores_submitted_at, User.name)
        .join(User, User.id == TeamMember.user_id).where(TeamMember.evaluation_id.in_(evaluation_ids)))
    for evaluation_id, is_chair, submitted_at, name in rows:
        size, chair, submitted = result.get(evaluation_id, (0, None, 0))
        result[evaluation_id] = (size + 1, name if is_chair else chair, submitted + (submitted_at is not None))
    return result


def hearing_terms(evaluation_ids: list[int]) -> dict[int, date]:
    """For the round page: the running term of hoor en wederhoor per evaluation that has one. One query."""
    if not evaluation_ids:
        return {}
    return {evaluation_id: due for evaluation_id, due in db.session.execute(
        select(PeerReport.evaluation_id, PeerReport.term_due)
        .where(PeerReport.evaluation_id.in_(evaluation_ids), PeerReport.term_due.is_not(None)))}


def self_scores(evaluation: Evaluation, questionnaire: Questionnaire) -> dict[str, Any]:
    """The gemeente's own score per review item (from its consensus answers), to put beside the peers' scores."""

    def build() -> dict[str, Any]:
        answers = {qid: AnswerData(value=value, unknown=bool(unknown)).score for qid, value, unknown in
                   db.session.execute(select(ConsensusAnswer.question_id, ConsensusAnswer.value,
                                             ConsensusAnswer.is_unknown)
                                      .where(ConsensusAnswer.evaluation_id == evaluation.id))}
        return result_self_scores(questionnaire, answers)  # the result report's rule

    if not evaluation.status.is_self_evaluation_done:
        return build()  # a draft's consensus changes without raising the cache's generation
    # Handed in, the consensus is fixed until a reopening, which changes the status and so the generation.
    return cached(("self scores", evaluation.id, questionnaire.content_hash), build)


def section_self_scores(evaluation: Evaluation, questionnaire: Questionnaire) -> dict[str, Any]:
    """The gemeente's own score per section (``None`` where it has none)."""
    scores = self_scores(evaluation, questionnaire)
    return {s.id: scores.get(s.id) for s in questionnaire.sections}
