"""The peer team's report: the judgement, the recommendations, what the concept needs before it goes to the
gemeente, and closing. Hoor en wederhoor and publication are in :mod:`.hearing`."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..domain import permissions
from ..domain.errors import DomainError, NotAllowed, raise_collected
from ..domain.evaluations import EvaluationStatus, Transition, next_status
from ..domain.hearing import check_documents
from ..domain.questionnaire import Questionnaire
from ..domain.reviews import (
    MAX_JUDGEMENT,
    MAX_STRENGTHS,
    Member,
    PublicationCheck,
    RecommendationData,
    TeamFacts,
    check_long_text,
    publication_check,
    publication_refusal,
    review_items,
    writing_refusal,
)
from ..evaluation.history import record_event
from ..evaluation.lifecycle import still_in
from ..evaluation.team import recommendations, report_of, team_members, team_of
from ..extensions import db
from ..models import (
    ActionRecommendation,
    Evaluation,
    PeerReport,
    Recommendation,
    RecommendationTheme,
    RecommendationVerdict,
    TeamMember,
    User,
)
from ..models.types import utcnow
from .services import changed_meanwhile, team_scores, transition

#: The stages in which the chair writes the report: the review, and the factual check (to take in points).
WRITING = (EvaluationStatus.in_peer_review, EvaluationStatus.fact_check)


def _report(evaluation: Evaluation) -> PeerReport:
    report = report_of(evaluation)
    if report is None:
        report = PeerReport(evaluation_id=evaluation.id)
        db.session.add(report)
    return report


def _require_writing(actor: User, evaluation: Evaluation) -> None:
    if not permissions.can_write_report(actor, evaluation, team_of(evaluation)):
        raise NotAllowed(writing_refusal(evaluation.status))


def save_judgement(actor: User, evaluation: Evaluation, judgement: str | None, strengths: str | None,
                   documents: str | None = None) -> None:
    """The judgement, the strengths and the list of documents the team consulted (for the chapter on the
    method); ``documents`` ``None`` leaves the list as it is."""
    _require_writing(actor, evaluation)
    problems: list[DomainError] = []
    texts: dict[str, str] = {}
    for field_name, value, limit, what in (("judgement", judgement, MAX_JUDGEMENT, "Het oordeel"),
                                           ("strengths", strengths, MAX_STRENGTHS, "De sterke punten")):
        try:
            texts[field_name] = check_long_text(value, limit, field_name, what)
        except DomainError as error:
            problems.append(error)
    if documents is not None:
        try:
            texts["documents"] = check_documents(documents)
        except DomainError as error:
            problems.append(error)
    raise_collected(problems)
    report = _report(evaluation)
    texts.setdefault("documents", report.documents or "")
    if ((report.judgement or "", report.strengths or "", report.documents or "")
            == (texts["judgement"], texts["strengths"], texts["documents"])):
        return
    report.judgement, report.strengths, report.documents = texts["judgement"], texts["strengths"], texts["documents"]
    report.updated_at, report.updated_by_id = utcnow(), actor.id
    record_event(evaluation, actor, "judgement_saved")
    still_in(evaluation, WRITING, changed_meanwhile())


def recommendation(evaluation: Evaluation, recommendation_id: int) -> Recommendation | None:
    row = db.session.get(Recommendation, recommendation_id)
    return row if row is not None and row.evaluation_id == evaluation.id else None


def _write_recommendation(row: Recommendation, data: RecommendationData) -> None:
    row.text, row.priority, row.addressee, row.updated_at = data.text, data.priority, data.addressee, utcnow()
    row.themes = [RecommendationTheme(section_id=s) for s in data.section_ids]


def add_recommendation(actor: User, evaluation: Evaluation, data: RecommendationData) -> Recommendation:
    _require_writing(actor, evaluation)
    position = len(recommendations(evaluation)) + 1
    row = Recommendation(evaluation_id=evaluation.id, position=position, created_by_id=actor.id)
    _write_recommendation(row, data)
    db.session.add(row)
    db.session.flush()
    record_event(evaluation, actor, "recommendation_added", subject=f"recommendation:{row.id}",
                 details={"text": data.text[:200]})
    still_in(evaluation, WRITING, changed_meanwhile())
    return row


def update_recommendation(actor: User, evaluation: Evaluation, row: Recommendation,
                          data: RecommendationData) -> None:
    _require_writing(actor, evaluation)
    _write_recommendation(row, data)
    record_event(evaluation, actor, "recommendation_changed", subject=f"recommendation:{row.id}",
                 details={"text": data.text[:200]})
    still_in(evaluation, WRITING, changed_meanwhile())


def delete_recommendation(actor: User, evaluation: Evaluation, row: Recommendation) -> None:
    """Remove a recommendation, unless the gemeente's plan already answers it or the voortgangsreview judged it
    (possible after the report was reopened): those links are the gemeente's work and must not vanish."""
    _require_writing(actor, evaluation)

    in_plan = db.session.scalar(select(func.count()).select_from(ActionRecommendation)
                                .where(ActionRecommendation.recommendation_id == row.id))
    judged = db.session.scalar(select(func.count()).select_from(RecommendationVerdict)
                               .where(RecommendationVerdict.recommendation_id == row.id))
    if in_plan or judged:
        raise NotAllowed(_("Deze aanbeveling staat al in het verbeterplan van de gemeente (of is al beoordeeld in "
                           "de voortgangsreview) en kan daarom niet worden verwijderd. Pas de tekst zo nodig aan."))
    record_event(evaluation, actor, "recommendation_removed", subject=f"recommendation:{row.id}",
                 details={"text": row.text[:200]})
    db.session.delete(row)
    db.session.flush()
    for position, other in enumerate(recommendations(evaluation), start=1):
        other.position = position
    still_in(evaluation, WRITING, changed_meanwhile())


def publication_state(evaluation: Evaluation, questionnaire: Questionnaire,
                      members: list[TeamMember] | None = None) -> PublicationCheck:
    members = team_members(evaluation) if members is None else members
    report = report_of(evaluation)
    return publication_check(
        review_items(questionnaire), {k: v.value for k, v in team_scores(evaluation).items()},
        judgement=report.judgement if report else "", recommendation_count=len(recommendations(evaluation)),
        members=[Member(m.user_id, m.user.name) for m in members],
        submitted_ids={m.user_id for m in members if m.scores_submitted_at is not None})


def refusal_of(actor: User, evaluation: Evaluation, check: PublicationCheck, team: TeamFacts | None = None
               ) -> str | None:
    """Why ``actor`` cannot send the concept to the gemeente now (``check`` from :func:`publication_state`), or
    ``None``: for the page, to say why, and for ``hearing.send_concept``, which refuses with it."""
    team = team_of(evaluation) if team is None else team
    return publication_refusal(check, status=evaluation.status,
                               may_publish=permissions.can_send_concept(actor, evaluation, team))


def close(actor: User, evaluation: Evaluation) -> None:
    if not permissions.can_close(actor, evaluation):
        if permissions.is_coordinator_of(actor, evaluation.region_id):
            next_status(evaluation.status, Transition.close)
        raise NotAllowed(_("Alleen de regiocoördinator sluit een evaluatie af."))
    _report(evaluation).closed_at = utcnow()
    transition(actor, evaluation, Transition.close, "closed")
