"""Forms of the verbeterplan. Choices are checked by the domain rules (with Dutch messages), not by WTForms, so a
crafted value (a recommendation of another gemeente, an unknown status) gets the same clear refusal as a wrong one
typed by hand."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField

from ..domain.plans import MAX_DESCRIPTION, MAX_NOTE, MAX_OWNER, MAX_REASON, MAX_TITLE, ActionStatus, OwnerKind
from ..forms import MultiCheckboxField, enum_choices


class ActionForm(FlaskForm):
    title = StringField(_l("Titel van de actie"), render_kw={"maxlength": MAX_TITLE})
    description = TextAreaField(_l("Beschrijving"), render_kw={"rows": 5, "maxlength": MAX_DESCRIPTION})
    recommendations = MultiCheckboxField(_l("Aanbevelingen waar deze actie op antwoordt"), coerce=str,
                                         validate_choice=False)
    themes = MultiCheckboxField(_l("Thema's"), coerce=str, validate_choice=False)
    owner = StringField(_l("Eigenaar"), render_kw={"maxlength": MAX_OWNER, "autocomplete": "off"})
    owner_kind = RadioField(_l("De eigenaar is"), choices=enum_choices(OwnerKind), default=OwnerKind.internal.value,
                            validate_choice=False)
    start_on = DateField(_l("Startdatum"), format="%Y-%m-%d")
    due_on = DateField(_l("Einddatum"), format="%Y-%m-%d")
    version = HiddenField()


class StatusForm(FlaskForm):
    status = RadioField(_l("Status"), choices=enum_choices(ActionStatus), validate_choice=False)
    reason = TextAreaField(_l("Reden (nodig bij ‘vervallen’)"), render_kw={"rows": 3, "maxlength": MAX_REASON})
    version = HiddenField()


class NoteForm(FlaskForm):
    noted_on = DateField(_l("Datum"), format="%Y-%m-%d")
    text = TextAreaField(_l("Wat is er gebeurd?"), render_kw={"rows": 4, "maxlength": MAX_NOTE})


class FilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter form

    theme = SelectField(_l("Thema"), validate_choice=False)
    owner = SelectField(_l("Eigenaar"), validate_choice=False)
    status = SelectField(_l("Status"), validate_choice=False)
