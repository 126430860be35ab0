"""Account operations: authenticate, reset, activate, change password, invite.

Services flush, never commit; the view commits once per request.
"""

from __future__ import annotations

from flask import current_app, has_request_context, url_for
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..domain.errors import DomainError, InvalidValue
from ..domain.passwords import check_password
from ..extensions import db
from ..mail import send_mail
from ..models import User
from ..models.types import utcnow
from . import tokens
from .tokens import Purpose, TokenError

#: Checked against when the e-mail is unknown, so that both cases take as long.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")

TOKEN_MESSAGES = {
    "invalid": "Deze link is ongeldig. Controleer of u de hele link uit de e-mail heeft gebruikt.",
    "expired": "Deze link is verlopen. Vraag een nieuwe aan.",
    "used": "Deze link is al gebruikt. Vraag zo nodig een nieuwe aan.",
}


class AccountError(DomainError):
    pass


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == User.normalize_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """Return the user when e-mail and password match an active, activated account."""
    user = find_user_by_email(email)
    if user is None or user.password_hash is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def validate_new_password(user: User, password: str) -> None:
    check_password(
        password,
        min_length=current_app.config["PASSWORD_MIN_LENGTH"],
        forbidden=(user.email, user.name),
    )


def set_password(user: User, password: str) -> None:
    validate_new_password(user, password)
    user.set_password(password, method=current_app.config["PASSWORD_HASH_METHOD"])
    db.session.flush()


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise InvalidValue("Uw huidige wachtwoord klopt niet.", field="current_password")
    if current == new:
        raise InvalidValue("Het nieuwe wachtwoord moet anders zijn dan het huidige.", field="password")
    set_password(user, new)


def _token_for(user: User, purpose: Purpose) -> str:
    return tokens.make_token(
        current_app.config["SECRET_KEY"], purpose, user.id, user.password_hash, user.email
    )


def _external_url(endpoint: str, **values: str) -> str:
    """An absolute link for a mail: PUBLIC_BASE_URL, else the current request's host.

    Outside a request (the command line) without PUBLIC_BASE_URL, the local address of `make run` is used.
    """
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base is None and has_request_context():
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context(base_url=base or "http://127.0.0.1:5000"):
        return url_for(endpoint, _external=True, **values)


def user_for_token(token: str, purpose: Purpose) -> User:
    """The user a link belongs to, or ``AccountError`` with a Dutch reason."""
    max_age = current_app.config[
        "PASSWORD_RESET_MAX_AGE" if purpose is Purpose.reset_password else "INVITATION_MAX_AGE"
    ]
    try:
        user_id, fingerprint = tokens.read_token(current_app.config["SECRET_KEY"], purpose, token, max_age)
    except TokenError as error:
        raise AccountError(TOKEN_MESSAGES[error.reason]) from None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        raise AccountError(TOKEN_MESSAGES["invalid"])
    if tokens.fingerprint(user.password_hash, user.email) != fingerprint:
        raise AccountError(TOKEN_MESSAGES["used"])
    if purpose is Purpose.activate and user.is_activated:
        raise AccountError(TOKEN_MESSAGES["used"])
    if purpose is Purpose.reset_password and not user.is_activated:
        raise AccountError("Dit account is nog niet geactiveerd. Gebruik de uitnodigingslink uit uw e-mail.")
    return user


def request_password_reset(email: str) -> None:
    """Mail a reset link when the address belongs to an active, activated account; else do nothing.

    The caller shows the same message either way, so the form does not reveal which addresses exist.
    """
    user = find_user_by_email(email)
    if user is None or not user.is_active or not user.is_activated:
        return
    link = _external_url("auth.reset_password", token=_token_for(user, Purpose.reset_password))
    hours = int(current_app.config["PASSWORD_RESET_MAX_AGE"].total_seconds() // 3600)
    send_mail(
        user.email,
        "Nieuw wachtwoord instellen",
        f"Beste {user.name},\n\nU vroeg een nieuw wachtwoord aan voor peerreview. Kies het via deze link "
        f"(geldig gedurende {hours} uur, één keer te gebruiken):\n\n{link}\n\n"
        "Vroeg u dit niet aan? Dan kunt u deze e-mail negeren; uw wachtwoord blijft zoals het was.\n",
    )


def reset_password(token: str, password: str) -> User:
    user = user_for_token(token, Purpose.reset_password)
    set_password(user, password)
    return user


def send_invitation(user: User, invited_by: User | None = None) -> str:
    """Mail an activation link; returns the link (shown to the inviter when no mail server is set)."""
    if user.is_activated:
        raise AccountError("Dit account is al geactiveerd; een uitnodiging is niet nodig.")
    user.invited_at = utcnow()
    db.session.flush()
    link = _external_url("auth.activate", token=_token_for(user, Purpose.activate))
    days = current_app.config["INVITATION_MAX_AGE"].days
    who = f" door {invited_by.name}" if invited_by is not None else ""
    send_mail(
        user.email,
        "Uitnodiging voor peerreview",
        f"Beste {user.name},\n\nU bent{who} uitgenodigd voor peerreview, de toepassing voor collegiale "
        f"toetsing van de gemeentelijke regie op integrale veiligheid, als {user.role.label.lower()}.\n\n"
        f"Activeer uw account en kies een wachtwoord via deze link (geldig gedurende {days} dagen):\n\n"
        f"{link}\n",
    )
    return link


def activate(token: str, password: str) -> User:
    user = user_for_token(token, Purpose.activate)
    set_password(user, password)
    user.activated_at = utcnow()
    db.session.flush()
    return user
