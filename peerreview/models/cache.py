"""Counters that tell every worker process when cached objects are out of date (see ``peerreview.cache``)."""

from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class CacheGeneration(db.Model):
    """``value`` goes up by one in every transaction that changes what a cached object was built from; a worker
    compares it with the value its cache entries were built under. The row rolls back with the transaction."""

    __tablename__ = "cache_generations"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
