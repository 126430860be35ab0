"""axe-core (WCAG 2.0/2.1 A and AA) on every page of the Beheer area, for an admin and a region
coordinator, including forms shown with errors; a screenshot of each for a human to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from peerreview.domain.roles import Role
from tests.browser.test_accessibility import axe_violations, describe


@pytest.fixture
def world(create_region, create_municipality, create_user):
    north = create_region("Veiligheidsregio Noord")
    create_region("Regio Zuid")
    zaanstad = create_municipality("Zaanstad", cbs_code="GM0479", inhabitants=158_000, region=north)
    create_municipality("Edam-Volendam", cbs_code="GM0385", inhabitants=37_000, region=north)
    create_municipality("Losdorp", cbs_code="GM3001", inhabitants=8_000)
    lead = create_user(Role.municipal_lead, municipality=zaanstad, name="Lotte Lead")
    create_user(Role.municipal_contributor, municipality=zaanstad, name="Uitgenodigde Collega", password=None)
    create_user(Role.peer_reviewer, municipality=zaanstad, name="Oud Lid", is_active=False)
    admin = create_user(Role.admin, name="Anna Admin")
    coordinator = create_user(Role.region_coordinator, region=north, name="Nico Noord")
    return {"north": north, "zaanstad": zaanstad, "lead": lead, "admin": admin, "coordinator": coordinator}


def check_pages(page: Page, screenshot, prefix: str, paths: list[str], forms: list[str]) -> None:
    """Open every path (and submit every form path empty, to see its errors); collect all violations."""
    found: dict[str, str] = {}
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        screenshot(page, f"{prefix}{path.strip('/').replace('/', '_')}")
        if violations := axe_violations(page):
            found[path] = describe(violations)
    for path in forms:
        page.goto(path)
        for field in page.locator("form.form input.input").all():
            field.fill("")
        page.locator("form.form [type=submit]").first.click()
        page.wait_for_load_state()
        assert page.locator(".error-summary").count() == 1, f"no error summary after an empty {path}"
        screenshot(page, f"{prefix}{path.strip('/').replace('/', '_')}-errors")
        if violations := axe_violations(page):
            found[f"{path} (errors)"] = describe(violations)
    assert not found, "\n\n".join(f"{path}:\n{text}" for path, text in found.items())


def test_admin_pages(page: Page, world, log_in, screenshot):
    log_in(world["admin"].email)
    north, zaanstad, lead = world["north"].id, world["zaanstad"].id, world["lead"].id
    check_pages(page, screenshot, "admin-", [
        "/admin/", "/admin/regions", "/admin/regions/new", f"/admin/regions/{north}",
        f"/admin/regions/{north}/edit", f"/admin/regions/{north}/delete",
        "/admin/municipalities", "/admin/municipalities?q=zaan&size_class=zeer_groot",
        "/admin/municipalities/new", f"/admin/municipalities/{zaanstad}", f"/admin/municipalities/{zaanstad}/edit",
        "/admin/users", "/admin/users?status=invited", "/admin/users/invite", f"/admin/users/{lead}/edit",
        "/admin/audit", "/admin/audit?kind=login_ok&since=2020-01-01", "/admin/audit?since=gisteren",
    ], forms=["/admin/regions/new", "/admin/municipalities/new", "/admin/users/invite"])


def test_coordinator_pages(page: Page, world, log_in, screenshot):
    log_in(world["coordinator"].email)
    north, zaanstad, lead = world["north"].id, world["zaanstad"].id, world["lead"].id
    check_pages(page, screenshot, "coordinator-", [
        "/admin/", f"/admin/regions/{north}", "/admin/municipalities", f"/admin/municipalities/{zaanstad}",
        "/admin/users", "/admin/users/invite", f"/admin/users/{lead}/edit",
    ], forms=["/admin/users/invite"])
