"""The report document: one template (``exports/report_document.html`` with ``static/css/report.css``) for the
printable page that a gemeente may put on its website and for the PDF made from it (:mod:`.pdf`), so the two
cannot differ.

Order (what a raad expects): title page; leeswijzer; samenvatting; the college's bestuurlijke reactie and the peer
team's nawoord; *Aanleiding, opdracht en werkwijze*; the scores with their charts (each an SVG drawn by
:mod:`.drawings`, with an alternative text that says what it shows, and its data table after it); the position
among other gemeenten (one sentence while no group is large enough); a section per theme; the plan, if the viewer
may see it; annexes: the processing of the factual points and the scale.

This module prepares what the template shows from the :class:`~.services.EvaluationExport` alone (the figures,
the strongest and weakest themes, the main recommendations, the comparison tables); the template only formats."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app, has_request_context, render_template

from ..domain.results import Cohort, ItemResult, RecommendationView, Report
from ..domain.reviews import Addressee, Priority
from . import drawings
from .services import EvaluationExport

#: The drawings' width in points: the A4 page's text column (210 mm minus two margins of 20 mm).
CONTENT_WIDTH = (210 - 40) / 25.4 * 72
STYLESHEET = "css/report.css"
TEMPLATE = "exports/report_document.html"
TOP_RECOMMENDATIONS = 5


@dataclass(frozen=True)
class Figure:
    src: str  # an SVG data: URI
    alt: str  # what the chart shows, in words
    caption: str
    width: float  # points
    height: float


@dataclass(frozen=True)
class BenchmarkRow:
    label: str
    peer_score: object  # a whole level, or None
    median: object
    q1: object
    q3: object
    position: str  # "boven de middelste helft", or why there is no comparison


@dataclass(frozen=True)
class BenchmarkGroup:
    title: str
    note: str  # which gemeenten the group holds, in words
    rows: tuple[BenchmarkRow, ...]


@dataclass(frozen=True)
class ReportDocument:
    export: EvaluationExport
    title: str  # the PDF's and the page's title
    figures: dict[str, Figure]
    strongest: tuple[ItemResult, ...]
    weakest: tuple[ItemResult, ...]  # empty when every theme has the same peer level
    top_recommendations: tuple[RecommendationView, ...]
    benchmark: tuple[BenchmarkGroup, ...]  # empty: no group reaches the threshold, the chapter is one sentence
    external_numbers: tuple[str, ...]  # the themes that lie largely outside the gemeente

    @property
    def report(self) -> Report:
        return self.export.report


def _figure(drawing, alt: str, caption: str) -> Figure:
    return Figure(drawings.svg_data_uri(drawing), alt, caption, drawing.width, drawing.height)


def _theme_list(items: Iterable[ItemResult]) -> str:
    labels = [t.label for t in items]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " en " + labels[-1] if labels else ""


def _figures(report: Report) -> dict[str, Figure]:
    figures: dict[str, Figure] = {}
    largest = next((t for t in report.gaps_by_size if t.gap.difference is not None), None)
    largest_words = f" Het grootste verschil: {largest.label}, {largest.gap_words}." if largest else ""
    if len(report.themes) >= 3:  # a radar needs three spokes; with fewer the table says it all
        figures["radar"] = _figure(
            drawings.radar(report, CONTENT_WIDTH),
            f"Radargrafiek van de {len(report.themes)} thema's: de zelfscore van de gemeente (gestreepte lijn) en "
            f"het niveau van het peer team (doorgetrokken lijn) op een schaal van {report.scale_minimum} tot en met "
            f"{report.scale_maximum}.{largest_words} De tabel na de grafiek geeft alle cijfers.",
            "Zelfscore en niveau van het peer team per thema")
    over, under = report.overestimated, report.underestimated
    words = []
    if over:
        words.append(f"overschatting (een punt of meer) bij {_theme_list(over)}")
    if under:
        words.append(f"onderschatting (een punt of meer) bij {_theme_list(under)}")
    figures["gaps"] = _figure(
        drawings.gap_bars(report, CONTENT_WIDTH),
        "Staafgrafiek van het verschil tussen zelfscore en peer team per thema, het grootste verschil bovenaan. "
        + (f"Opvallend: {'; '.join(words)}." if words else "Bij geen thema is het verschil een punt of meer.")
        + " De tabel bij de scores geeft alle verschillen.",
        "Verschil tussen zelfscore en peer team, grootste eerst")
    if report.profile:
        figures["profile"] = _figure(
            drawings.profile_bars(report, CONTENT_WIDTH),
            f"Staafgrafiek van de {len(report.profile)} elementen van het profiel: per element de zelfscore en het "
            "niveau van het peer team naast elkaar. De tabel na de grafiek geeft de cijfers.",
            report.profile_title or "Profiel van de veiligheidscoördinator")
    figures["levers"] = _figure(
        drawings.lever_bars(report, CONTENT_WIDTH),
        "Staafgrafiek van willen, kennen en kunnen: per hefboom de gemiddelde zelfscore en de gemiddelde score van "
        "het peer team naast elkaar. De tabel na de grafiek geeft de cijfers.",
        "Willen, kennen, kunnen")
    return figures


def _extremes(report: Report) -> tuple[tuple[ItemResult, ...], tuple[ItemResult, ...]]:
    scored = [t for t in report.themes if t.peer_score is not None]
    if not scored:
        return (), ()
    high = max(t.peer_score for t in scored)
    low = min(t.peer_score for t in scored)
    strongest = tuple(t for t in scored if t.peer_score == high)
    weakest = tuple(t for t in scored if t.peer_score == low) if low != high else ()
    return strongest, weakest


def top_recommendations(report: Report, limit: int = TOP_RECOMMENDATIONS) -> tuple[RecommendationView, ...]:
    ranked = sorted(report.recommendations, key=lambda r: (Priority(r.priority).rank, r.position, r.id))
    return tuple(ranked[:limit])


def _benchmark(report: Report) -> tuple[BenchmarkGroup, ...]:
    """The groups the result page shows (the same threshold and reasons), each a row per theme."""
    titles = {Cohort.REGION: "Vergeleken met de regio", Cohort.SIZE_CLASS: "Vergeleken met de grootteklasse"}
    groups = []
    for cohort in (Cohort.REGION, Cohort.SIZE_CLASS):
        if not report.comparison_shown(cohort):
            continue
        rows = []
        for theme in report.themes:
            comparison = theme.comparison(cohort)
            if comparison is None:
                continue
            dist = comparison.distribution
            if dist is None:
                rows.append(BenchmarkRow(theme.label, theme.peer_score, None, None, None,
                                         comparison.hidden_reason or "geen vergelijking"))
            else:
                rows.append(BenchmarkRow(theme.label, theme.peer_score, dist.median, dist.q1, dist.q3,
                                         comparison.position.label if comparison.position else "—"))
        groups.append(BenchmarkGroup(titles[cohort], report.cohort_notes.get(cohort, ""), tuple(rows)))
    return tuple(groups)


def report_document(export: EvaluationExport) -> ReportDocument:
    report = export.report
    strongest, weakest = _extremes(report)
    return ReportDocument(
        export=export, title=f"Collegiale toets {report.municipality} – {report.round_name}",
        figures=_figures(report), strongest=strongest, weakest=weakest,
        top_recommendations=top_recommendations(report), benchmark=_benchmark(report),
        external_numbers=tuple(t.number for t in report.themes if t.external))


def recipient(recommendation: RecommendationView) -> str:
    """"het Rijk", "de regio": to whom a recommendation is addressed, in a sentence."""
    return Addressee(recommendation.addressee).recipient


def render(document: ReportDocument, *, links: dict[str, str] | None = None, stylesheet: str | None = None) -> str:
    """The document as HTML. ``links`` (the web page only): where the page's own navigation points
    (``results``, ``pdf``); ``stylesheet``: the URL of the stylesheet to link (the web page), or None (the PDF gets
    it from :mod:`.pdf`)."""
    context = {"doc": document, "export": document.export, "report": document.report,
               "questionnaire": document.export.questionnaire, "method": document.export.method,
               "hearing": document.export.hearing, "plan": document.export.plan, "links": links or {},
               "stylesheet": stylesheet, "recipient": recipient}
    if has_request_context():
        return render_template(TEMPLATE, **context)
    # Outside a request (a PDF built by a script or a test): the template needs no request's context processors.
    return current_app.jinja_env.get_template(TEMPLATE).render(**context)
