"""Outgoing mail. Without MAIL_SERVER the message, with its links, is written to the log."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app


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
