"""Outgoing mail. Without MAIL_SERVER the message, with its links, is written to the log."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def outbox() -> list[Mail]:
    """Mails sent while TESTING (tests read them from here)."""
    return current_app.extensions.setdefault("peerreview.outbox", [])


def send_mail(to: str, subject: str, body: str) -> None:
    mail = Mail(to=to, subject=subject, body=body)
    config = current_app.config
    if current_app.testing:
        outbox().append(mail)
    if not config.get("MAIL_SERVER"):
        current_app.logger.warning("E-mail (not sent, no MAIL_SERVER set) to %s: %s\n%s", to, subject, body)
        return
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)


def external_url(endpoint: str, **values: str) -> str:
    """An absolute link for a mail, on PUBLIC_BASE_URL.

    The app refuses to start without PUBLIC_BASE_URL outside debug and testing (see create_app), because a
    request's Host header is chosen by the client. Only in debug and tests does the request's host serve,
    and outside a request the local address of `make run`.
    The URL is built from the URL map directly, so no (temporary) request context is needed.
    """
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base is None and has_request_context():
        return url_for(endpoint, _external=True, **values)
    parts = urlsplit(base or "http://127.0.0.1:5000")
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path.rstrip("/") or "/", url_scheme=parts.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)
