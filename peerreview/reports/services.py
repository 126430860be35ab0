"""Gathering the stored facts for the report object and the region's overview, in a fixed number of queries.

:func:`build_report` is the single source of every result number: the result page, the charts and the exports
read the :class:`~peerreview.domain.results.Report` it returns and compute nothing themselves."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..cache import cached
from ..domain import permissions
from ..domain.evaluations import EvaluationStatus
from ..domain.municipalities import size_class_for
from ..domain.plans import Progress
from ..domain.questionnaire import Questionnaire, SectionKind
from ..domain.results import (
    DEFAULT_MIN_GROUP,
    Cohort,
    EvaluationFacts,
    RecommendationView,
    Report,
    RoundScores,
    ThemeSpread,
    level_counts,
    theme_spread,
)
from ..domain.results import (
    build_report as _build_report,
)
from ..domain.reviews import Addressee, review_items
from ..domain.scoring import UNKNOWN, Answer, Score
from ..evaluation.lifecycle import questionnaire_of_round
from ..evaluation.plan import plan_overview, targets_for
from ..evaluation.rounds import EvaluationRow, consensus_counts, round_overview
from ..extensions import db
from ..models import (
    ConsensusAnswer,
    Evaluation,
    Municipality,
    PeerReport,
    Recommendation,
    Round,
    TeamMember,
    TeamScore,
    User,
)

PUBLISHED = (EvaluationStatus.published, EvaluationStatus.closed)


#: Below three, a group's quartiles are its members' own scores; the setting cannot go lower.
MIN_GROUP_FLOOR = 3


def min_group() -> int:
    """``BENCHMARK_MIN_GROUP``, never below :data:`MIN_GROUP_FLOOR` (a setting that is no number counts as 5)."""
    try:
        value = int(current_app.config.get("BENCHMARK_MIN_GROUP", DEFAULT_MIN_GROUP))
    except (TypeError, ValueError):
        value = DEFAULT_MIN_GROUP
    return max(value, MIN_GROUP_FLOOR)


def recommendation_view(row: Recommendation) -> RecommendationView:
    return RecommendationView(
        id=row.id, position=row.position, text=row.text, priority=row.priority.value,
        priority_label=row.priority.label, addressee=row.addressee.value, addressee_label=row.addressee.label,
        section_ids=tuple(t.section_id for t in row.themes))


def _answers_of(evaluation_ids: Collection[int]) -> dict[int, dict[str, Answer]]:
    result: dict[int, dict[str, Answer]] = defaultdict(dict)
    if not evaluation_ids:
        return result
    rows = db.session.execute(
        select(ConsensusAnswer.evaluation_id, ConsensusAnswer.question_id, ConsensusAnswer.value,
               ConsensusAnswer.is_unknown).where(ConsensusAnswer.evaluation_id.in_(list(evaluation_ids))))
    for evaluation_id, question_id, value, unknown in rows:
        result[evaluation_id][question_id] = UNKNOWN if unknown else value
    return result


def _team_scores_of(evaluation_ids: Collection[int]) -> dict[int, dict[str, tuple[int, str]]]:
    result: dict[int, dict[str, tuple[int, str]]] = defaultdict(dict)
    if not evaluation_ids:
        return result
    rows = db.session.execute(
        select(TeamScore.evaluation_id, TeamScore.item_id, TeamScore.value, TeamScore.motivation)
        .where(TeamScore.evaluation_id.in_(list(evaluation_ids))))
    for evaluation_id, item_id, value, motivation in rows:
        result[evaluation_id][item_id] = (value, motivation or "")
    return result


def _history(evaluation: Evaluation, viewer: User) -> tuple[list[Evaluation], list[Evaluation]]:
    """The gemeente's evaluations with a published report up to the round of ``evaluation``, oldest first
    (by year, then the round's deadline): those ``viewer`` may see the results of (the gemeente's own people and
    the admin see every round, a coordinator the rounds of their region, a peer reviewer the rounds whose team
    they were in), and all of them (to pair each round with the one before it, seen or not). Two queries."""
    current = evaluation.round
    rows = list(db.session.scalars(
        select(Evaluation).join(Round, Round.id == Evaluation.round_id)
        .where(Evaluation.municipality_id == evaluation.municipality_id,
               Evaluation.status.in_(PUBLISHED), Evaluation.id != evaluation.id,
               or_(Round.year < current.year,
                   and_(Round.year == current.year, Round.self_evaluation_due < current.self_evaluation_due),
                   and_(Round.year == current.year, Round.self_evaluation_due == current.self_evaluation_due,
                        Round.id < current.id)))
        .options(joinedload(Evaluation.round))
        .order_by(Round.year, Round.self_evaluation_due, Round.id)))
    member_of = set(db.session.scalars(
        select(TeamMember.evaluation_id).where(TeamMember.user_id == viewer.id,
                                               TeamMember.evaluation_id.in_([e.id for e in rows]))))
    visible = [e for e in rows if permissions.is_own_gemeente(viewer, e) or permissions.is_admin(viewer)
               or permissions.can_view_rounds(viewer, e.round.region_id) or e.id in member_of]
    return [*visible, evaluation], [*rows, evaluation]


@dataclass(frozen=True)
class Cohorts:
    scores: dict[Cohort, dict[str, list[Score]]]  # group -> theme -> the other gemeenten's peer scores
    members: dict[Cohort, set[int]]  # group -> the ids of those gemeenten
    notes: dict[Cohort, str]  # group -> who is in it, in words


def _cohorts(evaluation: Evaluation, items: Sequence[str]) -> Cohorts:
    """The peer scores of the other gemeenten per group: two queries."""
    round_ = evaluation.round
    region_scores: dict[str, list[Score]] = defaultdict(list)
    region_members: set[int] = set()
    rows = db.session.execute(
        select(Evaluation.municipality_id, TeamScore.item_id, TeamScore.value)
        .join(Evaluation, Evaluation.id == TeamScore.evaluation_id)
        .where(Evaluation.round_id == round_.id, Evaluation.status.in_(PUBLISHED),
               Evaluation.municipality_id != evaluation.municipality_id, TeamScore.item_id.in_(list(items))))
    for municipality_id, item_id, value in rows:
        region_scores[item_id].append(value)
        region_members.add(municipality_id)

    size = size_class_for(evaluation.municipality.inhabitants)
    inhabitants = [Municipality.inhabitants >= size.lower]
    if size.upper is not None:
        inhabitants.append(Municipality.inhabitants < size.upper)
    rows = db.session.execute(
        select(Evaluation.municipality_id, Evaluation.id, TeamScore.item_id, TeamScore.value)
        .join(Round, Round.id == Evaluation.round_id)
        .join(Municipality, Municipality.id == Evaluation.municipality_id)
        .join(TeamScore, TeamScore.evaluation_id == Evaluation.id)
        .where(Round.year == round_.year, Round.questionnaire_hash == round_.questionnaire_hash,
               Evaluation.status.in_(PUBLISHED), Evaluation.municipality_id != evaluation.municipality_id,
               TeamScore.item_id.in_(list(items)), *inhabitants))
    latest: dict[int, int] = {}
    by_evaluation: dict[int, dict[str, int]] = defaultdict(dict)
    for municipality_id, evaluation_id, item_id, value in rows:
        latest[municipality_id] = max(latest.get(municipality_id, 0), evaluation_id)
        by_evaluation[evaluation_id][item_id] = value
    size_scores: dict[str, list[Score]] = defaultdict(list)
    for evaluation_id in latest.values():
        for item_id, value in by_evaluation[evaluation_id].items():
            size_scores[item_id].append(value)
    notes = {
        Cohort.REGION: f"de andere leden van {round_.region.name} in {round_.name}",
        Cohort.SIZE_CLASS: (f"gemeenten in de grootteklasse {size.label[0].lower()}{size.label[1:]}, uit alle "
                            f"regio's, met een ronde in {round_.year} op dezelfde vragenlijst"),
    }
    return Cohorts({Cohort.REGION: dict(region_scores), Cohort.SIZE_CLASS: dict(size_scores)},
                   {Cohort.REGION: region_members, Cohort.SIZE_CLASS: set(latest)}, notes)


def build_report(evaluation: Evaluation, viewer: User) -> Report:
    """The report object of one evaluation as ``viewer`` may see it (the trend holds only rounds they may see).
    A fixed number of queries, whatever the size of region or history; one when the object is in the report
    cache (``peerreview.cache``: the cache's generation).

    ``evaluation`` must come with its round, region and gemeente loaded (``load_evaluation``)."""
    return report_for(evaluation, viewer)[1]


def report_for(evaluation: Evaluation, viewer: User) -> tuple[tuple[object, ...], Report]:
    """The report object and the key it is cached under, for more that is built from it alone (the pages' HTML)."""
    # The viewer shapes the object only through the rounds they may see; which those are is itself kept under the
    # generation (it follows from evaluations, rounds, teams and the viewer's role, all of them sources).
    seen = cached(("history", evaluation.id, viewer.id),
                  lambda: tuple(e.id for e in _history(evaluation, viewer)[0]))
    key = (evaluation.id, seen)
    return key, cached(("report", *key), lambda: _build(evaluation, *_history(evaluation, viewer)))


def _build(evaluation: Evaluation, history: list[Evaluation], every_round: list[Evaluation]) -> Report:
    questionnaire = questionnaire_of_round(evaluation.round)
    ids = [e.id for e in history]
    answers = _answers_of(ids)
    scored = _team_scores_of(ids)
    report_row = db.session.get(PeerReport, evaluation.id)
    recommendations = [recommendation_view(r) for r in db.session.scalars(
        select(Recommendation).where(Recommendation.evaluation_id == evaluation.id)
        .options(selectinload(Recommendation.themes)).order_by(Recommendation.position, Recommendation.id))]
    items = [s.id for s in questionnaire.knelpunt_sections]
    cohorts = _cohorts(evaluation, items)
    # A target set in a round's plan is for the round right after it (seen by the viewer or not); it is shown
    # only to a viewer who may see the round whose plan set it.
    targets_by_plan = targets_for(ids)
    seen = set(ids)
    targets_for_round: dict[int, Mapping[str, Score]] = {
        later.id: targets_by_plan.get(earlier.id, {})
        for earlier, later in zip(every_round, every_round[1:], strict=False) if earlier.id in seen}
    rounds = [RoundScores(e.id, e.round.name, e.round.year, questionnaire_of_round(e.round), answers.get(e.id, {}),
                          {k: v for k, (v, _m) in scored.get(e.id, {}).items()}, targets_for_round.get(e.id, {}))
              for e in history]
    own_scores = scored.get(evaluation.id, {})
    facts = EvaluationFacts(
        evaluation_id=evaluation.id, municipality=evaluation.municipality.name,
        cbs_code=evaluation.municipality.cbs_code,
        size_class=size_class_for(evaluation.municipality.inhabitants).label,
        region=evaluation.round.region.name, round_name=evaluation.round.name, year=evaluation.round.year,
        status_label=evaluation.status.label, published_at=report_row.published_at if report_row else None,
        judgement=report_row.judgement if report_row else "", strengths=report_row.strengths if report_row else "",
        reaction=report_row.reaction if report_row else "")
    return _build_report(
        facts, questionnaire, answers.get(evaluation.id, {}), {k: v for k, (v, _m) in own_scores.items()},
        {k: m for k, (_v, m) in own_scores.items()}, recommendations, cohorts=cohorts.scores,
        cohort_members=cohorts.members, cohort_notes=cohorts.notes,
        history=rounds, targets=targets_for_round.get(evaluation.id, {}), min_group=min_group())


# ---------------------------------------------------------------- the region's overview of a round


@dataclass(frozen=True)
class MatrixRow:
    municipality: str
    cbs_code: str
    evaluation_id: int
    status: EvaluationStatus
    scores: Mapping[str, Decimal | None]  # theme id -> peer score; empty unless the report is published

    @property
    def is_published(self) -> bool:
        return self.status in PUBLISHED


@dataclass(frozen=True)
class ExternalRecommendation:
    municipality: str
    evaluation_id: int
    recommendation: RecommendationView


@dataclass(frozen=True)
class RegionOverview:
    round: Round
    questionnaire: Questionnaire
    today: date
    rows: list[EvaluationRow]
    themes: list[tuple[str, str]]  # (section id, "3. Title") of the knelpunten
    matrix: list[MatrixRow]
    spreads: list[ThemeSpread]
    counts: dict[str, dict[int, int]]  # theme id -> level -> number of published members on it
    external: dict[str, list[ExternalRecommendation]]  # theme id -> recommendations to region or Rijk
    plans: dict[int, Progress]  # evaluation id -> its improvement plan's progress

    @property
    def published(self) -> int:
        return sum(1 for m in self.matrix if m.is_published)

    @property
    def overdue(self) -> list[EvaluationRow]:
        return [r for r in self.rows if r.is_overdue]

    @property
    def late_actions(self) -> list[tuple[EvaluationRow, Progress]]:
        """Members whose plan has actions past their due date."""
        return [(r, self.plans[r.evaluation.id]) for r in self.rows
                if r.evaluation.id in self.plans and self.plans[r.evaluation.id].overdue]

    @property
    def external_count(self) -> int:
        return len({e.recommendation.id for group in self.external.values() for e in group})


def region_overview(round_: Round, *, today: date) -> RegionOverview:
    """Stages, the matrix of peer scores, the distribution per theme and the recommendations to region and Rijk.
    Seven queries, whatever the number of members."""
    questionnaire = questionnaire_of_round(round_)
    rows = round_overview(round_, today=today)
    themes = [(s.id, f"{s.number}. {s.title}") for s in questionnaire.sections if s.kind is SectionKind.KNELPUNT]
    theme_ids = {t for t, _label in themes}
    published = [r.evaluation.id for r in rows if r.evaluation.status in PUBLISHED]
    scored = _team_scores_of(published)
    matrix = [
        MatrixRow(r.evaluation.municipality.name, r.evaluation.municipality.cbs_code, r.evaluation.id,
                  r.evaluation.status,
                  {t: Decimal(scored[r.evaluation.id][t][0]) if t in scored.get(r.evaluation.id, {}) else None
                   for t in theme_ids} if r.evaluation.id in published else {})
        for r in rows
    ]
    spreads = [theme_spread(t, label, [m.scores.get(t) for m in matrix if m.is_published]) for t, label in themes]
    counts = {t: level_counts([m.scores.get(t) for m in matrix if m.is_published], questionnaire.scale.minimum,
                              questionnaire.scale.maximum) for t, _label in themes}
    names = {r.evaluation.id: r.evaluation.municipality.name for r in rows}
    external: dict[str, list[ExternalRecommendation]] = {s.id: [] for s in questionnaire.sections}
    if published:
        recommendations = db.session.scalars(
            select(Recommendation).where(Recommendation.evaluation_id.in_(published),
                                         Recommendation.addressee.in_([Addressee.region, Addressee.national]))
            .options(selectinload(Recommendation.themes))
            .order_by(Recommendation.evaluation_id, Recommendation.position, Recommendation.id))
        for row in recommendations:
            view = recommendation_view(row)
            for section_id in view.section_ids:
                external.setdefault(section_id, []).append(
                    ExternalRecommendation(names[row.evaluation_id], row.evaluation_id, view))
    for group in external.values():
        group.sort(key=lambda e: (e.municipality.casefold(), e.recommendation.position))
    return RegionOverview(round_, questionnaire, today, rows, themes, matrix, spreads, counts,
                          {k: v for k, v in external.items() if v}, plan_overview(published, today))


def region_progress(round_: Round) -> tuple[tuple[int, int], ...]:
    """What the region's overview shows that changes without raising the report generation (``peerreview.cache``):
    per member, the consensus answers given. One aggregate query; the page's HTML is cached under this value, so
    a lead's answer shows on the next view."""
    return tuple(sorted(consensus_counts(round_).items()))


def item_labels(questionnaire: Questionnaire) -> dict[str, str]:
    return {item.id: item.label for item in review_items(questionnaire)} | {
        s.id: f"{s.number}. {s.title}" for s in questionnaire.sections}
