"""Rounds and self-evaluations: the round pages for the region, the wizard, consensus, submission, history,
colleagues and the Excel round trip."""

from flask import Blueprint

bp = Blueprint("evaluations", __name__)

from . import routes  # noqa: E402,F401
