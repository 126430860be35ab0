"""Rounds, evaluations, answers (per contributor and the gemeente's consensus), section notes, history and
Excel uploads waiting for confirmation.

Answers and notes carry a ``version`` (SQLAlchemy's ``version_id_col``): every UPDATE says
``WHERE version = <the version read>``, so two saves that raced past the service's own check still cannot
overwrite each other silently (the loser gets ``StaleDataError`` and is shown the conflict)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from ..domain.evaluations import AnswerData, EvaluationStatus, SectionNoteData
from ..extensions import db
from .types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from .regions import Municipality, Region
    from .users import User


def enum_column(enum_class: type, name: str) -> Enum:
    return Enum(enum_class, name=name, native_enum=False, length=32, create_constraint=True,
                values_callable=lambda e: [m.value for m in e], validate_strings=True)


class Round(db.Model):
    """A round of collegiale toetsing that a region runs for some of its members, on one questionnaire version."""

    __tablename__ = "rounds"
    __table_args__ = (
        UniqueConstraint("region_id", "name"),
        CheckConstraint("peer_review_due >= self_evaluation_due", name="peer_review_after_self_evaluation"),
        CheckConstraint("plan_due >= peer_review_due", name="plan_after_peer_review"),
        CheckConstraint("length(questionnaire_hash) = 64", name="questionnaire_hash_is_sha256"),
        CheckConstraint("response_days BETWEEN 5 AND 120", name="response_days_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    year: Mapped[int] = mapped_column(Integer)
    questionnaire_key: Mapped[str] = mapped_column(String(80))
    questionnaire_version: Mapped[str] = mapped_column(String(20))
    #: The content hash the round was opened with; the app refuses a changed file (see questionnaire_registry).
    questionnaire_hash: Mapped[str] = mapped_column(String(64))
    self_evaluation_due: Mapped[date] = mapped_column(Date)
    peer_review_due: Mapped[date] = mapped_column(Date)
    plan_due: Mapped[date] = mapped_column(Date)
    #: Days the gemeente has for its factual check of the team's concept, and again for the college's reaction.
    response_days: Mapped[int] = mapped_column(Integer, default=21, server_default="21")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    region: Mapped[Region] = relationship()
    created_by: Mapped[User | None] = relationship()
    evaluations: Mapped[list[Evaluation]] = relationship(back_populates="round", order_by="Evaluation.id")

    def __repr__(self) -> str:
        return f"<Round {self.id} {self.name!r}>"


class Evaluation(db.Model):
    """One gemeente's self-evaluation (and, from issue 5 on, its peer review) in one round."""

    __tablename__ = "evaluations"
    __table_args__ = (UniqueConstraint("round_id", "municipality_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="RESTRICT"))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id", ondelete="RESTRICT"), index=True)
    status: Mapped[EvaluationStatus] = mapped_column(enum_column(EvaluationStatus, "evaluation_status"),
                                                     default=EvaluationStatus.draft)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Guards state changes: two simultaneous submissions (or a submit and a reopen) cannot both win.
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    round: Mapped[Round] = relationship(back_populates="evaluations")
    municipality: Mapped[Municipality] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def region_id(self) -> int:
        return self.round.region_id

    def __repr__(self) -> str:
        return f"<Evaluation {self.id} {self.status}>"


class _AnswerColumns:
    question_id: Mapped[str] = mapped_column(String(120))
    value: Mapped[int | None] = mapped_column(Integer)
    is_unknown: Mapped[bool] = mapped_column(Boolean, default=False)
    explanation: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    #: One link per line.
    links: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr
    def evaluation_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}

    @property
    def data(self) -> AnswerData:
        return AnswerData(value=self.value, unknown=bool(self.is_unknown), explanation=self.explanation or "",
                          evidence=self.evidence or "", links=tuple(filter(None, (self.links or "").split("\n"))))

    def set_data(self, data: AnswerData) -> None:
        self.value = data.value
        self.is_unknown = data.unknown
        self.explanation = data.explanation
        self.evidence = data.evidence
        self.links = "\n".join(data.links)
        self.updated_at = utcnow()


class Answer(_AnswerColumns, db.Model):
    """One contributor's own answer to one question."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("evaluation_id", "question_id", "author_id"),
        CheckConstraint("value IS NULL OR NOT is_unknown", name="value_or_unknown"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    author: Mapped[User] = relationship()



class ConsensusAnswer(_AnswerColumns, db.Model):
    """The gemeente's answer, set by the lead: its self-score, with the explanation and evidence peers read."""

    __tablename__ = "consensus_answers"
    __table_args__ = (
        UniqueConstraint("evaluation_id", "question_id"),
        CheckConstraint("value IS NULL OR NOT is_unknown", name="value_or_unknown"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_by: Mapped[User | None] = relationship()



class _NoteColumns:
    section_id: Mapped[str] = mapped_column(String(60))
    strengths: Mapped[str] = mapped_column(Text, default="")
    improvements: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr
    def evaluation_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}

    @property
    def data(self) -> SectionNoteData:
        return SectionNoteData(strengths=self.strengths or "", improvements=self.improvements or "")

    def set_data(self, data: SectionNoteData) -> None:
        self.strengths = data.strengths
        self.improvements = data.improvements
        self.updated_at = utcnow()


class SectionNote(_NoteColumns, db.Model):
    """A contributor's own strengths and points for improvement for one section."""

    __tablename__ = "section_notes"
    __table_args__ = (UniqueConstraint("evaluation_id", "section_id", "author_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    author: Mapped[User] = relationship()



class ConsensusNote(_NoteColumns, db.Model):
    """The gemeente's strengths and points for improvement for one section, set by the lead."""

    __tablename__ = "consensus_notes"
    __table_args__ = (UniqueConstraint("evaluation_id", "section_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_by: Mapped[User | None] = relationship()



class Visit(db.Model):
    """Where a user last was in an evaluation, so that coming back resumes there."""

    __tablename__ = "evaluation_visits"

    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    #: "answers:<section id>" or "consensus:<section id>".
    place: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EvaluationEvent(db.Model):
    """The history: every answer, consensus, note and state change, with who and when."""

    __tablename__ = "evaluation_events"
    __table_args__ = (Index("ix_evaluation_events_evaluation_at", "evaluation_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: See services.EVENT_KINDS.
    kind: Mapped[str] = mapped_column(String(40))
    #: The question id or "notes:<section id>" the event is about; empty for state changes.
    subject: Mapped[str] = mapped_column(String(120), default="")
    #: Before and after, or the reason of a state change.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()
    evaluation: Mapped[Evaluation] = relationship()


class ExcelImport(db.Model):
    """An uploaded workbook, read and checked, waiting for the user to confirm its changes."""

    __tablename__ = "excel_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The changes, with the version of each item at preview time (see services.preview_import).
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
