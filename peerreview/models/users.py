"""User accounts."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..domain.roles import Role
from ..extensions import db
from .types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from .regions import Municipality, Region

_MUNICIPAL = "('municipal_lead', 'municipal_contributor', 'peer_reviewer')"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        CheckConstraint(
            f"role NOT IN {_MUNICIPAL} OR municipality_id IS NOT NULL", name="municipal_role_has_municipality"
        ),
        CheckConstraint(
            "role != 'region_coordinator' OR region_id IS NOT NULL", name="coordinator_has_region"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored in lower case, so uniqueness is case-insensitive.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: ``None`` until the invitation is accepted and a password chosen.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(Role, name="role", native_enum=False, length=32, create_constraint=True,
             values_callable=lambda e: [m.value for m in e], validate_strings=True)
    )
    #: The gemeente a municipal user or peer reviewer works for.
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipalities.id", ondelete="RESTRICT"), index=True
    )
    #: The region a region coordinator runs.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="RESTRICT"), index=True)
    #: Switched off by an admin or coordinator; an inactive user cannot log in.
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    municipality: Mapped[Municipality | None] = relationship(back_populates="users")
    region: Mapped[Region | None] = relationship(back_populates="coordinators")

    @staticmethod
    def normalize_email(email: str) -> str:
        return (email or "").strip().lower()

    def set_password(self, password: str, method: str = "scrypt") -> None:
        self.password_hash = generate_password_hash(password, method=method)
        self.password_changed_at = utcnow()

    def check_password(self, password: str) -> bool:
        return self.password_hash is not None and check_password_hash(self.password_hash, password)

    @property
    def is_activated(self) -> bool:
        return self.password_hash is not None

    @property
    def role_label(self) -> str:
        return self.role.label

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email!r} {self.role}>"
