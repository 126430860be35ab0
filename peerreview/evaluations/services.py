"""Rounds and self-evaluations: opening rounds, answers, consensus, submission, reopening, history, colleagues.

Services load rows, check ``domain.permissions`` and ``domain.evaluations``, change models, flush and return; they
never commit (the view commits once). A broken rule raises a ``DomainError`` with a Dutch message. Saves of answers
and consensus compare the versions the page was loaded with (see ``domain.evaluations.find_conflicts``) and raise
:class:`EditConflict` instead of overwriting someone else's work.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from ..accounts import email_conflict, invite_by_mail
from ..dates import today
from ..domain import permissions
from ..domain.errors import DomainError, InvalidValue, NotAllowed
from ..domain.evaluations import (
    EMPTY_ANSWER,
    EMPTY_NOTE,
    AnswerData,
    Conflict,
    EvaluationStatus,
    FieldProblem,
    Proposal,
    SectionNoteData,
    Stored,
    SubmissionCheck,
    Transition,
    Versioned,
    check_answer_data,
    check_note,
    check_reopen_reason,
    consensus_proposal,
    find_conflicts,
    next_status,
    submission_check,
)
from ..domain.hearing import term_from
from ..domain.questionnaire import Questionnaire, Section
from ..domain.roles import Role
from ..domain.text import one_line
from ..evaluation.answers import Contribution, consensus_answers, stored_version
from ..evaluation.history import (
    NOTE_PREFIX,
    answer_to_json,
    note_item,
    note_to_json,
    record_event,
)
from ..evaluation.lifecycle import flush_state, still_in
from ..extensions import db
from ..models import (
    Answer,
    ConsensusAnswer,
    ConsensusNote,
    Evaluation,
    PeerReport,
    SectionNote,
    TeamMember,
    User,
    Visit,
)
from ..models.types import utcnow
from ..persistence import flush_or


class EditConflict(DomainError):
    """Someone else saved some of these items after the page was loaded; nothing was saved."""

    def __init__(self, conflicts: Sequence[Conflict]) -> None:
        super().__init__(_("Iemand anders heeft intussen ook opgeslagen. Er is niets opgeslagen; uw invoer staat "
                           "nog op de pagina. Vergelijk hieronder, pas zo nodig aan en sla opnieuw op."))
        self.conflicts = list(conflicts)


class InvalidItems(InvalidValue):
    """Some answers on the page break a rule; ``problems`` maps an item to its field problems."""

    def __init__(self, problems: Mapping[str, list[FieldProblem]]) -> None:
        count = sum(len(p) for p in problems.values())
        super().__init__(ngettext("Er is niets opgeslagen: %(num)s veld op deze pagina klopt nog niet.",
                                  "Er is niets opgeslagen: %(num)s velden op deze pagina kloppen nog niet.", count))
        self.problems = dict(problems)


# ---------------------------------------------------------------- reading answers


def own_answers(evaluation: Evaluation, user: User, question_ids: Iterable[str] | None = None) -> dict[str, Answer]:
    query = (select(Answer).where(Answer.evaluation_id == evaluation.id, Answer.author_id == user.id)
             .options(joinedload(Answer.author)))
    if question_ids is not None:
        query = query.where(Answer.question_id.in_(list(question_ids)))
    return {a.question_id: a for a in db.session.scalars(query)}


def own_notes(evaluation: Evaluation, user: User) -> dict[str, SectionNote]:
    rows = db.session.scalars(select(SectionNote).where(
        SectionNote.evaluation_id == evaluation.id, SectionNote.author_id == user.id)
        .options(joinedload(SectionNote.author)))
    return {n.section_id: n for n in rows}


def contributor_notes(evaluation: Evaluation, section_id: str) -> list[tuple[str, SectionNoteData]]:
    rows = db.session.scalars(
        select(SectionNote).join(SectionNote.author)
        .where(SectionNote.evaluation_id == evaluation.id, SectionNote.section_id == section_id)
        .options(joinedload(SectionNote.author)).order_by(User.name))
    return [(row.author.name, row.data) for row in rows if not row.data.is_empty]


def proposals(contributed: Mapping[str, list[Contribution]], question_ids: Iterable[str]) -> dict[str, Proposal]:
    return {qid: consensus_proposal(c.data for c in contributed.get(qid, ())) for qid in question_ids}


# ---------------------------------------------------------------- overview


@dataclass
class SectionProgress:
    section: Section
    total: int
    mine: int = 0  # this user's own answers
    consensus: int = 0
    last_by: str | None = None
    last_at: datetime | None = None

    def _percent(self, count: int) -> int:
        return count * 100 // self.total if self.total else 0

    @property
    def mine_percent(self) -> int:
        return self._percent(self.mine)

    @property
    def consensus_percent(self) -> int:
        return self._percent(self.consensus)

    def touch(self, by: str | None, at: datetime) -> None:
        if self.last_at is None or at > self.last_at:
            self.last_at, self.last_by = at, by


def progress(evaluation: Evaluation, questionnaire: Questionnaire, user: User) -> list[SectionProgress]:
    """Per section: the user's own answered count, the consensus count, and the last edit by anyone (4 queries)."""
    section_of = {q.id: q.section_id for q in questionnaire.questions}
    result = {s.id: SectionProgress(s, len(s.questions)) for s in questionnaire.sections}
    own = db.session.execute(
        select(Answer.question_id, Answer.author_id, Answer.value, Answer.is_unknown, Answer.updated_at, User.name)
        .join(User, User.id == Answer.author_id).where(Answer.evaluation_id == evaluation.id)).all()
    for question_id, author_id, value, unknown, at, name in own:
        item = result.get(section_of.get(question_id, ""))
        if item is None:
            continue
        if author_id == user.id and (value is not None or unknown):
            item.mine += 1
        item.touch(name, at)
    agreed = db.session.execute(
        select(ConsensusAnswer.question_id, ConsensusAnswer.value, ConsensusAnswer.is_unknown,
               ConsensusAnswer.updated_at, User.name)
        .outerjoin(User, User.id == ConsensusAnswer.updated_by_id)
        .where(ConsensusAnswer.evaluation_id == evaluation.id)).all()
    for question_id, value, unknown, at, name in agreed:
        item = result.get(section_of.get(question_id, ""))
        if item is None:
            continue
        if value is not None or unknown:
            item.consensus += 1
        item.touch(name, at)
    for model, who in ((SectionNote, SectionNote.author_id), (ConsensusNote, ConsensusNote.updated_by_id)):
        rows = db.session.execute(
            select(model.section_id, model.updated_at, User.name).outerjoin(User, User.id == who)
            .where(model.evaluation_id == evaluation.id)).all()
        for section_id, at, name in rows:
            if section_id in result:
                result[section_id].touch(name, at)
    return list(result.values())


# ---------------------------------------------------------------- saving


@dataclass
class PageInput:
    """What a wizard page sends: per item the version and digest it was loaded with, and the new content."""

    answers: dict[str, Versioned] = field(default_factory=dict)  # of AnswerData
    note: Versioned | None = None  # of SectionNoteData
    via: str = "web"  # "web" or "excel", kept in the history
    #: Consensus items still showing the proposal they were pre-filled with: saved only while nothing is stored.
    untouched_prefill: set[str] = field(default_factory=set)


def _answer_details(before: AnswerData | None, after: AnswerData) -> dict[str, Any]:
    return {"before": answer_to_json(before) if before is not None else None, "after": answer_to_json(after)}


def require_editable(evaluation: Evaluation) -> None:
    if not evaluation.status.is_editable:
        raise NotAllowed(_("Deze zelfevaluatie is ingediend en kan niet meer worden gewijzigd."))


def save_own_answers(actor: User, evaluation: Evaluation, questionnaire: Questionnaire, section: Section,
                     page: PageInput) -> list[str]:
    """Save the user's own answers and notes for one section. Returns the items that changed."""
    if not permissions.can_answer(actor, evaluation):
        require_editable(evaluation)
        raise NotAllowed(_("U mag deze zelfevaluatie niet invullen."))
    question_ids = [q.id for q in section.questions]
    unknown = set(page.answers) - set(question_ids)
    if unknown:
        raise InvalidValue(_("Het formulier hoort niet bij dit thema. Laad de pagina opnieuw."))

    def load() -> tuple[dict[str, Answer], SectionNote | None]:
        rows = own_answers(evaluation, actor, question_ids)
        note = db.session.scalar(select(SectionNote).where(
            SectionNote.evaluation_id == evaluation.id, SectionNote.author_id == actor.id,
            SectionNote.section_id == section.id).options(joinedload(SectionNote.author)))
        return rows, note

    def write(rows: dict[str, Answer], note: SectionNote | None, check) -> None:
        _check_items(questionnaire, page, check.changed)
        for qid in check.changed:
            if qid.startswith(NOTE_PREFIX):
                new_note = page.note.data
                if note is None:
                    note = SectionNote(evaluation_id=evaluation.id, author_id=actor.id, section_id=section.id)
                    db.session.add(note)
                    before = None
                else:
                    before = note_to_json(note.data)
                note.set_data(new_note)
                record_event(evaluation, actor, "note", qid, {"before": before, "after": note_to_json(new_note),
                                                        "via": page.via})
            else:
                new = page.answers[qid].data
                row = rows.get(qid)
                before = row.data if row is not None else None
                if row is None:
                    row = Answer(evaluation_id=evaluation.id, author_id=actor.id, question_id=qid)
                    db.session.add(row)
                row.set_data(new)
                record_event(evaluation, actor, "answer", qid, {**_answer_details(before, new), "via": page.via})

    return _save_checked(evaluation, page, section, load, write)


def save_consensus(actor: User, evaluation: Evaluation, questionnaire: Questionnaire, section: Section,
                   page: PageInput, problems_for) -> list[str]:
    """Save the gemeente's consensus answers and notes for one section (lead only). ``problems_for(qid, data)``
    checks one consensus answer against its proposal."""
    if not permissions.can_set_consensus(actor, evaluation):
        require_editable(evaluation)
        raise NotAllowed(_("Alleen de trekker van de gemeente stelt de gezamenlijke antwoorden vast."))
    question_ids = [q.id for q in section.questions]
    if set(page.answers) - set(question_ids):
        raise InvalidValue(_("Het formulier hoort niet bij dit thema. Laad de pagina opnieuw."))

    def load() -> tuple[dict[str, ConsensusAnswer], ConsensusNote | None]:
        rows = consensus_answers(evaluation, question_ids)
        note = db.session.scalar(select(ConsensusNote).where(
            ConsensusNote.evaluation_id == evaluation.id, ConsensusNote.section_id == section.id)
            .options(joinedload(ConsensusNote.updated_by)))
        return rows, note

    def write(rows: dict[str, ConsensusAnswer], note: ConsensusNote | None, check) -> None:
        _check_items(questionnaire, page, check.changed, problems_for)
        for qid in check.changed:
            if qid.startswith(NOTE_PREFIX):
                new_note = page.note.data
                if note is None:
                    note = ConsensusNote(evaluation_id=evaluation.id, section_id=section.id)
                    db.session.add(note)
                    before = None
                else:
                    before = note_to_json(note.data)
                note.set_data(new_note)
                note.updated_by_id = actor.id
                record_event(evaluation, actor, "consensus_note", qid,
                             {"before": before, "after": note_to_json(new_note)})
            else:
                new = page.answers[qid].data
                row = rows.get(qid)
                before = row.data if row is not None else None
                if row is None:
                    row = ConsensusAnswer(evaluation_id=evaluation.id, question_id=qid)
                    db.session.add(row)
                row.set_data(new)
                row.updated_by_id = actor.id
                record_event(evaluation, actor, "consensus", qid, _answer_details(before, new))

    return _save_checked(evaluation, page, section, load, write)


def _check_items(questionnaire: Questionnaire, page: PageInput, items: Iterable[str],
                 problems_for=None) -> None:
    """Every rule on the items about to be saved; raises :class:`InvalidItems` naming each problem."""
    invalid: dict[str, list[FieldProblem]] = {}
    for item in items:
        if item.startswith(NOTE_PREFIX):
            problems = check_note(page.note.data)
        elif problems_for is not None:
            problems = problems_for(item, page.answers[item].data)
        else:
            problems = check_answer_data(questionnaire.scale, page.answers[item].data)
        if problems:
            invalid[item] = problems
    if invalid:
        raise InvalidItems(invalid)


def _save_checked(evaluation: Evaluation, page: PageInput, section: Section, load, write) -> list[str]:
    """Compare with what is stored, write what changed, flush; a race lost at flush becomes an EditConflict.
    Returns the items written."""
    rows, note = load()
    submitted: dict[str, Versioned] = dict(page.answers)
    if page.note is not None:
        submitted[note_item(section.id)] = page.note
    stored = {qid: stored_version(row) for qid, row in rows.items()}
    stored[note_item(section.id)] = stored_version(note)
    for item in page.untouched_prefill:
        if stored.get(item) is not None:
            submitted.pop(item, None)  # a proposal the user left alone never overrides what someone stored
    check = find_conflicts(submitted, {k: v for k, v in stored.items() if v is not None})
    if check.conflicts:
        raise EditConflict(check.conflicts)
    if not check.changed:
        return []
    write(rows, note, check)
    try:
        db.session.flush()
        _still_draft(evaluation)
    except (StaleDataError, IntegrityError):
        # Another request saved between our read and our write: show what it saved.
        db.session.rollback()
        rows, note = load()
        stored = {qid: stored_version(row) for qid, row in rows.items()}
        stored[note_item(section.id)] = stored_version(note)
        again = find_conflicts(submitted, {k: v for k, v in stored.items() if v is not None})
        raise EditConflict(again.conflicts or [
            Conflict(item, stored.get(item) or Stored(0, EMPTY_NOTE if item.startswith(NOTE_PREFIX) else EMPTY_ANSWER),
                     submitted[item].data)
            for item in check.changed]) from None
    return list(check.changed)


def _still_draft(evaluation: Evaluation) -> None:
    still_in(evaluation, (EvaluationStatus.draft,),
             _("Deze zelfevaluatie is intussen ingediend; er is niets opgeslagen."))


# ---------------------------------------------------------------- submission and reopening


def submission_state(evaluation: Evaluation, questionnaire: Questionnaire) -> SubmissionCheck:
    rows = consensus_answers(evaluation)
    return submission_check(questionnaire, {qid: row.data for qid, row in rows.items()})


def submit(actor: User, evaluation: Evaluation, questionnaire: Questionnaire) -> SubmissionCheck:
    if not permissions.can_submit(actor, evaluation):
        require_editable(evaluation)
        raise NotAllowed(_("Alleen de trekker van de gemeente dient de zelfevaluatie in."))
    # PostgreSQL: lock the row first, so a save in progress finishes (or waits) before the answers are counted.
    db.session.execute(select(Evaluation.id).where(Evaluation.id == evaluation.id).with_for_update())
    check = submission_state(evaluation, questionnaire)
    if not check.can_submit:
        raise InvalidValue(_("Nog niet alle vragen hebben een gezamenlijk antwoord (%(n)s open).",
                             n=len(check.missing)))
    evaluation.status = next_status(evaluation.status, Transition.submit)
    evaluation.submitted_at = utcnow()
    evaluation.submitted_by_id = actor.id
    record_event(evaluation, actor, "submitted", details={"from": "draft", "to": evaluation.status.value})
    flush_state()
    # SQLite: this transaction now holds the write lock; count once more, in case a save committed meanwhile.
    if not submission_state(evaluation, questionnaire).can_submit:
        db.session.rollback()
        raise InvalidValue(_("Intussen is een gezamenlijk antwoord gewijzigd; er is niet ingediend. Bekijk wat er "
                             "nog ontbreekt en probeer het opnieuw."))
    return check


def reopen(actor: User, evaluation: Evaluation, reason: str | None) -> None:
    """One stage back, with a reason (see ``domain.evaluations.TRANSITIONS``)."""
    if not permissions.can_reopen(actor, evaluation):
        if permissions.is_coordinator_of(actor, evaluation.region_id):
            next_status(evaluation.status, Transition.reopen)  # raises the Dutch reason
        raise NotAllowed(_("Alleen de regiocoördinator kan heropenen."))
    cleaned = check_reopen_reason(reason)
    before = evaluation.status
    evaluation.status = next_status(evaluation.status, Transition.reopen)
    details: dict[str, Any] = {"from": before.value, "to": evaluation.status.value, "reason": cleaned}
    if evaluation.status is EvaluationStatus.draft:
        evaluation.submitted_at = None
        evaluation.submitted_by_id = None
    if before is EvaluationStatus.in_peer_review:
        # The gemeente will change its answers: the team's scores stay as saved drafts, to be looked at again
        # and submitted anew once the review restarts.
        reopened = db.session.execute(update(TeamMember).where(
            TeamMember.evaluation_id == evaluation.id, TeamMember.scores_submitted_at.is_not(None))
            .values(scores_submitted_at=None)).rowcount
        details["scores_reopened"] = reopened
    if before is EvaluationStatus.closed:
        db.session.execute(update(PeerReport).where(PeerReport.evaluation_id == evaluation.id)
                           .values(closed_at=None))
    if before in (EvaluationStatus.corrected, EvaluationStatus.reacted):
        # The gemeente gets a new term, the round's number of days from today: for its factual check again (back
        # from corrected; it may add points again and the chair closes the check anew), or to change the college's
        # reaction (back from reacted; the reaction stays stored, a recorded "geen reactie ontvangen" is undone).
        term = term_from(today(), evaluation.round.response_days)
        values: dict[str, Any] = {"term_due": term}
        if before is EvaluationStatus.corrected:
            values.update(check_done_at=None, check_done_by_id=None, corrected_at=None)
        else:
            values.update(no_reaction_at=None, no_reaction_by_id=None)
        db.session.execute(update(PeerReport).where(PeerReport.evaluation_id == evaluation.id).values(**values))
        details["term"] = term.isoformat()
    record_event(evaluation, actor, "reopened", details=details)
    flush_state()


# ---------------------------------------------------------------- resume where the user was


def remember_place(evaluation: Evaluation, user: User, place: str) -> bool:
    """Inside a savepoint, so that the same user opening two tabs at once (both inserting) costs nothing. True when
    it wrote something (the caller commits then; a page opened again writes nothing).

    On SQLite the savepoint opens a transaction that reads before it writes; when another request holds the write
    lock at that moment, SQLite refuses at once ("database is locked") rather than wait, to avoid a deadlock. The
    place is a convenience, not worth a 503 on an ordinary page view: it is then simply not remembered."""
    try:
        with db.session.begin_nested():
            visit = db.session.get(Visit, (evaluation.id, user.id))
            if visit is not None and visit.place == place:
                return False
            if visit is None:
                db.session.add(Visit(evaluation_id=evaluation.id, user_id=user.id, place=place, at=utcnow()))
            else:
                visit.place, visit.at = place, utcnow()
            db.session.flush()
            return True
    except IntegrityError:
        return False  # the other tab recorded it: either place is fine
    except OperationalError as error:
        if db.engine.dialect.name != "sqlite" or "locked" not in str(error.orig):
            raise
        return False


def last_place(evaluation: Evaluation, user: User) -> str | None:
    return db.session.scalar(select(Visit.place).where(Visit.evaluation_id == evaluation.id,
                                                       Visit.user_id == user.id))


# ---------------------------------------------------------------- colleagues


def colleagues(municipality_id: int) -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.municipality_id == municipality_id,
                           User.role.in_([Role.municipal_lead, Role.municipal_contributor]))
        .order_by(User.name)))


def invite_colleague(actor: User, *, email: str, name: str) -> tuple[User, str]:
    """A lead invites a contributor of their own gemeente; returns the account and the activation link."""
    if not permissions.can_invite_colleague(actor, actor.municipality_id):
        raise NotAllowed(_("Alleen de trekker van een gemeente nodigt collega's uit."))
    email = User.normalize_email(email)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise email_conflict(email)
    user = User(email=email, name=one_line(name), role=Role.municipal_contributor,
                municipality_id=actor.municipality_id, is_active=True)
    db.session.add(user)
    flush_or(email_conflict(email))
    return user, invite_by_mail(user, actor)


