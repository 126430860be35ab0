"""Reading the questionnaire: the list of versions and one version as a printable page."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user, login_required

from ..domain.permissions import can_see_questionnaire_fingerprints, can_view_questionnaire
from ..domain.questionnaire import Lever, QuestionnaireStatus
from ..questionnaire_registry import registry, usage_if_available
from . import bp


@bp.route("/")
@login_required
def index():
    include_drafts = can_view_questionnaire(current_user, is_draft=True)
    questionnaires = registry().visible(include_drafts=include_drafts)
    show_usage = can_see_questionnaire_fingerprints(current_user)
    return render_template("questionnaires/index.html", questionnaires=questionnaires,
                           usage=usage_if_available() if show_usage else {}, show_usage=show_usage)


@bp.route("/<key>/<version>")
@login_required
def show(key: str, version: str):
    questionnaire = registry().find(key, version)
    if questionnaire is None or not can_view_questionnaire(
            current_user, is_draft=questionnaire.status is QuestionnaireStatus.DRAFT):
        abort(404)
    newer = registry().latest(key)
    return render_template("questionnaires/show.html", questionnaire=questionnaire, levers=list(Lever),
                           newer=newer if newer is not None and newer.version_key > questionnaire.version_key else None)
