"""WCAG 2.4.11 (focus not obscured): tabbing through the wizard and the peer scores, every focused element is fully
inside the window and under no sticky or fixed element (the save bar), at 1280×800 and at 200 % zoom.

200 % zoom is modelled as Chromium does it: a 1280×800 window zoomed to 200 % lays the page out in a 640×400
CSS-pixel viewport at a device pixel ratio of 2 (media queries, sticky positioning and scrolling see 640×400), and
that is the context used here."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from sqlalchemy import select

from peerreview.evaluation.lifecycle import questionnaire_of
from peerreview.extensions import db
from peerreview.models import Round
from peerreview.seed import demo_email
from peerreview.seed.demo import DEMO_PASSWORD
from tests.browser.conftest import ACTION_TIMEOUT_MS
from tests.browser.test_self_evaluation import log_in_on
from tests.evaluations import conftest as evaluations
from tests.reviews import conftest as reviews

setting = evaluations.setting  # the fixtures: Aadorp and its people ...
review = reviews.review  # ... and Aadorp submitted, with its peer team

#: What covers the focused element, or why it is not fully in view; null when nothing is focused.
FOCUS_PROBLEMS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const r = el.getBoundingClientRect();
  const width = document.documentElement.clientWidth, height = document.documentElement.clientHeight;
  const name = (el.tagName + ' ' + (el.getAttribute('name') || el.id || el.textContent || '')).trim().slice(0, 60);
  const problems = [];
  if (r.top < -0.5 || r.left < -0.5 || r.bottom > height + 0.5 || r.right > width + 0.5) {
    problems.push(`${name}: not fully in the window (${Math.round(r.top)}..${Math.round(r.bottom)} of ${height})`);
  }
  for (const other of document.querySelectorAll('body *')) {
    const position = getComputedStyle(other).position;
    if ((position !== 'sticky' && position !== 'fixed') || other.contains(el)) continue;
    const o = other.getBoundingClientRect();
    if (!o.width || !o.height) continue;
    if (r.left < o.right && o.left < r.right && r.top < o.bottom && o.top < r.bottom) {
      problems.push(`${name}: under ${other.tagName}.${other.className}`);
    }
  }
  return {name, problems};
}"""

SIZES = {"1280x800": ({"width": 1280, "height": 800}, 1), "zoom-200": ({"width": 640, "height": 400}, 2)}


def tab_through(page: Page, limit: int = 400) -> tuple[int, list[str]]:
    """Tab from the top of the page to its end; the number of focus stops and what was wrong at each."""
    seen: list[str] = []
    problems: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        result = page.evaluate(FOCUS_PROBLEMS)
        if result is None:
            break
        marker = page.evaluate("() => { const e = document.activeElement; "
                               "return [...document.querySelectorAll('*')].indexOf(e); }")
        if seen and marker == seen[0]:
            break  # round again
        seen.append(marker)
        problems.extend(result["problems"])
    return len(seen), problems


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("where", ["wizard", "peer scores"])
def test_the_focused_element_is_never_hidden(browser, browser_context_args, review, where: str, size: str):
    viewport, scale = SIZES[size]
    context = browser.new_context(**{**browser_context_args, "viewport": viewport, "device_scale_factor": scale})
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    try:
        evaluation = review.evaluation
        if where == "wizard":
            # Aadorp has submitted (its peers review it); Beekdal's self-evaluation is still a draft
            user, url = review.setting.contributor_b, f"/evaluations/{review.setting.evaluation_b.id}/sections/analyse"
        else:
            user, url = review.chair, f"/evaluations/{evaluation.id}/review/scores"
        log_in_on(page, user.email)
        page.goto(url)
        stops, problems = tab_through(page)
        assert stops > 10, f"only {stops} focus stops on {url}"
        assert problems == [], "\n".join(problems)
    finally:
        context.close()


#: WCAG 1.4.12 text spacing: the overrides a user may set; nothing may be lost or need sideways scrolling. Added
#: as a constructed style sheet (CSSOM), which the Content-Security-Policy does not block.
TEXT_SPACING = """() => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync('* { line-height: 1.5 !important; letter-spacing: 0.12em !important; ' +
                    'word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }');
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}"""


def test_text_spacing_at_320_pixels_needs_no_sideways_scrolling(browser, browser_context_args, runner):
    """On the demo (the real questionnaire: long Dutch theme names such as "Sturingsmogelijkheden")."""
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    rounds = db.session.scalars(select(Round).order_by(Round.year.desc())).all()
    by_name = {e.municipality.name: e for e in rounds[0].evaluations}
    groenmeer, havenstede = by_name["Groenmeer"], by_name["Havenstede"]
    sections = [s.id for s in questionnaire_of(groenmeer).sections]
    visits = {demo_email("trekker.groenmeer"): [f"/evaluations/{groenmeer.id}/consensus/{s}" for s in sections[:3]]
              + [f"/evaluations/{groenmeer.id}/sections/{sections[0]}"],
              demo_email("peer.dijkhuizen"): [f"/evaluations/{havenstede.id}/review/scores"]}
    context = browser.new_context(**{**browser_context_args, "viewport": {"width": 320, "height": 640}})
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    problems = []
    try:
        for email, urls in visits.items():
            page.goto("/auth/login")
            page.get_by_label("Uw e-mailadres").fill(email)
            page.get_by_label("Wachtwoord", exact=True).fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Inloggen").click()
            page.wait_for_url("**/start")
            for url in urls:
                page.goto(url)
                page.evaluate(TEXT_SPACING)
                overflow = page.evaluate(
                    "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
                if overflow > 0:
                    wide = page.evaluate("""() => [...document.querySelectorAll('main *')]
                        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                                     && !e.closest('.table-wrap'))
                        .slice(0, 3).map(e => e.tagName + '.' + e.className)""")
                    problems.append(f"{url}: {overflow}px sideways ({wide})")
            page.get_by_role("button", name="Uitloggen").click()
    finally:
        context.close()
    assert problems == []
