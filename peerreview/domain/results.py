"""The results of one evaluation, as one object: self versus peer, the profile, the lever view, the benchmark and
the trend. Pure: the service gathers the stored facts (answers, team scores, recommendations, cohorts) and
:func:`build_report` turns them into a :class:`Report`; the result page, the charts and the exports only read it.

Decisions (repeated for users in the README, section "Resultaten en benchmark"):

* **Self-scores** are computed from the gemeente's consensus answers with the rules of :mod:`.scoring`; **peer
  scores** are the team scores the chair set (whole levels). The profile's peer score is the mean of the element
  scores, like the self-score.
* **Gap** = self minus peer (positive: overestimation, negative: underestimation), flagged from one point.
* **Benchmark**: only *peer* scores of *published* reports are compared (self-scores are not comparable across
  gemeenten). Two groups per theme: the other members of the region in the same round, and gemeenten of the same
  size class in any region whose round has the same year and the same questionnaire (one evaluation per gemeente,
  the latest). The gemeente itself is never part of its group. A group is shown only with at least
  ``min_group`` members (5 by default, setting ``BENCHMARK_MIN_GROUP``); otherwise the reason is given.
  Only the median and the quartiles are shown, never a minimum, maximum or single score, and never a name.
* **Quartiles** use the inclusive method (linear interpolation between order statistics, as Excel's
  QUARTILE.INC and ``statistics.quantiles(method="inclusive")``), computed exactly and rounded half up to one
  decimal like every published score.
* **Trend**: every evaluation of the gemeente with a published report, up to the round shown, oldest first.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from .questionnaire import Lever, Questionnaire, SectionKind
from .scoring import (
    Answer,
    Gap,
    GapDirection,
    Score,
    gap,
    largest_first,
    lever_view,
    profile_scores,
    round_half_up,
    section_scores,
)

#: The smallest group (the gemeente itself not counted) whose distribution may be shown.
DEFAULT_MIN_GROUP = 5


# --------------------------------------------------------------------------------------------------------------
# Statistics of a cohort


@dataclass(frozen=True)
class Distribution:
    count: int
    q1: Decimal
    median: Decimal
    q3: Decimal


def _quantile(ordered: Sequence[Fraction], p: Fraction) -> Fraction:
    """The inclusive quantile: position ``p * (n - 1)`` between the order statistics, linearly interpolated."""
    position = p * (len(ordered) - 1)
    low = int(position)  # floor, position >= 0
    high = min(low + 1, len(ordered) - 1)
    fraction = position - low
    return ordered[low] + (ordered[high] - ordered[low]) * fraction


def distribution(values: Iterable[Score]) -> Distribution | None:
    """Quartiles and median of the scores given (``None`` left out); ``None`` when there are none."""
    ordered = sorted(Fraction(v) for v in values if v is not None)
    if not ordered:
        return None
    return Distribution(
        count=len(ordered),
        q1=round_half_up(_quantile(ordered, Fraction(1, 4))),
        median=round_half_up(_quantile(ordered, Fraction(1, 2))),
        q3=round_half_up(_quantile(ordered, Fraction(3, 4))),
    )


class Position(StrEnum):
    ABOVE_Q3 = "above_q3"
    ABOVE_MEDIAN = "above_median"
    AT_MEDIAN = "at_median"
    BELOW_MEDIAN = "below_median"
    BELOW_Q1 = "below_q1"

    @property
    def label(self) -> str:
        return {
            "above_q3": "bij het hoogste kwart",
            "above_median": "boven de mediaan",
            "at_median": "op de mediaan",
            "below_median": "onder de mediaan",
            "below_q1": "bij het laagste kwart",
        }[self.value]

    @property
    def rank(self) -> int:
        """From the top (0) to the bottom (4), for sorting and colours."""
        return list(Position).index(self)


def position(own: Decimal, dist: Distribution) -> Position:
    if own > dist.q3:
        return Position.ABOVE_Q3
    if own < dist.q1:
        return Position.BELOW_Q1
    if own > dist.median:
        return Position.ABOVE_MEDIAN
    return Position.BELOW_MEDIAN if own < dist.median else Position.AT_MEDIAN


class Cohort(StrEnum):
    REGION = "region"
    SIZE_CLASS = "size_class"

    @property
    def label(self) -> str:
        return {"region": "Regio", "size_class": "Grootteklasse"}[self.value]


@dataclass(frozen=True)
class Comparison:
    """One theme of one gemeente against one group of other gemeenten."""

    cohort: Cohort
    own: Decimal | None
    others: int  # how many other gemeenten have a published peer score for the theme
    distribution: Distribution | None  # None when hidden or empty
    hidden_reason: str | None

    @property
    def position(self) -> Position | None:
        if self.own is None or self.distribution is None:
            return None
        return position(self.own, self.distribution)


def compare(cohort: Cohort, own: Score, others: Sequence[Score], min_group: int = DEFAULT_MIN_GROUP) -> Comparison:
    """The gemeente's peer score against the others' distribution, hidden below ``min_group`` others."""
    present = [v for v in others if v is not None]
    own_score = None if own is None else round_half_up(own)
    if len(present) < min_group:
        if not present:
            reason = "Er zijn nog geen andere gemeenten in deze groep met een gepubliceerd rapport."
        else:
            word = "gemeente" if len(present) == 1 else "gemeenten"
            reason = (f"Verborgen: de groep telt {len(present)} andere {word} met een gepubliceerd rapport. "
                      f"Er zijn er minstens {min_group} nodig, zodat geen score tot één gemeente te herleiden is.")
        return Comparison(cohort, own_score, len(present), None, reason)
    return Comparison(cohort, own_score, len(present), distribution(present), None)


OVERLAP_REASON = ("Verborgen: deze groep verschilt maar in enkele gemeenten van de regiogroep. Naast elkaar "
                  "zouden de twee vergelijkingen de score van één gemeente prijsgeven.")


def overlapping(members: Mapping[Cohort, Collection[int]], min_group: int = DEFAULT_MIN_GROUP) -> set[Cohort]:
    """The groups to hide because, next to a group shown before them, they would give away a few gemeenten.

    Two groups of at least ``min_group`` that differ in fewer than ``min_group`` gemeenten (but not in none)
    let a reader subtract one distribution from the other: the region's quartiles with and without one outside
    gemeente pin down that gemeente's score. The first group (the region) stays; a later one is hidden."""
    shown: list[frozenset[int]] = []
    hidden: set[Cohort] = set()
    for cohort in Cohort:
        group = frozenset(members.get(cohort, ()))
        if len(group) < min_group:
            continue
        if any(0 < len(group ^ other) < min_group for other in shown):
            hidden.add(cohort)
            continue
        shown.append(group)
    return hidden


def _published(value: Score) -> Decimal | None:
    return None if value is None else round_half_up(value)


# --------------------------------------------------------------------------------------------------------------
# The report object


@dataclass(frozen=True)
class RecommendationView:
    id: int
    position: int
    text: str
    priority: str  # Priority value
    priority_label: str
    addressee: str  # Addressee value
    addressee_label: str
    section_ids: tuple[str, ...]


@dataclass(frozen=True)
class ItemResult:
    """A knelpunt theme or an element of the coordinator profile."""

    id: str
    number: str
    title: str
    is_element: bool
    lever: Lever | None
    external: bool
    self_score: Decimal | None
    peer_score: Decimal | None
    gap: Gap
    motivation: str = ""
    recommendations: tuple[RecommendationView, ...] = ()
    comparisons: tuple[Comparison, ...] = ()
    target: Decimal | None = None  # the gemeente's target for this round, set in the previous round's plan

    @property
    def label(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def gap_words(self) -> str:
        """The gap in words, e.g. "overschatting met 1,5 punt"."""
        if self.gap.difference is None:
            return "geen vergelijking mogelijk: een van beide scores ontbreekt"
        if self.gap.direction is GapDirection.EQUAL:
            return "zelfbeeld en oordeel van het peer team zijn gelijk"
        size = str(self.gap.size).replace(".", ",")
        unit = "punt" if self.gap.size == 1 else "punten"
        return f"{self.gap.direction.self_versus_peer} met {size} {unit}"

    def comparison(self, cohort: Cohort) -> Comparison | None:
        return next((c for c in self.comparisons if c.cohort is cohort), None)


@dataclass(frozen=True)
class TrendPoint:
    evaluation_id: int
    round_name: str
    year: int
    self_score: Decimal | None
    peer_score: Decimal | None
    target: Decimal | None = None
    label: str = ""  # the round's name, made unique among the points (with the year, then a number)


@dataclass(frozen=True)
class TrendSeries:
    item_id: str
    label: str
    points: tuple[TrendPoint, ...]


@dataclass(frozen=True)
class LeverComparison:
    lever: Lever
    self_score: Decimal | None
    peer_score: Decimal | None
    self_without_external: Decimal | None
    peer_without_external: Decimal | None
    section_ids: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    evaluation_id: int
    municipality: str
    cbs_code: str
    size_class: str
    region: str
    round_name: str
    year: int
    status_label: str
    published_at: datetime | None
    scale_minimum: int
    scale_maximum: int
    themes: tuple[ItemResult, ...]  # the knelpunten, in questionnaire order
    profile_title: str | None
    profile: tuple[ItemResult, ...]  # the elements of the coordinator profile
    profile_total: ItemResult | None
    levers: tuple[LeverComparison, ...]
    judgement: str
    strengths: str
    reaction: str
    recommendations: tuple[RecommendationView, ...]
    trend: tuple[TrendSeries, ...] = ()  # empty unless the gemeente has more than one published round
    min_group: int = DEFAULT_MIN_GROUP
    cohort_notes: Mapping[Cohort, str] = field(default_factory=dict)  # which gemeenten each group holds, in words

    @property
    def items(self) -> tuple[ItemResult, ...]:
        return self.themes + self.profile

    @property
    def sections(self) -> tuple[ItemResult, ...]:
        """The knelpunten and the profile as a whole: every theme a recommendation can name."""
        return self.themes + ((self.profile_total,) if self.profile_total else ())

    @property
    def gaps_by_size(self) -> list[ItemResult]:
        """The themes by the size of their gap, largest first; themes without a gap last."""
        order = {g.item_id: i for i, g in enumerate(largest_first(t.gap for t in self.themes))}
        return sorted(self.themes, key=lambda t: order[t.id])

    @property
    def overestimated(self) -> list[ItemResult]:
        return [t for t in self.gaps_by_size if t.gap.flagged and t.gap.direction is GapDirection.HIGHER]

    @property
    def underestimated(self) -> list[ItemResult]:
        return [t for t in self.gaps_by_size if t.gap.flagged and t.gap.direction is GapDirection.LOWER]

    @property
    def has_trend(self) -> bool:
        return bool(self.trend)

    @property
    def trend_rounds(self) -> tuple[TrendPoint, ...]:
        return self.trend[0].points if self.trend else ()

    def recommendations_for(self, section_id: str) -> tuple[RecommendationView, ...]:
        return tuple(r for r in self.recommendations if section_id in r.section_ids)

    @property
    def has_benchmark(self) -> bool:
        return any(c.distribution is not None for t in self.themes for c in t.comparisons)

    def comparison_shown(self, cohort: Cohort) -> bool:
        """Whether at least one theme may be compared with this group."""
        return any((c := t.comparison(cohort)) is not None and c.distribution is not None for t in self.themes)


# --------------------------------------------------------------------------------------------------------------
# Building it


@dataclass(frozen=True)
class EvaluationFacts:
    """What the report says about the evaluation itself."""

    evaluation_id: int
    municipality: str
    cbs_code: str
    size_class: str
    region: str
    round_name: str
    year: int
    status_label: str
    published_at: datetime | None = None
    judgement: str = ""
    strengths: str = ""
    reaction: str = ""


@dataclass(frozen=True)
class RoundScores:
    """One published round of the gemeente, for the trend: its questionnaire, answers and team scores."""

    evaluation_id: int
    round_name: str
    year: int
    questionnaire: Questionnaire
    answers: Mapping[str, Answer]
    team_scores: Mapping[str, int]
    targets: Mapping[str, Score] = field(default_factory=dict)


def self_scores(questionnaire: Questionnaire, answers: Mapping[str, Answer]) -> dict[str, Decimal | None]:
    """The gemeente's published self-score per theme, per profile element and for the profile as a whole."""
    scores: dict[str, Decimal | None] = {sid: s.score for sid, s in section_scores(questionnaire, answers).items()}
    scores.update(profile_scores(questionnaire, answers))
    return scores


def peer_scores(questionnaire: Questionnaire, team_scores: Mapping[str, int]) -> dict[str, Decimal | None]:
    """The team's score per theme and element (whole levels as decimals) and the profile's mean of its elements."""
    scores: dict[str, Decimal | None] = {k: Decimal(v) for k, v in team_scores.items() if v is not None}
    profile = questionnaire.profile_section
    if profile is not None:
        values = [scores.get(e.id) for e in profile.elements]
        present = [Fraction(v) for v in values if v is not None]
        scores[profile.id] = round_half_up(sum(present, Fraction(0)) / len(present)) if present else None
    return scores


def _levers(questionnaire: Questionnaire, own: Mapping[str, Score], peer: Mapping[str, Score]
            ) -> tuple[LeverComparison, ...]:
    with_external = zip(lever_view(questionnaire, own), lever_view(questionnaire, peer), strict=True)
    without = zip(lever_view(questionnaire, own, include_external=False),
                  lever_view(questionnaire, peer, include_external=False), strict=True)
    return tuple(
        LeverComparison(s.lever, s.score, p.score, s_out.score, p_out.score, s.section_ids)
        for (s, p), (s_out, p_out) in zip(with_external, without, strict=True)
    )


def build_report(
    facts: EvaluationFacts,
    questionnaire: Questionnaire,
    answers: Mapping[str, Answer],
    team_scores: Mapping[str, int],
    motivations: Mapping[str, str],
    recommendations: Sequence[RecommendationView],
    *,
    cohorts: Mapping[Cohort, Mapping[str, Sequence[Score]]] | None = None,
    cohort_members: Mapping[Cohort, Collection[int]] | None = None,
    cohort_notes: Mapping[Cohort, str] | None = None,
    history: Sequence[RoundScores] = (),
    targets: Mapping[str, Score] | None = None,
    min_group: int = DEFAULT_MIN_GROUP,
) -> Report:
    """Everything the result page, the charts and the exports show for one evaluation.

    ``cohorts`` maps each group to ``{item_id: [peer scores of the *other* gemeenten]}`` and ``cohort_members``
    each group to the ids of those gemeenten (to hide a group that differs too little from another, see
    :func:`overlapping`); ``history`` holds the
    gemeente's published rounds up to and including this one, oldest first (the trend is left out with fewer
    than two); ``targets`` are the targets set for this round in the previous round's plan."""
    cohorts = cohorts or {}
    targets = targets or {}
    own = self_scores(questionnaire, answers)
    peer = peer_scores(questionnaire, team_scores)

    hidden = overlapping(cohort_members or {}, min_group)

    def item(item_id: str, number: str, title: str, *, is_element: bool, lever: Lever | None = None,
             external: bool = False, section_id: str | None = None, benchmarked: bool = False) -> ItemResult:
        comparisons = tuple(
            Comparison(cohort, _published(peer.get(item_id)), len([v for v in values.get(item_id, ())
                                                                    if v is not None]), None, OVERLAP_REASON)
            if cohort in hidden else compare(cohort, peer.get(item_id), values.get(item_id, ()), min_group)
            for cohort, values in cohorts.items()
        ) if benchmarked else ()
        target = targets.get(item_id)
        return ItemResult(
            id=item_id, number=number, title=title, is_element=is_element, lever=lever, external=external,
            self_score=own.get(item_id), peer_score=peer.get(item_id), gap=gap(item_id, own.get(item_id),
                                                                                peer.get(item_id)),
            motivation=motivations.get(item_id, ""),
            recommendations=tuple(r for r in recommendations if section_id in r.section_ids) if section_id else (),
            comparisons=comparisons, target=None if target is None else round_half_up(target),
        )

    themes = tuple(item(s.id, str(s.number), s.title, is_element=False, lever=s.lever, external=s.external,
                        section_id=s.id, benchmarked=True)
                   for s in questionnaire.sections if s.kind is SectionKind.KNELPUNT)
    profile_section = questionnaire.profile_section
    profile: tuple[ItemResult, ...] = ()
    profile_total = None
    if profile_section is not None:
        profile = tuple(item(e.id, f"{profile_section.number}.{i}", e.title, is_element=True)
                        for i, e in enumerate(profile_section.elements, start=1))
        profile_total = item(profile_section.id, str(profile_section.number), profile_section.title,
                             is_element=False, section_id=profile_section.id)
    return Report(
        evaluation_id=facts.evaluation_id, municipality=facts.municipality, cbs_code=facts.cbs_code,
        size_class=facts.size_class, region=facts.region, round_name=facts.round_name, year=facts.year,
        status_label=facts.status_label, published_at=facts.published_at,
        scale_minimum=questionnaire.scale.minimum, scale_maximum=questionnaire.scale.maximum,
        themes=themes, profile_title=profile_section.title if profile_section else None, profile=profile,
        profile_total=profile_total, levers=_levers(questionnaire, own, peer),
        judgement=facts.judgement, strengths=facts.strengths, reaction=facts.reaction,
        recommendations=tuple(recommendations), trend=trend(questionnaire, history), min_group=min_group,
        cohort_notes=dict(cohort_notes or {}),
    )


def trend(questionnaire: Questionnaire, history: Sequence[RoundScores]) -> tuple[TrendSeries, ...]:
    """Per theme of ``questionnaire`` (the round shown), its self and peer score in each published round.

    Themes are matched by id across questionnaire versions; a round whose questionnaire lacks a theme has no
    score for it. Empty with fewer than two rounds."""
    if len(history) < 2:
        return ()
    per_round = [(r, self_scores(r.questionnaire, r.answers), peer_scores(r.questionnaire, r.team_scores))
                 for r in history]
    labels = _unique_labels([(r.round_name, r.year) for r in history])
    series = []
    sections = [s for s in questionnaire.sections if s.kind is SectionKind.KNELPUNT]
    if questionnaire.profile_section is not None:
        sections.append(questionnaire.profile_section)
    for section in sections:
        points = tuple(
            TrendPoint(r.evaluation_id, r.round_name, r.year, own.get(section.id), peer.get(section.id),
                       None if r.targets.get(section.id) is None else round_half_up(r.targets[section.id]),
                       label)
            for (r, own, peer), label in zip(per_round, labels, strict=True)
        )
        series.append(TrendSeries(section.id, f"{section.number}. {section.title}", points))
    return tuple(series)


def _unique_labels(rounds: Sequence[tuple[str, int]]) -> list[str]:
    """Round names as axis labels: the name; with the year where names repeat; then numbered."""
    names = [name for name, _year in rounds]
    labels = [name if names.count(name) == 1 else f"{name} ({year})" for name, year in rounds]
    seen: dict[str, int] = {}
    result = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        result.append(label if labels.count(label) == 1 else f"{label} #{seen[label]}")
    return result


# --------------------------------------------------------------------------------------------------------------
# The region's overview of a round


@dataclass(frozen=True)
class ThemeSpread:
    """The distribution of the published peer scores of a region's members for one theme (region view only)."""

    item_id: str
    label: str
    count: int
    minimum: Decimal | None
    q1: Decimal | None
    median: Decimal | None
    q3: Decimal | None
    maximum: Decimal | None


def theme_spread(item_id: str, label: str, values: Iterable[Score]) -> ThemeSpread:
    present = [v for v in values if v is not None]
    dist = distribution(present)
    if dist is None:
        return ThemeSpread(item_id, label, 0, None, None, None, None, None)
    return ThemeSpread(item_id, label, dist.count, round_half_up(min(present)), dist.q1, dist.median, dist.q3,
                       round_half_up(max(present)))


def level_counts(values: Iterable[Score], minimum: int, maximum: int) -> dict[int, int]:
    """How many scores fall on each whole level (for the region's distribution table)."""
    counts = {level: 0 for level in range(minimum, maximum + 1)}
    for value in values:
        if value is not None and int(value) == value and minimum <= int(value) <= maximum:
            counts[int(value)] += 1
    return counts
