from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from ..forms import email_field


class LoginForm(FlaskForm):
    email = email_field("Uw e-mailadres")
    password = PasswordField(
        "Wachtwoord",
        validators=[DataRequired(message="Vul uw wachtwoord in."), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Inloggen")


class ForgotPasswordForm(FlaskForm):
    email = email_field("Uw e-mailadres")
    submit = SubmitField("Stuur mij een link")


def _new_password(label: str = "Nieuw wachtwoord") -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired(message="Kies een wachtwoord.")],
        render_kw={"autocomplete": "new-password"},
    )


def _confirmation() -> PasswordField:
    return PasswordField(
        "Herhaal het nieuwe wachtwoord",
        validators=[
            DataRequired(message="Herhaal het wachtwoord."),
            EqualTo("password", message="De twee wachtwoorden zijn niet gelijk."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class SetPasswordForm(FlaskForm):
    password = _new_password()
    confirm = _confirmation()
    submit = SubmitField("Wachtwoord opslaan")


class ActivateForm(FlaskForm):
    password = _new_password("Kies een wachtwoord")
    confirm = _confirmation()
    submit = SubmitField("Account activeren")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Huidig wachtwoord",
        validators=[DataRequired(message="Vul uw huidige wachtwoord in.")],
        render_kw={"autocomplete": "current-password"},
    )
    password = _new_password()
    confirm = _confirmation()
    submit = SubmitField("Wachtwoord wijzigen")
