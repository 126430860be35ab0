"""Pages of the peer review. Thin: load, check permission (403 before anything else), call a service, render.

Every view that names an evaluation, a team member, an entry or a recommendation loads it through the evaluation
it belongs to, so an id of another evaluation is a 404, never a way in. One module a part of the blueprint;
importing them registers their views."""

from . import common, conflicts, drafting, hearing, interviews, published, scoring, team  # noqa: F401
