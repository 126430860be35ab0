"""Forms: the round form, reopening, inviting a colleague, and reading a wizard page's many fields.

A wizard page has a field set per question whose names are built from the question id, so it is read here by
hand (:func:`read_page`) rather than by a WTForms class; CSRF is still checked by an ``EmptyForm``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..domain.evaluations import (
    MAX_REASON,
    AnswerData,
    FieldProblem,
    SectionNoteData,
    Versioned,
    clean_text,
    parse_links,
)
from ..domain.hearing import DEFAULT_TERM_DAYS, MAX_TERM_DAYS, MIN_TERM_DAYS
from ..domain.questionnaire import Question, Scale, Section
from ..forms import MultiCheckboxField, email_field

UNKNOWN_CHOICE = "unknown"


class RoundForm(FlaskForm):
    name = StringField(_l("Naam van de ronde"), validators=[
        DataRequired(message=_l("Geef de ronde een naam.")), Length(max=120)],
        description=_l("Bijvoorbeeld ‘Collegiale toets 2027’. Gemeenten en peers zien deze naam."))
    year = IntegerField(_l("Jaar"), validators=[
        InputRequired(message=_l("Geef het jaar van de ronde.")),
        NumberRange(min=2000, max=2100, message=_l("Geef een jaartal tussen 2000 en 2100."))])
    questionnaire = SelectField(_l("Vragenlijst"), validators=[DataRequired(message=_l("Kies een vragenlijst."))],
                                validate_choice=False,
                                description=_l("De versie ligt vast zodra de ronde is geopend."))
    self_evaluation_due = DateField(_l("Deadline zelfevaluatie"), validators=[
        InputRequired(message=_l("Geef een datum, bijvoorbeeld 2027-03-31."))])
    peer_review_due = DateField(_l("Deadline collegiale toets"), validators=[
        InputRequired(message=_l("Geef een datum, bijvoorbeeld 2027-03-31."))])
    plan_due = DateField(_l("Deadline verbeterplan"), validators=[
        InputRequired(message=_l("Geef een datum, bijvoorbeeld 2027-03-31."))])
    response_days = IntegerField(
        _l("Termijn voor hoor en wederhoor (dagen)"), default=DEFAULT_TERM_DAYS,
        validators=[Optional(), NumberRange(min=MIN_TERM_DAYS, max=MAX_TERM_DAYS,
                                            message=_l("Geef %(a)s tot en met %(b)s dagen.", a=MIN_TERM_DAYS,
                                                       b=MAX_TERM_DAYS))],
        description=_l("Zo lang heeft een gemeente om de feiten in het concept van het peer team te controleren, en "
                       "daarna opnieuw voor de bestuurlijke reactie van het college. Gebruikelijk is 21 dagen."))
    municipality_ids = MultiCheckboxField(_l("Deelnemende gemeenten"), coerce=int, validate_choice=False)


class ReopenForm(FlaskForm):
    reason = TextAreaField(_l("Reden voor heropenen"), validators=[
        DataRequired(message=_l("Geef een reden; de gemeente ziet die in de geschiedenis.")),
        Length(min=5, max=MAX_REASON, message=_l("De reden is 5 tot %(max)s tekens lang.", max=MAX_REASON))])


class InviteColleagueForm(FlaskForm):
    name = StringField(_l("Naam"), validators=[DataRequired(message=_l("Vul de naam in.")), Length(max=200)])
    email = email_field()


class UploadForm(FlaskForm):
    pass  # the file is read from request.files; the form carries the CSRF token


# ---------------------------------------------------------------- wizard pages


def field_name(question_id: str, part: str) -> str:
    return f"q-{question_id}-{part}"


@dataclass
class PageForm:
    """A wizard page as the user sent it: the content per item, and the problems found."""

    answers: dict[str, Versioned] = field(default_factory=dict)  # of AnswerData
    note: Versioned | None = None  # of SectionNoteData
    problems: dict[str, list[FieldProblem]] = field(default_factory=dict)
    #: What the user typed, as typed (links as one text), to show again after a refusal.
    raw: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Consensus questions that were pre-filled with the proposal: the digest of that proposal.
    prefill: dict[str, str] = field(default_factory=dict)


def _int(value: str | None) -> int:
    try:
        number = int(value or "0")
    except ValueError:
        return 0
    return number if 0 <= number < 2**31 else 0


def _digest(value: str | None) -> str | None:
    value = (value or "").strip()
    return value[:32] if value else None


def read_value(raw: str, scale: Scale) -> tuple[int | None, bool, str | None]:
    """A radio choice: a level, "unknown" or nothing. Returns value, unknown and a problem."""
    raw = (raw or "").strip()
    if not raw:
        return None, False, None
    if raw == UNKNOWN_CHOICE:
        return None, True, None
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not scale.contains(value):
        return None, False, (f"Kies een niveau van {scale.minimum} tot en met {scale.maximum} "
                             f"of ‘{scale.unknown_label}’.")
    return value, False, None


def read_page(form: MultiDict | Mapping[str, str], scale: Scale, questions: Sequence[Question],
              section: Section | None, *, with_note: bool = True) -> PageForm:
    page = PageForm()
    for question in questions:
        get = lambda part, q=question: form.get(field_name(q.id, part), "")  # noqa: E731
        raw = {part: get(part) for part in ("value", "explanation", "evidence", "links")}
        page.raw[question.id] = raw
        value, unknown, value_problem = read_value(raw["value"], scale)
        links, link_problems = parse_links(raw["links"])
        data = AnswerData(value=value, unknown=unknown, explanation=clean_text(raw["explanation"]),
                          evidence=clean_text(raw["evidence"]), links=links)
        page.answers[question.id] = Versioned(_int(get("version")), _digest(get("digest")), data)
        if _digest(get("prefill")):
            page.prefill[question.id] = _digest(get("prefill"))
        problems = []
        if value_problem:
            problems.append(FieldProblem("value", value_problem))
        problems += [FieldProblem("links", message) for message in link_problems]
        if problems:
            page.problems[question.id] = problems
    if with_note and section is not None:
        raw = {part: form.get(f"note-{part}", "") for part in ("strengths", "improvements")}
        page.raw["notes"] = raw
        note = SectionNoteData(strengths=clean_text(raw["strengths"]), improvements=clean_text(raw["improvements"]))
        page.note = Versioned(_int(form.get("note-version")), _digest(form.get("note-digest")), note)
    return page
