"""The Excel downloads: the data of one published peer review, and a region coordinator's overview of a round.

Pure: :func:`evaluation_workbook` and :func:`region_workbook` read an :class:`~.services.EvaluationExport` or a
:class:`~.services.RegionExport` and return the bytes of an ``.xlsx`` file. They compute nothing new (every number
comes from the report object or the region's overview) and query nothing.

Every sheet but "Toelichting" is a table (one helper, :func:`_table`): a bold header row, frozen below it, an auto
filter over the table, set column widths and wrapped long text. Every text goes in through
:func:`peerreview.spreadsheets.put_text`, so that a text a user typed (``=HYPERLINK(...)``, ``+31 6 ...``) is a
string cell and never a formula. Numbers are number cells; dates are date cells in Europe/Amsterdam."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..dates import AMSTERDAM
from ..domain.plans import Progress
from ..domain.questionnaire import Questionnaire, Scale
from ..domain.results import ItemResult
from ..spreadsheets import clean, put_text
from .services import EvaluationExport, PlanView, RegionExport

# ---------------------------------------------------------------- sheet names (at most 31 characters)

INTRO = "Toelichting"
ANSWERS = "Antwoorden"
NOTES = "Sterke en verbeterpunten"
CONTRIBUTIONS = "Individuele antwoorden"
SCORES = "Scores"
GAPS = "Verschillen"
RECOMMENDATIONS = "Aanbevelingen"
PLAN = "Verbeterplan"
TARGETS = "Doelen"
QUOTES = "Uit gesprekken"

MEMBERS = "Status leden"
MATRIX = "Benchmarkmatrix"
SPREAD = "Spreiding"
EXTERNAL = "Aanbevelingen regio en Rijk"

# ---------------------------------------------------------------- shared styles (one object each, never per cell)

DATE_FORMAT = "dd-mm-yyyy"
DATETIME_FORMAT = "dd-mm-yyyy hh:mm"
SCORE_FORMAT = "0.0"
GAP_FORMAT = "+0.0;-0.0;0.0"

TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center")
WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")

YES, NO = "ja", "nee"


@dataclass(frozen=True)
class Col:
    """One column of a table: its header, its width (in characters), whether long text wraps, and the number
    format of its numbers (dates get :data:`DATE_FORMAT` whatever this says)."""

    header: str
    width: float
    wrap: bool = False
    number_format: str | None = None


# ---------------------------------------------------------------- writing cells and tables


def _local(moment: datetime) -> datetime:
    """An aware moment as the naive wall-clock time in Amsterdam (openpyxl refuses aware datetimes)."""
    return moment.astimezone(AMSTERDAM).replace(tzinfo=None) if moment.tzinfo is not None else moment


def _local_date(moment: datetime | date | None) -> date | None:
    """The day in Amsterdam of a moment (a date stays what it is)."""
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return _local(moment).date()
    return moment


def _put(sheet: Worksheet, row: int, column: int, value: object, number_format: str | None = None) -> None:
    """One value as the right kind of cell: text through ``put_text``, a yes/no in words, numbers as numbers,
    dates as date cells. ``None`` leaves the cell empty."""
    if value is None:
        return
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        put_text(cell, value)
    elif isinstance(value, bool):
        put_text(cell, YES if value else NO)
    elif isinstance(value, datetime):
        cell.value = _local(value)
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


def _table(sheet: Worksheet, columns: Sequence[Col], rows: Iterable[Sequence[object]], *, start_row: int = 1,
           filtered: bool = True, frozen: bool = True) -> int:
    """A table from ``start_row``: the styled header row, the rows, column widths, wrapped text; frozen below the
    header and with an auto filter over the table (the first table of a sheet). Returns the first free row."""
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=start_row, column=index)
        put_text(cell, column.header)
        cell.font = HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = HEADER_ALIGN
        letter = get_column_letter(index)
        if letter not in sheet.column_dimensions:  # the sheet's first table sets the width, a later one widens
            sheet.column_dimensions[letter].width = column.width
        elif (sheet.column_dimensions[letter].width or 0) < column.width:
            sheet.column_dimensions[letter].width = column.width
    alignments = [WRAP if column.wrap else _TOP for column in columns]
    row_number = start_row
    for row_number, values in enumerate(rows, start=start_row + 1):
        for index, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            _put(sheet, row_number, index, value, column.number_format)
            if value is not None:
                sheet.cell(row=row_number, column=index).alignment = alignments[index - 1]
    last_column = get_column_letter(len(columns))
    if filtered:
        sheet.auto_filter.ref = f"A{start_row}:{last_column}{row_number}"
    if frozen:
        sheet.freeze_panes = f"A{start_row + 1}"
    return row_number + 1


def _heading(sheet: Worksheet, row: int, text: str, font: Font = BOLD) -> int:
    cell = sheet.cell(row=row, column=1)
    put_text(cell, text)
    cell.font = font
    return row + 1


def _pair(sheet: Worksheet, row: int, label: str, value: object, number_format: str | None = None) -> int:
    """A label in column A and its value in column B (wrapped)."""
    _heading(sheet, row, label)
    _put(sheet, row, 2, value, number_format)
    if value is not None:
        sheet.cell(row=row, column=2).alignment = WRAP
    return row + 1


def _text(sheet: Worksheet, row: int, text: str) -> int:
    cell = sheet.cell(row=row, column=1)
    put_text(cell, text)
    cell.alignment = WRAP
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
    sheet.row_dimensions[row].height = 15 * (1 + len(text) // 110)
    return row + 1


def _contents(sheet: Worksheet, row: int, contents: Sequence[tuple[str, str]]) -> int:
    row = _heading(sheet, row, "Wat staat waar")
    for title, description in contents:
        row = _pair(sheet, row, title, description)
    return row + 1


def _scale(sheet: Worksheet, row: int, scale: Scale) -> int:
    row = _heading(sheet, row, f"De schaal ({scale.minimum} tot en met {scale.maximum})")
    row = _table(sheet, (Col("Niveau", 28), Col("Label", 50, wrap=True), Col("Betekenis", 80, wrap=True)),
                 [(level.value, level.label, level.description) for level in scale.levels]
                 + [("–", scale.unknown_label, scale.unknown_description)],
                 start_row=row, filtered=False, frozen=False)
    return row + 1


def _intro_columns(sheet: Worksheet) -> None:
    for letter, width in (("A", 28), ("B", 50), ("C", 80)):
        sheet.column_dimensions[letter].width = width


def _save(workbook: Workbook, title: str, generated_at: datetime) -> bytes:
    workbook.active = 0
    workbook.properties.title = clean(title)
    workbook.properties.creator = "Collegiale toets"
    workbook.properties.created = generated_at.astimezone(UTC).replace(tzinfo=None)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _lines(values: Iterable[str]) -> str:
    return "\n".join(values)


# ---------------------------------------------------------------- one evaluation


def _book() -> tuple[Workbook, Worksheet, list[tuple[str, str]], Callable[[str, str], Worksheet]]:
    """A new workbook with its "Toelichting" sheet first, the list of what each later sheet holds (the intro
    names them) and the function that adds a sheet to both."""
    workbook = Workbook()
    intro = workbook.active
    intro.title = INTRO
    contents: list[tuple[str, str]] = []

    def sheet(title: str, description: str) -> Worksheet:
        contents.append((title, description))
        return workbook.create_sheet(title)

    return workbook, intro, contents, sheet


def evaluation_workbook(export: EvaluationExport) -> bytes:
    """The data of one published peer review: answers, scores, differences, recommendations and the plan.

    "Individuele antwoorden" only when the viewer may see them (``export.contributions`` is not ``None``);
    "Verbeterplan" and "Doelen" only when the viewer may see the plan."""
    report = export.report
    workbook, intro, contents, sheet = _book()

    _answers(sheet(ANSWERS, "De gezamenlijke antwoorden van de gemeente (de consensus), één regel per vraag."),
             export)
    _notes(sheet(NOTES, "De sterke punten en verbeterpunten die de gemeente per thema gezamenlijk noteerde."),
           export)
    if export.contributions is not None:
        _contributions(sheet(CONTRIBUTIONS, "De eigen antwoorden van iedere deelnemer van de gemeente, per vraag. "
                                            "Alleen voor de gemeente zelf."), export)
    _scores(sheet(SCORES, "Zelfscore, score van het peer team en het verschil per thema, per element van het "
                          "profiel en voor het profiel als geheel, met de motivering van het team."), export)
    _gaps(sheet(GAPS, "De thema's van het grootste naar het kleinste verschil, en daaronder de hefbomen willen, "
                      "kennen en kunnen (met en zonder de thema's die grotendeels buiten de gemeente liggen)."),
          export)
    _recommendations(sheet(RECOMMENDATIONS, "De aanbevelingen van het peer team"
                                            + (", met wat het verbeterplan ermee doet." if export.plan else ".")),
                     export)
    if export.plan is not None:
        _plan(sheet(PLAN, "De acties van het verbeterplan: eigenaar, planning, status en de laatste voortgang. "
                          "Te late acties staan bovenaan."), export, export.plan)
        _targets(sheet(TARGETS, "De streefscores die de gemeente zich voor de volgende ronde stelt."), export,
                 export.plan)
    _quotes(sheet(QUOTES, "Gesprekken en waarnemingen die het peer team citeerbaar heeft gemaakt."), export)
    _evaluation_intro(intro, export, contents)
    return _save(workbook, f"Gegevens collegiale toets {report.municipality} {report.year}", export.generated_at)


def _evaluation_intro(sheet: Worksheet, export: EvaluationExport, contents: Sequence[tuple[str, str]]) -> None:
    report, scale = export.report, export.questionnaire.scale
    _intro_columns(sheet)
    row = _heading(sheet, 1, f"Gegevens collegiale toets – {report.municipality}", TITLE_FONT)
    row += 1
    row = _pair(sheet, row, "Gemeente", report.municipality)
    row = _pair(sheet, row, "CBS-code", report.cbs_code)
    row = _pair(sheet, row, "Grootteklasse", report.size_class)
    row = _pair(sheet, row, "Regio", report.region)
    row = _pair(sheet, row, "Ronde", report.round_name)
    row = _pair(sheet, row, "Jaar", report.year)
    row = _pair(sheet, row, "Vragenlijst", f"{export.questionnaire.title} (versie {export.questionnaire.version})")
    row = _pair(sheet, row, "Status", report.status_label)
    row = _pair(sheet, row, "Gepubliceerd op", _local_date(report.published_at))
    if export.hearing.reaction_at is not None:
        row = _pair(sheet, row, "Bestuurlijke reactie op", _local_date(export.hearing.reaction_at))
    row = _pair(sheet, row, "Gegenereerd op", export.generated_at)
    if export.team:
        row = _pair(sheet, row, "Peer team", _lines(line.description for line in export.team))
    if export.plan is not None:
        plan = export.plan
        runs = "loopt" if plan.end_on >= export.generated_at.date() else "liep"
        row = _pair(sheet, row, "Verbeterplan", f"{plan.stage.label}; de planperiode {runs} tot en met "
                                                f"{plan.end_on:%d-%m-%Y}.")
        row = _pair(sheet, row, "Acties in het plan", plan.progress.total)
        row = _pair(sheet, row, "Afgerond", plan.progress.done)
        row = _pair(sheet, row, "Te laat", plan.progress.overdue)
        row = _pair(sheet, row, "Vervallen", plan.progress.dropped)
    row += 1
    row = _contents(sheet, row, contents)
    row = _heading(sheet, row, "Zo leest u de scores")
    for text in (
        f"Alle scores staan op de schaal {report.scale_minimum} tot en met {report.scale_maximum}, met één "
        "decimaal.",
        "De zelfscore van een thema is het (gewogen) gemiddelde van de gezamenlijke antwoorden van de gemeente op de "
        "vragen van dat thema; 'weet niet / niet van toepassing' telt niet mee. De zelfscore van het profiel is "
        "het gemiddelde van de scores van zijn elementen.",
        "De score van het peer team is het niveau dat het team voor het thema of element heeft vastgesteld; voor "
        "het profiel als geheel het gemiddelde van de elementen.",
        "Verschil = zelfscore − score van het peer team. Positief: de gemeente schat zichzelf hoger in dan het peer "
        "team (overschatting); negatief: lager (onderschatting). Een verschil van één punt of meer is opvallend. "
        "Zonder een van beide scores is er geen verschil.",
    ):
        row = _text(sheet, row, text)
    row += 1
    row = _scale(sheet, row, scale)
    for label, text in (("Oordeel van het peer team", report.judgement), ("Sterke punten", report.strengths),
                        ("Reactie van de gemeente", report.reaction)):
        if text:
            row = _pair(sheet, row, label, text)


def _answers(sheet: Worksheet, export: EvaluationExport) -> None:
    columns = (Col("Nr.", 7), Col("Thema", 28, wrap=True), Col("Vraag", 60, wrap=True), Col("Score", 8),
               Col("Antwoord", 28, wrap=True), Col("Toelichting", 60, wrap=True), Col("Bewijs", 40, wrap=True),
               Col("Links", 40, wrap=True))
    _table(sheet, columns, [
        (a.number, export.section_label(a.section_id), a.question, a.value, a.value_label, a.explanation,
         a.evidence, _lines(a.links))
        for a in export.consensus])


def _notes(sheet: Worksheet, export: EvaluationExport) -> None:
    columns = (Col("Thema", 30, wrap=True), Col("Sterke punten", 70, wrap=True), Col("Verbeterpunten", 70, wrap=True))
    _table(sheet, columns, [(export.section_label(n.section_id), n.strengths, n.improvements)
                            for n in export.consensus_notes])


def _contributions(sheet: Worksheet, export: EvaluationExport) -> None:
    columns = (Col("Nr.", 7), Col("Vraag", 50, wrap=True), Col("Naam", 24, wrap=True), Col("Score", 8),
               Col("Antwoord", 28, wrap=True), Col("Toelichting", 60, wrap=True), Col("Bewijs", 40, wrap=True),
               Col("Links", 40, wrap=True))
    _table(sheet, columns, [
        (a.number, a.question, a.author, a.value, a.value_label, a.explanation, a.evidence, _lines(a.links))
        for a in export.contributions or ()])


def _kind(item: ItemResult) -> str:
    if item.is_element:
        return "Profielelement"
    return "Thema" if item.lever is not None else "Profiel (geheel)"


def _number(text: str) -> int | str:
    """A theme's number as a number (so a filter sorts 1, 2, ..., 10); an element's "11.2" stays text."""
    return int(text) if text.isdigit() else text


def _scores(sheet: Worksheet, export: EvaluationExport) -> None:
    report = export.report
    columns = (Col("Nr.", 7), Col("Onderdeel", 34, wrap=True), Col("Soort", 16), Col("Hefboom", 10),
               Col("Extern", 8), Col("Zelfscore", 10, number_format=SCORE_FORMAT),
               Col("Peer team", 10, number_format=SCORE_FORMAT), Col("Verschil", 10, number_format=GAP_FORMAT),
               Col("Verschil in woorden", 36, wrap=True), Col("Motivering van het team", 60, wrap=True),
               Col("Doel", 8, number_format=SCORE_FORMAT))
    items = report.themes + ((report.profile_total,) if report.profile_total else ()) + report.profile
    _table(sheet, columns, [
        (_number(i.number), i.title, _kind(i), i.lever.label if i.lever else None, i.external, i.self_score,
         i.peer_score, i.gap.difference, i.gap_words, i.motivation, i.target)
        for i in items])


def _gaps(sheet: Worksheet, export: EvaluationExport) -> None:
    report = export.report
    columns = (Col("Nr.", 12), Col("Thema", 34, wrap=True), Col("Zelfscore", 12, number_format=SCORE_FORMAT),
               Col("Peer team", 12, number_format=SCORE_FORMAT), Col("Verschil", 14, number_format=GAP_FORMAT),
               Col("Richting", 16), Col("Verschil in woorden", 40, wrap=True), Col("Opvallend (1 punt of meer)", 16))
    row = _table(sheet, columns, [
        (_number(t.number), t.title, t.self_score, t.peer_score, t.gap.difference,
         t.gap.direction.self_versus_peer if t.gap.direction else None, t.gap_words, t.gap.flagged)
        for t in report.gaps_by_size])
    row = _heading(sheet, row + 1, "Willen, kennen, kunnen")
    levers = (Col("Hefboom", 12), Col("Betekenis", 34, wrap=True), Col("Thema's", 20, wrap=True),
              Col("Zelfscore", 12, number_format=SCORE_FORMAT), Col("Peer team", 14, number_format=SCORE_FORMAT),
              Col("Zelfscore zonder externe thema's", 16, number_format=SCORE_FORMAT),
              Col("Peer team zonder externe thema's", 40, number_format=SCORE_FORMAT))
    _table(sheet, levers, [
        (lc.lever.label, lc.lever.description, _lines(export.section_label(s) for s in lc.section_ids),
         lc.self_score, lc.peer_score, lc.self_without_external, lc.peer_without_external)
        for lc in report.levers], start_row=row, filtered=False, frozen=False)


def _recommendations(sheet: Worksheet, export: EvaluationExport) -> None:
    plan = export.plan
    columns = [Col("Nr.", 6), Col("Aanbeveling", 60, wrap=True), Col("Thema's", 30, wrap=True),
               Col("Prioriteit", 12), Col("Adressaat", 18, wrap=True)]
    if plan is not None:
        columns += [Col("Status in plan", 14), Col("Acties", 40, wrap=True),
                    Col("Oordeel voortgangsreview", 20, wrap=True), Col("Toelichting op het oordeel", 50, wrap=True)]
    rows = []
    for r in export.report.recommendations:
        values: list[object] = [r.position, r.text, _lines(export.section_label(s) for s in r.section_ids),
                                r.priority_label, r.addressee_label]
        if plan is not None:
            verdict = plan.verdicts.get(r.id)
            values += ["Open" if r.id in plan.open_recommendation_ids else "Opgepakt",
                       _lines(a.title for a in plan.actions_for(r.id)),
                       verdict.label if verdict else None, verdict.note if verdict else None]
        rows.append(values)
    _table(sheet, columns, rows)


def _plan(sheet: Worksheet, export: EvaluationExport, plan: PlanView) -> None:
    positions = {r.id: r.position for r in export.report.recommendations}
    columns = (Col("Actie", 36, wrap=True), Col("Beschrijving", 50, wrap=True), Col("Thema's", 28, wrap=True),
               Col("Aanbevelingen", 14), Col("Eigenaar", 22, wrap=True), Col("Soort eigenaar", 18, wrap=True),
               Col("Start", 12), Col("Gereed", 12), Col("Status", 14), Col("Te laat (dagen)", 10),
               Col("Afgerond op", 12), Col("Reden vervallen", 30, wrap=True), Col("Laatste voortgang", 50, wrap=True),
               Col("Datum voortgang", 12))
    _table(sheet, columns, [
        (a.title, a.description, _lines(export.section_label(s) for s in a.section_ids),
         ", ".join(str(positions[r]) for r in a.recommendation_ids if r in positions) or None,
         a.owner, a.owner_kind, a.start_on, a.due_on, a.status_label, a.days_overdue if a.is_overdue else None,
         a.completed_on, a.status_reason, a.last_note, a.last_note_on)
        for a in plan.actions])


def _targets(sheet: Worksheet, export: EvaluationExport, plan: PlanView) -> None:
    columns = (Col("Nr.", 7), Col("Thema", 40, wrap=True), Col("Peer team deze ronde", 12, number_format=SCORE_FORMAT),
               Col("Streefscore volgende ronde", 14))
    _table(sheet, columns, [(_number(s.number), s.title, s.peer_score, plan.targets.get(s.id))
                            for s in export.report.sections])


def _quotes(sheet: Worksheet, export: EvaluationExport) -> None:
    columns = (Col("Datum", 12), Col("Soort", 14), Col("Gesprekspartners", 34, wrap=True),
               Col("Aantekeningen", 80, wrap=True), Col("Thema's", 30, wrap=True))
    _table(sheet, columns, [
        (q.held_on, q.kind_label, _lines(q.interviewees), q.notes,
         _lines(export.section_label(s) for s in q.section_ids))
        for q in export.quotes])


# ---------------------------------------------------------------- a region's round


def region_workbook(export: RegionExport) -> bytes:
    """A region coordinator's overview of one round: the members' status, the matrix of published peer scores,
    the spread per theme and the recommendations to region and Rijk. Names gemeenten: for the coordinator."""
    workbook, intro, contents, sheet = _book()

    _members(sheet(MEMBERS, "Per gemeente de stand van de zelfevaluatie en, na publicatie, van het verbeterplan."),
             export)
    _matrix(sheet(MATRIX, "De score van het peer team per thema, alleen voor gemeenten met een gepubliceerd "
                          "rapport."), export)
    _spread(sheet(SPREAD, "Per thema de spreiding van de gepubliceerde scores van het peer team, en hoeveel "
                          "gemeenten op elk niveau staan."), export)
    _external(sheet(EXTERNAL, "Aanbevelingen van de peer teams aan de regio of het Rijk, per thema. Een aanbeveling "
                              "bij meer thema's staat bij elk thema."), export)
    _region_intro(intro, export, contents)
    round_ = export.round
    return _save(workbook, f"Regio-overzicht {round_.region.name} – {round_.name}", export.generated_at)


def _region_intro(sheet: Worksheet, export: RegionExport, contents: Sequence[tuple[str, str]]) -> None:
    overview, round_ = export.overview, export.round
    _intro_columns(sheet)
    row = _heading(sheet, 1, f"Regio-overzicht – {round_.region.name}", TITLE_FONT)
    row += 1
    row = _pair(sheet, row, "Regio", round_.region.name)
    row = _pair(sheet, row, "Ronde", round_.name)
    row = _pair(sheet, row, "Jaar", round_.year)
    row = _pair(sheet, row, "Vragenlijst", f"{overview.questionnaire.title} (versie {overview.questionnaire.version})")
    row = _pair(sheet, row, "Zelfevaluatie klaar op", round_.self_evaluation_due)
    row = _pair(sheet, row, "Peer review klaar op", round_.peer_review_due)
    row = _pair(sheet, row, "Verbeterplan klaar op", round_.plan_due)
    row = _pair(sheet, row, "Gegenereerd op", export.generated_at)
    row = _pair(sheet, row, "Gemeenten in de ronde", len(overview.rows))
    row = _pair(sheet, row, "Met gepubliceerd rapport", overview.published)
    row = _pair(sheet, row, "Zelfevaluatie te laat", len(overview.overdue))
    row = _pair(sheet, row, "Met te late acties in het plan", len(overview.late_actions))
    row = _pair(sheet, row, "Aanbevelingen aan regio en Rijk", overview.external_count)
    row += 1
    row = _text(sheet, row, "De benchmarkmatrix en de spreiding bevatten alleen de scores van het peer team uit "
                            "gepubliceerde rapporten; zelfscores staan er niet in, omdat die tussen gemeenten niet "
                            "vergelijkbaar zijn.")
    row = _text(sheet, row, "Dit bestand noemt gemeenten bij naam en is bedoeld voor de coördinator van de regio. "
                            "Deel het niet verder zonder toestemming van de gemeenten.")
    row += 1
    row = _contents(sheet, row, contents)
    _scale(sheet, row, overview.questionnaire.scale)


def _members(sheet: Worksheet, export: RegionExport) -> None:
    plans = export.overview.plans
    columns = (Col("Gemeente", 28, wrap=True), Col("CBS-code", 10), Col("Status", 22, wrap=True),
               Col("Gezamenlijke antwoorden", 14), Col("Vragen", 9), Col("Bijdragers", 11), Col("Te laat", 9),
               Col("Ingediend op", 13), Col("Acties in plan", 10), Col("Afgerond", 10), Col("Te laat (acties)", 10))
    rows = []
    for r in export.overview.rows:
        evaluation = r.evaluation
        # a published member without actions has a plan with none (0); before publication there is no plan (empty)
        progress = plans.get(evaluation.id, Progress() if evaluation.status.is_report_published else None)
        rows.append((evaluation.municipality.name, evaluation.municipality.cbs_code, evaluation.status.label,
                     r.answered, r.total, r.contributors, r.is_overdue, _local_date(evaluation.submitted_at),
                     progress.total if progress else None, progress.done if progress else None,
                     progress.overdue if progress else None))
    _table(sheet, columns, rows)


def _matrix(sheet: Worksheet, export: RegionExport) -> None:
    themes = export.overview.themes
    columns = (Col("Gemeente", 28, wrap=True), Col("CBS-code", 10),
               *(Col(label, 16, wrap=True, number_format=SCORE_FORMAT) for _id, label in themes))
    _table(sheet, columns, [
        (m.municipality, m.cbs_code, *(m.scores.get(theme_id) for theme_id, _label in themes))
        for m in export.overview.matrix if m.is_published])


def _spread(sheet: Worksheet, export: RegionExport) -> None:
    overview = export.overview
    levels = list(overview.questionnaire.scale.values)
    columns = (Col("Thema", 34, wrap=True), Col("Aantal", 9), Col("Minimum", 10, number_format=SCORE_FORMAT),
               Col("Q1", 8, number_format=SCORE_FORMAT), Col("Mediaan", 10, number_format=SCORE_FORMAT),
               Col("Q3", 8, number_format=SCORE_FORMAT), Col("Maximum", 10, number_format=SCORE_FORMAT),
               *(Col(f"Aantal op niveau {level}", 10) for level in levels))
    _table(sheet, columns, [
        (s.label, s.count, s.minimum, s.q1, s.median, s.q3, s.maximum,
         *(overview.counts.get(s.item_id, {}).get(level, 0) for level in levels))
        for s in overview.spreads])


def _theme_label(questionnaire: Questionnaire, section_id: str) -> str:
    if questionnaire.has_section(section_id):
        section = questionnaire.section(section_id)
        return f"{section.number}. {section.title}"
    return section_id


def _external(sheet: Worksheet, export: RegionExport) -> None:
    questionnaire = export.overview.questionnaire
    columns = (Col("Thema", 30, wrap=True), Col("Gemeente", 26, wrap=True), Col("Nr.", 6),
               Col("Aanbeveling", 70, wrap=True), Col("Prioriteit", 12), Col("Adressaat", 18, wrap=True))
    _table(sheet, columns, [
        (_theme_label(questionnaire, section_id), e.municipality, e.recommendation.position, e.recommendation.text,
         e.recommendation.priority_label, e.recommendation.addressee_label)
        for section_id, group in export.overview.external.items() for e in group])
