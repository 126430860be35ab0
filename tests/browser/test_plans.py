"""The verbeterplan in a real browser: Aadorp's lead turns two recommendations into actions, marks one done and sees
the progress update; a due date before the start date is refused; the targets, the round page and, after the plan
period, the chair's voortgangsreview. axe-core finds nothing on any of these pages; screenshots go to
/tmp/shots-plans/ (and test-artifacts/screenshots/)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import assert_accessible, assert_no_horizontal_scroll
from tests.browser.test_self_evaluation import log_out
from tests.conftest import app_today
from tests.evaluations import conftest as evaluations
from tests.plans import conftest as plans
from tests.reviews import conftest as reviews

setting = evaluations.setting  # the fixtures: region, Aadorp and its people ...
review = reviews.review  # ... Aadorp's peer review (Petra Peer chairs) ...
plan = plans.plan  # ... and its report published with two recommendations

SHOTS = Path("/tmp/shots-plans")


def shot(page: Page, name: str, screenshot) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    screenshot(page, f"plans-{name}")


def progress(page: Page):
    return page.locator(".plan-total")


def add_action_for(page: Page, recommendation: int, title: str, owner: str, days: int) -> None:
    page.get_by_role("link", name=f"Actie toevoegen bij aanbeveling {recommendation}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuwe actie: Aadorp")
    expect(page.get_by_role("checkbox").filter(has=page.locator(":checked")).or_(
        page.locator("input[name=recommendations]:checked"))).to_have_count(1)
    page.get_by_label("Titel van de actie").fill(title)
    page.get_by_label("Eigenaar", exact=True).fill(owner)
    page.get_by_label("Einddatum").fill((app_today() + timedelta(days=days)).isoformat())
    page.get_by_role("button", name="Actie opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_the_lead_turns_recommendations_into_actions_and_follows_progress(page: Page, log_in, plan, screenshot, today):
    log_in(plan.lead.email)
    own = page.get_by_role("region", name="Zelfevaluatie")
    own.get_by_role("link", name=f"Verbeterplan {plan.evaluation.round.name}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verbeterplan Aadorp")
    expect(page.get_by_text("2 aanbevelingen open")).to_be_visible()
    assert_accessible(page)
    shot(page, "01-empty-plan", screenshot)

    add_action_for(page, 1, "Integraal veiligheidsplan vaststellen", "Veiligheidscoördinator", 60)
    assert_accessible(page)
    shot(page, "02-action", screenshot)
    page.get_by_role("link", name="Terug naar het verbeterplan").click()

    # a due date before the start date: refused, in Dutch, and nothing saved
    page.get_by_role("link", name="Actie toevoegen bij aanbeveling 2").click()
    page.get_by_label("Titel van de actie").fill("Ketenoverleg beleggen")
    page.get_by_label("Eigenaar", exact=True).fill("Teamchef politie")
    page.get_by_label("Partner").check()
    page.get_by_label("Einddatum").fill((today - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Actie opslaan").click()
    summary = page.get_by_role("alert").filter(has=page.get_by_role("heading", name="Er is een probleem"))
    expect(summary).to_contain_text("De einddatum ligt vóór de startdatum")
    expect(page.get_by_label("Titel van de actie")).to_have_value("Ketenoverleg beleggen")
    assert_accessible(page)
    shot(page, "03-due-before-start", screenshot)
    page.get_by_label("Einddatum").fill((today + timedelta(days=20)).isoformat())
    page.get_by_role("button", name="Actie opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ketenoverleg beleggen")
    page.get_by_role("link", name="Terug naar het verbeterplan").click()
    expect(progress(page)).to_contain_text("0 van 2 afgerond (0%)")
    expect(page.get_by_text("aanbeveling open")).to_have_count(0)

    # mark the first one done: the progress updates, overall and for its theme
    page.get_by_role("link", name="Integraal veiligheidsplan vaststellen").first.click()
    page.get_by_label("Afgerond").check()
    page.get_by_role("button", name="Status opslaan").click()
    expect(page.get_by_role("status").filter(has_text="staat nu op afgerond")).to_be_visible()
    expect(progress(page)).to_contain_text("1 van 2 afgerond (50%)")
    themes = page.get_by_role("region", name="Voortgang per thema")
    analyse = themes.get_by_role("row").filter(has=page.get_by_role("rowheader", name="1. Analyse"))
    expect(analyse).to_contain_text("100%")
    assert_accessible(page)
    shot(page, "04-progress", screenshot)

    page.get_by_role("link", name="Ketenoverleg beleggen").first.click()
    page.get_by_label("Wat is er gebeurd?").fill("Eerste overleg gepland met politie en GGD.")
    page.get_by_role("button", name="Voortgang opslaan").click()
    expect(page.get_by_text("Eerste overleg gepland met politie en GGD.")).to_be_visible()
    assert_accessible(page)

    page.goto(f"/evaluations/{plan.evaluation.id}/plan/targets")
    page.get_by_label("1. Analyse").select_option("4")
    page.get_by_role("button", name="Streefscores opslaan").click()
    expect(page.get_by_role("heading", name="Streefscores en resultaat per thema")).to_be_visible()
    assert_accessible(page)

    page.goto(f"/evaluations/{plan.evaluation.id}/report")
    expect(page.get_by_role("link", name="Integraal veiligheidsplan vaststellen")).to_be_visible()
    assert_accessible(page)
    shot(page, "05-report-links", screenshot)

    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"/evaluations/{plan.evaluation.id}/plan")
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    shot(page, "06-plan-narrow", screenshot)


def test_the_region_follows_plans_and_the_chair_gives_the_verdict(page: Page, log_in, plan, screenshot, today):
    plans.add_action(plan, "Veiligheidsplan opstellen")
    plans.add_action(plan, "Te laat", recommendation=1, start_on=today - timedelta(days=30),
                     due_on=today - timedelta(days=2))
    log_in(plan.setting.coordinator.email)
    page.goto(f"/rounds/{plan.evaluation.round_id}")
    row = page.get_by_role("row").filter(has_text="Aadorp")
    expect(row).to_contain_text("2 acties")
    expect(row).to_contain_text("1 te laat")
    assert_accessible(page)
    shot(page, "07-round", screenshot)
    row.get_by_role("link", name="2 acties verbeterplan Aadorp").click()
    expect(page.get_by_text("1 actie te laat")).to_be_visible()
    expect(page.get_by_role("link", name="Nieuwe actie")).to_have_count(0)
    assert_accessible(page)
    log_out(page)

    plans.end_plan_period(plan.evaluation)
    log_in(plan.chair.email)
    page.goto(f"/evaluations/{plan.evaluation.id}/plan")
    page.get_by_role("link", name="Oordeel per aanbeveling geven").click()
    first = page.get_by_role("region", name="Aanbeveling 1")
    first.get_by_label("Opgevolgd", exact=True).check()
    first.get_by_label("Toelichting").fill("Het plan ligt er.")
    second = page.get_by_role("region", name="Aanbeveling 2")
    second.get_by_label("Niet opgevolgd").check()
    page.get_by_role("button", name="Oordelen opslaan").click()
    expect(page.get_by_role("alert")).to_contain_text("Licht het oordeel kort toe")
    assert_accessible(page)
    shot(page, "08-review-error", screenshot)
    page.get_by_role("region", name="Aanbeveling 2").get_by_label("Toelichting").fill("De actie is te laat.")
    page.get_by_role("button", name="Oordelen opslaan").click()
    expect(page.get_by_text("Het plan ligt er.")).to_be_visible()
    assert_accessible(page)
    log_out(page)

    log_in(plan.lead.email)
    page.goto(f"/evaluations/{plan.evaluation.id}/plan")
    expect(page.get_by_text("De planperiode is voorbij")).to_be_visible()
    expect(page.get_by_text("De actie is te laat.")).to_be_visible()
    expect(page.get_by_role("link", name="Nieuwe actie")).to_have_count(0)
    assert_accessible(page)
    shot(page, "09-plan-after-review", screenshot)
