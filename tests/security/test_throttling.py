"""Log-in throttling: failed attempts per typed address and per client address, the same answer whether or not
the account exists, successes not counted, the limits configurable; and the forgotten-password form."""

from __future__ import annotations

import html
import re

import pytest
from flask.testing import FlaskClient

from peerreview.mail import outbox
from tests.conftest import PASSWORD

WRONG = "Niet-Het-Wachtwoord-1"
THROTTLED = "Er is te vaak geprobeerd in te loggen met dit e-mailadres of vanaf deze verbinding."


@pytest.fixture
def app_config() -> dict:
    return {"LOGIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes", "LOGIN_LIMIT_PER_ADDRESS": "8 per 15 minutes",
            "RESET_REQUEST_LIMIT_PER_ACCOUNT": "2 per hour", "RESET_REQUEST_LIMIT_PER_ADDRESS": "4 per hour"}


def login(client: FlaskClient, email: str, password: str, address: str = "127.0.0.1"):
    return client.post("/auth/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_an_account_is_throttled_after_failed_attempts_even_with_the_right_password(client, create_user):
    user = create_user(email="anna@gemeente.nl")
    assert [login(client, user.email, WRONG).status_code for _ in range(3)] == [200, 200, 200]
    response = login(client, user.email, PASSWORD)
    assert response.status_code == 429
    text = page(response)
    assert THROTTLED in text and "over 15 minuten opnieuw" in text
    assert response.headers["Retry-After"] == "900"
    assert client.get("/start").status_code == 302  # not logged in


def test_the_answer_is_the_same_for_an_account_that_does_not_exist(app, create_user):
    create_user(email="bestaat@gemeente.nl")
    answers = {}
    for email in ("bestaat@gemeente.nl", "bestaat-niet@gemeente.nl"):
        client = app.test_client()
        statuses = [login(client, email, WRONG).status_code for _ in range(4)]
        last = login(client, email, WRONG)
        answers[email] = (statuses, last.status_code, last.headers.get("Retry-After"),
                          page(last).replace(email, "ADRES"))
    known, unknown = answers.values()
    assert known == unknown
    assert known[0] == [200, 200, 200, 429]


def test_typing_the_address_differently_is_still_the_same_account(client, create_user):
    create_user(email="anna@gemeente.nl")
    for email in ("anna@gemeente.nl", " Anna@Gemeente.NL", "ANNA@GEMEENTE.NL "):
        assert login(client, email, WRONG).status_code == 200
    assert login(client, "anna@gemeente.nl", PASSWORD).status_code == 429


def test_one_throttled_account_does_not_block_another(client, create_user):
    other = create_user(email="bert@gemeente.nl")
    for _ in range(4):
        login(client, "anna@gemeente.nl", WRONG)
    assert login(client, other.email, PASSWORD).status_code == 302


def test_an_address_is_throttled_across_accounts_and_other_addresses_are_not(client, create_user):
    user = create_user(email="carla@gemeente.nl")
    statuses = [login(client, f"gok{n}@gemeente.nl", WRONG, "192.0.2.1").status_code for n in range(9)]
    assert statuses == [200] * 8 + [429]
    assert login(client, user.email, PASSWORD, "192.0.2.1").status_code == 429
    assert login(client, user.email, PASSWORD, "192.0.2.2").status_code == 302


def test_successful_log_ins_do_not_count(client, create_user, auth):
    user = create_user()
    for _ in range(12):
        assert auth.login(user).status_code == 302
        auth.logout()


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": False}])
def test_throttling_can_be_switched_off(client, create_user):
    user = create_user()
    for _ in range(20):
        assert login(client, user.email, WRONG).status_code == 200
    assert login(client, user.email, PASSWORD).status_code == 302


@pytest.mark.parametrize("app_config", [{}])
def test_the_default_limits_leave_room_for_typing_errors(client, create_user):
    user = create_user()
    for _ in range(9):
        assert login(client, user.email, WRONG).status_code == 200
    assert login(client, user.email, PASSWORD).status_code == 302


def test_showing_the_form_is_never_throttled(client):
    for _ in range(4):
        login(client, "anna@gemeente.nl", WRONG)
    assert client.get("/auth/login").status_code == 200


def test_requests_for_a_reset_link_are_throttled_alike_for_known_and_unknown_addresses(app, create_user):
    create_user(email="dirk@gemeente.nl")
    results = {}
    for email in ("dirk@gemeente.nl", "niemand@gemeente.nl"):
        client = app.test_client()
        statuses = [client.post("/auth/forgot-password", data={"email": email}).status_code for _ in range(3)]
        results[email] = statuses
        assert "Er zijn te veel aanvragen voor een nieuw wachtwoord" in page(
            client.post("/auth/forgot-password", data={"email": email}))
    assert results["dirk@gemeente.nl"] == results["niemand@gemeente.nl"] == [200, 200, 429]
    assert len([m for m in outbox() if "dirk@gemeente.nl" in m.to]) == 2


def test_the_throttle_page_is_dutch_and_reveals_no_account(client, create_user):
    create_user(email="anna@gemeente.nl")
    for _ in range(3):
        login(client, "anna@gemeente.nl", WRONG)
    text = page(login(client, "anna@gemeente.nl", WRONG))
    assert "Te veel pogingen" in text
    for revealing in ("bestaat", "onbekend", "geblokkeerd"):
        assert not re.search(rf"\b{revealing}\b", text), revealing


@pytest.mark.parametrize("app_config", [{"LOGIN_LIMIT_PER_ADDRESS": "2 per 15 minutes", "TRUSTED_PROXY_COUNT": 1}])
def test_behind_a_proxy_the_forwarded_client_address_counts(client, create_user):
    user = create_user()

    def attempt(forwarded_for: str, password: str = WRONG) -> int:
        return client.post("/auth/login", data={"email": f"gok-{forwarded_for}-{password}@gemeente.nl",
                                                "password": password},
                           headers={"X-Forwarded-For": forwarded_for}).status_code

    assert [attempt("198.51.100.1") for _ in range(3)] == [200, 200, 429]
    assert attempt("198.51.100.2") == 200  # another client behind the same proxy is not blocked
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD},
                           headers={"X-Forwarded-For": "198.51.100.1"})
    assert response.status_code == 429


@pytest.mark.parametrize("app_config", [{"LOGIN_LIMIT_PER_ADDRESS": "2 per 15 minutes"}])
def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(client):
    statuses = [client.post("/auth/login", data={"email": f"gok{n}@gemeente.nl", "password": WRONG},
                            headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code for n in range(3)]
    assert statuses == [200, 200, 429]
