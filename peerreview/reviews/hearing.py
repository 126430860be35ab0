"""Hoor en wederhoor: the concept to the gemeente, its factual points and the team's answers, closing the check,
the college's reaction (or none within the term), the term's extension, the nawoord and publication.

The rules are in ``domain.hearing`` and ``domain.permissions``; these services load and store, record every
change in the evaluation's history and re-check the stage after writing (``still_in``). They flush; the view
commits once."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..dates import AMSTERDAM, today
from ..domain import permissions
from ..domain.errors import DomainError, NotAllowed
from ..domain.evaluations import EvaluationStatus, Transition, next_status
from ..domain.hearing import (
    PointData,
    RecommendationPlace,
    check_afterword,
    check_extension,
    check_point,
    check_point_answer,
    check_reaction,
    correction_refusal,
    no_reaction_refusal,
    point_answer_refusal,
    point_change_refusal,
    point_refusal,
    publication_refusal,
    reaction_refusal,
    report_places,
    require_no_refusal,
    term_from,
)
from ..domain.questionnaire import Questionnaire
from ..domain.reviews import confirm_publication, writing_refusal
from ..evaluation.history import record_event
from ..evaluation.lifecycle import still_in
from ..evaluation.team import factual_points, recommendations, report_of, team_of
from ..extensions import db
from ..models import Evaluation, FactualPoint, PeerReport, User
from ..models.types import utcnow
from ..templating import format_datetime
from . import report as report_services
from .services import transition

CHECKING = (EvaluationStatus.fact_check,)


class EditConflict(DomainError):
    """Someone else saved this factual point (or its answer) since the page was loaded."""


def _changed_meanwhile() -> str:
    return _("De fase van dit rapport is intussen gewijzigd (bijvoorbeeld heropend door de regiocoördinator); er is "
             "niets opgeslagen. Laad de pagina opnieuw.")


def _report(evaluation: Evaluation) -> PeerReport:
    report = report_of(evaluation)
    if report is None:  # a concept always has a report: the chair wrote the judgement
        raise NotAllowed(_("Er is nog geen concept van het peer team."))
    return report


def may_contributors_check(evaluation: Evaluation) -> bool:
    report = report_of(evaluation)
    return bool(report and report.contributors_may_check)


def places(evaluation: Evaluation, questionnaire: Questionnaire) -> dict[str, str]:
    """Every place in the report a factual point can name, key -> label."""
    return report_places(questionnaire, (RecommendationPlace(r.id, r.position, r.text)
                                         for r in recommendations(evaluation)))


def point(evaluation: Evaluation, point_id: int) -> FactualPoint | None:
    row = db.session.get(FactualPoint, point_id)
    return row if row is not None and row.evaluation_id == evaluation.id else None


def open_points(evaluation: Evaluation) -> int:
    return sum(1 for p in factual_points(evaluation) if not p.is_answered)


# ---------------------------------------------------------------- the concept to the gemeente


def send_concept(actor: User, evaluation: Evaluation, questionnaire: Questionnaire,
                 confirmed_token: str | None) -> None:
    """The chair sends the finished concept to the gemeente: the same checks as publication once had (a team score
    for every item, a judgement, a recommendation; missing members confirmed by name), and a term starts."""
    db.session.execute(select(Evaluation.id).where(Evaluation.id == evaluation.id).with_for_update())
    team = team_of(evaluation)
    check = report_services.publication_state(evaluation, questionnaire)
    if not permissions.can_send_concept(actor, evaluation, team):
        if permissions.is_chair(actor, team):
            next_status(evaluation.status, Transition.send_concept)  # the stage's reason (e.g. already sent)
        raise NotAllowed(writing_refusal(evaluation.status))
    confirm_publication(check, confirmed_token)  # complete; missing members confirmed by name
    report = _report(evaluation)
    report.concept_sent_at, report.concept_sent_by_id = utcnow(), actor.id
    report.published_without = "\n".join(m.name for m in check.not_submitted)
    report.term_due = term_from(today(), evaluation.round.response_days)
    report.check_done_at = report.check_done_by_id = report.corrected_at = None
    transition(actor, evaluation, Transition.send_concept, "concept_sent",
               {"term": report.term_due.isoformat(), "without": [m.name for m in check.not_submitted]})


# ---------------------------------------------------------------- the gemeente's factual points


def _require_points(actor: User, evaluation: Evaluation) -> PeerReport:
    report = _report(evaluation)
    if not permissions.can_write_points(actor, evaluation, contributors_may_check=report.contributors_may_check):
        if permissions.is_own_gemeente(actor, evaluation) and evaluation.status is EvaluationStatus.fact_check:
            raise NotAllowed(_("Alleen de trekker geeft feitelijke reacties, tenzij de trekker collega's laat "
                               "meelezen."))
        require_no_refusal(point_refusal(evaluation.status, term_due=report.term_due, check_done=False,
                                         today=today()))
        raise NotAllowed(_("Alleen de gemeente geeft feitelijke reacties op het concept."))
    require_no_refusal(point_refusal(evaluation.status, term_due=report.term_due,
                                     check_done=report.check_done_at is not None, today=today()))
    return report


def add_point(actor: User, evaluation: Evaluation, data: PointData) -> FactualPoint:
    _require_points(actor, evaluation)
    row = FactualPoint(evaluation_id=evaluation.id, place=data.place, place_label=data.place_label, text=data.text,
                       author_id=actor.id, answer_text="")
    db.session.add(row)
    db.session.flush()
    record_event(evaluation, actor, "point_added", subject=f"point:{row.id}",
                 details={"place": data.place_label, "text": data.text[:200]})
    still_in(evaluation, CHECKING, _changed_meanwhile())
    return row


def check_point_for(evaluation: Evaluation, questionnaire: Questionnaire, place: object,
                    text: str | None) -> PointData:
    return check_point(places(evaluation, questionnaire), place, text)


def _conflict(row: FactualPoint, what: str) -> EditConflict:
    who = row.answered_by if what == "answer" else row.author
    when = row.answered_at if what == "answer" else row.updated_at
    return EditConflict(_("%(who)s heeft deze reactie intussen gewijzigd (%(when)s). Er is niets opgeslagen; uw "
                          "invoer staat nog in het formulier. Vergelijk met wat nu is opgeslagen en sla opnieuw op.",
                          who=who.name if who else _("iemand anders"), when=format_datetime(when)))


def _check_version(row: FactualPoint, version: int | None, what: str) -> None:
    if version is None:
        raise EditConflict(_("Dit formulier is niet meer actueel; er is niets opgeslagen. Laad de pagina opnieuw."))
    if version != row.version:
        raise _conflict(row, what)


def _flush_versioned(row: FactualPoint, what: str) -> None:
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise EditConflict(_("Iemand anders heeft deze reactie tegelijk met u opgeslagen. Er is niets opgeslagen; "
                             "laad de pagina opnieuw.")) from None


def update_point(actor: User, evaluation: Evaluation, row: FactualPoint, data: PointData, version: int | None) -> None:
    _require_points(actor, evaluation)
    require_no_refusal(point_change_refusal(answered=row.is_answered))
    _check_version(row, version, "point")
    if (row.place, row.text) == (data.place, data.text):
        return
    row.place, row.place_label, row.text, row.updated_at = data.place, data.place_label, data.text, utcnow()
    _flush_versioned(row, "point")
    record_event(evaluation, actor, "point_changed", subject=f"point:{row.id}",
                 details={"place": data.place_label, "text": data.text[:200]})
    still_in(evaluation, CHECKING, _changed_meanwhile())


def withdraw_point(actor: User, evaluation: Evaluation, row: FactualPoint) -> None:
    _require_points(actor, evaluation)
    require_no_refusal(point_change_refusal(answered=row.is_answered, withdrawing=True))
    record_event(evaluation, actor, "point_withdrawn", subject=f"point:{row.id}",
                 details={"place": row.place_label, "text": row.text[:200]})
    db.session.delete(row)
    still_in(evaluation, CHECKING, _changed_meanwhile())


def finish_check(actor: User, evaluation: Evaluation) -> None:
    """The gemeente's lead says the factual check is done: the team may close it before the term ends."""
    report = _report(evaluation)
    if not permissions.can_manage_check(actor, evaluation):
        raise NotAllowed(_("Alleen de trekker van de gemeente rondt de feitelijke controle af.")
                         if evaluation.status is EvaluationStatus.fact_check else _changed_meanwhile())
    if report.check_done_at is not None:
        return
    report.check_done_at, report.check_done_by_id = utcnow(), actor.id
    record_event(evaluation, actor, "check_done", details={"points": len(factual_points(evaluation))})
    still_in(evaluation, CHECKING, _changed_meanwhile())


def set_check_access(actor: User, evaluation: Evaluation, allowed: bool) -> None:
    report = _report(evaluation)
    if not permissions.can_manage_check(actor, evaluation):
        raise NotAllowed(_("Alleen de trekker van de gemeente bepaalt of collega's meelezen, zolang het concept ter "
                           "feitelijke controle ligt."))
    if report.contributors_may_check is allowed:
        return
    report.contributors_may_check = allowed
    record_event(evaluation, actor, "check_access", details={"contributors": allowed})
    still_in(evaluation, CHECKING, _changed_meanwhile())


# ---------------------------------------------------------------- the team's answers and the correction


def answer_point(actor: User, evaluation: Evaluation, row: FactualPoint, answer: object, text: str | None,
                 version: int | None) -> None:
    if not permissions.can_answer_points(actor, evaluation, team_of(evaluation)):
        refusal = point_answer_refusal(evaluation.status)
        raise NotAllowed(refusal or _("Alleen de voorzitter van het peer team beantwoordt de feitelijke reacties."))
    chosen, cleaned = check_point_answer(answer, text)
    _check_version(row, version, "answer")
    if (row.answer, row.answer_text) == (chosen, cleaned):
        return
    row.answer, row.answer_text, row.answered_by_id, row.answered_at = chosen, cleaned, actor.id, utcnow()
    _flush_versioned(row, "answer")
    record_event(evaluation, actor, "point_answered", subject=f"point:{row.id}",
                 details={"answer": chosen.value, "text": cleaned[:200]})
    still_in(evaluation, CHECKING, _changed_meanwhile())


def correct(actor: User, evaluation: Evaluation) -> None:
    """The chair closes the factual check; the term for the college's reaction starts."""
    db.session.execute(select(Evaluation.id).where(Evaluation.id == evaluation.id).with_for_update())
    report = _report(evaluation)
    if not permissions.can_answer_points(actor, evaluation, team_of(evaluation)):
        if permissions.is_chair(actor, team_of(evaluation)):
            next_status(evaluation.status, Transition.correct)
        raise NotAllowed(_("Alleen de voorzitter van het peer team stelt het gecorrigeerde concept vast."))
    require_no_refusal(correction_refusal(evaluation.status, open_points=open_points(evaluation),
                                          check_done=report.check_done_at is not None, term_due=report.term_due,
                                          today=today()))
    report.corrected_at = utcnow()
    report.term_due = term_from(today(), evaluation.round.response_days)
    transition(actor, evaluation, Transition.correct, "corrected", {"term": report.term_due.isoformat()})


# ---------------------------------------------------------------- the college's reaction


def record_reaction(actor: User, evaluation: Evaluation, text: str | None, decided_on: date | None,
                    reference: str | None) -> None:
    report = _report(evaluation)
    if not permissions.can_record_reaction(actor, evaluation):
        require_no_refusal(reaction_refusal(evaluation.status))
        raise NotAllowed(_("Alleen de trekker van de gemeente legt de bestuurlijke reactie vast."))
    # the Dutch date the concept came (a UTC date is a day early between midnight and 01:00 or 02:00)
    sent = report.concept_sent_at.astimezone(AMSTERDAM).date() if report.concept_sent_at else None
    data = check_reaction(text, decided_on, reference, today=today(), concept_sent_on=sent)
    unchanged = (report.reaction, report.reaction_decided_on, report.reaction_reference) == (
        data.text, data.decided_on, data.reference)
    if unchanged and evaluation.status is EvaluationStatus.reacted:
        return
    report.reaction, report.reaction_decided_on, report.reaction_reference = data.text, data.decided_on, data.reference
    report.reaction_at, report.reaction_by_id = utcnow(), actor.id
    report.no_reaction_at = report.no_reaction_by_id = None
    details = {"decided_on": data.decided_on.isoformat(), "reference": data.reference, "length": len(data.text)}
    if evaluation.status is EvaluationStatus.corrected:
        transition(actor, evaluation, Transition.react, "reacted", details)
    else:
        record_event(evaluation, actor, "reaction_saved", details=details)
        still_in(evaluation, (EvaluationStatus.reacted,), _changed_meanwhile())


def record_no_reaction(actor: User, evaluation: Evaluation) -> None:
    report = _report(evaluation)
    if not permissions.can_record_no_reaction(actor, evaluation):
        if permissions.is_coordinator_of(actor, evaluation.region_id):
            require_no_refusal(no_reaction_refusal(evaluation.status, term_due=report.term_due, today=today()))
        raise NotAllowed(_("Alleen de regiocoördinator stelt vast dat er geen reactie is ontvangen."))
    require_no_refusal(no_reaction_refusal(evaluation.status, term_due=report.term_due, today=today()))
    report.no_reaction_at, report.no_reaction_by_id = utcnow(), actor.id
    transition(actor, evaluation, Transition.react, "no_reaction", {"term": report.term_due.isoformat()
                                                                    if report.term_due else None})


def extend_term(actor: User, evaluation: Evaluation, new: date | None, reason: str | None) -> date:
    report = _report(evaluation)
    if not permissions.can_extend_term(actor, evaluation):
        raise NotAllowed(_("Alleen de regiocoördinator verlengt de termijn, zolang de gemeente het concept "
                           "controleert of op de bestuurlijke reactie wordt gewacht."))
    due, why = check_extension(report.term_due, new, reason, today=today())
    before = report.term_due
    report.term_due = due
    record_event(evaluation, actor, "term_extended", details={
        "from": before.isoformat() if before else None, "to": due.isoformat(), "reason": why,
        "stage": evaluation.status.value})
    still_in(evaluation, (evaluation.status,), _changed_meanwhile())
    return due


# ---------------------------------------------------------------- the nawoord and publication


def save_afterword(actor: User, evaluation: Evaluation, text: str | None) -> None:
    report = _report(evaluation)
    if not permissions.can_write_afterword(actor, evaluation, team_of(evaluation)):
        raise NotAllowed(_("Het nawoord schrijft de voorzitter van het peer team, na de bestuurlijke reactie en vóór "
                           "publicatie."))
    cleaned = check_afterword(text)
    if cleaned == (report.afterword or ""):
        return
    report.afterword, report.afterword_at = cleaned, utcnow()
    record_event(evaluation, actor, "afterword_saved", details={"length": len(cleaned)})
    still_in(evaluation, (EvaluationStatus.reacted,), _changed_meanwhile())


def publish(actor: User, evaluation: Evaluation) -> None:
    db.session.execute(select(Evaluation.id).where(Evaluation.id == evaluation.id).with_for_update())
    report = _report(evaluation)
    if not permissions.can_publish(actor, evaluation, team_of(evaluation)):
        if permissions.is_chair(actor, team_of(evaluation)):
            if evaluation.status.is_report_published:  # before the stage's reason, which would say "not yet"
                raise NotAllowed(_("Het rapport is al gepubliceerd."))
            next_status(evaluation.status, Transition.publish)
        raise NotAllowed(_("Alleen de voorzitter van het peer team publiceert het rapport."))
    require_no_refusal(publication_refusal(has_reaction=report.has_reaction))
    report.published_at, report.published_by_id = utcnow(), actor.id
    transition(actor, evaluation, Transition.publish, "published")
