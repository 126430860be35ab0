"""Writing the workbook: the Toelichting sheet, one protected sheet per section with its dropdown, the hidden
Keuzelijst and the veryHidden ``_peerreview`` sheet; every text goes in as a string cell (no formula injection)."""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ...domain.evaluations import AnswerData, SectionNoteData
from ...domain.questionnaire import Question, Questionnaire, Scale, Section
from ...spreadsheets import clean, put_text
from .layout import (
    CHOICES_SHEET,
    FORMAT_VERSION,
    IMPROVEMENTS_LABEL,
    INTRO_SHEET,
    META_SHEET,
    NOTE_COLUMN,
    STRENGTHS_LABEL,
    Columns,
    ExportMeta,
    choice_text,
    choices,
    headers,
    sheet_title,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")

# Column widths (characters) of a section sheet.
WIDTHS = {"id": 16, "number": 7, "question": 45, "guidance": 45, "level": 30, "answer": 26, "explanation": 45,
          "evidence": 38, "links": 38}
LINE_HEIGHT = 15  # points per line of 11-point text
MAX_ROW_HEIGHT = 409  # Excel's limit

_BOLD = Font(bold=True)
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_ELEMENT_FILL = PatternFill("solid", fgColor="D9E1F2")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_ID_FONT = Font(size=9, color="808080")
_GENERAL_FONT = Font(italic=True, color="595959")  # a level described only by the scale's general meaning
_WRAP = Alignment(wrap_text=True, vertical="top")
_UNLOCKED = Protection(locked=False)


# --------------------------------------------------------------------------------------------------------------
# Writing


def build_workbook(questionnaire: Questionnaire, *, answers: Mapping[str, AnswerData],
                   notes: Mapping[str, SectionNoteData], meta: ExportMeta) -> bytes:
    """The workbook as ``.xlsx`` bytes. ``answers`` by question id and ``notes`` by section id; a missing key is an
    empty answer or note."""
    workbook = Workbook()
    workbook.properties.creator = "Peerreview"
    workbook.properties.title = clean(f"Zelfevaluatie {meta.municipality} – {questionnaire.title}")
    intro = workbook.active
    assert intro is not None
    _write_intro(intro, questionnaire, meta)

    entries = choices(questionnaire.scale)
    choice_range = f"'{CHOICES_SHEET}'!$A$1:$A${len(entries)}"

    for section in questionnaire.sections:
        sheet = workbook.create_sheet(sheet_title(section))
        _write_section(sheet, questionnaire, section, answers, notes.get(section.id, SectionNoteData()),
                       choice_range)

    choice_sheet = workbook.create_sheet(CHOICES_SHEET)
    for row, entry in enumerate(entries, start=1):
        put_text(choice_sheet.cell(row=row, column=1), entry)
    choice_sheet.sheet_state = "hidden"
    choice_sheet.column_dimensions["A"].width = 45
    _protect(choice_sheet)

    _write_meta(workbook.create_sheet(META_SHEET), questionnaire, meta)

    # Structure protection (no sheets added, removed, renamed or unhidden) and sheet protection, both without a
    # password: they guard the layout that reading back relies on against accidents; they are no security.
    workbook.security = WorkbookProtection(lockStructure=True)
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _lines(text: str, width: float) -> int:
    per_line = max(int(width * 1.1) - 1, 5)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def _height(lines: int) -> float:
    return min(max(lines, 1) * LINE_HEIGHT + 3, MAX_ROW_HEIGHT)


def _protect(sheet: Worksheet) -> None:
    # No password: it keeps the structure that reading back relies on from being changed by accident; anyone may
    # lift it, and the upload checks everything anyway. Resizing rows and columns stays allowed.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def format_datetime(value: datetime) -> str:
    """``12 maart 2026 om 14:05`` in Dutch time (a naive value is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(AMSTERDAM)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year} om {local:%H:%M}"


def _write_intro(sheet: Worksheet, questionnaire: Questionnaire, meta: ExportMeta) -> None:
    sheet.title = INTRO_SHEET
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 100
    scale = questionnaire.scale
    row = 1

    def line(label: str, text: str = "", *, bold: bool = False, gap: int = 0) -> None:
        nonlocal row
        row += gap
        if label:
            put_text(sheet.cell(row=row, column=1), label)
            sheet.cell(row=row, column=1).font = _BOLD
            sheet.cell(row=row, column=1).alignment = _WRAP
        if text:
            cell = sheet.cell(row=row, column=2)
            put_text(cell, text)
            cell.alignment = _WRAP
            if bold:
                cell.font = _BOLD
            sheet.row_dimensions[row].height = _height(_lines(text, 100))
        row += 1

    title = sheet.cell(row=1, column=1)
    put_text(title, f"Zelfevaluatie: {questionnaire.title}")
    title.font = Font(bold=True, size=14)
    row = 3
    line("Gemeente", meta.municipality)
    line("Ronde", meta.round_name)
    line("Vragenlijst", questionnaire.label)
    line("Gedownload voor", meta.user_name)
    line("Gedownload op", format_datetime(meta.exported_at))
    line("Zo vult u deze werkmap in", gap=1)
    steps = [
        "Elk blad hierna is één onderwerp van de vragenlijst, met per rij één vraag. Naast elke vraag staat per "
        "niveau wat dat niveau bij deze vraag betekent.",
        "Kies in de kolom Antwoord een niveau uit de keuzelijst (klik op de cel en dan op het pijltje). Kunt u de "
        f"vraag niet beoordelen, kies dan ‘{scale.unknown_label}’.",
        "Licht uw antwoord toe in de kolom Toelichting. Noem in de kolom Bewijs de documenten of cijfers die het "
        "antwoord onderbouwen. Zet in de kolom Links webadressen (https://…), één link per regel. Een nieuwe "
        "regel binnen een cel maakt u met Alt+Enter (Windows) of Control+Option+Return (Mac).",
        "Vul onder de vragen van elk blad de sterke punten en de verbeterpunten van dat onderwerp in.",
        "U vult alleen de gele cellen in. Verander de indeling niet: voeg geen bladen, rijen of kolommen toe, "
        "verwijder of hernoem ze niet en laat de kolom Vraag-id staan. De bladen zijn daarom beveiligd (zonder "
        "wachtwoord). Formules worden niet overgenomen: typ elke waarde zelf in.",
        "Sla het bestand op als Excel-werkmap (.xlsx) en upload het op de pagina van de zelfevaluatie. U ziet "
        "eerst een voorbeeld van wat er verandert; pas als u dat bevestigt, worden de antwoorden opgeslagen.",
        f"De antwoorden die al in dit bestand staan, zijn de stand van {format_datetime(meta.exported_at)}.",
    ]
    for number, step in enumerate(steps, start=1):
        line(f"{number}.", step)
    line("De niveaus", gap=1)
    for level in scale.levels:
        line(choice_text(scale, level.value), level.description)
    line(scale.unknown_label, scale.unknown_description)
    line("De onderwerpen", gap=1)
    for section in questionnaire.sections:
        line(sheet_title(section), f"{section.number}. {section.title}: {section.summary}")
    _protect(sheet)


def _write_section(sheet: Worksheet, questionnaire: Questionnaire, section: Section,
                   answers: Mapping[str, AnswerData], note: SectionNoteData, choice_range: str) -> None:
    scale = questionnaire.scale
    columns = Columns.of(scale)
    widths = [WIDTHS["id"], WIDTHS["number"], WIDTHS["question"], WIDTHS["guidance"],
              *([WIDTHS["level"]] * len(scale.levels)),
              WIDTHS["answer"], WIDTHS["explanation"], WIDTHS["evidence"], WIDTHS["links"]]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width

    for column, text in enumerate(headers(scale), start=1):
        cell = sheet.cell(row=1, column=column)
        put_text(cell, text)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _WRAP
    sheet.row_dimensions[1].height = _height(max(_lines(text, width) for text, width in zip(headers(scale), widths,
                                                                                             strict=True)))
    sheet.freeze_panes = "D2"

    validation = DataValidation(
        type="list", formula1=choice_range, allow_blank=True, showErrorMessage=True, errorStyle="stop",
        errorTitle="Ongeldig antwoord",
        error=f"Kies een antwoord uit de keuzelijst: een niveau van {scale.minimum} tot en met {scale.maximum} "
              f"of ‘{scale.unknown_label}’."[:225],
        showInputMessage=True, promptTitle="Antwoord", prompt="Kies een antwoord uit de keuzelijst.")
    sheet.add_data_validation(validation)

    row = 2
    for group_title, questions in _groups(section):
        if group_title is not None:
            heading = sheet.cell(row=row, column=3)
            put_text(heading, group_title)
            heading.font = _BOLD
            heading.alignment = _WRAP
            for column in range(1, columns.last + 1):
                sheet.cell(row=row, column=column).fill = _ELEMENT_FILL
            sheet.merge_cells(start_row=row, start_column=3, end_row=row, end_column=columns.last)
            sheet.row_dimensions[row].height = _height(_lines(group_title, sum(widths[2:])))
            row += 1
        for question in questions:
            _write_question(sheet, row, question, scale, answers.get(question.id, AnswerData()), columns, widths)
            validation.add(f"{get_column_letter(columns.answer)}{row}")
            row += 1

    row += 1
    for label, text in ((STRENGTHS_LABEL, note.strengths), (IMPROVEMENTS_LABEL, note.improvements)):
        label_cell = sheet.cell(row=row, column=1)
        put_text(label_cell, label)
        label_cell.font = _BOLD
        label_cell.alignment = _WRAP
        prompt = sheet.cell(row=row, column=2)
        put_text(prompt, "→")
        prompt.alignment = Alignment(horizontal="center", vertical="top")
        cell = sheet.cell(row=row, column=NOTE_COLUMN)
        if text:
            put_text(cell, text)
        _input_style(cell)
        sheet.row_dimensions[row].height = _height(max(6, _lines(text, WIDTHS["question"])))
        row += 1

    _protect(sheet)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"


def _groups(section: Section) -> list[tuple[str | None, tuple[Question, ...]]]:
    if not section.elements:
        return [(None, section.questions)]
    return [(f"{section.number}.{index} {element.title} — {element.summary}", element.questions)
            for index, element in enumerate(section.elements, start=1)]


def _input_style(cell: Cell) -> None:
    cell.protection = _UNLOCKED
    cell.fill = _INPUT_FILL
    cell.alignment = _WRAP


def _write_question(sheet: Worksheet, row: int, question: Question, scale: Scale, answer: AnswerData,
                    columns: Columns, widths: list[int]) -> None:
    id_cell = sheet.cell(row=row, column=1)
    put_text(id_cell, question.id)
    id_cell.font = _ID_FONT
    id_cell.alignment = _WRAP
    texts = [question.id, question.number, question.text, question.guidance]
    put_text(sheet.cell(row=row, column=2), question.number)
    put_text(sheet.cell(row=row, column=3), question.text)
    sheet.cell(row=row, column=3).font = _BOLD
    put_text(sheet.cell(row=row, column=4), question.guidance)
    for offset, level in enumerate(scale.describe(question)):
        cell = sheet.cell(row=row, column=columns.levels + offset)
        put_text(cell, level.text)
        if not level.is_specific:
            cell.font = _GENERAL_FONT
        texts.append(level.text)
    for column in range(2, columns.answer):
        sheet.cell(row=row, column=column).alignment = _WRAP

    if answer.unknown:
        choice = scale.unknown_label
    elif answer.value is not None:
        choice = choice_text(scale, answer.value) if scale.contains(answer.value) else str(answer.value)
    else:
        choice = ""
    inputs = [choice, answer.explanation, answer.evidence, "\n".join(answer.links)]
    for column, text in zip((columns.answer, columns.explanation, columns.evidence, columns.links), inputs,
                            strict=True):
        cell = sheet.cell(row=row, column=column)
        if text:
            put_text(cell, text)
        _input_style(cell)
        texts.append(text)
    lines = max(_lines(text, width) for text, width in zip(texts, widths, strict=True))
    sheet.row_dimensions[row].height = _height(max(lines, 2))


def _write_meta(sheet: Worksheet, questionnaire: Questionnaire, meta: ExportMeta) -> None:
    exported_at = meta.exported_at if meta.exported_at.tzinfo else meta.exported_at.replace(tzinfo=UTC)
    rows: list[tuple[str, int | str]] = [
        ("format_version", FORMAT_VERSION),
        ("evaluation_id", meta.evaluation_id),
        ("questionnaire_key", questionnaire.key),
        ("questionnaire_version", questionnaire.version),
        ("content_hash", questionnaire.content_hash),
        ("user_id", meta.user_id),
        ("user_name", meta.user_name),
        ("exported_at", exported_at.astimezone(UTC).isoformat()),
        ("municipality", meta.municipality),
        ("round_name", meta.round_name),
    ]
    for row, (key, value) in enumerate(rows, start=1):
        put_text(sheet.cell(row=row, column=1), key)
        if isinstance(value, str):
            put_text(sheet.cell(row=row, column=2), value)
        else:
            sheet.cell(row=row, column=2).value = value
    sheet.sheet_state = "veryHidden"
    _protect(sheet)
