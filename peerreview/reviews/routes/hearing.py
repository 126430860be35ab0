"""Hoor en wederhoor: the concept as the gemeente reads it, the factual points and the team's answers, the term,
the college's reaction, "geen reactie ontvangen" and the nawoord. One page (``hearing``) for every party, each
seeing the forms of their own part; every form posts to its own view and comes back to that page."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from ...dates import today
from ...domain import permissions
from ...domain.hearing import correction_refusal, point_change_refusal, point_refusal, term_passed
from ...domain.reviews import Confidentiality, review_items
from ...evaluation.team import factual_points, recommendations, report_of, self_scores
from ...forms import EmptyForm
from ...requests import form_id
from ...web import Problems, attempt, flash_refusal, require, require_csrf
from .. import bp
from .. import entries as entry_services
from .. import hearing as services
from ..forms import AfterwordForm, CheckAccessForm, PointAnswerForm, PointForm, ReactionForm, TermForm
from ..services import team_scores
from .common import Loaded, load, not_now


def _load_readable(evaluation_id: int) -> Loaded:
    loaded = load(evaluation_id)
    require(permissions.can_read_concept(current_user, loaded.evaluation, loaded.team,
                                         contributors_may_check=services.may_contributors_check(loaded.evaluation))
            or (loaded.evaluation.status.is_report_published
                and permissions.can_view_report(current_user, loaded.evaluation, loaded.team)))
    return loaded


def _refused(loaded: Loaded, error, form_shown: bool):
    """A refused form, back on the hearing page: a refusal of the stage (reopened meanwhile, say) above the page
    when the page no longer shows the form that would carry it."""
    if not form_shown:
        flash_refusal(error)
    return loaded


def _back(evaluation_id: int, anchor: str = "") -> str:
    """The hearing page; when the reader may no longer open it (reopened back to the team while their page was
    open), their own page instead, so the refusal is not shown on a 403."""
    loaded = load(evaluation_id)
    evaluation = loaded.evaluation
    if (permissions.can_read_concept(current_user, evaluation, loaded.team,
                                     contributors_may_check=services.may_contributors_check(evaluation))
            or (evaluation.status.is_report_published
                and permissions.can_view_report(current_user, evaluation, loaded.team))):
        return url_for(".hearing", evaluation_id=evaluation_id) + (f"#{anchor}" if anchor else "")
    if permissions.is_team_member(current_user, loaded.team):
        return url_for(".review", evaluation_id=evaluation_id)
    if permissions.is_own_gemeente(current_user, evaluation):
        return url_for("evaluations.evaluation", evaluation_id=evaluation_id)
    return url_for("evaluations.round_detail", round_id=evaluation.round_id)


def _point_form(loaded: Loaded, row=None) -> PointForm:
    form = PointForm(prefix=f"point{row.id}" if row is not None else "")
    form.place.choices = [SelectChoice("", _("Kies een plaats"))] + [
        SelectChoice(key, label) for key, label in services.places(loaded.evaluation, loaded.questionnaire).items()]
    if row is not None and request.method == "GET":
        form.place.data, form.text.data, form.version.data = row.place, row.text, str(row.version)
    return form


def render_hearing(loaded: Loaded, *, status: int = 200, point_form: PointForm | None = None,
                   answer_forms: dict | None = None, answer_problems: dict | None = None,
                   reaction_form: ReactionForm | None = None, afterword_form: AfterwordForm | None = None):
    evaluation = loaded.evaluation
    report = report_of(evaluation)
    points = factual_points(evaluation)
    allowed = bool(report and report.contributors_may_check)
    team = loaded.team
    can_points = permissions.can_write_points(current_user, evaluation, contributors_may_check=allowed)
    refusal = None
    if can_points and report is not None:
        refusal = point_refusal(evaluation.status, term_due=report.term_due,
                                check_done=report.check_done_at is not None, today=today())
    answer_forms = dict(answer_forms or {})
    can_answer = permissions.can_answer_points(current_user, evaluation, team)
    if can_answer:
        for row in points:
            if row.id not in answer_forms:
                form = PointAnswerForm(prefix=f"answer{row.id}", formdata=None)
                form.answer.data = row.answer.value if row.answer else None
                form.answer_text.data = row.answer_text
                form.version.data = str(row.version)
                answer_forms[row.id] = form
    if reaction_form is None:
        reaction_form = ReactionForm(formdata=None)
        if report is not None:
            reaction_form.reaction.data = report.reaction
            reaction_form.decided_on.data = report.reaction_decided_on
            reaction_form.reference.data = report.reaction_reference
    if afterword_form is None:
        afterword_form = AfterwordForm(formdata=None)
        afterword_form.afterword.data = report.afterword if report else ""
    access_form = CheckAccessForm(formdata=None)
    access_form.contributors.data = allowed
    open_count = sum(1 for p in points if not p.is_answered)
    correction = None
    if can_answer and report is not None:
        correction = correction_refusal(evaluation.status, open_points=open_count,
                                        check_done=report.check_done_at is not None, term_due=report.term_due,
                                        today=today())
    return render_template(
        "reviews/hearing.html", evaluation=evaluation, questionnaire=loaded.questionnaire, loaded=loaded,
        report=report, points=points, open_count=open_count,
        point_form=point_form or _point_form(loaded), point_refusal=refusal, can_points=can_points,
        can_manage=permissions.can_manage_check(current_user, evaluation), access_form=access_form,
        can_answer=can_answer, answer_forms=answer_forms, answer_problems=answer_problems or {},
        correction_refusal=correction,
        can_react=permissions.can_record_reaction(current_user, evaluation), reaction_form=reaction_form,
        can_no_reaction=permissions.can_record_no_reaction(current_user, evaluation),
        term_over=term_passed(report.term_due if report else None, today()),
        can_extend=permissions.can_extend_term(current_user, evaluation),
        can_afterword=permissions.can_write_afterword(current_user, evaluation, team), afterword_form=afterword_form,
        can_publish=permissions.can_publish(current_user, evaluation, team),
        in_team=permissions.is_team_member(current_user, team), action_form=EmptyForm()), status


@bp.route("/evaluations/<int:evaluation_id>/hearing")
def hearing(evaluation_id: int):
    return render_hearing(_load_readable(evaluation_id))


@bp.route("/evaluations/<int:evaluation_id>/concept")
def concept(evaluation_id: int):
    """The concept exactly as the gemeente and region will read it once published: the team's member scores,
    team-only notes and the plan are never on it. During the check it is the gemeente's concept; when the
    reaction is in, the chair's preview before publishing."""
    loaded = load(evaluation_id)
    evaluation = loaded.evaluation
    require(permissions.can_read_concept(current_user, evaluation, loaded.team,
                                         contributors_may_check=services.may_contributors_check(evaluation)))
    quotable = [r for r in entry_services.entries(evaluation) if r.confidentiality is Confidentiality.quotable]
    return render_template(
        "reviews/report.html", evaluation=evaluation, questionnaire=loaded.questionnaire, loaded=loaded,
        items=review_items(loaded.questionnaire), report=report_of(evaluation),
        team_scores=team_scores(evaluation), self_scores=self_scores(evaluation, loaded.questionnaire),
        recommendations=recommendations(evaluation), plan_links=None, quotable=quotable,
        points=factual_points(evaluation), in_team=False, as_concept=True, close_form=EmptyForm(),
        can_close=False, can_reopen=False,
        # the page is the gemeente's, without the team's tabs; but a peer's way back is the team's page (a peer
        # may not open the gemeente's overview of its self-evaluation)
        team_crumbs=permissions.is_team_member(current_user, loaded.team))


# ---------------------------------------------------------------- the gemeente's points


def _points_writer(evaluation_id: int) -> Loaded:
    """The gemeente's lead always gets to the service (which refuses with the stage's reason when the concept is
    no longer, or not yet, with the gemeente: reopened while the page was open); contributors only while they may
    read the concept."""
    loaded = load(evaluation_id)
    evaluation = loaded.evaluation
    # (a contributor who may write points may read the concept: the second test covers both)
    require(permissions.is_lead_of(current_user, evaluation)
            or (permissions.is_own_gemeente(current_user, evaluation)
                and permissions.can_read_concept(current_user, evaluation, loaded.team,
                                                 contributors_may_check=services.may_contributors_check(evaluation))))
    return loaded


@bp.route("/evaluations/<int:evaluation_id>/hearing/points", methods=["POST"])
def add_point(evaluation_id: int):
    loaded = _points_writer(evaluation_id)
    form = _point_form(loaded)
    if not form.validate_on_submit():
        abort(400)
    done = attempt(lambda: services.add_point(current_user, loaded.evaluation, services.check_point_for(
        loaded.evaluation, loaded.questionnaire, form.place.data, form.text.data)), form)
    if done:
        flash(_("Uw feitelijke reactie is opgeslagen. Het peer team ziet haar nu."), "success")
        return redirect(_back(evaluation_id, "reacties"))
    fresh = load(evaluation_id)
    if not permissions.can_read_concept(current_user, fresh.evaluation, fresh.team,
                                        contributors_may_check=services.may_contributors_check(fresh.evaluation)):
        flash_refusal(done.error)  # reopened meanwhile: the concept is not the gemeente's to read now
        return redirect(_back(evaluation_id))
    shown = permissions.can_write_points(current_user, fresh.evaluation,
                                         contributors_may_check=services.may_contributors_check(fresh.evaluation))
    return render_hearing(_refused(fresh, done.error, shown), status=422, point_form=form)


def _own_point(loaded: Loaded, point_id: int):
    row = services.point(loaded.evaluation, point_id)
    if row is None:
        abort(404)
    return row


@bp.route("/evaluations/<int:evaluation_id>/hearing/points/<int:point_id>", methods=["GET", "POST"])
def edit_point(evaluation_id: int, point_id: int):
    loaded = _points_writer(evaluation_id)
    row = _own_point(loaded, point_id)
    if request.method == "GET":  # a point that cannot change now: say why on opening, not after typing
        report = report_of(loaded.evaluation)
        refusal = point_change_refusal(answered=row.is_answered) or point_refusal(
            loaded.evaluation.status, term_due=report.term_due if report else None,
            check_done=bool(report and report.check_done_at), today=today())
        if refusal is not None:
            return not_now(refusal, _back(evaluation_id, f"punt-{row.id}"))
    form = _point_form(loaded, row)
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        done = attempt(lambda: services.update_point(current_user, loaded.evaluation, row, services.check_point_for(
            loaded.evaluation, loaded.questionnaire, form.place.data, form.text.data), form_id(form.version.data)),
            form)
        if done:
            flash(_("Uw feitelijke reactie is gewijzigd."), "success")
            return redirect(_back(evaluation_id, f"punt-{row.id}"))
        status = 409 if isinstance(done.error, services.EditConflict) else 422
        fresh = services.point(loaded.evaluation, point_id)
        if fresh is not None and status == 409:
            form.version.data = str(fresh.version)
            row = fresh
    return render_template("reviews/point_form.html", evaluation=loaded.evaluation, loaded=loaded, form=form,
                           row=row), status


@bp.route("/evaluations/<int:evaluation_id>/hearing/points/<int:point_id>/withdraw", methods=["POST"])
def withdraw_point(evaluation_id: int, point_id: int):
    loaded = _points_writer(evaluation_id)
    row = _own_point(loaded, point_id)
    require_csrf()
    if attempt(lambda: services.withdraw_point(current_user, loaded.evaluation, row)):
        flash(_("Uw feitelijke reactie is ingetrokken."), "success")
    return redirect(_back(evaluation_id, "reacties"))


@bp.route("/evaluations/<int:evaluation_id>/hearing/done", methods=["POST"])
def finish_check(evaluation_id: int):
    loaded = load(evaluation_id)
    require(permissions.is_lead_of(current_user, loaded.evaluation))
    require_csrf()
    if attempt(lambda: services.finish_check(current_user, loaded.evaluation)):
        flash(_("De feitelijke controle is afgerond. Het peer team verwerkt uw reacties en stuurt daarna het "
                "gecorrigeerde concept."), "success")
    return redirect(_back(evaluation_id))


@bp.route("/evaluations/<int:evaluation_id>/hearing/access", methods=["POST"])
def check_access(evaluation_id: int):
    loaded = load(evaluation_id)
    require(permissions.is_lead_of(current_user, loaded.evaluation))
    form = CheckAccessForm()
    if not form.validate_on_submit():
        abort(400)
    if attempt(lambda: services.set_check_access(current_user, loaded.evaluation, bool(form.contributors.data))):
        flash(_("Collega's kunnen nu meelezen en reageren.") if form.contributors.data
              else _("Alleen u leest het concept en geeft reacties."), "success")
    return redirect(_back(evaluation_id))


# ---------------------------------------------------------------- the team's answers and the correction


@bp.route("/evaluations/<int:evaluation_id>/hearing/points/<int:point_id>/answer", methods=["POST"])
def answer_point(evaluation_id: int, point_id: int):
    loaded = load(evaluation_id)
    require(permissions.is_chair(current_user, loaded.team))
    row = _own_point(loaded, point_id)
    form = PointAnswerForm(prefix=f"answer{row.id}")
    if not form.validate_on_submit():
        abort(400)
    problems = Problems()
    done = attempt(lambda: services.answer_point(current_user, loaded.evaluation, row, form.answer.data,
                                                 form.answer_text.data, form_id(form.version.data)),
                   report=problems)
    if done:
        flash(_("Het antwoord is opgeslagen."), "success")
        return redirect(_back(evaluation_id, f"punt-{row.id}"))
    status = 409 if isinstance(done.error, services.EditConflict) else 422
    for name, messages in problems.by_field.items():
        if name in form:
            form[name].errors = list(messages)
    fresh = load(evaluation_id)
    stored = services.point(fresh.evaluation, point_id)
    if stored is not None and status == 409:
        form.version.data = str(stored.version)
    _refused(fresh, done.error, permissions.can_answer_points(current_user, fresh.evaluation, fresh.team))
    return render_hearing(fresh, status=status, answer_forms={point_id: form}, answer_problems={point_id: problems})


@bp.route("/evaluations/<int:evaluation_id>/hearing/correct", methods=["POST"])
def correct(evaluation_id: int):
    loaded = load(evaluation_id)
    require(permissions.is_chair(current_user, loaded.team))
    require_csrf()
    if attempt(lambda: services.correct(current_user, loaded.evaluation)):
        flash(_("Het concept is gecorrigeerd. %(m)s kan nu de bestuurlijke reactie van het college vastleggen.",
                m=loaded.evaluation.municipality.name), "success")
    return redirect(_back(evaluation_id))


# ---------------------------------------------------------------- the reaction, none in time, the term, the nawoord


@bp.route("/evaluations/<int:evaluation_id>/hearing/reaction", methods=["POST"])
def reaction(evaluation_id: int):
    loaded = load(evaluation_id)
    require(permissions.is_lead_of(current_user, loaded.evaluation))
    form = ReactionForm()
    form.validate_on_submit()
    if not form.is_submitted() or "csrf_token" in form.errors:
        abort(400)
    form.decided_on.errors = []  # an unreadable date is None: the rule names it in Dutch
    done = attempt(lambda: services.record_reaction(current_user, loaded.evaluation, form.reaction.data,
                                                    form.decided_on.data, form.reference.data), form)
    if done:
        flash(_("De bestuurlijke reactie is vastgelegd. Het peer team kan nu een nawoord schrijven en het rapport "
                "publiceren."), "success")
        return redirect(_back(evaluation_id, "reactie"))
    fresh = load(evaluation_id)
    shown = permissions.can_record_reaction(current_user, fresh.evaluation)
    return render_hearing(_refused(fresh, done.error, shown), status=422, reaction_form=form)


@bp.route("/evaluations/<int:evaluation_id>/hearing/no-reaction", methods=["POST"])
def no_reaction(evaluation_id: int):
    loaded = load(evaluation_id)
    require(permissions.is_coordinator_of(current_user, loaded.evaluation.region_id))
    require_csrf()
    if attempt(lambda: services.record_no_reaction(current_user, loaded.evaluation)):
        flash(_("Vastgelegd: geen bestuurlijke reactie ontvangen binnen de termijn. Het rapport vermeldt dat."),
              "success")
    return redirect(_back(evaluation_id))


@bp.route("/evaluations/<int:evaluation_id>/hearing/term", methods=["GET", "POST"])
def extend_term(evaluation_id: int):
    loaded = load(evaluation_id)
    require(permissions.is_coordinator_of(current_user, loaded.evaluation.region_id))
    report = report_of(loaded.evaluation)
    form = TermForm()
    status = 200
    if request.method == "POST":
        form.validate_on_submit()
        if not form.is_submitted() or "csrf_token" in form.errors:
            abort(400)
        form.term_due.errors = []
        done = attempt(lambda: services.extend_term(current_user, loaded.evaluation, form.term_due.data,
                                                    form.reason.data), form)
        if done:
            flash(_("De termijn is verlengd tot en met %(d)s.", d=done.value.strftime("%d-%m-%Y")), "success")
            return redirect(_back(evaluation_id))
        status = 422
    return render_template("reviews/term_form.html", evaluation=loaded.evaluation, loaded=loaded, form=form,
                           report=report,
                           can_extend=permissions.can_extend_term(current_user, loaded.evaluation)), status


@bp.route("/evaluations/<int:evaluation_id>/hearing/afterword", methods=["POST"])
def afterword(evaluation_id: int):
    loaded = load(evaluation_id)
    require(permissions.is_chair(current_user, loaded.team))
    form = AfterwordForm()
    if not form.validate_on_submit():
        abort(400)
    done = attempt(lambda: services.save_afterword(current_user, loaded.evaluation, form.afterword.data), form)
    if done:
        flash(_("Het nawoord is opgeslagen."), "success")
        return redirect(_back(evaluation_id, "nawoord"))
    fresh = load(evaluation_id)
    shown = permissions.can_write_afterword(current_user, fresh.evaluation, fresh.team)
    return render_hearing(_refused(fresh, done.error, shown), status=422, afterword_form=form)
