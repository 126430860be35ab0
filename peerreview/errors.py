"""App-wide error pages in Dutch; a 500 rolls the transaction back first."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db

MESSAGES = {
    400: ("Ongeldig verzoek", "Het verzoek kon niet worden verwerkt. Controleer wat u invulde en probeer het opnieuw."),
    403: ("Geen toegang", "U heeft geen toegang tot deze pagina. Denkt u dat dit niet klopt? Neem contact op met uw regiocoördinator of beheerder."),
    404: ("Pagina niet gevonden", "Deze pagina bestaat niet (meer). Controleer het adres of ga terug naar de startpagina."),
    405: ("Niet toegestaan", "Deze actie kan zo niet worden uitgevoerd. Gebruik de knoppen op de pagina."),
    413: ("Bestand te groot", "Het bestand of formulier is te groot. Het maximum is {limit} MB."),
    429: ("Te veel pogingen", "U heeft het te vaak geprobeerd. Wacht even en probeer het dan opnieuw."),
    500: ("Er ging iets mis", "Er ging bij ons iets mis. Er is niets opgeslagen van deze laatste actie. Probeer het later opnieuw."),
    503: ("Tijdelijk niet beschikbaar", "De toepassing is tijdelijk niet beschikbaar. Probeer het over enkele minuten opnieuw."),
}


def render_error(code: int, message: str | None = None):  # noqa: ANN201
    title, default = MESSAGES.get(code, MESSAGES[500])
    if code == 413:
        limit = (request.max_content_length or 0) // (1024 * 1024)
        default = default.format(limit=limit)
    return render_template("errors/error.html", code=code, title=_(title), message=message or _(default)), code


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):  # noqa: ANN202
        return render_error(
            400,
            _("Het formulier is verlopen of ongeldig (beveiligingscode ontbreekt). "
              "Ga terug, laad de pagina opnieuw en probeer het nog eens."),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # noqa: ANN202
        if error.code is None or error.code < 400:
            return error
        if error.code in MESSAGES:
            return render_error(error.code)
        return render_template("errors/error.html", code=error.code, title=error.name,
                               message=error.description), error.code

    @app.errorhandler(500)
    def unexpected(error: Exception):  # noqa: ANN202
        # Reached for unhandled exceptions outside testing (in tests they propagate, so a bug fails loudly).
        db.session.rollback()
        return render_error(500)
