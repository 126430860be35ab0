"""The Excel round trip: download the questionnaire as a workbook, fill it in offline, upload it, check the
preview and apply it to one's own answers."""

from __future__ import annotations

from io import BytesIO

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from ...domain import permissions
from ...domain.errors import DomainError
from ...domain.exports import ExportKind
from ...domain.questionnaire import Questionnaire
from ...errors import render_error
from ...evaluation.history import record_download
from ...evaluation.lifecycle import load_evaluation, questionnaire_of
from ...extensions import db
from ...forms import EmptyForm
from ...models import Evaluation
from ...web import attempt, require, require_csrf, silently
from .. import bp, excel, services
from .. import workbook as workbook_services
from ..forms import UploadForm
from .common import load_viewable


def _excel_evaluation(evaluation_id: int) -> tuple[Evaluation, Questionnaire]:
    evaluation, questionnaire = load_viewable(evaluation_id)
    require(permissions.is_own_gemeente(current_user, evaluation))
    return evaluation, questionnaire


def _excel_page(evaluation: Evaluation, questionnaire: Questionnaire, problems=(), status: int = 200):
    return render_template("evaluations/excel.html", evaluation=evaluation, questionnaire=questionnaire,
                           form=UploadForm(formdata=None), problems=list(problems),
                           can_upload=permissions.can_answer(current_user, evaluation),
                           max_mb=excel.MAX_UPLOAD_BYTES // (1024 * 1024)), status


@bp.route("/evaluations/<int:evaluation_id>/excel")
def excel_page(evaluation_id: int):
    evaluation, questionnaire = _excel_evaluation(evaluation_id)
    return _excel_page(evaluation, questionnaire)


@bp.route("/evaluations/<int:evaluation_id>/excel/download")
def excel_download(evaluation_id: int):
    evaluation, questionnaire = _excel_evaluation(evaluation_id)
    content = workbook_services.export_workbook(evaluation, questionnaire, current_user)
    filename = workbook_services.export_filename(evaluation, current_user)
    record_download(current_user, ExportKind.SELF_EVALUATION_XLSX, evaluation=evaluation, filename=filename)
    db.session.commit()
    return send_file(BytesIO(content), as_attachment=True, download_name=filename,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     max_age=0)


#: An upload may be this much larger than the file itself (the multipart envelope and the CSRF token).
UPLOAD_ENVELOPE = 64 * 1024


@bp.url_value_preprocessor
def limit_uploads(endpoint: str | None, values: dict | None) -> None:
    """Refuse an oversized workbook from its Content-Length, before anything (CSRF, request guards) reads it."""
    if endpoint == "evaluations.excel_upload":
        request.max_content_length = excel.MAX_UPLOAD_BYTES + UPLOAD_ENVELOPE


def _too_big() -> excel.UploadProblem:
    return excel.UploadProblem(None, None, _(
        "Het bestand is te groot: het maximum is %(mb)s MB. Een ingevulde vragenlijst is meestal kleiner dan "
        "200 kB; stuur het bestand zonder afbeeldingen of andere bladen.", mb=excel.MAX_UPLOAD_BYTES // 2**20))


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error: RequestEntityTooLarge):
    if request.endpoint == "evaluations.excel_upload" and current_user.is_authenticated:
        evaluation = load_evaluation(int((request.view_args or {}).get("evaluation_id", 0)))
        if evaluation is not None and permissions.is_own_gemeente(current_user, evaluation):
            try:
                return _excel_page(evaluation, questionnaire_of(evaluation), [_too_big()], 413)
            except DomainError:
                pass
    return render_error(413)


@bp.route("/evaluations/<int:evaluation_id>/excel", methods=["POST"])
def excel_upload(evaluation_id: int):
    evaluation, questionnaire = _excel_evaluation(evaluation_id)
    form = UploadForm()
    if not form.validate_on_submit():
        abort(400)
    upload = request.files.get("file")
    if not permissions.can_answer(current_user, evaluation):
        return _excel_page(evaluation, questionnaire, [excel.UploadProblem(None, None, _(
            "Deze zelfevaluatie is ingediend; er kan niets meer worden ingelezen."))], 409)
    if upload is None or not upload.filename:
        return _excel_page(evaluation, questionnaire, [excel.UploadProblem(None, None, _(
            "Kies eerst het ingevulde Excel-bestand (.xlsx)."))], 422)
    try:
        data = upload.stream.read(excel.MAX_UPLOAD_BYTES + 1)
    finally:
        upload.close()
    if len(data) > excel.MAX_UPLOAD_BYTES:
        return _excel_page(evaluation, questionnaire, [_too_big()], 413)
    try:
        done = attempt(lambda: workbook_services.preview_import(current_user, evaluation, questionnaire,
                                                                upload.filename, data), report=silently)
    except excel.UploadRejected as error:
        db.session.rollback()
        return _excel_page(evaluation, questionnaire, error.problems, 422)
    if not done:
        return _excel_page(evaluation, questionnaire, [excel.UploadProblem(None, None, done.error.message)], 422)
    return redirect(url_for(".excel_preview", evaluation_id=evaluation.id, import_id=done.value.id))


def _pending(evaluation: Evaluation, import_id: int):
    pending = workbook_services.pending_import(current_user, evaluation, import_id)
    if pending is None:
        abort(404)
    return pending


@bp.route("/evaluations/<int:evaluation_id>/excel/<int:import_id>")
def excel_preview(evaluation_id: int, import_id: int):
    evaluation, questionnaire = _excel_evaluation(evaluation_id)
    pending = _pending(evaluation, import_id)
    changes = workbook_services.describe_import(pending, questionnaire, current_user, evaluation)
    other_user = pending.changes.get("exported_for") not in (None, current_user.id)
    return render_template("evaluations/excel_preview.html", evaluation=evaluation, pending=pending,
                           changes=changes, other_user=other_user, form=EmptyForm(),
                           expired=workbook_services.is_expired(pending),
                           can_apply=permissions.can_answer(current_user, evaluation))


@bp.route("/evaluations/<int:evaluation_id>/excel/<int:import_id>/apply", methods=["POST"])
def excel_apply(evaluation_id: int, import_id: int):
    evaluation, questionnaire = _excel_evaluation(evaluation_id)
    pending = _pending(evaluation, import_id)
    require_csrf()
    try:
        done = attempt(lambda: workbook_services.apply_import(current_user, evaluation, questionnaire, pending),
                       raising=(services.EditConflict,))
    except services.EditConflict as error:
        names = ", ".join(sorted({c.theirs.by or _("iemand") for c in error.conflicts}))
        flash(ngettext("Er is niets ingelezen: %(num)s antwoord is na de voorvertoning online gewijzigd (door "
                       "%(names)s). Download het bestand opnieuw of pas de antwoorden online aan.",
                       "Er is niets ingelezen: %(num)s antwoorden zijn na de voorvertoning online gewijzigd (door "
                       "%(names)s). Download het bestand opnieuw of pas de antwoorden online aan.",
                       len(error.conflicts), names=names), "error")
        return redirect(url_for(".excel_preview", evaluation_id=evaluation.id, import_id=pending.id))
    if not done:
        return redirect(url_for(".excel_preview", evaluation_id=evaluation.id, import_id=pending.id))
    flash(ngettext("%(num)s wijziging uit ‘%(file)s’ is verwerkt in uw antwoorden.",
                   "%(num)s wijzigingen uit ‘%(file)s’ zijn verwerkt in uw antwoorden.", done.value,
                   file=pending.filename), "success")
    return redirect(url_for(".evaluation", evaluation_id=evaluation.id))
