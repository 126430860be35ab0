"""Questionnaires: loading the versioned YAML files, the registry, the printable view and ``flask questionnaires``."""

from flask import Blueprint

bp = Blueprint("questionnaires", __name__)

from . import routes  # noqa: E402,F401
