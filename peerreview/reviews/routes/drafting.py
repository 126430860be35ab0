"""The report, written by the chair: the judgement and strengths, the recommendations, and publication."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...domain import permissions
from ...domain.reviews import NeedsConfirmation, check_recommendation
from ...evaluation.team import recommendations, report_of
from ...forms import EmptyForm
from ...web import attempt, require, require_csrf
from .. import bp, hearing, notify
from .. import report as report_services
from ..forms import ConceptForm, JudgementForm, RecommendationForm
from .common import Loaded, delete_button, load, not_now, theme_choices


@bp.route("/evaluations/<int:evaluation_id>/review/report", methods=["GET", "POST"])
def report_draft(evaluation_id: int):
    loaded = load(evaluation_id)
    evaluation = loaded.evaluation
    require(permissions.can_view_review(current_user, evaluation, loaded.team))
    if not (permissions.can_read_team_findings(current_user, evaluation, loaded.team)
            or permissions.can_write_report(current_user, evaluation, loaded.team)):
        require(request.method == "GET")
        return render_template("reviews/report_draft.html", evaluation=evaluation, questionnaire=loaded.questionnaire,
                               loaded=loaded, locked=True, can_write=False)
    report = report_of(evaluation)
    form = JudgementForm(obj=report)
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if attempt(lambda: report_services.save_judgement(current_user, evaluation, form.judgement.data,
                                                          form.strengths.data, form.documents.data), form):
            flash(_("Het oordeel en de sterke punten zijn opgeslagen."), "success")
            return redirect(url_for(".report_draft", evaluation_id=evaluation.id))
        status = 422
    return render_template(
        "reviews/report_draft.html", evaluation=evaluation, questionnaire=loaded.questionnaire, loaded=loaded,
        form=form, recommendations=recommendations(evaluation), action_form=EmptyForm(),
        can_write=permissions.can_write_report(current_user, evaluation, loaded.team)), status


def _recommendation_form(loaded: Loaded, row=None):
    evaluation, questionnaire = loaded.evaluation, loaded.questionnaire
    form = RecommendationForm()
    form.themes.choices = theme_choices(questionnaire)
    if request.method == "GET" and row is not None:
        form.text.data = row.text
        form.themes.data = list(row.section_ids)
        form.priority.data = row.priority.value
        form.addressee.data = row.addressee.value
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        def save() -> None:
            data = check_recommendation(questionnaire, text=form.text.data, section_ids=form.themes.data or [],
                                        priority=form.priority.data, addressee=form.addressee.data)
            if row is None:
                report_services.add_recommendation(current_user, evaluation, data)
            else:
                report_services.update_recommendation(current_user, evaluation, row, data)

        if attempt(save, form):
            flash(_("De aanbeveling is opgeslagen."), "success")
            return redirect(url_for(".report_draft", evaluation_id=evaluation.id) + "#aanbevelingen")
        status = 422
    external = [s for s in questionnaire.sections if s.external]
    return render_template("reviews/recommendation_form.html", evaluation=evaluation, questionnaire=questionnaire,
                           loaded=loaded, form=form, row=row, external=external), status


def _chair_only_now(loaded: Loaded):
    """Recommendation forms: the chair only (others 403); outside the review the chair is told why."""
    require(permissions.can_view_review(current_user, loaded.evaluation, loaded.team) and loaded.is_chair)
    if permissions.can_write_report(current_user, loaded.evaluation, loaded.team):
        return None
    return not_now(_("Aanbevelingen schrijven kan alleen zolang de collegiale toetsing loopt."),
                    url_for(".report_draft", evaluation_id=loaded.evaluation.id))


@bp.route("/evaluations/<int:evaluation_id>/review/recommendations/new", methods=["GET", "POST"])
def new_recommendation(evaluation_id: int):
    loaded = load(evaluation_id)
    refusal = _chair_only_now(loaded)
    return refusal if refusal is not None else _recommendation_form(loaded)


@bp.route("/evaluations/<int:evaluation_id>/review/recommendations/<int:recommendation_id>",
          methods=["GET", "POST"])
def edit_recommendation(evaluation_id: int, recommendation_id: int):
    loaded = load(evaluation_id)
    refusal = _chair_only_now(loaded)
    if refusal is not None:
        return refusal
    row = report_services.recommendation(loaded.evaluation, recommendation_id)
    if row is None:
        abort(404)
    return _recommendation_form(loaded, row)


@bp.route("/evaluations/<int:evaluation_id>/review/recommendations/<int:recommendation_id>/delete",
          methods=["POST"])
def delete_recommendation(evaluation_id: int, recommendation_id: int):
    return delete_button(evaluation_id, recommendation_id, report_services.recommendation,
                   report_services.delete_recommendation, _("De aanbeveling is verwijderd."),
                   url_for(".report_draft", evaluation_id=evaluation_id) + "#aanbevelingen")


@bp.route("/evaluations/<int:evaluation_id>/review/publish")
def publish_page(evaluation_id: int):
    """Afronden: the checklist and sending the concept to the gemeente; after hoor en wederhoor, the preview and
    publication."""
    loaded = load(evaluation_id)
    require(permissions.can_view_review(current_user, loaded.evaluation, loaded.team))
    require(loaded.is_chair or permissions.can_read_team_findings(current_user, loaded.evaluation, loaded.team))
    return _render_publish(loaded)


def _render_publish(loaded: Loaded, form: ConceptForm | None = None, *, needs_confirmation: bool = False,
                    status: int = 200):
    evaluation = loaded.evaluation
    form = form or ConceptForm()
    check = report_services.publication_state(evaluation, loaded.questionnaire, loaded.members)
    form.token.data = check.confirmation_token
    form.confirmed.data = False
    return render_template(
        "reviews/publish.html", evaluation=evaluation, loaded=loaded, check=check, form=form,
        needs_confirmation=needs_confirmation, report=report_of(evaluation),
        refusal=report_services.refusal_of(current_user, evaluation, check, loaded.team),
        can_send=permissions.can_send_concept(current_user, evaluation, loaded.team),
        can_set_team_scores=permissions.can_set_team_scores(current_user, evaluation, loaded.team),
        can_publish=permissions.can_publish(current_user, evaluation, loaded.team),
        action_form=EmptyForm()), status


@bp.route("/evaluations/<int:evaluation_id>/review/concept", methods=["POST"])
def send_concept(evaluation_id: int):
    loaded = load(evaluation_id)
    evaluation = loaded.evaluation
    require(permissions.can_view_review(current_user, evaluation, loaded.team) and loaded.is_chair)
    form = ConceptForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        done = attempt(lambda: hearing.send_concept(current_user, evaluation, loaded.questionnaire,
                                                    form.token.data if form.confirmed.data else None),
                       raising=(NeedsConfirmation,))
    except NeedsConfirmation as error:
        flash(error.message, "warning")
        return _render_publish(load(evaluation_id), form, needs_confirmation=True, status=422)
    if not done:
        return _render_publish(load(evaluation_id), form, status=422)
    notify.concept_sent(evaluation)
    flash(_("Het concept ligt nu ter feitelijke controle bij %(m)s, tot en met %(d)s.",
            m=evaluation.municipality.name, d=report_of(evaluation).term_due.strftime("%d-%m-%Y")), "success")
    return redirect(url_for(".hearing", evaluation_id=evaluation.id))


@bp.route("/evaluations/<int:evaluation_id>/review/publish", methods=["POST"])
def publish(evaluation_id: int):
    loaded = load(evaluation_id)
    evaluation = loaded.evaluation
    require(permissions.can_view_review(current_user, evaluation, loaded.team) and loaded.is_chair)
    require_csrf()
    if not attempt(lambda: hearing.publish(current_user, evaluation)):
        return _render_publish(load(evaluation_id), status=422)
    notify.report_published(evaluation)
    flash(_("Het rapport is gepubliceerd. %(m)s en de regio kunnen het nu lezen.",
            m=evaluation.municipality.name), "success")
    return redirect(url_for(".report", evaluation_id=evaluation.id))
