"""Peer review rules: who may sit in a peer team, the members' own scores and the team's, interviews and
observations, the judgement and recommendations, and what publication needs.

Pure code, like the other domain modules: plain values in, plain values or a ``DomainError`` out.

Decisions:

* **Conflicts of interest** are checked when a reviewer is added to a team (:func:`check_candidate`):

  - a reviewer never reviews their *own gemeente* (refused, whatever the region says);
  - a reviewer who has *declared a conflict* with the gemeente cannot be added (refused);
  - *reciprocal review*: the reviewer's own gemeente is, in the same round, reviewed by a team with someone of
    the gemeente under review. The region decides (:class:`ReciprocalPolicy`): refuse, or warn and let the
    coordinator add the reviewer after an explicit confirmation, which is recorded with the membership.
    The default is to warn: small regions cannot always avoid it, and the brief says a region *may* forbid it.

* **Scores** are whole levels of the questionnaire's scale, per knelpunt theme and per element of the coordinator
  profile (:func:`review_items`). A member saves scores as often as needed, and submits them once, when every
  item has a level and a short rationale; submitted scores are final (the team's consensus is where views meet).
  A member sees the other members' scores only after submitting their own (see ``permissions``).

* **The team's score** per item is set by the chair: a level and a motivation, both required. The page shows a
  proposal, the median of the members' submitted scores (a median between two levels goes to the *lower* one,
  as for the gemeente's own consensus), but never fills it in: the chair decides.

* **Recommendations** name one or more themes (a knelpunt or the coordinator profile), a priority and whom they
  address: the gemeente, or the region or the national government (Rijk). The latter two are meant for the largely
  external themes; the form says so, but does not forbid it elsewhere (a region can act on, say, shared expertise).

* **Publication** needs a team score for every item, an overall judgement and at least one recommendation.
  Members who have not submitted their scores do not block, but the chair must confirm, by name, that the team
  goes on without them (:class:`PublicationCheck`). Why a report cannot be published is one reason, for the page
  and for the publication alike (:func:`publication_refusal`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from .errors import InvalidValue, NotAllowed, raise_collected
from .evaluations import EvaluationStatus, clean_text
from .questionnaire import Questionnaire, Scale, SectionKind
from .scoring import proposal_level

MAX_RATIONALE = 1000
MAX_MOTIVATION = 4000
MAX_JUDGEMENT = 8000
MAX_STRENGTHS = 4000
MAX_RECOMMENDATION = 2000
MIN_RECOMMENDATION = 5
MAX_ENTRY_NOTES = 8000
MAX_INTERVIEWEES = 30
MAX_INTERVIEWEE = 200
MAX_REACTION = 8000
MAX_DECLARATION_REASON = 1000


# --------------------------------------------------------------------------------------------------------------
# Choices


class ReciprocalPolicy(StrEnum):
    """What a region does with reciprocal review in the same round."""

    warn = "warn"
    refuse = "refuse"

    @property
    def label(self) -> str:
        return {
            ReciprocalPolicy.warn: "Waarschuwen, en na bevestiging van de coördinator toestaan",
            ReciprocalPolicy.refuse: "Weigeren, ook na bevestiging",
        }[self]


class Capacity(StrEnum):
    """In what capacity a reviewer sits in the team."""

    official = "official"
    administrator = "administrator"

    @property
    def label(self) -> str:
        return {Capacity.official: "Ambtenaar", Capacity.administrator: "Bestuurder"}[self]


class Confidentiality(StrEnum):
    team = "team"
    quotable = "quotable"

    @property
    def label(self) -> str:
        return {Confidentiality.team: "Alleen voor het team",
                Confidentiality.quotable: "Citeerbaar in het rapport"}[self]


class EntryKind(StrEnum):
    interview = "interview"
    observation = "observation"

    @property
    def label(self) -> str:
        return {EntryKind.interview: "Gesprek", EntryKind.observation: "Waarneming"}[self]


class Priority(StrEnum):
    high = "high"
    medium = "medium"
    low = "low"

    @property
    def label(self) -> str:
        return {Priority.high: "Hoog", Priority.medium: "Middel", Priority.low: "Laag"}[self]

    @property
    def rank(self) -> int:
        return list(Priority).index(self)


class Addressee(StrEnum):
    municipality = "municipality"
    region = "region"
    national = "national"

    @property
    def label(self) -> str:
        return {Addressee.municipality: "Gemeente", Addressee.region: "Regio",
                Addressee.national: "Rijk"}[self]

    @property
    def recipient(self) -> str:
        """In a sentence: "aan de gemeente", "aan de regio", "aan het Rijk"."""
        return {Addressee.municipality: "de gemeente", Addressee.region: "de regio",
                Addressee.national: "het Rijk"}[self]


def parse_choice(enum_class: type[StrEnum], value: object, field_name: str, message: str) -> StrEnum:
    try:
        return enum_class(str(value))
    except ValueError:
        raise InvalidValue(message, field=field_name) from None


# --------------------------------------------------------------------------------------------------------------
# The team and conflicts of interest


@dataclass(frozen=True)
class TeamFacts:
    """Who is in a peer team: what the permission rules need to know."""

    member_ids: frozenset[int] = frozenset()
    chair_id: int | None = None
    submitted_ids: frozenset[int] = frozenset()  # members who submitted their own scores

    def has_member(self, user_id: int) -> bool:
        return user_id in self.member_ids

    def has_submitted(self, user_id: int) -> bool:
        return user_id in self.submitted_ids


NO_TEAM = TeamFacts()


@dataclass(frozen=True)
class Candidate:
    """A reviewer the coordinator might add, with what the conflict rules need to know."""

    user_id: int
    name: str
    municipality_id: int | None
    municipality_name: str
    is_peer_reviewer: bool = True
    is_active: bool = True


@dataclass(frozen=True)
class Finding:
    kind: str  # own, declared, reciprocal, role, inactive, member
    message: str
    blocks: bool


def is_reciprocal(reviewer_municipality_id: int | None, evaluated_municipality_id: int,
                  reviewers_by_evaluated: Mapping[int, Collection[int]]) -> bool:
    """Whether the reviewer's gemeente is, in the same round, reviewed by someone of the evaluated gemeente.

    ``reviewers_by_evaluated`` maps each evaluated gemeente of the round to the gemeenten its team members
    work for."""
    if reviewer_municipality_id is None:
        return False
    return evaluated_municipality_id in reviewers_by_evaluated.get(reviewer_municipality_id, ())


def check_candidate(candidate: Candidate, *, evaluated_municipality_id: int, evaluated_name: str,
                    team_member_ids: Collection[int], declared_reason: str | None, reciprocal: bool,
                    policy: ReciprocalPolicy) -> list[Finding]:
    """Everything that stands in the way of adding ``candidate`` to the team reviewing a gemeente.

    Findings that ``blocks`` refuse the addition; the others are warnings the coordinator must confirm."""
    findings: list[Finding] = []
    if not candidate.is_peer_reviewer:
        findings.append(Finding("role", f"{candidate.name} heeft niet de rol peer reviewer.", True))
    if not candidate.is_active:
        findings.append(Finding("inactive", f"Het account van {candidate.name} is uitgeschakeld.", True))
    if candidate.user_id in team_member_ids:
        findings.append(Finding("member", f"{candidate.name} zit al in dit peer team.", True))
    if candidate.municipality_id == evaluated_municipality_id:
        findings.append(Finding(
            "own", f"{candidate.name} werkt voor {evaluated_name} zelf; niemand toetst de eigen gemeente.", True))
    if declared_reason is not None:
        reason = f" ({declared_reason})" if declared_reason else ""
        findings.append(Finding(
            "declared", f"{candidate.name} heeft een belangenconflict met {evaluated_name} gemeld{reason}.", True))
    if reciprocal:
        message = (f"Wederzijdse toetsing: {candidate.municipality_name} wordt in deze ronde getoetst door een team "
                   f"met iemand van {evaluated_name}.")
        if policy is ReciprocalPolicy.refuse:
            findings.append(Finding("reciprocal", message + " De regio staat dat niet toe.", True))
        else:
            findings.append(Finding("reciprocal", message + " De regio staat dat toe na bevestiging.", False))
    return findings


class NeedsConfirmation(NotAllowed):
    """Warnings the user must confirm before the action goes ahead."""

    def __init__(self, warnings: Sequence[str]):
        self.warnings = tuple(warnings)
        super().__init__(" ".join(self.warnings))


def decide_addition(findings: Sequence[Finding], *, confirmed: bool) -> tuple[str, ...]:
    """Refuse (``NotAllowed`` naming every reason), ask for confirmation (``NeedsConfirmation``), or allow.

    Returns the warnings that were confirmed, to be recorded with the membership."""
    blocking = [f.message for f in findings if f.blocks]
    if blocking:
        raise NotAllowed(" ".join(blocking))
    warnings = tuple(f.message for f in findings if not f.blocks)
    if warnings and not confirmed:
        raise NeedsConfirmation(warnings)
    return warnings


def check_declaration_reason(reason: str | None) -> str:
    cleaned = clean_text(reason)
    if len(cleaned) > MAX_DECLARATION_REASON:
        raise InvalidValue(f"De toelichting is te lang: hoogstens {MAX_DECLARATION_REASON} tekens.", field="reason")
    return cleaned


# --------------------------------------------------------------------------------------------------------------
# What the peers score


@dataclass(frozen=True)
class ReviewItem:
    """A knelpunt theme or an element of the coordinator profile: one peer score each."""

    id: str
    number: str
    title: str
    section_id: str  # the theme the item belongs to (for an element: the profile section)
    is_element: bool

    @property
    def label(self) -> str:
        return f"{self.number}. {self.title}"


def review_items(questionnaire: Questionnaire) -> tuple[ReviewItem, ...]:
    items: list[ReviewItem] = []
    for section in questionnaire.sections:
        if section.kind is SectionKind.KNELPUNT:
            items.append(ReviewItem(section.id, str(section.number), section.title, section.id, False))
        else:
            for index, element in enumerate(section.elements, start=1):
                items.append(ReviewItem(element.id, f"{section.number}.{index}", element.title, section.id, True))
    return tuple(items)


@dataclass(frozen=True)
class ScoreData:
    value: int | None = None
    rationale: str = ""

    @property
    def is_complete(self) -> bool:
        return self.value is not None and bool(self.rationale)

    @property
    def is_empty(self) -> bool:
        return self.value is None and not self.rationale


def parse_level(scale: Scale, raw: object, field_name: str) -> int | None:
    """A level from a form: empty is ``None``; anything not on the scale is refused in Dutch."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None
    value = int(text) if re.fullmatch(r"-?[0-9]{1,9}", text) else None
    if value is None or not scale.contains(value):
        raise InvalidValue(f"Kies een score van {scale.minimum} tot en met {scale.maximum}.", field=field_name)
    return value


def check_score(scale: Scale, raw_value: object, rationale: str | None, field_prefix: str = "") -> ScoreData:
    """A member's own score for one item, as saved (it may still be incomplete)."""
    problems: list[InvalidValue] = []
    value = None
    try:
        value = parse_level(scale, raw_value, f"{field_prefix}value")
    except InvalidValue as error:
        problems.append(error)
    text = clean_text(rationale)
    if len(text) > MAX_RATIONALE:
        problems.append(InvalidValue(f"De onderbouwing is te lang: hoogstens {MAX_RATIONALE} tekens.",
                                     field=f"{field_prefix}rationale"))
    raise_collected(problems)
    return ScoreData(value, text)


def missing_scores(items: Iterable[ReviewItem], scores: Mapping[str, ScoreData]) -> list[ReviewItem]:
    """The items a member still has to score (a level and a rationale) before submitting."""
    return [item for item in items if not scores.get(item.id, ScoreData()).is_complete]


@dataclass(frozen=True)
class TeamScoreData:
    value: int
    motivation: str


def check_team_score(scale: Scale, raw_value: object, motivation: str | None, field_prefix: str = "") -> TeamScoreData:
    problems: list[InvalidValue] = []
    value = None
    try:
        value = parse_level(scale, raw_value, f"{field_prefix}value")
        if value is None:
            problems.append(InvalidValue("Kies de score van het team.", field=f"{field_prefix}value"))
    except InvalidValue as error:
        problems.append(error)
    text = clean_text(motivation)
    if not text:
        problems.append(InvalidValue("Motiveer de score van het team; de gemeente leest die motivering in het "
                                     "rapport.", field=f"{field_prefix}motivation"))
    elif len(text) > MAX_MOTIVATION:
        problems.append(InvalidValue(f"De motivering is te lang: hoogstens {MAX_MOTIVATION} tekens.",
                                     field=f"{field_prefix}motivation"))
    raise_collected(problems)
    assert value is not None
    return TeamScoreData(value, text)


def team_proposal(values: Iterable[int | None]) -> int | None:
    """The median of the members' scores; a median between two levels goes to the lower one (the same rule as the
    gemeente's consensus: ``scoring.proposal_level``)."""
    return proposal_level(values)


# --------------------------------------------------------------------------------------------------------------
# Interviews and observations


@dataclass(frozen=True)
class EntryData:
    kind: EntryKind
    held_on: date
    notes: str
    section_ids: tuple[str, ...]
    confidentiality: Confidentiality
    interviewees: tuple[str, ...] = ()


def check_themes(questionnaire: Questionnaire, section_ids: Iterable[str], field_name: str = "themes",
                 *, message: str = "Kies minstens één thema.") -> tuple[str, ...]:
    chosen = list(dict.fromkeys(str(s) for s in section_ids))
    if not chosen:
        raise InvalidValue(message, field=field_name)
    unknown = [s for s in chosen if not questionnaire.has_section(s)]
    if unknown:
        raise InvalidValue("Kies alleen thema's uit de vragenlijst.", field=field_name)
    order = {s.id: s.number for s in questionnaire.sections}
    return tuple(sorted(chosen, key=order.__getitem__))


def check_entry(questionnaire: Questionnaire, *, kind: EntryKind, held_on: date | None, notes: str | None,
                section_ids: Iterable[str], confidentiality: object, interviewees: str | None = None,
                today: date, earliest: date | None = None) -> EntryData:
    """An interview (with whom it was held) or an observation, tagged with themes and a confidentiality level.

    ``earliest`` is the first day it can have happened (the round's start): a date before it is a typing error."""
    problems: list[InvalidValue] = []
    if held_on is None:
        problems.append(InvalidValue("Vul een geldige datum in.", field="held_on"))
    elif earliest is not None and held_on < earliest:
        problems.append(InvalidValue(f"De datum ligt vóór het begin van de ronde ({earliest:%d-%m-%Y}); controleer "
                                     "het jaartal.", field="held_on"))
    elif held_on > today:
        problems.append(InvalidValue("De datum ligt in de toekomst; leg een gesprek of waarneming vast nadat het "
                                     "heeft plaatsgevonden.", field="held_on"))
    text = clean_text(notes)
    if not text:
        problems.append(InvalidValue("Schrijf op wat er besproken of waargenomen is.", field="notes"))
    elif len(text) > MAX_ENTRY_NOTES:
        problems.append(InvalidValue(f"De aantekeningen zijn te lang: hoogstens {MAX_ENTRY_NOTES} tekens.",
                                     field="notes"))
    themes: tuple[str, ...] = ()
    try:
        themes = check_themes(questionnaire, section_ids)
    except InvalidValue as error:
        problems.append(error)
    level = Confidentiality.team
    try:
        level = parse_choice(Confidentiality, confidentiality, "confidentiality",
                             "Kies of dit alleen voor het team is of citeerbaar in het rapport.")
    except InvalidValue as error:
        problems.append(error)
    people: tuple[str, ...] = ()
    if kind is EntryKind.interview:
        lines = [clean_text(line) for line in (interviewees or "").splitlines()]
        people = tuple(line for line in lines if line)
        if not people:
            problems.append(InvalidValue("Noem met wie het gesprek was: functie en organisatie, één per regel.",
                                         field="interviewees"))
        elif len(people) > MAX_INTERVIEWEES:
            problems.append(InvalidValue(f"Noem hoogstens {MAX_INTERVIEWEES} gesprekspartners.",
                                         field="interviewees"))
        elif any(len(p) > MAX_INTERVIEWEE for p in people):
            problems.append(InvalidValue(f"Houd elke regel korter dan {MAX_INTERVIEWEE} tekens: functie en "
                                         "organisatie.", field="interviewees"))
    raise_collected(problems)
    assert held_on is not None
    return EntryData(kind, held_on, text, themes, level, people)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------------------------
# The report


@dataclass(frozen=True)
class RecommendationData:
    text: str
    section_ids: tuple[str, ...]
    priority: Priority
    addressee: Addressee


def check_recommendation(questionnaire: Questionnaire, *, text: str | None, section_ids: Iterable[str],
                         priority: object, addressee: object) -> RecommendationData:
    problems: list[InvalidValue] = []
    cleaned = clean_text(text)
    if len(cleaned) < MIN_RECOMMENDATION:
        problems.append(InvalidValue("Schrijf de aanbeveling uit (minstens 5 tekens).", field="text"))
    elif len(cleaned) > MAX_RECOMMENDATION:
        problems.append(InvalidValue(f"De aanbeveling is te lang: hoogstens {MAX_RECOMMENDATION} tekens.",
                                     field="text"))
    themes: tuple[str, ...] = ()
    try:
        themes = check_themes(questionnaire, section_ids,
                              message="Koppel de aanbeveling aan minstens één thema.")
    except InvalidValue as error:
        problems.append(error)
    chosen_priority = Priority.medium
    try:
        chosen_priority = parse_choice(Priority, priority, "priority", "Kies een prioriteit: hoog, middel of laag.")
    except InvalidValue as error:
        problems.append(error)
    chosen_addressee = Addressee.municipality
    try:
        chosen_addressee = parse_choice(Addressee, addressee, "addressee",
                                        "Kies aan wie de aanbeveling gericht is: gemeente, regio of Rijk.")
    except InvalidValue as error:
        problems.append(error)
    raise_collected(problems)
    return RecommendationData(cleaned, themes, chosen_priority, chosen_addressee)  # type: ignore[arg-type]


def check_long_text(value: str | None, limit: int, field_name: str, what: str) -> str:
    cleaned = clean_text(value)
    if len(cleaned) > limit:
        raise InvalidValue(f"{what} is te lang: hoogstens {limit} tekens.", field=field_name)
    return cleaned


@dataclass(frozen=True)
class Member:
    user_id: int
    name: str


@dataclass(frozen=True)
class PublicationCheck:
    missing_items: tuple[ReviewItem, ...]
    has_judgement: bool
    recommendation_count: int
    not_submitted: tuple[Member, ...]  # members who did not submit their own scores
    problems: tuple[str, ...] = field(default=())

    @property
    def refusal(self) -> str | None:
        """Why the concept is not ready to go to the gemeente (nor to be published), in words; ``None`` if it is."""
        if not self.problems:
            return None
        return "Het concept kan nog niet naar de gemeente: " + " ".join(self.problems)

    @property
    def can_publish(self) -> bool:
        return self.refusal is None

    @property
    def confirmation_token(self) -> str:
        """Names exactly who is missing: a confirmation given for another set of members does not count."""
        return ",".join(str(m.user_id) for m in sorted(self.not_submitted, key=lambda m: m.user_id))


def publication_check(items: Sequence[ReviewItem], team_scores: Mapping[str, object], *, judgement: str,
                      recommendation_count: int, members: Sequence[Member],
                      submitted_ids: Collection[int]) -> PublicationCheck:
    missing = tuple(item for item in items if team_scores.get(item.id) is None)
    problems: list[str] = []
    if missing:
        problems.append(f"Nog {len(missing)} van {len(items)} onderdelen zonder score van het team.")
    if not judgement.strip():
        problems.append("Het oordeel over de regie ontbreekt.")
    if recommendation_count == 0:
        problems.append("Er is nog geen aanbeveling.")
    not_submitted = tuple(m for m in members if m.user_id not in submitted_ids)
    return PublicationCheck(missing, bool(judgement.strip()), recommendation_count, not_submitted, tuple(problems))


def publication_refusal(check: PublicationCheck, *, status: EvaluationStatus, may_publish: bool) -> str | None:
    """Why the report cannot be published now, in words, or ``None`` when it can; the publish page shows it and
    ``publish`` refuses with it. ``may_publish`` is ``permissions.can_publish`` for the one who asks: whenever it
    is false there is a reason. Members who have not submitted their scores are no refusal but a confirmation
    (:func:`confirm_publication`)."""
    if not may_publish:
        return writing_refusal(status)
    return check.refusal


def writing_refusal(status: EvaluationStatus) -> str:
    """Why someone may not write (or publish) the report, for one who may not: the stage first, then the role."""
    if status.is_report_published:
        return "Het rapport is gepubliceerd en kan niet meer worden gewijzigd."
    if status in (EvaluationStatus.corrected, EvaluationStatus.reacted):
        return ("Het concept is gecorrigeerd en ligt bij de gemeente voor de bestuurlijke reactie; de tekst ligt "
                "vast. Vraag de regiocoördinator om het terug te zetten als er iets moet veranderen.")
    if status not in (EvaluationStatus.in_peer_review, EvaluationStatus.fact_check):
        return "De collegiale toetsing loopt nu niet; er is niets opgeslagen."
    return "Alleen de voorzitter van het peer team schrijft het rapport."


def confirm_publication(check: PublicationCheck, confirmed_token: str | None) -> None:
    """Refuse publication while something blocks it, or while members are missing and the chair has not
    confirmed exactly those members."""
    if check.refusal is not None:
        raise NotAllowed(check.refusal)
    if check.not_submitted and (confirmed_token or "") != check.confirmation_token:
        names = ", ".join(m.name for m in check.not_submitted)
        raise NeedsConfirmation([f"Nog geen eigen scores ingediend door: {names}. Bevestig dat het team zonder "
                                 "hun scores afrondt."])
