"""The verbeterplan (improvement plan) and the voortgangsreview: actions answering the peer team's recommendations,
their progress, targets per theme for the next round, and the chair's verdict per recommendation."""

from flask import Blueprint

bp = Blueprint("plans", __name__)

from . import routes  # noqa: E402,F401
