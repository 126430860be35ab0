"""The download URLs through the app: offered on the result page, the plan page and the region overview; behind the
same permission as those pages; a file name that says what it is; every download in the history (who, what, when)
and in the audit log; and a fixed number of queries whatever the size of plan or region.

(Every actor against every download URL is in tests/security/permission_matrix.py as well.)"""

from __future__ import annotations

import html
import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from peerreview.domain.roles import Role
from peerreview.extensions import db
from peerreview.models import AuditEvent, EvaluationEvent
from tests.exports.conftest import SECRET, login
from tests.reports.test_results import _queries

pytestmark = pytest.mark.db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def urls(evaluation_id: int) -> dict[str, str]:
    return {"pdf": f"/evaluations/{evaluation_id}/results/report.pdf",
            "xlsx": f"/evaluations/{evaluation_id}/results/data.xlsx"}


def test_the_lead_downloads_the_report_and_the_data_with_telling_names(client, exported):
    evaluation = exported.evaluation
    code, year = exported.built.municipalities[1].cbs_code, exported.built.rounds[0].year
    login(client, exported.lead)
    response = client.get(urls(evaluation.id)["pdf"])
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f"attachment; filename=collegiale-toets-{code}-{year}.pdf"
    assert "no-store" in response.headers["Cache-Control"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Súdwest-Fryslân ë" in text and SECRET not in text

    response = client.get(urls(evaluation.id)["xlsx"])
    assert response.status_code == 200 and response.mimetype == XLSX
    assert response.headers["Content-Disposition"] == f"attachment; filename=collegiale-toets-{code}-{year}.xlsx"
    workbook = load_workbook(io.BytesIO(response.data))
    assert "Individuele antwoorden" in workbook.sheetnames  # the gemeente's own people see every contributor


def test_every_download_is_in_the_history_and_the_audit_log(client, exported):
    evaluation = exported.evaluation
    login(client, exported.built.chair)
    assert client.get(urls(evaluation.id)["pdf"]).status_code == 200
    login(client, exported.lead)
    assert client.get(urls(evaluation.id)["xlsx"]).status_code == 200
    db.session.rollback()
    stored = list(db.session.scalars(select(EvaluationEvent).where(EvaluationEvent.evaluation_id == evaluation.id,
                                                                   EvaluationEvent.kind == "export")
                                     .order_by(EvaluationEvent.id)))
    assert [(e.actor_id, e.details["what"]) for e in stored] == [(exported.built.chair.id, "report_pdf"),
                                                                 (exported.lead.id, "report_xlsx")]
    assert all(e.at is not None for e in stored)
    audit = list(db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "export").order_by(AuditEvent.id)))
    assert [(a.actor_email, a.subject, a.details["what"]) for a in audit] == [
        (exported.built.chair.email, f"evaluation:{evaluation.id}", "report_pdf"),
        (exported.lead.email, f"evaluation:{evaluation.id}", "report_xlsx")]
    # the gemeente reads it in its history: who, what (with the file), when
    page = html.unescape(client.get(f"/evaluations/{evaluation.id}/history").get_data(as_text=True))
    assert page.count("Gedownload") == 2
    assert "Rapport collegiale toets (PDF): collegiale-toets-" in page
    assert "Antwoorden, scores en verbeterplan (Excel)" in page
    assert exported.built.chair.name in page


def test_the_region_download_is_the_coordinators_and_is_recorded(client, exported):
    built = exported.built
    round_ = built.rounds[0]
    url = f"/rounds/{round_.id}/results/region.xlsx"
    login(client, built.coordinator)
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == XLSX
    filename = re.search(r"filename=(\S+)", response.headers["Content-Disposition"]).group(1)
    slug = built.region.name.lower().replace(" ", "-")
    assert filename == f"regio-overzicht-{slug}-{round_.year}-ronde-{round_.id}.xlsx"
    workbook = load_workbook(io.BytesIO(response.data))
    assert {"Status leden", "Benchmarkmatrix", "Aanbevelingen regio en Rijk"} <= set(workbook.sheetnames)
    db.session.rollback()
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "export")).one()
    assert (audit.actor_email, audit.subject, audit.details["what"]) == (
        built.coordinator.email, f"round:{round_.id}", "region_xlsx")
    for user in (exported.lead, built.chair):  # a member's own people and its peers: not the region's file
        login(client, user)
        assert client.get(url).status_code == 403
    login(client, built.coordinator)
    assert client.get(f"/rounds/{2**31 - 1}/results/region.xlsx").status_code == 404


def test_downloads_follow_the_result_pages_rule(client, exported, create_user, build_region):
    built = exported.built
    other_region = build_region(1)
    cases = {  # user -> expected status for member 1's downloads
        exported.lead: 200, exported.contributor: 200, built.coordinator: 200, built.chair: 200,
        built.leads[2]: 403,  # another gemeente of the same round
        other_region.coordinator: 403,
        create_user(Role.peer_reviewer, municipality=built.municipalities[3], name="Peer zonder team"): 403,
    }
    refused = [user.id for user, expected in cases.items() if expected != 200]
    for user, expected in cases.items():
        login(client, user)
        for kind, url in urls(exported.evaluation.id).items():
            assert client.get(url).status_code == expected, (user.name, kind)
    client.post("/auth/logout")
    for url in urls(exported.evaluation.id).values():
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    login(client, exported.lead)
    assert client.get(urls(2**31 - 1)["pdf"]).status_code == 404
    assert client.get("/evaluations/abc/results/report.pdf").status_code == 404
    # nothing is recorded for a refused download; each allowed one once
    db.session.rollback()
    stored = db.session.scalars(select(EvaluationEvent).where(EvaluationEvent.kind == "export")).all()
    assert len(stored) == 2 * 4 and not [e for e in stored if e.actor_id in refused]


def test_no_download_before_the_report_is_published(client, build_region):
    built = build_region(6, published=[0, 2, 3, 4, 5])
    login(client, built.leads[1])
    for url in urls(built.evaluation(1).id).values():
        assert client.get(url).status_code == 403


def test_the_pages_offer_the_downloads(client, exported):
    evaluation = exported.evaluation
    login(client, exported.lead)
    for page in (f"/evaluations/{evaluation.id}/results", f"/evaluations/{evaluation.id}/plan"):
        body = client.get(page).get_data(as_text=True)
        for url in urls(evaluation.id).values():
            assert f'href="{url}"' in body, (page, url)
    login(client, exported.built.coordinator)
    body = client.get(f"/rounds/{exported.built.rounds[0].id}/results").get_data(as_text=True)
    assert f'href="/rounds/{exported.built.rounds[0].id}/results/region.xlsx"' in body


def test_downloads_run_a_fixed_number_of_queries(client, exported, build_region, count_queries, today):
    """More actions, notes, quotes and contributors in the plan and report, a larger region with a longer history:
    the same number of queries."""
    from datetime import timedelta

    from peerreview.domain.evaluations import AnswerData
    from peerreview.domain.reviews import Confidentiality, EntryKind
    from peerreview.models import (
        ActionNote,
        ActionRecommendation,
        ActionTheme,
        Answer,
        ImprovementAction,
        ReviewEntry,
        ReviewEntryTheme,
    )

    evaluation = exported.evaluation
    login(client, exported.lead)
    before = {k: _queries(client, count_queries, u) for k, u in urls(evaluation.id).items()}
    for index in range(12):
        db.session.add(ImprovementAction(
            evaluation_id=evaluation.id, title=f"Extra actie {index}", owner="Team OOV", start_on=today,
            due_on=today + timedelta(days=index), themes=[ActionTheme(section_id="keten")],
            links=[ActionRecommendation(recommendation_id=exported.recommendations[index % 3].id)],
            notes=[ActionNote(noted_on=today, text=f"Notitie {n}") for n in range(3)]))
        db.session.add(ReviewEntry(evaluation_id=evaluation.id, kind=EntryKind.observation, held_on=today,
                                   notes=f"Waarneming {index}", confidentiality=Confidentiality.quotable,
                                   themes=[ReviewEntryTheme(section_id="keten")]))
        colleague = exported.contributor if index % 2 else exported.lead
        answer = Answer(evaluation_id=evaluation.id, question_id=f"keten.{('capaciteit', 'signalen')[index % 2]}",
                        author_id=colleague.id)
        answer.set_data(AnswerData(value=2))
        if index < 2:
            db.session.add(answer)
    db.session.commit()
    after = {k: _queries(client, count_queries, u) for k, u in urls(evaluation.id).items()}
    assert before == after

    small, large = build_region(6), build_region(25, rounds=3)
    login(client, small.leads[1])
    small_counts = {k: _queries(client, count_queries, u) for k, u in urls(small.evaluation(1).id).items()}
    login(client, large.leads[1])
    large_counts = {k: _queries(client, count_queries, u) for k, u in urls(large.evaluation(1).id).items()}
    assert small_counts == large_counts
    login(client, small.coordinator)
    region_small = _queries(client, count_queries, f"/rounds/{small.rounds[0].id}/results/region.xlsx")
    login(client, large.coordinator)
    region_large = _queries(client, count_queries, f"/rounds/{large.rounds[-1].id}/results/region.xlsx")
    assert region_small == region_large
    assert max(after.values()) <= 40 and region_large <= 25


def test_a_head_request_records_nothing(client, exported):
    login(client, exported.lead)
    for url in urls(exported.evaluation.id).values():
        assert client.head(url).status_code == 200
    db.session.rollback()
    assert db.session.scalars(select(EvaluationEvent).where(EvaluationEvent.kind == "export")).all() == []


def test_two_rounds_in_one_year_give_two_file_names(client, exported):
    from datetime import date

    from peerreview.domain.evaluations import EvaluationStatus
    from peerreview.models import Evaluation, PeerReport, Round

    first = exported.built.rounds[0]
    second = Round(region_id=first.region_id, name="Herkansing", year=first.year, questionnaire_key="minimal",
                   questionnaire_version="1", questionnaire_hash=first.questionnaire_hash,
                   self_evaluation_due=date(first.year, 9, 1), peer_review_due=date(first.year, 10, 1),
                   plan_due=date(first.year, 12, 20))
    db.session.add(second)
    db.session.flush()
    again = Evaluation(round_id=second.id, municipality_id=exported.evaluation.municipality_id,
                       status=EvaluationStatus.published)
    db.session.add(again)
    db.session.flush()
    db.session.add(PeerReport(evaluation_id=again.id, judgement="", strengths=""))
    db.session.commit()
    login(client, exported.lead)
    code, year = exported.built.municipalities[1].cbs_code, first.year
    names = {client.get(urls(e.id)["pdf"]).headers["Content-Disposition"] for e in (exported.evaluation, again)}
    assert names == {f"attachment; filename=collegiale-toets-{code}-{year}-ronde-{first.id}.pdf",
                     f"attachment; filename=collegiale-toets-{code}-{year}-ronde-{second.id}.pdf"}
