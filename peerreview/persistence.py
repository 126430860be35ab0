"""Flushing with a clear refusal instead of a database error."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from .domain.errors import DomainError
from .extensions import db


def flush_or(conflict: DomainError) -> None:
    """Flush; a unique constraint that another request won in the meantime becomes ``conflict``."""
    try:
        db.session.flush()
    except IntegrityError:
        raise conflict from None
