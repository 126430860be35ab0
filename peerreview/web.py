"""What every feature's views do the same way: refuse with a 403, or a 400 without a valid CSRF token, and run a
service call that the rules may refuse.

A refused call (a ``DomainError``) leaves nothing behind: the transaction is rolled back, and the reason is shown
where the user looks for it: on the form's field the error names (or above the form), as a flashed message when
there is no form, or collected by field for pages whose inputs are not a form's (``Problems``). A call that goes
through is committed, unless the view has more to do in the same transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, NoReturn, TypeVar

from flask import abort, flash
from flask_wtf import FlaskForm

from .domain.errors import DomainError
from .extensions import db
from .forms import EmptyForm, show_error

T = TypeVar("T")


def require(allowed: bool) -> None:
    """403 unless ``allowed``: the views check ``domain.permissions`` before anything else."""
    if not allowed:
        abort(403)


def require_csrf(form: FlaskForm | None = None) -> None:
    """400 unless this is a POST with a valid CSRF token (a button without fields: an ``EmptyForm``). The form is
    validated here; its other errors are the view's to show."""
    form = EmptyForm() if form is None else form
    form.validate_on_submit()
    if not form.is_submitted() or "csrf_token" in form.errors:
        abort(400)


def not_found(_error: DomainError | None = None) -> NoReturn:
    """404; as ``attempt``'s ``report``: a refusal that means the object is not there (for this user)."""
    abort(404)


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What ``attempt`` did: the action's result, or the refusal (rolled back and reported). True when done."""

    value: T | None = None
    error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.error is None


@dataclass
class Problems:
    """A refusal's messages by the field they name, and those that name none; pass it as ``attempt``'s ``report``
    on pages whose inputs are not one form's fields (scores, targets, verdicts per row)."""

    by_field: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def __call__(self, error: DomainError) -> None:
        for problem in getattr(error, "errors", [error]):
            if problem.field:
                self.by_field.setdefault(problem.field, []).append(problem.message)
            else:
                self.general.append(problem.message)


def flash_refusal(error: DomainError) -> None:
    flash(error.message, "error")


def silently(_error: DomainError) -> None:
    """As ``attempt``'s ``report``: the view shows the refusal itself, from the outcome's ``error``."""


def attempt(action: Callable[[], T], form: FlaskForm | None = None, *, commit: bool = True,
            report: Callable[[DomainError], object] | None = None,
            raising: tuple[type[DomainError], ...] = ()) -> Outcome[T]:
    """Run ``action`` (a service call); commit when it goes through (unless ``commit`` is false: the view commits
    after more work). When the rules refuse it, roll back and report the refusal: with ``report`` when given, else
    on ``form`` (``forms.show_error``: on the field it names, or above the form), else as a flashed error.

    Errors of the types in ``raising`` are the view's own to handle (they show more than a message, or something
    else than a refusal): they are raised on after the rollback, for an ``except`` clause around the call."""
    try:
        value = action()
    except raising:
        db.session.rollback()
        raise
    except DomainError as error:
        db.session.rollback()
        if report is not None:
            report(error)
        elif form is not None:
            show_error(form, error)
        else:
            flash_refusal(error)
        return Outcome(error=error)
    if commit:
        db.session.commit()
    return Outcome(value)
