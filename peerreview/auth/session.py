"""Flask-Login wiring. The session id includes a fingerprint of the password hash, so a password
change (or reset) ends every other session of that user."""

from __future__ import annotations

import hashlib

from flask import Flask

from ..extensions import db, login_manager
from ..models import User


def session_id_for(user: User) -> str:
    digest = hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:12]
    return f"{user.id}.{digest}"


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Log in om deze pagina te zien."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        user_id, _, digest = session_id.partition(".")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.is_active or session_id_for(user) != session_id:
            return None
        return user


User.get_id = session_id_for  # type: ignore[assignment]
