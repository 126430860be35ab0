"""Security headers on every kind of response: pages, redirects, error pages, static files, downloads, the
throttle's 429 and the database's 503; and templates that a strict Content-Security-Policy cannot break."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.exc import OperationalError

from peerreview import create_app
from peerreview.domain.roles import Role
from peerreview.security import allow_inline_styles, content_security_policy
from tests.conftest import base_config

TEMPLATES = Path(__file__).resolve().parents[2] / "peerreview" / "templates"


def csp(response) -> dict[str, str]:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in filter(None, (p.strip() for p in policy.split(";"))):
        name, _, value = part.partition(" ")
        directives[name] = value
    return directives


def assert_security_headers(response, *, inline_styles: bool = False) -> None:
    directives = csp(response)
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == ("'self' 'unsafe-inline'" if inline_styles else "'self'")
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]


def _oversized(client: FlaskClient, login_as, setting) -> object:
    login_as(Role.admin)
    return client.post("/admin/regions/new", data={"name": "x" * (2 * 1024 * 1024)})


def _database_down(client: FlaskClient, login_as, setting, monkeypatch) -> object:
    login_as(Role.admin)

    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr("peerreview.admin.services.list_regions", broken)
    return client.get("/admin/regions")


def _throttled(client: FlaskClient, login_as, setting) -> object:
    for _ in range(3):
        client.post("/auth/login", data={"email": "iemand@gemeente.nl", "password": "Niet-Het-Wachtwoord-1"})
    return client.post("/auth/login", data={"email": "iemand@gemeente.nl", "password": "Niet-Het-Wachtwoord-1"})


#: kind -> (how to get it, expected status)
PAGES: dict[str, tuple[Callable[..., object], int]] = {
    "login page (anonymous)": (lambda c, login_as, s: c.get("/auth/login"), 200),
    "start page (logged in)": (lambda c, login_as, s: (login_as(Role.admin), c.get("/start"))[1], 200),
    "redirect to log-in": (lambda c, login_as, s: c.get("/start"), 302),
    "redirect after log-in": (lambda c, login_as, s: c.post("/auth/login", data={
        "email": s.lead.email, "password": "Correct-Paard-Batterij-9"}), 302),
    "not found": (lambda c, login_as, s: c.get("/bestaat-niet"), 404),
    "forbidden": (lambda c, login_as, s: (login_as(Role.municipal_lead), c.get("/admin/"))[1], 403),
    "method not allowed": (lambda c, login_as, s: c.get("/auth/logout"), 405),
    "too large": (_oversized, 413),
    "static file": (lambda c, login_as, s: c.get("/static/css/app.css"), 200),
    "excel download": (lambda c, login_as, s: (c.post("/auth/login", data={
        "email": s.contributor.email, "password": "Correct-Paard-Batterij-9"}),
        c.get(f"/evaluations/{s.evaluation.id}/excel/download"))[1], 200),
    "throttled": (_throttled, 429),
}


@pytest.fixture
def app_config() -> dict:
    return {"MAX_CONTENT_LENGTH": 1024 * 1024, "LOGIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes"}


@pytest.mark.parametrize("kind", list(PAGES))
def test_every_kind_of_response_carries_the_security_headers(client, login_as, setting, kind):
    get, status = PAGES[kind]
    response = get(client, login_as, setting)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert_security_headers(response)
    response.close()  # a static file is streamed from an open file


def test_a_database_failure_page_carries_them_too(client, login_as, setting, monkeypatch):
    response = _database_down(client, login_as, setting, monkeypatch)
    assert response.status_code == 503
    assert_security_headers(response)


def test_logged_in_pages_and_downloads_are_not_cached_but_static_files_may_be(client, setting, auth):
    auth.login(setting.contributor)
    assert client.get("/start").headers["Cache-Control"] == "no-store"
    assert client.get(f"/evaluations/{setting.evaluation.id}/excel/download").headers["Cache-Control"] == "no-store"
    with client.get("/static/css/app.css") as static:
        assert "no-store" not in static.headers.get("Cache-Control", "")


def test_no_hsts_in_testing_unless_configured(client):
    assert "Strict-Transport-Security" not in client.get("/auth/login").headers


@pytest.mark.parametrize("app_config", [{"HSTS_ENABLED": True, "HSTS_INCLUDE_SUBDOMAINS": True}])
def test_hsts_can_be_switched_on(client):
    assert client.get("/auth/login").headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_hsts_is_on_by_default_outside_debug_and_testing(database_url, tmp_path):
    app = create_app(base_config(database_url, TESTING=False, PUBLIC_BASE_URL="https://peerreview.example.nl"),
                     instance_path=str(tmp_path))
    for path in ("/auth/login", "/bestaat-niet", "/static/css/app.css"):
        with app.test_client().get(path) as response:
            assert response.headers["Strict-Transport-Security"] == "max-age=31536000", path
            assert_security_headers(response)


def test_a_chart_view_may_allow_inline_styles_for_its_own_response_only(app: Flask):
    @allow_inline_styles
    def chart() -> str:
        return "<p>grafiek</p>"

    app.add_url_rule("/test-chart", "test_chart", chart)
    client = app.test_client()
    assert_security_headers(client.get("/test-chart"), inline_styles=True)
    assert_security_headers(client.get("/auth/login"))


def test_the_policy_text():
    assert content_security_policy() == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; "
        "frame-src 'none'; worker-src 'self' blob:; manifest-src 'self'"
    )


# ---------------------------------------------------------------- templates a strict policy cannot break


def _templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_have_no_inline_script_style_or_event_handlers(path: Path):
    source = path.read_text(encoding="utf-8")
    assert not re.search(r"\sstyle\s*=", source), "style attribute (blocked by style-src 'self'): use a class"
    assert not re.search(r"<style[\s>]", source), "<style> element (blocked by style-src 'self'): use app.css"
    assert not re.search(r"\son[a-z]+\s*=", source), "event handler attribute (blocked by script-src 'self')"
    assert "javascript:" not in source.lower()
    for tag in re.findall(r"<script\b[^>]*>", source):
        assert "src=" in tag or 'type="application/json"' in tag, f"inline script {tag} (blocked by script-src)"
