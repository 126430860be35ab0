"""Accounts across features: invitation links and mails (the admin, a lead inviting a colleague, the CLI), and the
signed links that log-in flows check. Flushes, never commits."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _

from . import tokens
from .domain.errors import DomainError, InvalidValue
from .extensions import db
from .mail import external_url, send_mail
from .models import User
from .models.types import utcnow
from .templating import format_duration
from .tokens import Purpose


class AccountError(DomainError):
    """A link that does not work; ``reason`` is "invalid", "expired", "used", "superseded" or "not_activated"."""

    def __init__(self, message: str, *, reason: str = "invalid") -> None:
        super().__init__(message)
        self.reason = reason


def issued(user: User, purpose: Purpose) -> str:
    """Only the latest invitation link works: re-inviting voids the earlier ones."""
    if purpose is Purpose.activate and user.invited_at is not None:
        return user.invited_at.isoformat()
    return ""


def token_for(user: User, purpose: Purpose) -> str:
    return tokens.make_token(
        current_app.config["SECRET_KEY"], purpose, user.id, user.password_hash, user.email, issued(user, purpose)
    )


def max_age(purpose: Purpose) -> timedelta:
    return current_app.config[
        "PASSWORD_RESET_MAX_AGE" if purpose is Purpose.reset_password else "INVITATION_MAX_AGE"
    ]


def send_invitation(user: User, invited_by: User | None = None) -> str:
    """Mail an activation link; returns the link (shown to the inviter when no mail server is set)."""
    if user.is_activated:
        raise AccountError(_("Dit account is al geactiveerd; een uitnodiging is niet nodig."))
    user.invited_at = utcnow()
    db.session.flush()
    link = external_url("auth.activate", token=token_for(user, Purpose.activate))
    values = {
        "name": user.name, "role": user.role.label.lower(), "link": link,
        "lifetime": format_duration(max_age(Purpose.activate)),
    }
    if invited_by is not None:
        body = _(
            "Beste %(name)s,\n\nU bent door %(inviter)s uitgenodigd voor peerreview, de toepassing voor collegiale "
            "toetsing van de gemeentelijke regie op integrale veiligheid, als %(role)s.\n\n"
            "Activeer uw account en kies een wachtwoord via deze link. De link is %(lifetime)s geldig.\n\n%(link)s\n",
            inviter=invited_by.name, **values,
        )
    else:
        body = _(
            "Beste %(name)s,\n\nU bent uitgenodigd voor peerreview, de toepassing voor collegiale "
            "toetsing van de gemeentelijke regie op integrale veiligheid, als %(role)s.\n\n"
            "Activeer uw account en kies een wachtwoord via deze link. De link is %(lifetime)s geldig.\n\n%(link)s\n",
            **values,
        )
    send_mail(user.email, _("Uitnodiging voor peerreview"), body)
    return link


def email_conflict(email: str) -> InvalidValue:
    return InvalidValue(
        _("Er bestaat al een account met het e-mailadres %(email)s.", email=email), field="email"
    )


def invite_by_mail(user: User, actor: User) -> str:
    try:
        return send_invitation(user, invited_by=actor)
    except OSError:  # smtplib errors are OSErrors: the mail server is down or refused the message
        raise DomainError(
            _("De uitnodiging kon niet worden verstuurd: de mailserver is niet bereikbaar. "
              "Er is niets opgeslagen. Probeer het later opnieuw.")
        ) from None
