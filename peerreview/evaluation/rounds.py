"""A round and its members: who may see which rounds, and how far each member is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from ..domain import permissions
from ..domain.evaluations import EvaluationStatus
from ..domain.roles import Role
from ..extensions import db
from ..models import Answer, ConsensusAnswer, Evaluation, Municipality, RegionMembership, Round, User
from .lifecycle import questionnaire_of_round


def visible_rounds(actor: User) -> list[Round]:
    query = (select(Round).options(joinedload(Round.region), selectinload(Round.evaluations))
             .order_by(Round.year.desc(), Round.created_at.desc()))
    if not permissions.is_admin(actor):
        if actor.role is not Role.region_coordinator or not actor.is_active:
            return []
        query = query.where(Round.region_id == actor.region_id)
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class EvaluationRow:
    evaluation: Evaluation
    answered: int  # consensus answers given
    total: int
    contributors: int  # people who gave at least one answer of their own
    is_overdue: bool

    @property
    def percent(self) -> int:
        return self.answered * 100 // self.total if self.total else 0


def consensus_counts(round_: Round) -> dict[int, int]:
    """Per evaluation of the round, the consensus answers given (a value or "weet niet") to the round's questions.
    One query."""
    question_ids = [q.id for q in questionnaire_of_round(round_).questions]
    return dict(db.session.execute(
        select(ConsensusAnswer.evaluation_id, func.count())
        .join(Evaluation, Evaluation.id == ConsensusAnswer.evaluation_id)
        .where(Evaluation.round_id == round_.id, ConsensusAnswer.question_id.in_(question_ids),
               (ConsensusAnswer.value.is_not(None)) | ConsensusAnswer.is_unknown)
        .group_by(ConsensusAnswer.evaluation_id).order_by(ConsensusAnswer.evaluation_id)).all())


def round_overview(round_: Round, *, today: date) -> list[EvaluationRow]:
    """Every member in the round with its stage and how far its consensus is; three queries, whatever the size."""
    questionnaire = questionnaire_of_round(round_)
    evaluations = list(db.session.scalars(
        select(Evaluation).where(Evaluation.round_id == round_.id)
        .options(joinedload(Evaluation.municipality)).order_by(Evaluation.id)))
    ids = [e.id for e in evaluations]
    answered = consensus_counts(round_) if ids else {}
    contributors = dict(db.session.execute(
        select(Answer.evaluation_id, func.count(func.distinct(Answer.author_id)))
        .where(Answer.evaluation_id.in_(ids)).group_by(Answer.evaluation_id)).all()) if ids else {}
    total = len(questionnaire.questions)
    rows = [
        EvaluationRow(e, answered.get(e.id, 0), total, contributors.get(e.id, 0),
                      (e.status is EvaluationStatus.draft and today > round_.self_evaluation_due)
                      or ((e.status is EvaluationStatus.submitted or e.status.is_under_review)
                          and today > round_.peer_review_due))
        for e in evaluations
    ]
    return sorted(rows, key=lambda r: r.evaluation.municipality.name)


def members_of(region_id: int) -> Select:
    """Ids of the gemeenten in a region, for use inside another query."""
    return select(RegionMembership.municipality_id).where(RegionMembership.region_id == region_id)


def region_members(region_id: int) -> list[Municipality]:
    query = select(Municipality).where(Municipality.id.in_(members_of(region_id)))
    return list(db.session.scalars(query.order_by(Municipality.name, Municipality.cbs_code)))
