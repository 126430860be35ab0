"""Self-evaluation rules: answers and their limits, the consensus proposal, what submission needs,
the evaluation's states, round deadlines and edit conflicts.

Pure code: plain values in, plain values or a ``DomainError`` out. The services load and store; the views show.

Decisions:

* **An answer** is a level of the questionnaire's scale, or "weet niet / n.v.t." (:data:`UNKNOWN`), with an
  explanation, evidence (text) and links. An answer with only text and no choice is *not* answered.
* **Consensus proposal** = the median of the contributors' scored answers. With an even number of answers the
  median can fall between two levels (2 and 3 give 2.5); the proposal is then the *lower* level. Self-evaluations
  tend to come out too high rather than too low, so the proposal errs on the modest side; the lead can change it.
  When every contributor said "weet niet", the proposal is "weet niet". "Weet niet" answers do not pull the median.
* **A reason is required** for a consensus answer that differs from the proposal, so that a choice against the
  colleagues' answers is explained to the peers.
* **Submission** needs a consensus answer for every question; an explicit "weet niet" counts. Missing evidence
  where the questionnaire asks for it (``evidence: required``) is listed as a warning, but does not block:
  the peers can ask for it in the interviews, and a gemeente should not be stuck on one missing document.
* **States**: a self-evaluation is *draft* until the lead submits it; after that it is read-only for the gemeente.
  Then the peer review runs, the report is published and the evaluation is closed: see :data:`TRANSITIONS`.
  Only the region coordinator reopens, one stage back, with a reason.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from urllib.parse import urlsplit

from .errors import InvalidValue, NotAllowed
from .questionnaire import EvidenceRequest, Question, Questionnaire, Scale
from .scoring import UNKNOWN, Answer, proposal_level, spread

#: Lengths that fit a careful answer, but not a pasted report.
MAX_EXPLANATION = 4000
MAX_EVIDENCE = 4000
MAX_LINKS = 10
MAX_LINK = 500
MAX_NOTE = 4000
MAX_REASON = 2000
MAX_ROUND_NAME = 120


# --------------------------------------------------------------------------------------------------------------
# States


class EvaluationStatus(StrEnum):
    """The stages of one gemeente's evaluation in a round, in order."""

    draft = "draft"
    submitted = "submitted"
    in_peer_review = "in_peer_review"
    fact_check = "fact_check"  # concept ter feitelijke controle (ambtelijk hoor)
    corrected = "corrected"  # concept gecorrigeerd: the college's reaction is awaited (bestuurlijk wederhoor)
    reacted = "reacted"  # the college's reaction is in (or the term passed without one): ready to publish
    published = "published"
    closed = "closed"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def is_editable(self) -> bool:
        """The gemeente may still change answers, consensus and notes."""
        return self is EvaluationStatus.draft

    @property
    def is_self_evaluation_done(self) -> bool:
        """The gemeente has handed in its self-evaluation (everything after the draft stage)."""
        return self is not EvaluationStatus.draft

    @property
    def is_report_published(self) -> bool:
        """The peer team's report is out: the gemeente and the region read it."""
        return self in (EvaluationStatus.published, EvaluationStatus.closed)

    @property
    def is_in_hearing(self) -> bool:
        """Hoor en wederhoor: the gemeente reads the team's concept, checks the facts and the college reacts."""
        return self in HEARING

    @property
    def is_under_review(self) -> bool:
        """The peer review runs: the team works, or its concept is with the gemeente (not yet published)."""
        return self is EvaluationStatus.in_peer_review or self in HEARING

    @property
    def step_label(self) -> str:
        """The stage's short name, for a row of steps."""
        return STEP_LABELS[self]

    @property
    def step(self) -> int:
        """1-based position in the order of stages (for a progress indicator)."""
        return list(EvaluationStatus).index(self) + 1


#: The stages of hoor en wederhoor, between the team's draft and publication.
HEARING = frozenset({EvaluationStatus.fact_check, EvaluationStatus.corrected, EvaluationStatus.reacted})

STATUS_LABELS = {
    EvaluationStatus.draft: "Zelfevaluatie loopt",
    EvaluationStatus.submitted: "Zelfevaluatie ingediend",
    EvaluationStatus.in_peer_review: "Collegiale toetsing loopt",
    EvaluationStatus.fact_check: "Concept ter feitelijke controle",
    EvaluationStatus.corrected: "Concept gecorrigeerd, wacht op bestuurlijke reactie",
    EvaluationStatus.reacted: "Bestuurlijke reactie ontvangen",
    EvaluationStatus.published: "Rapport gepubliceerd",
    EvaluationStatus.closed: "Afgesloten",
}


STEP_LABELS = {
    EvaluationStatus.draft: "Zelfevaluatie",
    EvaluationStatus.submitted: "Ingediend",
    EvaluationStatus.in_peer_review: "Collegiale toetsing",
    EvaluationStatus.fact_check: "Feitelijke controle",
    EvaluationStatus.corrected: "Gecorrigeerd",
    EvaluationStatus.reacted: "Bestuurlijke reactie",
    EvaluationStatus.published: "Rapport",
    EvaluationStatus.closed: "Afgesloten",
}


class Transition(StrEnum):
    submit = "submit"  # the gemeente's lead hands in the self-evaluation
    start_review = "start_review"  # the region coordinator starts the peer review (the team has a chair)
    send_concept = "send_concept"  # the chair sends the team's concept to the gemeente for a factual check
    correct = "correct"  # the chair closes the factual check: every point answered, the concept corrected
    react = "react"  # the gemeente's lead records the college's reaction (or the coordinator: none came in time)
    publish = "publish"  # the peer team's chair publishes the report with the reaction
    close = "close"  # the region coordinator closes the evaluation (after the gemeente's reaction)
    reopen = "reopen"  # the region coordinator takes it one stage back, with a reason


#: (from, transition) -> to: the one state machine of an evaluation. Every change goes through
#: :func:`next_status` and is recorded in the history with who, when and (for reopening) why.
#:
#: Hoor en wederhoor: the chair sends the team's concept to the gemeente (``fact_check``), the gemeente records
#: factual points and the team answers each; the chair closes the check (``corrected``); the gemeente's lead
#: records the college's reaction, or the coordinator records that none came within the term (``reacted``); the
#: team may add a nawoord; the chair publishes.
#:
#: Reopening always goes one stage back, never skips work, and keeps everything stored: a submitted
#: self-evaluation (or one in peer review, when the peers find it cannot be judged as it is) goes back to the
#: gemeente as a draft, keeping every answer and every peer score; a concept goes back to the team (the gemeente
#: no longer reads it); a corrected concept goes back to the factual check; a recorded reaction back to the
#: corrected concept, so that the lead can change it; a published report back to the reaction stage (the
#: gemeente and region no longer see it until it is published again; a correction of the text takes two more
#: reopenings, to the corrected concept and to the factual check, where the chair writes); a closed evaluation
#: back to published. Back to the factual check or to the corrected concept, the gemeente gets a new term (the
#: round's days from the reopening); the gemeente's "klaar" and a recorded "geen reactie ontvangen" are undone.
TRANSITIONS: dict[tuple[EvaluationStatus, Transition], EvaluationStatus] = {
    (EvaluationStatus.draft, Transition.submit): EvaluationStatus.submitted,
    (EvaluationStatus.submitted, Transition.start_review): EvaluationStatus.in_peer_review,
    (EvaluationStatus.in_peer_review, Transition.send_concept): EvaluationStatus.fact_check,
    (EvaluationStatus.fact_check, Transition.correct): EvaluationStatus.corrected,
    (EvaluationStatus.corrected, Transition.react): EvaluationStatus.reacted,
    (EvaluationStatus.reacted, Transition.publish): EvaluationStatus.published,
    (EvaluationStatus.published, Transition.close): EvaluationStatus.closed,
    (EvaluationStatus.submitted, Transition.reopen): EvaluationStatus.draft,
    (EvaluationStatus.in_peer_review, Transition.reopen): EvaluationStatus.draft,
    (EvaluationStatus.fact_check, Transition.reopen): EvaluationStatus.in_peer_review,
    (EvaluationStatus.corrected, Transition.reopen): EvaluationStatus.fact_check,
    (EvaluationStatus.reacted, Transition.reopen): EvaluationStatus.corrected,
    (EvaluationStatus.published, Transition.reopen): EvaluationStatus.reacted,
    (EvaluationStatus.closed, Transition.reopen): EvaluationStatus.published,
}

TRANSITION_REFUSALS = {
    Transition.submit: "Deze zelfevaluatie is al ingediend.",
    Transition.start_review: "De collegiale toetsing kan alleen starten bij een ingediende zelfevaluatie die nog "
                             "niet getoetst wordt.",
    Transition.send_concept: "Alleen het concept van een lopende collegiale toetsing kan naar de gemeente.",
    Transition.correct: "Alleen een concept dat ter feitelijke controle ligt, kan als gecorrigeerd worden "
                        "vastgesteld.",
    Transition.react: "Een bestuurlijke reactie kan alleen op het gecorrigeerde concept worden vastgelegd.",
    Transition.publish: "Het rapport kan pas worden gepubliceerd na hoor en wederhoor: de feitelijke controle en "
                        "de bestuurlijke reactie (of de vastgestelde ‘geen reactie ontvangen’).",
    Transition.close: "Alleen een gepubliceerd rapport kan worden afgesloten.",
    Transition.reopen: "Alleen een ingediende zelfevaluatie kan worden heropend.",
}


def next_status(current: EvaluationStatus, transition: Transition) -> EvaluationStatus:
    try:
        return TRANSITIONS[(current, transition)]
    except KeyError:
        raise NotAllowed(TRANSITION_REFUSALS[transition]) from None


def allowed_transitions(current: EvaluationStatus) -> tuple[Transition, ...]:
    return tuple(t for (state, t) in TRANSITIONS if state is current)


def check_reopen_reason(reason: str | None) -> str:
    cleaned = (reason or "").strip()
    if len(cleaned) < 5:
        raise InvalidValue("Geef een reden voor het heropenen (minstens 5 tekens); de gemeente ziet die in de "
                           "geschiedenis.", field="reason")
    if len(cleaned) > MAX_REASON:
        raise InvalidValue(f"De reden is te lang: hoogstens {MAX_REASON} tekens.", field="reason")
    return cleaned


# --------------------------------------------------------------------------------------------------------------
# Answers


@dataclass(frozen=True)
class AnswerData:
    """One answer to one question, by one contributor or as the gemeente's consensus."""

    value: int | None = None
    unknown: bool = False
    explanation: str = ""
    evidence: str = ""
    links: tuple[str, ...] = ()

    @property
    def score(self) -> Answer:
        """The answer as the scoring rules take it: a level, :data:`UNKNOWN` or ``None``."""
        if self.unknown:
            return UNKNOWN
        return self.value

    @property
    def is_answered(self) -> bool:
        return self.unknown or self.value is not None

    @property
    def is_empty(self) -> bool:
        return not self.is_answered and not self.explanation and not self.evidence and not self.links

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence or self.links)

    def value_label(self, scale: Scale) -> str:
        if self.unknown:
            return scale.unknown_label
        if self.value is None:
            return "Niet beantwoord"
        return f"{self.value} – {scale.level(self.value).label}" if scale.contains(self.value) else str(self.value)


EMPTY_ANSWER = AnswerData()


@dataclass(frozen=True)
class SectionNoteData:
    strengths: str = ""
    improvements: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.strengths and not self.improvements


EMPTY_NOTE = SectionNoteData()


@dataclass(frozen=True)
class FieldProblem:
    field: str  # "value", "explanation", "evidence", "links", "strengths", "improvements", "reason"
    message: str


def clean_text(text: str | None) -> str:
    """Keep what the user typed (any Unicode, line breaks), minus trailing spaces, NULs and Windows line ends.
    A text of nothing but spaces and invisible characters (zero-width spaces, direction marks) is empty."""
    value = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    value = "\n".join(line.rstrip() for line in value.split("\n")).strip()
    if all(char.isspace() or unicodedata.category(char) in ("Cf", "Cc") for char in value):
        return ""
    return value


def parse_links(text: str | None) -> tuple[tuple[str, ...], list[str]]:
    """One link per line (blank lines ignored). Returns the links and a Dutch message per bad line."""
    links: list[str] = []
    problems: list[str] = []
    for number, raw in enumerate(clean_text(text).split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        if len(line) > MAX_LINK:
            problems.append(f"Regel {number}: een link is hoogstens {MAX_LINK} tekens lang.")
            continue
        if not is_web_link(line):
            problems.append(f"Regel {number}: ‘{_short(line)}’ is geen webadres; begin met https:// of http://.")
            continue
        if line not in links:
            links.append(line)
    if len(links) > MAX_LINKS:
        problems.append(f"Geef hoogstens {MAX_LINKS} links; zet de rest in het bewijsveld of in één document.")
    return tuple(links), problems


def is_web_link(text: str) -> bool:
    if any(ch.isspace() for ch in text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and "." in parts.netloc.split(":")[0]


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _length(field_name: str, text: str, limit: int, what: str) -> list[FieldProblem]:
    if len(text) > limit:
        return [FieldProblem(field_name, f"{what}: te lang ({len(text)} tekens, hoogstens {limit}).")]
    return []


def check_answer_data(scale: Scale, data: AnswerData) -> list[FieldProblem]:
    """Every problem with one answer (empty list when it may be saved)."""
    problems: list[FieldProblem] = []
    if data.unknown and data.value is not None:
        problems.append(FieldProblem("value", "Kies een niveau óf ‘weet niet’, niet allebei."))
    elif data.value is not None and not scale.contains(data.value):
        problems.append(FieldProblem(
            "value", f"Kies een niveau van {scale.minimum} tot en met {scale.maximum} of ‘{scale.unknown_label}’."))
    problems += _length("explanation", data.explanation, MAX_EXPLANATION, "Toelichting")
    problems += _length("evidence", data.evidence, MAX_EVIDENCE, "Bewijs")
    if len(data.links) > MAX_LINKS:
        problems.append(FieldProblem("links", f"Geef hoogstens {MAX_LINKS} links."))
    for link in data.links:
        if len(link) > MAX_LINK or not is_web_link(link):
            problems.append(FieldProblem("links", f"‘{_short(link)}’ is geen geldig webadres (https://…)."))
            break
    return problems


def check_note(data: SectionNoteData) -> list[FieldProblem]:
    return (_length("strengths", data.strengths, MAX_NOTE, "Sterke punten")
            + _length("improvements", data.improvements, MAX_NOTE, "Verbeterpunten"))


# --------------------------------------------------------------------------------------------------------------
# Consensus


@dataclass(frozen=True)
class Proposal:
    """What the consensus form is pre-filled with, and the spread behind it."""

    value: int | None
    unknown: bool
    count: int  # answers given, "weet niet" included
    median: object  # Decimal | None, as scoring.spread gives it
    minimum: int | None
    maximum: int | None
    is_large: bool

    @property
    def answer(self) -> AnswerData:
        return AnswerData(value=self.value, unknown=self.unknown)

    @property
    def is_empty(self) -> bool:
        return self.count == 0


def consensus_proposal(answers: Iterable[AnswerData]) -> Proposal:
    """The median of the scored answers, the lower level when it falls between two (see the module's notes)."""
    values = [a.score for a in answers if a.is_answered]
    result = spread(values)
    if result.median is None:
        return Proposal(None, result.count > 0, result.count, None, None, None, False)
    level = proposal_level(v for v in values if v != UNKNOWN)
    return Proposal(level, False, result.count, result.median, result.minimum, result.maximum, result.is_large())


def needs_reason(chosen: AnswerData, proposal: Proposal) -> bool:
    """A consensus answer that departs from the colleagues' proposal must be explained."""
    if proposal.is_empty or not chosen.is_answered:
        return False
    return (chosen.value, chosen.unknown) != (proposal.value, proposal.unknown)


def check_consensus(scale: Scale, chosen: AnswerData, proposal: Proposal) -> list[FieldProblem]:
    problems = check_answer_data(scale, chosen)
    if needs_reason(chosen, proposal) and not chosen.explanation:
        problems.append(FieldProblem(
            "explanation", f"Licht toe waarom u afwijkt van het voorstel ({_proposal_text(scale, proposal)})."))
    return problems


def _proposal_text(scale: Scale, proposal: Proposal) -> str:
    return proposal.answer.value_label(scale)


# --------------------------------------------------------------------------------------------------------------
# Submission


@dataclass(frozen=True)
class SubmissionCheck:
    missing: tuple[Question, ...]  # questions without a consensus answer, in questionnaire order
    missing_evidence: tuple[Question, ...]  # warnings only: evidence asked (required) and none given

    @property
    def can_submit(self) -> bool:
        return not self.missing


def submission_check(questionnaire: Questionnaire, consensus: Mapping[str, AnswerData]) -> SubmissionCheck:
    missing: list[Question] = []
    no_evidence: list[Question] = []
    for question in questionnaire.questions:
        answer = consensus.get(question.id, EMPTY_ANSWER)
        if not answer.is_answered:
            missing.append(question)
        elif (question.evidence is EvidenceRequest.REQUIRED and not answer.unknown and not answer.has_evidence):
            no_evidence.append(question)
    return SubmissionCheck(tuple(missing), tuple(no_evidence))


# --------------------------------------------------------------------------------------------------------------
# Rounds


@dataclass(frozen=True)
class RoundDates:
    self_evaluation_due: date
    peer_review_due: date
    plan_due: date


def check_round(name: str, year: int | None, dates: RoundDates | None, *, today: date) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if not name.strip():
        problems.append(FieldProblem("name", "Geef de ronde een naam, bijvoorbeeld ‘Collegiale toets 2027’."))
    elif len(name) > MAX_ROUND_NAME:
        problems.append(FieldProblem("name", f"De naam is hoogstens {MAX_ROUND_NAME} tekens lang."))
    if year is None or not (2000 <= year <= 2100):
        problems.append(FieldProblem("year", "Geef een jaartal tussen 2000 en 2100."))
    if dates is not None:
        if dates.self_evaluation_due < today:
            problems.append(FieldProblem(
                "self_evaluation_due", "De deadline van de zelfevaluatie ligt in het verleden."))
        if dates.peer_review_due < dates.self_evaluation_due:
            problems.append(FieldProblem(
                "peer_review_due", "De collegiale toets eindigt niet vóór de deadline van de zelfevaluatie."))
        if dates.plan_due < dates.peer_review_due:
            problems.append(FieldProblem(
                "plan_due", "Het verbeterplan is niet klaar vóór het einde van de collegiale toets."))
    return problems


# --------------------------------------------------------------------------------------------------------------
# Edit conflicts (no lost updates)


@dataclass(frozen=True)
class Stored:
    """What is stored now for one item (an answer or a section's notes), with its version."""

    version: int  # 0 when nothing is stored yet
    data: AnswerData | SectionNoteData
    by: str | None = None  # who saved it last
    at: object = None  # when (an aware datetime)
    by_id: int | None = None


@dataclass(frozen=True)
class Conflict:
    item: str  # a question id, or "notes:<section id>"
    theirs: Stored
    mine: AnswerData | SectionNoteData


@dataclass
class ConflictCheck:
    conflicts: list[Conflict] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # items to save: this user changed them, nobody else did


def digest(data: AnswerData | SectionNoteData) -> str:
    """A short fingerprint of an item's content, sent with the page so that the save knows what the user saw."""
    if isinstance(data, AnswerData):
        parts = [str(data.value), str(data.unknown), data.explanation, data.evidence, *data.links]
    else:
        parts = ["note", data.strengths, data.improvements]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def find_conflicts(
    submitted: Mapping[str, Versioned],
    stored: Mapping[str, Stored],
) -> ConflictCheck:
    """Compare a page's items with what is stored now.

    ``submitted`` gives per item the version it was loaded at, the :func:`digest` of what was shown (``None``
    when unknown, e.g. from an uploaded file), and what the user sends now (:class:`Versioned`).

    * An item the user did not touch (same digest as shown) is left alone, whatever happened meanwhile.
    * An item the user changed is saved when nobody saved it since the page was loaded (same version).
    * Otherwise it conflicts, unless the other person saved exactly what this user sends.
    """
    check = ConflictCheck()
    for item, sent in submitted.items():
        base_version, shown, mine = sent.version, sent.digest, sent.data
        current = stored.get(item)
        current_version = current.version if current else 0
        empty = EMPTY_NOTE if isinstance(mine, SectionNoteData) else EMPTY_ANSWER
        current_data = current.data if current else empty
        if shown is not None and shown == digest(mine):
            continue
        if current_data == mine:
            continue
        if current_version != base_version:
            check.conflicts.append(Conflict(item, current or Stored(0, current_data), mine))
        else:
            check.changed.append(item)
    return check


EVENT_LABELS = {
    "created": "Zelfevaluatie klaargezet",
    "answer": "Eigen antwoord",
    "note": "Eigen sterke punten en verbeterpunten",
    "consensus": "Gezamenlijk antwoord",
    "consensus_note": "Gezamenlijke sterke punten en verbeterpunten",
    "submitted": "Ingediend",
    "reopened": "Heropend",
    "excel_import": "Excel-bestand verwerkt",
    "review_started": "Collegiale toetsing gestart",
    "concept_sent": "Concept ter feitelijke controle naar de gemeente",
    "term_extended": "Termijn verlengd",
    "point_added": "Feitelijke reactie gegeven",
    "point_changed": "Feitelijke reactie gewijzigd",
    "point_withdrawn": "Feitelijke reactie ingetrokken",
    "point_answered": "Feitelijke reactie beantwoord door het peer team",
    "check_done": "Feitelijke controle afgerond door de gemeente",
    "check_access": "Meelezen door collega's aangepast",
    "corrected": "Concept gecorrigeerd",
    "reacted": "Bestuurlijke reactie vastgelegd",
    "no_reaction": "Geen bestuurlijke reactie ontvangen",
    "afterword_saved": "Nawoord van het peer team",
    "published": "Rapport van het peer team gepubliceerd",
    "reaction_saved": "Bestuurlijke reactie",
    "closed": "Afgesloten",
    "export": "Gedownload",
}
"""What the gemeente's history shows. The peer team's own events (its members, scores, interviews and draft
report) are recorded in the same table but never shown to the gemeente: they are the team's."""


#: The history's state changes, as the round page names them.
STATE_EVENT_LABELS = {
    "submitted": "Ingediend",
    "reopened": "Heropend",
    "review_started": "Toetsing gestart",
    "concept_sent": "Concept naar gemeente",
    "corrected": "Concept gecorrigeerd",
    "reacted": "Reactie vastgelegd",
    "no_reaction": "Geen reactie ontvangen",
    "published": "Rapport gepubliceerd",
    "closed": "Afgesloten",
}


# --------------------------------------------------------------------------------------------------------------
# Versioned form data: what a form sends back of one item


@dataclass(frozen=True)
class Versioned:
    """One item (an answer or a section's notes) as a page sends it back: the version it was loaded at (0: nothing
    was stored), the :func:`digest` of what it showed (``None`` when unknown, e.g. from an uploaded file), and the
    content sent now. :func:`find_conflicts` compares it with what is stored."""

    version: int
    digest: str | None
    data: AnswerData | SectionNoteData
