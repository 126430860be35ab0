"""The audit log: who did what, when and from where (``models.AuditEvent``; read on ``/admin/audit``).

Two ways to write:

- :func:`record` adds the row to the current session, so it is committed with the request's own transaction
  and disappears with it when the request fails: a log-in, a log-out, a state change (every
  ``evaluations.services.record_event`` of a kind in ``STATE_EVENT_LABELS``), an export.
- :func:`record_now` writes the row at once in its own short transaction on a connection of its own, for
  events in requests that commit nothing: a failed log-in and a refusal (403). It never breaks the request:
  a failure is logged and the request goes on.

Exports call ``audit.record("export", subject="evaluation:<id>", details={"format": "xlsx", ...})`` before
the view commits and sends the file (the Excel download of the self-evaluation does; the PDF and Excel
reports of issue 8 do the same).

Proportional: the row names the actor, the object and the action; never answers, notes, reasons or other
texts, and never a password. ``details`` holds a few facts only (states, endpoint, format).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from flask import current_app, has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, insert, select
from sqlalchemy.orm import joinedload

from .dates import AMSTERDAM
from .domain.evaluations import STATE_EVENT_LABELS, EvaluationStatus
from .extensions import db
from .models.audit import ADDRESS_LENGTH, EMAIL_LENGTH, SUBJECT_LENGTH, USER_AGENT_LENGTH, AuditEvent
from .models.types import utcnow
from .models.users import User
from .security import client_address

#: Every kind, with its Dutch label (the admin page's filter and table).
KINDS = {
    "login_ok": _l("Ingelogd"),
    "login_failed": _l("Inloggen mislukt"),
    "logout": _l("Uitgelogd"),
    "password_changed": _l("Wachtwoord gewijzigd"),
    "password_reset": _l("Wachtwoord opnieuw ingesteld"),
    "account_activated": _l("Account geactiveerd"),
    "state_change": _l("Stand gewijzigd"),
    "export": _l("Export"),
    "refused": _l("Geweigerd"),
}
#: Rows a page of ``/admin/audit``.
PAGE_SIZE = 50


def kind_label(kind: str) -> str:
    return str(KINDS.get(kind, kind))


def _cut(value: object, length: int) -> str:
    return str(value or "")[:length]


def _normalize_email(value: str | None) -> str:
    """As the log-in throttle keys it: spaces collapsed, lower case, bounded."""
    return " ".join((value or "").split()).lower()[:EMAIL_LENGTH]


def _values(kind: str, actor: Any, email: str | None, subject: str, details: dict[str, Any] | None) -> dict:
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    address = user_agent = ""
    if has_request_context():
        address = client_address().removeprefix("address:")
        user_agent = request.headers.get("User-Agent", "")
    return {
        "at": utcnow(),
        "actor_id": actor.id if actor is not None else None,
        "actor_email": _normalize_email(email if email is not None else getattr(actor, "email", "")),
        "kind": kind[:40],
        "subject": _cut(subject, SUBJECT_LENGTH),
        "address": _cut(address, ADDRESS_LENGTH),
        "user_agent": _cut(user_agent, USER_AGENT_LENGTH),
        "details": dict(details or {}),
    }


def record(kind: str, *, actor: Any = None, subject: str = "", details: dict[str, Any] | None = None,
           email: str | None = None) -> AuditEvent:
    """Add an event to the current session: it is kept when the request commits, and only then.

    ``actor`` defaults to the logged-in user (if any); ``email`` to the actor's address.
    """
    event = AuditEvent(**_values(kind, actor, email, subject, details))
    db.session.add(event)
    return event


def record_now(kind: str, *, actor: Any = None, subject: str = "", details: dict[str, Any] | None = None,
               email: str | None = None) -> bool:
    """Write an event at once, in a transaction of its own, whatever becomes of the request's.

    Returns whether it was written; a failure (the database away, locked...) is logged and never raised.
    """
    try:
        values = _values(kind, actor, email, subject, details)
        with db.engine.begin() as connection:
            connection.execute(insert(AuditEvent).values(**values))
    except Exception:  # the audit must never break the request it describes
        current_app.logger.exception("Audit event %r could not be written", kind)
        return False
    return True


def record_failed_login(typed_email: str | None) -> bool:
    """A failed log-in, with the address as typed, and the account when the address has one (the administrator
    sees it; the log-in page says the same either way)."""
    try:
        actor = db.session.scalar(select(User).where(User.email == User.normalize_email(typed_email or "")))
    except Exception:
        current_app.logger.exception("Audit: the account of a failed log-in could not be looked up")
        actor = None
    return record_now("login_failed", actor=actor, email=typed_email)


def record_refusal() -> bool:
    """A 403: who, which endpoint and path (no query string, no form), in a transaction of its own."""
    try:
        details = {"endpoint": request.endpoint or "", "method": request.method, "path": request.path[:300]}
        subject = refusal_subject(request.view_args)
    except Exception:
        current_app.logger.exception("Audit: a refusal could not be described")
        details, subject = {}, ""
    return record_now("refused", subject=subject, details=details)


def refusal_subject(view_args: dict[str, Any] | None) -> str:
    """'evaluation:12' from the URL's first ``<evaluation_id>``-like argument; '' when there is none."""
    for name, value in (view_args or {}).items():
        if name.endswith("_id"):
            return f"{name.removesuffix('_id')}:{value}"
    return ""


# ---------------------------------------------------------------- reading (the admin page)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=AMSTERDAM)


def search(*, kind: str | None = None, email: str | None = None, since: date | None = None,
           until: date | None = None, page: int = 1) -> tuple[list[AuditEvent], int, int, int]:
    """Events newest first, filtered; returns the page's rows, the page shown, the page count and the total.

    ``since`` and ``until`` are days in Europe/Amsterdam, both included; ``email`` matches part of the address.
    """
    conditions = []
    if kind:
        conditions.append(AuditEvent.kind == kind)
    if email:
        conditions.append(func.lower(AuditEvent.actor_email).contains(email.strip().lower(), autoescape=True))
    if since is not None:
        conditions.append(AuditEvent.at >= _day_start(since))
    if until is not None:
        conditions.append(AuditEvent.at < _day_start(until + timedelta(days=1)))
    total = db.session.scalar(select(func.count()).select_from(AuditEvent).where(*conditions)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = db.session.scalars(
        select(AuditEvent).where(*conditions).options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    return list(rows), page, pages, total


def describe(event: AuditEvent) -> str:
    """The details in a few Dutch words, for the admin page."""
    details = event.details or {}
    if event.kind == "refused":
        return f"{details.get('method', '')} {details.get('path', '')} ({details.get('endpoint') or '—'})".strip()
    if event.kind == "state_change":
        def label(value: object) -> str:
            try:
                return str(EvaluationStatus(value).label)
            except ValueError:
                return str(value or "—")

        event_label = STATE_EVENT_LABELS.get(details.get("event", ""), details.get("event", ""))
        return f"{event_label}: {label(details.get('from'))} → {label(details.get('to'))}"
    return ", ".join(f"{key}: {value}" for key, value in details.items())
