from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from . import bp
from .services import start_page_for


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("main.start"))
    return redirect(url_for("auth.login"))


@bp.route("/start")
@login_required
def start():
    page = start_page_for(current_user)
    return render_template(page.template, **page.context)
