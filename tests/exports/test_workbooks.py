"""The Excel downloads: which sheets, their tables (header, freeze, filter, widths), the numbers of the report object
as numbers, dates as dates, user text never a formula, the team-only notes never in it, and the region's overview."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from io import BytesIO
from numbers import Number

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from peerreview.dates import AMSTERDAM
from peerreview.domain.evaluations import EvaluationStatus
from peerreview.evaluation.lifecycle import load_evaluation
from peerreview.exports import services
from peerreview.exports.workbooks import evaluation_workbook, region_workbook
from peerreview.extensions import db
from peerreview.spreadsheets import FORMULA_START

from .conftest import HOSTILE, QUOTE, SECRET

pytestmark = pytest.mark.db

EVALUATION_SHEETS = ["Toelichting", "Antwoorden", "Sterke en verbeterpunten", "Individuele antwoorden", "Scores",
                     "Verschillen", "Aanbevelingen", "Verbeterplan", "Doelen", "Uit gesprekken"]
REGION_SHEETS = ["Toelichting", "Status leden", "Benchmarkmatrix", "Spreiding", "Aanbevelingen regio en Rijk"]
HEADERS = {
    "Antwoorden": ["Nr.", "Thema", "Vraag", "Score", "Antwoord", "Toelichting", "Bewijs", "Links"],
    "Sterke en verbeterpunten": ["Thema", "Sterke punten", "Verbeterpunten"],
    "Individuele antwoorden": ["Nr.", "Vraag", "Naam", "Score", "Antwoord", "Toelichting", "Bewijs", "Links"],
    "Scores": ["Nr.", "Onderdeel", "Soort", "Hefboom", "Extern", "Zelfscore", "Peer team", "Verschil",
               "Verschil in woorden", "Motivering van het team", "Doel"],
    "Verschillen": ["Nr.", "Thema", "Zelfscore", "Peer team", "Verschil", "Richting", "Verschil in woorden",
                    "Opvallend (1 punt of meer)"],
    "Aanbevelingen": ["Nr.", "Aanbeveling", "Thema's", "Prioriteit", "Adressaat", "Status in plan", "Acties",
                      "Oordeel voortgangsreview", "Toelichting op het oordeel"],
    "Verbeterplan": ["Actie", "Beschrijving", "Thema's", "Aanbevelingen", "Eigenaar", "Soort eigenaar", "Start",
                     "Gereed", "Status", "Te laat (dagen)", "Afgerond op", "Reden vervallen", "Laatste voortgang",
                     "Datum voortgang"],
    "Doelen": ["Nr.", "Thema", "Peer team deze ronde", "Streefscore volgende ronde"],
    "Uit gesprekken": ["Datum", "Soort", "Gesprekspartners", "Aantekeningen", "Thema's"],
    "Status leden": ["Gemeente", "CBS-code", "Status", "Gezamenlijke antwoorden", "Vragen", "Bijdragers", "Te laat",
                     "Ingediend op", "Acties in plan", "Afgerond", "Te laat (acties)"],
    "Spreiding": ["Thema", "Aantal", "Minimum", "Q1", "Mediaan", "Q3", "Maximum", "Aantal op niveau 0",
                  "Aantal op niveau 1", "Aantal op niveau 2", "Aantal op niveau 3", "Aantal op niveau 4"],
    "Aanbevelingen regio en Rijk": ["Thema", "Gemeente", "Nr.", "Aanbeveling", "Prioriteit", "Adressaat"],
}


# ---------------------------------------------------------------- helpers


def evaluation_export(exported, user) -> services.EvaluationExport:
    return services.evaluation_export(load_evaluation(exported.evaluation.id), user)


def read(data: bytes) -> Workbook:
    assert data[:2] == b"PK"
    return load_workbook(BytesIO(data))


def cells(book: Workbook) -> Iterator[Cell]:
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def header(sheet: Worksheet, row: int = 1) -> list[str]:
    return [c.value for c in sheet[row] if c.value is not None]


def table(sheet: Worksheet, header_row: int = 1) -> list[dict[str, Cell]]:
    """The rows below ``header_row`` up to the first empty row, as {header: cell}."""
    names = [c.value for c in sheet[header_row]]
    rows = []
    for row in sheet.iter_rows(min_row=header_row + 1):
        if all(c.value is None for c in row):
            break
        rows.append({name: cell for name, cell in zip(names, row, strict=False) if name is not None})
    return rows


def intro_value(sheet: Worksheet, label: str) -> Cell:
    for row in sheet.iter_rows(max_col=2):
        if row[0].value == label:
            return row[1]
    raise AssertionError(f"{label} not in {sheet.title}")


def is_number(value: object) -> bool:
    return isinstance(value, Number) and not isinstance(value, bool)


def assert_score(cell: Cell, expected) -> None:
    if expected is None:
        assert cell.value is None
    else:
        assert is_number(cell.value), (cell.coordinate, cell.value)
        assert cell.value == pytest.approx(float(expected))


def assert_date(cell: Cell, expected: date) -> None:
    assert isinstance(cell.value, datetime), (cell.coordinate, cell.value)
    assert cell.value.date() == expected
    assert cell.is_date
    assert cell.number_format == "dd-mm-yyyy"


def assert_tables(book: Workbook, skip: tuple[str, ...] = ("Toelichting",)) -> None:
    """Every table sheet: bold header in row 1, frozen below it, a filter from A1 over the table, widths set."""
    for sheet in book.worksheets:
        if sheet.title in skip:
            continue
        first = sheet[1]
        width = len([c for c in first if c.value is not None])
        assert width >= 3, sheet.title
        assert all(c.font.bold and isinstance(c.value, str) for c in first[:width]), sheet.title
        assert sheet.freeze_panes == "A2", sheet.title
        last_column = first[width - 1].column_letter
        assert sheet.auto_filter.ref is not None, sheet.title
        start, end = sheet.auto_filter.ref.split(":")
        assert start == "A1" and end.startswith(last_column), (sheet.title, sheet.auto_filter.ref)
        assert int(end[len(last_column):]) == 1 + len(table(sheet)), (sheet.title, sheet.auto_filter.ref)
        for c in first[:width]:
            dimension = sheet.column_dimensions[c.column_letter]
            assert dimension.customWidth and dimension.width >= 6, (sheet.title, c.column_letter)
        if sheet.title in HEADERS:  # "Aanbevelingen" has four columns fewer without the plan
            assert header(sheet) == HEADERS[sheet.title][:width], sheet.title


def values(book: Workbook) -> dict[str, list[tuple]]:
    return {s.title: [tuple(c.value for c in row) for row in s.iter_rows()] for s in book.worksheets}


# ---------------------------------------------------------------- the evaluation's workbook: sheets and tables


def test_evaluation_workbook_has_every_sheet_for_the_gemeente_with_toelichting_first(exported):
    export = evaluation_export(exported, exported.lead)
    book = read(evaluation_workbook(export))
    assert book.sheetnames == EVALUATION_SHEETS
    assert book.active.title == "Toelichting"
    assert book.properties.title == f"Gegevens collegiale toets {export.report.municipality} {export.report.year}"
    assert all(len(name) <= 31 for name in book.sheetnames)
    intro = book["Toelichting"]
    texts = [c.value for c in cells(book) if c.parent is intro and isinstance(c.value, str)]
    assert intro_value(intro, "Gemeente").value == "Súdwest-Fryslân ë"
    assert intro_value(intro, "CBS-code").value == export.report.cbs_code
    assert intro_value(intro, "Ronde").value == export.report.round_name
    assert intro_value(intro, "Jaar").value == export.report.year
    assert intro_value(intro, "Status").value == export.report.status_label
    for name in EVALUATION_SHEETS[1:]:  # every sheet is explained
        assert name in texts
    for level in export.questionnaire.scale.levels:
        assert level.label in texts and level.description in texts
    assert any("zelfscore − score van het peer team" in t for t in texts)
    assert any("0 tot en met 4" in t for t in texts)


@pytest.mark.parametrize("who", ["coordinator", "chair"])
def test_individual_answers_only_for_the_gemeente_itself(exported, who):
    viewer = getattr(exported.built, who)
    export = evaluation_export(exported, viewer)
    assert export.contributions is None
    book = read(evaluation_workbook(export))
    assert "Individuele antwoorden" not in book.sheetnames
    expected = [n for n in EVALUATION_SHEETS if n != "Individuele antwoorden"]
    if export.plan is None:
        expected = [n for n in expected if n not in ("Verbeterplan", "Doelen")]
    assert book.sheetnames == expected
    assert_tables(book)
    assert not [c.coordinate for c in cells(book) if c.data_type == "f"]


def test_every_table_has_bold_header_freeze_filter_widths_and_wraps_long_text(exported):
    book = read(evaluation_workbook(evaluation_export(exported, exported.lead)))
    assert_tables(book)
    answers = book["Antwoorden"]
    widths = [answers.column_dimensions[letter].width for letter in "ABCDEFGH"]
    assert widths == [7, 28, 60, 8, 28, 60, 40, 40]
    assert answers["C2"].alignment.wrap_text and answers["F2"].alignment.wrap_text
    assert not answers["A2"].alignment.wrap_text
    # "Verschillen" holds a second table (the levers) below the first, with its own styled header
    gaps = book["Verschillen"]
    rows = [row[0] for row in gaps.iter_rows() if row[0].value == "Hefboom"]
    assert len(rows) == 1 and rows[0].font.bold
    assert header(gaps, rows[0].row) == ["Hefboom", "Betekenis", "Thema's", "Zelfscore", "Peer team",
                                         "Zelfscore zonder externe thema's", "Peer team zonder externe thema's"]


# ---------------------------------------------------------------- the evaluation's workbook: values


def test_scores_and_gaps_are_the_report_objects_numbers(exported):
    export = evaluation_export(exported, exported.lead)
    report = export.report
    book = read(evaluation_workbook(export))
    rows = {str(r["Nr."].value): r for r in table(book["Scores"])}
    items = report.themes + report.profile + ((report.profile_total,) if report.profile_total else ())
    assert len(rows) == len(items) == 5
    assert isinstance(rows["1"]["Nr."].value, int) and rows["3.1"]["Nr."].value == "3.1"  # filters sort 1, 2, 10
    for item in items:
        row = rows[item.number]
        assert row["Onderdeel"].value == item.title
        assert_score(row["Zelfscore"], item.self_score)
        assert_score(row["Peer team"], item.peer_score)
        assert_score(row["Verschil"], item.gap.difference)
        assert_score(row["Doel"], item.target)
        assert row["Verschil in woorden"].value == item.gap_words
        assert row["Motivering van het team"].value == (item.motivation or None)
        assert row["Extern"].value == ("ja" if item.external else "nee")
        assert row["Hefboom"].value == (item.lever.label if item.lever else None)
    assert any(item.self_score is not None and item.gap.difference is not None for item in items)
    assert rows["2"]["Extern"].value == "ja"  # keten is largely external

    gaps = table(book["Verschillen"])
    assert [r["Thema"].value for r in gaps] == [t.title for t in report.gaps_by_size]
    for row, theme in zip(gaps, report.gaps_by_size, strict=True):
        assert_score(row["Verschil"], theme.gap.difference)
        assert row["Richting"].value == (theme.gap.direction.self_versus_peer if theme.gap.direction else None)
    lever_header = next(row[0].row for row in book["Verschillen"].iter_rows() if row[0].value == "Hefboom")
    levers = table(book["Verschillen"], lever_header)
    assert [r["Hefboom"].value for r in levers] == [lc.lever.label for lc in report.levers]
    for row, lever in zip(levers, report.levers, strict=True):
        assert_score(row["Zelfscore"], lever.self_score)
        assert_score(row["Peer team"], lever.peer_score)
        assert_score(row["Zelfscore zonder externe thema's"], lever.self_without_external)
        assert_score(row["Peer team zonder externe thema's"], lever.peer_without_external)


def test_answers_notes_and_individual_answers(exported):
    export = evaluation_export(exported, exported.lead)
    book = read(evaluation_workbook(export))
    answers = table(book["Antwoorden"])
    assert [r["Nr."].value for r in answers] == [a.number for a in export.consensus]
    for row, answer in zip(answers, export.consensus, strict=True):
        assert_score(row["Score"], answer.value)
        assert row["Antwoord"].value == answer.value_label
        assert row["Vraag"].value == answer.question
        assert row["Thema"].value == export.section_label(answer.section_id)
    notes = table(book["Sterke en verbeterpunten"])
    assert [(r["Thema"].value, r["Sterke punten"].value, r["Verbeterpunten"].value) for r in notes] == [
        ("1. Analyse", "Goede cijfers", HOSTILE[2])]
    individual = {r["Naam"].value: r for r in table(book["Individuele antwoorden"])}
    assert individual["Collega Zoë Ünal"]["Toelichting"].value == HOSTILE[0]
    assert individual["Collega Zoë Ünal"]["Score"].value == 1
    assert individual[exported.lead.name]["Score"].value == 3


def test_dates_are_date_cells_in_amsterdam(exported, today):
    export = evaluation_export(exported, exported.lead)
    book = read(evaluation_workbook(export))
    intro = book["Toelichting"]
    assert_date(intro_value(intro, "Gepubliceerd op"), export.report.published_at.astimezone(AMSTERDAM).date())
    generated = intro_value(intro, "Gegenereerd op")
    assert isinstance(generated.value, datetime)
    assert generated.value == export.generated_at.replace(tzinfo=None, microsecond=generated.value.microsecond)
    quotes = table(book["Uit gesprekken"])
    assert_date(quotes[0]["Datum"], date(2020, 5, 1))
    plan = {r["Status"].value: r for r in table(book["Verbeterplan"])}
    on = today
    assert_date(plan["In uitvoering"]["Gereed"], on - timedelta(days=3))
    assert_date(plan["Gepland"]["Start"], on - timedelta(days=90))
    assert_date(plan["Afgerond"]["Afgerond op"], on - timedelta(days=31))
    assert_date(plan["Gepland"]["Datum voortgang"], on - timedelta(days=5))


def test_recommendations_and_actions_with_their_status(exported):
    export = evaluation_export(exported, exported.lead)
    assert export.plan is not None
    book = read(evaluation_workbook(export))
    recommendations = table(book["Aanbevelingen"])
    assert [r["Nr."].value for r in recommendations] == [1, 2, 3]
    first, second, third = recommendations
    assert first["Aanbeveling"].value == HOSTILE[1] + " bel de wijkagent"
    assert first["Prioriteit"].value == exported.recommendations[0].priority.label
    assert first["Adressaat"].value == exported.recommendations[0].addressee.label
    assert first["Thema's"].value == "1. Analyse"
    assert first["Status in plan"].value == "Opgepakt"  # a done action answers it (the dropped one does not count)
    assert first["Acties"].value.split("\n") == ["Analyse actualiseren", "Vervallen actie"]
    assert first["Oordeel voortgangsreview"].value == "Opgevolgd"
    assert first["Toelichting op het oordeel"].value == "Goed opgepakt"
    assert second["Acties"].value == HOSTILE[5] and second["Acties"].data_type == "s"
    assert third["Acties"].value == "Ketenoverleg starten"
    assert second["Oordeel voortgangsreview"].value is None
    assert third["Thema's"].value == "2. Keten\n3. Profiel"

    actions = table(book["Verbeterplan"])
    assert [r["Status"].value for r in actions] == ["In uitvoering", "Gepland", "Afgerond", "Vervallen"]
    overdue, planned, done, dropped = actions
    assert overdue["Actie"].value == HOSTILE[5]
    assert overdue["Te laat (dagen)"].value == 3 and is_number(overdue["Te laat (dagen)"].value)
    assert planned["Te laat (dagen)"].value is None and done["Te laat (dagen)"].value is None
    assert overdue["Aanbevelingen"].value == "2" and done["Aanbevelingen"].value == "1"
    assert dropped["Reden vervallen"].value == "Niet meer nodig"
    assert done["Laatste voortgang"].value == "Voortgang Analyse actualiseren"
    assert overdue["Soort eigenaar"].value == exported.actions[1].owner_kind.label
    targets = {str(r["Nr."].value): r for r in table(book["Doelen"])}
    assert targets["1"]["Streefscore volgende ronde"].value == 3
    assert targets["2"]["Streefscore volgende ronde"].value == 2
    assert targets["3"]["Streefscore volgende ronde"].value is None
    intro = book["Toelichting"]
    assert intro_value(intro, "Te laat").value == 1 and intro_value(intro, "Acties in het plan").value == 4


def test_user_text_is_never_a_formula(exported):
    export = evaluation_export(exported, exported.lead)
    book = read(evaluation_workbook(export))
    typed = [HOSTILE[0], HOSTILE[1] + " bel de wijkagent", HOSTILE[2], HOSTILE[3], HOSTILE[4], HOSTILE[5]]
    all_cells = list(cells(book))
    for text in typed:
        found = [c for c in all_cells if c.value == text]
        assert found, text
        for cell in found:
            assert cell.data_type == "s", (cell.parent.title, cell.coordinate)
            assert cell.quotePrefix is text.startswith(FORMULA_START), (text, cell.parent.title, cell.coordinate)
    assert not [(c.parent.title, c.coordinate) for c in all_cells if c.data_type == "f"]
    assert not [c for c in all_cells if isinstance(c.value, str) and c.value.startswith("=")
                and not c.quotePrefix]


def test_team_only_notes_never_in_the_workbook_and_quotable_ones_are(exported):
    for viewer in (exported.lead, exported.built.coordinator, exported.built.chair):
        book = read(evaluation_workbook(evaluation_export(exported, viewer)))
        texts = [c.value for c in cells(book) if isinstance(c.value, str)]
        assert not [t for t in texts if SECRET in t]
        assert QUOTE in texts
        quote = table(book["Uit gesprekken"])
        assert len(quote) == 1 and quote[0]["Gesprekspartners"].value == "Burgemeester – gemeente"


def test_without_plan_there_is_no_plan_sheet(exported):
    export = dataclasses.replace(evaluation_export(exported, exported.lead), plan=None)
    book = read(evaluation_workbook(export))
    assert "Verbeterplan" not in book.sheetnames and "Doelen" not in book.sheetnames
    assert header(book["Aanbevelingen"]) == HEADERS["Aanbevelingen"][:5]
    assert len(table(book["Aanbevelingen"])) == 3
    assert_tables(book)


def test_the_workbook_is_the_same_each_time(exported):
    export = evaluation_export(exported, exported.lead)
    assert values(read(evaluation_workbook(export))) == values(read(evaluation_workbook(export)))


# ---------------------------------------------------------------- the region's workbook


def test_region_workbook_sheets_and_tables(exported):
    round_ = exported.evaluation.round
    export = services.region_export(round_)
    book = read(region_workbook(export))
    assert book.sheetnames == REGION_SHEETS
    assert book.active.title == "Toelichting"
    assert book.properties.title == f"Regio-overzicht {round_.region.name} – {round_.name}"
    assert_tables(book)
    intro = book["Toelichting"]
    assert intro_value(intro, "Regio").value == round_.region.name
    assert_date(intro_value(intro, "Zelfevaluatie klaar op"), round_.self_evaluation_due)
    assert_date(intro_value(intro, "Peer review klaar op"), round_.peer_review_due)
    assert_date(intro_value(intro, "Verbeterplan klaar op"), round_.plan_due)
    assert intro_value(intro, "Met gepubliceerd rapport").value == 6
    texts = [c.value for c in cells(book) if c.parent is intro and isinstance(c.value, str)]
    assert any("alleen de scores van het peer team uit gepubliceerde rapporten" in t for t in texts)
    assert any("noemt gemeenten bij naam" in t for t in texts)
    assert not [c.coordinate for c in cells(book) if c.data_type == "f"]


def test_region_status_matrix_spread_and_external_recommendations(exported):
    round_ = exported.evaluation.round
    export = services.region_export(round_)
    overview = export.overview
    book = read(region_workbook(export))

    status = table(book["Status leden"])
    assert [r["Gemeente"].value for r in status] == [r.evaluation.municipality.name for r in overview.rows]
    assert len(status) == 6
    for row, member in zip(status, overview.rows, strict=True):
        assert row["CBS-code"].value == member.evaluation.municipality.cbs_code
        assert row["Status"].value == member.evaluation.status.label
        assert row["Gezamenlijke antwoorden"].value == member.answered and row["Vragen"].value == member.total
        assert row["Te laat"].value == ("ja" if member.is_overdue else "nee")
        assert_date(row["Ingediend op"], member.evaluation.submitted_at.astimezone(AMSTERDAM).date())
    lead_row = next(r for r in status if r["Gemeente"].value == "Súdwest-Fryslân ë")
    progress = overview.plans[exported.evaluation.id]
    assert (lead_row["Acties in plan"].value, lead_row["Afgerond"].value, lead_row["Te laat (acties)"].value) == (
        progress.total, progress.done, progress.overdue) == (4, 1, 1)

    matrix_sheet = book["Benchmarkmatrix"]
    assert header(matrix_sheet) == ["Gemeente", "CBS-code", *(label for _id, label in overview.themes)]
    matrix = table(matrix_sheet)
    published = [m for m in overview.matrix if m.is_published]
    assert len(matrix) == len(published) == 6
    for row, member in zip(matrix, published, strict=True):
        assert row["Gemeente"].value == member.municipality
        for theme_id, label in overview.themes:
            assert_score(row[label], member.scores[theme_id])

    spread = table(book["Spreiding"])
    assert [r["Thema"].value for r in spread] == [s.label for s in overview.spreads]
    for row, theme in zip(spread, overview.spreads, strict=True):
        assert row["Aantal"].value == theme.count == 6
        for name, value in (("Minimum", theme.minimum), ("Q1", theme.q1), ("Mediaan", theme.median),
                            ("Q3", theme.q3), ("Maximum", theme.maximum)):
            assert_score(row[name], value)
        for level, number in overview.counts[theme.item_id].items():
            assert row[f"Aantal op niveau {level}"].value == number

    external = table(book["Aanbevelingen regio en Rijk"])
    expected = [(e.municipality, e.recommendation.text) for group in overview.external.values() for e in group]
    assert [(r["Gemeente"].value, r["Aanbeveling"].value) for r in external] == expected
    own = [r for r in external if r["Gemeente"].value == "Súdwest-Fryslân ë"]
    assert [r["Aanbeveling"].value.split(",")[0] for r in own] == ["Aan de regio", "Aan het Rijk", "Aan het Rijk"]
    assert [r["Thema"].value for r in own] == ["2. Keten", "2. Keten", "3. Profiel"]
    assert [r["Nr."].value for r in own] == [2, 3, 3]
    assert {r["Adressaat"].value for r in external} == {e.recommendation.addressee_label
                                                        for g in overview.external.values() for e in g}
    assert len(expected) == 6 * 3  # per member one to the region (keten) and one to the Rijk (keten and profiel)


def test_region_without_published_members_still_writes_a_workbook(build_region):
    built = build_region(3, published=[])
    export = services.region_export(built.rounds[0])
    assert export.overview.published == 0
    book = read(region_workbook(export))
    assert book.sheetnames == REGION_SHEETS
    assert len(table(book["Status leden"])) == 3
    assert table(book["Benchmarkmatrix"]) == []
    assert table(book["Aanbevelingen regio en Rijk"]) == []
    assert all(r["Aantal"].value == 0 and r["Mediaan"].value is None for r in table(book["Spreiding"]))
    assert_tables(book)
    assert {r["Status"].value for r in table(book["Status leden"])} == {EvaluationStatus.in_peer_review.label}


def test_region_workbook_writes_typed_names_and_recommendations_as_text(exported):
    exported.built.municipalities[2].name = HOSTILE[5]
    exported.recommendations[1].text = HOSTILE[0]  # member 1's recommendation to the region
    db.session.commit()
    book = read(region_workbook(services.region_export(exported.evaluation.round)))
    all_cells = list(cells(book))
    assert not [(c.parent.title, c.coordinate) for c in all_cells if c.data_type == "f"]
    for text, sheets in ((HOSTILE[5], {"Status leden", "Benchmarkmatrix", "Aanbevelingen regio en Rijk"}),
                         (HOSTILE[0], {"Aanbevelingen regio en Rijk"})):
        found = [c for c in all_cells if c.value == text]
        assert {c.parent.title for c in found} == sheets
        assert all(c.data_type == "s" and c.quotePrefix for c in found)


def test_characters_xml_cannot_hold_are_dropped_and_the_files_still_open(exported):
    """U+FFFE, U+FFFF, a lone surrogate and C0 controls pass the text rules but no xlsx may hold them: one in a
    recommendation must not break the gemeente's file, nor the region's."""
    from peerreview.evaluation.lifecycle import questionnaire_of_round

    recommendation = exported.recommendations[1]  # to the region: also in the region's workbook
    recommendation.text = "Aan de regio\ufffe: meer\uffff capaciteit \x01\x1f graag"
    municipality = exported.built.municipalities[1]
    municipality.name = "Súdwest\ufffe-Fryslân"
    db.session.commit()
    evaluation = load_evaluation(exported.evaluation.id)
    book = load_workbook(BytesIO(evaluation_workbook(services.evaluation_export(evaluation, exported.lead))))
    texts = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Aan de regio: meer capaciteit  graag" in texts
    assert not any(ch in t for t in texts for ch in "\ufffe\uffff\x01")
    region = load_workbook(BytesIO(region_workbook(services.region_export(evaluation.round))))
    assert "Aan de regio: meer capaciteit  graag" in [c.value for row in region["Aanbevelingen regio en Rijk"]
                                                       .iter_rows() for c in row]
    # the self-evaluation workbook shares the cell writer: the gemeente's name is in its title and intro
    from peerreview.evaluations.workbook import export_workbook

    own = load_workbook(BytesIO(export_workbook(evaluation, questionnaire_of_round(evaluation.round), exported.lead)))
    assert own.properties.title.startswith("Zelfevaluatie Súdwest-Fryslân")
