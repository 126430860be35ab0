"""Rounds: the questionnaires offered for a new round, and a coordinator opening one for the region's members."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from ..domain import permissions
from ..domain.errors import DomainError, InvalidValue, NotAllowed, raise_collected
from ..domain.evaluations import (
    EvaluationStatus,
    RoundDates,
    check_round,
)
from ..domain.hearing import DEFAULT_TERM_DAYS, check_term_days
from ..domain.questionnaire import Questionnaire
from ..domain.text import one_line
from ..evaluation.rounds import region_members
from ..extensions import db
from ..models import (
    Evaluation,
    EvaluationEvent,
    Round,
    User,
)
from ..persistence import flush_or
from ..questionnaire_registry import record_use, registry


def offered_questionnaires() -> tuple[Questionnaire, ...]:
    return registry().offered()


def questionnaire_choice(ref: str) -> Questionnaire:
    """``key/version`` as the round form sends it; only versions offered for new rounds."""
    for questionnaire in offered_questionnaires():
        if f"{questionnaire.key}/{questionnaire.version}" == ref:
            return questionnaire
    raise InvalidValue(_("Kies een vragenlijst uit de lijst."), field="questionnaire")


@dataclass(frozen=True)
class RoundInput:
    name: str
    year: int | None
    questionnaire: str
    dates: RoundDates | None
    municipality_ids: Sequence[int]
    #: Days the gemeente has for the factual check of the concept, and again for the college's reaction.
    response_days: object = DEFAULT_TERM_DAYS


def open_round(actor: User, region_id: int, data: RoundInput, *, today: date) -> Round:
    if not permissions.can_open_round(actor, region_id):
        raise NotAllowed(_("Alleen de regiocoördinator van deze regio opent een ronde."))
    problems = check_round(data.name, data.year, data.dates, today=today)
    errors: list[DomainError] = [InvalidValue(p.message, field=p.field) for p in problems]
    questionnaire = None
    try:
        questionnaire = questionnaire_choice(data.questionnaire)
    except DomainError as error:
        errors.append(error)
    members = {m.id: m for m in region_members(region_id)}
    chosen = [members[i] for i in dict.fromkeys(data.municipality_ids) if i in members]
    if len(chosen) != len(set(data.municipality_ids)):
        errors.append(InvalidValue(_("Kies alleen gemeenten die lid zijn van uw regio."), field="municipality_ids"))
    elif not chosen:
        errors.append(InvalidValue(_("Kies minstens één gemeente die meedoet."), field="municipality_ids"))
    response_days = DEFAULT_TERM_DAYS
    try:
        response_days = check_term_days(data.response_days)
    except DomainError as error:
        errors.append(error)
    name = one_line(data.name)
    if name and db.session.scalar(select(Round.id).where(Round.region_id == region_id, Round.name == name)):
        errors.append(InvalidValue(_("Er is al een ronde met deze naam in uw regio."), field="name"))
    if errors:
        raise_collected(errors)
    record_use(questionnaire)
    round_ = Round(
        region_id=region_id, name=name, year=data.year, questionnaire_key=questionnaire.key,
        questionnaire_version=questionnaire.version, questionnaire_hash=questionnaire.content_hash,
        self_evaluation_due=data.dates.self_evaluation_due, peer_review_due=data.dates.peer_review_due,
        plan_due=data.dates.plan_due, response_days=response_days, created_by_id=actor.id,
    )
    db.session.add(round_)
    for municipality in chosen:
        evaluation = Evaluation(round=round_, municipality=municipality, status=EvaluationStatus.draft)
        db.session.add(evaluation)
        db.session.add(EvaluationEvent(evaluation=evaluation, actor_id=actor.id, kind="created",
                                       details={"round": name}))
    flush_or(InvalidValue(_("Er is al een ronde met deze naam in uw regio."), field="name"))
    return round_
