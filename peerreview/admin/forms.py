"""Forms of the Beheer area. Choices that depend on who is looking are filled in by the view."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import TextInput

from ..audit import KINDS as AUDIT_KINDS
from ..domain.accounts import AccountStatus
from ..domain.municipalities import SIZE_CLASSES
from ..domain.roles import Role
from ..forms import email_field

#: The twelve provinces, for the gemeente form (a select avoids spelling variants in filters).
PROVINCES = (
    "Drenthe", "Flevoland", "Friesland", "Gelderland", "Groningen", "Limburg", "Noord-Brabant",
    "Noord-Holland", "Overijssel", "Utrecht", "Zeeland", "Zuid-Holland",
)

#: Stands for a submitted value that is not a number, so it matches no choice.
_NOT_A_CHOICE = -1
_THOUSANDS = re.compile(r"[0-9]{1,3}(\.[0-9]{3})+")


def optional_int(value: object) -> int | None:
    """Coerce a select's value: '' is no choice, a number is an id, anything else matches nothing."""
    if value in ("", None):
        return None
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return _NOT_A_CHOICE


class ChoiceField(SelectField):
    """A select whose 'not in the list' message is Dutch and names the field's subject.

    The server refuses any value that is not among the choices the view offered, so a crafted
    POST cannot pick a role, gemeente or region the user was not shown.
    """

    def __init__(self, label: str, *, invalid_message: str, **kwargs) -> None:
        super().__init__(label, invalid_choice_message=invalid_message, invalid_value_message=invalid_message,
                         **kwargs)


class WholeNumberField(IntegerField):
    """A whole number; accepts Dutch thousands separators (``184.250``) and keeps what was typed.

    Rendered as a text input with a numeric keyboard: a ``type=number`` input would refuse
    ``184.250`` in some browsers and change values on scrolling.
    """

    widget = TextInput()

    def __init__(self, label: str, *, invalid_message: str, **kwargs) -> None:
        super().__init__(label, **kwargs)
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip().replace(" ", "")
        if _THOUSANDS.fullmatch(text):
            text = text.replace(".", "")
        try:
            self.data = int(text)
        except ValueError:
            self.data = None
            raise ValueError(self.invalid_message) from None


def _with_empty(choices: Iterable[tuple[object, str]], empty: str) -> list[SelectChoice]:
    return [SelectChoice("", empty), *(SelectChoice(value, label) for value, label in choices)]


# ---------------------------------------------------------------- regions


class RegionForm(FlaskForm):
    name = StringField(
        _l("Naam"),
        validators=[
            DataRequired(message=_l("Vul de naam van de regio in.")),
            Length(max=120, message=_l("Een naam is hoogstens 120 tekens lang.")),
        ],
    )
    description = TextAreaField(
        _l("Omschrijving"),
        validators=[Optional(), Length(max=2000, message=_l("Een omschrijving is hoogstens 2000 tekens lang."))],
    )
    submit = SubmitField(_l("Opslaan"))


class MemberForm(FlaskForm):
    municipality_id = ChoiceField(
        _l("Gemeente"),
        coerce=optional_int,
        invalid_message=_l("Kies een gemeente uit de lijst."),
        validators=[DataRequired(message=_l("Kies de gemeente die u wilt toevoegen."))],
    )
    submit = SubmitField(_l("Lid toevoegen"))

    def set_choices(self, municipalities: Iterable) -> None:
        self.municipality_id.choices = _with_empty(
            ((m.id, f"{m.name} ({m.cbs_code})") for m in municipalities), _l("Kies een gemeente")
        )


# ---------------------------------------------------------------- gemeenten


class MunicipalityForm(FlaskForm):
    name = StringField(
        _l("Naam"),
        validators=[
            DataRequired(message=_l("Vul de naam van de gemeente in.")),
            Length(max=120, message=_l("Een naam is hoogstens 120 tekens lang.")),
        ],
    )
    cbs_code = StringField(
        _l("CBS-code"),
        validators=[DataRequired(message=_l("Vul de CBS-code in, bijvoorbeeld GM0363."))],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    inhabitants = WholeNumberField(
        _l("Aantal inwoners"),
        invalid_message=_l("Vul het aantal inwoners in als heel getal, zonder letters of komma."),
        validators=[InputRequired(message=_l("Vul het aantal inwoners in."))],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    province = ChoiceField(
        _l("Provincie"),
        invalid_message=_l("Kies een provincie uit de lijst."),
        choices=_with_empty(((p, p) for p in PROVINCES), _l("Onbekend")),
    )
    submit = SubmitField(_l("Opslaan"))

    def values(self) -> dict:
        return {
            "name": self.name.data, "cbs_code": self.cbs_code.data, "inhabitants": self.inhabitants.data,
            "province": self.province.data,
        }

    def keep_province(self, current: str) -> None:
        """Offer a stored province that is not in the list, so editing does not refuse it."""
        if current and current not in PROVINCES:
            self.province.choices = [*self.province.choices, SelectChoice(current, current)]


class MunicipalityFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    q = SearchField(
        _l("Zoek op naam of CBS-code"),
        validators=[Optional(), Length(max=120, message=_l("Een zoekterm is hoogstens 120 tekens lang."))],
    )
    region_id = ChoiceField(_l("Regio"), coerce=optional_int, invalid_message=_l("Kies een regio uit de lijst."))
    size_class = ChoiceField(
        _l("Grootteklasse"),
        default="",
        invalid_message=_l("Kies een grootteklasse uit de lijst."),
        choices=_with_empty(((c.key, c.label) for c in SIZE_CLASSES), _l("Alle grootteklassen")),
    )
    submit = SubmitField(_l("Filteren"))

    def set_choices(self, regions: Iterable) -> None:
        self.region_id.choices = _with_empty(((r.id, r.name) for r in regions), _l("Alle regio's"))


# ---------------------------------------------------------------- users


def _user_name_field() -> StringField:
    return StringField(
        _l("Naam"),
        validators=[
            DataRequired(message=_l("Vul de naam van de gebruiker in.")),
            Length(max=200, message=_l("Een naam is hoogstens 200 tekens lang.")),
        ],
        render_kw={"autocomplete": "off"},
    )


def _role_field() -> ChoiceField:
    return ChoiceField(
        _l("Rol"),
        invalid_message=_l("Kies een rol uit de lijst."),
        validators=[DataRequired(message=_l("Kies een rol."))],
    )


def _municipality_field() -> ChoiceField:
    return ChoiceField(_l("Gemeente"), coerce=optional_int, invalid_message=_l("Kies een gemeente uit de lijst."))


def _region_field() -> ChoiceField:
    return ChoiceField(_l("Regio"), coerce=optional_int, invalid_message=_l("Kies een regio uit de lijst."))


class _AssignmentChoices:
    """Role, gemeente and region choices limited to what the current user may hand out."""

    role: ChoiceField
    municipality_id: ChoiceField
    region_id: ChoiceField

    def set_choices(self, roles: Iterable[Role], municipalities: Iterable, regions: Iterable) -> None:
        if "role" in self:  # absent when someone edits their own account
            self.role.choices = _with_empty(((r.value, r.label) for r in roles), _l("Kies een rol"))
        self.municipality_id.choices = _with_empty(
            ((m.id, f"{m.name} ({m.cbs_code})") for m in municipalities), _l("Geen gemeente")
        )
        self.region_id.choices = _with_empty(((r.id, r.name) for r in regions), _l("Geen regio"))


class InviteUserForm(_AssignmentChoices, FlaskForm):
    email = email_field()
    name = _user_name_field()
    role = _role_field()
    municipality_id = _municipality_field()
    region_id = _region_field()
    submit = SubmitField(_l("Uitnodiging versturen"))

    def values(self) -> dict:
        return {
            "email": self.email.data, "name": self.name.data, "role": self.role.data,
            "municipality_id": self.municipality_id.data, "region_id": self.region_id.data,
        }


class EditUserForm(_AssignmentChoices, FlaskForm):
    name = _user_name_field()
    role = _role_field()
    municipality_id = _municipality_field()
    region_id = _region_field()
    is_active = BooleanField(_l("Account is actief (de gebruiker kan inloggen)"))
    submit = SubmitField(_l("Wijzigingen opslaan"))

    def __init__(self, *args, own_account: bool = False, **kwargs) -> None:
        """On one's own account the role and the active switch are not offered (nobody demotes themselves)."""
        super().__init__(*args, **kwargs)
        if own_account:
            del self.role
            del self.is_active

    def values(self, target: object) -> dict:
        """The submitted changes; what the form does not offer keeps the account's current value."""
        return {
            "name": self.name.data,
            "role": self.role.data if "role" in self else target.role.value,
            "municipality_id": self.municipality_id.data,
            "region_id": self.region_id.data,
            "is_active": self.is_active.data if "is_active" in self else target.is_active,
        }


class UserFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    role = ChoiceField(_l("Rol"), default="", invalid_message=_l("Kies een rol uit de lijst."))
    municipality_id = ChoiceField(
        _l("Gemeente"), coerce=optional_int, invalid_message=_l("Kies een gemeente uit de lijst.")
    )
    status = ChoiceField(
        _l("Status"),
        default="",
        invalid_message=_l("Kies een status uit de lijst."),
        choices=_with_empty(((s.value, s.label) for s in AccountStatus), _l("Alle statussen")),
    )
    submit = SubmitField(_l("Filteren"))

    def set_choices(self, roles: Iterable[Role], municipalities: Iterable) -> None:
        self.role.choices = _with_empty(((r.value, r.label) for r in roles), _l("Alle rollen"))
        self.municipality_id.choices = _with_empty(
            ((m.id, f"{m.name} ({m.cbs_code})") for m in municipalities), _l("Alle gemeenten")
        )


# ---------------------------------------------------------------- audit log


class DayField(DateField):
    """A day (``YYYY-MM-DD``, what a date input sends) with a Dutch message for anything else."""

    FIRST, LAST = date(2000, 1, 1), date(2999, 12, 31)

    def __init__(self, label: str, **kwargs) -> None:
        super().__init__(label, format="%Y-%m-%d", validators=[Optional()], **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            self.data = None
            return
        try:
            self.data = datetime.strptime(text, "%Y-%m-%d").date()
        except ValueError:
            self.data = None
            raise ValueError(_l("Vul een geldige datum in, bijvoorbeeld 2027-03-31.")) from None
        if not self.FIRST <= self.data <= self.LAST:
            self.data = None
            raise ValueError(_l("Vul een datum in tussen 2000 en 2999."))


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    kind = ChoiceField(
        _l("Soort"),
        default="",
        invalid_message=_l("Kies een soort uit de lijst."),
        choices=_with_empty(AUDIT_KINDS.items(), _l("Alle soorten")),
    )
    email = SearchField(
        _l("E-mailadres bevat"),
        validators=[Optional(), Length(max=254, message=_l("Een e-mailadres is hoogstens 254 tekens lang."))],
    )
    since = DayField(_l("Vanaf (datum)"))
    until = DayField(_l("Tot en met (datum)"))
    submit = SubmitField(_l("Filteren"))

    def validate_until(self, field: DayField) -> None:
        if field.data is not None and self.since.data is not None and field.data < self.since.data:
            raise ValidationError(_l("De einddatum ligt vóór de begindatum."))
