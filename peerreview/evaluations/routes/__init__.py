"""Pages for rounds and self-evaluations. Thin: load, check permission (404 / 403), call a service, render.

Every view that names an evaluation loads it and checks ``domain.permissions`` before anything else
(``common.load_viewable``). One module a part of the blueprint; importing them registers their views."""

from . import common, offline, overview, rounds, wizard  # noqa: F401
