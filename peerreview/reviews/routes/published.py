"""The published report: reading it (with the college's reaction, the nawoord, the factual points and the plan's
follow-up of each recommendation) and closing the evaluation."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...domain import permissions
from ...domain.reviews import Confidentiality, review_items
from ...evaluation.plan import report_links
from ...evaluation.team import factual_points, recommendations, report_of, self_scores
from ...forms import EmptyForm
from ...web import attempt, require, require_csrf
from .. import bp, services
from .. import entries as entry_services
from .. import report as report_services
from .common import Loaded, load


def _render_report(loaded: Loaded, status: int = 200):
    """The report page: the team's draft for the team, the published report (with the college's reaction, the
    nawoord and the factual points as an annex) for the gemeente and region."""
    evaluation, questionnaire = loaded.evaluation, loaded.questionnaire
    peer_report = report_of(evaluation)
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
        in_team=permissions.is_team_member(current_user, loaded.team), points=factual_points(evaluation),
        as_concept=False, close_form=EmptyForm(), can_close=permissions.can_close(current_user, evaluation),
        can_reopen=permissions.can_reopen(current_user, evaluation)), status


@bp.route("/evaluations/<int:evaluation_id>/report")
def report(evaluation_id: int):
    loaded = load(evaluation_id)
    require(permissions.can_view_report(current_user, loaded.evaluation, loaded.team))
    return _render_report(loaded)


@bp.route("/evaluations/<int:evaluation_id>/close", methods=["POST"])
def close(evaluation_id: int):
    loaded = load(evaluation_id)
    evaluation = loaded.evaluation
    require(permissions.is_coordinator_of(current_user, evaluation.region_id))
    require_csrf()
    if attempt(lambda: report_services.close(current_user, evaluation)):
        flash(_("De evaluatie van %(m)s is afgesloten.", m=evaluation.municipality.name), "success")
    return redirect(url_for(".report", evaluation_id=evaluation.id))
