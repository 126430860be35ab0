"""Result pages. Thin: load, check permission (403 before anything else), build the report object, render."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user, login_required
from markupsafe import Markup

from ..cache import cached
from ..dates import today
from ..domain import permissions
from ..domain.results import Cohort, Report
from ..evaluation.lifecycle import load_round, permitted_evaluation
from ..evaluation.team import team_of
from ..models import Evaluation
from ..security import allow_inline_styles
from ..web import require
from . import bp, charts, services


def _published(evaluation_id: int) -> Evaluation:
    def may_see(evaluation: Evaluation) -> bool:
        # The team (who may see the results) is kept under the generation: a change to a team raises it.
        team = cached(("team", evaluation.id), lambda: team_of(evaluation))
        return permissions.can_view_results(current_user, evaluation, team)

    return permitted_evaluation(evaluation_id, may_see)


@bp.route("/evaluations/<int:evaluation_id>/results")
@login_required
@allow_inline_styles
def results(evaluation_id: int):
    evaluation = _published(evaluation_id)
    key, report = services.report_for(evaluation, current_user)
    body = cached(("results page", *key), lambda: Markup(render_template(  # noqa: S704 (rendered by Jinja)
        "reports/_results_body.html", evaluation=evaluation, report=report, figures=_result_figures(report),
        Cohort=Cohort)))
    return render_template("reports/results.html", evaluation=evaluation, report=report, body=body)


def _result_figures(report: Report) -> dict[str, Markup]:
    figures = {"radar": charts.radar(report), "gaps": charts.gap_bars(report), "levers": charts.lever_bars(report)}
    if report.profile:
        figures["profile"] = charts.profile_bars(report)
    if report.comparison_shown(Cohort.REGION):
        figures["benchmark"] = charts.benchmark(report, Cohort.REGION)
    if report.has_trend:
        figures["trend"] = charts.trend(report)
    return {k: charts.figure_json(f) for k, f in figures.items()}


@bp.route("/evaluations/<int:evaluation_id>/benchmark")
@login_required
@allow_inline_styles
def benchmark(evaluation_id: int):
    evaluation = _published(evaluation_id)
    key, report = services.report_for(evaluation, current_user)

    def body() -> Markup:
        figures = {cohort.value: charts.figure_json(charts.benchmark(report, cohort))
                   for cohort in Cohort if report.comparison_shown(cohort)}
        return Markup(render_template("reports/_benchmark_body.html", evaluation=evaluation,  # noqa: S704
                                      report=report, figures=figures, Cohort=Cohort))

    return render_template("reports/benchmark.html", evaluation=evaluation, report=report,
                           body=cached(("benchmark page", *key), body))


@bp.route("/rounds/<int:round_id>/results")
@login_required
@allow_inline_styles
def region(round_id: int):
    round_ = load_round(round_id)
    if round_ is None:
        abort(404)
    require(permissions.can_view_region_results(current_user, round_.region_id))
    on = today()

    def body() -> Markup:
        overview = services.region_overview(round_, today=on)
        figures = {}
        if overview.published:
            figures = {"matrix": charts.figure_json(charts.region_matrix(overview)),
                       "spread": charts.figure_json(charts.region_distribution(overview))}
        return Markup(render_template("reports/_region_body.html", round=round_,  # noqa: S704 (rendered by Jinja)
                                      overview=overview, figures=figures))

    # Keyed by the day (what is overdue) and the members' progress, which changes without the generation.
    key = ("region page", round_.id, on, services.region_progress(round_))
    return render_template("reports/region.html", round=round_, body=cached(key, body))
