"""The published report: reading it (with the plan's follow-up of each recommendation), the gemeente's reaction
and closing the evaluation."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...domain import permissions
from ...domain.reviews import Confidentiality, review_items
from ...evaluation.plan import report_links
from ...evaluation.team import recommendations, report_of, self_scores
from ...forms import EmptyForm
from ...web import attempt, flash_refusal, require, require_csrf
from .. import bp, services
from .. import entries as entry_services
from .. import report as report_services
from ..forms import ReactionForm
from .common import Loaded, load


def _render_report(loaded: Loaded, reaction_form: ReactionForm | None = None, status: int = 200):
    """The report page; the reaction form shows what is stored unless a refused reaction is passed back."""
    evaluation, questionnaire = loaded.evaluation, loaded.questionnaire
    peer_report = report_of(evaluation)
    reaction_form = reaction_form or ReactionForm(obj=peer_report)
    quotable = [r for r in entry_services.entries(evaluation) if r.confidentiality is Confidentiality.quotable]
    shown = recommendations(evaluation)
    # Per recommendation the plan's actions and verdict, for those who may read the plan.
    links = (report_links(evaluation) if shown and evaluation.status.is_report_published
             and permissions.can_view_plan(current_user, evaluation, loaded.team) else None)
    return render_template(
        "reviews/report.html", evaluation=evaluation, questionnaire=questionnaire, loaded=loaded,
        items=review_items(questionnaire), report=peer_report,
        team_scores=services.team_scores(evaluation), self_scores=self_scores(evaluation, questionnaire),
        recommendations=shown, plan_links=links, quotable=quotable,
        in_team=permissions.is_team_member(current_user, loaded.team), reaction_form=reaction_form,
        close_form=EmptyForm(), can_react=permissions.can_react(current_user, evaluation),
        can_close=permissions.can_close(current_user, evaluation),
        can_reopen=permissions.can_reopen(current_user, evaluation)), status


@bp.route("/evaluations/<int:evaluation_id>/report")
def report(evaluation_id: int):
    loaded = load(evaluation_id)
    require(permissions.can_view_report(current_user, loaded.evaluation, loaded.team))
    return _render_report(loaded)


@bp.route("/evaluations/<int:evaluation_id>/report/reaction", methods=["POST"])
def reaction(evaluation_id: int):
    loaded = load(evaluation_id)
    evaluation = loaded.evaluation
    require(permissions.can_view_report(current_user, evaluation, loaded.team))
    require(permissions.is_lead_of(current_user, evaluation))
    form = ReactionForm()
    if not form.validate_on_submit():
        abort(400)
    done = attempt(lambda: report_services.save_reaction(current_user, evaluation, form.reaction.data), form)
    if not done:
        flash_refusal(done.error)  # above the page too: the form is at its foot
        return _render_report(load(evaluation_id), form, 422)
    flash(_("Uw bestuurlijke reactie is opgeslagen. De regio en het peer team lezen haar bij het rapport."),
          "success")
    return redirect(url_for(".report", evaluation_id=evaluation.id) + "#reactie")


@bp.route("/evaluations/<int:evaluation_id>/close", methods=["POST"])
def close(evaluation_id: int):
    loaded = load(evaluation_id)
    evaluation = loaded.evaluation
    require(permissions.is_coordinator_of(current_user, evaluation.region_id))
    require_csrf()
    if attempt(lambda: report_services.close(current_user, evaluation)):
        flash(_("De evaluatie van %(m)s is afgesloten.", m=evaluation.municipality.name), "success")
    return redirect(url_for(".report", evaluation_id=evaluation.id))
