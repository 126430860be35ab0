"""The verbeterplan: the gemeente's actions (answering the peer team's recommendations), their progress notes, the
targets per theme for the next round, and the peer team's verdict per recommendation at the voortgangsreview.

Rules are in ``domain.plans``; the stage of the plan follows the evaluation's status and the round's ``plan_due``."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.plans import ActionFacts, ActionStatus, OwnerKind, Verdict
from ..extensions import db
from .evaluations import enum_column
from .types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from .reviews import Recommendation
    from .users import User


class ImprovementAction(db.Model):
    """One action of a gemeente's improvement plan, answering one or more recommendations of its report."""

    __tablename__ = "improvement_actions"
    __table_args__ = (
        Index("ix_improvement_actions_evaluation_due_on", "evaluation_id", "due_on"),
        CheckConstraint("due_on >= start_on", name="due_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: A person or a role ("veiligheidscoördinator", "teamchef politie").
    owner: Mapped[str] = mapped_column(String(200))
    owner_kind: Mapped[OwnerKind] = mapped_column(enum_column(OwnerKind, "action_owner_kind"),
                                                  default=OwnerKind.internal)
    start_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[ActionStatus] = mapped_column(enum_column(ActionStatus, "action_status"),
                                                 default=ActionStatus.planned)
    #: Why the action was dropped (vervallen); empty otherwise.
    status_reason: Mapped[str] = mapped_column(Text, default="")
    #: The Dutch date the action was set to done (afgerond); ``None`` otherwise.
    completed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Every UPDATE says ``WHERE version = <read>``: two people saving one action cannot overwrite each other.
    version: Mapped[int] = mapped_column(Integer, default=1)

    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    themes: Mapped[list[ActionTheme]] = relationship(cascade="all, delete-orphan", order_by="ActionTheme.section_id")
    links: Mapped[list[ActionRecommendation]] = relationship(cascade="all, delete-orphan",
                                                             order_by="ActionRecommendation.recommendation_id")
    notes: Mapped[list[ActionNote]] = relationship(cascade="all, delete-orphan",
                                                   order_by=lambda: (ActionNote.noted_on.desc(), ActionNote.id.desc()))

    __mapper_args__: dict[str, Any] = {"version_id_col": version}

    @property
    def section_ids(self) -> tuple[str, ...]:
        return tuple(t.section_id for t in self.themes)

    @property
    def recommendation_ids(self) -> tuple[int, ...]:
        return tuple(link.recommendation_id for link in self.links)

    @property
    def facts(self) -> ActionFacts:
        return ActionFacts(self.id, self.status, self.due_on, self.section_ids, self.owner, self.recommendation_ids)


class ActionTheme(db.Model):
    __tablename__ = "improvement_action_themes"

    action_id: Mapped[int] = mapped_column(ForeignKey("improvement_actions.id", ondelete="CASCADE"), primary_key=True)
    section_id: Mapped[str] = mapped_column(String(60), primary_key=True)


class ActionRecommendation(db.Model):
    """Which recommendation an action answers (always one of the same evaluation: the service checks it)."""

    __tablename__ = "improvement_action_recommendations"

    # Short names: the naming convention's would pass PostgreSQL's 63 characters and be shortened differently there.
    action_id: Mapped[int] = mapped_column(
        ForeignKey("improvement_actions.id", ondelete="CASCADE", name="fk_improvement_action_recs_action_id"),
        primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE", name="fk_improvement_action_recs_recommendation_id"),
        primary_key=True, index=True)

    recommendation: Mapped[Recommendation] = relationship()


class ActionNote(db.Model):
    """A dated progress note on an action."""

    __tablename__ = "improvement_action_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("improvement_actions.id", ondelete="CASCADE"), index=True)
    noted_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[User | None] = relationship()


class PlanTarget(db.Model):
    """The gemeente's target score on one theme for the next round."""

    __tablename__ = "plan_targets"
    __table_args__ = (UniqueConstraint("evaluation_id", "section_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"))
    section_id: Mapped[str] = mapped_column(String(60))
    target: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class RecommendationVerdict(db.Model):
    """The peer team chair's verdict on how one recommendation was followed up (the voortgangsreview)."""

    __tablename__ = "recommendation_verdicts"

    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id", ondelete="CASCADE"),
                                                   primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), index=True)
    verdict: Mapped[Verdict] = mapped_column(enum_column(Verdict, "recommendation_verdict"))
    note: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    decided_by: Mapped[User | None] = relationship()


__all__ = ["ActionNote", "ActionRecommendation", "ActionTheme", "ImprovementAction", "PlanTarget",
           "RecommendationVerdict"]
