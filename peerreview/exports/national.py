"""The national overview for the administrator: every published report of every region in one workbook.

What it holds (the writer is :mod:`.national_workbook`):

* per published or closed evaluation the self-score, the peer team's score and the gap for every knelpunt theme,
  the coordinator profile as a whole and each of its elements. The numbers come from the same pure functions the
  result page uses (:func:`peerreview.domain.results.self_scores`, :func:`~peerreview.domain.results.peer_scores`
  and :func:`peerreview.domain.scoring.gap`, as :func:`peerreview.domain.results.build_report` calls them); a
  draft or a report still in review is never in it, so no self-score is shown before its report is out;
* per year and theme the spread of the peer scores (count, minimum, quartiles, median, maximum: the region
  overview's :func:`~peerreview.domain.results.theme_spread`), and per year, size class and theme the median
  (:func:`~peerreview.domain.results.distribution`, the benchmark's quartiles). In both a gemeente counts once a
  year, with its latest evaluation of that year (as the benchmark's size-class group does);
* every recommendation the peer teams addressed to the Rijk.

Built for size (about 1,700 evaluations of 342 gemeenten): a fixed number of queries whatever the data (the
evaluations with round, region, gemeente and publication date in one joined query; the team scores, the consensus
answers, the Rijk's recommendations and their themes each in one query over all of them, selected by a subquery,
never by a list of ids or one query per evaluation), the answers streamed in evaluation order and reduced to scores
one evaluation at a time, and each questionnaire version loaded once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import groupby

from sqlalchemy import Select, select
from sqlalchemy.orm import raiseload

from ..dates import AMSTERDAM
from ..domain.evaluations import EvaluationStatus
from ..domain.municipalities import SIZE_CLASSES, size_class_for
from ..domain.questionnaire import Questionnaire, SectionKind
from ..domain.results import ThemeSpread, distribution, peer_scores, self_scores, theme_spread
from ..domain.reviews import Addressee, Priority
from ..domain.scoring import UNKNOWN, Answer, gap
from ..evaluation.lifecycle import questionnaire_of_round
from ..extensions import db
from ..models import (
    ConsensusAnswer,
    Evaluation,
    Municipality,
    PeerReport,
    Recommendation,
    RecommendationTheme,
    Region,
    Round,
    TeamScore,
)
from ..models.types import utcnow

#: The stages whose peer report is out: only these evaluations are in the overview.
PUBLISHED = tuple(status for status in EvaluationStatus if status.is_report_published)

#: How many consensus answers are fetched from the database at a time (they are streamed, not held all at once).
ANSWER_BATCH = 5000


class ItemKind:
    THEME = "Thema"
    PROFILE = "Profiel (geheel)"
    ELEMENT = "Profielelement"


@dataclass(frozen=True)
class NationalItem:
    """A column group of the scores sheet: a knelpunt theme, the profile as a whole or a profile element, matched
    by id across questionnaire versions (as the trend does). The label is that of the newest version naming it."""

    id: str
    label: str  # "3. Analyse", "11. Profiel", "11.2 Netwerk"
    kind: str  # an ItemKind


@dataclass(frozen=True)
class ItemScores:
    self_score: Decimal | None
    peer_score: Decimal | None
    gap: Decimal | None  # self minus peer; None unless both are there


@dataclass(frozen=True)
class EvaluationLine:
    """One published or closed evaluation with its scores per item (missing: the item is not in its questionnaire
    or has no score on either side)."""

    evaluation_id: int
    round_id: int
    region: str
    round_name: str
    year: int
    municipality_id: int
    municipality: str
    cbs_code: str
    size_class_key: str
    size_class: str  # the label, e.g. "Middelgroot (20.000 tot 50.000 inwoners)"
    status: EvaluationStatus
    published_on: date | None  # the day in Amsterdam
    questionnaire: str  # "Title (versie 1)"
    scores: Mapping[str, ItemScores]

    @property
    def status_label(self) -> str:
        return self.status.label


@dataclass(frozen=True)
class YearSpread:
    year: int
    spread: ThemeSpread


@dataclass(frozen=True)
class SizeClassMedian:
    year: int
    size_class: str  # label
    theme: str  # label
    count: int
    median: Decimal


@dataclass(frozen=True)
class NationalRecommendation:
    year: int
    round_name: str
    region: str
    municipality: str
    cbs_code: str
    position: int
    themes: tuple[str, ...]  # labels, "3. Analyse"
    priority_label: str
    text: str


@dataclass(frozen=True)
class QuestionnaireUse:
    questionnaire: Questionnaire
    evaluations: int  # how many published evaluations in the overview use it


@dataclass(frozen=True)
class NationalExport:
    generated_at: datetime  # Europe/Amsterdam
    items: tuple[NationalItem, ...]
    evaluations: tuple[EvaluationLine, ...]  # by region, year, round, gemeente
    spreads: tuple[YearSpread, ...]  # by year, then the items' order
    size_classes: tuple[SizeClassMedian, ...]  # by year, size class (small to large), theme
    recommendations: tuple[NationalRecommendation, ...]  # by year, region, gemeente, position
    questionnaires: tuple[QuestionnaireUse, ...]  # newest first

    @property
    def themes(self) -> tuple[NationalItem, ...]:
        return tuple(item for item in self.items if item.kind == ItemKind.THEME)

    @property
    def region_count(self) -> int:
        return len({line.region for line in self.evaluations})

    @property
    def municipality_count(self) -> int:
        return len({line.municipality_id for line in self.evaluations})

    @property
    def round_count(self) -> int:
        return len({line.round_id for line in self.evaluations})

    @property
    def closed_count(self) -> int:
        return sum(1 for line in self.evaluations if line.status is EvaluationStatus.closed)


# ---------------------------------------------------------------- the queries (five, whatever the data)


def _published_ids() -> Select:
    return select(Evaluation.id).where(Evaluation.status.in_(PUBLISHED))


@dataclass(frozen=True)
class _Row:
    evaluation_id: int
    status: EvaluationStatus
    round: Round
    region: str
    municipality_id: int
    municipality: str
    cbs_code: str
    inhabitants: int
    published_at: datetime | None


def _evaluations() -> list[_Row]:
    """Every published or closed evaluation with its round (an object, for its questionnaire), region, gemeente
    and publication: one query; nothing is loaded lazily afterwards (``raiseload``)."""
    rows = db.session.execute(
        select(Evaluation.id, Evaluation.status, Round, Region.name, Municipality.id, Municipality.name,
               Municipality.cbs_code, Municipality.inhabitants, PeerReport.published_at)
        .join(Round, Round.id == Evaluation.round_id)
        .join(Region, Region.id == Round.region_id)
        .join(Municipality, Municipality.id == Evaluation.municipality_id)
        .outerjoin(PeerReport, PeerReport.evaluation_id == Evaluation.id)
        .where(Evaluation.status.in_(PUBLISHED))
        .options(raiseload("*")))
    result = [_Row(*row) for row in rows]
    result.sort(key=lambda r: (r.region.casefold(), r.round.year, r.round.self_evaluation_due, r.round.id,
                               r.municipality.casefold(), r.evaluation_id))
    return result


def _team_scores() -> dict[int, dict[str, int]]:
    result: dict[int, dict[str, int]] = defaultdict(dict)
    rows = db.session.execute(
        select(TeamScore.evaluation_id, TeamScore.item_id, TeamScore.value)
        .where(TeamScore.evaluation_id.in_(_published_ids())))
    for evaluation_id, item_id, value in rows:
        result[evaluation_id][item_id] = value
    return result


def _answers() -> Iterable[tuple[int, dict[str, Answer]]]:
    """The consensus answers of every published evaluation, one evaluation at a time (in id order), streamed from
    the database in batches."""
    rows = db.session.execute(
        select(ConsensusAnswer.evaluation_id, ConsensusAnswer.question_id, ConsensusAnswer.value,
               ConsensusAnswer.is_unknown)
        .where(ConsensusAnswer.evaluation_id.in_(_published_ids()))
        .order_by(ConsensusAnswer.evaluation_id)
        .execution_options(yield_per=ANSWER_BATCH))
    for evaluation_id, group in groupby(rows, key=lambda row: row[0]):
        yield evaluation_id, {question_id: UNKNOWN if unknown else value
                              for _id, question_id, value, unknown in group}


def _national_recommendations() -> tuple[list[tuple[int, int, int, str, Priority]], dict[int, list[str]]]:
    """The recommendations to the Rijk of every published evaluation and their themes: two queries."""
    to_rijk = (Recommendation.addressee == Addressee.national,
               Recommendation.evaluation_id.in_(_published_ids()))
    rows = [tuple(row) for row in db.session.execute(
        select(Recommendation.id, Recommendation.evaluation_id, Recommendation.position, Recommendation.text,
               Recommendation.priority).where(*to_rijk))]
    themes: dict[int, list[str]] = defaultdict(list)
    for recommendation_id, section_id in db.session.execute(
            select(RecommendationTheme.recommendation_id, RecommendationTheme.section_id)
            .join(Recommendation, Recommendation.id == RecommendationTheme.recommendation_id)
            .where(*to_rijk)):
        themes[recommendation_id].append(section_id)
    return rows, themes


# ---------------------------------------------------------------- turning them into the overview


def _items(questionnaires: Sequence[Questionnaire]) -> tuple[NationalItem, ...]:
    """The themes, the profile and its elements of every questionnaire used, newest version first; an id once."""
    items: dict[str, NationalItem] = {}
    for questionnaire in questionnaires:
        for section in questionnaire.knelpunt_sections:
            items.setdefault(section.id, NationalItem(section.id, f"{section.number}. {section.title}",
                                                      ItemKind.THEME))
    for questionnaire in questionnaires:
        profile = questionnaire.profile_section
        if profile is None:
            continue
        items.setdefault(profile.id, NationalItem(profile.id, f"{profile.number}. {profile.title}", ItemKind.PROFILE))
        for index, element in enumerate(profile.elements, start=1):
            items.setdefault(element.id, NationalItem(element.id, f"{profile.number}.{index} {element.title}",
                                                      ItemKind.ELEMENT))
    return tuple(items.values())


def _item_ids(questionnaire: Questionnaire) -> tuple[str, ...]:
    """The ids the result page shows a score for: the knelpunten, the profile and its elements."""
    ids = [s.id for s in questionnaire.sections if s.kind is SectionKind.KNELPUNT]
    if questionnaire.profile_section is not None:
        ids.append(questionnaire.profile_section.id)
        ids.extend(e.id for e in questionnaire.profile_section.elements)
    return tuple(ids)


def evaluation_scores(questionnaire: Questionnaire, answers: Mapping[str, Answer],
                      team_scores: Mapping[str, int]) -> dict[str, ItemScores]:
    """Self, peer and gap per item of one evaluation: the result page's rules (``domain.results.build_report``
    computes its items with these same three functions)."""
    own = self_scores(questionnaire, answers)
    peer = peer_scores(questionnaire, team_scores)
    result = {}
    for item_id in _item_ids(questionnaire):
        difference = gap(item_id, own.get(item_id), peer.get(item_id)).difference
        if own.get(item_id) is not None or peer.get(item_id) is not None:
            result[item_id] = ItemScores(own.get(item_id), peer.get(item_id), difference)
    return result


def _latest_per_gemeente(lines: Iterable[EvaluationLine]) -> dict[int, list[EvaluationLine]]:
    """Per year, each gemeente's latest evaluation of that year (the highest id, as the benchmark takes it)."""
    latest: dict[tuple[int, int], EvaluationLine] = {}
    for line in lines:
        key = (line.year, line.municipality_id)
        if key not in latest or latest[key].evaluation_id < line.evaluation_id:
            latest[key] = line
    by_year: dict[int, list[EvaluationLine]] = defaultdict(list)
    for (year, _municipality), line in sorted(latest.items()):
        by_year[year].append(line)
    return by_year


def _peer(line: EvaluationLine, item_id: str) -> Decimal | None:
    scores = line.scores.get(item_id)
    return scores.peer_score if scores is not None else None


def national_spreads(lines: Iterable[EvaluationLine], themes: Sequence[NationalItem]) -> tuple[YearSpread, ...]:
    """Per year and theme the spread of the peer scores (themes without any score that year left out)."""
    result = []
    for year, members in sorted(_latest_per_gemeente(lines).items()):
        for theme in themes:
            spread = theme_spread(theme.id, theme.label, [_peer(line, theme.id) for line in members])
            if spread.count:
                result.append(YearSpread(year, spread))
    return tuple(result)


def size_class_medians(lines: Iterable[EvaluationLine], themes: Sequence[NationalItem]
                       ) -> tuple[SizeClassMedian, ...]:
    """Per year, size class and theme the median peer score and how many gemeenten it rests on."""
    result = []
    for year, members in sorted(_latest_per_gemeente(lines).items()):
        for size_class in SIZE_CLASSES:
            group = [line for line in members if line.size_class_key == size_class.key]
            for theme in themes:
                dist = distribution(_peer(line, theme.id) for line in group)
                if dist is not None:
                    result.append(SizeClassMedian(year, size_class.label, theme.label, dist.count, dist.median))
    return tuple(result)


def _theme_label(questionnaire: Questionnaire, section_id: str) -> str:
    if questionnaire.has_section(section_id):
        section = questionnaire.section(section_id)
        return f"{section.number}. {section.title}"
    return section_id


def _questionnaire_label(questionnaire: Questionnaire) -> str:
    return f"{questionnaire.title} (versie {questionnaire.version})"


def national_export() -> NationalExport:
    """Everything the national workbook shows, in five queries whatever the number of evaluations."""
    generated_at = utcnow().astimezone(AMSTERDAM)
    rows = _evaluations()
    questionnaire_of: dict[tuple[str, str, str], Questionnaire] = {}
    for row in rows:
        key = (row.round.questionnaire_key, row.round.questionnaire_version, row.round.questionnaire_hash)
        if key not in questionnaire_of:
            questionnaire_of[key] = questionnaire_of_round(row.round)
    by_id = {row.evaluation_id: row for row in rows}

    def questionnaire(row: _Row) -> Questionnaire:
        return questionnaire_of[(row.round.questionnaire_key, row.round.questionnaire_version,
                                 row.round.questionnaire_hash)]

    team = _team_scores()
    scores: dict[int, dict[str, ItemScores]] = {}
    for evaluation_id, answers in _answers():
        row = by_id.get(evaluation_id)
        if row is not None:  # published after the first query: left out, as it is missing there
            scores[evaluation_id] = evaluation_scores(questionnaire(row), answers, team.get(evaluation_id, {}))
    for row in rows:  # a published evaluation without any consensus answer still has its peer scores
        if row.evaluation_id not in scores:
            scores[row.evaluation_id] = evaluation_scores(questionnaire(row), {}, team.get(row.evaluation_id, {}))
    del team

    lines = []
    for row in rows:
        size = size_class_for(row.inhabitants)
        lines.append(EvaluationLine(
            evaluation_id=row.evaluation_id, round_id=row.round.id, region=row.region, round_name=row.round.name,
            year=row.round.year, municipality_id=row.municipality_id, municipality=row.municipality,
            cbs_code=row.cbs_code, size_class_key=size.key, size_class=size.label, status=row.status,
            published_on=row.published_at.astimezone(AMSTERDAM).date() if row.published_at else None,
            questionnaire=_questionnaire_label(questionnaire(row)), scores=scores[row.evaluation_id]))

    used = sorted(questionnaire_of.values(), key=lambda q: (q.key, q.version_key), reverse=True)
    items = _items(used)
    themes = tuple(item for item in items if item.kind == ItemKind.THEME)

    recommendation_rows, recommendation_themes = _national_recommendations()
    recommendations = []
    for recommendation_id, evaluation_id, position, text, priority in recommendation_rows:
        row = by_id.get(evaluation_id)
        if row is None:
            continue
        recommendations.append(NationalRecommendation(
            year=row.round.year, round_name=row.round.name, region=row.region, municipality=row.municipality,
            cbs_code=row.cbs_code, position=position,
            themes=tuple(_theme_label(questionnaire(row), s) for s in sorted(recommendation_themes[recommendation_id])),
            priority_label=priority.label, text=text))
    recommendations.sort(key=lambda r: (r.year, r.region.casefold(), r.round_name.casefold(),
                                        r.municipality.casefold(), r.position))

    counts: dict[str, int] = defaultdict(int)  # content hash -> evaluations
    for row in rows:
        counts[row.round.questionnaire_hash] += 1
    return NationalExport(
        generated_at=generated_at, items=items, evaluations=tuple(lines),
        spreads=national_spreads(lines, themes), size_classes=size_class_medians(lines, themes),
        recommendations=tuple(recommendations),
        questionnaires=tuple(QuestionnaireUse(q, counts[q.content_hash]) for q in used))


def national_filename(on: date) -> str:
    return f"landelijk-overzicht-{on:%Y-%m-%d}.xlsx"
