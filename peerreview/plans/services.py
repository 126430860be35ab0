"""The verbeterplan's services: load and store, call the rules in ``domain.plans`` and ``domain.permissions``,
record every change in the evaluation's history. They flush; the view commits once.

Every write re-checks the evaluation's stage after writing (``still_in``), so a change never lands in a plan whose
report was reopened meanwhile; the plan period (a date) is checked before writing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from ..dates import today
from ..domain import permissions
from ..domain.errors import DomainError, InvalidValue, NotAllowed, raise_collected
from ..domain.plans import (
    ActionData,
    ActionFilter,
    ActionStatus,
    NoteData,
    PlanStage,
    Progress,
    VerdictData,
    check_target,
    days_overdue,
    is_overdue,
    order_actions,
    parse_filter,
    progress,
    progress_by_theme,
)
from ..domain.questionnaire import Questionnaire
from ..domain.results import peer_scores
from ..domain.reviews import TeamFacts
from ..evaluation.history import record_event
from ..evaluation.lifecycle import questionnaire_of, still_in
from ..evaluation.plan import (
    PLAN_STATUSES,
    RecommendationRow,
    actions,
    plan_end_of,
    previous_evaluation,
    recommendation_rows,
    stage_of,
)
from ..evaluation.plan import targets as targets_of
from ..evaluation.plan import verdicts as verdicts_of
from ..evaluation.team import recommendations as recommendations_of
from ..evaluation.team import section_self_scores, team_of
from ..extensions import db
from ..models import (
    ActionNote,
    ActionRecommendation,
    ActionTheme,
    Evaluation,
    ImprovementAction,
    PlanTarget,
    Recommendation,
    RecommendationVerdict,
    Round,
    TeamScore,
    User,
)
from ..models.types import utcnow
from ..templating import format_date, format_datetime


class EditConflict(DomainError):
    """Someone else saved the action since the page was loaded."""


def _changed_meanwhile() -> str:
    return _("Het rapport van deze evaluatie is intussen heropend; het verbeterplan ligt stil tot het opnieuw is "
             "gepubliceerd. Er is niets opgeslagen.")


# ---------------------------------------------------------------- stage and permissions


def _require_editing(actor: User, evaluation: Evaluation) -> None:
    stage = stage_of(evaluation)
    if permissions.can_edit_plan(actor, evaluation, stage):
        return
    if not permissions.is_own_gemeente(actor, evaluation):
        raise NotAllowed(_("Alleen de trekker en de bijdragers van de gemeente wijzigen het verbeterplan."))
    if stage is PlanStage.not_started:
        raise NotAllowed(_("Het verbeterplan begint zodra het rapport van het peer team is gepubliceerd; er is niets "
                           "opgeslagen."))
    raise NotAllowed(_("De planperiode van deze ronde is voorbij (tot en met %(d)s): het verbeterplan ligt vast voor "
                       "de voortgangsreview. Er is niets opgeslagen.", d=_nl(plan_end_of(evaluation))))


def _nl(value: date) -> str:
    return format_date(value)


def _still_running(evaluation: Evaluation) -> None:
    still_in(evaluation, PLAN_STATUSES, _changed_meanwhile())


def _flush(message: str) -> None:
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise EditConflict(message) from None


# ---------------------------------------------------------------- reading


def action(evaluation: Evaluation, action_id: int) -> ImprovementAction | None:
    """An action of this evaluation's plan; ``None`` for an unknown id or one of another plan."""
    row = db.session.scalar(
        select(ImprovementAction).where(ImprovementAction.id == action_id,
                                        ImprovementAction.evaluation_id == evaluation.id)
        .options(selectinload(ImprovementAction.themes), selectinload(ImprovementAction.links),
                 selectinload(ImprovementAction.notes).joinedload(ActionNote.author),
                 joinedload(ImprovementAction.updated_by)))
    return row


def recommendation_themes(recommendations: list[Recommendation]) -> dict[int, tuple[str, ...]]:
    """What ``domain.plans.check_action`` checks an action's recommendations against: this report's only."""
    return {r.id: r.section_ids for r in recommendations}


# ---------------------------------------------------------------- writing: actions


def _write_action(row: ImprovementAction, data: ActionData, actor: User) -> None:
    row.title, row.description, row.owner, row.owner_kind = data.title, data.description, data.owner, data.owner_kind
    row.start_on, row.due_on = data.start_on, data.due_on
    row.updated_at, row.updated_by_id = utcnow(), actor.id
    if set(row.section_ids) != set(data.section_ids):
        row.themes = [ActionTheme(section_id=s) for s in data.section_ids]
    if row.recommendation_ids != data.recommendation_ids:
        row.links = [ActionRecommendation(recommendation_id=r) for r in data.recommendation_ids]


def _details(data: ActionData) -> dict[str, Any]:
    return {"title": data.title, "owner": data.owner, "start_on": data.start_on.isoformat(),
            "due_on": data.due_on.isoformat(), "recommendations": list(data.recommendation_ids),
            "themes": list(data.section_ids)}


def add_action(actor: User, evaluation: Evaluation, data: ActionData) -> ImprovementAction:
    _require_editing(actor, evaluation)
    row = ImprovementAction(evaluation_id=evaluation.id, created_by_id=actor.id, status=ActionStatus.planned)
    _write_action(row, data, actor)
    db.session.add(row)
    db.session.flush()
    record_event(evaluation, actor, "plan_action_added", subject=f"action:{row.id}", details=_details(data))
    _still_running(evaluation)
    return row


def _conflict(row: ImprovementAction) -> EditConflict:
    who = row.updated_by.name if row.updated_by else _("iemand anders")
    return EditConflict(_("%(who)s heeft deze actie intussen gewijzigd (%(when)s). Er is niets opgeslagen; uw invoer "
                          "staat nog in het formulier. Vergelijk met wat nu is opgeslagen en sla opnieuw op.",
                          who=who, when=_nl_time(row.updated_at)))


def _nl_time(value: Any) -> str:
    return format_datetime(value)


def _check_version(row: ImprovementAction, version: int | None) -> None:
    """The version the form was opened with must be the stored one. A form without a (readable) version is
    treated as stale: saving it could overwrite someone else's change unseen."""
    if version is None:
        raise EditConflict(_("Dit formulier is niet meer actueel; er is niets opgeslagen. Laad de pagina opnieuw "
                             "en sla uw wijziging dan nog eens op."))
    if version != row.version:
        raise _conflict(row)


def update_action(actor: User, evaluation: Evaluation, row: ImprovementAction, data: ActionData,
                  version: int | None) -> None:
    _require_editing(actor, evaluation)
    _check_version(row, version)
    _write_action(row, data, actor)
    record_event(evaluation, actor, "plan_action_changed", subject=f"action:{row.id}", details=_details(data))
    _flush(_("Iemand anders heeft deze actie zojuist gewijzigd; er is niets opgeslagen. Laad de pagina opnieuw."))
    _still_running(evaluation)


def set_status(actor: User, evaluation: Evaluation, row: ImprovementAction, status: ActionStatus, reason: str,
               version: int | None) -> None:
    _require_editing(actor, evaluation)
    _check_version(row, version)
    before = row.status
    if status is ActionStatus.done and before is not ActionStatus.done:
        row.completed_on = today()
    elif status is not ActionStatus.done:
        row.completed_on = None
    row.status, row.status_reason = status, reason
    row.updated_at, row.updated_by_id = utcnow(), actor.id
    record_event(evaluation, actor, "plan_action_status", subject=f"action:{row.id}",
                 details={"from": before.value, "to": status.value, "reason": reason})
    _flush(_("Iemand anders heeft deze actie zojuist gewijzigd; er is niets opgeslagen. Laad de pagina opnieuw."))
    _still_running(evaluation)


def add_note(actor: User, evaluation: Evaluation, row: ImprovementAction, data: NoteData) -> ActionNote:
    _require_editing(actor, evaluation)
    note = ActionNote(action_id=row.id, noted_on=data.noted_on, text=data.text, author_id=actor.id)
    db.session.add(note)
    db.session.flush()
    record_event(evaluation, actor, "plan_action_note", subject=f"action:{row.id}",
                 details={"noted_on": data.noted_on.isoformat(), "length": len(data.text)})
    _still_running(evaluation)
    return note


# ---------------------------------------------------------------- writing: targets


def target_sections(questionnaire: Questionnaire) -> list:
    """The themes a target can be set for: every section (knelpunten and the coordinator profile)."""
    return list(questionnaire.sections)


def save_targets(actor: User, evaluation: Evaluation, questionnaire: Questionnaire,
                 raw: Mapping[str, object]) -> int:
    """Check every theme first; store nothing when one is wrong. An emptied target is removed."""
    _require_editing(actor, evaluation)
    checked: dict[str, int | None] = {}
    problems: list[DomainError] = []
    for section in target_sections(questionnaire):
        if section.id not in raw:
            continue
        try:
            checked[section.id] = check_target(questionnaire.scale, raw[section.id], f"target-{section.id}")
        except DomainError as error:
            problems.append(error)
    raise_collected(problems)
    stored = {row.section_id: row for row in db.session.scalars(
        select(PlanTarget).where(PlanTarget.evaluation_id == evaluation.id))}
    changed: dict[str, list[int | None]] = {}
    for section_id, value in checked.items():
        row = stored.get(section_id)
        if row is None and value is None or row is not None and row.target == value:
            continue
        changed[section_id] = [row.target if row else None, value]
        if value is None:
            db.session.delete(row)
        elif row is None:
            db.session.add(PlanTarget(evaluation_id=evaluation.id, section_id=section_id, target=value,
                                      updated_by_id=actor.id))
        else:
            row.target, row.updated_at, row.updated_by_id = value, utcnow(), actor.id
    if changed:
        record_event(evaluation, actor, "plan_targets", details={"changed": changed})
    db.session.flush()
    _still_running(evaluation)
    return len(changed)


# ---------------------------------------------------------------- the voortgangsreview


def _require_verdicts(actor: User, evaluation: Evaluation, team: TeamFacts) -> None:
    stage = stage_of(evaluation)
    if permissions.can_record_verdicts(actor, evaluation, team, stage):
        return
    if not permissions.is_chair(actor, team):
        raise NotAllowed(_("Alleen de voorzitter van het peer team geeft het oordeel van de voortgangsreview."))
    if stage is PlanStage.running:
        raise NotAllowed(_("De voortgangsreview begint na de planperiode van de ronde (na %(d)s); er is niets "
                           "opgeslagen.", d=_nl(evaluation.round.plan_due)))
    raise NotAllowed(_("Er is (nog) geen gepubliceerd rapport; er is niets opgeslagen."))


def save_verdicts(actor: User, evaluation: Evaluation, team: TeamFacts,
                  checked: Mapping[int, VerdictData | None]) -> int:
    """``checked`` holds, per recommendation of *this* evaluation, the checked verdict (``None``: none given)."""
    _require_verdicts(actor, evaluation, team)
    own = {r.id for r in recommendations_of(evaluation)}
    if set(checked) - own:
        raise InvalidValue(_("Geef alleen een oordeel over de aanbevelingen van dit rapport."))
    stored = verdicts_of(evaluation)
    changed = 0
    for recommendation_id, data in checked.items():
        row = stored.get(recommendation_id)
        if data is None or row is not None and (row.verdict, row.note) == (data.verdict, data.note):
            continue
        before = row.verdict.value if row is not None else None
        if row is None:
            row = RecommendationVerdict(recommendation_id=recommendation_id, evaluation_id=evaluation.id,
                                        verdict=data.verdict, note=data.note)
            db.session.add(row)
        row.verdict, row.note, row.decided_at, row.decided_by_id = data.verdict, data.note, utcnow(), actor.id
        record_event(evaluation, actor, "plan_verdict", subject=f"recommendation:{recommendation_id}",
                     details={"from": before, "to": data.verdict.value})
        changed += 1
    db.session.flush()
    still_in(evaluation, PLAN_STATUSES, _changed_meanwhile())
    return changed


# ---------------------------------------------------------------- what the pages show


@dataclass(frozen=True)
class ActionRow:
    action: ImprovementAction
    is_overdue: bool
    days_overdue: int


@dataclass(frozen=True)
class ScoreRow:
    section: Any
    previous_target: int | None
    self_score: Any
    peer_score: Any
    target: int | None
    next_self: Any = None
    next_peer: Any = None


@dataclass
class PlanPage:
    evaluation: Evaluation
    questionnaire: Questionnaire
    stage: PlanStage
    today: date
    rows: list[ActionRow]
    shown: list[ActionRow]
    overall: Progress
    by_theme: dict[str, Progress]
    recommendations: list[RecommendationRow]
    open_count: int
    owners: list[str]
    scores: list[ScoreRow]
    previous: Evaluation | None
    following: Evaluation | None
    filter: ActionFilter = field(default_factory=ActionFilter)


def _action_rows(rows: list[ImprovementAction], on: date) -> list[ActionRow]:
    by_id = {row.id: row for row in rows}
    ordered = order_actions((row.facts for row in rows), on)
    return [ActionRow(by_id[f.id], is_overdue(f.status, f.due_on, on), days_overdue(f.status, f.due_on, on))
            for f in ordered]


def peer_section_scores(evaluation: Evaluation, questionnaire: Questionnaire) -> dict[str, int | Decimal]:
    """The team's score per section, by the result report's rule (``domain.results.peer_scores``): a knelpunt's
    own score, and for the coordinator profile the mean of its elements' scores (one decimal). A knelpunt's score
    stays the whole level it is (the plan's tables show a level as "3", a mean as "2,5")."""
    values = dict(db.session.execute(
        select(TeamScore.item_id, TeamScore.value).where(TeamScore.evaluation_id == evaluation.id)).all())
    scores = peer_scores(questionnaire, values)
    return {section.id: score if section.is_profile else int(score) for section in questionnaire.sections
            if (score := scores.get(section.id)) is not None}


def next_evaluation(evaluation: Evaluation) -> Evaluation | None:
    """The same gemeente's first later evaluation (the next round), in whatever stage."""
    return db.session.scalar(
        select(Evaluation).where(Evaluation.municipality_id == evaluation.municipality_id,
                                 Evaluation.id != evaluation.id, Evaluation.created_at > evaluation.created_at)
        .options(joinedload(Evaluation.round).joinedload(Round.region), joinedload(Evaluation.municipality))
        .order_by(Evaluation.created_at, Evaluation.id).limit(1))


def score_rows(viewer: User, evaluation: Evaluation, questionnaire: Questionnaire, previous: Evaluation | None,
               following: Evaluation | None) -> list[ScoreRow]:
    """Target versus actual per theme: the previous round's target against this round's self and peer scores,
    and this plan's target against the next round's scores where the viewer may see them."""
    own_targets = targets_of(evaluation)
    previous_targets = targets_of(previous) if previous is not None else {}
    self_scores = section_self_scores(evaluation, questionnaire)
    peer = peer_section_scores(evaluation, questionnaire)
    next_self: dict[str, Any] = {}
    next_peer: dict[str, Any] = {}
    if following is not None:
        next_questionnaire = questionnaire_of(following)
        if permissions.can_view_consensus(viewer, following):
            next_self = section_self_scores(following, next_questionnaire)
        if permissions.can_view_report(viewer, following, None):
            next_peer = peer_section_scores(following, next_questionnaire)
    return [ScoreRow(s, previous_targets.get(s.id), self_scores.get(s.id), peer.get(s.id),
                     own_targets.get(s.id), next_self.get(s.id), next_peer.get(s.id))
            for s in target_sections(questionnaire)]


def plan_page(viewer: User, evaluation: Evaluation, questionnaire: Questionnaire,
              raw_filter: Mapping[str, str | None]) -> PlanPage:
    """Everything the plan page shows; a constant number of queries, whatever the number of actions."""

    on = today()
    rows = actions(evaluation)
    recommendations = recommendations_of(evaluation)
    action_rows = _action_rows(rows, on)
    facts = [row.facts for row in rows]
    owners = sorted({row.owner for row in rows}, key=str.casefold)
    chosen = parse_filter(raw_filter.get("theme"), raw_filter.get("owner"), raw_filter.get("status"),
                          themes=[s.id for s in questionnaire.sections], owners=owners)
    shown = [r for r in action_rows if chosen.matches(r.action.facts)]
    recommendation_list = recommendation_rows(recommendations, rows, verdicts_of(evaluation))
    previous = previous_evaluation(evaluation)
    if previous is not None and not permissions.can_view_plan(viewer, previous, team_of(previous)):
        previous = None  # e.g. a chair who was not in the previous round's team: nothing of that plan
    following = next_evaluation(evaluation)
    return PlanPage(
        evaluation=evaluation, questionnaire=questionnaire, stage=stage_of(evaluation, on), today=on,
        rows=action_rows, shown=shown, overall=progress(facts, on),
        by_theme=progress_by_theme(facts, [s.id for s in questionnaire.sections], on),
        recommendations=recommendation_list, open_count=sum(1 for r in recommendation_list if r.is_open),
        owners=owners, scores=score_rows(viewer, evaluation, questionnaire, previous, following),
        previous=previous, following=following, filter=chosen)
