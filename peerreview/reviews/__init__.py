"""The peer review (collegiale toetsing): the peer team and its conflicts of interest, the reviewers' scores,
interviews and observations, the team's consensus, the report with recommendations, publication, the gemeente's
reaction and closing."""

from flask import Blueprint

bp = Blueprint("reviews", __name__)

from . import routes  # noqa: E402,F401
