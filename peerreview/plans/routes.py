"""Pages of the verbeterplan. Thin: load, check permission (404 / 403 before anything else), call a service, commit.

Every view that names an action loads it through the evaluation it belongs to, so an id of another plan is a 404,
never a way in. What other blueprints' pages show of the plan (the report's links to it, the previous round in the
next self-evaluation) those views gather from ``evaluation.plan``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from ..dates import today
from ..domain import permissions
from ..domain.errors import DomainError, raise_collected
from ..domain.plans import ActionStatus, PlanStage, check_action, check_note, check_status, check_verdict, days_overdue
from ..domain.questionnaire import Questionnaire
from ..domain.reviews import TeamFacts
from ..evaluation.lifecycle import load_evaluation, questionnaire_of
from ..evaluation.plan import actions, plan_end_of, recommendation_rows, stage_of
from ..evaluation.plan import targets as targets_of
from ..evaluation.plan import verdicts as verdicts_of
from ..evaluation.team import recommendations as recommendations_of
from ..evaluation.team import self_scores, team_of
from ..forms import EmptyForm
from ..models import Evaluation, ImprovementAction
from ..requests import form_id
from ..web import Problems, attempt, require, require_csrf
from . import bp, services
from .forms import ActionForm, FilterForm, NoteForm, StatusForm


@bp.before_request
@login_required
def require_login():
    return None


@dataclass
class Loaded:
    evaluation: Evaluation
    questionnaire: Questionnaire
    team: TeamFacts
    stage: PlanStage
    plan_end: date  # the last day of the plan period

    @property
    def can_edit(self) -> bool:
        return permissions.can_edit_plan(current_user, self.evaluation, self.stage)

    @property
    def is_own(self) -> bool:
        return permissions.is_own_gemeente(current_user, self.evaluation)


def _load(evaluation_id: int) -> Loaded:
    """The evaluation (404 when unknown) and the plan's readers only (403 for everyone else)."""
    evaluation = load_evaluation(evaluation_id)
    if evaluation is None:
        abort(404)
    team = team_of(evaluation)
    require(permissions.can_view_plan(current_user, evaluation, team))
    return Loaded(evaluation, questionnaire_of(evaluation), team, stage_of(evaluation), plan_end_of(evaluation))


def _action(loaded: Loaded, action_id: int) -> ImprovementAction:
    row = services.action(loaded.evaluation, action_id)
    if row is None:
        abort(404)
    return row



def _plan_url(evaluation: Evaluation, anchor: str = "") -> str:
    return url_for(".plan", evaluation_id=evaluation.id) + (f"#{anchor}" if anchor else "")


def _not_now(loaded: Loaded) -> str:
    if loaded.stage is PlanStage.progress_review:
        return _("De planperiode is voorbij; het verbeterplan ligt vast voor de voortgangsreview.")
    return _("Het verbeterplan kan nu niet worden gewijzigd.")


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- the plan


@bp.route("/evaluations/<int:evaluation_id>/plan")
def plan(evaluation_id: int):
    loaded = _load(evaluation_id)
    evaluation, questionnaire = loaded.evaluation, loaded.questionnaire
    page = services.plan_page(current_user, evaluation, questionnaire, request.args)
    filters = FilterForm(formdata=None)
    filters.theme.choices = [SelectChoice("", _("Alle thema's"))] + [
        SelectChoice(s.id, f"{s.number}. {s.title}") for s in questionnaire.sections]
    filters.owner.choices = [SelectChoice("", _("Alle eigenaren"))] + [SelectChoice(o, o) for o in page.owners]
    filters.status.choices = [SelectChoice("", _("Alle statussen"))] + [SelectChoice(s.value, s.label)
                                                                      for s in ActionStatus]
    filters.theme.data = page.filter.theme or ""
    filters.owner.data = page.filter.owner or ""
    filters.status.data = page.filter.status.value if page.filter.status else ""
    return render_template(
        "plans/plan.html", evaluation=evaluation, questionnaire=questionnaire, loaded=loaded, page=page,
        filters=filters, is_chair=permissions.is_chair(current_user, loaded.team),
        can_record=permissions.can_record_verdicts(current_user, evaluation, loaded.team, loaded.stage))


def _action_form(loaded: Loaded, row: ImprovementAction | None = None):
    evaluation, questionnaire = loaded.evaluation, loaded.questionnaire
    recommendations = recommendations_of(evaluation)
    form = ActionForm()
    form.recommendations.choices = [SelectChoice(str(r.id), f"{r.position}. {_short(r.text)}")
                                    for r in recommendations]
    form.themes.choices = [SelectChoice(s.id, f"{s.number}. {s.title}") for s in questionnaire.sections]
    if request.method == "GET":
        if row is not None:
            form.title.data, form.description.data, form.owner.data = row.title, row.description, row.owner
            form.owner_kind.data = row.owner_kind.value
            form.start_on.data, form.due_on.data = row.start_on, row.due_on
            form.recommendations.data = [str(r) for r in row.recommendation_ids]
            form.themes.data = list(row.section_ids)
            form.version.data = str(row.version)
        else:
            form.start_on.data = today()
            form.due_on.data = max(today(), loaded.plan_end)
            chosen = request.args.get("recommendation", "")
            if chosen in {str(r.id) for r in recommendations}:
                form.recommendations.data = [chosen]
    status = 200
    if request.method == "POST":
        require_csrf(form)

        def save() -> ImprovementAction:
            form.start_on.errors, form.due_on.errors = [], []
            data = check_action(
                questionnaire, title=form.title.data, description=form.description.data, owner=form.owner.data,
                owner_kind=form.owner_kind.data, start_on=form.start_on.data, due_on=form.due_on.data,
                recommendation_ids=form.recommendations.data or [], section_ids=form.themes.data or [],
                recommendations=services.recommendation_themes(recommendations))
            if row is None:
                return services.add_action(current_user, evaluation, data)
            services.update_action(current_user, evaluation, row, data, form_id(form.version.data))
            return row

        done = attempt(save, form)
        if done:
            saved = done.value
            flash(_("De actie ‘%(t)s’ is opgeslagen.", t=saved.title), "success")
            return redirect(url_for(".action", evaluation_id=evaluation.id, action_id=saved.id))
        status = 409 if isinstance(done.error, services.EditConflict) else 422
    if row is not None and status == 409:
        row = services.action(evaluation, row.id)
        if row is not None:  # saving again now compares with what is stored now
            form.version.data = str(row.version)
    return render_template("plans/action_form.html", evaluation=evaluation, questionnaire=questionnaire,
                           loaded=loaded, form=form, row=row, recommendations=recommendations), status


def _editing_only(loaded: Loaded):
    """Forms of the gemeente: others get a 403; outside the plan period the gemeente is told why on opening, and a
    form that was already open is posted on (the service refuses it and what was typed is shown again)."""
    require(loaded.is_own)
    if not loaded.can_edit and request.method == "GET":
        flash(_not_now(loaded), "warning")
        return redirect(_plan_url(loaded.evaluation))
    return None


@bp.route("/evaluations/<int:evaluation_id>/plan/actions/new", methods=["GET", "POST"])
def new_action(evaluation_id: int):
    loaded = _load(evaluation_id)
    refusal = _editing_only(loaded)
    return refusal if refusal is not None else _action_form(loaded)


@bp.route("/evaluations/<int:evaluation_id>/plan/actions/<int:action_id>/edit", methods=["GET", "POST"])
def edit_action(evaluation_id: int, action_id: int):
    loaded = _load(evaluation_id)
    row = _action(loaded, action_id)
    refusal = _editing_only(loaded)
    return refusal if refusal is not None else _action_form(loaded, row)


def _render_action(loaded: Loaded, row: ImprovementAction, *, status_form: StatusForm | None = None,
                   note_form: NoteForm | None = None, status: int = 200):
    if status_form is None:
        status_form = StatusForm(formdata=None)
        status_form.status.data = row.status.value
        status_form.reason.data = row.status_reason
        status_form.version.data = str(row.version)
    if note_form is None:
        note_form = NoteForm(formdata=None)
        note_form.noted_on.data = today()
    recommendations = {r.id: r for r in recommendations_of(loaded.evaluation)}
    verdicts = verdicts_of(loaded.evaluation)
    on = today()

    return render_template(
        "plans/action.html", evaluation=loaded.evaluation, questionnaire=loaded.questionnaire, loaded=loaded,
        row=row, recommendations=[recommendations[r] for r in row.recommendation_ids if r in recommendations],
        verdicts=verdicts, status_form=status_form, note_form=note_form,
        late=days_overdue(row.status, row.due_on, on)), status


@bp.route("/evaluations/<int:evaluation_id>/plan/actions/<int:action_id>")
def action(evaluation_id: int, action_id: int):
    loaded = _load(evaluation_id)
    return _render_action(loaded, _action(loaded, action_id))


@bp.route("/evaluations/<int:evaluation_id>/plan/actions/<int:action_id>/status", methods=["POST"])
def set_status(evaluation_id: int, action_id: int):
    loaded = _load(evaluation_id)
    row = _action(loaded, action_id)
    require(loaded.is_own)
    form = StatusForm()
    require_csrf(form)

    def save() -> ActionStatus:
        new_status, reason = check_status(form.status.data, form.reason.data)
        services.set_status(current_user, loaded.evaluation, row, new_status, reason, form_id(form.version.data))
        return new_status

    done = attempt(save, form)
    if not done:
        conflict = isinstance(done.error, services.EditConflict)
        current = _action(loaded, action_id)
        if conflict:
            form.version.data = str(current.version)
        return _render_action(loaded, current, status_form=form, status=409 if conflict else 422)
    new_status = done.value
    flash(_("‘%(t)s’ staat nu op %(s)s.", t=row.title, s=new_status.label.lower()), "success")
    return redirect(_plan_url(loaded.evaluation, f"actie-{row.id}"))


@bp.route("/evaluations/<int:evaluation_id>/plan/actions/<int:action_id>/notes", methods=["POST"])
def add_note(evaluation_id: int, action_id: int):
    loaded = _load(evaluation_id)
    row = _action(loaded, action_id)
    require(loaded.is_own)
    form = NoteForm()
    require_csrf(form)

    def save() -> None:
        form.noted_on.errors = []
        services.add_note(current_user, loaded.evaluation, row, check_note(form.noted_on.data, form.text.data,
                                                                          today=today()))

    if not attempt(save, form):
        return _render_action(loaded, _action(loaded, action_id), note_form=form, status=422)
    flash(_("De voortgang is vastgelegd."), "success")
    return redirect(url_for(".action", evaluation_id=evaluation_id, action_id=action_id) + "#voortgang")


# ---------------------------------------------------------------- targets


@bp.route("/evaluations/<int:evaluation_id>/plan/targets", methods=["GET", "POST"])
def targets(evaluation_id: int):
    loaded = _load(evaluation_id)
    refusal = _editing_only(loaded)
    if refusal is not None:
        return refusal
    evaluation, questionnaire = loaded.evaluation, loaded.questionnaire
    sections = services.target_sections(questionnaire)
    form = EmptyForm()
    typed: dict[str, str] = {}
    problems = Problems()
    status = 200
    if request.method == "POST":
        require_csrf(form)
        typed = {s.id: request.form.get(f"target-{s.id}", "") for s in sections if f"target-{s.id}" in request.form}
        done = attempt(lambda: services.save_targets(current_user, evaluation, questionnaire, typed), report=problems)
        if done:
            flash(_("De streefscores zijn opgeslagen (%(n)s gewijzigd).", n=done.value), "success")
            return redirect(_plan_url(evaluation, "streefscores"))
        status = 422
    stored = targets_of(evaluation)
    values = {s.id: typed.get(s.id, str(stored[s.id]) if s.id in stored else "") for s in sections}
    return render_template("plans/targets.html", evaluation=evaluation, questionnaire=questionnaire, loaded=loaded,
                           sections=sections, values=values, errors=problems.by_field, general=problems.general,
                           form=form,
                           self_scores=self_scores(evaluation, questionnaire),
                           peer_scores=services.peer_section_scores(evaluation, questionnaire)), status


# ---------------------------------------------------------------- the voortgangsreview (chair)


@bp.route("/evaluations/<int:evaluation_id>/plan/review", methods=["GET", "POST"])
def progress_review(evaluation_id: int):
    loaded = _load(evaluation_id)
    evaluation = loaded.evaluation
    require(permissions.is_chair(current_user, loaded.team))
    can_record = permissions.can_record_verdicts(current_user, evaluation, loaded.team, loaded.stage)
    recommendations = recommendations_of(evaluation)
    form = EmptyForm()
    typed: dict[int, tuple[str, str]] = {}
    problems = Problems()
    status = 200
    if request.method == "POST":
        require_csrf(form)
        typed = {r.id: (request.form.get(f"r{r.id}-verdict", ""), request.form.get(f"r{r.id}-note", ""))
                 for r in recommendations}

        def save() -> int:
            checked = {}
            wrong: list[DomainError] = []
            for recommendation_id, (verdict, note) in typed.items():
                try:
                    checked[recommendation_id] = check_verdict(verdict, note, field_prefix=f"r{recommendation_id}-")
                except DomainError as error:
                    wrong.extend(getattr(error, "errors", [error]))
            raise_collected(wrong)
            return services.save_verdicts(current_user, evaluation, loaded.team, checked)

        done = attempt(save, report=problems)
        if done:
            flash(_("Het oordeel van de voortgangsreview is opgeslagen (%(n)s gewijzigd). De gemeente ziet het naast "
                    "haar plan.", n=done.value), "success")
            return redirect(_plan_url(evaluation, "aanbevelingen"))
        status = 422
    rows = recommendation_rows(recommendations, actions(evaluation), verdicts_of(evaluation))
    return render_template("plans/review.html", evaluation=evaluation, questionnaire=loaded.questionnaire,
                           loaded=loaded, rows=rows, typed=typed, errors=problems.by_field, general=problems.general,
                           form=form,
                           can_record=can_record), status
