"""Exports: the peer review report as PDF and the data as Excel, for college, raad and region.

Every download reads the report object of :mod:`peerreview.reports.services` (the same numbers as the result page),
sits behind the same permission as the page that offers it, and is recorded in the history."""

from flask import Blueprint

bp = Blueprint("exports", __name__)

from . import routes  # noqa: E402,F401
