"""Beheer: regions, gemeenten and users. Admins see all; a region coordinator their own region.

Every view that names an object in its URL loads it (404 when missing) and checks it against
``domain.permissions`` (403 when not allowed) before anything else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import audit as audit_log
from ..domain import permissions
from ..domain.accounts import AccountStatus, account_status
from ..domain.roles import Role
from ..evaluation.rounds import region_members
from ..extensions import db
from ..forms import EmptyForm
from ..models import Municipality, Region, User
from ..web import Outcome, attempt, require
from . import bp, services
from .forms import (
    AuditFilterForm,
    EditUserForm,
    InviteUserForm,
    MemberForm,
    MunicipalityFilterForm,
    MunicipalityForm,
    RegionForm,
    UserFilterForm,
)

T = TypeVar("T")


@bp.before_request
@login_required
def require_administration():
    require(permissions.can_open_administration(current_user))


@bp.context_processor
def admin_helpers() -> dict:
    return {"account_status": lambda user: account_status(is_active=user.is_active, is_activated=user.is_activated)}


# ---------------------------------------------------------------- helpers


def _post_action(action: Callable[[], T]) -> Outcome[T]:
    """A POST-only button: check its CSRF token, run the service, and flash every message of a refusal."""
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    done = attempt(action, form)
    for message in form.form_errors:
        flash(message, "error")
    return done


def _flash_invitation(user: User, link: str) -> None:
    flash(_("De uitnodiging is verstuurd naar %(email)s.", email=user.email), "success")
    if not current_app.config.get("MAIL_SERVER"):
        flash(_("Er is geen mailserver ingesteld, dus er is geen e-mail verstuurd. "
                "Geef de gebruiker zelf deze activeringslink: %(link)s", link=link), "info")


def _region(region_id: int, check: Callable[..., bool]) -> Region:
    region = db.get_or_404(Region, region_id)
    require(check(current_user, region.id))
    return region


def _user(user_id: int) -> User:
    user = db.get_or_404(User, user_id)
    require(services.may_manage(current_user, user))
    return user


# ---------------------------------------------------------------- overview


@bp.route("/")
def index():
    region = None if permissions.is_admin(current_user) else current_user.region
    return render_template("admin/index.html", region=region,
                           can_read_audit=permissions.can_read_audit(current_user),
                           can_export_national=permissions.can_export_national(current_user))


# ---------------------------------------------------------------- regions


@bp.route("/regions")
def regions():
    return render_template(
        "admin/regions.html", regions=services.list_regions(current_user),
        can_create=permissions.can_create_region(current_user),
    )


@bp.route("/regions/new", methods=["GET", "POST"])
def create_region():
    require(permissions.can_create_region(current_user))
    form = RegionForm()
    if form.validate_on_submit():
        done = attempt(lambda: services.save_region(None, name=form.name.data, description=form.description.data), form)
        if done:
            region = done.value
            flash(_("De regio ‘%(name)s’ is aangemaakt.", name=region.name), "success")
            return redirect(url_for(".region", region_id=region.id))
    return render_template("admin/region_form.html", form=form, region=None)


def _render_region(region: Region, member_form: MemberForm, status: int = 200):
    member_form.set_choices(services.non_members(current_user, region.id))
    return render_template(
        "admin/region.html", region=region, member_form=member_form,
        members=region_members(region.id), users=services.region_users(region.id),
        can_edit=permissions.can_edit_region(current_user, region.id),
    ), status


@bp.route("/regions/<int:region_id>")
def region(region_id: int):
    obj = _region(region_id, permissions.can_view_region)
    return _render_region(obj, MemberForm(formdata=None))


@bp.route("/regions/<int:region_id>/edit", methods=["GET", "POST"])
def edit_region(region_id: int):
    obj = _region(region_id, permissions.can_edit_region)
    form = RegionForm(obj=obj)
    if form.validate_on_submit():
        if attempt(lambda: services.save_region(obj, name=form.name.data, description=form.description.data), form):
            flash(_("De regio ‘%(name)s’ is opgeslagen.", name=obj.name), "success")
            return redirect(url_for(".region", region_id=obj.id))
    return render_template("admin/region_form.html", form=form, region=obj)


@bp.route("/regions/<int:region_id>/delete", methods=["GET", "POST"])
def delete_region(region_id: int):
    obj = _region(region_id, permissions.can_edit_region)
    form = EmptyForm()
    if form.validate_on_submit():
        name = obj.name
        if attempt(lambda: services.delete_region(current_user, obj), form):
            flash(_("De regio ‘%(name)s’ is verwijderd.", name=name), "success")
            return redirect(url_for(".regions"))
    blocker = services.deletion_blocker(current_user, obj)
    return render_template("admin/region_delete.html", region=obj, form=form, blocker=blocker)


@bp.route("/regions/<int:region_id>/members", methods=["POST"])
def add_member(region_id: int):
    obj = _region(region_id, permissions.can_manage_members)
    form = MemberForm()
    form.set_choices(services.non_members(current_user, obj.id))
    if form.validate_on_submit():
        done = attempt(lambda: services.add_member(current_user, obj, form.municipality_id.data), form)
        if done:
            municipality = done.value
            flash(_("%(name)s is toegevoegd aan de regio.", name=municipality.name), "success")
            return redirect(url_for(".region", region_id=obj.id))
    return _render_region(obj, form)


@bp.route("/regions/<int:region_id>/members/<int:municipality_id>/remove", methods=["POST"])
def remove_member(region_id: int, municipality_id: int):
    obj = _region(region_id, permissions.can_manage_members)
    municipality = db.get_or_404(Municipality, municipality_id)
    if _post_action(lambda: services.remove_member(obj, municipality)):
        flash(_("%(name)s is geen lid meer van de regio.", name=municipality.name), "success")
    return redirect(url_for(".region", region_id=obj.id))


# ---------------------------------------------------------------- gemeenten


@bp.route("/municipalities")
def municipalities():
    form = MunicipalityFilterForm(formdata=request.args)
    form.set_choices(db.session.scalars(services.visible_regions(current_user)))
    valid = form.validate()
    rows = services.list_municipalities(
        current_user,
        search=form.q.data if valid else None,
        region_id=form.region_id.data if valid else None,
        size_class=form.size_class.data if valid else None,
    )
    return render_template("admin/municipalities.html", municipalities=rows, form=form,
                           filtered=bool(request.args), can_create=permissions.can_create_municipality(current_user))


@bp.route("/municipalities/new", methods=["GET", "POST"])
def create_municipality():
    require(permissions.can_create_municipality(current_user))
    form = MunicipalityForm()
    if form.validate_on_submit():
        done = attempt(lambda: services.save_municipality(None, **form.values()), form)
        if done:
            municipality = done.value
            flash(_("De gemeente %(name)s is aangemaakt.", name=municipality.name), "success")
            return redirect(url_for(".municipality", municipality_id=municipality.id))
    return render_template("admin/municipality_form.html", form=form, municipality=None)


@bp.route("/municipalities/<int:municipality_id>")
def municipality(municipality_id: int):
    obj = services.municipality(municipality_id)
    if obj is None:
        abort(404)
    require(services.may_view_municipality(current_user, obj))
    return render_template(
        "admin/municipality.html", municipality=obj, users=services.municipality_users(current_user, obj.id),
        can_edit=permissions.can_edit_municipality(current_user),
    )


@bp.route("/municipalities/<int:municipality_id>/edit", methods=["GET", "POST"])
def edit_municipality(municipality_id: int):
    obj = db.get_or_404(Municipality, municipality_id)
    require(permissions.can_edit_municipality(current_user))
    form = MunicipalityForm(obj=obj)
    form.keep_province(obj.province)
    if form.validate_on_submit():
        if attempt(lambda: services.save_municipality(obj, **form.values()), form):
            flash(_("De gemeente %(name)s is opgeslagen.", name=obj.name), "success")
            return redirect(url_for(".municipality", municipality_id=obj.id))
    return render_template("admin/municipality_form.html", form=form, municipality=obj)


# ---------------------------------------------------------------- users


@bp.route("/users")
def users():
    options = services.assignment_options(current_user)
    form = UserFilterForm(formdata=request.args)
    form.set_choices(options.roles, options.municipalities)
    valid = form.validate()
    rows = services.list_users(
        current_user,
        role=Role(form.role.data) if valid and form.role.data else None,
        municipality_id=form.municipality_id.data if valid else None,
        status=AccountStatus(form.status.data) if valid and form.status.data else None,
    )
    return render_template("admin/users.html", users=rows, form=form, filtered=bool(request.args))


@bp.route("/users/invite", methods=["GET", "POST"])
def invite_user():
    form = InviteUserForm()
    form.set_choices(*_options())
    if form.validate_on_submit():
        done = attempt(lambda: services.invite_user(current_user, **form.values()), form)
        if done:
            _flash_invitation(*done.value)
            return redirect(url_for(".users"))
    return render_template("admin/user_invite.html", form=form)


def _options() -> tuple:
    options = services.assignment_options(current_user)
    return options.roles, options.municipalities, options.regions


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = _user(user_id)
    actions = services.user_actions(current_user, user)
    form = EditUserForm(obj=user, own_account=not actions.edit_role)
    form.set_choices(*_options())
    if form.validate_on_submit():
        if attempt(lambda: services.update_user(current_user, user, **form.values(user)), form):
            flash(_("De gegevens van %(name)s zijn opgeslagen.", name=user.name), "success")
            return redirect(url_for(".edit_user", user_id=user.id))
    return render_template("admin/user_edit.html", form=form, user=user, actions=actions)


@bp.route("/users/<int:user_id>/resend-invitation", methods=["POST"])
def resend_invitation(user_id: int):
    user = _user(user_id)
    done = _post_action(lambda: services.resend_invitation(current_user, user))
    if done:
        _flash_invitation(user, done.value)
    return redirect(url_for(".edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
def deactivate_user(user_id: int):
    user = _user(user_id)
    if _post_action(lambda: services.set_active(current_user, user, False)):
        flash(_("Het account van %(name)s is gedeactiveerd; inloggen kan niet meer.", name=user.name), "success")
    return redirect(url_for(".edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
def reactivate_user(user_id: int):
    user = _user(user_id)
    if _post_action(lambda: services.set_active(current_user, user, True)):
        flash(_("Het account van %(name)s is weer actief.", name=user.name), "success")
    return redirect(url_for(".edit_user", user_id=user.id))


# ---------------------------------------------------------------- audit log

#: The filters the audit page keeps in its pager links.
AUDIT_FILTERS = ("kind", "email", "since", "until")


@bp.route("/audit")
def audit():
    """The audit log, newest first, filtered by kind, e-mail address and days (Europe/Amsterdam)."""
    require(permissions.can_read_audit(current_user))
    form = AuditFilterForm(formdata=request.args)
    valid = form.validate()
    page = request.args.get("page", 1, type=int) or 1
    rows, page, pages, total = audit_log.search(
        kind=(form.kind.data or None) if valid else None,
        email=form.email.data if valid else None,
        since=form.since.data if valid else None,
        until=form.until.data if valid else None,
        page=page,
    )
    filters = {name: request.args.get(name, "") for name in AUDIT_FILTERS if request.args.get(name)} if valid else {}
    return render_template("admin/audit.html", form=form, events=rows, page=page, pages=pages, total=total,
                           filters=filters, filtered=any(request.args.get(name) for name in AUDIT_FILTERS),
                           invalid=not valid,
                           kind_label=audit_log.kind_label, describe=audit_log.describe)
