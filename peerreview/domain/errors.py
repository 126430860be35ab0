"""Errors raised by business rules; views turn them into a Dutch message."""

from __future__ import annotations

from collections.abc import Sequence


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


class InvalidFields(InvalidValue):
    """Several fields are wrong at once; ``errors`` holds one ``DomainError`` per problem."""

    def __init__(self, errors: Sequence[DomainError]) -> None:
        super().__init__(errors[0].message, field=errors[0].field)
        self.errors = list(errors)


def raise_collected(errors: Sequence[DomainError]) -> None:
    """Raise nothing, the one error, or all of them together, so a form shows every problem at once."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InvalidFields(errors)
