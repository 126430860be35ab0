"""Regions (regionale samenwerkingsverbanden), gemeenten and their membership."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Integer, String, Text, case, literal_column
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.municipalities import SIZE_CLASSES, SizeClass, size_class_for
from ..domain.reviews import ReciprocalPolicy
from ..extensions import db
from .types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from .users import User


class Region(db.Model):
    """A regional collaboration body that runs rounds among its member gemeenten."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    #: What happens when a reviewer's gemeente is reviewed by the other gemeente in the same round.
    reciprocal_review: Mapped[ReciprocalPolicy] = mapped_column(
        Enum(ReciprocalPolicy, name="reciprocal_policy", native_enum=False, length=16, create_constraint=True,
             values_callable=lambda e: [m.value for m in e], validate_strings=True),
        default=ReciprocalPolicy.warn, server_default=ReciprocalPolicy.warn.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    memberships: Mapped[list[RegionMembership]] = relationship(
        back_populates="region", cascade="all, delete-orphan"
    )
    coordinators: Mapped[list[User]] = relationship(back_populates="region", viewonly=True)

    def __repr__(self) -> str:
        return f"<Region {self.id} {self.name!r}>"


class Municipality(db.Model):
    """A gemeente, identified nationally by its CBS code."""

    __tablename__ = "municipalities"
    __table_args__ = (
        CheckConstraint("length(cbs_code) = 6 AND cbs_code LIKE 'GM%'", name="cbs_code_format"),
        CheckConstraint("inhabitants >= 0", name="inhabitants_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    #: ``GM`` + four digits, e.g. ``GM0363`` (Amsterdam); validated by domain.municipalities.
    cbs_code: Mapped[str] = mapped_column(String(6), unique=True)
    inhabitants: Mapped[int] = mapped_column(Integer)
    province: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    memberships: Mapped[list[RegionMembership]] = relationship(
        back_populates="municipality", cascade="all, delete-orphan"
    )
    users: Mapped[list[User]] = relationship(back_populates="municipality", viewonly=True)

    @hybrid_property
    def size_class_key(self) -> str:
        return size_class_for(self.inhabitants).key

    @size_class_key.inplace.expression
    @classmethod
    def _size_class_key_expression(cls):
        # Constants inlined (not bound parameters), so PostgreSQL sees the same expression in
        # SELECT and GROUP BY. The keys and bounds are our own constants, never user input.
        whens = [
            (cls.inhabitants < literal_column(str(int(c.upper))), literal_column(f"'{c.key}'"))
            for c in SIZE_CLASSES
            if c.upper is not None
        ]
        return case(*whens, else_=literal_column(f"'{SIZE_CLASSES[-1].key}'"))

    @property
    def size_class(self) -> SizeClass:
        return size_class_for(self.inhabitants)

    @property
    def region_ids(self) -> set[int]:
        return {m.region_id for m in self.memberships}

    def __repr__(self) -> str:
        return f"<Municipality {self.cbs_code} {self.name!r}>"


class RegionMembership(db.Model):
    """A gemeente's membership of a region; a gemeente may belong to several regions."""

    __tablename__ = "region_memberships"

    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"), primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    region: Mapped[Region] = relationship(back_populates="memberships")
    municipality: Mapped[Municipality] = relationship(back_populates="memberships")


