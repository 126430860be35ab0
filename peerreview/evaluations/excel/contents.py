"""Reading the contents of an upload that passed the file checks: the ``_peerreview`` sheet (is this our file, for
this evaluation and questionnaire version?), then every section sheet, with each problem named by sheet and cell."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.worksheet.worksheet import Worksheet

from ...domain.evaluations import AnswerData, SectionNoteData, check_answer_data, check_note, clean_text, parse_links
from ...domain.questionnaire import Question, Questionnaire, Section
from .layout import (
    FORMAT_VERSION,
    IMPROVEMENTS_LABEL,
    META_SHEET,
    NOTE_COLUMN,
    STRENGTHS_LABEL,
    Columns,
    Upload,
    UploadProblem,
    UploadRejected,
    _whole,
    choice_text,
    headers,
    sheet_title,
)

MAX_PROBLEMS = 50

NOT_OURS = ("Dit bestand is niet uit Peerreview gedownload, of het is daarna opnieuw opgebouwd. Download de "
            "werkmap op de pagina van de zelfevaluatie, vul die in en upload die.")


# --------------------------------------------------------------------------------------------------------------
# Reading: the contents


def _is_formula(cell: Cell | None) -> bool:
    return cell is not None and (cell.data_type == "f" or isinstance(cell.value, (ArrayFormula, DataTableFormula)))


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,18}\s*", value):
        return int(value)
    return None


def _number_text(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}".replace(".", ",")  # as a Dutch Excel shows it


def cell_text(value: object) -> str:
    """What a user typed, as text: a number, date or truth value that Excel stored as such becomes the text shown."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "WAAR" if value else "ONWAAR"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, datetime):
        day = f"{value.day:02d}-{value.month:02d}-{value.year:04d}"
        return day if value.time() == time(0) else f"{day} {value:%H:%M}"
    if isinstance(value, date):
        return f"{value.day:02d}-{value.month:02d}-{value.year:04d}"
    if isinstance(value, time):
        return f"{value:%H:%M}" if not value.second else f"{value:%H:%M:%S}"
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _normal(text: str) -> str:
    """Compare choices loosely: any case, spacing and dash."""
    text = re.sub(r"[‐‑‒–—―-]", "-", text.casefold())
    text = re.sub(r"\s*-\s*", " - ", text)
    return " ".join(text.split())


FORMULA_MESSAGE = "deze cel bevat een formule; typ de waarde zelf in."  # after "Vraag 1.2, Antwoord: "


@dataclass
class _SheetProblems:
    sheet: str
    items: list[tuple[float, int, UploadProblem]] = field(default_factory=list)

    def add(self, row: int | None, column: int | None, message: str) -> None:
        cell = f"{get_column_letter(column)}{row}" if row is not None and column is not None else None
        self.items.append((row if row is not None else math.inf, column or 0, UploadProblem(self.sheet, cell, message)))

    def sorted(self) -> list[UploadProblem]:
        return [problem for _row, _column, problem in sorted(self.items, key=lambda item: (item[0], item[1]))]


class Reader:
    def __init__(self, workbook: Workbook, questionnaire: Questionnaire, evaluation_id: int):
        self.workbook = workbook
        self.questionnaire = questionnaire
        self.evaluation_id = evaluation_id
        self.scale = questionnaire.scale
        self.columns = Columns.of(self.scale)
        self.headers = headers(self.scale)
        self.problems: list[UploadProblem] = []
        self.answers: dict[str, AnswerData] = {q.id: AnswerData() for q in questionnaire.questions}
        self.notes: dict[str, SectionNoteData] = {s.id: SectionNoteData() for s in questionnaire.sections}
        self.choice_lookup = self._choice_lookup()

    def _choice_lookup(self) -> dict[str, tuple[int | None, bool]]:
        lookup: dict[str, tuple[int | None, bool]] = {}
        labels: dict[str, list[int]] = {}
        for level in self.scale.levels:
            lookup[_normal(choice_text(self.scale, level.value))] = (level.value, False)
            labels.setdefault(_normal(level.label), []).append(level.value)
        for label, values in labels.items():
            if len(values) == 1:
                lookup.setdefault(label, (values[0], False))
        lookup[_normal(self.scale.unknown_label)] = (None, True)
        return lookup

    def read(self) -> Upload:
        meta = self._meta()
        for section in self.questionnaire.sections:
            self._section(section)
        if self.problems:
            raise UploadRejected(_capped(self.problems))
        exported_at = None
        raw_at = meta.get("exported_at")
        if isinstance(raw_at, datetime):
            exported_at = raw_at
        elif isinstance(raw_at, str):
            try:
                exported_at = datetime.fromisoformat(raw_at.strip())
            except ValueError:
                exported_at = None
        if exported_at is not None and exported_at.tzinfo is None:
            exported_at = exported_at.replace(tzinfo=UTC)
        user_name = meta.get("user_name")
        return Upload(answers=self.answers, notes=self.notes, exported_for_user_id=_as_int(meta.get("user_id")),
                      exported_for_user_name=clean_text(user_name) if isinstance(user_name, str) else "",
                      exported_at=exported_at)

    # -- the meta sheet: is this our file, for this evaluation and this questionnaire version?

    def _meta(self) -> dict[str, object]:
        if META_SHEET not in self.workbook.sheetnames or not isinstance(self.workbook[META_SHEET], Worksheet):
            raise _whole(NOT_OURS)
        cells = self.workbook[META_SHEET]._cells
        meta: dict[str, object] = {}
        for (row, column), cell in sorted(cells.items()):
            if column == 1 and isinstance(cell.value, str) and not _is_formula(cell):
                value_cell = cells.get((row, 2))
                value = None if value_cell is None or _is_formula(value_cell) else value_cell.value
                meta.setdefault(cell.value.strip(), value)
        version = _as_int(meta.get("format_version"))
        if version is None:
            raise _whole(NOT_OURS)
        if version != FORMAT_VERSION:
            raise _whole(f"Dit bestand heeft een ander formaat (versie {version}) dan Peerreview nu leest "
                         f"(versie {FORMAT_VERSION}). Download de werkmap opnieuw en neem uw antwoorden over.")
        problems: list[str] = []
        if _as_int(meta.get("evaluation_id")) != self.evaluation_id:
            whose = [cell_text(meta.get(key)).strip() for key in ("municipality", "round_name")]
            about = ", ".join(_short(text, 80) for text in whose if text)
            problems.append(
                f"Dit bestand hoort bij een andere zelfevaluatie{f' ({about})' if about else ''}. Upload het bij "
                "die zelfevaluatie, of download de werkmap van deze zelfevaluatie en vul die in.")
        key = _short(cell_text(meta.get("questionnaire_key")).strip(), 80)
        version_text = _short(cell_text(meta.get("questionnaire_version")).strip(), 40)
        digest = cell_text(meta.get("content_hash")).strip()
        q = self.questionnaire
        if key != q.key:
            problems.append(f"Dit bestand is gemaakt voor een andere vragenlijst (‘{key or 'onbekend'}’ versie "
                            f"{version_text or 'onbekend'}); deze zelfevaluatie gebruikt {q.label}. Download de "
                            "werkmap opnieuw.")
        elif version_text != q.version:
            problems.append(f"Dit bestand is gemaakt met versie {version_text or 'onbekend'} van de vragenlijst; "
                            f"deze zelfevaluatie gebruikt versie {q.version}. Download de werkmap opnieuw en neem "
                            "uw antwoorden over.")
        elif digest != q.content_hash:
            problems.append(f"Dit bestand is gemaakt met een andere inhoud van versie {q.version} van de vragenlijst "
                            "dan deze zelfevaluatie gebruikt. Download de werkmap opnieuw en neem uw antwoorden "
                            "over.")
        if problems:
            raise UploadRejected([UploadProblem(None, None, message) for message in problems])
        return meta

    # -- one section sheet

    def _section(self, section: Section) -> None:
        title = sheet_title(section)
        found = self.workbook[title] if title in self.workbook.sheetnames else None
        report = _SheetProblems(title)
        if not isinstance(found, Worksheet):
            report.add(None, None, "Dit blad ontbreekt of heeft een andere naam gekregen. Zet de naam terug, of "
                                   "download de werkmap opnieuw en neem uw antwoorden over.")
            self.problems += report.sorted()
            return
        cells = found._cells
        if self._header_changed(cells, report):
            self.problems += report.sorted()
            return

        own = set(section.question_ids)
        seen: dict[str, int] = {}
        note_rows: dict[str, int] = {}
        for (row, column), cell in sorted(cells.items()):
            if column != 1 or row == 1 or _is_blank(cell.value):
                continue
            if _is_formula(cell):
                report.add(row, column, "In de kolom Vraag-id staat een formule. Wijzig de kolom Vraag-id niet.")
                continue
            text = cell_text(cell.value).strip()
            if text in (STRENGTHS_LABEL, IMPROVEMENTS_LABEL):
                if text in note_rows:
                    report.add(row, column, f"‘{text}’ staat twee keer op dit blad (ook in rij {note_rows[text]}).")
                else:
                    note_rows[text] = row
            elif text in own:
                if text in seen:
                    question = self.questionnaire.question(text)
                    report.add(row, column, f"Vraag {question.number} staat twee keer op dit blad (ook in rij "
                                            f"{seen[text]}). Verwijder de dubbele rij, of download de werkmap "
                                            "opnieuw.")
                else:
                    seen[text] = row
                    self._question(cells, row, self.questionnaire.question(text), report)
            elif self.questionnaire.has_question(text):
                question = self.questionnaire.question(text)
                other = sheet_title(self.questionnaire.section(question.section_id))
                report.add(row, column, f"Vraag {question.number} (‘{text}’) hoort op blad ‘{other}’, niet op dit "
                                        "blad.")
            else:
                report.add(row, column, f"‘{_short(text)}’ is geen vraag-id van deze vragenlijst. Wijzig de kolom "
                                        "Vraag-id niet.")
        for question in section.questions:
            if question.id not in seen:
                report.add(None, None, f"De rij van vraag {question.number} (‘{question.id}’) ontbreekt. Download "
                                       "de werkmap opnieuw en neem uw antwoorden over.")
        self._notes(cells, section, note_rows, report)
        self.problems += report.sorted()

    def _header_changed(self, cells: Mapping[tuple[int, int], Cell], report: _SheetProblems) -> bool:
        changed = False
        for column, expected in enumerate(self.headers, start=1):
            cell = cells.get((1, column))
            actual = "" if cell is None or _is_formula(cell) else cell_text(cell.value).strip()
            if actual != expected:
                found = f"‘{_short(actual)}’" if actual else "een lege cel"
                report.add(1, column, f"De kolomkop is gewijzigd: verwacht ‘{expected}’, gevonden {found}. Verander "
                                      "de indeling niet; download de werkmap opnieuw en neem uw antwoorden over.")
                changed = True
        return changed

    def _text(self, cells: Mapping[tuple[int, int], Cell], row: int, column: int, report: _SheetProblems,
              prefix: str) -> str:
        cell = cells.get((row, column))
        if cell is None or cell.value is None:
            return ""
        if _is_formula(cell):
            report.add(row, column, f"{prefix}{FORMULA_MESSAGE}")
            return ""
        if cell.data_type == "e":
            report.add(row, column, f"{prefix}deze cel bevat een foutwaarde ({_short(cell_text(cell.value), 20)}); "
                                    "typ de tekst zelf in.")
            return ""
        return clean_text(cell_text(cell.value))

    def _question(self, cells: Mapping[tuple[int, int], Cell], row: int, question: Question,
                  report: _SheetProblems) -> None:
        columns = self.columns
        value, unknown = self._choice(cells, row, question, report)

        def prefix(column: int) -> str:
            return f"Vraag {question.number}, {self.headers[column - 1]}: "

        explanation = self._text(cells, row, columns.explanation, report, prefix(columns.explanation))
        evidence = self._text(cells, row, columns.evidence, report, prefix(columns.evidence))
        links_text = self._text(cells, row, columns.links, report, prefix(columns.links))
        links, link_problems = parse_links(links_text)
        for message in link_problems:
            report.add(row, columns.links, prefix(columns.links) + message)
        data = AnswerData(value=value, unknown=unknown, explanation=explanation, evidence=evidence, links=links)
        by_field = {"value": columns.answer, "explanation": columns.explanation, "evidence": columns.evidence,
                    "links": columns.links}
        for problem in check_answer_data(self.scale, data):  # its messages name the field themselves
            if problem.field == "links" and link_problems:
                continue  # already said, line by line
            report.add(row, by_field.get(problem.field, columns.answer), f"Vraag {question.number}: {problem.message}")
        self.answers[question.id] = data

    def _choice(self, cells: Mapping[tuple[int, int], Cell], row: int, question: Question,
                report: _SheetProblems) -> tuple[int | None, bool]:
        column = self.columns.answer
        cell = cells.get((row, column))
        prefix = f"Vraag {question.number}, Antwoord: "
        if cell is None or _is_blank(cell.value):
            return None, False
        if _is_formula(cell):
            report.add(row, column, prefix + FORMULA_MESSAGE)
            return None, False
        value = cell.value
        if cell.data_type != "e":
            if isinstance(value, str):
                match = self.choice_lookup.get(_normal(value))
                if match is not None:
                    return match
                number = re.fullmatch(r"\s*(\d{1,3})(?:[.,]0+)?\s*", value)
                if number and self.scale.contains(int(number.group(1))):
                    return int(number.group(1)), False
            elif not isinstance(value, bool) and isinstance(value, int | float):
                whole = _as_int(value)
                if whole is not None and self.scale.contains(whole):
                    return whole, False
        scale = self.scale
        middle = scale.levels[len(scale.levels) // 2].value
        report.add(row, column, f"{prefix}‘{_short(cell_text(value), 40)}’ is geen geldig antwoord. Kies uit de "
                                f"keuzelijst een niveau van {scale.minimum} tot en met {scale.maximum} (bijvoorbeeld "
                                f"‘{choice_text(scale, middle)}’) of ‘{scale.unknown_label}’.")
        return None, False

    def _notes(self, cells: Mapping[tuple[int, int], Cell], section: Section, note_rows: dict[str, int],
               report: _SheetProblems) -> None:
        texts: dict[str, str] = {}
        for label in (STRENGTHS_LABEL, IMPROVEMENTS_LABEL):
            row = note_rows.get(label)
            if row is None:
                report.add(None, None, f"De cel ‘{label}’ onder de vragen ontbreekt. Download de werkmap opnieuw en "
                                       "neem uw antwoorden over.")
                texts[label] = ""
                continue
            texts[label] = self._text(cells, row, NOTE_COLUMN, report, f"{label}: ")
        note = SectionNoteData(strengths=texts[STRENGTHS_LABEL], improvements=texts[IMPROVEMENTS_LABEL])
        for problem in check_note(note):
            label = STRENGTHS_LABEL if problem.field == "strengths" else IMPROVEMENTS_LABEL
            report.add(note_rows.get(label), NOTE_COLUMN, problem.message)  # names the field itself
        self.notes[section.id] = note


def _capped(problems: list[UploadProblem]) -> list[UploadProblem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS],
            UploadProblem(None, None, f"En nog {more} {'ander probleem' if more == 1 else 'andere problemen'}. "
                                      "Los eerst de genoemde op en upload het bestand opnieuw.")]
