"""The audit log: log-ins, state changes, exports and refusals, with who, when and from where.

Written by :mod:`peerreview.audit`; read by the administrator on ``/admin/audit``. Proportional: it names the
actor, the object and the action, never answers, notes or other texts (and never a password).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from .users import User

#: Column sizes; longer values are cut (an address typed at the log-in page can be anything).
EMAIL_LENGTH = 254
SUBJECT_LENGTH = 120
ADDRESS_LENGTH = 64
USER_AGENT_LENGTH = 255


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    #: Who did it; empty for an anonymous visitor, and once the account is deleted.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: The actor's e-mail address at the time, or for a failed log-in the address as typed (normalized, cut).
    actor_email: Mapped[str] = mapped_column(String(EMAIL_LENGTH), default="")
    #: See ``peerreview.audit.KINDS``.
    kind: Mapped[str] = mapped_column(String(40), index=True)
    #: What it was about, as "evaluation:12"; empty when nothing in particular.
    subject: Mapped[str] = mapped_column(String(SUBJECT_LENGTH), default="")
    #: The client's address (``security.client_address``: the client's, behind a trusted proxy).
    address: Mapped[str] = mapped_column(String(ADDRESS_LENGTH), default="")
    user_agent: Mapped[str] = mapped_column(String(USER_AGENT_LENGTH), default="")
    #: A few facts (the state before and after, the endpoint refused, the export's format); never texts.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()
