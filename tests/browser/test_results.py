"""The result pages in a real browser: the charts really render (an SVG with the expected traces, drawn by the
plotly.js we serve, under the Content-Security-Policy), their tables are there, axe-core finds nothing, and the
pages are photographed for a look by a person (test-artifacts/screenshots/).

Data: tests/reports' ``build_region``: every member has a published report; minimal questionnaire (themes
Analyse and Keten, profile with Netwerk and Korte lijn naar het bestuur)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import assert_accessible, assert_no_horizontal_scroll
from tests.reports.conftest import build_region  # noqa: F401  (the fixture)


def rendered(page: Page, key: str) -> None:
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
