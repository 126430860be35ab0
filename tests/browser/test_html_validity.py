"""The W3C Nu HTML checker (vnu-jar from npm, run with Java) finds no error on the pages the browser tests visit.

The demo region (``flask seed demo``) has every stage at once, so one crawl covers them: for each demo user (one per
role and stage) the pages reachable from the start page in a few clicks, one page per kind of URL (numbers replaced),
and the anonymous pages. All pages go to one run of the checker (a Java start costs seconds). Needs Java 17 and
``npm ci`` in scripts/vnu (done here when missing)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from peerreview.seed import demo_email
from peerreview.seed.demo import DEMO_PASSWORD, DEMO_USERS
from tests.conftest import ROOT

VNU_DIR = ROOT / "scripts" / "vnu"
VNU_JAR = VNU_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
#: Not pages: downloads, the log-out, files.
SKIP = re.compile(r"/auth/logout|/static/|\.(pdf|xlsx|csv|zip)(\?|$)|/download|/export")
PAGES_PER_USER = 40


@pytest.fixture
def app_config() -> dict:
    return {"WTF_CSRF_ENABLED": False}


@pytest.fixture(scope="module")
def vnu() -> list[str]:
    java = shutil.which("java")
    assert java, "Java is needed for the Nu HTML checker (Debian: default-jre-headless)"
    if not VNU_JAR.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=VNU_DIR, check=True,
                       capture_output=True)
    return [java, "-Xss8m", "-jar", str(VNU_JAR)]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def _kind(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def crawl(client, start: str, limit: int, seen_kinds: set[str]) -> dict[str, str]:
    """GET pages breadth-first from ``start``, one per kind of URL; returns {url: html}."""
    pages: dict[str, str] = {}
    queue = [start]
    while queue and len(pages) < limit:
        url = queue.pop(0)
        path = urlsplit(url).path
        if _kind(url) in seen_kinds or SKIP.search(url):
            continue
        seen_kinds.add(_kind(url))
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        pages[url] = html
        parser = _Links()
        parser.feed(html)
        for href in parser.links:
            target = urljoin(path, href.split("#")[0])
            if target and urlsplit(target).netloc == "" and target.startswith("/"):
                queue.append(target)
    return pages


def test_the_pages_have_no_html_errors(app, client, runner, vnu, tmp_path: Path):
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    pages: dict[str, str] = {}
    for url in ("/auth/login", "/auth/forgot-password", "/bestaat-niet"):
        response = client.get(url)
        pages[url] = response.get_data(as_text=True)
    for _label, local, _name, _role, _code in DEMO_USERS:
        client.post("/auth/logout")
        response = client.post("/auth/login", data={"email": demo_email(local), "password": DEMO_PASSWORD})
        assert response.status_code == 302, local
        # each user's own kinds of page: a lead's wizard and a coordinator's view of it differ
        pages |= {f"{local} {url}": html for url, html in crawl(client, "/start", PAGES_PER_USER, set()).items()}
    kinds = {_kind(url.split(" ")[-1]) for url in pages}
    for needed in ("/evaluations/N/sections/", "/evaluations/N/consensus/", "/evaluations/N/review/scores",
                   "/evaluations/N/review/consensus", "/evaluations/N/results", "/evaluations/N/benchmark",
                   "/rounds/N/results", "/rounds/new", "/evaluations/N/hearing", "/evaluations/N/plan"):
        assert any(kind.startswith(needed) for kind in kinds), (needed, sorted(kinds))
    names = {}
    for number, (url, html) in enumerate(sorted(pages.items())):
        path = tmp_path / f"page-{number:03}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = url
    run = subprocess.run([*vnu, "--errors-only", "--format", "json", str(tmp_path)], capture_output=True, text=True,
                         timeout=300)
    # vnu exits 0 (no error) or 1 (errors found) and always writes its JSON report: anything else is a broken run
    assert run.returncode in (0, 1) and (run.stderr or run.stdout).strip(), (run.returncode, run.stderr[-2000:])
    messages = json.loads(run.stderr or run.stdout)["messages"]
    errors = [f"{names.get(Path(urlsplit(m.get('url', '')).path).name, m.get('url'))} "
              f"line {m.get('lastLine')}: {m['message']}  [{m.get('extract', '').strip()[:120]}]"
              for m in messages if m["type"] == "error" or m.get("subType") == "fatal"]
    assert errors == [], f"{len(errors)} HTML error(s) on {len(pages)} pages:\n" + "\n".join(errors)
