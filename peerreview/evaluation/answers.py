"""Reading the gemeente's answers: the consensus and each contributor's own answers, as stored versions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..domain.evaluations import AnswerData, Stored
from ..extensions import db
from ..models import Answer, ConsensusAnswer, ConsensusNote, Evaluation, SectionNote, User


def stored_version(row: Answer | ConsensusAnswer | SectionNote | ConsensusNote | None) -> Stored | None:
    """An answer or a note as saved, with its version and who saved it (the author of one's own, the last editor of
    the consensus), for the page's conflict check; ``None`` when there is none."""
    if row is None:
        return None
    if isinstance(row, Answer | SectionNote):
        return Stored(row.version, row.data, row.author.name, row.updated_at, row.author_id)
    return Stored(row.version, row.data, row.updated_by.name if row.updated_by else None, row.updated_at,
                  row.updated_by_id)


def consensus_answers(evaluation: Evaluation, question_ids: Iterable[str] | None = None) -> dict[str, ConsensusAnswer]:
    query = (select(ConsensusAnswer).where(ConsensusAnswer.evaluation_id == evaluation.id)
             .options(joinedload(ConsensusAnswer.updated_by)))
    if question_ids is not None:
        query = query.where(ConsensusAnswer.question_id.in_(list(question_ids)))
    return {a.question_id: a for a in db.session.scalars(query)}


def consensus_notes(evaluation: Evaluation) -> dict[str, ConsensusNote]:
    rows = db.session.scalars(select(ConsensusNote).where(ConsensusNote.evaluation_id == evaluation.id)
                              .options(joinedload(ConsensusNote.updated_by)))
    return {n.section_id: n for n in rows}


@dataclass(frozen=True)
class Contribution:
    author: str
    author_id: int
    data: AnswerData
    at: datetime


def contributions(evaluation: Evaluation, question_ids: Iterable[str]) -> dict[str, list[Contribution]]:
    """Every contributor's own answer per question (for the lead and the gemeente's own users only)."""
    result: dict[str, list[Contribution]] = defaultdict(list)
    rows = db.session.scalars(
        select(Answer).join(Answer.author).where(Answer.evaluation_id == evaluation.id,
                                                 Answer.question_id.in_(list(question_ids)))
        .options(joinedload(Answer.author)).order_by(User.name, Answer.id))
    for row in rows:
        if not row.data.is_empty:
            result[row.question_id].append(Contribution(row.author.name, row.author_id, row.data, row.updated_at))
    return result
