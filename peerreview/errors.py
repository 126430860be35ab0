"""App-wide error pages in Dutch; a 500 rolls the transaction back first."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db

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


def render_error(code: int, message: str | None = None):  # noqa: ANN201
    title, default = MESSAGES.get(code, MESSAGES[500])
    default = str(default)
    if code == 413:
        default = default % {"limit": (request.max_content_length or 0) // (1024 * 1024)}
    return render_template("errors/error.html", code=code, title=str(title), message=message or default), code


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
