"""Form pieces shared by blueprints."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired, Email, Length


class EmptyForm(FlaskForm):
    """For POST-only buttons (log out, deactivate ...): carries just the CSRF token."""


def email_field(label: str = "E-mailadres", *, own: bool = False, **kwargs) -> EmailField:  # noqa: ANN003
    """An e-mail field; ``own`` when users type their own address ("Vul uw ...")."""
    return EmailField(
        label,
        validators=[
            DataRequired(message="Vul uw e-mailadres in." if own else "Vul een e-mailadres in."),
            Length(max=254, message="Een e-mailadres is hoogstens 254 tekens lang."),
            Email(message="Vul een geldig e-mailadres in, zoals naam@gemeente.nl."),
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
        **kwargs,
    )


def is_valid_email(value: str) -> bool:
    """The same rule as the forms' Email validator, for the command line."""
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True
