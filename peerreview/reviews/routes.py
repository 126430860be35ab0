"""Pages of the peer review. Thin: load, check permission (403 before anything else), call a service, render.

Every view that names an evaluation, a team member, an entry or a recommendation loads it through the evaluation
it belongs to, so an id of another evaluation is a 404, never a way in."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from ..dates import AMSTERDAM, today
from ..domain import permissions
from ..domain.errors import DomainError, InvalidValue
from ..domain.evaluations import STATE_EVENT_LABELS
from ..domain.questionnaire import Questionnaire
from ..domain.reviews import (
    Capacity,
    Confidentiality,
    EntryKind,
    NeedsConfirmation,
    ReciprocalPolicy,
    TeamFacts,
    check_entry,
    check_recommendation,
    parse_choice,
    review_items,
    team_proposal,
)
from ..domain.scoring import spread
from ..evaluation.history import state_changes
from ..evaluation.lifecycle import load_evaluation, questionnaire_of
from ..evaluation.plan import report_links
from ..evaluation.team import declarations, facts, recommendations, report_of, reviews_of, self_scores, team_members
from ..extensions import db
from ..forms import EmptyForm, show_error
from ..models import ConflictDeclaration, Evaluation, Region, TeamMember
from ..requests import form_id
from ..web import Problems, attempt, flash_refusal, not_found, require
from . import bp, notify, services
from . import entries as entry_services
from . import report as report_services
from .forms import (
    AddMemberForm,
    DeclarationForm,
    EntryForm,
    JudgementForm,
    PublishForm,
    ReactionForm,
    RecommendationForm,
    ReviewRulesForm,
)


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


def _load(evaluation_id: int) -> Loaded:
    evaluation = load_evaluation(evaluation_id)
    if evaluation is None:
        abort(404)
    members = team_members(evaluation)
    return Loaded(evaluation, questionnaire_of(evaluation), members, facts(members))


def _not_now(message: str, back: str):
    """A team member's form that cannot be used in this stage: on opening, say so and go back; a form that was
    already open is posted on, so the service refuses it and what was typed is shown again."""
    if request.method == "GET":
        flash(message, "warning")
        return redirect(back)
    return None


def _theme_choices(questionnaire: Questionnaire) -> list[SelectChoice]:
    return [SelectChoice(s.id, f"{s.number}. {s.title}") for s in questionnaire.sections]


# ---------------------------------------------------------------- the team (region coordinator)


@bp.route("/evaluations/<int:evaluation_id>/team", methods=["GET", "POST"])
def team(evaluation_id: int):
    loaded = _load(evaluation_id)
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
            db.session.rollback()
            warnings = error.warnings
        else:
            if done:
                member = done.value
                notify.member_added(evaluation, member)
                flash(_("%(name)s is toegevoegd aan het peer team van %(m)s.", name=member.user.name,
                        m=evaluation.municipality.name), "success")
                return redirect(url_for(".team", evaluation_id=evaluation.id))
        status = 422
        loaded = _load(evaluation_id)
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
    loaded = _load(evaluation_id)
    require(permissions.is_coordinator_of(current_user, loaded.evaluation.region_id))
    if not EmptyForm().validate_on_submit():
        abort(400)
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


# ---------------------------------------------------------------- the team's working pages


@bp.route("/evaluations/<int:evaluation_id>/review")
def review(evaluation_id: int):
    loaded = _load(evaluation_id)
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
    loaded = _load(evaluation_id)
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
            loaded = _load(evaluation_id)
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
    loaded = _load(evaluation_id)
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


# ---------------------------------------------------------------- interviews and observations


@bp.route("/evaluations/<int:evaluation_id>/review/entries")
def entries(evaluation_id: int):
    loaded = _load(evaluation_id)
    evaluation, questionnaire = loaded.evaluation, loaded.questionnaire
    require(permissions.can_view_review(current_user, evaluation, loaded.team))
    theme = request.args.get("theme") or None
    if theme is not None and not questionnaire.has_section(theme):
        theme = None
    rows = entry_services.entries(evaluation)
    if theme:
        rows = [r for r in rows if theme in r.section_ids]
    return render_template(
        "reviews/entries.html", evaluation=evaluation, questionnaire=questionnaire, loaded=loaded, entries=rows,
        theme=theme, action_form=EmptyForm(),
        can_log=permissions.can_log_entries(current_user, evaluation, loaded.team))


def _entry_form(loaded: Loaded, kind: EntryKind, row=None):
    evaluation, questionnaire = loaded.evaluation, loaded.questionnaire
    form = EntryForm(obj=None)
    form.themes.choices = _theme_choices(questionnaire)
    if request.method == "GET":
        if row is not None:
            form.held_on.data = row.held_on
            form.interviewees.data = row.interviewees
            form.notes.data = row.notes
            form.themes.data = list(row.section_ids)
            form.confidentiality.data = row.confidentiality.value
        else:
            form.held_on.data = today()
            theme = request.args.get("theme")
            if theme and questionnaire.has_section(theme):
                form.themes.data = [theme]
    status = 200
    if request.method == "POST":
        form.validate_on_submit()
        if "csrf_token" in form.errors:
            abort(400)
        def save() -> None:
            if form.held_on.errors:
                raise InvalidValue(_("Vul een geldige datum in, bijvoorbeeld %(d)s.", d=today().isoformat()),
                                   field="held_on")
            data = check_entry(questionnaire, kind=kind, held_on=form.held_on.data, notes=form.notes.data,
                               section_ids=form.themes.data or [], confidentiality=form.confidentiality.data,
                               interviewees=form.interviewees.data, today=today(),
                               earliest=evaluation.round.created_at.astimezone(AMSTERDAM).date())
            if row is None:
                entry_services.add_entry(current_user, evaluation, data)
            else:
                entry_services.update_entry(current_user, evaluation, row, data)

        def refused(error: DomainError) -> None:
            form.held_on.errors = []  # the date field's own message gives way to the rule's
            show_error(form, error)

        if attempt(save, report=refused):
            flash(_("%(kind)s opgeslagen.", kind=kind.label), "success")
            return redirect(url_for(".entries", evaluation_id=evaluation.id))
        status = 422
    return render_template("reviews/entry_form.html", evaluation=evaluation, questionnaire=questionnaire,
                           loaded=loaded, form=form, kind=kind, row=row), status


@bp.route("/evaluations/<int:evaluation_id>/review/entries/new/<kind>", methods=["GET", "POST"])
def new_entry(evaluation_id: int, kind: str):
    loaded = _load(evaluation_id)
    try:
        entry_kind = EntryKind(kind)
    except ValueError:
        abort(404)
    require(permissions.can_view_review(current_user, loaded.evaluation, loaded.team))
    if not permissions.can_log_entries(current_user, loaded.evaluation, loaded.team):
        refusal = _not_now(_("Gesprekken en waarnemingen vastleggen kan alleen zolang de collegiale toetsing "
                             "loopt."), url_for(".entries", evaluation_id=evaluation_id))
        if refusal is not None:
            return refusal
    return _entry_form(loaded, entry_kind)


@bp.route("/evaluations/<int:evaluation_id>/review/entries/<int:entry_id>", methods=["GET", "POST"])
def edit_entry(evaluation_id: int, entry_id: int):
    loaded = _load(evaluation_id)
    require(permissions.can_view_review(current_user, loaded.evaluation, loaded.team))
    row = entry_services.entry(loaded.evaluation, entry_id)
    if row is None:
        abort(404)
    require(row.author_id == current_user.id or loaded.is_chair)
    if not permissions.can_edit_entry(current_user, loaded.evaluation, loaded.team, row.author_id):
        refusal = _not_now(_("Wijzigen kan alleen zolang de collegiale toetsing loopt."),
                           url_for(".entries", evaluation_id=evaluation_id))
        if refusal is not None:
            return refusal
    return _entry_form(loaded, row.kind, row)


def _delete(evaluation_id: int, object_id: int, find, remove, done: str, back: str):
    """A delete button of the team's pages: the object must belong to this evaluation (else 404)."""
    loaded = _load(evaluation_id)
    require(permissions.can_view_review(current_user, loaded.evaluation, loaded.team))
    row = find(loaded.evaluation, object_id)
    if row is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if attempt(lambda: remove(current_user, loaded.evaluation, row)):
        flash(done, "success")
    return redirect(back)


@bp.route("/evaluations/<int:evaluation_id>/review/entries/<int:entry_id>/delete", methods=["POST"])
def delete_entry(evaluation_id: int, entry_id: int):
    return _delete(evaluation_id, entry_id, entry_services.entry, entry_services.delete_entry, _("Verwijderd."),
                   url_for(".entries", evaluation_id=evaluation_id))


# ---------------------------------------------------------------- the report (chair)


@bp.route("/evaluations/<int:evaluation_id>/review/report", methods=["GET", "POST"])
def report_draft(evaluation_id: int):
    loaded = _load(evaluation_id)
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
                                                          form.strengths.data), form):
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
    form.themes.choices = _theme_choices(questionnaire)
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
    return _not_now(_("Aanbevelingen schrijven kan alleen zolang de collegiale toetsing loopt."),
                    url_for(".report_draft", evaluation_id=loaded.evaluation.id))


@bp.route("/evaluations/<int:evaluation_id>/review/recommendations/new", methods=["GET", "POST"])
def new_recommendation(evaluation_id: int):
    loaded = _load(evaluation_id)
    refusal = _chair_only_now(loaded)
    return refusal if refusal is not None else _recommendation_form(loaded)


@bp.route("/evaluations/<int:evaluation_id>/review/recommendations/<int:recommendation_id>",
          methods=["GET", "POST"])
def edit_recommendation(evaluation_id: int, recommendation_id: int):
    loaded = _load(evaluation_id)
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
    return _delete(evaluation_id, recommendation_id, report_services.recommendation,
                   report_services.delete_recommendation, _("De aanbeveling is verwijderd."),
                   url_for(".report_draft", evaluation_id=evaluation_id) + "#aanbevelingen")


@bp.route("/evaluations/<int:evaluation_id>/review/publish", methods=["GET", "POST"])
def publish(evaluation_id: int):
    loaded = _load(evaluation_id)
    evaluation = loaded.evaluation
    require(permissions.can_view_review(current_user, evaluation, loaded.team))
    require(loaded.is_chair or permissions.can_read_team_findings(current_user, evaluation, loaded.team))
    form = PublishForm()
    status = 200
    needs_confirmation = False
    if request.method == "POST":
        require(loaded.is_chair)
        if not form.validate_on_submit():
            abort(400)
        try:
            done = attempt(lambda: report_services.publish(current_user, evaluation, loaded.questionnaire,
                                                           form.token.data if form.confirmed.data else None),
                           raising=(NeedsConfirmation,))
        except NeedsConfirmation as error:
            db.session.rollback()
            needs_confirmation = True
            flash(error.message, "warning")
        else:
            if done:
                notify.report_published(evaluation)
                flash(_("Het rapport is gepubliceerd. %(m)s en de regio kunnen het nu lezen.",
                        m=evaluation.municipality.name), "success")
                return redirect(url_for(".report", evaluation_id=evaluation.id))
        status = 422
        loaded = _load(evaluation_id)
    check = report_services.publication_state(evaluation, loaded.questionnaire, loaded.members)
    form.token.data = check.confirmation_token
    form.confirmed.data = False
    return render_template("reviews/publish.html", evaluation=evaluation, loaded=loaded, check=check, form=form,
                           needs_confirmation=needs_confirmation,
                           can_publish=permissions.can_publish(current_user, evaluation, loaded.team)), status


# ---------------------------------------------------------------- the published report


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
    loaded = _load(evaluation_id)
    require(permissions.can_view_report(current_user, loaded.evaluation, loaded.team))
    return _render_report(loaded)


@bp.route("/evaluations/<int:evaluation_id>/report/reaction", methods=["POST"])
def reaction(evaluation_id: int):
    loaded = _load(evaluation_id)
    evaluation = loaded.evaluation
    require(permissions.can_view_report(current_user, evaluation, loaded.team))
    require(permissions.is_lead_of(current_user, evaluation))
    form = ReactionForm()
    if not form.validate_on_submit():
        abort(400)
    done = attempt(lambda: report_services.save_reaction(current_user, evaluation, form.reaction.data), form)
    if not done:
        flash_refusal(done.error)  # above the page too: the form is at its foot
        return _render_report(_load(evaluation_id), form, 422)
    flash(_("Uw bestuurlijke reactie is opgeslagen. De regio en het peer team lezen haar bij het rapport."),
          "success")
    return redirect(url_for(".report", evaluation_id=evaluation.id) + "#reactie")


@bp.route("/evaluations/<int:evaluation_id>/close", methods=["POST"])
def close(evaluation_id: int):
    loaded = _load(evaluation_id)
    evaluation = loaded.evaluation
    require(permissions.is_coordinator_of(current_user, evaluation.region_id))
    if not EmptyForm().validate_on_submit():
        abort(400)
    if attempt(lambda: report_services.close(current_user, evaluation)):
        flash(_("De evaluatie van %(m)s is afgesloten.", m=evaluation.municipality.name), "success")
    return redirect(url_for(".report", evaluation_id=evaluation.id))


# ---------------------------------------------------------------- declared conflicts of interest (reviewers)


@bp.route("/conflicts", methods=["GET", "POST"])
def conflicts():
    require(permissions.can_declare_conflicts(current_user))
    form = DeclarationForm()
    options = services.declarable_municipalities(current_user)
    form.municipality_id.choices = [SelectChoice("", _("Kies een gemeente"))] + [
        SelectChoice(str(m.id), m.name) for m in options]
    status = 200
    if form.validate_on_submit():
        def declare() -> ConflictDeclaration:
            municipality_id = form_id(form.municipality_id.data)
            if municipality_id is None:
                raise InvalidValue(_("Kies een gemeente uit de lijst."), field="municipality_id")
            return services.declare_conflict(current_user, municipality_id, form.reason.data)

        done = attempt(declare, form)
        if done:
            flash(_("Uw belangenconflict met %(m)s is vastgelegd. De regiocoördinator kan u niet meer in het peer "
                    "team van deze gemeente plaatsen.", m=done.value.municipality.name), "success")
            return redirect(url_for(".conflicts"))
        status = 422
    elif request.method == "POST":
        if "csrf_token" in form.errors:
            abort(400)
        status = 422
    return render_template("reviews/conflicts.html", form=form, declarations=declarations(current_user),
                           action_form=EmptyForm(), memberships=reviews_of(current_user)), status


@bp.route("/conflicts/<int:declaration_id>/withdraw", methods=["POST"])
def withdraw_conflict(declaration_id: int):
    require(permissions.can_declare_conflicts(current_user))
    if not EmptyForm().validate_on_submit():
        abort(400)
    done = attempt(lambda: services.withdraw_declaration(current_user, declaration_id), report=not_found)
    flash(_("Uw melding over %(m)s is ingetrokken.", m=done.value), "success")
    return redirect(url_for(".conflicts"))


# ---------------------------------------------------------------- the region's rules


@bp.route("/regions/<int:region_id>/review-rules", methods=["GET", "POST"])
def review_rules(region_id: int):
    region = db.session.get(Region, region_id)
    if region is None:
        abort(404)
    require(permissions.can_set_review_rules(current_user, region_id))
    form = ReviewRulesForm(reciprocal_review=region.reciprocal_review.value)
    status = 200
    if form.validate_on_submit():
        def save() -> None:
            policy = parse_choice(ReciprocalPolicy, form.reciprocal_review.data, "reciprocal_review",
                                  _("Kies waarschuwen of weigeren."))
            services.set_reciprocal_policy(current_user, region_id, policy)  # type: ignore[arg-type]

        if attempt(save, form):
            flash(_("De toetsingsregels van %(r)s zijn opgeslagen.", r=region.name), "success")
            return redirect(url_for(".review_rules", region_id=region_id))
        status = 422
    elif request.method == "POST":
        if "csrf_token" in form.errors:
            abort(400)
        status = 422
    return render_template("reviews/review_rules.html", region=region, form=form), status
