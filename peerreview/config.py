"""Every configuration key the app reads, with a safe default.

Order of precedence: these defaults, then ``instance/config.py``, then ``PEERREVIEW_*``
environment variables (``PEERREVIEW_SECRET_KEY``, ``PEERREVIEW_DATABASE_URL`` ...).
"""

from __future__ import annotations

from datetime import timedelta

#: The placeholder the app refuses to run with outside debug and testing.
INSECURE_SECRET_KEY = "dev-insecure-change-me"  # noqa: S105 (the refused placeholder)


class Defaults:
    SECRET_KEY = INSECURE_SECRET_KEY
    #: SQLAlchemy URL; ``None`` means the SQLite file ``instance/peerreview.sqlite``.
    DATABASE_URL: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    #: Where the questionnaire definitions (YAML) live; ``None`` means ``<repo>/questionnaires``.
    QUESTIONNAIRES_PATH: str | None = None
    #: At start-up, compare every questionnaire version that evaluations have used with its file, and refuse
    #: to start when the content changed. Only tests that build apps on purpose-made databases turn it off.
    QUESTIONNAIRES_VERIFY_USED = True

    #: Uploads and form posts larger than this are refused with a friendly page.
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024

    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)

    WTF_CSRF_TIME_LIMIT = 8 * 3600

    #: werkzeug.security method for new password hashes.
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 (an algorithm name)
    PASSWORD_MIN_LENGTH = 10

    #: Lifetimes of the links that are mailed.
    PASSWORD_RESET_MAX_AGE = timedelta(hours=2)
    INVITATION_MAX_AGE = timedelta(days=14)

    #: SMTP; with no MAIL_SERVER, mails (and their links) are written to the log.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 587
    MAIL_USE_TLS = True
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_FROM = "peerreview@localhost"

    #: Absolute base URL for links in mails (e.g. ``https://peerreview.example.nl``). Required outside
    #: debug and testing: a link must never be built from the request's Host header.
    PUBLIC_BASE_URL: str | None = None
