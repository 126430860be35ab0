"""The team's working pages: the review's overview, a member's own scores, and the team's consensus."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...domain import permissions
from ...domain.reviews import review_items, team_proposal
from ...domain.scoring import spread
from ...evaluation.team import recommendations, report_of, self_scores
from ...forms import EmptyForm
from ...web import Problems, attempt, require
from .. import bp, services
from .. import entries as entry_services
from .common import load


@bp.route("/evaluations/<int:evaluation_id>/review")
def review(evaluation_id: int):
    loaded = load(evaluation_id)
    evaluation, questionnaire = loaded.evaluation, loaded.questionnaire
    require(permissions.can_view_review(current_user, evaluation, loaded.team))
    items = review_items(questionnaire)
    mine = {k: v.data for k, v in services.own_scores(evaluation, current_user).items()}
    team_scores = services.team_scores(evaluation)
    rows = entry_services.entries(evaluation)
    return render_template(
        "reviews/review.html", evaluation=evaluation, questionnaire=questionnaire, loaded=loaded, items=items,
        mine=mine, team_scores=team_scores, entries=rows, by_theme=entry_services.entries_by_theme(rows),
        self_scores=self_scores(evaluation, questionnaire), report=report_of(evaluation),
        recommendation_count=len(recommendations(evaluation)),
        can_score=permissions.can_score(current_user, evaluation, loaded.team),
        can_log=permissions.can_log_entries(current_user, evaluation, loaded.team),
        can_set=permissions.can_set_team_scores(current_user, evaluation, loaded.team),
        can_write=permissions.can_write_report(current_user, evaluation, loaded.team),
        can_read_findings=permissions.can_read_team_findings(current_user, evaluation, loaded.team))


def _read_scores(items, second: str) -> dict[str, tuple[object, str | None]]:
    return {item.id: (request.form.get(f"{item.id}-value"), request.form.get(f"{item.id}-{second}"))
            for item in items if f"{item.id}-value" in request.form or f"{item.id}-{second}" in request.form}


@bp.route("/evaluations/<int:evaluation_id>/review/scores", methods=["GET", "POST"])
def scores(evaluation_id: int):
    loaded = load(evaluation_id)
    evaluation, questionnaire = loaded.evaluation, loaded.questionnaire
    require(permissions.can_view_review(current_user, evaluation, loaded.team))
    items = review_items(questionnaire)
    form = EmptyForm()
    problems = Problems()
    typed: dict[str, tuple[object, str | None]] = {}
    status = 200
    kept = False
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        typed = _read_scores(items, "rationale")
        submitting = request.form.get("action") == "submit"
        done = attempt(lambda: services.save_own_scores(current_user, evaluation, questionnaire, typed),
                       report=problems)
        if done and submitting:  # what was typed is kept (committed), even when the submission is refused below
            typed = {}
            kept = True
            loaded = load(evaluation_id)
            evaluation = loaded.evaluation
            done = attempt(lambda: services.submit_own_scores(current_user, evaluation, questionnaire),
                           report=problems)
        if done and submitting:
            flash(_("Uw scores zijn ingediend. U ziet nu de scores van de andere teamleden die al hebben "
                    "ingediend."), "success")
            return redirect(url_for(".review", evaluation_id=evaluation.id))
        if done:
            flash(_("Uw scores zijn opgeslagen. Dien ze in zodra elk onderdeel een score en onderbouwing heeft."),
                  "success")
            return redirect(url_for(".scores", evaluation_id=evaluation.id))
        status = 422
    stored = {k: v.data for k, v in services.own_scores(evaluation, current_user).items()}
    rows = entry_services.entries(evaluation)
    return render_template(
        "reviews/scores.html", evaluation=evaluation, questionnaire=questionnaire, loaded=loaded, items=items,
        stored=stored, typed=typed, errors=problems.by_field, general=problems.general, form=form, kept=kept,
        by_theme=entry_services.entries_by_theme(rows), self_scores=self_scores(evaluation, questionnaire),
        can_score=permissions.can_score(current_user, evaluation, loaded.team),
        submitted=loaded.team.has_submitted(current_user.id)), status


@bp.route("/evaluations/<int:evaluation_id>/review/consensus", methods=["GET", "POST"])
def consensus(evaluation_id: int):
    loaded = load(evaluation_id)
    evaluation, questionnaire = loaded.evaluation, loaded.questionnaire
    require(permissions.can_view_review(current_user, evaluation, loaded.team))
    require(permissions.can_see_member_scores(current_user, evaluation, loaded.team))
    items = review_items(questionnaire)
    form = EmptyForm()
    problems = Problems()
    typed: dict[str, tuple[object, str | None]] = {}
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        typed = _read_scores(items, "motivation")
        done = attempt(lambda: services.save_team_scores(current_user, evaluation, questionnaire, typed),
                       report=problems)
        if done:
            flash(_("De scores van het team zijn opgeslagen (%(n)s gewijzigd).", n=done.value), "success")
            return redirect(url_for(".consensus", evaluation_id=evaluation.id))
        status = 422
    given = services.member_scores(evaluation, loaded.members)
    spreads = {item.id: spread([s.data.value for s in given.get(item.id, [])]) for item in items}
    proposals = {item.id: team_proposal(s.data.value for s in given.get(item.id, [])) for item in items}
    team_scores = services.team_scores(evaluation)
    rows = entry_services.entries(evaluation)
    return render_template(
        "reviews/consensus.html", evaluation=evaluation, questionnaire=questionnaire, loaded=loaded, items=items,
        given=given, spreads=spreads, proposals=proposals, team_scores=team_scores, typed=typed,
        errors=problems.by_field, general=problems.general, form=form, by_theme=entry_services.entries_by_theme(rows),
        self_scores=self_scores(evaluation, questionnaire),
        not_submitted=[m for m in loaded.members if m.scores_submitted_at is None],
        can_set=permissions.can_set_team_scores(current_user, evaluation, loaded.team)), status
