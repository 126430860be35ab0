"""Account operations: authenticate, reset, activate, change password, invite.

Services flush, never commit; the view commits once per request.
"""

from __future__ import annotations

from functools import cache

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from .. import tokens
from ..accounts import AccountError, issued, max_age, token_for
from ..domain.errors import InvalidValue
from ..domain.passwords import check_password
from ..extensions import db
from ..mail import external_url, send_mail
from ..models import User
from ..models.types import utcnow
from ..templating import format_duration
from ..tokens import Purpose, TokenError

TOKEN_MESSAGES = {
    "invalid": _l("Deze link is ongeldig. Controleer of u de hele link uit de e-mail heeft gebruikt."),
    "expired": _l("Deze link is verlopen. Vraag een nieuwe aan."),
    "used": _l("Deze link is al gebruikt. Vraag zo nodig een nieuwe aan."),
}
#: An invitation cannot be requested by the invitee; the page says who can send a new one.
INVITATION_MESSAGES = {
    **TOKEN_MESSAGES,
    "expired": _l("Deze uitnodigingslink is verlopen."),
    "superseded": _l("Deze uitnodigingslink is vervangen door een nieuwere. Gebruik de link uit de laatste "
                     "uitnodigingsmail."),
    "used": _l("Deze link is al gebruikt: uw account is al geactiveerd. Log in met uw e-mailadres en wachtwoord."),
}


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == User.normalize_email(email)))


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not-a-real-password", method=method)


def authenticate(email: str, password: str) -> User | None:
    """Return the user when e-mail and password match an active, activated account.

    An unknown address is checked against a dummy hash, so that it takes as long as a wrong password.
    """
    user = find_user_by_email(email)
    if user is None or user.password_hash is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
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
        raise InvalidValue(_("Uw huidige wachtwoord klopt niet."), field="current_password")
    if current == new:
        raise InvalidValue(_("Het nieuwe wachtwoord moet anders zijn dan het huidige."), field="password")
    set_password(user, new)


def password_reset_lifetime() -> str:
    return format_duration(max_age(Purpose.reset_password))


def user_for_token(token: str, purpose: Purpose) -> User:
    """The user a link belongs to, or ``AccountError`` with a Dutch reason."""
    messages = INVITATION_MESSAGES if purpose is Purpose.activate else TOKEN_MESSAGES
    try:
        user_id, fingerprint = tokens.read_token(current_app.config["SECRET_KEY"], purpose, token, max_age(purpose))
    except TokenError as error:
        raise AccountError(str(messages[error.reason]), reason=error.reason) from None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        raise AccountError(str(messages["invalid"]))
    if purpose is Purpose.activate and user.is_activated:
        raise AccountError(str(messages["used"]), reason="used")
    if tokens.fingerprint(user.password_hash, user.email, issued(user, purpose)) != fingerprint:
        if purpose is Purpose.activate:
            raise AccountError(str(messages["superseded"]), reason="superseded")
        raise AccountError(str(messages["used"]), reason="used")
    if purpose is Purpose.reset_password and not user.is_activated:
        raise AccountError(
            _("Dit account is nog niet geactiveerd. Gebruik de uitnodigingslink uit uw e-mail."), reason="not_activated"
        )
    return user


def request_password_reset(email: str) -> None:
    """Mail a reset link when the address belongs to an active, activated account; else do nothing.

    The caller shows the same message either way, so the form does not reveal which addresses exist.
    """
    user = find_user_by_email(email)
    if user is None or not user.is_active or not user.is_activated:
        return
    link = external_url("auth.reset_password", token=token_for(user, Purpose.reset_password))
    try:
        _send_reset_mail(user, link)
    except OSError:  # smtplib errors are OSErrors. The page must not differ, so log and carry on.
        current_app.logger.exception("Password reset mail to user %s could not be sent", user.id)


def _send_reset_mail(user: User, link: str) -> None:
    send_mail(
        user.email,
        _("Nieuw wachtwoord instellen"),
        _(
            "Beste %(name)s,\n\nU heeft een nieuw wachtwoord aangevraagd voor peerreview. Kies uw nieuwe "
            "wachtwoord via deze link. De link is %(lifetime)s geldig en werkt één keer.\n\n%(link)s\n\n"
            "Heeft u dit niet aangevraagd? Dan kunt u deze e-mail negeren; uw wachtwoord blijft ongewijzigd.\n",
            name=user.name, lifetime=password_reset_lifetime(), link=link,
        ),
    )


def _consume_link(user: User, password: str, messages: dict, **also: object) -> None:
    """Set the password from a link, only while the password hash is still the one the link was made for.

    The fingerprint check in ``user_for_token`` reads; this conditional UPDATE writes. Of two simultaneous
    uses of one link, only one changes a row; the other is told the link was used.
    """
    validate_new_password(user, password)
    old_hash = user.password_hash
    values = {
        "password_hash": generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"]),
        "password_changed_at": utcnow(),
        **also,
    }
    unchanged = User.password_hash.is_(None) if old_hash is None else User.password_hash == old_hash
    result = db.session.execute(
        update(User).where(User.id == user.id, unchanged).values(**values),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:
        raise AccountError(str(messages["used"]), reason="used")
    for key, value in values.items():
        set_committed_value(user, key, value)


def reset_password(token: str, password: str) -> User:
    user = user_for_token(token, Purpose.reset_password)
    _consume_link(user, password, TOKEN_MESSAGES)
    return user


def activate(token: str, password: str) -> User:
    user = user_for_token(token, Purpose.activate)
    _consume_link(user, password, INVITATION_MESSAGES, activated_at=utcnow())
    return user
