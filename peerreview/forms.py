"""Form pieces shared by blueprints."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectChoice, SelectMultipleField
from wtforms.validators import DataRequired, Email, Length
from wtforms.widgets import CheckboxInput, ListWidget

from .domain.errors import DomainError


def show_error(form: FlaskForm, error: DomainError) -> None:
    """Put each message of a refused action on its field, or on the form when it belongs to no field of it."""
    for problem in getattr(error, "errors", [error]):
        field = form._fields.get(problem.field) if problem.field else None
        if field is not None:
            field.errors = [*field.errors, problem.message]
        else:
            form.form_errors.append(problem.message)


class EmptyForm(FlaskForm):
    """For POST-only buttons (log out, deactivate ...): carries just the CSRF token."""


def strip_spaces(value: str | None) -> str | None:
    """Pasted addresses often carry a space; browsers strip it for type=email, other clients may not."""
    return value.strip() if isinstance(value, str) else value


def email_field(label: str | None = None, *, own: bool = False, **kwargs) -> EmailField:
    """An e-mail field, spaces around the address ignored; ``own`` when users type their own address."""
    return EmailField(
        label or (_l("Uw e-mailadres") if own else _l("E-mailadres")),
        validators=[
            DataRequired(message=_l("Vul uw e-mailadres in.") if own else _l("Vul een e-mailadres in.")),
            Length(max=254, message=_l("Een e-mailadres is hoogstens 254 tekens lang.")),
            Email(message=_l("Vul een geldig e-mailadres in, zoals naam@gemeente.nl.")),
        ],
        filters=[strip_spaces, *kwargs.pop("filters", [])],
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


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def enum_choices(enum_class: type) -> list[SelectChoice]:
    """A choice per member of a labelled enum (value and Dutch label), in the enum's order."""
    return [SelectChoice(member.value, member.label) for member in enum_class]
