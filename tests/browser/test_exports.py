"""Downloads as a user clicks them in a real browser: the lead takes the PDF from the result page and the Excel
file from the plan page, the coordinator the region's Excel from the region overview. The files arrive under their
telling names and open (pypdf, openpyxl); the pages that offer them pass axe-core.

Data: tests/exports' ``exported`` (a region of six published members; member 1 with plan, notes and quotes)."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_self_evaluation import log_out
from tests.exports.conftest import SECRET, build_region, exported  # noqa: F401  (the fixtures)


def download(page: Page, name: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    file = info.value
    path = file.path()
    return file.suggested_filename, path.read_bytes()


def test_the_lead_downloads_report_and_data_and_the_coordinator_the_region(page: Page, log_in, screenshot,
                                                                           exported):  # noqa: F811
    code = exported.built.municipalities[1].cbs_code
    year = exported.built.rounds[0].year
    log_in(exported.lead.email)
    page.goto(f"/evaluations/{exported.evaluation.id}/results")
    expect(page.get_by_role("link", name="Rapport voor college en raad (PDF)")).to_be_visible()
    assert_accessible(page)
    name, content = download(page, "Rapport voor college en raad (PDF)")
    assert name == f"collegiale-toets-{code}-{year}.pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Súdwest-Fryslân ë" in text and SECRET not in text

    page.goto(f"/evaluations/{exported.evaluation.id}/plan")
    assert_accessible(page)
    screenshot(page, "exports-plan-links", full_page=False)
    name, content = download(page, "Antwoorden, scores en verbeterplan (Excel)")
    assert name == f"collegiale-toets-{code}-{year}.xlsx"
    workbook = load_workbook(io.BytesIO(content))
    assert "Verbeterplan" in workbook.sheetnames

    page.goto(f"/evaluations/{exported.evaluation.id}/history")
    expect(page.get_by_text("Rapport collegiale toets (PDF): collegiale-toets-", exact=False)).to_be_visible()

    log_out(page)
    log_in(exported.built.coordinator.email)
    page.goto(f"/rounds/{exported.built.rounds[0].id}/results")
    assert_accessible(page)
    name, content = download(page, "Regio-overzicht: stand, scores en aanbevelingen (Excel)")
    assert name.startswith("regio-overzicht-") and name.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(content))
    assert workbook["Status leden"].max_row == 1 + len(exported.built.municipalities)
