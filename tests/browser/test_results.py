"""The result pages in a real browser: the charts really render (an SVG with the expected traces, drawn by the
plotly.js we serve, under the Content-Security-Policy), their tables are there, axe-core finds nothing, and the
pages are photographed for a look by a person (test-artifacts/screenshots/).

Data: tests/reports' ``build_region``: every member has a published report; minimal questionnaire (themes
Analyse and Keten, profile with Netwerk and Korte lijn naar het bestuur)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import ACTION_TIMEOUT_MS
from tests.browser.test_accessibility import assert_accessible, assert_no_horizontal_scroll
from tests.browser.test_self_evaluation import log_in_on
from tests.reports.conftest import build_region  # noqa: F401  (the fixture)


def rendered(page: Page, key: str) -> None:
    """The chart is drawn once it comes into view (charts.js draws each chart when it scrolls near)."""
    page.locator(f"#chart-{key}").scroll_into_view_if_needed()
    expect(page.locator(f"#chart-{key}[data-rendered]")).to_have_count(1)


def traces(page: Page, key: str, kind: str) -> int:
    """How many traces of a kind plotly drew in the chart's SVG."""
    return page.locator(f"#chart-{key} svg .{kind} > .trace").count()


def test_gemeente_opens_its_results_and_benchmark(page: Page, log_in, screenshot, build_region):  # noqa: F811
    built = build_region(6, rounds=2)
    lead = built.leads[1]
    log_in(lead.email)
    page.get_by_role("link", name=f"Resultaten {built.rounds[-1].name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Resultaten {built.municipalities[1].name}")
    for key in ("radar", "gaps", "profile", "levers", "benchmark", "trend"):
        rendered(page, key)
    assert traces(page, "radar", "scatterlayer") == 2  # self and peer
    assert traces(page, "gaps", "barlayer") == 1
    assert traces(page, "profile", "barlayer") == 2
    assert traces(page, "levers", "barlayer") == 2
    assert traces(page, "benchmark", "barlayer") == 1 and traces(page, "benchmark", "scatterlayer") == 2
    assert traces(page, "trend", "scatterlayer") == 6  # self and peer for analyse, keten and the profile
    for key in ("radar", "gaps", "profile", "levers", "benchmark", "trend"):
        assert page.evaluate(CHART_TEXT_PROBLEMS, key) == [], key
    # titles and legends are drawn on top of the plot (plotly's own styles work under our CSP)
    expect(page.locator("#chart-radar .gtitle")).to_have_text("Zelfevaluatie en peer team per thema")
    expect(page.locator("#chart-radar .legendtext")).to_have_text(["Zelfevaluatie", "Peer team"])
    box = page.locator("#chart-radar").bounding_box()
    legend = page.locator("#chart-radar .legend").bounding_box()
    assert box["y"] <= legend["y"] <= box["y"] + box["height"]
    expect(page.get_by_role("table", name="Zelfscore, score van het peer team en verschil per thema")).to_be_visible()
    expect(page.locator(".chart__fallback")).to_have_count(0)
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    screenshot(page, "results-gemeente")

    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    expect(page.locator("#chart-radar .main-svg").first).to_have_attribute("width", "680")
    page.emulate_media(media="print")
    expect(page.get_by_role("table", name="Peer score van uw gemeente tegenover de andere gemeenten in de regio")
           ).to_be_visible()
    for key in ("radar", "gaps", "profile", "levers", "benchmark", "trend"):  # no label cut off on paper
        assert page.evaluate(CHART_TEXT_PROBLEMS, key) == [], f"print: {key}"
    expect(page.locator(".toc")).to_be_hidden()
    screenshot(page, "results-gemeente-print")
    page.emulate_media(media="screen")
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    expect(page.locator("#chart-radar .main-svg").first).not_to_have_attribute("width", "680")

    page.get_by_role("link", name="Benchmark: regio en grootteklasse").click()
    rendered(page, "region")
    rendered(page, "size_class")  # the same five others: nothing new to subtract, so both groups show
    assert_accessible(page)
    screenshot(page, "results-benchmark")

    # the report as a printable page (the PDF's own template, which a gemeente may publish)
    page.go_back()
    page.get_by_role("link", name="Rapport als webpagina").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Collegiale toets {built.municipalities[1].name}")
    expect(page.get_by_role("heading", level=2, name="Samenvatting")).to_be_visible()
    expect(page.get_by_role("img", name="Staafgrafiek van het verschil", exact=False)).to_be_visible()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    screenshot(page, "results-report-page")


def test_region_coordinator_opens_the_overview(page: Page, log_in, screenshot, build_region):  # noqa: F811
    built = build_region(8, published=[0, 1, 2, 3, 4, 5])
    log_in(built.coordinator.email)
    page.goto(f"/rounds/{built.rounds[0].id}")
    page.get_by_role("link", name="Regio-overzicht: scores, spreiding en aanbevelingen aan regio en Rijk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Regio-overzicht {built.rounds[0].name}")
    rendered(page, "matrix")
    rendered(page, "spread")
    assert page.locator("#chart-matrix svg .hm").count() == 1  # one heatmap
    assert traces(page, "spread", "boxlayer") == 1
    assert page.evaluate(CHART_TEXT_PROBLEMS, "matrix") == [] and page.evaluate(CHART_TEXT_PROBLEMS, "spread") == []
    expect(page.get_by_role("heading", name="Aanbevelingen aan de regio en het Rijk")).to_be_visible()
    expect(page.get_by_text(f"Uit het rapport over {built.municipalities[0].name}").first).to_be_visible()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    screenshot(page, "results-region")


def test_without_javascript_the_tables_carry_the_numbers(new_context, build_region):  # noqa: F811
    built = build_region(6)
    context = new_context(java_script_enabled=False)  # the live server, Dutch, the browser tests' timeouts
    page = context.new_page()
    from tests.conftest import PASSWORD

    page.goto("/auth/login")
    page.get_by_label("Uw e-mailadres").fill(built.leads[0].email)
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.goto(f"/evaluations/{built.evaluation(0).id}/results")
    expect(page.locator(".chart__fallback").first).to_be_visible()
    expect(page.get_by_role("table", name="Zelfscore, score van het peer team en verschil per thema")).to_be_visible()
    context.close()


# ----------------------------------------------------------------- light, and readable at 320 px and 200 % zoom

#: Chart texts that stick out of their chart's box, and tick labels of one axis that overlap each other.
CHART_TEXT_PROBLEMS = """(key) => {
  const chart = document.getElementById('chart-' + key);
  const box = chart.getBoundingClientRect();
  const problems = [];
  const texts = [...chart.querySelectorAll('svg text')].filter(t => t.textContent.trim() && t.getClientRects().length);
  for (const text of texts) {
    const r = text.getBoundingClientRect();
    if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
      problems.push(`'${text.textContent}' sticks out of the chart (text ${Math.round(r.left)}..${Math.round(r.right)}`
                    + ` × ${Math.round(r.top)}..${Math.round(r.bottom)}, chart ${Math.round(box.left)}..`
                    + `${Math.round(box.right)} × ${Math.round(box.top)}..${Math.round(box.bottom)})`);
    }
  }
  const title = chart.querySelector('.gtitle');
  if (title) {
    const t = title.getBoundingClientRect();
    for (const text of texts.filter(x => x !== title && !title.contains(x))) {
      const r = text.getBoundingClientRect();
      if (t.left < r.right - 1 && r.left < t.right - 1 && t.top < r.bottom - 1 && r.top < t.bottom - 1) {
        problems.push(`the title overlaps '${text.textContent}'`);
      }
    }
  }
  for (const axis of chart.querySelectorAll('.xaxislayer-above, .yaxislayer-above, .angularaxistick')) {
    const ticks = [...axis.querySelectorAll('text')].map(t => [t.textContent, t.getBoundingClientRect()]);
    ticks.forEach(([a, p], i) => ticks.slice(i + 1).forEach(([b, q]) => {
      if (p.left < q.right - 1 && q.left < p.right - 1 && p.top < q.bottom - 1 && q.top < p.bottom - 1) {
        problems.push(`ticks '${a}' and '${b}' overlap`);
      }
    }));
  }
  return problems;
}"""


def readable(page: Page, keys: list[str]) -> dict[str, list[str]]:
    """Every chart drawn in its narrow layout and no sideways scroll; returns per chart the texts outside its box and
    the overlapping ticks (none, the caller asserts, after a screenshot)."""
    for key in keys:
        rendered(page, key)
        expect(page.locator(f"#chart-{key}")).to_have_attribute("data-layout", "narrow")
    assert_no_horizontal_scroll(page)
    return {key: problems for key in keys if (problems := page.evaluate(CHART_TEXT_PROBLEMS, key))}


def test_the_chart_pages_at_320_pixels_and_at_200_percent_zoom(browser, browser_context_args, build_region,  # noqa: F811
                                                               screenshot):
    """320 CSS pixels (WCAG 1.4.10), and 200 % zoom of a 1280×800 window: Chromium then lays the page out in a
    640×400 CSS-pixel viewport at a device pixel ratio of 2, which is what this context is."""
    built = build_region(6, rounds=2)
    pages = [(f"/evaluations/{built.evaluation(1).id}/results", ["radar", "gaps", "profile", "levers", "benchmark",
                                                                 "trend"], built.leads[1]),
             (f"/evaluations/{built.evaluation(1).id}/benchmark", ["region", "size_class"], built.leads[1]),
             (f"/rounds/{built.rounds[-1].id}/results", ["matrix", "spread"], built.coordinator)]
    for name, viewport, scale in (("320", {"width": 320, "height": 640}, 1),
                                  ("zoom-200", {"width": 640, "height": 400}, 2)):
        for url, keys, user in pages:
            context = browser.new_context(**{**browser_context_args, "viewport": viewport,
                                             "device_scale_factor": scale})
            context.set_default_timeout(ACTION_TIMEOUT_MS)
            page = context.new_page()
            log_in_on(page, user.email)
            page.goto(url)
            problems = readable(page, keys)
            screenshot(page, f"charts-{name}-{url.strip('/').replace('/', '-')}")
            context.close()
            assert problems == {}, f"{name}: {url}"


def test_charts_are_drawn_as_they_come_into_view_with_a_light_plotly(page: Page, log_in, build_region):  # noqa: F811
    built = build_region(6, rounds=2)
    log_in(built.leads[1].email)
    scripts: list[str] = []
    page.on("response", lambda response: scripts.append(response) if "/vendor/plotly" in response.url else None)
    page.goto(f"/evaluations/{built.evaluation(1).id}/results")
    expect(page.locator("#chart-radar[data-rendered]")).to_have_count(1)  # in view at once
    expect(page.locator("#chart-trend")).not_to_have_attribute("data-rendered", "true")  # far below: not yet
    expect(page.get_by_role("table", name="Zelfscore, score van het peer team en verschil per thema")).to_be_visible()
    rendered(page, "trend")
    (plotly,) = scripts
    headers = plotly.all_headers()
    assert headers["content-encoding"] == "br"
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert int(headers["content-length"]) <= 400 * 1024
    # no map, geo or WebGL trace is in the bundle: plotly injects no map stylesheet
    styles = page.evaluate("() => [...document.querySelectorAll('style')].map(s => s.textContent).join('')")
    assert "maplibregl" not in styles and "mapboxgl" not in styles


def test_the_demos_result_page_at_320_pixels(browser, browser_context_args, runner):
    """The real questionnaire: ten themes with long Dutch names around the radar."""
    from sqlalchemy import select

    from peerreview.extensions import db
    from peerreview.models import Round
    from peerreview.seed import demo_email

    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    current = db.session.scalars(select(Round).order_by(Round.year.desc())).first()
    molenwaard = next(e for e in current.evaluations if e.municipality.name == "Molenwaard-Oost")
    context = browser.new_context(**{**browser_context_args, "viewport": {"width": 320, "height": 640}})
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto("/auth/login")
        page.get_by_label("Uw e-mailadres").fill(demo_email("trekker.molenwaard"))
        page.get_by_label("Wachtwoord", exact=True).fill("demo-Toetsing-2026")
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_url("**/start")
        page.goto(f"/evaluations/{molenwaard.id}/results")
        problems = readable(page, ["radar", "gaps", "profile", "levers", "trend"])
    finally:
        context.close()
    assert problems == {}


def test_a_page_printed_before_scrolling_down_prints_every_chart(page: Page, log_in, build_region):  # noqa: F811
    """Charts are drawn as they come into view; printing (beforeprint) draws the ones not scrolled to yet, once plotly
    is there, so a page printed straight away has them all."""
    built = build_region(6, rounds=2)
    log_in(built.leads[1].email)
    page.goto(f"/evaluations/{built.evaluation(1).id}/results")
    expect(page.locator("#chart-radar[data-rendered]")).to_have_count(1)  # in view at once: plotly is here
    expect(page.locator("#chart-trend")).not_to_have_attribute("data-rendered", "true")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    expect(page.locator("#chart-trend[data-rendered]")).to_have_count(1)
    page.emulate_media(media="print")
    expect(page.locator("#chart-trend")).to_be_visible()
    expect(page.locator("#chart-trend .main-svg").first).to_be_visible()
