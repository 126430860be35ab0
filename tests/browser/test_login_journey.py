"""The log-in journey in a real browser: redirect, log in, start page, log out, errors, keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from peerreview.domain.roles import Role
from tests.conftest import PASSWORD

LOGIN_FAILED = "Deze combinatie van e-mailadres en wachtwoord is onbekend."


@pytest.mark.parametrize(
    ("role", "name", "heading", "welcome"),
    [
        (Role.admin, "Anna de Beheerder", "Overzicht voor de beheerder", "Als beheerder richt u regio's"),
        (Role.municipal_lead, "Mohammed Trekker", "Gemeente Zaanstad",
         "U bent trekker van de zelfevaluatie van gemeente Zaanstad"),
    ],
    ids=["admin", "municipal_lead"],
)
def test_log_in_and_out(page: Page, create_user, create_municipality, role, name, heading, welcome):
    municipality = create_municipality("Zaanstad") if role.needs_municipality else None
    user = create_user(role, name=name, email=f"{role.value}@gemeente.nl", municipality=municipality)

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/auth/login$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    expect(page).to_have_title(re.compile(r"^Inloggen"))

    page.get_by_label("Uw e-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()

    expect(page).to_have_url(re.compile(r"/start$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator(".lead")).to_contain_text(f"Welkom, {name}.")
    expect(page.locator(".lead")).to_contain_text(welcome)
    expect(page.locator(".site-header")).to_contain_text(name)
    expect(page.locator(".site-header")).to_contain_text(role.label)
    expect(page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Start")).to_have_attribute(
        "aria-current", "page"
    )
    beheer = page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Beheer")
    expect(beheer).to_have_count(1 if role is Role.admin else 0)

    page.get_by_role("button", name="Uitloggen").click()

    expect(page).to_have_url(re.compile(r"/auth/login$"))
    expect(page.get_by_role("status")).to_have_text("U bent uitgelogd.")
    expect(page.get_by_role("button", name="Uitloggen")).to_have_count(0)
    # Logged out for real: the start page sends us back to the log-in page.
    page.goto("/start")
    expect(page).to_have_url(re.compile(r"/auth/login\?next=%2Fstart$"))


def test_wrong_password_shows_error_summary_with_focus(page: Page, create_user):
    user = create_user(Role.admin)

    page.goto("/auth/login")
    page.get_by_label("Uw e-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord", exact=True).fill("Verkeerd-wachtwoord-1")
    page.get_by_role("button", name="Inloggen").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.get_by_role("heading", name="Er is een probleem")).to_be_visible()
    expect(summary).to_contain_text(LOGIN_FAILED)
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"Inloggen"))
    # The e-mail address stays filled in; the password does not come back from the server.
    expect(page.get_by_label("Uw e-mailadres")).to_have_value(user.email)
    expect(page.get_by_label("Wachtwoord", exact=True)).to_have_value("")


def test_empty_form_links_each_error_to_its_field(page: Page, live_server: str):
    page.goto("/auth/login")
    page.get_by_role("button", name="Inloggen").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name=re.compile(r"Vul (uw|een) e-mailadres in\.")).click()
    expect(page.get_by_label("Uw e-mailadres")).to_be_focused()
    expect(page.get_by_label("Uw e-mailadres")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Wachtwoord", exact=True)).to_have_accessible_description(
        re.compile("Vul uw wachtwoord in.")
    )


def test_first_tab_reaches_skip_link(page: Page, live_server: str):
    page.goto("/auth/login")
    page.keyboard.press("Tab")

    skip = page.get_by_role("link", name="Naar de inhoud")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # visible once focused, not parked off-screen

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#inhoud$"))
    expect(page.locator("#inhoud")).to_be_focused()
