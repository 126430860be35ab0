"""Interviews and observations of the peer team: written by its members while the review runs, read by the team
(and the quotable ones in the report)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..domain import permissions
from ..domain.errors import InvalidValue, NotAllowed
from ..domain.evaluations import EvaluationStatus
from ..domain.reviews import (
    EntryData,
)
from ..evaluation.history import record_event
from ..evaluation.lifecycle import still_in
from ..evaluation.team import team_of
from ..extensions import db
from ..models import (
    Evaluation,
    ReviewEntry,
    ReviewEntryTheme,
    User,
)
from ..models.types import utcnow
from .services import REVIEWING, changed_meanwhile


def _review_closed_or(evaluation: Evaluation, otherwise: str) -> str:
    """Why a team member cannot change something: the stage first (what most often is the reason), else ..."""
    if evaluation.status.is_report_published:
        return _("Het rapport is gepubliceerd; gesprekken, waarnemingen en het rapport liggen vast. Er is niets "
                 "opgeslagen.")
    if evaluation.status.is_in_hearing:
        return _("Het concept ligt bij de gemeente; gesprekken en waarnemingen liggen vast. Er is niets opgeslagen.")
    if evaluation.status is not EvaluationStatus.in_peer_review:
        return _("De collegiale toetsing loopt nu niet; er is niets opgeslagen.")
    return otherwise


def entries(evaluation: Evaluation) -> list[ReviewEntry]:
    return list(db.session.scalars(
        select(ReviewEntry).where(ReviewEntry.evaluation_id == evaluation.id)
        .options(selectinload(ReviewEntry.themes), joinedload(ReviewEntry.author))
        .order_by(ReviewEntry.held_on, ReviewEntry.id)))


def entries_by_theme(rows: Iterable[ReviewEntry]) -> dict[str, list[ReviewEntry]]:
    result: dict[str, list[ReviewEntry]] = defaultdict(list)
    for row in rows:
        for section_id in row.section_ids:
            result[section_id].append(row)
    return result


def entry(evaluation: Evaluation, entry_id: int) -> ReviewEntry | None:
    row = db.session.get(ReviewEntry, entry_id)
    return row if row is not None and row.evaluation_id == evaluation.id else None


def _write_entry(row: ReviewEntry, data: EntryData) -> None:
    row.kind = data.kind
    row.held_on = data.held_on
    row.notes = data.notes
    row.interviewees = "\n".join(data.interviewees)
    row.confidentiality = data.confidentiality
    row.updated_at = utcnow()
    row.themes = [ReviewEntryTheme(section_id=s) for s in data.section_ids]


def add_entry(actor: User, evaluation: Evaluation, data: EntryData) -> ReviewEntry:
    if not permissions.can_log_entries(actor, evaluation, team_of(evaluation)):
        raise NotAllowed(_review_closed_or(evaluation, _("Gesprekken en waarnemingen vastleggen kan alleen het peer "
                                                         "team.")))
    row = ReviewEntry(evaluation_id=evaluation.id, author_id=actor.id)
    _write_entry(row, data)
    db.session.add(row)
    db.session.flush()
    record_event(evaluation, actor, f"{data.kind.value}_added", subject=f"entry:{row.id}",
                 details={"themes": list(data.section_ids), "confidentiality": data.confidentiality.value})
    still_in(evaluation, REVIEWING, changed_meanwhile())
    return row


def update_entry(actor: User, evaluation: Evaluation, row: ReviewEntry, data: EntryData) -> None:
    if not permissions.can_edit_entry(actor, evaluation, team_of(evaluation), row.author_id):
        raise NotAllowed(_review_closed_or(evaluation, _("Alleen wie het vastlegde of de voorzitter wijzigt dit.")))
    if actor.id != row.author_id and data.confidentiality is not row.confidentiality:
        raise InvalidValue(_("Alleen wie het vastlegde bepaalt of het citeerbaar is; het staat in het rapport onder "
                             "diens naam."), field="confidentiality")
    _write_entry(row, data)
    record_event(evaluation, actor, f"{data.kind.value}_changed", subject=f"entry:{row.id}",
                 details={"themes": list(data.section_ids), "confidentiality": data.confidentiality.value})
    still_in(evaluation, REVIEWING, changed_meanwhile())


def delete_entry(actor: User, evaluation: Evaluation, row: ReviewEntry) -> None:
    if not permissions.can_edit_entry(actor, evaluation, team_of(evaluation), row.author_id):
        raise NotAllowed(_review_closed_or(evaluation, _("Alleen wie het vastlegde of de voorzitter verwijdert "
                                                         "dit.")))
    record_event(evaluation, actor, f"{row.kind.value}_removed", subject=f"entry:{row.id}")
    db.session.delete(row)
    still_in(evaluation, REVIEWING, changed_meanwhile())
