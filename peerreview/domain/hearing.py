"""Hoor en wederhoor: the gemeente checks the facts of the team's concept, the college reacts, the team may add a
nawoord; only then is the report published.

Pure code, like the other domain modules: plain values in, plain values or a ``DomainError`` out. The stages
themselves are in :data:`peerreview.domain.evaluations.TRANSITIONS` (``fact_check`` → ``corrected`` →
``reacted`` → ``published``).

Decisions:

* **The term.** When the chair sends the concept, the gemeente gets a term: the round's number of days (default
  21, about three weeks, as in visitatie and rekenkamer practice). When the chair closes the factual check, the
  same number of days runs again for the college's reaction. The coordinator may extend a running term, per
  gemeente, with a reason; the history keeps every extension.
* **Factual points** are tied to a place in the report (a theme or profile, the oordeel, the strengths, a
  recommendation, or the chapter on the method) and hold a short text: only facts, not opinions. The gemeente's
  lead writes them, and its contributors when the lead allows it. A point may be changed or withdrawn until the
  team answers it; no point is added after the gemeente said its check is done or after the term.
* **The team's answer** per point: *overgenomen* (the chair changed the text; a note on what changed is
  optional) or *niet overgenomen* (a reason is required). The chair answers; every answer may be changed until
  the concept is corrected.
* **Closing the check** needs an answer to every point, and either the gemeente's "klaar" or the term passed.
* **The college's reaction** has a text, the date of the collegebesluit (not in the future, not before the
  concept was sent) and its reference (kenmerk). When the term for it passed without one, the coordinator records
  "geen reactie ontvangen"; the report says so.
* **Publication** needs the reaction stage: a reaction, or the recorded "geen reactie ontvangen".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .errors import InvalidValue, NotAllowed, raise_collected
from .evaluations import MAX_REASON, EvaluationStatus, clean_text
from .questionnaire import Questionnaire, SectionKind
from .reviews import MAX_REACTION, check_long_text

DEFAULT_TERM_DAYS = 21
MIN_TERM_DAYS = 5
MAX_TERM_DAYS = 120
MAX_POINT = 2000
MIN_POINT = 5
MAX_POINT_ANSWER = 2000
MAX_REFERENCE = 120
MAX_AFTERWORD = 4000
MAX_DOCUMENTS = 4000
MAX_EXTENSION_DAYS = 180

#: Places of the report that exist whatever the questionnaire (key -> label).
FIXED_PLACES = {
    "method": "Aanleiding, opdracht en werkwijze",
    "judgement": "Het oordeel",
    "strengths": "Sterke punten",
}


class PointAnswer(StrEnum):
    """The peer team's answer to a factual point."""

    adopted = "adopted"
    not_adopted = "not_adopted"

    @property
    def label(self) -> str:
        return {PointAnswer.adopted: "Overgenomen", PointAnswer.not_adopted: "Niet overgenomen"}[self]


# --------------------------------------------------------------------------------------------------------------
# Places in the report


@dataclass(frozen=True)
class RecommendationPlace:
    id: int
    position: int
    text: str


def report_places(questionnaire: Questionnaire, recommendations: Iterable[RecommendationPlace]) -> dict[str, str]:
    """Every place of the report a factual point can be tied to, key -> label, in the report's order."""
    places = dict(FIXED_PLACES)
    for section in questionnaire.sections:
        what = "Thema" if section.kind is SectionKind.KNELPUNT else "Onderdeel"
        places[f"section:{section.id}"] = f"{what} {section.number}. {section.title}"
    for row in sorted(recommendations, key=lambda r: r.position):
        text = row.text if len(row.text) <= 60 else row.text[:59] + "…"
        places[f"recommendation:{row.id}"] = f"Aanbeveling {row.position}: {text}"
    return places


# --------------------------------------------------------------------------------------------------------------
# The term


def term_from(start: date, days: int) -> date:
    return start + timedelta(days=days)


def check_term_days(raw: object) -> int:
    """The round's term for the factual check and for the reaction, in days."""
    text = "" if raw is None else str(raw).strip()
    if not text.isdigit() or not (MIN_TERM_DAYS <= int(text) <= MAX_TERM_DAYS):
        raise InvalidValue(f"Geef een termijn van {MIN_TERM_DAYS} tot en met {MAX_TERM_DAYS} dagen.",
                           field="response_days")
    return int(text)


def term_passed(term_due: date | None, today: date) -> bool:
    """The term has passed once its last day is over."""
    return term_due is not None and today > term_due


def check_extension(current: date | None, new: date | None, reason: str | None, *, today: date) -> tuple[date, str]:
    """A longer term for one gemeente: a later date than now set, not in the past, with a reason."""
    problems: list[InvalidValue] = []
    if new is None:
        problems.append(InvalidValue("Vul een geldige datum in.", field="term_due"))
    elif new < today:
        problems.append(InvalidValue("De nieuwe termijn ligt in het verleden. Kies vandaag of een latere datum.",
                                     field="term_due"))
    elif current is not None and new <= current:
        problems.append(InvalidValue(f"Kies een datum na de huidige termijn ({current:%d-%m-%Y}); een termijn "
                                     "wordt alleen verlengd.", field="term_due"))
    elif new > today + timedelta(days=MAX_EXTENSION_DAYS):
        problems.append(InvalidValue(f"Verleng hoogstens {MAX_EXTENSION_DAYS} dagen vooruit.", field="term_due"))
    cleaned = clean_text(reason)
    if len(cleaned) < 5:
        problems.append(InvalidValue("Geef een reden voor de verlenging (minstens 5 tekens); het peer team en de "
                                     "gemeente zien die in de geschiedenis.", field="reason"))
    elif len(cleaned) > MAX_REASON:
        problems.append(InvalidValue(f"De reden is te lang: hoogstens {MAX_REASON} tekens.", field="reason"))
    raise_collected(problems)
    assert new is not None
    return new, cleaned


# --------------------------------------------------------------------------------------------------------------
# Factual points


@dataclass(frozen=True)
class PointData:
    place: str
    place_label: str
    text: str


def point_refusal(status: EvaluationStatus, *, term_due: date | None, check_done: bool, today: date) -> str | None:
    """Why the gemeente cannot add, change or withdraw factual points now, or ``None``."""
    if status is not EvaluationStatus.fact_check:
        return "Het concept ligt nu niet ter feitelijke controle; er is niets opgeslagen."
    if check_done:
        return "U hebt de feitelijke controle al afgerond; het peer team verwerkt de reacties."
    if term_passed(term_due, today):
        return (f"De termijn voor feitelijke reacties is verstreken ({term_due:%d-%m-%Y}). Vraag de "
                "regiocoördinator om verlenging.")
    return None


def point_change_refusal(*, answered: bool, withdrawing: bool = False) -> str | None:
    """A point the team has answered stays as it is (it is in the annex with its answer); ``None`` otherwise."""
    if not answered:
        return None
    if withdrawing:
        return "Het peer team heeft deze reactie al beantwoord; zij blijft in de bijlage staan."
    return "Het peer team heeft deze reactie al beantwoord; geef zo nodig een nieuwe reactie."


def check_point(places: Mapping[str, str], place: object, text: str | None) -> PointData:
    problems: list[InvalidValue] = []
    key = "" if place is None else str(place)
    if key not in places:
        problems.append(InvalidValue("Kies de plaats in het rapport uit de lijst: een thema, het oordeel, de sterke "
                                     "punten, een aanbeveling of de werkwijze.", field="place"))
    cleaned = clean_text(text)
    if len(cleaned) < MIN_POINT:
        problems.append(InvalidValue("Schrijf op welk feit niet klopt en wat het moet zijn (minstens 5 tekens).",
                                     field="text"))
    elif len(cleaned) > MAX_POINT:
        problems.append(InvalidValue(f"De reactie is te lang: hoogstens {MAX_POINT} tekens. Houd het bij feiten.",
                                     field="text"))
    raise_collected(problems)
    return PointData(key, places[key], cleaned)


def check_point_answer(answer: object, text: str | None) -> tuple[PointAnswer, str]:
    problems: list[InvalidValue] = []
    chosen: PointAnswer | None = None
    try:
        chosen = PointAnswer(str(answer))
    except ValueError:
        problems.append(InvalidValue("Kies of het team de reactie overneemt of niet.", field="answer"))
    cleaned = clean_text(text)
    if chosen is PointAnswer.not_adopted and len(cleaned) < 5:
        problems.append(InvalidValue("Geef de reden waarom het team de reactie niet overneemt; de gemeente en de "
                                     "raad lezen die in de bijlage.", field="answer_text"))
    elif len(cleaned) > MAX_POINT_ANSWER:
        problems.append(InvalidValue(f"De toelichting is te lang: hoogstens {MAX_POINT_ANSWER} tekens.",
                                     field="answer_text"))
    raise_collected(problems)
    assert chosen is not None
    return chosen, cleaned


def point_answer_refusal(status: EvaluationStatus) -> str | None:
    if status is not EvaluationStatus.fact_check:
        return "Reacties beantwoorden kan alleen zolang het concept ter feitelijke controle ligt."
    return None


def correction_refusal(status: EvaluationStatus, *, open_points: int, check_done: bool, term_due: date | None,
                       today: date) -> str | None:
    """Why the chair cannot close the factual check yet, or ``None``."""
    if status is not EvaluationStatus.fact_check:
        return "Het concept ligt nu niet ter feitelijke controle."
    if open_points:
        return (f"Nog {open_points} feitelijke {'reactie' if open_points == 1 else 'reacties'} zonder antwoord van "
                "het team.")
    if not check_done and not term_passed(term_due, today):
        return (f"De gemeente controleert nog (termijn tot en met {term_due:%d-%m-%Y}). Wacht tot zij de controle "
                "afrondt of tot de termijn voorbij is." if term_due else "De gemeente controleert nog.")
    return None


# --------------------------------------------------------------------------------------------------------------
# The college's reaction, none in time, the nawoord


@dataclass(frozen=True)
class ReactionData:
    text: str
    decided_on: date
    reference: str


def check_reaction(text: str | None, decided_on: date | None, reference: str | None, *, today: date,
                   concept_sent_on: date | None) -> ReactionData:
    problems: list[InvalidValue] = []
    cleaned = clean_text(text)
    if not cleaned:
        problems.append(InvalidValue("Neem de reactie van het college over zoals het college haar vaststelde.",
                                     field="reaction"))
    elif len(cleaned) > MAX_REACTION:
        problems.append(InvalidValue(f"De reactie is te lang: hoogstens {MAX_REACTION} tekens.", field="reaction"))
    if decided_on is None:
        problems.append(InvalidValue("Vul de datum van het collegebesluit in (dd-mm-jjjj).", field="decided_on"))
    elif decided_on > today:
        problems.append(InvalidValue("De datum van het collegebesluit ligt in de toekomst. Leg de reactie vast "
                                     "nadat het college besloten heeft.", field="decided_on"))
    elif concept_sent_on is not None and decided_on < concept_sent_on:
        problems.append(InvalidValue(f"Het collegebesluit ligt vóór de datum waarop het concept kwam "
                                     f"({concept_sent_on:%d-%m-%Y}); controleer de datum.", field="decided_on"))
    ref = clean_text(reference).replace("\n", " ")
    if not ref:
        problems.append(InvalidValue("Vul het kenmerk van het collegebesluit in, zodat de raad het kan vinden.",
                                     field="reference"))
    elif len(ref) > MAX_REFERENCE:
        problems.append(InvalidValue(f"Het kenmerk is te lang: hoogstens {MAX_REFERENCE} tekens.",
                                     field="reference"))
    raise_collected(problems)
    assert decided_on is not None
    return ReactionData(cleaned, decided_on, ref)


def reaction_refusal(status: EvaluationStatus) -> str | None:
    if status not in (EvaluationStatus.corrected, EvaluationStatus.reacted):
        if status is EvaluationStatus.fact_check:
            return "Het concept ligt nog ter feitelijke controle; de bestuurlijke reactie volgt op het gecorrigeerde "\
                   "concept."
        return "Een bestuurlijke reactie kan nu niet worden vastgelegd; het rapport is niet (meer) in die fase."
    return None


def no_reaction_refusal(status: EvaluationStatus, *, term_due: date | None, today: date) -> str | None:
    if status is not EvaluationStatus.corrected:
        return "‘Geen reactie ontvangen’ kan alleen zolang op de bestuurlijke reactie wordt gewacht."
    if not term_passed(term_due, today):
        return (f"De termijn voor de bestuurlijke reactie loopt nog tot en met {term_due:%d-%m-%Y}."
                if term_due else "De termijn voor de bestuurlijke reactie loopt nog.")
    return None


def publication_refusal(*, has_reaction: bool) -> str | None:
    """Publication, once the stage allows it, needs the college's reaction or the recorded "geen reactie"."""
    if has_reaction:
        return None
    return "De bestuurlijke reactie ontbreekt; het rapport kan nog niet worden gepubliceerd."


def check_afterword(text: str | None) -> str:
    return check_long_text(text, MAX_AFTERWORD, "afterword", "Het nawoord")


def check_documents(text: str | None) -> str:
    """One document per line; blank lines and the lines' outer spaces go."""
    cleaned = check_long_text(text, MAX_DOCUMENTS, "documents", "De lijst")
    return "\n".join(line.strip() for line in cleaned.split("\n") if line.strip())


def require_no_refusal(refusal: str | None) -> None:
    if refusal is not None:
        raise NotAllowed(refusal)
