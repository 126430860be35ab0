"""Loading an evaluation and its questionnaire, and the checks that a write still lands in the stage it was meant
for."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from ..domain.errors import DomainError, NotAllowed
from ..domain.evaluations import EvaluationStatus
from ..domain.questionnaire import Questionnaire
from ..extensions import db
from ..models import Evaluation, Round
from ..questionnaire_registry import get_questionnaire


def questionnaire_of_round(round_: Round) -> Questionnaire:
    return get_questionnaire(round_.questionnaire_key, round_.questionnaire_version, round_.questionnaire_hash)


def questionnaire_of(evaluation: Evaluation) -> Questionnaire:
    return questionnaire_of_round(evaluation.round)


def load_evaluation(evaluation_id: int) -> Evaluation | None:
    return db.session.scalar(
        select(Evaluation).where(Evaluation.id == evaluation_id)
        .options(joinedload(Evaluation.round).joinedload(Round.region), joinedload(Evaluation.municipality)))


def permitted_evaluation(evaluation_id: int, may: Callable[[Evaluation], bool]) -> Evaluation:
    """The evaluation a URL names, for a viewer that ``may`` see it: 404 when there is none, 403 otherwise (the
    error handler records the refusal in the audit log). ``may`` is a ``domain.permissions`` check bound to the
    viewer, e.g. ``lambda e: permissions.can_view_evaluation(current_user, e)``."""
    evaluation = load_evaluation(evaluation_id)
    if evaluation is None:
        abort(404)
    if not may(evaluation):
        abort(403)
    return evaluation


def load_round(round_id: int) -> Round | None:
    """A round with its region (the round's pages name it)."""
    return db.session.scalar(select(Round).where(Round.id == round_id).options(joinedload(Round.region)))


def evaluations_of_municipality(municipality_id: int | None) -> list[Evaluation]:
    if municipality_id is None:
        return []
    return list(db.session.scalars(
        select(Evaluation).where(Evaluation.municipality_id == municipality_id)
        .options(joinedload(Evaluation.round)).order_by(Evaluation.created_at.desc())))


def still_in(evaluation: Evaluation, statuses: tuple[EvaluationStatus, ...], message: str) -> None:
    """After writing: is the evaluation still in one of ``statuses``? Flushes, then reads the status with a share
    lock on PostgreSQL (a state change either waits for this write or is seen by it); on SQLite this transaction
    already holds the write lock, so none can commit in between. Otherwise everything is rolled back and refused
    with ``message``: a save never lands in an evaluation that was submitted, published or closed meanwhile."""
    db.session.flush()
    status = db.session.scalar(select(Evaluation.status).where(Evaluation.id == evaluation.id)
                               .with_for_update(read=True))
    if status not in statuses:
        db.session.rollback()
        raise NotAllowed(message)


def flush_state() -> None:
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise DomainError(_("De stand van deze evaluatie is intussen door iemand anders gewijzigd. "
                            "Bekijk de pagina opnieuw.")) from None
