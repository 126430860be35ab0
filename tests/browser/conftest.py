"""Browser tests: Debian's chromium driven by pytest-playwright against the app served from a thread.

One browser per session (pytest-playwright's session-scoped ``browser``); a fresh context and a fresh
server per test, on the same test database as the ``app`` fixture."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from werkzeug.serving import make_server

from tests.conftest import PASSWORD, ROOT

CHROMIUM = "/usr/lib/chromium/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=nl-NL",  # date fields as a Dutch user sees them (dd-mm-jjjj) in the screenshots
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
HERE = Path(__file__).resolve().parent
#: An ``expect`` assertion: what it waits for is on the page already loaded, local and small, so it fails in seconds.
EXPECT_TIMEOUT_MS = 5_000
#: Loading a page (``goto``, ``wait_for_url``, reload) and every action, which includes a click that submits a form
#: or follows a link (Playwright's click waits, within the action's timeout, until the navigation it started has its
#: response) and a download: they wait for the server, which on a loaded machine with two cores can take seconds
#: (a PDF, a workbook, a page after a save). Generous here, so that a slow response is not a failure.
NAVIGATION_TIMEOUT_MS = 30_000
ACTION_TIMEOUT_MS = 30_000

expect.set_options(timeout=EXPECT_TIMEOUT_MS)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def app_config() -> dict:
    """A real browser posts real forms: keep CSRF protection on, as in production."""
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """Serve ``app`` on a free local port from a thread; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server",
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


@pytest.fixture
def new_context(new_context: Callable[..., BrowserContext]) -> Callable[..., BrowserContext]:
    """pytest-playwright's ``new_context`` (behind its ``context`` and ``page``, and for a second window in a test),
    with the timeouts above on every context it makes (a page inherits them)."""
    def _new_context(**kwargs: object) -> BrowserContext:
        context = new_context(**kwargs)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        return context
    return _new_context


@pytest.fixture
def browser_context_args(browser_context_args: dict, live_server: str) -> dict:
    """Every context talks to the live server (so ``page.goto("/auth/login")`` works) in Dutch.

    Depending on ``live_server`` here also orders teardown: contexts close before the server stops."""
    return {
        **browser_context_args,
        "base_url": live_server,
        "locale": "nl-NL",
        "timezone_id": "Europe/Amsterdam",
        "viewport": {"width": 1280, "height": 800},
    }


#: What Chromium writes to the console when the Content-Security-Policy blocks something.
CSP_VIOLATION = re.compile(r"Content Security Policy|Content-Security-Policy", re.I)


@pytest.fixture
def page(page: Page) -> Iterator[Page]:
    """Playwright's page, failing the test when the Content-Security-Policy blocked anything on it.

    No timeouts of its own: a page's default timeout would also become its navigation timeout (Playwright takes the
    page's default before the context's navigation timeout), and loading a page would get 5 seconds again."""
    violations: list[str] = []
    page.on("console", lambda message: violations.append(f"{page.url}: {message.text}")
            if CSP_VIOLATION.search(message.text) else None)
    page.on("pageerror", lambda error: violations.append(f"{page.url}: {error}"))
    yield page
    assert not violations, "blocked by the Content-Security-Policy or a script error:\n" + "\n".join(violations)


@pytest.fixture
def screenshot() -> Callable[..., Path]:
    """``screenshot(page, "name")`` saves a full-page PNG in test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shoot(page, name: str, *, full_page: bool = True) -> Path:
        path = SCREENSHOTS / (re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-") + ".png")
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return _shoot


@pytest.fixture
def log_in(page) -> Callable[..., None]:
    """Log in through the form, as a person would, and wait for the start page."""
    def _log_in(email: str, password: str = PASSWORD) -> None:
        page.goto("/auth/login")
        page.get_by_label("Uw e-mailadres").fill(email)
        page.get_by_label("Wachtwoord", exact=True).fill(password)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_url("**/start")
    return _log_in
