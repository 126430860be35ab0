"""WCAG 2.4.11 (focus not obscured): tabbing through the wizard and the peer scores, every focused element is fully
inside the window and under no sticky or fixed element (the save bar), at 1280×800 and at 200 % zoom.

200 % zoom is modelled as Chromium does it: a 1280×800 window zoomed to 200 % lays the page out in a 640×400
CSS-pixel viewport at a device pixel ratio of 2 (media queries, sticky positioning and scrolling see 640×400), and
that is the context used here."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

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
