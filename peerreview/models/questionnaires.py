"""Questionnaire versions that evaluations have used, with the content hash they were used with.

The questionnaire text itself lives in the YAML files, never in the database. Once a version is recorded
here, the file behind it must keep exactly this content: the app refuses to start when it has changed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class QuestionnaireVersion(db.Model):
    __tablename__ = "questionnaire_versions"
    __table_args__ = (
        UniqueConstraint("key", "version"),
        CheckConstraint("length(content_hash) = 64", name="content_hash_is_sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    version: Mapped[str] = mapped_column(String(20))
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    first_used_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<QuestionnaireVersion {self.key} {self.version}>"
