"""Beheer: regions, gemeenten and users. Admins see all; a region coordinator their own region."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from ..domain import permissions
from ..extensions import db
from ..models import Municipality, Region, User
from . import bp


@bp.before_request
@login_required
def require_administration():  # noqa: ANN201
    if not permissions.can_open_administration(current_user):
        abort(403)


@bp.route("/")
def index():  # noqa: ANN201
    return render_template("admin/index.html")


@bp.route("/regions")
def regions():  # noqa: ANN201
    rows = db.session.scalars(select(Region).order_by(Region.name)).all()
    return render_template("admin/regions.html", regions=rows)


@bp.route("/regions/<int:region_id>")
def region(region_id: int):  # noqa: ANN201
    obj = db.get_or_404(Region, region_id)
    if not permissions.can_view_region(current_user, obj.id):
        abort(403)
    return render_template("admin/region.html", region=obj)


@bp.route("/municipalities")
def municipalities():  # noqa: ANN201
    rows = db.session.scalars(select(Municipality).order_by(Municipality.name)).all()
    return render_template("admin/municipalities.html", municipalities=rows)


@bp.route("/users")
def users():  # noqa: ANN201
    rows = db.session.scalars(select(User).order_by(User.name)).all()
    return render_template("admin/users.html", users=rows)
