"""Faults: posts over the size limit, a database that cannot be reached, and a request that fails half-way
(one transaction per request: nothing of it is stored)."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from peerreview import create_app
from peerreview.domain.roles import Role
from peerreview.extensions import db
from peerreview.models import ExcelImport, Region, User
from tests.conftest import base_config, raw_engine

UNREACHABLE = "De database is even niet bereikbaar."
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def lost_connection(*args: object, **kwargs: object) -> None:
    raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))


# ---------------------------------------------------------------- size limits


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 1024 * 1024}])
def test_an_oversized_form_gets_a_friendly_dutch_page(client, login_as):
    login_as(Role.admin)
    response = client.post("/admin/regions/new", data={"name": "x" * (2 * 1024 * 1024), "description": ""})
    assert response.status_code == 413
    text = page(response)
    assert "Bestand te groot" in text and "Het maximum is 1 MB." in text and "Naar de startpagina" in text
    assert db.session.scalars(select(Region)).all() == []


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 1024 * 1024}])
def test_an_oversized_post_before_log_in_is_a_413_too(client):
    response = client.post("/auth/login", data={"email": "a@b.nl", "password": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "Bestand te groot" in page(response)


def test_an_oversized_excel_upload_names_the_limit_on_the_excel_page(client, auth, setting):
    auth.login(setting.contributor)
    boundary = "grens"  # the body is built here: the test client would spool it to a file it never closes
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="groot.xlsx"\r\n'
            f"Content-Type: {XLSX}\r\n\r\n").encode() + b"PK\x03\x04" + b"\0" * (6 * 1024 * 1024) + (
            f"\r\n--{boundary}--\r\n").encode()
    response = client.post(f"/evaluations/{setting.evaluation.id}/excel", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413
    text = page(response)
    assert "Het bestand is te groot: het maximum is 5 MB" in text
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert db.session.scalar(select(func.count()).select_from(ExcelImport)) == 0


# ---------------------------------------------------------------- the database briefly unavailable


def test_a_lost_database_connection_is_a_503_in_dutch_not_a_500(client, login_as, monkeypatch):
    login_as(Role.admin)
    monkeypatch.setattr("peerreview.admin.services.list_regions", lost_connection)
    response = client.get("/admin/regions")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    text = page(response)
    assert UNREACHABLE in text and "Er is niets opgeslagen" in text
    assert "Uitloggen" not in text  # the page does not touch the database again for the user's name


def test_the_app_serves_again_once_the_database_is_back(client, login_as, monkeypatch):
    login_as(Role.admin)
    with monkeypatch.context() as patch:
        patch.setattr("peerreview.admin.services.list_regions", lost_connection)
        assert client.get("/admin/regions").status_code == 503
    assert client.get("/admin/regions").status_code == 200
    assert client.get("/start").status_code == 200  # still logged in


def test_a_failure_after_a_flush_stores_nothing(client, login_as, monkeypatch, database_url):
    """The invitation flushes the new account, then fails while mailing: the account must not remain."""
    login_as(Role.admin)
    monkeypatch.setattr("peerreview.accounts.send_invitation", lost_connection)
    response = client.post("/admin/users/invite", data={"email": "nieuw@gemeente.nl", "name": "Nieuw",
                                                        "role": Role.admin.value})
    assert response.status_code == 503
    engine = raw_engine(database_url)
    try:
        with engine.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(User).where(
                User.email == "nieuw@gemeente.nl")) == 0
    finally:
        engine.dispose()


@pytest.mark.parametrize("app_config", [{"PROPAGATE_EXCEPTIONS": False}])
def test_an_unexpected_error_half_way_is_rolled_back(client, login_as, monkeypatch, database_url):
    login_as(Role.admin)

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug after the flush")

    monkeypatch.setattr("peerreview.accounts.send_invitation", crash)
    response = client.post("/admin/users/invite", data={"email": "nieuw@gemeente.nl", "name": "Nieuw",
                                                        "role": Role.admin.value})
    assert response.status_code == 500
    assert "Er is niets opgeslagen" in page(response)
    engine = raw_engine(database_url)
    try:
        with engine.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(User)) == 1  # only the admin
    finally:
        engine.dispose()


@pytest.fixture
def unreachable_app(tmp_path):
    """An app whose PostgreSQL server does not answer (nothing listens on port 1 of this machine)."""
    app = create_app(base_config("postgresql+psycopg://peerreview@127.0.0.1:1/peerreview?connect_timeout=2",
                                 QUESTIONNAIRES_VERIFY_USED=False), instance_path=str(tmp_path))
    yield app
    with app.app_context():
        db.engine.dispose()


def test_an_unreachable_database_server_is_a_503(unreachable_app):
    client = unreachable_app.test_client()
    assert client.get("/auth/login").status_code == 200  # a page without the database still works
    response = client.post("/auth/login", data={"email": "anna@gemeente.nl", "password": "Wat-Dan-Ook-12"})
    assert response.status_code == 503
    assert UNREACHABLE in page(response)


def test_an_unreachable_database_with_a_logged_in_session_is_a_503(unreachable_app):
    client = unreachable_app.test_client()
    client.get("/auth/login")
    from peerreview import security

    with unreachable_app.test_request_context(headers={"User-Agent": "Werkzeug/test"}):
        fingerprint = security.client_fingerprint("browser")
    with client.session_transaction() as session:
        session.update({"_user_id": "1.abcdef", "_login_at": int(security.clock()),
                        "_seen_at": int(security.clock()), "_client": fingerprint})
    response = client.get("/start", headers={"User-Agent": "Werkzeug/test"})
    assert response.status_code == 503
    assert UNREACHABLE in page(response)
