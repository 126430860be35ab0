"""The peer team, formed by the region coordinator: adding members (with the conflict-of-interest checks),
removing one, choosing the chair, and starting the review."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from ...domain import permissions
from ...domain.errors import InvalidValue
from ...domain.evaluations import STATE_EVENT_LABELS
from ...domain.reviews import Capacity, NeedsConfirmation, parse_choice
from ...evaluation.history import state_changes
from ...evaluation.team import team_members
from ...forms import EmptyForm
from ...models import Evaluation, TeamMember
from ...requests import form_id
from ...web import attempt, require, require_csrf
from .. import bp, notify, services
from ..forms import AddMemberForm
from .common import load


@bp.route("/evaluations/<int:evaluation_id>/team", methods=["GET", "POST"])
def team(evaluation_id: int):
    loaded = load(evaluation_id)
    evaluation = loaded.evaluation
    require(permissions.can_view_team(current_user, evaluation, loaded.team))
    can_form = permissions.can_form_team(current_user, evaluation)
    form = AddMemberForm()
    status = 200
    warnings: tuple[str, ...] = ()
    if request.method == "POST":
        require(permissions.is_coordinator_of(current_user, evaluation.region_id))
        if not form.validate_on_submit():
            abort(400)
        user_id = form_id(form.user_id.data)

        def add() -> TeamMember:
            if user_id is None:
                raise InvalidValue(_("Kies een peer reviewer."), field="user_id")
            capacity = parse_choice(Capacity, form.capacity.data, "capacity", _("Kies bestuurder of ambtenaar."))
            return services.add_member(current_user, evaluation, user_id, capacity=capacity,  # type: ignore[arg-type]
                                       as_chair=bool(form.as_chair.data), confirmed=bool(form.confirmed.data))

        try:
            done = attempt(add, form, raising=(NeedsConfirmation,))
        except NeedsConfirmation as error:
            warnings = error.warnings
        else:
            if done:
                member = done.value
                notify.member_added(evaluation, member)
                flash(_("%(name)s is toegevoegd aan het peer team van %(m)s.", name=member.user.name,
                        m=evaluation.municipality.name), "success")
                return redirect(url_for(".team", evaluation_id=evaluation.id))
        status = 422
        loaded = load(evaluation_id)
    candidates = services.candidates(evaluation, loaded.members) if can_form else []
    form.user_id.choices = [SelectChoice("", _("Kies een peer reviewer"))] + [
        SelectChoice(str(c.user.id), f"{c.user.name} ({c.user.municipality.name if c.user.municipality else '-'})")
        for c in candidates if not c.is_blocked]
    return render_template(
        "reviews/team.html", evaluation=evaluation, loaded=loaded, members=loaded.members, team=loaded.team, form=form,
        candidates=candidates, can_form=can_form, warnings=warnings, action_form=EmptyForm(),
        declared=services.declared_conflicts_in_team(evaluation, loaded.members) if can_form else {},
        can_start=permissions.can_start_review(current_user, evaluation, loaded.team),
        can_view_review=permissions.can_view_review(current_user, evaluation, loaded.team),
        timeline=list(reversed(state_changes([evaluation.id]).get(evaluation.id, []))),
        state_labels=STATE_EVENT_LABELS,
        policy=evaluation.round.region.reciprocal_review), status


def _team_action(evaluation_id: int, action, then=None) -> object:
    """A coordinator's button on the team page: ``action`` changes, ``then`` (optional) runs after the commit."""
    loaded = load(evaluation_id)
    require(permissions.is_coordinator_of(current_user, loaded.evaluation.region_id))
    require_csrf()
    done = attempt(lambda: action(loaded.evaluation))
    if done:
        if then is not None:
            then(loaded.evaluation)
        flash(done.value, "success")
    return redirect(url_for(".team", evaluation_id=evaluation_id))


@bp.route("/evaluations/<int:evaluation_id>/team/<int:member_id>/remove", methods=["POST"])
def remove_member(evaluation_id: int, member_id: int):
    return _team_action(evaluation_id, lambda e: _("%(name)s is uit het peer team gehaald.",
                                                   name=services.remove_member(current_user, e, member_id)))


@bp.route("/evaluations/<int:evaluation_id>/team/<int:member_id>/chair", methods=["POST"])
def make_chair(evaluation_id: int, member_id: int):
    return _team_action(evaluation_id, lambda e: _("%(name)s is nu voorzitter van het peer team.",
                                                   name=services.set_chair(current_user, e, member_id)))


@bp.route("/evaluations/<int:evaluation_id>/team/start", methods=["POST"])
def start_review(evaluation_id: int):
    def start(evaluation: Evaluation) -> str:
        services.start_review(current_user, evaluation)
        return _("De collegiale toetsing van %(m)s is gestart. Het peer team kan aan de slag.",
                 m=evaluation.municipality.name)

    return _team_action(evaluation_id, start,
                        then=lambda e: notify.review_started(e, team_members(e)))
