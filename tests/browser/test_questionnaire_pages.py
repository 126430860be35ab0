"""The questionnaire as a user reads it: from the menu to the list, to the whole instrument, on a wide and a
narrow screen, in print; axe-core finds nothing, and screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from peerreview.domain.roles import Role
from tests.browser.test_accessibility import assert_accessible, assert_no_horizontal_scroll
from tests.conftest import REAL_QUESTIONNAIRES


@pytest.fixture
def app_config() -> dict:
    """The real instrument, with CSRF on as in production."""
    return {"WTF_CSRF_ENABLED": True, "QUESTIONNAIRES_PATH": str(REAL_QUESTIONNAIRES)}


def test_a_contributor_finds_and_reads_the_questionnaire(page: Page, create_user, log_in, screenshot):
    user = create_user(Role.municipal_contributor, name="Karel Collega")
    log_in(user.email)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Vragenlijst").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vragenlijsten")
    screenshot(page, "questionnaires-index")
    assert_accessible(page)

    page.get_by_role("link", name="Gemeentelijke regie op integrale veiligheid").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gemeentelijke regie op integrale veiligheid")
    expect(page.get_by_role("heading", level=2)).to_have_count(2 + 11)  # contents, scale, ten knelpunten, profile
    expect(page.locator("article.question")).to_have_count(57)
    screenshot(page, "questionnaire-show-top", full_page=False)
    # the table of contents leads to a theme; every question shows what each level means for it
    page.get_by_role("navigation", name="Inhoud").get_by_role("link", name="Knelpunt 7: Bestuurlijk commitment").click()
    expect(page.locator("#thema-bestuurlijk_commitment")).to_be_in_viewport()
    first = page.locator("article.question").first
    expect(first.get_by_role("table")).to_have_accessible_name("Wat elke score bij vraag 1.1 betekent")
    expect(first.get_by_role("row")).to_have_count(1 + 5)
    expect(page.get_by_role("button", name="Afdrukken of opslaan als pdf")).to_be_visible()  # shown by app.js
    screenshot(page, "questionnaire-show-theme", full_page=False)
    assert_accessible(page)


def test_the_questionnaire_on_a_phone_and_in_print(page: Page, create_user, log_in, screenshot):
    user = create_user(Role.peer_reviewer, name="Peter Peer")
    log_in(user.email)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/questionnaires/regie-integrale-veiligheid/2026.1")
    assert_no_horizontal_scroll(page)
    screenshot(page, "questionnaire-show-phone", full_page=False)
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_be_hidden()
    expect(page.get_by_role("button", name="Afdrukken of opslaan als pdf")).to_be_hidden()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 50_000
