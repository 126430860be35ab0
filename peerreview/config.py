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

    #: The benchmark shows a group's distribution only when it has at least this many other gemeenten with a
    #: published peer report, so that no score can be traced to one gemeente.
    BENCHMARK_MIN_GROUP = 5

    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    #: The absolute lifetime of a log-in: after this the user logs in again, active or not.
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    #: The cookie is written when the session changes (log-in, and the idle clock every 30 s of activity,
    #: security.py), not on every response: the lifetimes above are enforced from the session's own timestamps,
    #: so rewriting an unchanged cookie on each request bought nothing and cost a signature and a header.
    SESSION_REFRESH_EACH_REQUEST = False
    #: A log-in ends after this long without a request (the wizard's autosave counts as one).
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    #: A log-in is tied to the browser it was made in: a request with the session cookie from another browser
    #: (User-Agent) ends it. "browser+address" ties it to the client address too (breaks for users whose
    #: address changes, e.g. behind rotating proxies); "none" switches this off.
    SESSION_BINDING = "browser"
    #: Flask-Login's own check; its "strong" mode does nothing for permanent sessions, hence SESSION_BINDING.
    SESSION_PROTECTION = "basic"

    #: Log-in throttling (Flask-Limiter). Only failed attempts count; "N per M minutes".
    #: Per typed e-mail address (known or not, so the answer never tells whether an account exists) and
    #: per client address. Forgot-password requests count all posts (each may send a mail).
    LOGIN_LIMIT_PER_ACCOUNT = "10 per 15 minutes"
    LOGIN_LIMIT_PER_ADDRESS = "30 per 15 minutes"
    RESET_REQUEST_LIMIT_PER_ACCOUNT = "5 per hour"
    RESET_REQUEST_LIMIT_PER_ADDRESS = "20 per hour"
    RATELIMIT_ENABLED = True
    #: ``memory://`` counts per worker process; with several workers use a shared store, e.g.
    #: ``redis://localhost:6379`` (needs the ``redis`` package) or ``memcached://localhost:11211``.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_KEY_PREFIX = "peerreview"

    #: How many reverse proxies (nginx, a load balancer) stand before the app and set X-Forwarded-For/-Proto.
    #: Behind one, set 1: otherwise every client has the proxy's address, and the per-address log-in limit
    #: would count all users together. Never set it higher than the real number (clients could forge it).
    TRUSTED_PROXY_COUNT = 0

    #: Strict-Transport-Security; ``None`` means on outside debug and testing. Browsers ignore it over http.
    HSTS_ENABLED: bool | None = None
    HSTS_MAX_AGE = 365 * 24 * 3600
    HSTS_INCLUDE_SUBDOMAINS = False

    WTF_CSRF_TIME_LIMIT = 8 * 3600

    #: Flask-Compress (assets.py): brotli or gzip as the browser asks. Streamed responses (downloads) are left
    #: alone: Flask-Compress's streaming mode does not close the file it reads. Set COMPRESS_REGISTER = False when
    #: a reverse proxy compresses instead.
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_STREAMS = False
    COMPRESS_MIMETYPES = ["text/html", "text/css", "text/javascript", "application/javascript", "application/json",
                          "image/svg+xml"]

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

    #: Where ``flask backup`` writes by default, and ``flask restore`` keeps its safety copy;
    #: ``None`` means ``instance/backups``.
    BACKUP_DIR: str | None = None

    #: Absolute base URL for links in mails (e.g. ``https://peerreview.example.nl``). Required outside
    #: debug and testing: a link must never be built from the request's Host header.
    PUBLIC_BASE_URL: str | None = None
