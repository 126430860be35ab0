"""The peer review: the team, declared conflicts of interest, the members' own scores and the team's,
interviews and observations, the report (judgement, strengths, the gemeente's reaction) and recommendations."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import (
    text as sql_text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.hearing import PointAnswer
from ..domain.reviews import Addressee, Capacity, Confidentiality, EntryKind, Priority, ScoreData
from ..extensions import db
from .evaluations import enum_column
from .types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from .evaluations import Evaluation
    from .regions import Municipality
    from .users import User


class TeamMember(db.Model):
    """A peer reviewer in the team that reviews one evaluation; one member is the chair."""

    __tablename__ = "team_members"
    __table_args__ = (
        UniqueConstraint("evaluation_id", "user_id"),
        # At most one chair per team, enforced by the database on SQLite and PostgreSQL alike.
        Index("uq_team_members_one_chair", "evaluation_id", unique=True,
              sqlite_where=sql_text("is_chair"), postgresql_where=sql_text("is_chair")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    is_chair: Mapped[bool] = mapped_column(Boolean, default=False)
    capacity: Mapped[Capacity] = mapped_column(enum_column(Capacity, "team_capacity"), default=Capacity.official)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The warnings (reciprocal review) the coordinator confirmed when adding this member.
    confirmed_warnings: Mapped[str] = mapped_column(Text, default="")
    #: When the member submitted their own scores; ``None`` while they are still scoring.
    scores_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    evaluation: Mapped[Evaluation] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class ConflictDeclaration(db.Model):
    """A reviewer's declared conflict of interest with a gemeente: they are never added to its team."""

    __tablename__ = "conflict_declarations"
    __table_args__ = (UniqueConstraint("user_id", "municipality_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()
    municipality: Mapped[Municipality] = relationship()


class PeerScore(db.Model):
    """One member's own score for one item (a knelpunt theme or a profile element)."""

    __tablename__ = "peer_scores"
    __table_args__ = (UniqueConstraint("evaluation_id", "reviewer_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    item_id: Mapped[str] = mapped_column(String(120))
    value: Mapped[int | None] = mapped_column(Integer)
    rationale: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    reviewer: Mapped[User] = relationship()

    @property
    def data(self) -> ScoreData:
        return ScoreData(self.value, self.rationale or "")


class TeamScore(db.Model):
    """The team's score for one item, set by the chair with a motivation."""

    __tablename__ = "team_scores"
    __table_args__ = (UniqueConstraint("evaluation_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(120))
    value: Mapped[int] = mapped_column(Integer)
    motivation: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    updated_by: Mapped[User | None] = relationship()


class ReviewEntry(db.Model):
    """An interview (gesprek) or an observation (waarneming) of the peer team, tagged with themes."""

    __tablename__ = "review_entries"
    __table_args__ = (Index("ix_review_entries_evaluation_held_on", "evaluation_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"))
    kind: Mapped[EntryKind] = mapped_column(enum_column(EntryKind, "review_entry_kind"))
    held_on: Mapped[date] = mapped_column(Date)
    #: Interviews: the people spoken to, "functie – organisatie", one per line.
    interviewees: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text)
    confidentiality: Mapped[Confidentiality] = mapped_column(enum_column(Confidentiality, "confidentiality"),
                                                             default=Confidentiality.team)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[User | None] = relationship()
    themes: Mapped[list[ReviewEntryTheme]] = relationship(cascade="all, delete-orphan",
                                                          order_by="ReviewEntryTheme.section_id")

    @property
    def section_ids(self) -> tuple[str, ...]:
        return tuple(t.section_id for t in self.themes)

    @property
    def interviewee_lines(self) -> tuple[str, ...]:
        return tuple(filter(None, (self.interviewees or "").split("\n")))


class ReviewEntryTheme(db.Model):
    __tablename__ = "review_entry_themes"

    entry_id: Mapped[int] = mapped_column(ForeignKey("review_entries.id", ondelete="CASCADE"), primary_key=True)
    section_id: Mapped[str] = mapped_column(String(60), primary_key=True)


class PeerReport(db.Model):
    """The peer team's report on one evaluation: the judgement and strengths (by the chair), publication,
    and the gemeente's written reaction (bestuurlijke reactie)."""

    __tablename__ = "peer_reports"

    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), primary_key=True)
    judgement: Mapped[str] = mapped_column(Text, default="")
    strengths: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The chair's confirmation, at publication, of members who had not submitted their scores.
    published_without: Mapped[str] = mapped_column(Text, default="")
    #: The documents the team consulted, one per line (the chair's list, for the chapter on the method).
    documents: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Hoor: the concept with the gemeente for a factual check.
    concept_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    concept_sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The gemeente's running term: first for its factual points, then for the college's reaction.
    term_due: Mapped[date | None] = mapped_column(Date)
    #: The lead lets the gemeente's contributors read the concept and write factual points.
    contributors_may_check: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sql_text("false"))
    #: The gemeente said its factual check is done.
    check_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    check_done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    corrected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Wederhoor: the college's reaction, as decided by the college (or none within the term).
    reaction: Mapped[str] = mapped_column(Text, default="")
    reaction_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reaction_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reaction_decided_on: Mapped[date | None] = mapped_column(Date)
    reaction_reference: Mapped[str] = mapped_column(String(120), default="", server_default="")
    no_reaction_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    no_reaction_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The team's nawoord on the reaction (optional).
    afterword: Mapped[str] = mapped_column(Text, default="", server_default="")
    afterword_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    reaction_by: Mapped[User | None] = relationship(foreign_keys=[reaction_by_id])

    @property
    def has_reaction(self) -> bool:
        """A reaction was recorded, or that none came in time."""
        return bool(self.reaction) or self.no_reaction_at is not None


class FactualPoint(db.Model):
    """A factual point of the gemeente on the team's concept, tied to a place in the report, with the team's
    answer. Versioned: two windows answering the same point cannot overwrite each other silently."""

    __tablename__ = "factual_points"
    __table_args__ = (
        Index("ix_factual_points_evaluation_created", "evaluation_id", "created_at"),
        CheckConstraint("answer IS NULL OR answered_at IS NOT NULL", name="answered_when"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"))
    #: "judgement", "strengths", "method", "section:<id>" or "recommendation:<id>".
    place: Mapped[str] = mapped_column(String(80))
    #: The place's name when the point was made (a recommendation may be renumbered or removed later).
    place_label: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answer: Mapped[PointAnswer | None] = mapped_column(enum_column(PointAnswer, "point_answer"))
    answer_text: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_answered(self) -> bool:
        return self.answer is not None


class Recommendation(db.Model):
    """A recommendation of the peer team, for one or more themes, with a priority and an addressee."""

    __tablename__ = "recommendations"
    __table_args__ = (Index("ix_recommendations_evaluation_position", "evaluation_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    priority: Mapped[Priority] = mapped_column(enum_column(Priority, "recommendation_priority"),
                                               default=Priority.medium)
    addressee: Mapped[Addressee] = mapped_column(enum_column(Addressee, "recommendation_addressee"),
                                                 default=Addressee.municipality, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    themes: Mapped[list[RecommendationTheme]] = relationship(cascade="all, delete-orphan",
                                                             order_by="RecommendationTheme.section_id")

    @property
    def section_ids(self) -> tuple[str, ...]:
        return tuple(t.section_id for t in self.themes)


class RecommendationTheme(db.Model):
    __tablename__ = "recommendation_themes"

    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id", ondelete="CASCADE"),
                                                   primary_key=True)
    section_id: Mapped[str] = mapped_column(String(60), primary_key=True, index=True)


__all__ = [
    "ConflictDeclaration",
    "FactualPoint",
    "PeerReport",
    "PeerScore",
    "Recommendation",
    "RecommendationTheme",
    "ReviewEntry",
    "ReviewEntryTheme",
    "TeamMember",
    "TeamScore",
]
