"""The verbeterplan, read-only: its stage and end date, the actions, the targets, the verdicts of the
voortgangsreview, a round's progress; and what other pages show of it (the report's links to the plan, the previous
round in the next self-evaluation)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask import g, has_app_context
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload, selectinload

from ..dates import AMSTERDAM, today
from ..domain import permissions
from ..domain.evaluations import EvaluationStatus
from ..domain.plans import ActionStatus, PlanStage, Progress, open_recommendations, plan_end, plan_stage, progress
from ..domain.questionnaire import Questionnaire
from ..extensions import db
from ..models import (
    Evaluation,
    ImprovementAction,
    PeerReport,
    PlanTarget,
    Recommendation,
    RecommendationVerdict,
    Round,
    User,
)
from .lifecycle import questionnaire_of
from .team import recommendations as recommendations_of
from .team import section_self_scores

#: The evaluation's statuses in which a plan exists (the report is published; see ``domain.plans``).
PLAN_STATUSES = (EvaluationStatus.published, EvaluationStatus.closed)


def _published_on(evaluation: Evaluation) -> date | None:
    report = db.session.get(PeerReport, evaluation.id)
    # The session's identity map holds rows weakly: without a reference the row is gone when this returns, and
    # the plan page (which asks for the stage and the plan's end several times) read it four times.
    if has_app_context():
        g.setdefault("kept_reports", {})[evaluation.id] = report
    return report.published_at.astimezone(AMSTERDAM).date() if report and report.published_at else None


def plan_end_of(evaluation: Evaluation) -> date:
    """The last day of the evaluation's plan period (the round's deadline, or later for a late report)."""
    return plan_end(evaluation.round.plan_due, _published_on(evaluation))


def stage_of(evaluation: Evaluation, on: date | None = None) -> PlanStage:
    return plan_stage(evaluation.status, evaluation.round.plan_due, on or today(), _published_on(evaluation))


def targets(evaluation: Evaluation) -> dict[str, int]:
    return dict(db.session.execute(
        select(PlanTarget.section_id, PlanTarget.target).where(PlanTarget.evaluation_id == evaluation.id)).all())


def targets_for(evaluation_ids: Collection[int]) -> dict[int, dict[str, int | Decimal]]:
    """For the trend (issue 6): evaluation id → section id → the target score the gemeente set in that evaluation's
    plan for the *next* round. One query; evaluations without targets are left out."""
    result: dict[int, dict[str, int | Decimal]] = defaultdict(dict)
    ids = list(evaluation_ids)
    if not ids:
        return {}
    for evaluation_id, section_id, target in db.session.execute(
            select(PlanTarget.evaluation_id, PlanTarget.section_id, PlanTarget.target)
            .where(PlanTarget.evaluation_id.in_(ids))):
        result[evaluation_id][section_id] = target
    return dict(result)


def verdicts(evaluation: Evaluation) -> dict[int, RecommendationVerdict]:
    return {row.recommendation_id: row for row in db.session.scalars(
        select(RecommendationVerdict).where(RecommendationVerdict.evaluation_id == evaluation.id)
        .options(joinedload(RecommendationVerdict.decided_by)))}


def plan_overview(evaluation_ids: Collection[int], on: date | None = None) -> dict[int, Progress]:
    """Per evaluation the plan's progress (actions, done, overdue ...), for the round page. One query."""
    ids = list(evaluation_ids)
    if not ids:
        return {}
    on = on or today()
    overdue = case((ImprovementAction.status.in_([ActionStatus.planned, ActionStatus.in_progress])
                    & (ImprovementAction.due_on < on), 1), else_=0)
    rows = db.session.execute(
        select(ImprovementAction.evaluation_id, ImprovementAction.status, func.count(), func.sum(overdue))
        .where(ImprovementAction.evaluation_id.in_(ids))
        .group_by(ImprovementAction.evaluation_id, ImprovementAction.status))
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for evaluation_id, status, number, late in rows:
        status = ActionStatus(status)
        bucket = counts[evaluation_id]
        if status is ActionStatus.dropped:
            bucket["dropped"] += number
            continue
        bucket["counted"] += number
        bucket[status.value] += number
        bucket["overdue"] += int(late or 0)
    return {e: Progress(c["counted"], c["done"], c["in_progress"], c["planned"], c["overdue"], c["dropped"])
            for e, c in counts.items()}


def actions(evaluation: Evaluation) -> list[ImprovementAction]:
    """The plan's actions with their themes and recommendations (three queries, whatever their number)."""
    return list(db.session.scalars(
        select(ImprovementAction).where(ImprovementAction.evaluation_id == evaluation.id)
        .options(selectinload(ImprovementAction.themes), selectinload(ImprovementAction.links),
                 joinedload(ImprovementAction.updated_by))
        .order_by(ImprovementAction.due_on, ImprovementAction.id)))


@dataclass(frozen=True)
class RecommendationRow:
    recommendation: Recommendation
    actions: tuple[ImprovementAction, ...]
    is_open: bool
    verdict: RecommendationVerdict | None


def recommendation_rows(recommendations: list[Recommendation], rows: list[ImprovementAction],
                        stored_verdicts: Mapping[int, RecommendationVerdict]) -> list[RecommendationRow]:
    answering: dict[int, list[ImprovementAction]] = defaultdict(list)
    for row in rows:
        for recommendation_id in row.recommendation_ids:
            answering[recommendation_id].append(row)
    open_ids = set(open_recommendations([r.id for r in recommendations], [row.facts for row in rows]))
    return [RecommendationRow(r, tuple(answering.get(r.id, ())), r.id in open_ids, stored_verdicts.get(r.id))
            for r in recommendations]


def previous_evaluation(evaluation: Evaluation) -> Evaluation | None:
    """The same gemeente's most recent earlier evaluation whose report was published (its plan exists)."""
    return db.session.scalar(
        select(Evaluation).join(Round, Round.id == Evaluation.round_id)
        .where(Evaluation.municipality_id == evaluation.municipality_id, Evaluation.id != evaluation.id,
               Evaluation.created_at < evaluation.created_at, Evaluation.status.in_(PLAN_STATUSES))
        .options(joinedload(Evaluation.round).joinedload(Round.region), joinedload(Evaluation.municipality))
        .order_by(Evaluation.created_at.desc(), Evaluation.id.desc()).limit(1))


# ---------------------------------------------------------------- for other pages


@dataclass(frozen=True)
class ReportLinks:
    """For the report page: per recommendation the actions answering it and the progress review's verdict."""

    evaluation: Evaluation
    actions: dict[int, tuple[ImprovementAction, ...]]
    verdicts: dict[int, RecommendationVerdict]


def report_links(evaluation: Evaluation) -> ReportLinks:
    rows = actions(evaluation)
    by_recommendation: dict[int, list[ImprovementAction]] = defaultdict(list)
    for row in rows:
        for recommendation_id in row.recommendation_ids:
            by_recommendation[recommendation_id].append(row)
    return ReportLinks(evaluation, {k: tuple(v) for k, v in by_recommendation.items()}, verdicts(evaluation))


@dataclass(frozen=True)
class PreviousPlan:
    """The previous round, as the next self-evaluation shows it: its recommendations (with actions and verdicts),
    the plan's progress and the targets it set for this round."""

    evaluation: Evaluation
    questionnaire: Questionnaire
    recommendations: list[RecommendationRow]
    overall: Progress
    targets: dict[str, int]
    current_self: dict[str, Any]

    def for_section(self, section_id: str) -> list[RecommendationRow]:
        return [r for r in self.recommendations if section_id in r.recommendation.section_ids]


def previous_plan(viewer: User, evaluation: Evaluation, questionnaire: Questionnaire) -> PreviousPlan | None:
    """``None`` when the gemeente has no earlier evaluation with a plan, or the viewer may not read that plan."""
    previous = previous_evaluation(evaluation)
    if previous is None or not permissions.can_view_plan(viewer, previous, None):
        return None
    rows = actions(previous)
    current = (section_self_scores(evaluation, questionnaire)
               if permissions.can_view_consensus(viewer, evaluation) else {})
    return PreviousPlan(previous, questionnaire_of(previous),
                        recommendation_rows(recommendations_of(previous), rows, verdicts(previous)),
                        progress([row.facts for row in rows], today()), targets(previous), current)
