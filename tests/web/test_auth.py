"""Account flows through real requests: log-in, log-out, forgotten password, activation, password change,
deactivation. Each test checks the effect that matters: status, the Dutch text on the page, the stored
account and whether the session is (still) logged in."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from peerreview.accounts import AccountError, send_invitation
from peerreview.auth import services
from peerreview.auth.session import session_id_for
from peerreview.domain.roles import Role
from peerreview.extensions import db
from peerreview.mail import outbox
from peerreview.models import User
from peerreview.templating import format_duration
from tests.conftest import PASSWORD

NEW_PASSWORD = "Fietsen-Langs-De-Vecht-27"
LOGIN_FAILED = "Deze combinatie van e-mailadres en wachtwoord is onbekend."
CSRF_MESSAGE = "Het formulier is verlopen of ongeldig (beveiligingscode ontbreekt)."
INVALID_EMAIL = "Vul een geldig e-mailadres in, zoals naam@gemeente.nl."
TOO_SHORT = "Kies een wachtwoord van minstens 10 tekens."
TOO_EASY = "Dit wachtwoord is te makkelijk te raden."
PERSONAL = "Uw wachtwoord mag niet gelijk zijn aan uw naam of e-mailadres."
NOT_EQUAL = "De twee wachtwoorden zijn niet gelijk."
SENT = "bij ons bekend is, ontvangt u binnen enkele minuten een e-mail"


# ------------------------------------------------------------------ harness


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def stored(user: User) -> User:
    """The account as it is in the database now."""
    db.session.rollback()
    return db.session.get(User, user.id)


def session_user(client: FlaskClient) -> str | None:
    with client.session_transaction() as session:
        return session.get("_user_id")


def is_logged_in(client: FlaskClient) -> bool:
    response = client.get("/start")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def error_summary(response) -> str:
    found = re.search(r'<ul class="error-summary__list">(.*?)</ul>', text(response), re.S)
    return found.group(1).strip() if found else ""


def csrf_token(response) -> str:
    return re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', text(response)).group(1)


def mailed_path(kind: str) -> str:
    """The path of the last mailed link of ``kind`` ('reset-password' or 'activate')."""
    links = re.findall(rf"https?://\S+/auth/{kind}/\S+", "\n".join(mail.body for mail in outbox()))
    assert links, [mail.body for mail in outbox()]
    return urlsplit(links[-1]).path


def travel(monkeypatch: pytest.MonkeyPatch, delta: timedelta) -> None:
    """Move the token clock forward (the server's notion of 'now' when it checks a link)."""
    monkeypatch.setattr("peerreview.tokens.clock", lambda: time.time() + delta.total_seconds())


@pytest.fixture
def reset_link(client: FlaskClient) -> Callable[[User], str]:
    def _request(user: User) -> str:
        response = client.post("/auth/forgot-password", data={"email": user.email})
        assert response.status_code == 200
        return mailed_path("reset-password")
    return _request


@pytest.fixture
def invite(app: Flask, create_user) -> Callable[..., tuple[User, str]]:
    """Create a user without a password, send the invitation, return (user, link path)."""
    def _invite(role: Role = Role.municipal_contributor, **kwargs: object) -> tuple[User, str]:
        user = create_user(role, password=None, **kwargs)
        with app.test_request_context():
            link = send_invitation(user)
            db.session.commit()
        return user, urlsplit(link).path
    return _invite


def post_new_password(client: FlaskClient, path: str, password: str, confirm: str | None = None):
    return client.post(path, data={"password": password, "confirm": password if confirm is None else confirm})


# ------------------------------------------------------------------ log-in


def test_login_page_is_dutch(client: FlaskClient) -> None:
    page = client.get("/auth/login")
    assert page.status_code == 200
    body = text(page)
    assert "<title>Inloggen · peerreview</title>" in body
    assert "Uw e-mailadres" in body and "Wachtwoord vergeten?" in body


START_PAGES = {
    Role.admin: "Als beheerder richt u regio's, gemeenten en gebruikers in.",
    Role.region_coordinator: "U coördineert de collegiale toetsing in",
    Role.municipal_lead: "U bent trekker van de zelfevaluatie van gemeente",
    Role.municipal_contributor: "U draagt bij aan de zelfevaluatie van gemeente",
    Role.peer_reviewer: "U toetst als collega de regie op integrale veiligheid",
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_lands_on_its_start_page(client: FlaskClient, create_user, auth, role: Role) -> None:
    user = create_user(role, name="Fatima el Amrani")
    response = auth.login(user)
    assert response.status_code == 302
    assert response.headers["Location"] == "/start"
    start = client.get("/start")
    assert start.status_code == 200
    assert "Welkom, Fatima el Amrani" in text(start)
    assert START_PAGES[role] in text(start)


def test_login_records_last_login_and_starts_a_session(client: FlaskClient, create_user, auth) -> None:
    user = create_user()
    assert user.last_login_at is None
    before = datetime.now(UTC)
    auth.login(user)
    last = stored(user).last_login_at
    assert last is not None and before - timedelta(seconds=1) <= last <= datetime.now(UTC)
    assert session_user(client) == session_id_for(stored(user))


def test_login_starts_a_fresh_session(client: FlaskClient, create_user, auth) -> None:
    """Nothing from before the log-in is carried over (no session fixation)."""
    user = create_user()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    auth.login(user)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.permanent


def test_email_is_case_and_space_insensitive(client: FlaskClient, create_user, auth) -> None:
    create_user(email="j.de.vries@gemeente.nl")
    response = auth.login("  J.de.Vries@Gemeente.NL ")
    assert response.status_code == 302
    assert is_logged_in(client)


@pytest.fixture
def failing_account(create_user) -> Callable[..., tuple[str, str]]:
    """Return (email, password) for each way a log-in must fail."""
    def _make(case: str, email: str = "anna@gemeente.nl") -> tuple[str, str]:
        if case == "wrong password":
            return create_user(email=email).email, "Niet-Het-Wachtwoord-1"
        if case == "unknown e-mail":
            return email, PASSWORD
        if case == "inactive account":
            return create_user(email=email, is_active=False).email, PASSWORD
        if case == "not yet activated":
            return create_user(email=email, password=None).email, PASSWORD
        raise AssertionError(case)
    return _make


FAILURES = ["wrong password", "unknown e-mail", "inactive account", "not yet activated"]


@pytest.mark.parametrize("case", FAILURES)
def test_failed_login_says_the_same_thing_keeps_email_drops_password(
    client: FlaskClient, auth, failing_account, case: str
) -> None:
    email, password = failing_account(case)
    response = auth.login(email, password)
    assert response.status_code == 200
    body = text(response)
    assert error_summary(response) == f"<li>{LOGIN_FAILED} Controleer beide en probeer het opnieuw.</li>"
    assert f'value="{email}"' in body
    assert password not in body and PASSWORD not in body
    assert session_user(client) is None
    assert not is_logged_in(client)


def test_failed_logins_are_indistinguishable(auth, failing_account) -> None:
    pages = set()
    for number, case in enumerate(FAILURES):
        email, password = failing_account(case, email=f"persoon{number}@gemeente.nl")
        pages.add(text(auth.login(email, password)).replace(email, "EMAIL"))
    assert len(pages) == 1


@pytest.mark.parametrize("case", ["inactive account", "not yet activated", "wrong password"])
def test_failed_login_does_not_touch_the_account(auth, failing_account, case: str) -> None:
    email, password = failing_account(case)
    auth.login(email, password)
    user = db.session.scalar(db.select(User).where(User.email == email))
    assert user.last_login_at is None


@pytest.mark.parametrize(
    ("email", "password", "messages"),
    [
        ("geen-e-mailadres", PASSWORD, [INVALID_EMAIL]),
        ("jan@", PASSWORD, [INVALID_EMAIL]),
        ("<script>@gemeente.nl", PASSWORD, [INVALID_EMAIL]),
        ("a" * 250 + "@gemeente.nl", PASSWORD, ["Een e-mailadres is hoogstens 254 tekens lang."]),
        ("", "", ["Vul uw e-mailadres in.", "Vul uw wachtwoord in."]),
        ("jan@gemeente.nl", "", ["Vul uw wachtwoord in."]),
        ("jan@gemeente.nl", "x" * 300, ["Een wachtwoord is hoogstens 256 tekens lang."]),
    ],
    ids=["no-at", "no-domain", "markup", "too-long-email", "empty", "no-password", "huge-password"],
)
def test_bad_login_input_gets_a_dutch_field_message(
    client: FlaskClient, create_user, email: str, password: str, messages: list[str]
) -> None:
    create_user(email="jan@gemeente.nl")
    response = client.post("/auth/login", data={"email": email, "password": password})
    assert response.status_code == 200
    summary = error_summary(response)
    for message in messages:
        assert message in summary
    assert LOGIN_FAILED not in summary
    assert "<script>" not in response.get_data(as_text=True)
    assert session_user(client) is None


def test_login_without_form_fields_is_no_error(client: FlaskClient) -> None:
    response = client.post("/auth/login", data={})
    assert response.status_code == 200
    assert "Vul uw wachtwoord in." in error_summary(response)


@pytest.mark.parametrize("target", ["/auth/password", "/admin/users?page=2", "/start#vandaag"])
def test_next_to_a_local_path_is_followed(client: FlaskClient, create_user, target: str) -> None:
    user = create_user(Role.admin)
    response = client.post("/auth/login", query_string={"next": target},
                           data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example", "https://evil.example", "http://evil.example/start", "/\\evil.example",
        "\\\\evil.example", "/\\/evil.example", "///evil.example", "https:evil.example", "javascript:alert(1)",
        "evil.example", "start", "/\t/evil.example", "/\n/evil.example", "/start\r\nSet-Cookie: x=1",
        " //evil.example", "/ /evil.example", "",
    ],
)
def test_next_elsewhere_is_ignored(client: FlaskClient, create_user, target: str) -> None:
    user = create_user()
    response = client.post("/auth/login", query_string={"next": target},
                           data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/start"
    assert is_logged_in(client)


def test_nul_characters_in_login_are_refused_before_the_view(client: FlaskClient, create_user) -> None:
    """The app-wide guard (peerreview/requests.py) answers 400 before any view; nobody is logged in."""
    user = create_user()
    for query, email in (("?next=/%00", user.email), ("", user.email + "\x00")):
        response = client.post(f"/auth/login{query}", data={"email": email, "password": PASSWORD})
        assert response.status_code == 400
        assert session_user(client) is None


def test_protected_page_sends_to_login_and_back(client: FlaskClient, create_user) -> None:
    user = create_user()
    first = client.get("/auth/password")
    assert first.status_code == 302
    login_url = first.headers["Location"]
    assert login_url == "/auth/login?next=%2Fauth%2Fpassword"
    page = client.get(login_url)
    assert "Log in om deze pagina te zien." in text(page)
    response = client.post(login_url, data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/auth/password"


def test_logged_in_user_visiting_login_goes_to_start(client: FlaskClient, login_as) -> None:
    login_as()
    response = client.get("/auth/login")
    assert response.status_code == 302 and response.headers["Location"] == "/start"


# ------------------------------------------------------------------ log-out


def test_logout_ends_the_session(client: FlaskClient, login_as, auth) -> None:
    login_as()
    response = auth.logout()
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    assert session_user(client) is None
    assert "U bent uitgelogd." in text(client.get("/auth/login"))
    assert not is_logged_in(client)


def test_logout_by_get_is_not_possible(client: FlaskClient, login_as) -> None:
    login_as()
    response = client.get("/auth/logout")
    assert response.status_code == 405
    assert "Niet toegestaan" in text(response)
    assert is_logged_in(client)


def test_logout_when_not_logged_in_is_harmless(client: FlaskClient, auth) -> None:
    assert auth.logout().status_code == 302


# ------------------------------------------------------------------ CSRF on


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
class TestWithCsrf:
    def test_login_without_token_is_refused_and_changes_nothing(self, client: FlaskClient, create_user) -> None:
        user = create_user()
        response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 400
        assert CSRF_MESSAGE in text(response)
        assert stored(user).last_login_at is None
        assert session_user(client) is None

    def test_login_with_a_forged_token_is_refused(self, client: FlaskClient, create_user) -> None:
        user = create_user()
        client.get("/auth/login")
        response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD,
                                                    "csrf_token": "IjEyMzQi.aaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbb"})
        assert response.status_code == 400
        assert CSRF_MESSAGE in text(response)
        assert stored(user).last_login_at is None

    def test_login_and_logout_with_token_work(self, client: FlaskClient, create_user) -> None:
        user = create_user()
        token = csrf_token(client.get("/auth/login"))
        response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
        assert response.status_code == 302
        start = client.get("/start")
        assert start.status_code == 200
        assert client.post("/auth/logout", data={"csrf_token": csrf_token(start)}).status_code == 302
        assert not is_logged_in(client)

    def test_logout_needs_post_with_token(self, client: FlaskClient, create_user) -> None:
        user = create_user()
        token = csrf_token(client.get("/auth/login"))
        client.post("/auth/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
        by_get = client.get("/auth/logout")
        assert by_get.status_code == 405
        assert "Niet toegestaan" in text(by_get)
        without_token = client.post("/auth/logout")
        assert without_token.status_code == 400
        assert CSRF_MESSAGE in text(without_token)
        assert is_logged_in(client)


# ------------------------------------------------------------------ forgotten password


def test_forgot_password_mails_a_link_and_logs_it(client: FlaskClient, create_user, caplog) -> None:
    user = create_user(email="piet@gemeente.nl", name="Piet Jansen")
    with caplog.at_level("WARNING"):
        response = client.post("/auth/forgot-password", data={"email": "Piet@Gemeente.nl"})
    assert response.status_code == 200
    assert f"Als Piet@Gemeente.nl {SENT}" in text(response)
    assert "De link is 2 uur geldig en werkt één keer." in text(response)
    [mail] = outbox()
    assert mail.to == "piet@gemeente.nl"
    assert mail.subject == "Nieuw wachtwoord instellen"
    assert mail.body.startswith("Beste Piet Jansen,")
    assert "De link is 2 uur geldig en werkt één keer." in mail.body
    path = mailed_path("reset-password")
    assert path in caplog.text  # without MAIL_SERVER the link is in the log
    assert client.get(path).status_code == 200
    assert stored(user).password_hash == user.password_hash


@pytest.mark.parametrize("case", ["unknown e-mail", "inactive account", "not yet activated"])
def test_forgot_password_says_the_same_and_sends_nothing(
    client: FlaskClient, create_user, failing_account, case: str
) -> None:
    known = create_user(email="bekend@gemeente.nl")
    email, _ = failing_account(case)
    response = client.post("/auth/forgot-password", data={"email": email})
    assert outbox() == []
    reference = client.post("/auth/forgot-password", data={"email": known.email})
    assert len(outbox()) == 1
    assert response.status_code == reference.status_code == 200
    assert text(response).replace(email, "EMAIL") == text(reference).replace(known.email, "EMAIL")


@pytest.mark.parametrize("email", ["geen-e-mailadres", "", "a@b@c.nl"])
def test_forgot_password_with_a_malformed_address(client: FlaskClient, email: str) -> None:
    response = client.post("/auth/forgot-password", data={"email": email})
    assert response.status_code == 200
    assert SENT not in text(response)
    assert error_summary(response)
    assert outbox() == []


@pytest.mark.parametrize(
    "app_config",
    [{"PUBLIC_BASE_URL": "https://peerreview.example.nl/", "PASSWORD_RESET_MAX_AGE": timedelta(minutes=30)}],
)
def test_reset_mail_uses_public_base_url_and_configured_lifetime(client: FlaskClient, create_user) -> None:
    user = create_user()
    response = client.post("/auth/forgot-password", data={"email": user.email})
    assert "De link is 30 minuten geldig" in text(response)
    [mail] = outbox()
    assert "\nhttps://peerreview.example.nl/auth/reset-password/" in mail.body
    assert "De link is 30 minuten geldig" in mail.body


@pytest.mark.parametrize("app_config", [{"PUBLIC_BASE_URL": "https://peerreview.example.nl"}])
def test_reset_link_ignores_a_forged_host_header(client: FlaskClient, create_user) -> None:
    """Reset-link poisoning: the Host header is the client's choice and must never end up in a mail."""
    user = create_user()
    client.post("/auth/forgot-password", data={"email": user.email}, headers={"Host": "evil.example"})
    [mail] = outbox()
    assert "evil.example" not in mail.body
    assert "https://peerreview.example.nl/auth/reset-password/" in mail.body


@pytest.mark.parametrize("app_config", [{"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": 1, "MAIL_USE_TLS": False}])
def test_unreachable_mail_server_gives_the_same_page_for_known_and_unknown_addresses(
    client: FlaskClient, create_user
) -> None:
    user = create_user()
    known = client.post("/auth/forgot-password", data={"email": user.email})
    unknown = client.post("/auth/forgot-password", data={"email": "niemand@gemeente.nl"})
    assert known.status_code == unknown.status_code == 200
    assert SENT in text(known) and SENT in text(unknown)


# ------------------------------------------------------------------ reset link


def test_reset_sets_the_new_password_and_logs_in(client: FlaskClient, create_user, auth, reset_link) -> None:
    user = create_user()
    path = reset_link(user)
    page = client.get(path)
    assert page.status_code == 200
    assert f"Kies een nieuw wachtwoord voor {user.email}." in text(page)
    response = post_new_password(client, path, NEW_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/start"
    assert "Uw nieuwe wachtwoord is opgeslagen. U bent ingelogd." in text(client.get("/start"))
    account = stored(user)
    assert account.check_password(NEW_PASSWORD) and not account.check_password(PASSWORD)
    assert account.password_changed_at > user.created_at
    auth.logout()
    assert auth.login(user, PASSWORD).status_code == 200
    assert auth.login(user, NEW_PASSWORD).status_code == 302


def _assert_refused(response, word: str) -> None:
    assert response.status_code == 400
    body = text(response)
    assert word in body
    assert 'name="password"' not in body
    assert "Nieuwe link aanvragen" in body


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_expired_reset_link(client: FlaskClient, create_user, reset_link, monkeypatch, method: str) -> None:
    user = create_user()
    path = reset_link(user)
    travel(monkeypatch, timedelta(hours=2, minutes=1))
    response = client.open(path, method=method, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    _assert_refused(response, "Deze link is verlopen.")
    assert stored(user).password_hash == user.password_hash
    assert session_user(client) is None


def test_reset_link_just_before_expiry_still_works(client: FlaskClient, create_user, reset_link, monkeypatch) -> None:
    user = create_user()
    path = reset_link(user)
    travel(monkeypatch, timedelta(hours=1, minutes=59))
    assert post_new_password(client, path, NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_used_reset_link(client: FlaskClient, create_user, reset_link, auth, method: str) -> None:
    user = create_user()
    path = reset_link(user)
    assert post_new_password(client, path, NEW_PASSWORD).status_code == 302
    auth.logout()
    hash_after_first_use = stored(user).password_hash
    response = client.open(path, method=method, data={"password": "Nog-Een-Ander-Wachtwoord-3",
                                                       "confirm": "Nog-Een-Ander-Wachtwoord-3"})
    _assert_refused(response, "Deze link is al gebruikt.")
    assert stored(user).password_hash == hash_after_first_use
    assert session_user(client) is None


def test_using_one_reset_link_voids_the_others(
    client: FlaskClient, create_user, reset_link, auth, monkeypatch
) -> None:
    user = create_user()
    first = reset_link(user)
    travel(monkeypatch, timedelta(minutes=10))  # asked for again ten minutes later
    second = reset_link(user)
    assert first != second
    assert post_new_password(client, second, NEW_PASSWORD).status_code == 302
    auth.logout()
    _assert_refused(client.get(first), "al gebruikt")


def test_password_change_voids_an_outstanding_reset_link(client: FlaskClient, create_user, reset_link, auth) -> None:
    user = create_user()
    path = reset_link(user)
    auth.login(user)
    client.post("/auth/password", data={"current_password": PASSWORD, "password": NEW_PASSWORD,
                                        "confirm": NEW_PASSWORD})
    auth.logout()
    _assert_refused(client.get(path), "al gebruikt")


def _tamper(path: str) -> str:
    head, token = path.rsplit("/", 1)
    index = 5
    return f"{head}/{token[:index]}{'A' if token[index] != 'A' else 'B'}{token[index + 1:]}"


@pytest.mark.parametrize("mangle", [_tamper, lambda p: p[:-4], lambda p: p + "x", lambda p: p.rsplit("/", 1)[0] + "/x",
                                    lambda p: p.rsplit("/", 1)[0] + "/%00%FF%2e"],
                         ids=["flipped", "shortened", "lengthened", "garbage", "odd-bytes"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_tampered_reset_link(client: FlaskClient, create_user, reset_link, mangle, method: str) -> None:
    user = create_user()
    path = mangle(reset_link(user))
    response = client.open(path, method=method, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    _assert_refused(response, "Deze link is ongeldig.")
    assert stored(user).password_hash == user.password_hash


def test_activation_link_is_no_reset_link(client: FlaskClient, invite) -> None:
    _, path = invite()
    token = path.rsplit("/", 1)[1]
    _assert_refused(client.get(f"/auth/reset-password/{token}"), "ongeldig")


def test_reset_link_of_a_deactivated_account(client: FlaskClient, create_user, reset_link) -> None:
    user = create_user()
    path = reset_link(user)
    user.is_active = False
    db.session.commit()
    _assert_refused(post_new_password(client, path, NEW_PASSWORD), "ongeldig")
    assert stored(user).password_hash == user.password_hash


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("kort-1", TOO_SHORT),
        ("wachtwoord123", TOO_EASY),
        ("Veiligheid123", TOO_EASY),
        ("aaaaaaaaaaaa", TOO_EASY),
        ("jan.de.vries@gemeente.nl", PERSONAL),
        ("Jan.de.Vries@Gemeente.nl", PERSONAL),
        ("jan.de.vries", PERSONAL),
        ("Jan de Vries", PERSONAL),
        ("x" * 257, "Kies een wachtwoord van hoogstens 256 tekens."),
    ],
    ids=["too-short", "common", "common-capitalised", "one-letter", "email", "email-capitalised", "email-name",
         "full-name", "too-long"],
)
def test_weak_password_on_reset_is_refused_and_link_keeps_working(
    client: FlaskClient, create_user, reset_link, password: str, message: str
) -> None:
    user = create_user(email="jan.de.vries@gemeente.nl", name="Jan de Vries")
    path = reset_link(user)
    response = post_new_password(client, path, password)
    assert response.status_code == 200
    assert message in error_summary(response)
    assert f'value="{password}"' not in text(response)
    assert stored(user).password_hash == user.password_hash
    assert session_user(client) is None
    assert post_new_password(client, path, NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(("password", "confirm", "message"), [
    (NEW_PASSWORD, NEW_PASSWORD + "x", NOT_EQUAL),
    (NEW_PASSWORD, "", "Herhaal het wachtwoord."),
    ("", "", "Kies een wachtwoord."),
])
def test_reset_form_errors_keep_the_link_working(
    client: FlaskClient, create_user, reset_link, password: str, confirm: str, message: str
) -> None:
    user = create_user()
    path = reset_link(user)
    response = post_new_password(client, path, password, confirm)
    assert response.status_code == 200
    assert message in error_summary(response)
    assert stored(user).password_hash == user.password_hash
    assert client.get(path).status_code == 200


# ------------------------------------------------------------------ activation


def test_invitation_mail(app: Flask, create_user) -> None:
    inviter = create_user(Role.admin, name="Bea Beheer")
    user = create_user(Role.municipal_lead, name="Kees Kok", password=None)
    with app.test_request_context():
        link = send_invitation(user, invited_by=inviter)
        db.session.commit()
    [mail] = outbox()
    assert mail.to == user.email and mail.subject == "Uitnodiging voor peerreview"
    assert mail.body.startswith("Beste Kees Kok,\n\nU bent door Bea Beheer uitgenodigd voor peerreview")
    assert "als trekker gemeente." in mail.body
    assert "De link is 14 dagen geldig." in mail.body
    assert link in mail.body
    account = stored(user)
    assert account.invited_at is not None and account.password_hash is None and not account.is_activated


def test_activation_sets_the_password_and_logs_in(client: FlaskClient, invite, auth) -> None:
    user, path = invite(Role.peer_reviewer, name="Sanne Smit")
    page = client.get(path)
    assert page.status_code == 200
    assert "Welkom, Sanne Smit. U bent uitgenodigd als peer reviewer." in text(page)
    response = post_new_password(client, path, NEW_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/start"
    start = client.get("/start")
    assert start.status_code == 200
    assert "Welkom! Uw account is geactiveerd en u bent ingelogd." in text(start)
    account = stored(user)
    assert account.is_activated and account.activated_at is not None
    assert account.check_password(NEW_PASSWORD)
    auth.logout()
    assert auth.login(user, NEW_PASSWORD).status_code == 302


def test_activation_link_works_once(client: FlaskClient, invite, auth) -> None:
    user, path = invite()
    assert post_new_password(client, path, NEW_PASSWORD).status_code == 302
    auth.logout()
    hash_after = stored(user).password_hash
    for response in (client.get(path), post_new_password(client, path, "Nog-Een-Ander-Wachtwoord-3")):
        assert response.status_code == 400
        assert "Deze link is al gebruikt: uw account is al geactiveerd." in text(response)
        assert "nieuwe uitnodiging" not in text(response)  # nothing to ask for: log in instead
        assert 'href="/auth/login"' in text(response)
    assert stored(user).password_hash == hash_after
    assert session_user(client) is None


def test_a_second_invitation_link_also_dies_on_activation(app: Flask, client: FlaskClient, invite, auth) -> None:
    user, first = invite()
    with app.test_request_context():
        second = urlsplit(send_invitation(stored(user))).path
        db.session.commit()
    assert post_new_password(client, second, NEW_PASSWORD).status_code == 302
    auth.logout()
    assert client.get(first).status_code == 400


@pytest.mark.parametrize(("age", "status"), [(timedelta(days=13, hours=23), 200), (timedelta(days=14, seconds=5), 400)])
def test_invitation_expires_after_invitation_max_age(
    client: FlaskClient, invite, monkeypatch, age: timedelta, status: int
) -> None:
    user, path = invite()
    travel(monkeypatch, age)
    response = post_new_password(client, path, NEW_PASSWORD)
    if status == 200:
        assert response.status_code == 302
        assert stored(user).is_activated
    else:
        assert response.status_code == 400
        body = text(response)
        assert "Deze uitnodigingslink is verlopen." in body
        assert "Een nieuwe uitnodiging kan worden verstuurd door degene die u uitnodigde" in body
        assert not stored(user).is_activated


@pytest.mark.parametrize("app_config", [{"INVITATION_MAX_AGE": timedelta(days=2)}])
def test_invitation_max_age_is_configurable(client: FlaskClient, invite, monkeypatch) -> None:
    user, path = invite()
    assert "De link is 2 dagen geldig." in outbox()[0].body
    travel(monkeypatch, timedelta(days=2, minutes=1))
    assert "verlopen" in text(client.get(path))
    assert client.get(path).status_code == 400


def test_weak_password_on_activation_is_refused_and_link_keeps_working(client: FlaskClient, invite) -> None:
    user, path = invite()
    response = post_new_password(client, path, "wachtwoord1")
    assert response.status_code == 200
    assert TOO_EASY in error_summary(response)
    assert not stored(user).is_activated
    assert session_user(client) is None
    assert post_new_password(client, path, NEW_PASSWORD).status_code == 302
    assert stored(user).is_activated


def test_tampered_activation_link(client: FlaskClient, invite) -> None:
    user, path = invite()
    response = post_new_password(client, _tamper(path), NEW_PASSWORD)
    assert response.status_code == 400 and "Deze link is ongeldig." in text(response)
    assert not stored(user).is_activated


def test_reset_link_is_no_activation_link(client: FlaskClient, create_user, reset_link) -> None:
    token = reset_link(create_user()).rsplit("/", 1)[1]
    response = client.get(f"/auth/activate/{token}")
    assert response.status_code == 400 and "ongeldig" in text(response)


def test_activation_link_of_a_deactivated_account(client: FlaskClient, invite) -> None:
    user, path = invite()
    user.is_active = False
    db.session.commit()
    response = post_new_password(client, path, NEW_PASSWORD)
    assert response.status_code == 400 and "ongeldig" in text(response)
    assert not stored(user).is_activated


def test_activated_account_cannot_be_invited_again(app: Flask, create_user) -> None:
    user = create_user()
    with app.test_request_context(), pytest.raises(AccountError, match="al geactiveerd"):
        send_invitation(user)
    assert outbox() == []


def test_invitee_cannot_use_forgot_password_to_skip_activation(client: FlaskClient, invite) -> None:
    user, _ = invite()
    outbox().clear()
    client.post("/auth/forgot-password", data={"email": user.email})
    assert outbox() == []


# ------------------------------------------------------------------ change password


def change(client: FlaskClient, current: str, new: str, confirm: str | None = None):
    return client.post("/auth/password", data={"current_password": current, "password": new,
                                               "confirm": new if confirm is None else confirm})


def test_change_password_needs_login(client: FlaskClient) -> None:
    for response in (client.get("/auth/password"), change(client, PASSWORD, NEW_PASSWORD)):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/login?next=")


def test_change_password_keeps_this_session_and_ends_the_others(app: Flask, client: FlaskClient, create_user) -> None:
    user = create_user()
    laptop, phone = client, app.test_client()
    for device in (laptop, phone):
        assert device.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
        assert is_logged_in(device)

    response = change(laptop, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/start"
    start = laptop.get("/start")
    assert start.status_code == 200 and "Uw wachtwoord is gewijzigd." in text(start)
    assert session_user(laptop) == session_id_for(stored(user))

    assert not is_logged_in(phone)
    assert session_user(phone) is None  # the stale log-in is gone from that session, not just ignored
    account = stored(user)
    assert account.check_password(NEW_PASSWORD) and not account.check_password(PASSWORD)


def test_password_reset_ends_existing_sessions(app: Flask, client: FlaskClient, create_user, reset_link) -> None:
    user = create_user()
    other = app.test_client()
    other.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert is_logged_in(other)
    assert post_new_password(client, reset_link(user), NEW_PASSWORD).status_code == 302
    assert not is_logged_in(other)
    assert is_logged_in(client)


@pytest.mark.parametrize(
    ("current", "new", "confirm", "field", "message"),
    [
        ("Niet-Het-Wachtwoord-1", NEW_PASSWORD, None, "current_password", "Uw huidige wachtwoord klopt niet."),
        ("", NEW_PASSWORD, None, "current_password", "Vul uw huidige wachtwoord in."),
        (PASSWORD, PASSWORD, None, "password", "Het nieuwe wachtwoord moet anders zijn dan het huidige."),
        (PASSWORD, "kort-1", None, "password", TOO_SHORT),
        (PASSWORD, "welkom1234", None, "password", TOO_EASY),
        (PASSWORD, "mila.bakker@gemeente.nl", None, "password", PERSONAL),
        (PASSWORD, NEW_PASSWORD, "iets-anders-123", "confirm", NOT_EQUAL),
        (PASSWORD, "", "", "password", "Kies een wachtwoord."),
    ],
    ids=["wrong-current", "no-current", "unchanged", "too-short", "common", "email", "mismatch", "empty"],
)
def test_change_password_refusals(
    client: FlaskClient, login_as, current: str, new: str, confirm: str | None, field: str, message: str
) -> None:
    user = login_as(email="mila.bakker@gemeente.nl")
    response = change(client, current, new, confirm)
    assert response.status_code == 200
    body = text(response)
    assert re.search(rf'id="{field}-error">.*?{re.escape(message)}', body, re.S)
    for typed in {current, new} - {""}:
        assert f'value="{typed}"' not in body
    assert stored(user).password_hash == user.password_hash
    assert is_logged_in(client)


# ------------------------------------------------------------------ deactivation


def test_session_of_a_deactivated_user_ends_at_the_next_request(client: FlaskClient, login_as, auth) -> None:
    user = login_as()
    assert is_logged_in(client)
    user.is_active = False
    db.session.commit()
    response = client.get("/start")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
    assert session_user(client) is None
    user.is_active = True  # reactivated later: the old session stays ended
    db.session.commit()
    assert not is_logged_in(client)


def test_deactivated_user_is_logged_out_everywhere(app: Flask, client: FlaskClient, login_as) -> None:
    user = login_as(Role.admin)
    other = app.test_client()
    other.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    stored(user).is_active = False
    db.session.commit()
    for device in (client, other):
        assert device.get("/admin/").status_code == 302
        assert not is_logged_in(device)


def test_forged_session_ids_are_refused(client: FlaskClient, create_user) -> None:
    user = create_user()
    for forged in (str(user.id), f"{user.id}.000000000000", "x.y", "", f"{user.id + 1000}.abc"):
        with client.session_transaction() as session:
            session["_user_id"] = forged
        assert not is_logged_in(client)
        assert session_user(client) is None


# ------------------------------------------------------------------ wording


@pytest.mark.parametrize(
    ("duration", "words"),
    [
        (timedelta(hours=2), "2 uur"),
        (timedelta(hours=1), "1 uur"),
        (timedelta(minutes=30), "30 minuten"),
        (timedelta(minutes=1), "1 minuut"),
        (timedelta(minutes=90), "90 minuten"),
        (timedelta(days=1), "1 dag"),
        (timedelta(days=14), "14 dagen"),
        (timedelta(hours=36), "36 uur"),
    ],
)
def test_link_lifetime_in_dutch(app: Flask, duration: timedelta, words: str) -> None:
    assert format_duration(duration) == words


# ------------------------------------------------------------------ two uses of one link at once


@pytest.mark.parametrize("flow", ["reset", "activate"])
def test_of_two_simultaneous_uses_of_one_link_only_one_wins(
    app: Flask, client: FlaskClient, create_user, invite, reset_link, monkeypatch, flow: str
) -> None:
    """The other use changes the password between our check of the link and our write: ours must lose."""
    if flow == "reset":
        user = create_user()
        path = reset_link(user)
    else:
        user, path = invite()
    real_user_for_token = services.user_for_token

    def check_then_lose_the_race(token, purpose):
        checked = real_user_for_token(token, purpose)
        db.session.execute(  # the winning request's write, after our check
            update(User).where(User.id == checked.id).values(password_hash="won-by-the-other-request"),
            execution_options={"synchronize_session": False},
        )
        return checked

    monkeypatch.setattr(services, "user_for_token", check_then_lose_the_race)
    response = post_new_password(client, path, NEW_PASSWORD)
    assert response.status_code == 400
    assert "al gebruikt" in text(response)
    assert session_user(client) is None
    assert not stored(user).check_password(NEW_PASSWORD)
