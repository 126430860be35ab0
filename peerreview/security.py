"""What every response and every log-in is guarded by, in one place.

- Security headers on every response (pages, error pages, static files, redirects, downloads):
  a Content-Security-Policy without inline scripts, nosniff, no framing, a referrer policy, HSTS outside
  debug and testing, a minimal Permissions-Policy, and no caching of what a logged-in user is shown.
- The lifetime of a log-in: it ends after ``SESSION_IDLE_TIMEOUT`` without a request, always after
  ``PERMANENT_SESSION_LIFETIME``, and when its cookie is used from another browser (``SESSION_BINDING``);
  the next request goes to the log-in page with a Dutch message.
- Throttling (Flask-Limiter) of failed log-ins per typed e-mail address and per client address, and of
  password-reset requests. The key is the address as typed, known or not, so a refusal never tells whether
  an account exists.

Plotly (charts) inserts a ``<style>`` element when it loads; a strict ``style-src 'self'`` blocks it and
breaks the chart's mode bar (plotly.js issues #2355 and #7543: its separate ``plotly.css`` is not produced
since version 3). A view that shows a chart is therefore decorated with :func:`allow_inline_styles`, which
adds ``'unsafe-inline'`` to ``style-src`` for that response only. Scripts stay ``'self'`` everywhere: chart
data travels in ``<script type="application/json">`` blocks, which are data, not script, and are not
executed, so CSP does not block them.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask.wrappers import Response
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_login import logout_user
from werkzeug.middleware.proxy_fix import ProxyFix

from .templating import format_duration

F = TypeVar("F", bound=Callable[..., Any])

#: The clock the session checks read; tests replace it to travel in time.
clock = time.time

#: Every directive is listed, so nothing falls back to a browser default.
_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "frame-src": "'none'",
    "worker-src": "'self' blob:",
    "manifest-src": "'self'",
}
#: Features no page of the app uses.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=()"
#: Public files that every user gets alike and whose URL changes with their content: they may be cached.
CACHEABLE_ENDPOINTS = frozenset({"static"})
#: Session keys that keep the times of a log-in (seconds since the epoch).
LOGIN_AT, SEEN_AT, CLIENT = "_login_at", "_seen_at", "_client"
#: How often (seconds) the last-seen time in the cookie is brought up to date.
_SEEN_RESOLUTION = 30


def content_security_policy(*, inline_styles: bool = False) -> str:
    directives = dict(_CSP)
    if inline_styles:
        directives["style-src"] = "'self' 'unsafe-inline'"
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def allow_inline_styles(view: F) -> F:
    """For views that show a plotly chart: ``style-src`` also allows inline styles, for that response only."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        g.csp_inline_styles = True
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def hsts_enabled(app: Flask) -> bool:
    configured = app.config.get("HSTS_ENABLED")
    if configured is None:
        return not (app.debug or app.testing)
    return bool(configured)


def set_security_headers(response: Response) -> Response:
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(
        inline_styles=bool(g.get("csp_inline_styles"))
    )
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    app = current_app
    if hsts_enabled(app):
        value = f"max-age={int(app.config['HSTS_MAX_AGE'])}"
        if app.config.get("HSTS_INCLUDE_SUBDOMAINS"):
            value += "; includeSubDomains"
        headers["Strict-Transport-Security"] = value
    if request.endpoint not in CACHEABLE_ENDPOINTS and session.get("_user_id"):
        # Pages and downloads of a logged-in user stay out of shared and browser caches.
        headers["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- the lifetime of a log-in


def client_fingerprint(binding: str) -> str | None:
    """What a log-in is tied to (SESSION_BINDING): a digest of the browser, and optionally of the address."""
    parts = []
    if "browser" in binding:
        parts.append("browser:" + request.headers.get("User-Agent", ""))
    if "address" in binding:
        parts.append("address:" + (request.remote_addr or ""))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16] if parts else None


def mark_login() -> None:
    """Called at log-in, after the session was cleared: when, and from which browser."""
    now = int(clock())
    session[LOGIN_AT] = now
    session[SEEN_AT] = now
    session[CLIENT] = client_fingerprint(current_app.config["SESSION_BINDING"])


def _session_expired(now: int) -> bool:
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        return True  # a log-in without its times (from before this check existed, or forged): start over
    idle = current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    absolute = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    return now - seen_at > idle or now - login_at > absolute or seen_at > now + 60


def _end_session(message: str) -> Response:
    logout_user()
    session.clear()
    flash(message, "warning")
    target = None
    if request.method == "GET" and request.endpoint not in (None, "auth.login"):
        target = request.full_path.rstrip("?")
    return redirect(url_for("auth.login", next=target))


def check_session() -> Response | None:
    """End a log-in that is idle, too old, or used from another browser; the user is sent to the log-in page."""
    if request.endpoint == "static" or not session.get("_user_id"):
        return None
    now = int(clock())
    if _session_expired(now):
        return _end_session(_(
            "Uw sessie is verlopen. Log opnieuw in. Om veiligheidsredenen eindigt een sessie na %(idle)s zonder "
            "activiteit, en altijd na %(absolute)s.",
            idle=format_duration(current_app.config["SESSION_IDLE_TIMEOUT"]),
            absolute=format_duration(current_app.config["PERMANENT_SESSION_LIFETIME"])))
    if session.get(CLIENT) != client_fingerprint(current_app.config["SESSION_BINDING"]):
        return _end_session(_("Uw sessie is beëindigd omdat deze vanuit een andere browser werd gebruikt. "
                              "Log opnieuw in."))
    if now - session[SEEN_AT] >= _SEEN_RESOLUTION:
        session[SEEN_AT] = now
    return None


# ---------------------------------------------------------------- throttling


def client_address() -> str:
    """The client's address (behind a reverse proxy: set TRUSTED_PROXY_COUNT, so it is the client's, not the
    proxy's)."""
    return "address:" + (request.remote_addr or "unknown")


def typed_account() -> str:
    """The e-mail address as typed, normalized like a log-in: the same key for known and unknown accounts."""
    email = request.form.get("email", "")
    return "account:" + " ".join(email.split()).lower()[:320]


def _failed(response: Response) -> bool:
    """A log-in that did not succeed (a success redirects)."""
    return response.status_code != 302


def _config_limit(key: str) -> Callable[[], str]:
    return lambda: current_app.config[key]


#: One limiter, bound to each app by ``init_app`` (which reads RATELIMIT_* and makes a fresh store, so every
#: app a test builds starts with no counts).
limiter = Limiter(key_func=client_address)


def throttle_login(view: F) -> F:
    """Failed log-ins per typed e-mail address and per client address; a success does not count."""
    for key, key_func in (("LOGIN_LIMIT_PER_ACCOUNT", typed_account), ("LOGIN_LIMIT_PER_ADDRESS", client_address)):
        view = limiter.limit(_config_limit(key), key_func=key_func, methods=["POST"], deduct_when=_failed,
                             scope=f"login-{key_func.__name__}")(view)
    return view


def throttle_password_reset(view: F) -> F:
    """Every posted request for a reset link counts (each may send a mail)."""
    for key, key_func in (("RESET_REQUEST_LIMIT_PER_ACCOUNT", typed_account),
                          ("RESET_REQUEST_LIMIT_PER_ADDRESS", client_address)):
        view = limiter.limit(_config_limit(key), key_func=key_func, methods=["POST"],
                             scope=f"reset-{key_func.__name__}")(view)
    return view


def init_security(app: Flask) -> None:
    proxies = int(app.config.get("TRUSTED_PROXY_COUNT") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0)  # type: ignore[method-assign]
    limiter.init_app(app)
    app.before_request(check_session)
    app.after_request(set_security_headers)
