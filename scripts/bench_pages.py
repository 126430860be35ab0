"""``make bench`` (and ``make bench-pages``): what the key pages weigh and how fast they are in a browser, before and
after, measured with Lighthouse (npm, scripts/lighthouse) in Debian's Chromium; one table in BENCHMARKS.md.

    .venv/bin/python scripts/bench_pages.py [--before REF] [--runs 1] [--output BENCHMARKS.md]

For each of two trees, ``--before`` (default: where this branch left main, ``git merge-base HEAD main``, checked out
in a temporary worktree) and the working tree ("after"): a fresh SQLite database with the demo region
(``flask seed demo``), served by gunicorn (two workers) on 127.0.0.1; then per page and per form factor (Lighthouse's
mobile default, a Moto G Power on slow 4G with 4× CPU slowdown, and its desktop preset) one Lighthouse run on a cold
cache (the median of ``--runs``): the performance score, total blocking time, largest contentful paint, and the bytes
transferred (``total-byte-weight``: what went over the wire, compressed where the server compressed).

Pages: log-in (anonymous); start, wizard (Groenmeer's lead, theme 1); result (Molenwaard-Oost, published, with
trend); benchmark (a gemeente of the previous round, whose region group is shown); region overview (the coordinator,
the previous round: eight published reports). Logged-in pages get the session cookie of a real log-in through the
form (the demo password); the session is not bound to the browser for this run (SESSION_BINDING=""), because
Lighthouse sends its own user agents.

Targets (issue 27): every page at least 95 on mobile; a chart page at most 400 KiB transferred on a cold cache. The
exit code is 0 when a target is missed (this is a report); 1 when a step failed.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE_DIR = ROOT / "scripts" / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
CHROME = "/usr/bin/chromium"
CHROME_FLAGS = ("--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update "
                "--disable-sync --no-first-run")
DEMO_PASSWORD = "demo-Toetsing-2026"  # noqa: S105 (the fictional demo accounts of peerreview/seed/demo.py)
LEAD = "trekker.groenmeer@demo.peerreview.nl"
RESULT_LEAD = "trekker.molenwaard@demo.peerreview.nl"
COORDINATOR = "coordinator@demo.peerreview.nl"
START, END = "<!-- bench_pages:start -->", "<!-- bench_pages:end -->"
PAGES = ("log-in", "start", "wizard", "result", "benchmark", "region overview")
CHART_PAGES = ("result", "benchmark", "region overview")

#: Printed by the tree's own code after seeding: the URLs of the pages and who sees them.
FIND_PAGES = r"""
import json
from sqlalchemy import select
from peerreview import create_app
from peerreview.extensions import db
from peerreview.models import Evaluation, Municipality, Round
from peerreview.evaluation.lifecycle import questionnaire_of

app = create_app()
with app.app_context():
    rounds = db.session.scalars(select(Round).order_by(Round.year.desc())).all()
    current, previous = rounds[0], rounds[1]
    def evaluation(round_, name):
        return next(e for e in round_.evaluations if e.municipality.name == name)
    groenmeer = evaluation(current, "Groenmeer")
    first = questionnaire_of(groenmeer).sections[0].id
    molenwaard = evaluation(current, "Molenwaard-Oost")
    old = evaluation(previous, "Molenwaard-Oost")
    print(json.dumps({
        "log-in": ["/auth/login", None],
        "start": ["/start", "LEAD"],
        "wizard": [f"/evaluations/{groenmeer.id}/sections/{first}", "LEAD"],
        "result": [f"/evaluations/{molenwaard.id}/results", "RESULT_LEAD"],
        "benchmark": [f"/evaluations/{old.id}/benchmark", "RESULT_LEAD"],
        "region overview": [f"/rounds/{previous.id}/results", "COORDINATOR"],
    }))
"""


def log(message: str) -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, text=True, capture_output=True, **kwargs)  # noqa: S603 (our own tools)
    if done.returncode:
        raise RuntimeError(f"{' '.join(cmd)[:200]} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done


class Server:
    """The tree's app on a fresh demo database, under gunicorn."""

    def __init__(self, tree: Path, work: Path) -> None:
        self.tree = tree
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ, "PYTHONPATH": str(tree), "FLASK_APP": "wsgi",
            "PEERREVIEW_SECRET_KEY": "bench-" + "x" * 40,
            "PEERREVIEW_PUBLIC_BASE_URL": self.base,
            "PEERREVIEW_DATABASE_URL": f"sqlite:///{work / 'bench.sqlite'}",
            "PEERREVIEW_SESSION_COOKIE_SECURE": "false", "PEERREVIEW_REMEMBER_COOKIE_SECURE": "false",
            "PEERREVIEW_SESSION_BINDING": "", "PEERREVIEW_RATELIMIT_ENABLED": "false",
        }
        python = sys.executable
        bin_dir = Path(python).parent
        run([str(bin_dir / "flask"), "db", "upgrade"], cwd=tree, env=self.env)
        run([str(bin_dir / "flask"), "seed", "demo"], cwd=tree, env=self.env)
        self.pages = json.loads(run([python, "-c", FIND_PAGES], cwd=tree, env=self.env).stdout.strip().splitlines()[-1])
        self.process = subprocess.Popen(  # noqa: S603 (our own gunicorn)
            [str(bin_dir / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{self.port}", "wsgi:app"], cwd=tree,
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.base + "/auth/login", timeout=5).read()  # noqa: S310 (our own server)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def cookie(self, email: str) -> str:
        """Log in through the form; the session cookie as a header value."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(self.base + "/auth/login", timeout=30).read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        data = {"email": email, "password": DEMO_PASSWORD}
        if token:
            data["csrf_token"] = token.group(1)
        opener.open(self.base + "/auth/login", urllib.parse.urlencode(data).encode(), timeout=30).read()
        cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
        if "session=" not in cookies:
            raise RuntimeError(f"log-in as {email} failed")
        return cookies

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def lighthouse(url: str, cookie: str | None, form_factor: str, work: Path) -> dict:
    out = work / "lh.json"
    cmd = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
           "--only-categories=performance", f"--chrome-flags={CHROME_FLAGS}", "--max-wait-for-load=60000"]
    if form_factor == "desktop":
        cmd.append("--preset=desktop")
    if cookie:
        cmd.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    for attempt in range(3):  # Lighthouse now and then fails to record a trace (NO_NAVSTART): run it again
        try:
            run(cmd, env={**os.environ, "CHROME_PATH": CHROME}, timeout=300)
            break
        except RuntimeError:
            if attempt == 2:
                raise
    report = json.loads(out.read_text())
    if report.get("runtimeError"):
        raise RuntimeError(f"{url}: {report['runtimeError']}")
    final = report.get("finalDisplayedUrl") or report.get("finalUrl", "")
    if "/auth/login" in final and "/auth/login" not in url:
        raise RuntimeError(f"{url}: Lighthouse was sent to the log-in page")
    audits = report["audits"]
    return {"score": round(report["categories"]["performance"]["score"] * 100),
            "bytes": audits["total-byte-weight"]["numericValue"],
            "tbt": audits["total-blocking-time"]["numericValue"],
            "lcp": audits["largest-contentful-paint"]["numericValue"]}


def bytes_with_charts(base: str, path: str, cookie: str | None) -> float:
    """Bytes over the wire (encoded) for the page with every chart drawn: a cold browser (Playwright, Debian's
    Chromium, 1350×940) loads the page, scrolls to each chart and waits until all are drawn. Lighthouse sees only
    what loads without scrolling, and charts below the fold load plotly only when they come into view."""
    from playwright.sync_api import sync_playwright

    total = 0.0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/lib/chromium/chromium",
                                             args=CHROME_FLAGS.split())
        context = browser.new_context(viewport={"width": 1350, "height": 940},
                                      extra_http_headers={"Cookie": cookie} if cookie else {})
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})

        def finished(event: dict) -> None:
            nonlocal total
            total += event["encodedDataLength"]

        cdp.on("Network.loadingFinished", finished)
        page.goto(base + path, wait_until="load")
        for chart_id in page.eval_on_selector_all("[data-chart]", "charts => charts.map(c => c.id)"):
            page.locator(f"#{chart_id}").scroll_into_view_if_needed()
            page.wait_for_selector(f"#{chart_id}[data-rendered]", timeout=60_000)
        page.wait_for_load_state("networkidle")
        browser.close()
    return total


def measure(tree: Path, runs: int, label: str) -> dict:
    results: dict[tuple[str, str], dict] = {}
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        work = Path(tmp)
        server = Server(tree, work)
        try:
            users = {"LEAD": LEAD, "RESULT_LEAD": RESULT_LEAD, "COORDINATOR": COORDINATOR}
            cookies = {key: server.cookie(email) for key, email in users.items()}
            for page in PAGES:
                path, who = server.pages[page]
                for form_factor in ("mobile", "desktop"):
                    samples = [lighthouse(server.base + path, cookies.get(who), form_factor, work) for _ in range(runs)]
                    result = {key: statistics.median(s[key] for s in samples) for key in samples[0]}
                    if form_factor == "mobile":
                        result["drawn"] = bytes_with_charts(server.base, path, cookies.get(who))
                    results[(page, form_factor)] = result
                    log(f"  {label:6} {page:16} {form_factor:7} score {result['score']:>5.0f}  "
                        f"{result['bytes'] / 1024:8.1f} KiB  TBT {result['tbt']:6.0f} ms  LCP {result['lcp']:6.0f} ms"
                        + (f"  with charts drawn {result['drawn'] / 1024:8.1f} KiB" if "drawn" in result else ""))
        finally:
            server.stop()
    return results


def before_tree(ref: str, work: Path) -> Path:
    path = work / "before"
    run(["git", "worktree", "add", "--detach", str(path), ref], cwd=ROOT)
    return path


def table(before: dict, after: dict, before_ref: str, after_ref: str, runs: int) -> str:
    def kib(value: float) -> str:
        return f"{value / 1024:,.0f}"

    lines = [
        START,
        "## Pages in the browser: bytes and Lighthouse performance (issue 27)",
        "",
        f"Made by `scripts/bench_pages.py` (`make bench`, or `make bench-pages` for this table alone) on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC: Lighthouse {lighthouse_version()} in Debian's Chromium, "
        f"{'one run' if runs == 1 else f'median of {runs} runs'} per cell, cold cache, the demo region under "
        f"gunicorn -w 2 on 127.0.0.1 (the machine's two cores shared with the run). Before: `{before_ref}`; "
        f"after: `{after_ref}`. KiB = Lighthouse's total byte weight, what loads without scrolling (compressed as "
        "sent); \"with every chart drawn\": the same page in a cold browser scrolled to every chart until all are "
        "drawn (charts below the fold fetch plotly only then). Targets: mobile ≥ 95 on every page; a chart page ≤ "
        "400 KiB, with every chart drawn.",
        "",
        "| page | KiB before | KiB after | KiB with every chart drawn, before | after | mobile before | mobile after "
        "| desktop before | desktop after | mobile TBT after (ms) | mobile LCP after (s) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page in PAGES:
        b_m, a_m = before[(page, "mobile")], after[(page, "mobile")]
        b_d, a_d = before[(page, "desktop")], after[(page, "desktop")]
        size_ok = page not in CHART_PAGES or max(a_m["bytes"], a_m["drawn"]) <= 400 * 1024
        lines.append(
            f"| {page} | {kib(b_m['bytes'])} | {kib(a_m['bytes'])} | {kib(b_m['drawn'])} "
            f"| {kib(a_m['drawn'])}{'' if size_ok else ' ✗'} | {b_m['score']:.0f} "
            f"| {a_m['score']:.0f}{'' if a_m['score'] >= 95 else ' ✗'} | {b_d['score']:.0f} | {a_d['score']:.0f} "
            f"| {a_m['tbt']:.0f} | {a_m['lcp'] / 1000:.1f} |")
    missed = [p for p in PAGES if after[(p, "mobile")]["score"] < 95]
    heavy = [p for p in CHART_PAGES if p in PAGES
             and max(after[(p, "mobile")]["bytes"], after[(p, "mobile")]["drawn"]) > 400 * 1024]
    lines += ["", "Targets: " + ("every page ≥ 95 on mobile ✓" if not missed else
                                 "mobile ≥ 95 missed on " + ", ".join(missed) + " ✗")
              + "; " + ("every chart page ≤ 400 KiB ✓" if not heavy else "over 400 KiB: " + ", ".join(heavy) + " ✗"),
              END]
    return "\n".join(lines) + "\n"


def lighthouse_version() -> str:
    return run([str(LIGHTHOUSE), "--version"]).stdout.strip()


def write(section: str, output: Path) -> None:
    text = output.read_text(encoding="utf-8") if output.exists() else "# Benchmarks\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + section.rstrip("\n") + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    output.write_text(text, encoding="utf-8")


#: main just before issue 27 (the full plotly.min.js, no compression): the default "before" on main itself.
ISSUE_27_BASE = "7598521"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default=None, help="git ref of the 'before' tree (default: merge-base with main)")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=LIGHTHOUSE_DIR)
    before_ref = args.before or run(["git", "merge-base", "HEAD", "main"], cwd=ROOT).stdout.strip()[:10]
    after_ref = run(["git", "rev-parse", "--short=10", "HEAD"], cwd=ROOT).stdout.strip()
    if run(["git", "rev-parse", before_ref], cwd=ROOT).stdout == run(["git", "rev-parse", "HEAD"], cwd=ROOT).stdout:
        # on main itself the merge-base is HEAD: "before" would be "after"; compare with main before issue 27
        before_ref = ISSUE_27_BASE
        log(f"before = after on main: comparing with {ISSUE_27_BASE} (main before the light chart pages)")
    if run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT).stdout.strip():
        after_ref += " with uncommitted changes"
    work = Path(tempfile.mkdtemp(prefix="bench-pages-trees-"))
    tree = None
    try:
        tree = before_tree(before_ref, work)
        log(f"before: {before_ref}")
        before = measure(tree, args.runs, "before")
        log(f"after: {after_ref}")
        after = measure(ROOT, args.runs, "after")
    finally:
        if tree is not None:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT,  # noqa: S603, S607
                           check=False)
        shutil.rmtree(work, ignore_errors=True)
    section = table(before, after, before_ref, after_ref, args.runs)
    write(section, args.output)
    log(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
