"""The national overview as an Excel file, streamed: openpyxl's write-only workbook writes each row as it comes,
so memory stays low with thousands of evaluations.

Pure: :func:`national_workbook` reads a :class:`~.national.NationalExport` and returns the bytes of an ``.xlsx``
file; it computes no score and queries nothing.

The tables look like those of :mod:`.workbooks` (a styled header row, frozen below it, an auto filter, set column
widths, wrapped long text, numbers as numbers, dates as date cells), written the write-only way: the widths and the
frozen panes before the first row, every cell a ``WriteOnlyCell``. Every text goes through
:func:`peerreview.spreadsheets.put_text`, because a plain string handed to a write-only sheet that starts with "="
becomes a formula; here it stays a string cell (with Excel's quote prefix where editing would make it one)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from ..dates import AMSTERDAM
from ..domain.questionnaire import Scale
from ..spreadsheets import clean, put_text
from .national import NationalExport
from .workbooks import (  # the same look as the other workbooks: one style object each
    _HEADER_FILL,
    _TOP,
    BOLD,
    DATE_FORMAT,
    DATETIME_FORMAT,
    GAP_FORMAT,
    HEADER_ALIGN,
    HEADER_FONT,
    NO,
    SCORE_FORMAT,
    TITLE_FONT,
    WRAP,
    YES,
    Col,
)

INTRO = "Toelichting"
SCORES = "Scores per gemeente"
SPREAD = "Spreiding landelijk"
SIZE_CLASSES = "Per grootteklasse"
NATIONAL = "Aanbevelingen Rijk"


# ---------------------------------------------------------------- cells and tables, the write-only way


def _cell(sheet: WriteOnlyWorksheet, value: object, number_format: str | None = None,
          alignment: Alignment | None = None) -> Cell | None:
    """One value as the right kind of cell (as ``workbooks._put``): text through ``put_text``, a yes/no in words,
    numbers as numbers, dates as date cells; ``None`` is an empty cell."""
    if value is None:
        return None
    cell = WriteOnlyCell(sheet)
    if isinstance(value, str):
        put_text(cell, value)
    elif isinstance(value, bool):
        put_text(cell, YES if value else NO)
    elif isinstance(value, datetime):  # the wall-clock time in Amsterdam (openpyxl refuses aware datetimes)
        cell.value = value.astimezone(AMSTERDAM).replace(tzinfo=None) if value.tzinfo is not None else value
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, int | float | Decimal):
        if isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() else float(value)
        cell.value = value
        if number_format:
            cell.number_format = number_format
    else:  # pragma: no cover - a programming error, not user input
        raise TypeError(f"cannot write {type(value).__name__} to a workbook")
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _text(sheet: WriteOnlyWorksheet, text: str, font: Font | None = None,
          alignment: Alignment | None = None) -> Cell:
    cell = WriteOnlyCell(sheet)
    put_text(cell, text)
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _header(sheet: WriteOnlyWorksheet, headers: Iterable[str]) -> list[Cell]:
    cells = []
    for header in headers:
        cell = _text(sheet, header, HEADER_FONT, HEADER_ALIGN)
        cell.fill = _HEADER_FILL
        cells.append(cell)
    return cells


def _table(sheet: WriteOnlyWorksheet, columns: Sequence[Col], rows: Iterable[Sequence[object]], *,
           freeze: str = "A2") -> None:
    """A sheet that is one table: column widths and frozen panes first (a write-only sheet writes them before its
    rows), the styled header row, the rows, and an auto filter over all of it."""
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = freeze
    sheet.append(_header(sheet, (column.header for column in columns)))
    alignments = [WRAP if column.wrap else _TOP for column in columns]
    formats = [column.number_format for column in columns]
    count = 0
    for values in rows:
        sheet.append([_cell(sheet, value, number_format, alignment)
                      for value, number_format, alignment in zip(values, formats, alignments, strict=True)])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"


# ---------------------------------------------------------------- the workbook


def national_workbook(export: NationalExport) -> bytes:
    """The admin's national overview: Toelichting, scores per gemeente, the national spread, the medians per size
    class, and the recommendations to the Rijk. Names gemeenten: for the administrator."""
    workbook = Workbook(write_only=True)
    _intro(workbook.create_sheet(INTRO), export)
    _scores(workbook.create_sheet(SCORES), export)
    _spread(workbook.create_sheet(SPREAD), export)
    _size_classes(workbook.create_sheet(SIZE_CLASSES), export)
    _recommendations(workbook.create_sheet(NATIONAL), export)
    workbook.properties.title = clean("Landelijk overzicht collegiale toetsing")
    workbook.properties.creator = "Collegiale toets"
    workbook.properties.created = export.generated_at.astimezone(UTC).replace(tzinfo=None)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


CONTENTS = (
    (SCORES, "Eén regel per evaluatie met een gepubliceerd (of afgesloten) rapport: regio, ronde, gemeente, "
             "grootteklasse en per thema, voor het coördinatorprofiel en per element ervan de zelfscore, de score "
             "van het peer team en het verschil."),
    (SPREAD, "Per jaar en thema de spreiding van de scores van de peer teams: aantal gemeenten, minimum, eerste "
             "kwartiel, mediaan, derde kwartiel en maximum."),
    (SIZE_CLASSES, "Per jaar, grootteklasse en thema de mediaan van de scores van de peer teams en op hoeveel "
                   "gemeenten die rust."),
    (NATIONAL, "Alle aanbevelingen die peer teams aan het Rijk richtten, met gemeente, regio, jaar, thema's en "
               "prioriteit."),
)

READING = (
    "Alleen evaluaties waarvan het rapport van het peer team is gepubliceerd (of die zijn afgesloten) staan in dit "
    "bestand. Zelfevaluaties die nog lopen, of nog bij het peer team liggen, staan er niet in.",
    "De zelfscore van een thema is het (gewogen) gemiddelde van de gezamenlijke antwoorden van de gemeente op de "
    "vragen van dat thema; 'weet niet / niet van toepassing' telt niet mee. De zelfscore van het profiel is het "
    "gemiddelde van de scores van zijn elementen. Dezelfde regels als op de resultatenpagina.",
    "De score van het peer team is het niveau dat het team vaststelde; voor het profiel als geheel het gemiddelde "
    "van de elementen. Verschil = zelfscore − score van het peer team: positief is overschatting, negatief "
    "onderschatting. Alle scores hebben één decimaal.",
    "Spreiding en mediaan per grootteklasse gaan alleen over scores van de peer teams (zelfscores zijn tussen "
    "gemeenten niet vergelijkbaar). Een gemeente telt één keer per jaar mee, met haar laatste evaluatie van dat "
    "jaar. Kwartielen volgens de inclusieve methode (zoals KWARTIEL.INC in Excel), afgerond op één decimaal.",
    "Thema's worden over versies van de vragenlijst heen op hun code samengenomen; een thema dat in de vragenlijst "
    "van een ronde ontbreekt, blijft bij die ronde leeg.",
)


def _pair(sheet: WriteOnlyWorksheet, label: str, value: object, number_format: str | None = None) -> None:
    sheet.append([_text(sheet, label, BOLD), _cell(sheet, value, number_format, WRAP)])


def _intro(sheet: WriteOnlyWorksheet, export: NationalExport) -> None:
    for letter, width in (("A", 30), ("B", 100), ("C", 60)):
        sheet.column_dimensions[letter].width = width
    sheet.append([_text(sheet, "Landelijk overzicht collegiale toetsing", TITLE_FONT)])
    sheet.append([])
    _pair(sheet, "Gegenereerd op", export.generated_at)
    _pair(sheet, "Regio's", export.region_count)
    _pair(sheet, "Gemeenten", export.municipality_count)
    _pair(sheet, "Rondes", export.round_count)
    _pair(sheet, "Gepubliceerde rapporten", len(export.evaluations))
    _pair(sheet, "Waarvan afgesloten", export.closed_count)
    _pair(sheet, "Aanbevelingen aan het Rijk", len(export.recommendations))
    _pair(sheet, "Vragenlijsten", "\n".join(
        f"{use.questionnaire.title} (versie {use.questionnaire.version}): {use.evaluations} rapporten"
        for use in export.questionnaires) or "–")
    sheet.append([])
    sheet.append([None, _text(sheet, "Dit bestand noemt gemeenten bij naam en is bedoeld voor de beheerder. Deel "
                                     "het niet verder zonder toestemming van de gemeenten en regio's.",
                              BOLD, WRAP)])
    sheet.append([])
    sheet.append([_text(sheet, "Wat staat waar", BOLD)])
    for title, description in CONTENTS:
        _pair(sheet, title, description)
    sheet.append([])
    sheet.append([_text(sheet, "Zo leest u de scores", BOLD)])
    for text in READING:
        sheet.append([None, _text(sheet, text, alignment=WRAP)])
    for use in export.questionnaires:
        sheet.append([])
        _scale(sheet, use.questionnaire.scale, f"De schaal van {use.questionnaire.title} "
                                               f"(versie {use.questionnaire.version})")


def _scale(sheet: WriteOnlyWorksheet, scale: Scale, title: str) -> None:
    sheet.append([_text(sheet, f"{title}: {scale.minimum} tot en met {scale.maximum}", BOLD)])
    sheet.append(_header(sheet, ("Niveau", "Label", "Betekenis")))
    for level in scale.levels:
        sheet.append([_cell(sheet, level.value, alignment=_TOP), _text(sheet, level.label, alignment=WRAP),
                      _text(sheet, level.description, alignment=WRAP)])
    sheet.append([_text(sheet, "–"), _text(sheet, scale.unknown_label, alignment=WRAP),
                  _text(sheet, scale.unknown_description, alignment=WRAP)])


def _scores(sheet: WriteOnlyWorksheet, export: NationalExport) -> None:
    columns = [Col("Regio", 26, wrap=True), Col("Ronde", 18, wrap=True), Col("Jaar", 7),
               Col("Gemeente", 26, wrap=True), Col("CBS-code", 10), Col("Grootteklasse", 22, wrap=True),
               Col("Status", 18, wrap=True), Col("Gepubliceerd op", 13), Col("Vragenlijst", 24, wrap=True)]
    for item in export.items:
        columns += [Col(f"{item.label} – zelfscore", 12, number_format=SCORE_FORMAT),
                    Col(f"{item.label} – peer team", 12, number_format=SCORE_FORMAT),
                    Col(f"{item.label} – verschil", 12, number_format=GAP_FORMAT)]
    item_ids = [item.id for item in export.items]

    def rows() -> Iterable[list[object]]:
        for line in export.evaluations:
            values: list[object] = [line.region, line.round_name, line.year, line.municipality, line.cbs_code,
                                    line.size_class, line.status_label, line.published_on, line.questionnaire]
            for item_id in item_ids:
                scores = line.scores.get(item_id)
                values += (None, None, None) if scores is None else (scores.self_score, scores.peer_score,
                                                                    scores.gap)
            yield values

    _table(sheet, columns, rows(), freeze="E2")  # region, round, year and gemeente stay in view


def _spread(sheet: WriteOnlyWorksheet, export: NationalExport) -> None:
    columns = (Col("Jaar", 7), Col("Thema", 34, wrap=True), Col("Aantal gemeenten", 10),
               Col("Minimum", 10, number_format=SCORE_FORMAT), Col("Q1", 8, number_format=SCORE_FORMAT),
               Col("Mediaan", 10, number_format=SCORE_FORMAT), Col("Q3", 8, number_format=SCORE_FORMAT),
               Col("Maximum", 10, number_format=SCORE_FORMAT))
    _table(sheet, columns, [
        (s.year, s.spread.label, s.spread.count, s.spread.minimum, s.spread.q1, s.spread.median, s.spread.q3,
         s.spread.maximum)
        for s in export.spreads])


def _size_classes(sheet: WriteOnlyWorksheet, export: NationalExport) -> None:
    columns = (Col("Jaar", 7), Col("Grootteklasse", 34, wrap=True), Col("Thema", 34, wrap=True),
               Col("Aantal gemeenten", 10), Col("Mediaan peer team", 12, number_format=SCORE_FORMAT))
    _table(sheet, columns, [(m.year, m.size_class, m.theme, m.count, m.median) for m in export.size_classes])


def _recommendations(sheet: WriteOnlyWorksheet, export: NationalExport) -> None:
    columns = (Col("Jaar", 7), Col("Ronde", 18, wrap=True), Col("Regio", 24, wrap=True),
               Col("Gemeente", 24, wrap=True), Col("CBS-code", 10), Col("Nr.", 6), Col("Thema's", 30, wrap=True),
               Col("Prioriteit", 11), Col("Aanbeveling", 80, wrap=True))
    _table(sheet, columns, [
        (r.year, r.round_name, r.region, r.municipality, r.cbs_code, r.position, "\n".join(r.themes),
         r.priority_label, r.text)
        for r in export.recommendations])

