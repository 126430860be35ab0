from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from .. import audit
from ..accounts import AccountError
from ..domain.errors import DomainError
from ..extensions import db
from ..forms import EmptyForm
from ..security import mark_login, throttle_login, throttle_password_reset
from ..tokens import Purpose
from ..web import attempt
from . import bp, services
from .forms import ActivateForm, ChangePasswordForm, ForgotPasswordForm, LoginForm, SetPasswordForm

#: The one message for a wrong password, an unknown address and an inactive or not yet activated account.
LOGIN_FAILED = _l("Deze combinatie van e-mailadres en wachtwoord is onbekend. Controleer beide en probeer het opnieuw.")


def _safe_next(target: str | None) -> str | None:
    """Only local paths: never redirect to another site after log-in.

    Control characters and spaces are refused too: browsers drop tabs and newlines from a URL (a tab
    between the slashes of ``/ /evil.example`` leaves ``//evil.example``), and a newline in the
    Location header would be a server error.
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(char) <= 0x20 or ord(char) == 0x7F for char in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _start_session(user) -> None:
    session.clear()  # a fresh session at log-in: no fixation, nothing carried over (the CSRF token included)
    session.permanent = True
    mark_login()
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
@throttle_login
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.start"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            next_url = _safe_next(request.args.get("next"))
            _start_session(user)
            audit.record("login_ok", actor=user)
            db.session.commit()
            return redirect(next_url or url_for("main.start"))
        # Nothing of this request is committed: the failure is written in a transaction of its own.
        audit.record_failed_login(form.email.data)
        error = LOGIN_FAILED
    form.password.data = ""
    return render_template("auth/login.html", form=form, error=error)


@bp.route("/logout", methods=["POST"])
def logout():
    form = EmptyForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            audit.record("logout")
            db.session.commit()
        logout_user()
        session.clear()
        flash(_("U bent uitgelogd."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@throttle_password_reset
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        return render_template(
            "auth/forgot_password_sent.html", email=form.email.data, lifetime=services.password_reset_lifetime()
        )
    return render_template("auth/forgot_password.html", form=form)


#: What a successful reset or activation is in the audit log.
_AUDIT_KINDS = {Purpose.reset_password: "password_reset", Purpose.activate: "account_activated"}


def _token_form(token: str, purpose: Purpose, form_class, template: str, apply, done_message):
    try:
        user = services.user_for_token(token, purpose)
    except AccountError as error:
        return render_template("auth/token_invalid.html", message=error.message, purpose=purpose,
                               reason=error.reason), 400
    form = form_class()
    if form.validate_on_submit():
        try:
            done = attempt(lambda: apply(token, form.password.data), commit=False, raising=(AccountError,),
                           report=lambda error: form.password.errors.append(error.message))
        except AccountError as error:
            return render_template("auth/token_invalid.html", message=error.message, purpose=purpose,
                                   reason=error.reason), 400
        if done:
            user = done.value
            _start_session(user)
            audit.record(_AUDIT_KINDS[purpose], actor=user)
            db.session.commit()
            flash(str(done_message), "success")
            return redirect(url_for("main.start"))
    return render_template(template, form=form, user=user)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _token_form(
        token, Purpose.reset_password, SetPasswordForm, "auth/reset_password.html",
        services.reset_password, _l("Uw nieuwe wachtwoord is opgeslagen. U bent ingelogd."),
    )


@bp.route("/activate/<token>", methods=["GET", "POST"])
def activate(token: str):
    return _token_form(
        token, Purpose.activate, ActivateForm, "auth/activate.html",
        services.activate, _l("Welkom! Uw account is geactiveerd en u bent ingelogd."),
    )


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()

    def refused(error: DomainError) -> None:
        field = form.current_password if error.field == "current_password" else form.password
        field.errors.append(error.message)

    if form.validate_on_submit():
        if attempt(lambda: services.change_password(current_user, form.current_password.data, form.password.data),
                   commit=False, report=refused):
            login_user(current_user._get_current_object())  # keep this session; others end
            audit.record("password_changed")
            db.session.commit()
            flash(_("Uw wachtwoord is gewijzigd."), "success")
            return redirect(url_for("main.start"))
    return render_template("auth/change_password.html", form=form)
