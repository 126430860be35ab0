"""Errors raised by business rules; views turn them into a Dutch message."""

from __future__ import annotations


class DomainError(Exception):
    """A rule was broken. ``message`` is Dutch and fit to show to the user."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidValue(DomainError):
    """A value does not meet its rule (e.g. a malformed CBS code)."""


class NotAllowed(DomainError):
    """The user may not do this to this object."""
