"""Session cookies and the lifetime of a log-in: the flags, a new session at log-in, idle and absolute expiry,
and a session that moves to another browser."""

from __future__ import annotations

import html
import time
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from peerreview import security
from peerreview.config import Defaults
from peerreview.domain.roles import Role

EXPIRED = "Uw sessie is verlopen. Log opnieuw in."


def is_logged_in(client: FlaskClient) -> bool:
    response = client.get("/start")
    return response.status_code == 200


#: The session checks' clock, frozen for each test at its start (the log-in happens at offset 0).
_START = {"now": 0.0}


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    _START["now"] = time.time()
    monkeypatch.setattr(security, "clock", lambda: _START["now"])


def at(monkeypatch: pytest.MonkeyPatch, offset: timedelta) -> None:
    """Let the session checks see 'now' as ``offset`` after the log-in."""
    start = _START["now"]
    monkeypatch.setattr(security, "clock", lambda: start + offset.total_seconds())


# ---------------------------------------------------------------- cookies


def test_the_defaults_protect_the_session_cookie():
    assert Defaults.SESSION_COOKIE_HTTPONLY is True
    assert Defaults.SESSION_COOKIE_SAMESITE == "Lax"
    assert Defaults.SESSION_COOKIE_SECURE is True  # only instance/config.py of `make run` turns it off
    assert Defaults.SESSION_BINDING == "browser"


@pytest.mark.parametrize("app_config", [{"SESSION_COOKIE_SECURE": True}])
def test_the_cookie_set_at_log_in_is_secure_httponly_and_lax(client, create_user, auth):
    response = auth.login(create_user())
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "; Secure" in cookie and "; HttpOnly" in cookie and "; SameSite=Lax" in cookie


# ---------------------------------------------------------------- a new session at log-in


def test_nothing_from_before_log_in_survives(client, create_user, auth):
    with client.session_transaction() as session:
        session["planted"] = "door een aanvaller"
        session["csrf_token"] = "een-bekend-token"  # a CSRF secret an attacker fixed before the log-in
    auth.login(create_user())
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("csrf_token") != "een-bekend-token"
        assert isinstance(session["_login_at"], int) and session["_seen_at"] == session["_login_at"]
        assert session.permanent


def test_log_out_forgets_everything(client, login_as):
    login_as(Role.admin)
    client.post("/auth/logout")
    with client.session_transaction() as session:
        assert set(session) <= {"_flashes"}
    assert not is_logged_in(client)


# ---------------------------------------------------------------- expiry


def test_an_idle_session_ends_with_a_dutch_message(client, login_as, monkeypatch):
    login_as(Role.admin)
    at(monkeypatch, timedelta(minutes=31))
    response = client.get("/admin/regions?q=x")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=/admin/regions?q%3Dx"
    page = html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert EXPIRED in page and "30 minuten zonder activiteit" in page and "altijd na 8 uur" in page
    assert not is_logged_in(client)
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_activity_keeps_a_session_alive(client, login_as, monkeypatch):
    login_as(Role.admin)
    for minutes in (20, 40, 60, 80):
        at(monkeypatch, timedelta(minutes=minutes))
        assert is_logged_in(client), minutes


def test_a_session_ends_after_eight_hours_however_active(client, login_as, monkeypatch):
    login_as(Role.admin)
    for minutes in range(20, 8 * 60 + 1, 20):
        at(monkeypatch, timedelta(minutes=minutes))
        assert is_logged_in(client), minutes
    at(monkeypatch, timedelta(hours=8, minutes=5))
    assert not is_logged_in(client)


@pytest.mark.parametrize("app_config", [{"SESSION_IDLE_TIMEOUT": timedelta(minutes=5)}])
def test_the_idle_time_is_configurable(client, login_as, monkeypatch):
    login_as(Role.admin)
    at(monkeypatch, timedelta(minutes=4))
    assert is_logged_in(client)
    at(monkeypatch, timedelta(minutes=10))
    assert not is_logged_in(client)


def test_an_expired_post_is_not_carried_out(client, login_as, monkeypatch):
    login_as(Role.admin)
    at(monkeypatch, timedelta(hours=1))
    response = client.post("/admin/regions/new", data={"name": "Regio Laat", "description": ""})
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    from sqlalchemy import select

    from peerreview.extensions import db
    from peerreview.models import Region

    assert db.session.scalars(select(Region)).all() == []


def test_a_session_without_its_log_in_time_is_not_accepted(client, create_user, auth):
    user = create_user()
    auth.login(user)
    with client.session_transaction() as session:
        del session["_login_at"]
    assert not is_logged_in(client)


def test_a_session_taken_to_another_browser_ends(client, login_as):
    login_as(Role.admin)
    assert client.get("/start").status_code == 200
    stolen = client.get("/start", headers={"User-Agent": "Een ander programma/1.0"})
    assert stolen.status_code == 302
    page = html.unescape(client.get(stolen.headers["Location"]).get_data(as_text=True))
    assert "vanuit een andere browser" in page
    assert not is_logged_in(client)


def test_by_default_a_new_client_address_does_not_end_the_session(client, login_as):
    login_as(Role.admin)
    assert client.get("/start", environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 200


@pytest.mark.parametrize("app_config", [{"SESSION_BINDING": "browser+address"}])
def test_a_session_can_be_tied_to_the_address_too(client, login_as):
    login_as(Role.admin)
    assert client.get("/start").status_code == 200
    assert client.get("/start", environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 302


@pytest.mark.parametrize("app_config", [{"SESSION_BINDING": "none"}])
def test_the_tie_to_the_browser_can_be_switched_off(client, login_as):
    login_as(Role.admin)
    assert client.get("/start", headers={"User-Agent": "Een ander programma/1.0"}).status_code == 200
