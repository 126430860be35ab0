"""The questionnaire registry inside the app, and the record of versions that evaluations have used."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import Row, inspect, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from .domain.errors import DomainError
from .domain.questionnaire import (
    Questionnaire,
    QuestionnaireError,
    RecordedVersion,
    changed_message,
    check_recorded_versions,
)
from .extensions import db
from .models import QuestionnaireVersion
from .questionnaire_loader import QuestionnaireRegistry, UnknownQuestionnaire, load_directory

EXTENSION = "peerreview.questionnaires"
log = logging.getLogger(__name__)

__all__ = ["QuestionnaireChanged", "UnknownQuestionnaire", "get_questionnaire", "init_app", "record_use",
           "recorded_if_available", "registry", "usage_if_available"]


class QuestionnaireChanged(DomainError):
    """A version that evaluations used no longer has the content they were made with."""


def init_app(app: Flask) -> None:
    """Load every questionnaire once, at start-up, and refuse to start on any problem: a broken file, or a file
    whose content changed under a version that evaluations have used."""
    registry = load_directory(Path(app.config["QUESTIONNAIRES_PATH"]))
    app.extensions[EXTENSION] = registry
    if not app.config.get("QUESTIONNAIRES_VERIFY_USED", True):
        return
    with app.app_context():
        recorded = recorded_if_available()
        db.session.remove()
        db.engine.dispose()  # leave no pooled connection behind: workers forked after start-up open their own
    if recorded:
        problems = check_recorded_versions(registry, recorded)
        if problems:
            raise QuestionnaireError(problems)


def _recorded_rows(failure: str) -> list[Row]:
    """Every recorded version (key, version, content_hash, first_used_at); none when the database is not migrated
    yet (before ``flask db upgrade``) or cannot be reached, which is logged as ``failure``."""
    try:
        if not inspect(db.engine).has_table(QuestionnaireVersion.__tablename__):
            return []
        return list(db.session.execute(select(QuestionnaireVersion.key, QuestionnaireVersion.version,
                                              QuestionnaireVersion.content_hash,
                                              QuestionnaireVersion.first_used_at)).all())
    except SQLAlchemyError as error:
        log.warning("%s: %s", failure, error)
        return []


def recorded_if_available() -> list[RecordedVersion]:
    """What the database has recorded. When it cannot be reached, the app still starts (and says so in the log);
    the content is checked again whenever an evaluation opens its version (``get_questionnaire`` with its hash)
    or a round records it."""
    rows = _recorded_rows("Kon de gebruikte vragenlijstversies niet met de bestanden vergelijken")
    return [RecordedVersion(row.key, row.version, row.content_hash) for row in rows]


def usage_if_available() -> dict[tuple[str, str], datetime]:
    """When each recorded version was first used."""
    return {(row.key, row.version): row.first_used_at
            for row in _recorded_rows("Kon het gebruik van vragenlijstversies niet lezen")}


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def registry() -> QuestionnaireRegistry:
    return current_app.extensions[EXTENSION]


def get_questionnaire(key: str, version: str, content_hash: str | None = None) -> Questionnaire:
    """The loaded version; with ``content_hash`` (as an evaluation stored it) also a guarantee that its content
    is what the evaluation was made with. Raises :class:`UnknownQuestionnaire` or :class:`QuestionnaireChanged`."""
    questionnaire = registry().get(key, version)
    if content_hash is not None and questionnaire.content_hash != content_hash:
        raise QuestionnaireChanged(_sentence(changed_message(questionnaire, content_hash)))
    return questionnaire


def record_use(questionnaire: Questionnaire) -> QuestionnaireVersion:
    """Record that an evaluation uses this version (idempotent). From here on its file may not change.

    Called when a round or evaluation is created with the version. Raises :class:`QuestionnaireChanged` when the
    version was recorded before with other content."""
    for _attempt in range(2):
        row = db.session.scalar(select(QuestionnaireVersion).where(
            QuestionnaireVersion.key == questionnaire.key, QuestionnaireVersion.version == questionnaire.version))
        if row is not None:
            if row.content_hash != questionnaire.content_hash:
                raise QuestionnaireChanged(_sentence(changed_message(questionnaire, row.content_hash)))
            return row
        row = QuestionnaireVersion(key=questionnaire.key, version=questionnaire.version,
                                   content_hash=questionnaire.content_hash, title=questionnaire.title[:200])
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:
            continue  # another request recorded it at the same moment: read theirs
        return row
    raise QuestionnaireChanged("De vragenlijstversie kon niet worden vastgelegd; probeer het opnieuw.")
