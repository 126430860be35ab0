"""Flask-Login wiring. The session id includes a fingerprint of the password hash, so a password
change (or reset) ends every other session of that user. A deactivated user's session ends at
their next request."""

from __future__ import annotations

import hashlib

from flask import Flask, session
from flask_babel import gettext

from ..extensions import db, login_manager
from ..models import User


def session_id_for(user: User) -> str:
    digest = hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:12]
    return f"{user.id}.{digest}"


#: What Flask-Login keeps in the session for a logged-in user.
_LOGIN_KEYS = ("_user_id", "_fresh", "_id", "_remember", "_remember_seconds", "_login_at", "_seen_at", "_client")


def _end_session() -> None:
    """Forget the log-in for good, so the old session does not come back when the account is reactivated."""
    for key in _LOGIN_KEYS:
        session.pop(key, None)


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in om deze pagina te zien."
    login_manager.localize_callback = gettext  # flashed through Flask-Babel, like our own messages
    login_manager.login_message_category = "info"
    # Flask-Login's "strong" mode does nothing for permanent sessions; peerreview/security.py ties a log-in to
    # its browser instead (SESSION_BINDING).
    login_manager.session_protection = app.config.get("SESSION_PROTECTION", "basic")

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        user_id, _, _digest = session_id.partition(".")
        user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
        if user is None or not user.is_active or session_id_for(user) != session_id:
            _end_session()
            return None
        return user


User.get_id = session_id_for  # type: ignore[assignment]
