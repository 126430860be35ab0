from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from ..forms import email_field


class LoginForm(FlaskForm):
    email = email_field(own=True)
    password = PasswordField(
        _l("Wachtwoord"),
        validators=[
            DataRequired(message=_l("Vul uw wachtwoord in.")),
            Length(max=256, message=_l("Een wachtwoord is hoogstens 256 tekens lang.")),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Inloggen"))


class ForgotPasswordForm(FlaskForm):
    email = email_field(own=True)
    submit = SubmitField(_l("Stuur mij een link"))


def _new_password(label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired(message=_l("Kies een wachtwoord."))],
        render_kw={"autocomplete": "new-password"},
    )


def _confirmation() -> PasswordField:
    return PasswordField(
        _l("Herhaal het nieuwe wachtwoord"),
        validators=[
            DataRequired(message=_l("Herhaal het wachtwoord.")),
            EqualTo("password", message=_l("De twee wachtwoorden zijn niet gelijk.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class SetPasswordForm(FlaskForm):
    password = _new_password(_l("Nieuw wachtwoord"))
    confirm = _confirmation()
    submit = SubmitField(_l("Wachtwoord opslaan"))


class ActivateForm(FlaskForm):
    password = _new_password(_l("Kies een wachtwoord"))
    confirm = _confirmation()
    submit = SubmitField(_l("Account activeren"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Huidig wachtwoord"),
        validators=[DataRequired(message=_l("Vul uw huidige wachtwoord in."))],
        render_kw={"autocomplete": "current-password"},
    )
    password = _new_password(_l("Nieuw wachtwoord"))
    confirm = _confirmation()
    submit = SubmitField(_l("Wachtwoord wijzigen"))
