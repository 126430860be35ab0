"""Forms of the peer review. Choices are checked by the domain rules (with Dutch messages), not by WTForms,
so a crafted value gets the same clear refusal as a wrong one typed by hand."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField

from ..domain.hearing import MAX_AFTERWORD, MAX_DOCUMENTS, MAX_POINT, MAX_POINT_ANSWER, MAX_REFERENCE, PointAnswer
from ..domain.reviews import (
    MAX_DECLARATION_REASON,
    MAX_ENTRY_NOTES,
    MAX_JUDGEMENT,
    MAX_REACTION,
    MAX_RECOMMENDATION,
    MAX_STRENGTHS,
    Addressee,
    Capacity,
    Confidentiality,
    Priority,
    ReciprocalPolicy,
)
from ..forms import MultiCheckboxField, enum_choices


class AddMemberForm(FlaskForm):
    user_id = SelectField(_l("Peer reviewer"), coerce=str, validate_choice=False)
    capacity = RadioField(_l("Als"), choices=enum_choices(Capacity), default=Capacity.official.value,
                          validate_choice=False)
    as_chair = BooleanField(_l("Voorzitter van het team"))
    confirmed = BooleanField(_l("Ik heb de waarschuwing gelezen en voeg deze reviewer toch toe"))


class DeclarationForm(FlaskForm):
    municipality_id = SelectField(_l("Gemeente"), coerce=str, validate_choice=False)
    reason = TextAreaField(_l("Toelichting (optioneel)"), render_kw={"maxlength": MAX_DECLARATION_REASON, "rows": 3},
                           description=_l("Bijvoorbeeld: ‘mijn partner werkt bij deze gemeente’ of ‘tot 2025 "
                                          "werkzaam bij deze gemeente’. De regiocoördinator ziet dit."))


class EntryForm(FlaskForm):
    held_on = DateField(_l("Datum"), format="%Y-%m-%d")
    interviewees = TextAreaField(_l("Gesprekspartners"), render_kw={"rows": 4},
                                 description=_l("Functie en organisatie, één per regel, bijvoorbeeld "
                                                "‘Teamchef – politie Midden-Nederland’."))
    notes = TextAreaField(_l("Aantekeningen"), render_kw={"rows": 8, "maxlength": MAX_ENTRY_NOTES})
    themes = MultiCheckboxField(_l("Thema's"), coerce=str, validate_choice=False)
    confidentiality = RadioField(_l("Vertrouwelijkheid"), choices=enum_choices(Confidentiality),
                                 default=Confidentiality.team.value, validate_choice=False)


class JudgementForm(FlaskForm):
    judgement = TextAreaField(_l("Oordeel over de regie op integrale veiligheid"),
                              render_kw={"rows": 10, "maxlength": MAX_JUDGEMENT})
    strengths = TextAreaField(_l("Belangrijkste sterke punten"), render_kw={"rows": 6, "maxlength": MAX_STRENGTHS})
    documents = TextAreaField(_l("Geraadpleegde documenten"), render_kw={"rows": 5, "maxlength": MAX_DOCUMENTS},
                              description=_l("Eén document per regel, met jaar, bijvoorbeeld ‘Integraal "
                                             "veiligheidsplan 2023–2026’. De zelfevaluatie staat er al bij. Dit komt "
                                             "in het hoofdstuk ‘Aanleiding, opdracht en werkwijze’."))


class RecommendationForm(FlaskForm):
    text = TextAreaField(_l("Aanbeveling"), render_kw={"rows": 5, "maxlength": MAX_RECOMMENDATION})
    themes = MultiCheckboxField(_l("Thema's"), coerce=str, validate_choice=False)
    priority = RadioField(_l("Prioriteit"), choices=enum_choices(Priority), default=Priority.medium.value,
                          validate_choice=False)
    addressee = RadioField(_l("Gericht aan"), choices=enum_choices(Addressee), default=Addressee.municipality.value,
                           validate_choice=False)


class ConceptForm(FlaskForm):
    token = HiddenField()
    confirmed = BooleanField(_l("Ik bevestig dat het team zonder hun scores afrondt"))


class ReactionForm(FlaskForm):
    reaction = TextAreaField(_l("Reactie van het college"), render_kw={"rows": 10, "maxlength": MAX_REACTION},
                             description=_l("Neem de tekst over zoals het college die heeft vastgesteld."))
    decided_on = DateField(_l("Datum van het collegebesluit"), format="%Y-%m-%d")
    reference = StringField(_l("Kenmerk van het collegebesluit"), render_kw={"maxlength": MAX_REFERENCE},
                            description=_l("Het zaak- of documentnummer, zodat de raad het besluit kan vinden."))


class PointForm(FlaskForm):
    place = SelectField(_l("Plaats in het rapport"), coerce=str, validate_choice=False)
    text = TextAreaField(_l("Wat klopt er feitelijk niet, en wat moet het zijn?"),
                         render_kw={"rows": 4, "maxlength": MAX_POINT},
                         description=_l("Alleen feiten: een verkeerd jaartal, een naam, een cijfer, iets wat is "
                                        "weggelaten. Uw mening over het oordeel geeft het college in de bestuurlijke "
                                        "reactie."))
    version = HiddenField()


class PointAnswerForm(FlaskForm):
    answer = RadioField(_l("Antwoord van het team"), choices=enum_choices(PointAnswer),
                        validate_choice=False)
    answer_text = TextAreaField(_l("Toelichting"), render_kw={"rows": 3, "maxlength": MAX_POINT_ANSWER},
                                description=_l("Bij ‘overgenomen’: wat is aangepast (mag leeg). Bij ‘niet "
                                               "overgenomen’: waarom niet (verplicht)."))
    version = HiddenField()


class TermForm(FlaskForm):
    term_due = DateField(_l("Nieuwe termijn (tot en met)"), format="%Y-%m-%d")
    reason = TextAreaField(_l("Reden van de verlenging"), render_kw={"rows": 3, "maxlength": 2000})


class AfterwordForm(FlaskForm):
    afterword = TextAreaField(_l("Nawoord van het peer team (optioneel)"),
                              render_kw={"rows": 6, "maxlength": MAX_AFTERWORD},
                              description=_l("Een korte reactie van het team op de bestuurlijke reactie. Het "
                                             "nawoord staat in het rapport direct na de reactie."))


class CheckAccessForm(FlaskForm):
    contributors = BooleanField(_l("Collega's van de gemeente mogen het concept lezen en feitelijke reacties geven"))


class ReviewRulesForm(FlaskForm):
    reciprocal_review = RadioField(_l("Wederzijds toetsen in dezelfde ronde"), choices=enum_choices(ReciprocalPolicy),
                                   validate_choice=False)
