"""Downloads. Thin: load, check the page's permission (403 before anything is built), build, record, send."""

from __future__ import annotations

from io import BytesIO

from flask import abort, request, send_file, url_for
from flask_login import current_user, login_required

from ..dates import today
from ..domain import permissions
from ..domain.exports import ExportKind
from ..evaluation.history import record_download
from ..evaluation.lifecycle import permitted_evaluation
from ..evaluation.team import report_of, team_of
from ..extensions import db
from ..models import Evaluation, Round
from ..web import require
from . import bp, document, national, national_workbook, pdf, services, workbooks
from .services import XLSX_MIMETYPE


def _published(evaluation_id: int) -> Evaluation:
    """The evaluation whose results the user may see (the result page's own rule); 404 or 403 otherwise."""
    return permitted_evaluation(
        evaluation_id, lambda evaluation: permissions.can_view_results(current_user, evaluation, team_of(evaluation)))


def _document(evaluation_id: int) -> Evaluation:
    """The evaluation whose report document the user may read: the published report (the result page's rule), or
    during hoor en wederhoor the concept, for whoever reads the concept (``permissions.can_read_concept``)."""
    def may(evaluation: Evaluation) -> bool:
        team = team_of(evaluation)
        if permissions.can_view_results(current_user, evaluation, team):
            return True
        report = report_of(evaluation)
        return permissions.can_read_concept(current_user, evaluation, team,
                                            contributors_may_check=bool(report and report.contributors_may_check))

    return permitted_evaluation(evaluation_id, may)


def _record(kind: ExportKind, filename: str, **subject: object) -> None:
    """A download in the history and the audit log; a HEAD request (a link checker, a proxy) fetches nothing."""
    if request.method != "HEAD":
        record_download(current_user, kind, filename=filename, **subject)
        db.session.commit()


def _send(content: bytes, filename: str, mimetype: str):
    return send_file(BytesIO(content), as_attachment=True, download_name=filename, mimetype=mimetype, max_age=0)


@bp.route("/evaluations/<int:evaluation_id>/results/report.pdf")
@login_required
def report_pdf(evaluation_id: int):
    evaluation = _document(evaluation_id)
    content = pdf.report_pdf(services.evaluation_export(evaluation, current_user))
    filename = services.report_filename(evaluation, "pdf")
    _record(ExportKind.REPORT_PDF, filename, evaluation=evaluation)
    return _send(content, filename, "application/pdf")


@bp.route("/evaluations/<int:evaluation_id>/results/report")
@login_required
def report_page(evaluation_id: int):
    """The report as one printable page (the PDF's own template): what a gemeente may put on its website. During
    hoor en wederhoor the concept, marked as such: exactly what will be published, for the chair's preview."""
    evaluation = _document(evaluation_id)
    built = document.report_document(services.evaluation_export(evaluation, current_user))
    back = (url_for("reports.results", evaluation_id=evaluation.id) if evaluation.status.is_report_published
            else url_for("reviews.hearing", evaluation_id=evaluation.id))
    return document.render(built, stylesheet=url_for("static", filename=document.STYLESHEET), links={
        "results" if evaluation.status.is_report_published else "hearing": back,
        "pdf": url_for(".report_pdf", evaluation_id=evaluation.id)})


@bp.route("/evaluations/<int:evaluation_id>/results/data.xlsx")
@login_required
def report_xlsx(evaluation_id: int):
    evaluation = _published(evaluation_id)
    content = workbooks.evaluation_workbook(services.evaluation_export(evaluation, current_user))
    filename = services.report_filename(evaluation, "xlsx")
    _record(ExportKind.REPORT_XLSX, filename, evaluation=evaluation)
    return _send(content, filename, XLSX_MIMETYPE)


@bp.route("/rounds/<int:round_id>/results/region.xlsx")
@login_required
def region_xlsx(round_id: int):
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        abort(404)
    require(permissions.can_view_region_results(current_user, round_.region_id))
    content = workbooks.region_workbook(services.region_export(round_))
    filename = services.region_filename(round_)
    _record(ExportKind.REGION_XLSX, filename, round_=round_)
    return _send(content, filename, XLSX_MIMETYPE)


@bp.route("/admin/national.xlsx")
@login_required
def national_xlsx():
    require(permissions.can_export_national(current_user))
    content = national_workbook.national_workbook(national.national_export())
    filename = national.national_filename(today())
    _record(ExportKind.NATIONAL_XLSX, filename)
    return _send(content, filename, XLSX_MIMETYPE)
