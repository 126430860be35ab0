"""What the downloads hold, gathered in a fixed number of queries, and the history of who downloaded what.

The numbers come from one place: :func:`peerreview.reports.services.build_report` (the same report object as the
result page). Around it this module gathers what only the exports show: the gemeente's consensus answers (and,
for the gemeente's own people, every contributor's answers), the quotable interview notes (never the team-only
ones), the peer team, and the improvement plan. The PDF (:mod:`.pdf`) and the workbooks (:mod:`.workbooks`) read
the :class:`EvaluationExport` and :class:`RegionExport` and query nothing themselves; so do the printable report page
and its PDF (:mod:`.document`), which add the opening chapter's facts (:class:`MethodView`) and the hoor en
wederhoor (:class:`HearingView`)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..dates import AMSTERDAM, today
from ..domain import permissions
from ..domain.evaluations import AnswerData
from ..domain.hearing import PointAnswer
from ..domain.plans import (
    OwnerKind,
    PlanStage,
    Progress,
    days_overdue,
    is_overdue,
    open_recommendations,
    order_actions,
    progress,
)
from ..domain.questionnaire import Questionnaire
from ..domain.results import Report
from ..domain.reviews import Confidentiality, EntryKind
from ..evaluation.answers import consensus_answers, consensus_notes
from ..evaluation.answers import contributions as contributions_of
from ..evaluation.lifecycle import questionnaire_of_round
from ..evaluation.plan import plan_end_of, stage_of, targets, verdicts
from ..evaluation.team import facts as team_facts
from ..evaluation.team import factual_points, report_of, team_members
from ..extensions import db
from ..models import (
    ActionNote,
    Evaluation,
    ImprovementAction,
    PeerReport,
    ReviewEntry,
    Round,
    User,
)
from ..models.types import utcnow
from ..reports import services as report_services
from ..reports.services import RegionOverview

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------- the evaluation's export


@dataclass(frozen=True)
class AnswerRow:
    """One answer to one question: the gemeente's consensus or one contributor's own."""

    question_id: str
    number: str
    section_id: str
    question: str
    value: int | None
    unknown: bool
    value_label: str  # "4 – Grotendeels op orde", "Weet niet / niet van toepassing" or "Niet beantwoord"
    explanation: str
    evidence: str
    links: tuple[str, ...]
    author: str = ""  # the contributor's name; empty for the consensus


@dataclass(frozen=True)
class NoteRow:
    section_id: str
    strengths: str
    improvements: str


@dataclass(frozen=True)
class QuoteView:
    """An interview or observation the team made quotable in the report."""

    kind_label: str
    held_on: date
    interviewees: tuple[str, ...]
    notes: str
    section_ids: tuple[str, ...]


@dataclass(frozen=True)
class TeamLine:
    name: str
    capacity: str
    municipality: str | None
    is_chair: bool

    @property
    def description(self) -> str:
        parts = [self.capacity.lower()]
        if self.municipality:
            parts.append(self.municipality)
        if self.is_chair:
            parts.append("voorzitter")
        return f"{self.name} ({', '.join(parts)})"


@dataclass(frozen=True)
class ActionView:
    id: int
    title: str
    description: str
    owner: str
    owner_kind: str  # label
    start_on: date
    due_on: date
    status: str  # ActionStatus value
    status_label: str
    status_reason: str
    completed_on: date | None
    section_ids: tuple[str, ...]
    recommendation_ids: tuple[int, ...]
    is_overdue: bool
    days_overdue: int
    last_note: str  # the latest progress note, "" without one
    last_note_on: date | None
    owner_is_partner: bool = False


@dataclass(frozen=True)
class VerdictView:
    label: str
    note: str


@dataclass(frozen=True)
class PlanView:
    stage: PlanStage
    end_on: date  # the end of the plan period
    progress: Progress
    actions: tuple[ActionView, ...]  # overdue first, then by due date (as the plan page)
    targets: Mapping[str, int]  # section id -> target level for the next round
    verdicts: Mapping[int, VerdictView]  # recommendation id -> the voortgangsreview's verdict
    open_recommendation_ids: frozenset[int]  # recommendations no live action answers

    def actions_for(self, recommendation_id: int) -> tuple[ActionView, ...]:
        return tuple(a for a in self.actions if recommendation_id in a.recommendation_ids)


@dataclass(frozen=True)
class InterviewedView:
    """One function and organisation the peer team spoke with ("Burgemeester – gemeente"), and how often."""

    who: str
    count: int


@dataclass(frozen=True)
class MethodView:
    """The facts of the chapter *Aanleiding, opdracht en werkwijze*: when the team visited, what it read, whom it
    spoke with (by function and organisation, never by name; of a confidential conversation only that it was
    held)."""

    visit_from: date | None  # the first and last interview or observation
    visit_to: date | None
    submitted_on: date | None  # the self-evaluation handed in
    answers: int  # the gemeente's consensus answers
    answers_with_evidence: int  # of which with evidence or links
    documents: tuple[str, ...]  # the chair's list of documents consulted, one per line
    interviews: int  # every conversation held, confidential ones included
    interviewed: tuple[InterviewedView, ...]  # from the quotable conversations, by function and organisation
    confidential_interviews: int  # conversations the team kept to itself: counted, nobody named
    observations: int


@dataclass(frozen=True)
class PointView:
    """A factual point of the gemeente on the concept and the team's answer (annex *Verwerking feitelijke
    reacties*)."""

    place_label: str  # "Thema 3. Informatiepositie", "Het oordeel", "Aanbeveling 2"
    text: str
    adopted: bool | None  # None: not answered
    answer_text: str  # the change made, or the reason it was not adopted


@dataclass(frozen=True)
class HearingView:
    """The bestuurlijke reactie of the college (or that none came), the team's nawoord and the factual points."""

    reaction: str
    reaction_at: datetime | None  # when it was entered
    decided_on: date | None = None  # the date of the collegebesluit
    reference: str = ""  # its kenmerk
    no_reaction_at: datetime | None = None  # the coordinator recorded that no reaction came within the term
    afterword: str = ""
    points: tuple[PointView, ...] = ()

    @property
    def has_reaction(self) -> bool:
        return bool(self.reaction.strip())


@dataclass(frozen=True)
class EvaluationExport:
    report: Report
    questionnaire: Questionnaire
    generated_at: datetime  # Europe/Amsterdam
    consensus: tuple[AnswerRow, ...]
    consensus_notes: tuple[NoteRow, ...]
    contributions: tuple[AnswerRow, ...] | None  # None: the viewer may not see individual answers
    quotes: tuple[QuoteView, ...]
    team: tuple[TeamLine, ...]
    plan: PlanView | None  # None: the viewer may not see the plan
    method: MethodView
    hearing: HearingView
    #: Not published yet: the concept during hoor en wederhoor (the document says so on every page).
    is_concept: bool = False

    def quotes_for(self, section_id: str) -> tuple[QuoteView, ...]:
        return tuple(q for q in self.quotes if section_id in q.section_ids)

    def notes_for(self, section_id: str) -> NoteRow | None:
        return next((n for n in self.consensus_notes if n.section_id == section_id), None)

    def section_label(self, section_id: str) -> str:
        if self.questionnaire.has_section(section_id):
            section = self.questionnaire.section(section_id)
            return f"{section.number}. {section.title}"
        return section_id


def _answer_row(questionnaire: Questionnaire, question_id: str, data: AnswerData, author: str = "") -> AnswerRow:
    question = questionnaire.question(question_id)
    return AnswerRow(question_id, question.number, question.section_id, question.text,
                     None if data.unknown else data.value, data.unknown, data.value_label(questionnaire.scale),
                     data.explanation, data.evidence, tuple(data.links), author)


def _plan_view(evaluation: Evaluation, recommendation_ids: list[int], on: date) -> PlanView:
    """The plan's actions with their themes, recommendations and notes (four queries), targets and verdicts."""
    rows = list(db.session.scalars(
        select(ImprovementAction).where(ImprovementAction.evaluation_id == evaluation.id)
        .options(selectinload(ImprovementAction.themes), selectinload(ImprovementAction.links),
                 selectinload(ImprovementAction.notes))
        .order_by(ImprovementAction.due_on, ImprovementAction.id)))
    by_id = {row.id: row for row in rows}
    views = []
    for facts in order_actions((row.facts for row in rows), on):
        row = by_id[facts.id]
        notes: list[ActionNote] = sorted(row.notes, key=lambda n: (n.noted_on, n.id))
        last = notes[-1] if notes else None
        views.append(ActionView(
            id=row.id, title=row.title, description=row.description or "", owner=row.owner,
            owner_kind=row.owner_kind.label, start_on=row.start_on, due_on=row.due_on, status=row.status.value,
            status_label=row.status.label, status_reason=row.status_reason or "", completed_on=row.completed_on,
            section_ids=facts.section_ids, recommendation_ids=facts.recommendation_ids,
            is_overdue=is_overdue(row.status, row.due_on, on), days_overdue=days_overdue(row.status, row.due_on, on),
            last_note=last.text if last else "", last_note_on=last.noted_on if last else None,
            owner_is_partner=row.owner_kind is OwnerKind.partner))
    stored_verdicts = verdicts(evaluation)
    return PlanView(
        stage=stage_of(evaluation, on), end_on=plan_end_of(evaluation),
        progress=progress((row.facts for row in rows), on), actions=tuple(views),
        targets=targets(evaluation),
        verdicts={rid: VerdictView(v.verdict.label, v.note) for rid, v in stored_verdicts.items()},
        open_recommendation_ids=frozenset(open_recommendations(recommendation_ids, [r.facts for r in rows])))


def evaluation_export(evaluation: Evaluation, viewer: User) -> EvaluationExport:
    """Everything the PDF and the workbook of one published evaluation show, as ``viewer`` may see it.

    ``evaluation`` must come with its round, region and gemeente loaded (``load_evaluation``); the caller has
    checked that ``viewer`` may see the results."""
    report = report_services.build_report(evaluation, viewer)
    questionnaire = questionnaire_of_round(evaluation.round)
    question_ids = [q.id for q in questionnaire.questions]
    consensus = consensus_answers(evaluation, question_ids)
    consensus_rows = tuple(_answer_row(questionnaire, q.id, consensus[q.id].data)
                           for q in questionnaire.questions if q.id in consensus)
    notes = consensus_notes(evaluation)
    note_rows = tuple(NoteRow(s.id, notes[s.id].strengths or "", notes[s.id].improvements or "")
                      for s in questionnaire.sections if s.id in notes
                      and (notes[s.id].strengths or notes[s.id].improvements))
    contributions = None
    if permissions.can_see_individual_answers(viewer, evaluation):
        contributed = contributions_of(evaluation, question_ids)
        contributions = tuple(_answer_row(questionnaire, q.id, c.data, c.author)
                              for q in questionnaire.questions for c in contributed.get(q.id, ()))
    members = team_members(evaluation)
    team = team_facts(members)
    quotes = tuple(
        QuoteView(row.kind.label, row.held_on, tuple(row.interviewee_lines), row.notes, tuple(row.section_ids))
        for row in db.session.scalars(
            select(ReviewEntry).where(ReviewEntry.evaluation_id == evaluation.id,
                                      ReviewEntry.confidentiality == Confidentiality.quotable)
            .options(selectinload(ReviewEntry.themes)).order_by(ReviewEntry.held_on, ReviewEntry.id)))
    plan = None
    if permissions.can_view_plan(viewer, evaluation, team):
        plan = _plan_view(evaluation, [r.id for r in report.recommendations], today())
    peer_report = report_of(evaluation)
    return EvaluationExport(
        report=report, questionnaire=questionnaire, generated_at=utcnow().astimezone(AMSTERDAM),
        consensus=consensus_rows, consensus_notes=note_rows, contributions=contributions, quotes=quotes,
        team=tuple(TeamLine(m.user.name, m.capacity.label, m.user.municipality.name if m.user.municipality else None,
                            m.is_chair) for m in members),
        plan=plan, method=_method_view(evaluation, consensus_rows, peer_report),
        hearing=_hearing_view(evaluation, peer_report), is_concept=not evaluation.status.is_report_published)


def _lines(text: str | None) -> tuple[str, ...]:
    return tuple(line.strip() for line in (text or "").replace("\r", "\n").split("\n") if line.strip())


def _method_view(evaluation: Evaluation, consensus: tuple[AnswerRow, ...], peer_report: PeerReport | None
                 ) -> MethodView:
    """One query: the team's interviews and observations, as columns (never their notes)."""
    entries = db.session.execute(
        select(ReviewEntry.kind, ReviewEntry.held_on, ReviewEntry.interviewees, ReviewEntry.confidentiality)
        .where(ReviewEntry.evaluation_id == evaluation.id)).all()
    days = sorted(entry.held_on for entry in entries)
    interviews = [entry for entry in entries if entry.kind is EntryKind.interview]
    counted = Counter(line for entry in interviews if entry.confidentiality is Confidentiality.quotable
                      for line in _lines(entry.interviewees))
    return MethodView(
        visit_from=days[0] if days else None, visit_to=days[-1] if days else None,
        submitted_on=evaluation.submitted_at.astimezone(AMSTERDAM).date() if evaluation.submitted_at else None,
        answers=len(consensus), answers_with_evidence=sum(1 for a in consensus if a.evidence.strip() or a.links),
        documents=_lines(peer_report.documents if peer_report else ""),
        interviews=len(interviews),
        interviewed=tuple(InterviewedView(who, n) for who, n in sorted(counted.items(), key=lambda i: i[0].casefold())),
        confidential_interviews=sum(1 for e in interviews if e.confidentiality is not Confidentiality.quotable),
        observations=len(entries) - len(interviews))


def _hearing_view(evaluation: Evaluation, peer_report: PeerReport | None) -> HearingView:
    """The reaction, the nawoord and the factual points with the team's answers (one query)."""
    points = tuple(PointView(p.place_label, p.text, None if p.answer is None else p.answer is PointAnswer.adopted,
                             p.answer_text or "") for p in factual_points(evaluation))
    if peer_report is None:
        return HearingView(reaction="", reaction_at=None, points=points)
    return HearingView(
        reaction=peer_report.reaction or "", reaction_at=peer_report.reaction_at,
        decided_on=peer_report.reaction_decided_on, reference=peer_report.reaction_reference or "",
        no_reaction_at=peer_report.no_reaction_at, afterword=peer_report.afterword or "", points=points)


# ---------------------------------------------------------------- the region's export


@dataclass(frozen=True)
class RegionExport:
    overview: RegionOverview
    generated_at: datetime  # Europe/Amsterdam

    @property
    def round(self) -> Round:
        return self.overview.round


def region_export(round_: Round) -> RegionExport:
    return RegionExport(report_services.region_overview(round_, today=today()), utcnow().astimezone(AMSTERDAM))


# ---------------------------------------------------------------- file names and history


def report_filename(evaluation: Evaluation, extension: str) -> str:
    """``collegiale-toets-GM0363-2026.pdf``: what it is, whose (the CBS code) and the round's year; with the
    round's id as well when the gemeente has more than one round in that year, so two files never share a name.
    One query."""
    base = f"collegiale-toets-{evaluation.municipality.cbs_code}-{evaluation.round.year}"
    rounds_that_year = db.session.scalar(
        select(func.count()).select_from(Evaluation).join(Round, Round.id == Evaluation.round_id)
        .where(Evaluation.municipality_id == evaluation.municipality_id, Round.year == evaluation.round.year))
    if (rounds_that_year or 0) > 1:
        base += f"-ronde-{evaluation.round_id}"
    if not evaluation.status.is_report_published:
        base += "-concept"
    return f"{base}.{extension}"


def region_filename(round_: Round) -> str:
    return f"regio-overzicht-{_slug(round_.region.name)}-{round_.year}-ronde-{round_.id}.xlsx"


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "regio"


