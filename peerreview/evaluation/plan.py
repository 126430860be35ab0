"""The verbeterplan, read-only: its stage and end date, the targets, the verdicts of the voortgangsreview, a round's
progress."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date
from decimal import Decimal

from flask import g, has_app_context
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from ..dates import AMSTERDAM, today
from ..domain.evaluations import EvaluationStatus
from ..domain.plans import ActionStatus, PlanStage, Progress, plan_end, plan_stage
from ..extensions import db
from ..models import Evaluation, ImprovementAction, PeerReport, PlanTarget, RecommendationVerdict

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
