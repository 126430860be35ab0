"""The audit log: log-ins (successful and failed), log-outs, state changes, exports and refusals are recorded with
who, when and from where; failures and refusals are kept though their request commits nothing; an admin reads them
on /admin/audit (paged, filtered, in Dutch), nobody else does."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime

import pytest
from flask import abort
from sqlalchemy import func, select

from peerreview import audit
from peerreview.domain.roles import Role
from peerreview.extensions import db
from peerreview.models import AuditEvent, Region
from tests.conftest import PASSWORD, raw_engine
from tests.evaluations.test_submission import ALL, agree

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AuditTest/1.0"


def events(kind: str | None = None) -> list[AuditEvent]:
    """What is really stored (a fresh transaction: nothing the test's session still holds)."""
    db.session.rollback()
    query = select(AuditEvent).order_by(AuditEvent.id)
    if kind is not None:
        query = query.where(AuditEvent.kind == kind)
    return list(db.session.scalars(query))


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def stored(event: AuditEvent) -> str:
    return " ".join(str(v) for v in (event.actor_email, event.subject, event.address, event.user_agent,
                                     json.dumps(event.details)))


# ---------------------------------------------------------------- log-in and log-out


def test_a_successful_log_in_is_recorded_with_who_and_from_where(client, create_user):
    user = create_user(Role.municipal_lead)
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD},
                           environ_base={"REMOTE_ADDR": "203.0.113.7"}, headers={"User-Agent": BROWSER})
    assert response.status_code == 302
    [event] = events("login_ok")
    assert (event.actor_id, event.actor_email, event.address, event.user_agent) == (
        user.id, user.email, "203.0.113.7", BROWSER)
    assert event.at.tzinfo is not None and (datetime.now(UTC) - event.at).total_seconds() < 60


@pytest.mark.parametrize("app_config", [{"TRUSTED_PROXY_COUNT": 1}])
def test_behind_a_trusted_proxy_the_clients_address_is_recorded(client, create_user):
    user = create_user(Role.admin)
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD},
                environ_base={"REMOTE_ADDR": "10.0.0.2"}, headers={"X-Forwarded-For": "198.51.100.4"})
    assert [e.address for e in events("login_ok")] == ["198.51.100.4"]


def test_a_failed_log_in_is_kept_without_the_password(client, create_user):
    user = create_user(Role.municipal_lead, email="lotte@gemeente.nl")
    wrong = "Verkeerd-Wachtwoord-42"
    response = client.post("/auth/login", data={"email": " Lotte@Gemeente.nl", "password": wrong},
                           environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 200 and "combinatie van e-mailadres en wachtwoord is onbekend" in text_of(response)
    response = client.post("/auth/login", data={"email": "niemand@elders.nl", "password": wrong})
    assert response.status_code == 200
    engine = raw_engine(db.engine.url.render_as_string(hide_password=False))  # another connection than the app's
    try:
        with engine.connect() as connection:
            count = connection.execute(select(func.count()).select_from(AuditEvent.__table__)).scalar_one()
    finally:
        engine.dispose()
    assert count == 2  # committed on their own, though the log-in requests commit nothing
    known, unknown = events("login_failed")
    assert (known.actor_id, known.actor_email, known.address) == (user.id, "lotte@gemeente.nl", "203.0.113.9")
    assert (unknown.actor_id, unknown.actor_email) == (None, "niemand@elders.nl")
    assert all(wrong not in stored(e) for e in (known, unknown))


def test_a_very_long_typed_address_is_cut(client):
    typed = "a" * 300 + "@example.nl"
    client.post("/auth/login", data={"email": typed, "password": "x" * 12})
    # the form refuses an address over 254 characters before trying, so nothing is recorded for it
    assert all(len(e.actor_email) <= 254 for e in events())
    assert audit.record_now("login_failed", email=typed)
    assert len(events("login_failed")[-1].actor_email) == 254


def test_log_out_and_password_change_are_recorded(client, auth, create_user):
    user = create_user(Role.peer_reviewer)
    auth.login(user)
    new = "Nieuw-Sterk-Wachtwoord-77"
    response = client.post("/auth/password", data={"current_password": PASSWORD, "password": new, "confirm": new})
    assert response.status_code == 302
    assert auth.logout().status_code == 302
    kinds = [(e.kind, e.actor_id) for e in events()]
    assert kinds == [("login_ok", user.id), ("password_changed", user.id), ("logout", user.id)]
    assert all(new not in stored(e) and PASSWORD not in stored(e) for e in events())


def test_a_failure_to_write_the_audit_never_breaks_the_request(client, create_user, monkeypatch):
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr(audit, "insert", broken)
    user = create_user(Role.municipal_contributor)
    response = client.post("/auth/login", data={"email": user.email, "password": "Verkeerd-Wachtwoord-42"})
    assert response.status_code == 200 and "onbekend" in text_of(response)
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert client.get("/admin/").status_code == 403
    assert [e.kind for e in events()] == ["login_ok"]  # the one written with the request's own transaction


# ---------------------------------------------------------------- refusals


def test_a_refusal_is_recorded_with_endpoint_and_path(client, auth, setting):
    auth.login(setting.contributor)
    e = setting.evaluation
    assert client.post(f"/evaluations/{e.id}/submit", environ_base={"REMOTE_ADDR": "192.0.2.5"}).status_code == 403
    [event] = events("refused")
    assert (event.actor_id, event.subject, event.address) == (setting.contributor.id, f"evaluation:{e.id}",
                                                              "192.0.2.5")
    assert event.details == {"endpoint": "evaluations.submit", "method": "POST", "path": f"/evaluations/{e.id}/submit"}


def test_a_refusal_is_kept_though_the_request_rolled_back(app, client, login_as):
    def writes_then_refuses():
        db.session.add(Region(name="Mag niet blijven", description=""))
        db.session.flush()  # on SQLite this transaction now holds the write lock
        abort(403)

    app.add_url_rule("/test-refusal/<int:region_id>", "test_refusal", lambda region_id: writes_then_refuses())
    user = login_as(Role.region_coordinator)
    assert client.get("/test-refusal/7?geheim=1").status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Region).where(
        Region.name == "Mag niet blijven")) == 0
    [event] = events("refused")
    assert (event.actor_id, event.subject, event.details["path"]) == (user.id, "region:7", "/test-refusal/7")
    assert "geheim" not in stored(event)


# ---------------------------------------------------------------- state changes and exports


def test_every_state_change_is_recorded_without_the_reason(client, auth, setting):
    e = setting.evaluation
    agree(e, setting.lead, ALL)
    auth.login(setting.lead)
    assert client.post(f"/evaluations/{e.id}/submit").status_code == 302
    auth.logout()
    auth.login(setting.coordinator)
    reason = "Thema 2 is per abuis leeg gelaten"
    assert client.post(f"/evaluations/{e.id}/reopen", data={"reason": reason}).status_code == 302
    submitted, reopened = events("state_change")
    assert (submitted.actor_id, submitted.subject, submitted.details) == (
        setting.lead.id, f"evaluation:{e.id}", {"event": "submitted", "from": "draft", "to": "submitted"})
    assert (reopened.actor_id, reopened.details) == (
        setting.coordinator.id, {"event": "reopened", "from": "submitted", "to": "draft"})
    assert reason not in stored(reopened)


def test_a_refused_state_change_leaves_no_state_change_in_the_audit(client, auth, setting):
    auth.login(setting.lead)
    assert client.post(f"/evaluations/{setting.evaluation.id}/submit").status_code == 422  # answers missing
    assert events("state_change") == []


def test_the_excel_download_is_recorded_as_an_export(client, auth, setting):
    auth.login(setting.contributor)
    e = setting.evaluation
    response = client.get(f"/evaluations/{e.id}/excel/download")
    assert response.status_code == 200
    [event] = events("export")
    filename = f"zelfevaluatie-{e.municipality.cbs_code}-{e.round.year}-{setting.contributor.id}.xlsx"
    assert (event.actor_id, event.subject, event.details) == (
        setting.contributor.id, f"evaluation:{e.id}", {"what": "self_evaluation_answers", "file": filename})


# ---------------------------------------------------------------- the admin page


@pytest.mark.parametrize("role", [Role.region_coordinator, Role.municipal_lead, Role.municipal_contributor,
                                  Role.peer_reviewer])
def test_the_audit_page_is_for_the_admin_only(client, login_as, role):
    login_as(role)
    assert client.get("/admin/audit").status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get("/admin/audit")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def _add(kind: str, at: datetime, email: str = "", **values: object) -> None:
    db.session.add(AuditEvent(kind=kind, at=at, actor_email=email, **values))


def test_the_admin_reads_the_log_newest_first_in_dutch_and_amsterdam_time(client, login_as):
    admin = login_as(Role.admin)
    _add("login_failed", datetime(2025, 3, 30, 22, 30, tzinfo=UTC), "iemand@elders.nl", address="192.0.2.1")
    _add("state_change", datetime(2025, 1, 5, 9, 0, tzinfo=UTC), "lead@gemeente.nl", subject="evaluation:3",
         details={"event": "submitted", "from": "draft", "to": "submitted"})
    db.session.commit()
    index = text_of(client.get("/admin/"))
    assert "/admin/audit" in index
    page = text_of(client.get("/admin/audit"))
    assert "Auditlog" in page and "Aantal gebeurtenissen: 3." in page
    page = page[page.index("<table"):]
    assert page.index(admin.email) < page.index("iemand@elders.nl") < page.index("lead@gemeente.nl")
    assert "Inloggen mislukt" in page and "Ingelogd" in page and "Stand gewijzigd" in page
    assert "31 maart 2025 00:30" in page  # 22:30 UTC is half past midnight in summer time
    assert "5 januari 2025 10:00" in page
    assert "192.0.2.1" in page and "evaluation:3" in page and "Ingediend" in page


def test_the_filters_narrow_the_list(client, login_as):
    login_as(Role.admin)  # itself a login_ok of today
    _add("login_failed", datetime(2025, 3, 30, 22, 30, tzinfo=UTC), "iemand@elders.nl")  # 31 March in Amsterdam
    _add("login_failed", datetime(2025, 3, 29, 12, 0, tzinfo=UTC), "ander@gemeente.nl")
    _add("export", datetime(2025, 3, 31, 12, 0, tzinfo=UTC), "lead@gemeente.nl")
    db.session.commit()

    def shown(query: str) -> set[str]:
        response = client.get(f"/admin/audit?{query}")
        assert response.status_code == 200
        body = text_of(response)
        return {email for email in ("iemand@elders.nl", "ander@gemeente.nl", "lead@gemeente.nl") if email in body}

    assert shown("kind=login_failed") == {"iemand@elders.nl", "ander@gemeente.nl"}
    assert shown("email=GEMEENTE") == {"ander@gemeente.nl", "lead@gemeente.nl"}
    assert shown("since=2025-03-31&until=2025-03-31") == {"iemand@elders.nl", "lead@gemeente.nl"}
    assert shown("until=2025-03-30") == {"ander@gemeente.nl"}
    assert shown("kind=login_failed&email=elders&since=2025-03-31") == {"iemand@elders.nl"}
    assert shown("email=%25") == set()  # a LIKE wildcard is a plain character
    assert "Gevonden: 2." in text_of(client.get("/admin/audit?kind=login_failed"))


@pytest.mark.parametrize(("query", "message"), [
    ("since=gisteren", "Vul een geldige datum in, bijvoorbeeld 2027-03-31."),
    ("until=2027-02-30", "Vul een geldige datum in, bijvoorbeeld 2027-03-31."),
    ("since=9999-12-31", "Vul een datum in tussen 2000 en 2999."),
    ("since=2027-04-01&until=2027-03-01", "De einddatum ligt vóór de begindatum."),
    ("kind=drop_table", "Kies een soort uit de lijst."),
    ("email=" + "x" * 300, "Een e-mailadres is hoogstens 254 tekens lang."),
])
def test_bad_filter_input_is_a_dutch_message_not_a_500(client, login_as, query, message):
    login_as(Role.admin)
    response = client.get(f"/admin/audit?{query}")
    assert response.status_code == 200
    body = text_of(response)
    assert message in body and "De filters zijn niet toegepast" in body and "Er is een probleem" in body


@pytest.mark.parametrize("page", ["abc", "-3", "0", "99999999999999999999", "2"])
def test_odd_page_numbers_show_a_page(client, login_as, page):
    login_as(Role.admin)
    assert client.get(f"/admin/audit?page={page}").status_code == 200


def test_the_log_is_paged_and_the_pager_keeps_the_filters(client, login_as):
    login_as(Role.admin)
    for minute in range(audit.PAGE_SIZE + 5):
        _add("export", datetime(2025, 3, 31, 8, minute % 60, tzinfo=UTC), f"u{minute}@gemeente.nl")
    db.session.commit()
    first = text_of(client.get("/admin/audit?kind=export"))
    [older] = re.findall(r'href="(/admin/audit\?[^"]*)">Ouder', first)
    assert "Pagina 1 van 2" in first and "page=2" in older and "kind=export" in older
    second = text_of(client.get("/admin/audit?kind=export&page=2"))
    assert "Pagina 2 van 2" in second and second.count("@gemeente.nl") == 5
