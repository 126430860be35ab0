"""Scoring rules: from answers to section scores, completeness, the coordinator profile, the lever view and gaps.

Pure functions on the questionnaire's domain objects and plain mappings ``{question_id: answer}``, where an
answer is a whole number on the questionnaire's scale, :data:`UNKNOWN` ("weet niet / niet van toepassing")
or ``None`` (not answered yet).

Decisions (the README of ``questionnaires/`` repeats them for users of the numbers):

* **"Weet niet" is not a score.** It counts as answered for completeness, and is left out of every average;
  it never counts as zero or as the lowest level.
* **Section score** = the weighted mean of the section's answered questions (weight 1 unless the file says
  otherwise). A section with no answered question has no score (``None``), never 0; :attr:`SectionScore.reason`
  says why (nothing answered yet, or only "weet niet").
* **Profile**: each element's score is the weighted mean of its questions; the profile section's own score is
  the plain mean of its element scores, so that each of the six elements weighs the same.
* **Rounding**: every published score has one decimal, rounded half up (2.25 becomes 2.3, not 2.2 as Python's
  ``round`` would give). Everything built on published scores (the profile score from its element scores, the
  lever view from section scores, gaps) uses those one-decimal scores and rounds its own result once, so a user
  can redo every sum by hand from what the screen shows.
* **Lever view**: the mean of the scored knelpunt sections per lever (willen, kennen, kunnen); sections without
  a score are left out; a lever with no scored section has no score. The largely external themes count in
  *kunnen* unless ``include_external=False``.
* **Gap** = own score minus the other score (for self versus peer: positive is overestimation, negative is
  underestimation). It is flagged when its size is one point or more. No gap where either side has no score.
* **Completeness** counts answered questions ("weet niet" included); the percentage is rounded down, so 100% means
  complete.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Literal

from .errors import InvalidValue
from .questionnaire import Element, EvidenceRequest, Lever, Question, Questionnaire, Scale, Section, SectionKind

UNKNOWN: Literal["unknown"] = "unknown"
"""The explicit answer "weet niet / niet van toepassing"."""

Answer = int | Literal["unknown"] | None
Score = Decimal | int | None

GAP_THRESHOLD = Decimal(1)


# --------------------------------------------------------------------------------------------------------------
# Rounding


def round_half_up(value: Fraction | Decimal | int, places: int = 1) -> Decimal:
    """Round to ``places`` decimals, halves away from zero, computed exactly (no binary floating point)."""
    exact = Fraction(value)
    scaled = exact * 10**places
    magnitude = math.floor(abs(scaled) + Fraction(1, 2))
    rounded = Decimal(magnitude if scaled >= 0 else -magnitude).scaleb(-places)
    return rounded.quantize(Decimal(1).scaleb(-places))


def _mean(values: Iterable[Score]) -> Decimal | None:
    present = [Fraction(v) for v in values if v is not None]
    if not present:
        return None
    return round_half_up(sum(present, Fraction(0)) / len(present))


# --------------------------------------------------------------------------------------------------------------
# Answers


def check_answer(question: Question, scale: Scale, value: Answer) -> Answer:
    """The answer if it is allowed for this question; otherwise :class:`InvalidValue` in Dutch."""
    if value is None or value == UNKNOWN or scale.contains(value):
        return value
    raise InvalidValue(f"Het antwoord op vraag {question.number} moet een score van {scale.minimum} tot en met "
                       f"{scale.maximum} zijn, of 'weet niet / niet van toepassing'.", field=question.id)


@dataclass(frozen=True)
class Tally:
    total: int
    scored: int  # answered with a score on the scale
    unknown: int  # answered "weet niet / n.v.t."

    @property
    def answered(self) -> int:
        return self.scored + self.unknown

    @property
    def open(self) -> int:
        return self.total - self.answered


def _weighted_score(questions: Iterable[Question], scale: Scale, answers: Mapping[str, Answer]
                    ) -> tuple[Decimal | None, Tally]:
    total = scored = unknown = 0
    weighted = Fraction(0)
    weights = 0
    for question in questions:
        total += 1
        value = check_answer(question, scale, answers.get(question.id))
        if value == UNKNOWN:
            unknown += 1
        elif value is not None:
            scored += 1
            weighted += question.weight * value
            weights += question.weight
    score = round_half_up(weighted / weights) if weights else None
    return score, Tally(total, scored, unknown)


def _reason(score: Decimal | None, tally: Tally) -> str | None:
    if score is not None:
        return None
    if tally.unknown:
        return "alleen 'weet niet / n.v.t.' beantwoord"
    return "nog niet beantwoord"


# --------------------------------------------------------------------------------------------------------------
# Section and profile scores


@dataclass(frozen=True)
class ElementScore:
    element_id: str
    score: Decimal | None
    tally: Tally

    @property
    def reason(self) -> str | None:
        return _reason(self.score, self.tally)


@dataclass(frozen=True)
class SectionScore:
    section_id: str
    score: Decimal | None
    tally: Tally
    elements: tuple[ElementScore, ...] = ()

    @property
    def reason(self) -> str | None:
        """Why there is no score, in words; ``None`` when there is one."""
        return _reason(self.score, self.tally)


def element_score(element: Element, scale: Scale, answers: Mapping[str, Answer]) -> ElementScore:
    score, tally = _weighted_score(element.questions, scale, answers)
    return ElementScore(element.id, score, tally)


def section_score(section: Section, scale: Scale, answers: Mapping[str, Answer]) -> SectionScore:
    """The score of one section from the answers (answers to other sections' questions are ignored)."""
    if section.kind is SectionKind.COORDINATOR_PROFILE:
        elements = tuple(element_score(e, scale, answers) for e in section.elements)
        tally = Tally(sum(e.tally.total for e in elements), sum(e.tally.scored for e in elements),
                      sum(e.tally.unknown for e in elements))
        return SectionScore(section.id, _mean(e.score for e in elements), tally, elements)
    score, tally = _weighted_score(section.questions, scale, answers)
    return SectionScore(section.id, score, tally)


def section_scores(questionnaire: Questionnaire, answers: Mapping[str, Answer]) -> dict[str, SectionScore]:
    """Every section's score, in the questionnaire's order."""
    return {s.id: section_score(s, questionnaire.scale, answers) for s in questionnaire.sections}


def profile_scores(questionnaire: Questionnaire, answers: Mapping[str, Answer]) -> dict[str, Decimal | None]:
    """The coordinator profile: ``{element_id: score}`` in the questionnaire's order (empty without a profile)."""
    profile = questionnaire.profile_section
    if profile is None:
        return {}
    return {e.element_id: e.score for e in section_score(profile, questionnaire.scale, answers).elements}


# --------------------------------------------------------------------------------------------------------------
# Completeness


@dataclass(frozen=True)
class Completeness:
    total: int
    answered: int  # "weet niet" included
    unknown: int
    open_questions: tuple[str, ...]  # ids, in order
    missing_evidence: tuple[str, ...]  # scored answers to questions that ask for evidence, without any

    @property
    def open(self) -> int:
        return len(self.open_questions)

    @property
    def percent(self) -> int:
        """Rounded down: 100 only when nothing is open."""
        return self.answered * 100 // self.total if self.total else 100

    @property
    def is_complete(self) -> bool:
        return not self.open_questions


def completeness(questions: Iterable[Question], scale: Scale, answers: Mapping[str, Answer],
                 evidence_given: Collection[str] = ()) -> Completeness:
    """How complete a set of questions (a section, or the whole questionnaire) is.

    ``evidence_given`` holds the ids of questions for which some evidence (text or a link) was recorded; a scored
    answer to a question with ``evidence: required`` and none given is listed in ``missing_evidence``."""
    total = answered = unknown = 0
    open_questions: list[str] = []
    missing_evidence: list[str] = []
    for question in questions:
        total += 1
        value = check_answer(question, scale, answers.get(question.id))
        if value is None:
            open_questions.append(question.id)
            continue
        answered += 1
        if value == UNKNOWN:
            unknown += 1
        elif question.evidence is EvidenceRequest.REQUIRED and question.id not in evidence_given:
            missing_evidence.append(question.id)
    return Completeness(total, answered, unknown, tuple(open_questions), tuple(missing_evidence))


def section_completeness(section: Section, scale: Scale, answers: Mapping[str, Answer],
                         evidence_given: Collection[str] = ()) -> Completeness:
    return completeness(section.questions, scale, answers, evidence_given)


# --------------------------------------------------------------------------------------------------------------
# The willen / kennen / kunnen lens


@dataclass(frozen=True)
class LeverScore:
    lever: Lever
    score: Decimal | None
    section_ids: tuple[str, ...]  # the knelpunt sections behind this lever, in order
    scored: int  # how many of them had a score


def _score_of(value: Score | SectionScore) -> Score:
    return value.score if isinstance(value, SectionScore) else value


def lever_view(questionnaire: Questionnaire, scores: Mapping[str, Score | SectionScore], *,
               include_external: bool = True
               ) -> tuple[LeverScore, ...]:
    """Mean of the section scores per lever, in the order willen, kennen, kunnen.

    ``scores`` maps section id to a published score or to a :class:`SectionScore` (as :func:`section_scores`
    gives them; a peer team's scores are whole numbers); sections missing from it count as without score."""
    result = []
    for lever in Lever:
        sections = tuple(s.id for s in questionnaire.knelpunt_sections
                         if s.lever is lever and (include_external or not s.external))
        values = [_score_of(scores.get(section_id)) for section_id in sections]
        result.append(LeverScore(lever, _mean(values), sections, sum(v is not None for v in values)))
    return tuple(result)


# --------------------------------------------------------------------------------------------------------------
# Gaps between two sets of scores


class GapDirection(StrEnum):
    HIGHER = "higher"  # own score above the other: for self versus peer, overestimation
    LOWER = "lower"  # own score below the other: underestimation
    EQUAL = "equal"

    @property
    def self_versus_peer(self) -> str:
        return {"higher": "overschatting", "lower": "onderschatting", "equal": "gelijk"}[self.value]


@dataclass(frozen=True)
class Gap:
    item_id: str  # a section id or an element id
    own: Decimal | None
    other: Decimal | None
    difference: Decimal | None  # own minus other
    flagged: bool  # the difference is at least the threshold (one point), either way

    @property
    def direction(self) -> GapDirection | None:
        if self.difference is None:
            return None
        if self.difference > 0:
            return GapDirection.HIGHER
        return GapDirection.LOWER if self.difference < 0 else GapDirection.EQUAL

    @property
    def size(self) -> Decimal | None:
        return abs(self.difference) if self.difference is not None else None


def _published(value: Score) -> Decimal | None:
    return None if value is None else round_half_up(value)


def gap(item_id: str, own: Score, other: Score, threshold: Decimal = GAP_THRESHOLD) -> Gap:
    own_score, other_score = _published(own), _published(other)
    if own_score is None or other_score is None:
        return Gap(item_id, own_score, other_score, None, False)
    difference = own_score - other_score
    return Gap(item_id, own_score, other_score, difference, abs(difference) >= threshold)


def gaps(item_ids: Iterable[str], own: Mapping[str, Score], other: Mapping[str, Score],
         threshold: Decimal = GAP_THRESHOLD) -> tuple[Gap, ...]:
    """The gap per item (section or element), in the order of ``item_ids``."""
    return tuple(gap(i, own.get(i), other.get(i), threshold) for i in item_ids)


def largest_first(items: Iterable[Gap]) -> list[Gap]:
    """Gaps by size, largest first; ties keep their order; gaps without both scores last."""
    listed = list(items)
    return sorted(listed, key=lambda g: (g.size is None, -(g.size or 0)))


# --------------------------------------------------------------------------------------------------------------
# Several answers to one question (contributors of a gemeente, members of a peer team)


@dataclass(frozen=True)
class Spread:
    count: int  # answers given, "weet niet" included
    unknown: int
    minimum: int | None
    maximum: int | None
    median: Decimal | None  # of the scored answers; the mean of the middle two for an even count

    @property
    def range(self) -> int | None:
        """Highest minus lowest scored answer."""
        return None if self.minimum is None or self.maximum is None else self.maximum - self.minimum

    def is_large(self, threshold: int = 2) -> bool:
        """Whether the answers lie so far apart (two points or more by default) that they need a conversation."""
        return self.range is not None and self.range >= threshold


def proposal_level(values: Iterable[int | None]) -> int | None:
    """The level a group's answers propose: the median of the whole levels given, the lower level when it falls
    between two (2 and 3 propose 2: the modest one). ``None`` left out; ``None`` when there is no level.

    The one rule behind both proposals: the colleagues' for the gemeente's consensus
    (``evaluations.consensus_proposal``) and the members' for the peer team's score (``reviews.team_proposal``)."""
    scored = sorted(v for v in values if v is not None)
    if not scored:
        return None
    middle = len(scored) // 2
    median = Fraction(scored[middle]) if len(scored) % 2 else Fraction(scored[middle - 1] + scored[middle], 2)
    return math.floor(median)


def spread(values: Iterable[Answer]) -> Spread:
    given = [v for v in values if v is not None]
    scored = sorted(v for v in given if v != UNKNOWN)
    unknown = len(given) - len(scored)
    if not scored:
        return Spread(len(given), unknown, None, None, None)
    middle = len(scored) // 2
    median = (Fraction(scored[middle]) if len(scored) % 2
              else Fraction(scored[middle - 1] + scored[middle], 2))
    return Spread(len(given), unknown, scored[0], scored[-1], round_half_up(median))
