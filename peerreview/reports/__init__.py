"""Results: the gemeente's result page (self versus peer, profile, willen/kennen/kunnen, benchmark, trend) and the
region's overview of a round. Every number comes from one report object (:mod:`peerreview.domain.results`)."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from . import routes  # noqa: E402,F401
