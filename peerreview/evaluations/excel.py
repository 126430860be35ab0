"""Excel round trip of a self-evaluation: download the questionnaire with the current answers as a workbook,
fill it in offline (alone or passed around the office), upload it again.

Pure code: openpyxl in, bytes out and back; no Flask, no database. The web layer decides whose answers go in,
shows the :class:`Upload` as a preview and saves it.

The workbook (Dutch throughout):

* ``Toelichting``: for whom and when it was downloaded, and how to fill it in.
* one sheet per section (:func:`sheet_title`): a frozen header row, then one row per question with the question's
  id (read back), number, text, guidance, what each level means *for this question*, and the input columns
  Antwoord (a dropdown), Toelichting, Bewijs and Links (one per line). A profile section has a heading row per
  element. Below the questions: Sterke punten and Verbeterpunten for the section.
* ``Keuzelijst`` (hidden): the dropdown's entries, so that labels with commas need no quoting.
* ``_peerreview`` (veryHidden): format version, evaluation, questionnaire version and hash, for whom and when.

Reading treats every file as hostile. Before openpyxl sees it, the zip is checked for its size, the number of
entries, the total unpacked size and the compression ratio (zip bombs), and its XML is streamed once through a
defused parser (no DTD entities) to count cells and the area of merged ranges and range hyperlinks: openpyxl
creates a cell object for every cell of those, so ``<mergeCell ref="A1:XFD1048576"/>`` in a 300-byte file would
otherwise exhaust the memory. Everything that is wrong is collected as an :class:`UploadProblem` in Dutch, with the
sheet and cell, and raised at once as :class:`UploadRejected`; nothing is partially imported.

Formula injection: every text written goes in as a string cell (``data_type 's'``), also when it starts with
``=``, ``+``, ``-`` or ``@``; such cells also get Excel's quote prefix, so that editing the cell keeps it text.
On reading, a formula in any cell that is read is refused: the value must be typed in.
"""

from __future__ import annotations

import io
import logging
import math
import re
import warnings
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from xml.sax import SAXException
from xml.sax.handler import ContentHandler
from zoneinfo import ZoneInfo

from defusedxml.expatreader import DefusedExpatParser
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.worksheet.worksheet import Worksheet

from ..domain.evaluations import (
    AnswerData,
    SectionNoteData,
    check_answer_data,
    check_note,
    clean_text,
    parse_links,
)
from ..domain.questionnaire import Question, Questionnaire, Scale, Section
from ..spreadsheets import clean, put_text

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # all entries of the zip together, as the zip declares them
MAX_ENTRIES = 1000
MAX_RATIO = 100  # unpacked / packed, checked for entries above RATIO_FROM bytes unpacked
RATIO_FROM = 1024 * 1024
MAX_CELLS = 100_000  # a filled-in workbook has a few thousand; bounds openpyxl's memory
MAX_ELEMENTS = 300_000  # XML elements in all parts together (about 15,000 in a workbook); bounds the parsing time
MAX_RANGE_CELLS = 100_000  # cells covered by merged ranges and range hyperlinks (openpyxl creates each one)
MAX_PROBLEMS = 50

INTRO_SHEET = "Toelichting"
CHOICES_SHEET = "Keuzelijst"
META_SHEET = "_peerreview"

ID_HEADER = "Vraag-id"
FIXED_HEADERS = (ID_HEADER, "Nr.", "Vraag", "Waar denkt u aan?")
INPUT_HEADERS = ("Antwoord", "Toelichting", "Bewijs", "Links")
STRENGTHS_LABEL = "Sterke punten"
IMPROVEMENTS_LABEL = "Verbeterpunten"
NOTE_COLUMN = 3  # the note's input cell, beside its label in column A

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

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
class _Columns:
    levels: int  # first level column
    answer: int
    explanation: int
    evidence: int
    links: int

    @classmethod
    def of(cls, scale: Scale) -> _Columns:
        answer = len(FIXED_HEADERS) + len(scale.levels) + 1
        return cls(len(FIXED_HEADERS) + 1, answer, answer + 1, answer + 2, answer + 3)

    @property
    def last(self) -> int:
        return self.links


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
    columns = _Columns.of(scale)
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
                    columns: _Columns, widths: list[int]) -> None:
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


# --------------------------------------------------------------------------------------------------------------
# Reading: the file


def _whole(message: str) -> UploadRejected:
    return UploadRejected([UploadProblem(None, None, message)])


UPLOAD_OURS = ("Upload de werkmap die u op de pagina van de zelfevaluatie hebt gedownload, opgeslagen als "
               "Excel-werkmap (.xlsx).")
NOT_XLSX = f"Dit is geen Excel-bestand (.xlsx). {UPLOAD_OURS}"
DAMAGED = ("Het bestand is beschadigd of geen gewone Excel-werkmap (.xlsx) en kan niet worden gelezen. Open het in "
           "Excel, sla het opnieuw op als Excel-werkmap (.xlsx) en upload het nog eens.")
NOT_OURS = ("Dit bestand is niet uit Peerreview gedownload, of het is daarna opnieuw opgebouwd. Download de "
            "werkmap op de pagina van de zelfevaluatie, vul die in en upload die.")


def read_workbook(data: bytes, questionnaire: Questionnaire, *, evaluation_id: int) -> Upload:
    """The answers and notes in an uploaded workbook. Raises :class:`UploadRejected` with every problem found."""
    _check_archive(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions; they do not matter here
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=False, data_only=False, keep_links=False,
                                     keep_vba=False, rich_text=False)
        except Exception:
            raise _whole(DAMAGED) from None
        try:
            return _Reader(workbook, questionnaire, evaluation_id).read()
        except UploadRejected:
            raise
        except Exception:
            logger.exception("unexpected error reading an uploaded workbook")
            raise _whole(DAMAGED) from None


def _check_archive(data: bytes) -> None:
    if not data:
        raise _whole("Het bestand is leeg. Kies de ingevulde Excel-werkmap (.xlsx) en upload die opnieuw.")
    if len(data) > MAX_UPLOAD_BYTES:
        size = f"{len(data) / 1024 / 1024:.1f}".replace(".", ",")
        raise _whole(f"Het bestand is te groot ({size} MB); het mag hoogstens {MAX_UPLOAD_BYTES // (1024 * 1024)} MB "
                     "zijn. Upload de werkmap zoals u die hebt gedownload, zonder plaatjes of extra bladen.")
    if data.startswith(_OLE_SIGNATURE):
        raise _whole("Dit is een ouder Excel-bestand (.xls) of een bestand met een wachtwoord. Open het in Excel, "
                     "kies Opslaan als › Excel-werkmap (.xlsx) zonder wachtwoord en upload het opnieuw.")
    if not data.startswith(b"PK"):
        raise _whole(NOT_XLSX)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            _check_entries(infos)
            names = {info.filename for info in infos}
            if "xl/workbook.xml" not in names:
                raise _whole(_other_document(names))
            _scan_xml(archive, infos)
    except UploadRejected:
        raise
    except Exception:
        raise _whole(NOT_XLSX if not zipfile.is_zipfile(io.BytesIO(data)) else DAMAGED) from None


def _check_entries(infos: list[zipfile.ZipInfo]) -> None:
    bomb = ("Het bestand is geen gewone Excel-werkmap: uitgepakt zou het {what}. Upload de werkmap zoals u die "
            "hebt gedownload.")
    if len(infos) > MAX_ENTRIES:
        raise _whole(bomb.format(what=f"uit meer dan {MAX_ENTRIES} delen bestaan"))
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise _whole(bomb.format(what=f"groter worden dan {MAX_UNPACKED_BYTES // (1024 * 1024)} MB"))
    for info in infos:
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _whole(bomb.format(what=f"meer dan {MAX_RATIO} keer zo groot worden"))
        if info.flag_bits & 0x1:
            raise _whole("Het bestand is met een wachtwoord versleuteld. Sla het op zonder wachtwoord en upload "
                         "het opnieuw.")


def _other_document(names: set[str]) -> str:
    if "word/document.xml" in names:
        kind = "een Word-document"
    elif "ppt/presentation.xml" in names:
        kind = "een PowerPoint-presentatie"
    elif "mimetype" in names and "content.xml" in names:
        return ("Dit is een OpenDocument-bestand (bijvoorbeeld .ods). Sla het op als Excel-werkmap (.xlsx) en "
                "upload het opnieuw.")
    else:
        return NOT_XLSX
    return f"Dit is {kind}, geen Excel-bestand (.xlsx). {UPLOAD_OURS}"


class _TooMuch(Exception):
    pass


class _Counter(ContentHandler):
    """Counts elements, cells and the cells covered by merged ranges and range hyperlinks (openpyxl creates a cell
    object for each of those)."""

    def __init__(self) -> None:
        super().__init__()
        self.elements = 0
        self.cells = 0
        self.covered = 0

    def startElementNS(self, name, qname, attrs):
        self.elements += 1
        if self.elements > MAX_ELEMENTS:
            raise _TooMuch
        local = name[1]
        if local == "c":
            self.cells += 1
            if self.cells > MAX_CELLS:
                raise _TooMuch
        elif local in ("mergeCell", "hyperlink"):
            ref = attrs.get((None, "ref"))
            if ref is not None and (local == "mergeCell" or ":" in ref):
                self.covered += _area(ref)
                if self.covered > MAX_RANGE_CELLS:
                    raise _TooMuch


def _area(ref: str) -> int:
    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
    except Exception:
        return MAX_RANGE_CELLS + 1
    min_col, min_row = min_col or 1, min_row or 1
    max_col, max_row = max_col or 16384, max_row or 1048576
    return max(max_col - min_col + 1, 1) * max(max_row - min_row + 1, 1)


def _scan_xml(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Stream every part through a defused parser with the same settings as openpyxl's (entities forbidden) and
    refuse a workbook with more elements or cells, or larger merged ranges, than a filled-in workbook can have.
    A part that does not parse is left to openpyxl, which parses it the same way and then refuses the file."""
    counter = _Counter()
    for info in infos:
        if info.is_dir():
            continue
        parser = DefusedExpatParser(namespaceHandling=1)  # as openpyxl's defused iterparse: no entities
        parser.setContentHandler(counter)
        with archive.open(info) as stream:  # a damaged entry raises here (BadZipFile, zlib.error): refused
            try:
                while chunk := stream.read(1 << 16):
                    parser.feed(chunk)
                parser.close()
            except _TooMuch:
                raise _whole("Het bestand is geen gewone Excel-werkmap: het heeft veel meer cellen dan deze "
                             "vragenlijst nodig heeft. Upload de werkmap zoals u die hebt gedownload.") from None
            except (SAXException, ValueError, LookupError):  # not XML, or XML openpyxl refuses too
                continue


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


class _Reader:
    def __init__(self, workbook: Workbook, questionnaire: Questionnaire, evaluation_id: int):
        self.workbook = workbook
        self.questionnaire = questionnaire
        self.evaluation_id = evaluation_id
        self.scale = questionnaire.scale
        self.columns = _Columns.of(self.scale)
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
