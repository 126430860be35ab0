"""Interviews and observations: the team's notes, by theme, and who may write, change or delete them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...dates import AMSTERDAM, today
from ...domain import permissions
from ...domain.errors import DomainError, InvalidValue
from ...domain.reviews import EntryKind, check_entry
from ...forms import EmptyForm, show_error
from ...web import attempt, require
from .. import bp
from .. import entries as entry_services
from ..forms import EntryForm
from .common import Loaded, delete_button, load, not_now, theme_choices


@bp.route("/evaluations/<int:evaluation_id>/review/entries")
def entries(evaluation_id: int):
    loaded = load(evaluation_id)
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
    form.themes.choices = theme_choices(questionnaire)
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
    loaded = load(evaluation_id)
    try:
        entry_kind = EntryKind(kind)
    except ValueError:
        abort(404)
    require(permissions.can_view_review(current_user, loaded.evaluation, loaded.team))
    if not permissions.can_log_entries(current_user, loaded.evaluation, loaded.team):
        refusal = not_now(_("Gesprekken en waarnemingen vastleggen kan alleen zolang de collegiale toetsing "
                             "loopt."), url_for(".entries", evaluation_id=evaluation_id))
        if refusal is not None:
            return refusal
    return _entry_form(loaded, entry_kind)


@bp.route("/evaluations/<int:evaluation_id>/review/entries/<int:entry_id>", methods=["GET", "POST"])
def edit_entry(evaluation_id: int, entry_id: int):
    loaded = load(evaluation_id)
    require(permissions.can_view_review(current_user, loaded.evaluation, loaded.team))
    row = entry_services.entry(loaded.evaluation, entry_id)
    if row is None:
        abort(404)
    require(row.author_id == current_user.id or loaded.is_chair)
    if not permissions.can_edit_entry(current_user, loaded.evaluation, loaded.team, row.author_id):
        refusal = not_now(_("Wijzigen kan alleen zolang de collegiale toetsing loopt."),
                           url_for(".entries", evaluation_id=evaluation_id))
        if refusal is not None:
            return refusal
    return _entry_form(loaded, row.kind, row)


@bp.route("/evaluations/<int:evaluation_id>/review/entries/<int:entry_id>/delete", methods=["POST"])
def delete_entry(evaluation_id: int, entry_id: int):
    return delete_button(evaluation_id, entry_id, entry_services.entry, entry_services.delete_entry, _("Verwijderd."),
                   url_for(".entries", evaluation_id=evaluation_id))
