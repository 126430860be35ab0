"""The national overview (issue 10): the admin's workbook of every published report of every region.

Read back with openpyxl: the sheets; a row per published or closed evaluation and none for the others; the same
self, peer and gap numbers as the result page's report object; the national spread and the size-class medians on a
hand-checked case; the recommendations to the Rijk; hostile texts as plain string cells; a fixed number of queries;
and the download itself (admin only, recorded, not cached). Speed is measured by a script, never here.

Minimal questionnaire (see tests/reports/conftest.py): themes 1. Analyse and 2. Keten, profile 3. Profiel with
elements 3.1 Netwerk and 3.2 Korte lijn naar het bestuur; scale 0..4. ``team_level(member, item)`` =
``(member + item) % 5`` in the first round."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from peerreview.domain.evaluations import EvaluationStatus
from peerreview.domain.roles import Role
from peerreview.evaluation.lifecycle import load_evaluation
from peerreview.exports import national
from peerreview.exports.national import national_export
from peerreview.exports.national_workbook import INTRO, NATIONAL, SCORES, SIZE_CLASSES, SPREAD, national_workbook
from peerreview.extensions import db
from peerreview.models import AuditEvent, Recommendation, Round
from peerreview.questionnaire_registry import get_questionnaire, record_use
from peerreview.reports.services import build_report
from peerreview.spreadsheets import clean
from tests.reports.conftest import login

pytestmark = pytest.mark.db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
URL = "/admin/national.xlsx"
SHEETS = [INTRO, SCORES, SPREAD, SIZE_CLASSES, NATIONAL]

#: Texts a spreadsheet program would evaluate, or that an xlsx part cannot hold.
HOSTILE = ("=cmd|' /C calc'!A0", "+1", "@SUM(A1)", "-2+3", "<script>alert(1)</script>", "Ge\ufffeldrop",
           "Be\x07l\x1bl")


def workbook_of(data: bytes):
    return load_workbook(io.BytesIO(data))


def table(sheet) -> list[dict[str, object]]:
    """The sheet's rows as dictionaries keyed by the header row."""
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def exported() -> bytes:
    return national_workbook(national_export())


@pytest.fixture
def admin(create_user):
    return create_user(Role.admin, name="Beheerder Landelijk")


@pytest.fixture
def country(build_region):
    """Two regions: Noord (six members, two rounds; member 5 in peer review, in the second round member 4 back to
    draft and member 3 closed) and Groot (three large gemeenten, one round)."""
    north = build_region(6, rounds=2, published=[0, 1, 2, 3, 4], prefix="Noord")
    north.evaluation(4).status = EvaluationStatus.draft
    north.evaluation(3).status = EvaluationStatus.closed
    large = build_region(3, rounds=1, inhabitants=120_000, prefix="Groot")
    db.session.commit()
    return north, large


# ---------------------------------------------------------------- what the file holds


def test_the_workbook_has_its_sheets_and_one_row_per_published_or_closed_evaluation(country, today):
    north, large = country
    workbook = workbook_of(exported())
    assert workbook.sheetnames == SHEETS
    rows = table(workbook[SCORES])
    shown = {(r["Gemeente"], r["Ronde"]) for r in rows}
    expected = {(m.name, r.name) for built in (north, large) for (ri, mi), e in built.evaluations.items()
                for r, m in [(built.rounds[ri], built.municipalities[mi])]
                if e.status in (EvaluationStatus.published, EvaluationStatus.closed)}
    assert shown == expected and len(rows) == len(expected) == 5 + 4 + 3
    assert (north.municipalities[5].name, "Ronde 2022") not in shown  # in peer review
    assert (north.municipalities[4].name, "Ronde 2022") not in shown  # a draft
    assert (north.municipalities[4].name, "Ronde 2020") in shown
    closed = next(r for r in rows if r["Gemeente"] == north.municipalities[3].name and r["Ronde"] == "Ronde 2022")
    assert closed["Status"] == EvaluationStatus.closed.label
    big = next(r for r in rows if r["Gemeente"] == large.municipalities[0].name)
    assert big["Regio"] == "Regio Groot" and big["CBS-code"] == large.municipalities[0].cbs_code
    assert big["Grootteklasse"].startswith("Zeer groot") and big["Jaar"] == 2020
    assert big["Vragenlijst"] == "Kleine testvragenlijst (versie 1)"
    # numbers are numbers, dates are dates
    assert isinstance(big["Gepubliceerd op"], datetime) and big["Gepubliceerd op"].date() == today
    assert isinstance(big["1. Analyse – peer team"], int | float)


def test_every_sheet_is_a_table_with_frozen_header_filter_and_widths(country):
    workbook = workbook_of(exported())
    for name in SHEETS[1:]:
        sheet = workbook[name]
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
        assert sheet.freeze_panes == ("E2" if name == SCORES else "A2")
        assert sheet["A1"].font.bold and sheet["A1"].fill.fgColor.rgb.endswith("1F4E79")
        assert sheet.column_dimensions["A"].width > 5
    scores = workbook[SCORES]
    published = scores.cell(2, 8)
    assert published.is_date and published.number_format == "dd-mm-yyyy"
    header = [c.value for c in scores[1]]
    peer = scores.cell(2, header.index("1. Analyse – peer team") + 1)
    gap = scores.cell(2, header.index("1. Analyse – verschil") + 1)
    assert (peer.data_type, peer.number_format) == ("n", "0.0")
    assert gap.number_format == "+0.0;-0.0;0.0"


def test_the_introduction_counts_and_warns(country):
    sheet = workbook_of(exported())[INTRO]
    pairs = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0] and len(row) > 1}
    assert pairs["Regio's"] == 2 and pairs["Gemeenten"] == 8 and pairs["Rondes"] == 3
    assert pairs["Gepubliceerde rapporten"] == 12 and pairs["Waarvan afgesloten"] == 1
    assert isinstance(pairs["Gegenereerd op"], datetime)
    text = "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    assert "bij naam" in text and "beheerder" in text
    assert "0 tot en met 4" in text and "Weet niet / niet van toepassing" in text
    for name in SHEETS[1:]:
        assert name in text


def test_self_peer_and_gap_are_the_result_pages_numbers(country, admin):
    north, large = country
    rows = {(r["Gemeente"], r["Ronde"]): r for r in table(workbook_of(exported())[SCORES])}
    checked = 0
    for built in (north, large):
        for evaluation in built.evaluations.values():
            key = (evaluation.municipality.name, evaluation.round.name)
            if key not in rows:
                continue
            report = build_report(load_evaluation(evaluation.id), admin)
            row = rows[key]
            for item in (*report.themes, report.profile_total, *report.profile):
                label = item.label if not item.is_element else f"{item.number} {item.title}"
                for column, value in (("zelfscore", item.self_score), ("peer team", item.peer_score),
                                      ("verschil", item.gap.difference)):
                    cell = row[f"{label} – {column}"]
                    assert (None if value is None else float(value)) == cell, (key, label, column)
            checked += 1
    assert checked == 12


def test_an_unknown_answer_counts_as_on_the_result_page(country, admin):
    """'Weet niet' is left out of the self-score, and a theme answered only with it has none (an empty cell)."""
    from peerreview.models import ConsensusAnswer

    north, _large = country
    evaluation = north.evaluation(1)
    for row in db.session.scalars(select(ConsensusAnswer).where(ConsensusAnswer.evaluation_id == evaluation.id,
                                                                ConsensusAnswer.question_id.like("keten.%"))):
        row.value, row.is_unknown = None, True
    db.session.commit()
    report = build_report(load_evaluation(evaluation.id), admin)
    row = next(r for r in table(workbook_of(exported())[SCORES])
               if r["Gemeente"] == evaluation.municipality.name and r["Ronde"] == evaluation.round.name)
    keten = next(t for t in report.themes if t.id == "keten")
    assert keten.self_score is None and row["2. Keten – zelfscore"] is None and row["2. Keten – verschil"] is None
    assert row["2. Keten – peer team"] == float(keten.peer_score)


def test_spread_and_size_class_medians_on_a_hand_checked_case(build_region):
    # Four published members (the fifth in peer review): the team gave Analyse 0, 1, 2, 3 and Keten 1, 2, 3, 4.
    build_region(5, published=[0, 1, 2, 3])
    workbook = workbook_of(exported())
    spread = {r["Thema"]: r for r in table(workbook[SPREAD])}
    assert set(spread) == {"1. Analyse", "2. Keten"}
    analyse = spread["1. Analyse"]
    # inclusive quartiles of 0, 1, 2, 3: 0.75 -> 0.8 (half up), 1.5, 2.25 -> 2.3
    assert (analyse["Jaar"], analyse["Aantal gemeenten"], analyse["Minimum"], analyse["Q1"], analyse["Mediaan"],
            analyse["Q3"], analyse["Maximum"]) == (2020, 4, 0, 0.8, 1.5, 2.3, 3)
    keten = spread["2. Keten"]
    assert (keten["Minimum"], keten["Q1"], keten["Mediaan"], keten["Q3"], keten["Maximum"]) == (1, 1.8, 2.5, 3.3, 4)
    medians = table(workbook[SIZE_CLASSES])
    assert [(m["Jaar"], m["Grootteklasse"][:11], m["Thema"], m["Aantal gemeenten"], m["Mediaan peer team"])
            for m in medians] == [(2020, "Middelgroot", "1. Analyse", 4, 1.5),
                                  (2020, "Middelgroot", "2. Keten", 4, 2.5)]


def test_a_gemeente_counts_once_a_year_in_the_spread(build_region):
    """A gemeente in two regions with a round in the same year: its latest evaluation of that year counts."""
    from peerreview.models import Evaluation, TeamScore

    first = build_region(4, prefix="Eerste")
    second = build_region(1, prefix="Tweede")  # its one member is moved onto a gemeente of the first region
    moved = second.evaluation(0)
    moved.municipality_id = first.municipalities[0].id
    db.session.flush()
    for score in db.session.scalars(select(TeamScore).where(TeamScore.evaluation_id == moved.id)):
        score.value = 4
    db.session.commit()
    assert db.session.get(Evaluation, moved.id).municipality_id == first.municipalities[0].id
    analyse = next(r for r in table(workbook_of(exported())[SPREAD]) if r["Thema"] == "1. Analyse")
    # first region: members 0..3 give 0, 1, 2, 3; member 0's later evaluation (4) replaces its 0
    assert (analyse["Aantal gemeenten"], analyse["Minimum"], analyse["Maximum"]) == (4, 1, 4)


def test_the_rijk_gets_its_recommendations_and_no_others(country):
    north, _large = country
    rows = table(workbook_of(exported())[NATIONAL])
    assert len(rows) == 12
    assert all(r["Aanbeveling"].startswith("Aan het Rijk, uit ") for r in rows)
    assert not any(north.municipalities[5].name in r["Aanbeveling"] and r["Ronde"] == "Ronde 2022" for r in rows)
    first = next(r for r in rows if r["Gemeente"] == north.municipalities[0].name and r["Ronde"] == "Ronde 2020")
    assert (first["Regio"], first["Jaar"], first["Nr."], first["Prioriteit"], first["Thema's"]) == (
        "Regio Noord", 2020, 3, "Hoog", "2. Keten\n3. Profiel")
    assert first["CBS-code"] == north.municipalities[0].cbs_code


def test_an_empty_country_gives_a_readable_file(app):
    workbook = workbook_of(exported())
    assert workbook.sheetnames == SHEETS
    assert workbook[SCORES].max_row == 1 and workbook[NATIONAL].max_row == 1


# ---------------------------------------------------------------- hostile text


def test_hostile_texts_stay_plain_strings(country):
    north, large = country
    municipalities = north.municipalities[:5] + large.municipalities[:2]
    published = [north.evaluation(member, 0) for member in range(5)] + [north.evaluation(member) for member in (0, 1)]
    for text, municipality, evaluation in zip(HOSTILE, municipalities, published, strict=True):
        municipality.name = text  # a gemeente's name ...
        db.session.scalars(select(Recommendation).where(  # ... and a recommendation to the Rijk
            Recommendation.evaluation_id == evaluation.id, Recommendation.position == 3)).one().text = text
    north.region.name = HOSTILE[0]
    db.session.commit()

    data = exported()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[ >]", archive.read(name)), name  # no formula anywhere
    workbook = workbook_of(data)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
    expected = {clean(text) for text in HOSTILE}
    seen: dict[str, object] = {}
    for sheet_name, column in ((SCORES, "Gemeente"), (SCORES, "Regio"), (NATIONAL, "Aanbeveling"),
                               (NATIONAL, "Gemeente")):
        sheet = workbook[sheet_name]
        header = [c.value for c in sheet[1]]
        for (cell,) in sheet.iter_rows(min_row=2, min_col=header.index(column) + 1, max_col=header.index(column) + 1):
            if cell.value in expected:
                seen[cell.value] = cell
    assert set(seen) == expected  # every hostile text arrived, cleaned of what a workbook cannot hold
    assert "Geldrop" in seen and "Bell" in seen  # U+FFFE and the control characters dropped
    for value, cell in seen.items():
        assert cell.data_type == "s" and isinstance(cell.value, str)
        assert cell.quotePrefix is value.startswith(("=", "+", "-", "@")), value


# ---------------------------------------------------------------- queries and questionnaires


def test_the_export_runs_a_fixed_number_of_queries(build_region, count_queries):
    build_region(4, rounds=1)
    db.session.expire_all()
    with count_queries() as small:
        small_export = national_export()
    build_region(8, rounds=3)  # with the first: three times the evaluations and more
    db.session.expire_all()
    with count_queries() as large:
        large_export = national_export()
    assert len(large_export.evaluations) >= 3 * len(small_export.evaluations)
    assert small.count == large.count == 5, large.statements


def test_each_questionnaire_version_is_loaded_once(build_region, monkeypatch):
    second = get_questionnaire("minimal", "2")
    record_use(second)
    built = build_region(5, rounds=3)
    round_ = db.session.get(Round, built.rounds[-1].id)
    round_.questionnaire_version, round_.questionnaire_hash = "2", second.content_hash
    db.session.commit()
    calls = []
    original = national.questionnaire_of_round
    monkeypatch.setattr(national, "questionnaire_of_round", lambda r: calls.append(r.id) or original(r))
    export = national_export()
    assert len(calls) == 2 and len(export.evaluations) == 15
    assert [f"{u.questionnaire.version}:{u.evaluations}" for u in export.questionnaires] == ["2:5", "1:10"]
    text = "\n".join(str(v) for row in workbook_of(national_workbook(export))[INTRO].iter_rows(values_only=True)
                     for v in row if v is not None)
    assert "Kleine testvragenlijst (concept) (versie 2): 5 rapporten" in text


def test_scores_are_decimals_from_the_domain(build_region):
    build_region(5)
    line = national_export().evaluations[0]
    assert all(isinstance(v, Decimal) for s in line.scores.values()
               for v in (s.self_score, s.peer_score, s.gap) if v is not None)


# ---------------------------------------------------------------- the download


def test_the_admin_downloads_it_and_it_is_recorded(client, country, admin, today):
    login(client, admin)
    response = client.get(URL)
    assert response.status_code == 200 and response.mimetype == XLSX
    filename = f"landelijk-overzicht-{today:%Y-%m-%d}.xlsx"
    assert response.headers["Content-Disposition"] == f"attachment; filename={filename}"
    assert "no-store" in response.headers["Cache-Control"]
    assert workbook_of(response.data).sheetnames == SHEETS
    db.session.rollback()
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "export")).one()
    assert (audit.actor_email, audit.subject, audit.details) == (
        admin.email, "national", {"what": "national_xlsx", "file": filename})


def test_nobody_but_the_admin_gets_it(client, country, create_user):
    north, _large = country
    for user in (north.coordinator, north.leads[0], north.chair,
                 create_user(Role.municipal_contributor, municipality=north.municipalities[1])):
        login(client, user)
        assert client.get(URL).status_code == 403, user.role
    client.post("/auth/logout")
    response = client.get(URL)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_the_admin_page_offers_the_download_and_the_coordinators_does_not(client, country, admin):
    north, _large = country
    login(client, admin)
    page = client.get("/admin/").get_data(as_text=True)
    assert f'href="{URL}"' in page and "Landelijk overzicht" in page and "(Excel)" in page
    login(client, north.coordinator)
    page = client.get("/admin/").get_data(as_text=True)
    assert URL not in page
