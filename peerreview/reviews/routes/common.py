"""What every page of the blueprint shares: the log-in, an evaluation loaded with its team (``Loaded``), the
refusal of a form outside its stage, and the delete buttons of the team's pages."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, request
from flask_login import current_user, login_required
from wtforms import SelectChoice

from ...domain import permissions
from ...domain.questionnaire import Questionnaire
from ...domain.reviews import TeamFacts
from ...evaluation.lifecycle import load_evaluation, questionnaire_of
from ...evaluation.team import facts, team_members
from ...models import Evaluation, TeamMember
from ...web import attempt, require, require_csrf
from .. import bp


@bp.before_request
@login_required
def require_login():
    return None


@dataclass
class Loaded:
    evaluation: Evaluation
    questionnaire: Questionnaire
    members: list[TeamMember]
    team: TeamFacts

    @property
    def is_chair(self) -> bool:
        return permissions.is_chair(current_user, self.team)


def load(evaluation_id: int) -> Loaded:
    evaluation = load_evaluation(evaluation_id)
    if evaluation is None:
        abort(404)
    members = team_members(evaluation)
    return Loaded(evaluation, questionnaire_of(evaluation), members, facts(members))


def not_now(message: str, back: str):
    """A team member's form that cannot be used in this stage: on opening, say so and go back; a form that was
    already open is posted on, so the service refuses it and what was typed is shown again."""
    if request.method == "GET":
        flash(message, "warning")
        return redirect(back)
    return None


def theme_choices(questionnaire: Questionnaire) -> list[SelectChoice]:
    return [SelectChoice(s.id, f"{s.number}. {s.title}") for s in questionnaire.sections]


def delete_button(evaluation_id: int, object_id: int, find, remove, done: str, back: str):
    """A delete button of the team's pages: the object must belong to this evaluation (else 404)."""
    loaded = load(evaluation_id)
    require(permissions.can_view_review(current_user, loaded.evaluation, loaded.team))
    row = find(loaded.evaluation, object_id)
    if row is None:
        abort(404)
    require_csrf()
    if attempt(lambda: remove(current_user, loaded.evaluation, row)):
        flash(done, "success")
    return redirect(back)
