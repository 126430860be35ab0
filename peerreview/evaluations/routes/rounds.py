"""The region's rounds: the list, opening a round, and a round's page with every member's progress."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...dates import today
from ...domain import permissions
from ...domain.evaluations import STATE_EVENT_LABELS, RoundDates
from ...domain.hearing import DEFAULT_TERM_DAYS
from ...evaluation.history import state_changes
from ...evaluation.lifecycle import load_round, questionnaire_of_round
from ...evaluation.plan import plan_overview
from ...evaluation.rounds import region_members, round_overview, visible_rounds
from ...evaluation.team import hearing_terms, review_overview
from ...extensions import db
from ...models import Region
from ...web import attempt, require
from .. import bp
from .. import rounds as round_services
from ..forms import RoundForm


@bp.route("/rounds/")
def rounds():
    require(permissions.can_view_rounds(current_user, current_user.region_id))
    return render_template("evaluations/rounds.html", rounds=visible_rounds(current_user),
                           can_open=permissions.can_open_round(current_user, current_user.region_id))


@bp.route("/rounds/new", methods=["GET", "POST"])
def new_round():
    region = db.session.get(Region, current_user.region_id) if current_user.region_id else None
    require(region is not None and permissions.can_open_round(current_user, region.id))
    members = region_members(region.id)
    offered = round_services.offered_questionnaires()
    form = RoundForm()
    # A required list starts with an empty choice (HTML: a required select's first option has no value); with one
    # questionnaire on offer that one is chosen already.
    form.questionnaire.choices = [("", _("Kies een vragenlijst"))] + [
        (f"{q.key}/{q.version}", f"{q.title} (versie {q.version})") for q in offered]
    form.municipality_ids.choices = [(m.id, f"{m.name} ({m.cbs_code})") for m in members]
    if request.method == "GET":
        form.year.data = today().year
        if len(offered) == 1:
            form.questionnaire.data = f"{offered[0].key}/{offered[0].version}"
        form.municipality_ids.data = [m.id for m in members]
    if form.validate_on_submit():
        dates = RoundDates(form.self_evaluation_due.data, form.peer_review_due.data, form.plan_due.data)
        data = round_services.RoundInput(form.name.data or "", form.year.data, form.questionnaire.data or "", dates,
                                         form.municipality_ids.data or [],
                                         DEFAULT_TERM_DAYS if form.response_days.data is None
                                         else form.response_days.data)
        done = attempt(lambda: round_services.open_round(current_user, region.id, data, today=today()), form)
        if done:
            round_ = done.value
            flash(_("De ronde ‘%(name)s’ is geopend voor %(n)s gemeenten. De trekkers zien de zelfevaluatie nu "
                    "op hun startpagina.", name=round_.name, n=len(round_.evaluations)), "success")
            return redirect(url_for(".round_detail", round_id=round_.id))
    return render_template("evaluations/round_form.html", form=form, region=region, offered=offered,
                           members=members), 200 if request.method == "GET" or not form.errors else 422


@bp.route("/rounds/<int:round_id>")
def round_detail(round_id: int):
    round_ = load_round(round_id)
    if round_ is None:
        abort(404)
    require(permissions.can_view_rounds(current_user, round_.region_id))
    rows = round_overview(round_, today=today())
    return render_template(
        "evaluations/round.html", round=round_, rows=rows, questionnaire=questionnaire_of_round(round_),
        today=today(), changes=state_changes([r.evaluation.id for r in rows]),
        state_labels=STATE_EVENT_LABELS, teams=review_overview([r.evaluation.id for r in rows]),
        hearings=hearing_terms([r.evaluation.id for r in rows if r.evaluation.status.is_in_hearing]),
        plans=plan_overview([r.evaluation.id for r in rows]))
