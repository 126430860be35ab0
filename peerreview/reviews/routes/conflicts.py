"""Declared conflicts of interest (a reviewer's own) and the region's rules for reciprocal reviews."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from ...domain import permissions
from ...domain.errors import InvalidValue
from ...domain.reviews import ReciprocalPolicy, parse_choice
from ...evaluation.team import declarations, reviews_of
from ...extensions import db
from ...forms import EmptyForm
from ...models import ConflictDeclaration, Region
from ...requests import form_id
from ...web import attempt, not_found, require, require_csrf
from .. import bp, services
from ..forms import DeclarationForm, ReviewRulesForm

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
    require_csrf()
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
