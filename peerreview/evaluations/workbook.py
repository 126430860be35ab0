"""The Excel round trip: the questionnaire as a workbook with a user's own answers, and an upload checked, previewed
and applied (the workbook itself is built and read in :mod:`.excel`). Flushes, never commits."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete

from ..domain import permissions
from ..domain.errors import DomainError, NotAllowed
from ..domain.evaluations import (
    EMPTY_ANSWER,
    EMPTY_NOTE,
    SectionNoteData,
    Versioned,
)
from ..domain.questionnaire import Questionnaire
from ..evaluation.history import (
    NOTE_PREFIX,
    answer_from_json,
    answer_to_json,
    describe_answer,
    note_item,
    note_text,
    note_to_json,
    record_event,
)
from ..extensions import db
from ..models import (
    Answer,
    Evaluation,
    ExcelImport,
    SectionNote,
    User,
)
from ..models.types import utcnow
from .excel import ExportMeta, build_workbook, read_workbook
from .services import PageInput, own_answers, own_notes, require_editable, save_own_answers

IMPORT_LIFETIME_HOURS = 24


def export_workbook(evaluation: Evaluation, questionnaire: Questionnaire, user: User) -> bytes:
    """The questionnaire as an .xlsx with this user's own answers filled in."""
    rows = own_answers(evaluation, user)
    notes = own_notes(evaluation, user)
    meta = ExportMeta(evaluation_id=evaluation.id, municipality=evaluation.municipality.name,
                      round_name=evaluation.round.name, user_id=user.id, user_name=user.name,
                      exported_at=utcnow())
    return build_workbook(questionnaire, answers={qid: row.data for qid, row in rows.items()},
                          notes={sid: row.data for sid, row in notes.items()}, meta=meta)


def export_filename(evaluation: Evaluation, user: User) -> str:
    return f"zelfevaluatie-{evaluation.municipality.cbs_code}-{evaluation.round.year}-{user.id}.xlsx"


@dataclass(frozen=True)
class ImportChange:
    item: str  # a question id or "notes:<section id>"
    section_id: str
    label: str  # "1.2 Vraagtekst" or "Thema 1 Titel: sterke punten en verbeterpunten"
    before: str  # in words
    after: str
    changed_online_after_export: bool  # the online answer is newer than the downloaded file


def preview_import(actor: User, evaluation: Evaluation, questionnaire: Questionnaire, filename: str,
                   data: bytes) -> ExcelImport:
    """Read an uploaded workbook (refusing it with ``UploadRejected`` naming every problem) and keep the changes
    it would make to ``actor``'s own answers until the user confirms them. Changes nothing else."""
    if not permissions.can_answer(actor, evaluation):
        require_editable(evaluation)
        raise NotAllowed(_("U mag deze zelfevaluatie niet invullen."))
    upload = read_workbook(data, questionnaire, evaluation_id=evaluation.id)
    rows = own_answers(evaluation, actor)
    notes = own_notes(evaluation, actor)
    changes: list[dict[str, Any]] = []
    for question in questionnaire.questions:
        new = upload.answers.get(question.id, EMPTY_ANSWER)
        row = rows.get(question.id)
        old = row.data if row is not None else EMPTY_ANSWER
        if new != old:
            changes.append({"item": question.id, "section": question.section_id, "version": row.version if row else 0,
                            "after": answer_to_json(new),
                            "newer_online": _newer(row, upload.exported_at)})
    for section in questionnaire.sections:
        new_note = upload.notes.get(section.id, EMPTY_NOTE)
        row = notes.get(section.id)
        if new_note != (row.data if row is not None else EMPTY_NOTE):
            changes.append({"item": note_item(section.id), "section": section.id, "version": row.version if row else 0,
                            "after": note_to_json(new_note), "newer_online": _newer(row, upload.exported_at)})
    db.session.execute(delete(ExcelImport).where(  # earlier previews of this user that were never confirmed
        ExcelImport.evaluation_id == evaluation.id, ExcelImport.user_id == actor.id, ExcelImport.applied_at.is_(None)))
    pending = ExcelImport(
        evaluation_id=evaluation.id, user_id=actor.id, filename=_safe_filename(filename),
        changes={"items": changes, "exported_for": upload.exported_for_user_id,
                 "exported_for_name": upload.exported_for_user_name,
                 "exported_at": upload.exported_at.isoformat() if upload.exported_at else None})
    db.session.add(pending)
    db.session.flush()
    return pending


def _safe_filename(name: str | None) -> str:
    """The uploaded file's name, for the history: without control characters (PostgreSQL refuses NUL)."""
    cleaned = re.sub(r"[\x00-\x1f\x7f]", "", name or "").strip()
    return (cleaned or "bestand.xlsx")[:255]


def _newer(row: Answer | SectionNote | None, exported_at: datetime | None) -> bool:
    return row is not None and exported_at is not None and row.updated_at > exported_at


def pending_import(actor: User, evaluation: Evaluation, import_id: int) -> ExcelImport | None:
    """An upload of this user for this evaluation that is still waiting for confirmation."""
    pending = db.session.get(ExcelImport, import_id)
    if pending is None or pending.user_id != actor.id or pending.evaluation_id != evaluation.id:
        return None
    return pending


def is_expired(pending: ExcelImport) -> bool:
    return (utcnow() - pending.created_at).total_seconds() > IMPORT_LIFETIME_HOURS * 3600


def describe_import(pending: ExcelImport, questionnaire: Questionnaire, actor: User,
                    evaluation: Evaluation) -> list[ImportChange]:
    rows = own_answers(evaluation, actor)
    notes = own_notes(evaluation, actor)
    result = []
    for change in pending.changes.get("items", []):
        item = change["item"]
        if item.startswith(NOTE_PREFIX):
            section_id = item.removeprefix(NOTE_PREFIX)
            if not questionnaire.has_section(section_id):
                continue
            section = questionnaire.section(section_id)
            row = notes.get(section_id)
            label = _("Thema %(n)s %(t)s: sterke punten en verbeterpunten", n=section.number, t=section.title)
            before = note_text(note_to_json(row.data)) if row else None
            after = note_text(change["after"])
        else:
            if not questionnaire.has_question(item):
                continue
            question = questionnaire.question(item)
            row = rows.get(item)
            label = f"{question.number} {question.text}"
            before = describe_answer(row.data, questionnaire.scale) if row and not row.data.is_empty else None
            after_data = answer_from_json(change["after"])
            after = describe_answer(after_data, questionnaire.scale) if not after_data.is_empty else None
        result.append(ImportChange(item, change["section"], label, before or _("(leeg)"), after or _("(leeg)"),
                                   bool(change.get("newer_online"))))
    return result


def apply_import(actor: User, evaluation: Evaluation, questionnaire: Questionnaire, pending: ExcelImport) -> int:
    """Apply a confirmed upload to ``actor``'s own answers, as a save of each section would; refused as a whole
    (``EditConflict``) when an answer changed online after the preview."""
    if pending.applied_at is not None:
        raise DomainError(_("Dit bestand is al verwerkt."))
    if is_expired(pending):
        raise DomainError(_("Deze voorvertoning is verlopen (ouder dan %(h)s uur). Upload het bestand opnieuw.",
                            h=IMPORT_LIFETIME_HOURS))
    by_section: dict[str, PageInput] = defaultdict(lambda: PageInput(via="excel"))
    for change in pending.changes.get("items", []):
        item, section_id = change["item"], change["section"]
        if not questionnaire.has_section(section_id):
            continue
        page = by_section[section_id]
        if item.startswith(NOTE_PREFIX):
            after = change["after"]
            page.note = Versioned(int(change["version"]), None, SectionNoteData(after.get("strengths", ""),
                                                                                 after.get("improvements", "")))
        elif questionnaire.has_question(item):
            page.answers[item] = Versioned(int(change["version"]), None, answer_from_json(change["after"]))
    changed = 0
    for section_id, page in by_section.items():
        changed += len(save_own_answers(actor, evaluation, questionnaire, questionnaire.section(section_id), page))
    pending.applied_at = utcnow()
    record_event(evaluation, actor, "excel_import", details={"count": changed, "file": pending.filename})
    db.session.flush()
    return changed
