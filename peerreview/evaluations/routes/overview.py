"""An evaluation's own pages besides the wizard: its overview, the submitted self-evaluation (read-only),
submission and reopening, the history, and the lead's colleagues."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...dates import today
from ...domain import permissions
from ...domain.evaluations import EMPTY_ANSWER, EMPTY_NOTE
from ...domain.scoring import section_scores
from ...evaluation.answers import consensus_answers, consensus_notes
from ...evaluation.history import history as history_of
from ...evaluation.lifecycle import load_evaluation, questionnaire_of
from ...evaluation.plan import previous_plan
from ...evaluation.team import team_of
from ...forms import EmptyForm
from ...web import attempt, require
from .. import bp, services
from ..forms import InviteColleagueForm, ReopenForm, UploadForm
from .common import load_viewable

# ---------------------------------------------------------------- the evaluation's overview


@bp.route("/evaluations/<int:evaluation_id>")
def evaluation(evaluation_id: int):
    evaluation, questionnaire = load_viewable(evaluation_id)
    own = permissions.is_own_gemeente(current_user, evaluation)
    sections = services.progress(evaluation, questionnaire, current_user) if own else []
    check = services.submission_state(evaluation, questionnaire)
    place = services.last_place(evaluation, current_user) if own else None
    resume = None
    if place:
        kind, _sep, section_id = place.partition(":")
        if questionnaire.has_section(section_id):
            resume = (kind, questionnaire.section(section_id))
    return render_template(
        "evaluations/overview.html", evaluation=evaluation, questionnaire=questionnaire, sections=sections,
        check=check, resume=resume, own=own, today=today(),
        can_answer=permissions.can_answer(current_user, evaluation),
        can_consensus=permissions.can_set_consensus(current_user, evaluation),
        can_view_consensus=permissions.can_view_consensus(current_user, evaluation),
        can_submit=permissions.can_submit(current_user, evaluation),
        can_reopen=permissions.can_reopen(current_user, evaluation),
        can_history=permissions.can_view_history(current_user, evaluation),
        reopen_form=ReopenForm(formdata=None), upload_form=UploadForm(formdata=None),
        previous_plan=previous_plan(current_user, evaluation, questionnaire) if own else None,
    )


# ---------------------------------------------------------------- the submitted self-evaluation (read-only)


@bp.route("/evaluations/<int:evaluation_id>/self-evaluation")
def submitted_view(evaluation_id: int):
    """The gemeente's answers as one read-only page: for its own users, and for the region and the peer team
    after submission (never the individual contributors' answers)."""
    evaluation = load_evaluation(evaluation_id)
    if evaluation is None:
        abort(404)
    team = team_of(evaluation)
    require(permissions.can_view_consensus(current_user, evaluation, team))
    questionnaire = questionnaire_of(evaluation)
    rows = consensus_answers(evaluation)
    notes = consensus_notes(evaluation)
    return render_template("evaluations/self_evaluation.html", evaluation=evaluation, questionnaire=questionnaire,
                           answers={qid: row.data for qid, row in rows.items()},
                           notes={sid: row.data for sid, row in notes.items()}, empty_answer=EMPTY_ANSWER,
                           empty_note=EMPTY_NOTE, in_team=permissions.is_team_member(current_user, team),
                           loaded={"team": team}, scores=section_scores(
                               questionnaire, {qid: row.data.score for qid, row in rows.items()}))


# ---------------------------------------------------------------- submission and reopening


@bp.route("/evaluations/<int:evaluation_id>/submit", methods=["GET", "POST"])
def submit(evaluation_id: int):
    evaluation, questionnaire = load_viewable(evaluation_id)
    require(permissions.is_own_gemeente(current_user, evaluation))
    form = EmptyForm()
    status = 200
    if request.method == "POST":
        require(permissions.is_lead_of(current_user, evaluation))
        if not form.validate_on_submit():
            abort(400)
        if attempt(lambda: services.submit(current_user, evaluation, questionnaire)):
            flash(_("De zelfevaluatie van %(name)s is ingediend. De regio is op de hoogte; de antwoorden zijn "
                    "nu alleen nog te lezen.", name=evaluation.municipality.name), "success")
            return redirect(url_for(".evaluation", evaluation_id=evaluation.id))
        status = 422
    check = services.submission_state(evaluation, questionnaire)
    return render_template("evaluations/submit.html", evaluation=evaluation, questionnaire=questionnaire,
                           check=check, form=form,
                           can_submit=permissions.can_submit(current_user, evaluation)), status


@bp.route("/evaluations/<int:evaluation_id>/reopen", methods=["GET", "POST"])
def reopen(evaluation_id: int):
    evaluation, _questionnaire = load_viewable(evaluation_id)
    require(permissions.is_coordinator_of(current_user, evaluation.region_id))
    form = ReopenForm()
    if form.validate_on_submit():
        if attempt(lambda: services.reopen(current_user, evaluation, form.reason.data), form):
            if evaluation.status.is_editable:
                flash(_("De zelfevaluatie van %(name)s is heropend. De trekker kan weer wijzigen en opnieuw "
                        "indienen.", name=evaluation.municipality.name), "success")
            else:
                flash(_("%(name)s is heropend; de stand is nu ‘%(s)s’.", name=evaluation.municipality.name,
                        s=evaluation.status.label), "success")
            return redirect(url_for(".round_detail", round_id=evaluation.round_id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("evaluations/reopen.html", evaluation=evaluation, form=form,
                           can_reopen=permissions.can_reopen(current_user, evaluation)), status


# ---------------------------------------------------------------- history


@bp.route("/evaluations/<int:evaluation_id>/history")
def history(evaluation_id: int):
    evaluation, questionnaire = load_viewable(evaluation_id)
    require(permissions.can_view_history(current_user, evaluation))
    page = request.args.get("page", 1, type=int) or 1
    entries, pages = history_of(evaluation, questionnaire, page)
    return render_template("evaluations/history.html", evaluation=evaluation, entries=entries,
                           page=min(max(page, 1), pages), pages=pages)


# ---------------------------------------------------------------- colleagues


@bp.route("/colleagues", methods=["GET", "POST"])
def colleagues():
    require(permissions.can_invite_colleague(current_user, current_user.municipality_id))
    form = InviteColleagueForm()
    if form.validate_on_submit():
        done = attempt(lambda: services.invite_colleague(current_user, email=form.email.data, name=form.name.data),
                       form)
        if done:
            user, link = done.value
            flash(_("%(name)s is uitgenodigd als bijdrager (%(email)s).", name=user.name, email=user.email),
                  "success")
            if not current_app.config.get("MAIL_SERVER"):
                flash(_("Er is geen mailserver ingesteld, dus er is geen e-mail verstuurd. Geef uw collega zelf "
                        "deze activeringslink: %(link)s", link=link), "info")
            return redirect(url_for(".colleagues"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("evaluations/colleagues.html", form=form,
                           colleagues=services.colleagues(current_user.municipality_id),
                           municipality=current_user.municipality), status
