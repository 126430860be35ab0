"""The workbook's shape that writing and reading share: the sheet names and column headers, the values passed in
and out (:class:`ExportMeta`, :class:`Upload`, :class:`UploadProblem`, :class:`UploadRejected`), and the sheet
titles, dropdown entries and columns derived from the questionnaire."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from ...domain.evaluations import AnswerData, SectionNoteData
from ...domain.questionnaire import Scale, Section

FORMAT_VERSION = 1

INTRO_SHEET = "Toelichting"
CHOICES_SHEET = "Keuzelijst"
META_SHEET = "_peerreview"

ID_HEADER = "Vraag-id"
FIXED_HEADERS = (ID_HEADER, "Nr.", "Vraag", "Waar denkt u aan?")
INPUT_HEADERS = ("Antwoord", "Toelichting", "Bewijs", "Links")
STRENGTHS_LABEL = "Sterke punten"
IMPROVEMENTS_LABEL = "Verbeterpunten"
NOTE_COLUMN = 3  # the note's input cell, beside its label in column A


# --------------------------------------------------------------------------------------------------------------
# Values


@dataclass(frozen=True)
class ExportMeta:
    evaluation_id: int
    municipality: str  # the gemeente's name
    round_name: str
    user_id: int
    user_name: str
    exported_at: datetime  # aware, UTC


@dataclass(frozen=True)
class UploadProblem:
    sheet: str | None  # the sheet's title as the user sees it; None for a problem with the whole file
    cell: str | None  # e.g. "F7"
    message: str  # Dutch, fit to show a civil servant

    def __str__(self) -> str:
        if self.sheet is None:
            return self.message
        if self.cell is None:
            return f"Blad ‘{self.sheet}’: {self.message}"
        return f"Blad ‘{self.sheet}’, cel {self.cell}: {self.message}"


class UploadRejected(Exception):
    """The upload cannot be used; ``problems`` lists every problem found, in sheet and row order."""

    def __init__(self, problems: Iterable[UploadProblem]):
        self.problems: list[UploadProblem] = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass(frozen=True)
class Upload:
    answers: dict[str, AnswerData]  # every question of the questionnaire (empty AnswerData for an empty row)
    notes: dict[str, SectionNoteData]  # every section
    exported_for_user_id: int | None
    exported_for_user_name: str
    exported_at: datetime | None


def _whole(message: str) -> UploadRejected:
    return UploadRejected([UploadProblem(None, None, message)])


# --------------------------------------------------------------------------------------------------------------
# Layout shared by writing and reading


def sheet_title(section: Section) -> str:
    """``"<number> <title>"`` as Excel allows it: at most 31 characters, none of ``[]:*?/\\``, no apostrophe at
    either end. A long title is cut at a word and ends in "…"; the number keeps titles unique."""
    text = re.sub(r"[\[\]:*?/\\]", "", f"{section.number} {section.title}")
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) > 31:
        prefix = len(str(section.number)) + 1
        cut = text[:30]
        space = cut.rfind(" ")
        if space > prefix + 5:
            cut = cut[:space]
        text = cut.rstrip() + "…"
    return text.strip("'") or str(section.number)


def choice_text(scale: Scale, value: int) -> str:
    """A level as the dropdown shows it: ``"3 – In ontwikkeling"`` (as ``AnswerData.value_label``)."""
    return f"{value} – {scale.level(value).label}"


def choices(scale: Scale) -> list[str]:
    return [choice_text(scale, level.value) for level in scale.levels] + [scale.unknown_label]


def headers(scale: Scale) -> list[str]:
    return [*FIXED_HEADERS, *(f"{level.value} – {level.label}" for level in scale.levels), *INPUT_HEADERS]


@dataclass(frozen=True)
class Columns:
    levels: int  # first level column
    answer: int
    explanation: int
    evidence: int
    links: int

    @classmethod
    def of(cls, scale: Scale) -> Columns:
        answer = len(FIXED_HEADERS) + len(scale.levels) + 1
        return cls(len(FIXED_HEADERS) + 1, answer, answer + 1, answer + 2, answer + 3)

    @property
    def last(self) -> int:
        return self.links
