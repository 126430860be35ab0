"""axe-core (WCAG 2.0/2.1/2.2 A and AA; a contrast axe cannot decide counts as a failure unless our own measure of
a chart's text decides it) on every page a person sees before and right after log-in,
with a full-page screenshot of each in test-artifacts/screenshots/ for a human to look at."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from peerreview.domain.roles import Role

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
#: Rules whose "needs review" (incomplete) results fail too: axe could not decide the contrast (text on a gradient,
#: over an image or an SVG), and a number in the region's heatmap at 4.3:1 hid there.
STRICT_INCOMPLETE = {"color-contrast"}
AXE = Axe()


#: Measures the contrast of texts that axe leaves undecided, in charts and in narrow tables (see the file).
SVG_TEXT_CONTRAST = "\n".join(line for line in (Path(__file__).parent / "svg_text_contrast.js").read_text(
    encoding="utf-8").splitlines() if not line.startswith("//"))


def _decide_chart_contrast(page: Page, item: dict) -> dict | None:
    """The nodes of an undecided contrast item that our own measure does not find contrasted enough (or cannot
    decide)."""
    selectors = [" ".join(map(str, node["target"])) for node in item["nodes"]]
    measured = page.evaluate(SVG_TEXT_CONTRAST, selectors)
    left = []
    for node, result in zip(item["nodes"], measured, strict=True):
        if result is not None and result["ratio"] >= result["minimum"]:
            continue
        if result is not None:
            node = dict(node, failureSummary=f"contrast {result['ratio']:.2f}:1 (needs {result['minimum']}:1) for "
                                             f"{result['text']!r}: {result['fg']} on {result['bg']}")
        left.append(node)
    return dict(item, id=item["id"] + " (needs review)", nodes=left) if left else None


def axe_violations(page: Page) -> list[dict]:
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                     "resultTypes": ["violations", "incomplete"]})
    undecided = [_decide_chart_contrast(page, item) for item in results.response["incomplete"]
                 if item["id"] in STRICT_INCOMPLETE]
    return results.response["violations"] + [item for item in undecided if item]


def describe(violations: list[dict]) -> str:
    lines = [f"{len(violations)} axe violation(s):"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}  [{', '.join(v['tags'])}]")
        lines.append(f"  {v['helpUrl']}")
        for node in v["nodes"][:10]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            messages = " / ".join(check.get("message", "") for check in node.get("any", []))
            summary = (node.get("failureSummary") or messages).replace("\n", " / ")
            if summary:
                lines.append(f"       {summary[:400]}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert not violations, describe(violations)
    assert_unique_names(page)


#: The names of tables, charts, menus and labelled sections that more than one element carries (screen readers list
#: these by name; a progress bar named "0 procent" in every row of a table is read in its row and may repeat).
DUPLICATE_NAMES = """() => {
  const text = (ids) => ids.split(/\\s+/).map(id => document.getElementById(id)).filter(Boolean)
                           .map(e => e.textContent).join(' ');
  const caption = (e) => e.tagName === 'TABLE' && e.caption ? e.caption.textContent : '';
  const name = (e) => (e.getAttribute('aria-labelledby') ? text(e.getAttribute('aria-labelledby'))
                       : e.getAttribute('aria-label') || caption(e)).replace(/\\s+/g, ' ').trim();
  const seen = new Map();
  const named = 'table, .chart[role=img], nav, section[aria-labelledby], section[aria-label]';
  for (const e of document.querySelectorAll(named)) {
    const key = (e.getAttribute('role') || e.tagName.toLowerCase()) + ': ' + name(e);
    if (name(e)) seen.set(key, (seen.get(key) || 0) + 1);
  }
  return [...seen].filter(([, count]) => count > 1).map(([key, count]) => `${count}× ${key}`);
}"""


def assert_unique_names(page: Page) -> None:
    """Two tables (charts, menus, sections) with one accessible name cannot be told apart in a screen reader's list."""
    duplicates = page.evaluate(DUPLICATE_NAMES)
    assert duplicates == [], duplicates


def assert_no_horizontal_scroll(page: Page) -> None:
    """WCAG 1.4.10 (reflow): nothing wider than the viewport at 390 CSS pixels."""
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the viewport"


# ----------------------------------------------------------------- people and their data

@pytest.fixture
def person(create_user, create_region, create_municipality) -> Callable[[Role], object]:
    """A user of ``role`` with realistic surroundings, so each start page shows its full content."""
    def _make(role: Role):
        if role is Role.region_coordinator:
            region = create_region("Veiligheidsregio Zaanstreek-Waterland")
            for name, code, inhabitants in [("Zaanstad", "GM0479", 158_000), ("Purmerend", "GM0439", 93_000),
                                            ("Edam-Volendam", "GM0385", 37_000)]:
                create_municipality(name, cbs_code=code, inhabitants=inhabitants, region=region)
            return create_user(role, name="Ria Coördinator", region=region)
        if role in (Role.municipal_lead, Role.municipal_contributor):
            municipality = create_municipality("Zaanstad", cbs_code="GM0479", inhabitants=158_000)
            other = Role.municipal_contributor if role is Role.municipal_lead else Role.municipal_lead
            create_user(other, name="Karel Collega", municipality=municipality)
            create_user(other, name="Nog Niet Geactiveerd", municipality=municipality, password=None)
            return create_user(role, name="Fatima El Amrani", municipality=municipality)
        if role is Role.peer_reviewer:
            return create_user(role, name="Peter Peer",
                               municipality=create_municipality("Purmerend", cbs_code="GM0439"))
        return create_user(role, name="Anna de Beheerder")
    return _make


# ----------------------------------------------------------------- pages before log-in

def test_login_page(page: Page, screenshot):
    page.goto("/auth/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    screenshot(page, "login")
    assert_accessible(page)


def test_login_page_with_errors(page: Page, screenshot):
    page.goto("/auth/login")
    page.get_by_label("Uw e-mailadres").fill("geen-adres")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.locator(".error-summary")).to_be_focused()
    screenshot(page, "login-errors")
    assert_accessible(page)


def test_login_page_with_unknown_combination(page: Page, screenshot):
    page.goto("/auth/login")
    page.get_by_label("Uw e-mailadres").fill("onbekend@gemeente.nl")
    page.get_by_label("Wachtwoord", exact=True).fill("Iets-verkeerds-12")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.locator(".error-summary")).to_be_focused()
    screenshot(page, "login-unknown")
    assert_accessible(page)


def test_forgot_password_page(page: Page, screenshot):
    page.goto("/auth/forgot-password")
    expect(page.get_by_role("heading", level=1)).to_have_text("Wachtwoord vergeten")
    screenshot(page, "forgot-password")
    assert_accessible(page)


def test_not_found_page(page: Page, screenshot):
    response = page.goto("/bestaat-niet")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")
    screenshot(page, "404")
    assert_accessible(page)


# ----------------------------------------------------------------- pages after log-in

@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_start_page(page: Page, person, log_in, screenshot, role: Role):
    user = person(role)
    log_in(user.email)
    expect(page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Start")).to_have_attribute(
        "aria-current", "page")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    screenshot(page, f"start-{role.value}")
    assert_accessible(page)


def test_change_password_page(page: Page, person, log_in, screenshot):
    log_in(person(Role.municipal_lead).email)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Wachtwoord wijzigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wachtwoord wijzigen")
    # The password rules belong to the new-password field: read out with it, shown between label and box.
    expect(page.get_by_label("Nieuw wachtwoord", exact=True)).to_have_accessible_description(
        re.compile(r"^Minstens 10 tekens\.")
    )
    screenshot(page, "change-password")
    assert_accessible(page)

    page.get_by_role("button", name="Wachtwoord wijzigen").click()
    expect(page.locator(".error-summary")).to_be_focused()
    screenshot(page, "change-password-errors")
    assert_accessible(page)


# ----------------------------------------------------------------- a phone: 390 CSS pixels wide

def test_login_page_on_a_phone(page: Page, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/auth/login")
    screenshot(page, "mobile-login")
    assert_no_horizontal_scroll(page)
    assert_accessible(page)


@pytest.mark.parametrize("role", [Role.region_coordinator, Role.municipal_lead],
                         ids=["region_coordinator", "municipal_lead"])
def test_start_page_on_a_phone(page: Page, person, log_in, screenshot, role: Role):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(person(role).email)
    screenshot(page, f"mobile-start-{role.value}")
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
