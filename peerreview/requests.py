"""Guards that apply to every request, before any view runs."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from .errors import render_error

#: The largest id the database holds (a 32-bit INTEGER on PostgreSQL).
MAX_ID = 2**31 - 1


def form_id(value: object) -> int | None:
    """An id from a form: a whole number the database can hold, else ``None`` (refused like an unknown id)."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


class IdConverter(IntegerConverter):
    """``<int:...>`` that never matches a number the database cannot hold: such a URL is a 404, not a 500."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, MAX_ID if max is None else max, signed)


def _has_nul(values) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values.getlist(key)) for key in values)


def init_requests(app: Flask) -> None:
    """Register before the blueprints: the converter is read when their rules are added."""
    app.url_map.converters["int"] = IdConverter

    @app.before_request
    def refuse_nul_bytes():
        # No text a person types contains a NUL character, and PostgreSQL refuses to store one.
        if _has_nul(request.args) or (request.method == "POST" and _has_nul(request.form)):
            return render_error(400, _("Uw invoer bevat een ongeldig teken (een nul-teken). Er is niets "
                                       "opgeslagen. Ga terug, verwijder het teken en probeer het opnieuw."))
        return None
