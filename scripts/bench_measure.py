"""In-process measurements of the benchmark: server time per page, SQL queries per page, the exports' time and
memory. Every request goes through the Flask test client with no app context held open around it, so each one
gets its own context and database session, as under a real server."""

from __future__ import annotations

import difflib
import re
import resource
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench_app import FLOOR_PATH
from bench_data import Targets
from bench_report import percentile

USER_AGENT = "peerreview-bench/1 (make bench)"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class PageError(RuntimeError):
    """A measured request did not answer as it should (a 500, a 403, a redirect to the log-in page …)."""


def login(app, email: str, password: str):
    """A test client logged in through the real log-in form (CSRF token included)."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    page = client.get("/auth/login")
    match = _CSRF.search(page.get_data(as_text=True))
    if page.status_code != 200 or not match:
        raise PageError(f"log-in page: status {page.status_code}, csrf token {'found' if match else 'missing'}")
    answer = client.post("/auth/login", data={"email": email, "password": password, "csrf_token": match.group(1)})
    if answer.status_code != 302:
        raise PageError(f"log-in as {email} failed: status {answer.status_code}")
    return client


def anonymous(app):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    return client


@dataclass(frozen=True)
class Page:
    key: str
    title: str
    url: str
    viewer: str  # "anonymous", or an attribute of Targets naming an e-mail address


def key_pages(targets: Targets) -> list[Page]:
    t = targets
    return [
        Page("floor", "Floor: base layout, anonymous, no database", FLOOR_PATH, "anonymous"),
        Page("results", "Result page of a gemeente (lead)", f"/evaluations/{t.published_id}/results", "lead"),
        Page("wizard", f"Wizard, section {t.section_id!r} (contributor)",
             f"/evaluations/{t.wizard_id}/sections/{t.section_id}", "contributor"),
        Page("region", f"Region overview, {t.region_size} gemeenten (coordinator)", f"/rounds/{t.round_id}/results",
             "coordinator"),
        Page("benchmark", "Benchmark (lead)", f"/evaluations/{t.published_id}/benchmark", "lead"),
        Page("plan", "Verbeterplan (lead)", f"/evaluations/{t.published_id}/plan", "lead"),
    ]


class Clients:
    """One logged-in test client per viewer, made on first use."""

    def __init__(self, app, targets: Targets) -> None:
        self.app, self.targets, self._clients = app, targets, {}

    def __call__(self, viewer: str):
        if viewer not in self._clients:
            self._clients[viewer] = anonymous(self.app) if viewer == "anonymous" else \
                login(self.app, getattr(self.targets, viewer), self.targets.password)
        return self._clients[viewer]


def fetch(client, url: str) -> bytes:
    response = client.get(url)
    body = response.get_data()
    status = response.status_code
    response.close()
    if status != 200:
        location = response.headers.get("Location", "")
        raise PageError(f"GET {url}: status {status}" + (f" → {location}" if location else ""))
    return body


# ------------------------------------------------------------------------------------------------ queries


class QueryCounter:
    """Counts the statements sent to the database (``before_cursor_execute`` on the app's engine)."""

    def __init__(self, app) -> None:
        from sqlalchemy import event

        from peerreview.extensions import db

        with app.app_context():
            self.engine = db.engine
        self.active = False
        self.statements: list[str] = []
        event.listen(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.active:
            self.statements.append(statement)

    def count(self, action: Callable[[], object]) -> int:
        self.statements = []
        self.active = True
        try:
            action()
        finally:
            self.active = False
        return len(self.statements)

    def close(self) -> None:
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._seen)


def count_queries(app, targets: Targets, clients: Clients | None = None,
                  statements: dict[str, list[str]] | None = None) -> dict[str, int]:
    """Statements per key page: one request after two warm-up requests (the statements themselves go into
    ``statements`` when given)."""
    clients = clients or Clients(app, targets)
    counter = QueryCounter(app)
    try:
        counts = {}
        for page in key_pages(targets):
            client = clients(page.viewer)
            for _ in range(2):
                fetch(client, page.url)
            counts[page.key] = counter.count(lambda c=client, u=page.url: fetch(c, u))
            if statements is not None:
                statements[page.key] = list(counter.statements)
        return counts
    finally:
        counter.close()


def statement_diff(small: list[str], large: list[str]) -> str:
    """What differs between two requests' statements (whitespace normalised, parameters are placeholders)."""
    def normal(statements: list[str]) -> list[str]:
        return [" ".join(statement.split()) for statement in statements]

    return "\n".join(difflib.unified_diff(normal(small), normal(large), "1×", "10×", lineterm="", n=1))


# ------------------------------------------------------------------------------------------------ time


@dataclass
class Timing:
    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return percentile(self.samples, 0.5)

    @property
    def p95(self) -> float:
        return percentile(self.samples, 0.95)


def time_pages(app, targets: Targets, requests: int, warmup: int, clients: Clients | None = None,
               log=print) -> dict[str, Timing]:
    """``requests`` timed GETs of each key page (after ``warmup`` untimed ones), every one a 200."""
    clients = clients or Clients(app, targets)
    timings = {}
    for page in key_pages(targets):
        client = clients(page.viewer)
        for _ in range(warmup):
            fetch(client, page.url)
        timing = Timing()
        for _ in range(requests):
            started = time.perf_counter()
            fetch(client, page.url)
            timing.samples.append(time.perf_counter() - started)
        timings[page.key] = timing
        log(f"    {page.key:<10} median {timing.median * 1000:8.1f} ms   p95 {timing.p95 * 1000:8.1f} ms")
    return timings


# ------------------------------------------------------------------------------------------------ exports


@dataclass
class ExportResult:
    key: str
    title: str
    url: str | None
    runs: int = 0
    median: float | None = None
    max: float | None = None
    peak_python: int | None = None  # bytes, tracemalloc's peak during one request
    rss_growth: int | None = None  # bytes the process's peak RSS rose above its RSS during one more request
    size: int | None = None
    note: str = ""


def national_export_url(app) -> str | None:
    """The admin's national Excel, when the app has one: a GET rule without arguments whose endpoint names it."""
    for rule in app.url_map.iter_rules():
        if "national" in rule.endpoint and not rule.arguments and "GET" in (rule.methods or ()):
            return rule.rule
    return None


def _status(key: str) -> int | None:
    """A size from /proc/self/status (Linux), in bytes."""
    try:
        found = re.search(rf"^{key}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.MULTILINE)
    except OSError:
        return None
    return int(found.group(1)) * 1024 if found else None


def _reset_peak_rss() -> int | None:
    """Set the process's peak RSS (VmHWM) back to its current RSS (Linux: ``5`` to /proc/self/clear_refs), so the
    peak of one request can be read; the current RSS, or None where that is not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return None
    return _status("VmRSS")


def _peak_rss() -> int:
    return _status("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux


def measure_export(client, key: str, title: str, url: str, *, runs: int, budget: float) -> ExportResult:
    """Median and slowest of up to ``runs`` downloads (at least three, fewer than ``runs`` once ``budget`` seconds
    are spent), after one warm-up; then one more under tracemalloc for the peak of Python's memory."""
    result = ExportResult(key, title, url)
    fetch(client, url)  # warm: fonts, templates, caches
    samples: list[float] = []
    spent = 0.0
    while len(samples) < runs and (len(samples) < 3 or spent < budget):
        started = time.perf_counter()
        body = fetch(client, url)
        samples.append(time.perf_counter() - started)
        spent += samples[-1]
    result.runs, result.size = len(samples), len(body)
    result.median, result.max = percentile(samples, 0.5), max(samples)
    tracemalloc.start()
    try:
        fetch(client, url)
        _current, result.peak_python = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # RSS in a run of its own: tracemalloc's bookkeeping would count too.
    rss_before = _reset_peak_rss() or _peak_rss()
    fetch(client, url)
    result.rss_growth = max(0, _peak_rss() - rss_before)
    return result


def measure_exports(app, targets: Targets, *, runs: int, budget: float, clients: Clients | None = None,
                    log=print) -> list[ExportResult]:
    clients = clients or Clients(app, targets)
    plan = [("pdf_build", "PDF report of one gemeente, laid out anew (lead)",
             f"/evaluations/{targets.published_id}/results/report.pdf", "lead"),
            ("pdf", "PDF report of one gemeente, downloaded again (lead; the kept file)",
             f"/evaluations/{targets.published_id}/results/report.pdf", "lead"),
            ("xlsx", "Excel of one gemeente (lead)", f"/evaluations/{targets.published_id}/results/data.xlsx",
             "lead"),
            ("region_xlsx", f"Excel of the region, {targets.region_size} gemeenten (coordinator)",
             f"/rounds/{targets.round_id}/results/region.xlsx", "coordinator"),
            ("national_xlsx", "National Excel (admin)", national_export_url(app), "admin")]
    results = []
    for key, title, url, viewer in plan:
        if url is None:
            results.append(ExportResult(key, title, None, note="not available (no national export in the app)"))
            log(f"    {key:<14} not available")
            continue
        if key == "pdf_build":  # every download laid out anew: the file is not kept
            kept, app.config["REPORT_PDF_CACHE"] = app.config.get("REPORT_PDF_CACHE", "default"), ""
            try:
                result = measure_export(clients(viewer), key, title, url, runs=runs, budget=budget)
            finally:
                app.config["REPORT_PDF_CACHE"] = kept
        else:
            result = measure_export(clients(viewer), key, title, url, runs=runs, budget=budget)
        log(f"    {key:<14} median {result.median * 1000:8.1f} ms   max {result.max * 1000:8.1f} ms   "
            f"peak {result.peak_python / 2**20:6.1f} MB   size {result.size / 1024:7.0f} kB   ({result.runs} runs)")
        results.append(result)
    return results
