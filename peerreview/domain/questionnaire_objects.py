"""The questionnaire's vocabulary, its frozen domain objects (what the rest of the app uses) and the problems a
questionnaire file can have. Built by :func:`peerreview.domain.questionnaire.parse`, importable from there."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

# --------------------------------------------------------------------------------------------------------------
# Vocabulary


class SectionKind(StrEnum):
    KNELPUNT = "knelpunt"
    COORDINATOR_PROFILE = "coordinator_profile"

    @property
    def label(self) -> str:
        return {"knelpunt": "Knelpunt", "coordinator_profile": "Profiel veiligheidscoördinator"}[self.value]


class Lever(StrEnum):
    """The article's three-way lens: willen (priority), kennen (competence), kunnen (means and conditions)."""

    WILLEN = "willen"
    KENNEN = "kennen"
    KUNNEN = "kunnen"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def description(self) -> str:
        return {
            "willen": "prioriteit en belang",
            "kennen": "competenties en expertise",
            "kunnen": "middelen, sturingsmogelijkheden en condities",
        }[self.value]


class EvidenceRequest(StrEnum):
    NONE = "none"
    OPTIONAL = "optional"
    REQUIRED = "required"

    @property
    def label(self) -> str:
        return {"none": "Geen onderbouwing gevraagd", "optional": "Onderbouwing welkom",
                "required": "Onderbouwing gevraagd"}[self.value]

    @property
    def is_asked(self) -> bool:
        return self is not EvidenceRequest.NONE


class QuestionnaireStatus(StrEnum):
    """``active``: offered for new rounds. ``draft``: visible to administrators, not offered.
    ``retired``: kept for the evaluations that used it, not offered for new rounds."""

    DRAFT = "draft"
    ACTIVE = "active"
    RETIRED = "retired"

    @property
    def label(self) -> str:
        return {"draft": "Concept", "active": "Actief", "retired": "Vervallen"}[self.value]


# --------------------------------------------------------------------------------------------------------------
# Domain objects (what the rest of the app uses)


@dataclass(frozen=True)
class ScaleLevel:
    value: int
    label: str
    description: str


@dataclass(frozen=True)
class LevelText:
    value: int
    label: str
    text: str
    is_specific: bool  # described for this question, not the scale's general meaning


@dataclass(frozen=True)
class Scale:
    minimum: int
    maximum: int
    levels: tuple[ScaleLevel, ...]
    unknown_label: str
    unknown_description: str

    @property
    def values(self) -> range:
        return range(self.minimum, self.maximum + 1)

    def level(self, value: int) -> ScaleLevel:
        for level in self.levels:
            if level.value == value:
                return level
        raise KeyError(value)

    def contains(self, value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and self.minimum <= value <= self.maximum

    def describe(self, question: Question) -> tuple[LevelText, ...]:
        """Every level of the scale as it reads for ``question``: its own description where the file gives one,
        otherwise the scale's general meaning (``is_specific`` False). What the wizard and the printed page show."""
        return tuple(
            LevelText(level.value, level.label, question.levels[level.value], True) if level.value in question.levels
            else LevelText(level.value, level.label, level.description, False)
            for level in self.levels)

    @property
    def required_level_values(self) -> tuple[int, ...]:
        """The levels every question must describe: the lowest, the middle and the highest."""
        return tuple(sorted({self.minimum, (self.minimum + self.maximum) // 2, self.maximum}))


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object per loaded version
class Question:
    id: str
    number: str  # "3.2" for the second question of the third section; "11.4.1" inside a profile element
    text: str
    guidance: str
    levels: Mapping[int, str]  # what each described level means for this question
    evidence: EvidenceRequest
    evidence_hint: str | None
    weight: int
    section_id: str
    element_id: str | None = None


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object per loaded version
class Element:
    """One element of the coordinator profile (procesmanager, netwerk, ...)."""

    id: str
    title: str
    summary: str
    questions: tuple[Question, ...]


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object per loaded version
class Section:
    id: str
    number: int  # position in the questionnaire, from 1
    kind: SectionKind
    title: str
    summary: str
    lever: Lever | None  # knelpunt sections only
    external: bool  # largely outside the gemeente's control (signals for region and Rijk)
    questions: tuple[Question, ...]  # all questions, in order (for a profile section: of all its elements)
    elements: tuple[Element, ...] = ()

    @property
    def is_profile(self) -> bool:
        return self.kind is SectionKind.COORDINATOR_PROFILE

    @property
    def question_ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions)


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object per loaded version
class Questionnaire:
    key: str
    version: str
    status: QuestionnaireStatus
    title: str
    description: str
    scale: Scale
    sections: tuple[Section, ...]
    content_hash: str  # sha256 of the canonical content; see content_hash()
    source: str = ""
    _questions: Mapping[str, Question] = field(init=False, repr=False, compare=False)
    _sections: Mapping[str, Section] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_sections", MappingProxyType({s.id: s for s in self.sections}))
        object.__setattr__(self, "_questions",
                           MappingProxyType({q.id: q for s in self.sections for q in s.questions}))

    @property
    def label(self) -> str:
        return f"{self.title} (versie {self.version})"

    @property
    def version_key(self) -> tuple[int, ...]:
        return version_sort_key(self.version)

    @property
    def knelpunt_sections(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.kind is SectionKind.KNELPUNT)

    @property
    def profile_section(self) -> Section | None:
        return next((s for s in self.sections if s.is_profile), None)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(self._questions.values())

    def section(self, section_id: str) -> Section:
        return self._sections[section_id]

    def has_section(self, section_id: str) -> bool:
        return section_id in self._sections

    def question(self, question_id: str) -> Question:
        return self._questions[question_id]

    def has_question(self, question_id: str) -> bool:
        return question_id in self._questions


def version_sort_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


# --------------------------------------------------------------------------------------------------------------
# Problems


@dataclass(frozen=True)
class Problem:
    source: str  # the file
    location: str  # e.g. "sectie 3 (horizontale_regie) › vraag 2 (horizontale_regie.middelen) › levels"
    message: str
    order: tuple[Any, ...] = field(default=(), compare=False, repr=False)  # where in the file, for sorting

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        return f"{where}{self.location}: {self.message}" if self.location else f"{where}{self.message}"


class QuestionnaireError(Exception):
    """One or more problems with one or more questionnaire files; ``str()`` lists every one."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__(self.describe())

    def describe(self) -> str:
        count = len(self.problems)
        head = "1 probleem in de vragenlijsten:" if count == 1 else f"{count} problemen in de vragenlijsten:"
        return "\n".join([head, *(f"  - {problem}" for problem in self.problems)])
