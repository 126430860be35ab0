"""App-wide error pages in Dutch; a 500 rolls the transaction back first, and a database that cannot be
reached is a 503 that says so."""

from __future__ import annotations

from flask import Flask, current_app, g, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from . import audit
from .extensions import db, login_manager

MESSAGES = {
    400: (_l("Ongeldig verzoek"), _l("Het verzoek kon niet worden verwerkt. Controleer wat u invulde en probeer het opnieuw.")),
    403: (_l("Geen toegang"), _l("U heeft geen toegang tot deze pagina. Denkt u dat dit niet klopt? Neem contact op met uw regiocoördinator of beheerder.")),
    404: (_l("Pagina niet gevonden"), _l("Deze pagina bestaat niet (meer). Controleer het adres of ga terug naar de startpagina.")),
    405: (_l("Niet toegestaan"), _l("Deze actie kan zo niet worden uitgevoerd. Gebruik de knoppen op de pagina.")),
    413: (_l("Bestand te groot"), _l("Het bestand of formulier is te groot. Het maximum is %(limit)s MB.")),
    429: (_l("Te veel pogingen"), _l("U heeft het te vaak geprobeerd. Wacht even en probeer het dan opnieuw.")),
    500: (_l("Er ging iets mis"), _l("Er ging bij ons iets mis. Er is niets opgeslagen van deze laatste actie. Probeer het later opnieuw.")),
    503: (_l("Tijdelijk niet beschikbaar"), _l("De toepassing is tijdelijk niet beschikbaar. Probeer het over enkele minuten opnieuw.")),
}

#: Throttled forms: the same words whether or not the typed address belongs to an account.
THROTTLED = {
    "auth.login": _l("Er is te vaak geprobeerd in te loggen met dit e-mailadres of vanaf deze verbinding. Om uw account te beschermen kunt u het pas over %(minutes)s minuten opnieuw proberen. Wachtwoord vergeten? Vraag dan via de inlogpagina een nieuw wachtwoord aan."),
    "auth.forgot_password": _l("Er zijn te veel aanvragen voor een nieuw wachtwoord gedaan voor dit e-mailadres of vanaf deze verbinding. Probeer het over %(minutes)s minuten opnieuw. Een eerder verstuurde link blijft geldig."),
}
DATABASE_UNAVAILABLE = _l("De database is even niet bereikbaar. Er is niets opgeslagen van deze laatste actie. Probeer het over een minuut opnieuw; blijft het probleem bestaan, meld het dan aan de beheerder.")


def render_error(code: int, message: str | None = None):
    title, default = MESSAGES.get(code, MESSAGES[500])
    default = str(default)
    if code == 413:
        default = default % {"limit": (request.max_content_length or 0) // (1024 * 1024)}
    page = current_app.make_response(
        render_template("errors/error.html", code=code, title=str(title), message=message or default)
    )
    return page, code


def _throttled(error: RateLimitExceeded):
    seconds = error.limit.limit.get_expiry() if error.limit is not None else 60
    minutes = max(1, -(-seconds // 60))
    message = THROTTLED.get(request.endpoint or "")
    response = render_error(429, str(message) % {"minutes": minutes} if message else None)
    response[0].headers["Retry-After"] = str(seconds)
    return response


def _database_unavailable(error: Exception):
    """The database refused or dropped the connection: say so (503) instead of crashing, keep nothing."""
    current_app.logger.error("Database unavailable on %s %s: %s", request.method, request.path, error)
    try:
        db.session.rollback()
    except DBAPIError:  # the connection is gone; the pool replaces it on the next checkout
        db.session.close()
    # The page must not reach the database again: render it for an anonymous visitor.
    g._login_user = login_manager.anonymous_user()
    page, code = render_error(503, str(DATABASE_UNAVAILABLE))
    page.headers["Retry-After"] = "30"
    return page, code


def _record_refusal() -> None:
    """Audit a 403. A refused request keeps nothing it did: its transaction is rolled back here (it would be at
    the end of the request anyway), and the refusal is written in a transaction of its own, so it stays."""

    try:
        db.session.rollback()
    except DBAPIError:
        db.session.close()
    audit.record_refusal()


def init_errors(app: Flask) -> None:
    app.register_error_handler(RateLimitExceeded, _throttled)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(PoolTimeout, _database_unavailable)

    @app.errorhandler(DBAPIError)
    def dbapi_error(error: DBAPIError):
        if error.connection_invalidated:  # a disconnect seen mid-request
            return _database_unavailable(error)
        raise error

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400,
            _("Het formulier is verlopen of ongeldig (beveiligingscode ontbreekt). "
              "Ga terug, laad de pagina opnieuw en probeer het nog eens."),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if error.code == 403:
            _record_refusal()
        if error.code in MESSAGES:
            return render_error(error.code)
        return render_template("errors/error.html", code=error.code, title=error.name,
                               message=error.description), error.code

    @app.errorhandler(500)
    def unexpected(error: Exception):
        # Reached for unhandled exceptions outside testing (in tests they propagate, so a bug fails loudly).
        db.session.rollback()
        return render_error(500)
