"""What every page of the blueprint shares: the log-in, loading an evaluation the user may see (404 / 403 before
anything else), the CSRF check of hand-read forms, and the page for a questionnaire that is no longer available."""

from __future__ import annotations

from flask import abort, current_app, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...domain import permissions
from ...domain.questionnaire import Questionnaire, Section
from ...errors import render_error
from ...evaluation.lifecycle import permitted_evaluation, questionnaire_of
from ...extensions import db
from ...models import Evaluation
from ...questionnaire_loader import UnknownQuestionnaire
from ...questionnaire_registry import QuestionnaireChanged
from .. import bp


@bp.before_request
@login_required
def require_login():
    return None


def load_viewable(evaluation_id: int) -> tuple[Evaluation, Questionnaire]:
    evaluation = permitted_evaluation(
        evaluation_id, lambda evaluation: permissions.can_view_evaluation(current_user, evaluation))
    return evaluation, questionnaire_of(evaluation)


def section_or_404(questionnaire: Questionnaire, section_id: str) -> Section:
    if not questionnaire.has_section(section_id):
        abort(404)
    return questionnaire.section(section_id)


@bp.errorhandler(QuestionnaireChanged)
@bp.errorhandler(UnknownQuestionnaire)
def questionnaire_unavailable(error: Exception):
    """The round's questionnaire file is missing or no longer what the round was opened with: nothing may be
    shown or saved against it. The start-up check normally refuses to start in this case."""
    current_app.logger.error("Questionnaire of %s unavailable: %s", request.path, error)
    db.session.rollback()
    return render_error(503, _("De vragenlijst van deze ronde is op de server niet (meer) beschikbaar zoals de ronde "
                               "haar gebruikte. Er is niets opgeslagen. Meld dit aan de beheerder."))
