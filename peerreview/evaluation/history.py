"""The evaluation's history: recording events (every state change also in the audit log) and reading them back."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from .. import audit
from ..domain.evaluations import EVENT_LABELS, STATE_EVENT_LABELS, AnswerData, SectionNoteData
from ..domain.exports import ExportKind, export_label
from ..domain.questionnaire import Questionnaire
from ..extensions import db
from ..models import Evaluation, EvaluationEvent, Round, User
from ..models.types import utcnow

NOTE_PREFIX = "notes:"


def note_item(section_id: str) -> str:
    return NOTE_PREFIX + section_id


def answer_to_json(data: AnswerData) -> dict[str, Any]:
    return {"value": data.value, "unknown": data.unknown, "explanation": data.explanation,
            "evidence": data.evidence, "links": list(data.links)}


def answer_from_json(data: Mapping[str, Any] | None) -> AnswerData | None:
    if data is None:
        return None
    return AnswerData(value=data.get("value"), unknown=bool(data.get("unknown")),
                      explanation=data.get("explanation") or "", evidence=data.get("evidence") or "",
                      links=tuple(data.get("links") or ()))


def note_to_json(data: SectionNoteData) -> dict[str, Any]:
    return {"strengths": data.strengths, "improvements": data.improvements}


#: Changes of one item by one person within this many minutes are one entry in the history (autosave would
#: otherwise write one per pause in typing); the entry keeps the state from before the first of them.
MERGE_MINUTES = 10


def record_event(evaluation: Evaluation, actor: User | None, kind: str, subject: str = "",
           details: dict[str, Any] | None = None) -> EvaluationEvent:
    if subject and actor is not None and details and "after" in details:
        with db.session.no_autoflush:  # the save flushes (and meets a lost race) in one place: _save_checked
            last = db.session.scalar(
                select(EvaluationEvent).where(EvaluationEvent.evaluation_id == evaluation.id,
                                              EvaluationEvent.subject == subject)
                .order_by(EvaluationEvent.at.desc(), EvaluationEvent.id.desc()).limit(1))
        if (last is not None and last.actor_id == actor.id and last.kind == kind
                and (last.details or {}).get("via") == details.get("via")
                and (utcnow() - last.at).total_seconds() < MERGE_MINUTES * 60):
            last.details = {**last.details, "after": details["after"]}
            last.at = utcnow()
            return last
    event = EvaluationEvent(evaluation_id=evaluation.id, actor_id=actor.id if actor else None, kind=kind,
                            subject=subject, details=details or {}, at=utcnow())
    db.session.add(event)
    if kind in STATE_EVENT_LABELS:  # every state change is in the audit log too (without a reopening's reason)
        audit.record("state_change", actor=actor, subject=f"evaluation:{evaluation.id}",
                     details={"event": kind, "from": (details or {}).get("from"), "to": (details or {}).get("to")})
    return event


@dataclass(frozen=True)
class HistoryEntry:
    event: EvaluationEvent
    label: str
    subject: str  # "3.2 Is de ...?" or "Thema 3 Horizontale regie"
    before: str | None
    after: str | None


HISTORY_PAGE = 50


def history(evaluation: Evaluation, questionnaire: Questionnaire, page: int = 1) -> tuple[list[HistoryEntry], int]:
    """The evaluation's events, newest first, ``HISTORY_PAGE`` a page; returns the entries and the page count."""
    shown = (EvaluationEvent.evaluation_id == evaluation.id) & EvaluationEvent.kind.in_(list(EVENT_LABELS))
    total = db.session.scalar(select(func.count()).select_from(EvaluationEvent).where(shown)) or 0
    pages = max(1, -(-total // HISTORY_PAGE))
    page = min(max(page, 1), pages)
    events = db.session.scalars(
        select(EvaluationEvent).where(shown)
        .options(joinedload(EvaluationEvent.actor))
        .order_by(EvaluationEvent.at.desc(), EvaluationEvent.id.desc())
        .offset((page - 1) * HISTORY_PAGE).limit(HISTORY_PAGE))
    return [_history_entry(e, questionnaire) for e in events], pages


def _history_entry(event: EvaluationEvent, questionnaire: Questionnaire) -> HistoryEntry:
    label = EVENT_LABELS.get(event.kind, event.kind)
    details = event.details or {}
    subject = ""
    before = after = None
    if event.subject.startswith(NOTE_PREFIX):
        section_id = event.subject.removeprefix(NOTE_PREFIX)
        if questionnaire.has_section(section_id):
            section = questionnaire.section(section_id)
            subject = _("Thema %(n)s %(t)s", n=section.number, t=section.title)
        else:
            subject = event.subject
        before = note_text(details.get("before"))
        after = note_text(details.get("after"))
    elif event.subject.startswith("point:"):
        subject = details.get("place", "")
        if event.kind == "point_answered":
            answer = {"adopted": _("Overgenomen"), "not_adopted": _("Niet overgenomen")}.get(details.get("answer"), "")
            after = f"{answer}: {details['text']}" if details.get("text") else answer
        else:
            after = details.get("text", "")
    elif event.subject:
        if questionnaire.has_question(event.subject):
            question = questionnaire.question(event.subject)
            subject = f"{question.number} {question.text}"
        else:
            subject = event.subject
        scale = questionnaire.scale
        old, new = answer_from_json(details.get("before")), answer_from_json(details.get("after"))
        before = describe_answer(old, scale) if old is not None else None
        after = describe_answer(new, scale) if new is not None else None
    elif event.kind == "reopened":
        after = _("Reden: %(reason)s", reason=details.get("reason", ""))
    elif event.kind == "term_extended":
        after = _("Tot en met %(d)s. Reden: %(reason)s", d=_day(details.get("to")), reason=details.get("reason", ""))
    elif event.kind in ("concept_sent", "corrected") and details.get("term"):
        after = _("Termijn tot en met %(d)s", d=_day(details.get("term")))
    elif event.kind in ("reacted", "reaction_saved") and details.get("reference"):
        after = _("Collegebesluit van %(d)s, kenmerk %(k)s", d=_day(details.get("decided_on")),
                  k=details.get("reference"))
    elif event.kind == "export":
        after = _("%(what)s: %(file)s", what=export_label(details.get("what")), file=details.get("file", ""))
    elif event.kind == "excel_import":
        after = ngettext("%(num)s wijziging uit %(file)s", "%(num)s wijzigingen uit %(file)s", details.get("count", 0),
                         file=details.get("file", ""))
    if details.get("via") == "excel":
        label = _("%(label)s (via Excel)", label=label)
    return HistoryEntry(event, label, subject, before, after)


def _day(iso: object) -> str:
    """A day stored as ISO text, as dd-mm-jjjj (the text itself when it is not a day)."""
    try:
        return date.fromisoformat(str(iso)).strftime("%d-%m-%Y")
    except ValueError:
        return str(iso or "")


def describe_answer(data: AnswerData, scale) -> str:
    parts = [data.value_label(scale)]
    if data.explanation:
        parts.append(_("toelichting: %(text)s", text=_clip(data.explanation)))
    if data.evidence:
        parts.append(_("bewijs: %(text)s", text=_clip(data.evidence)))
    if data.links:
        parts.append(ngettext("%(num)s link", "%(num)s links", len(data.links)))
    return " · ".join(parts)


def note_text(data: Mapping[str, str] | None) -> str | None:
    if not data:
        return None
    parts = []
    if data.get("strengths"):
        parts.append(_("sterk: %(text)s", text=_clip(data["strengths"])))
    if data.get("improvements"):
        parts.append(_("verbeteren: %(text)s", text=_clip(data["improvements"])))
    return " · ".join(parts) or _("(leeg)")


def _clip(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def state_changes(evaluation_ids: Sequence[int]) -> dict[int, list[EvaluationEvent]]:
    """Submissions and reopenings per evaluation, for the region's round page."""
    result: dict[int, list[EvaluationEvent]] = defaultdict(list)
    if not evaluation_ids:
        return result
    rows = db.session.scalars(
        select(EvaluationEvent).where(EvaluationEvent.evaluation_id.in_(list(evaluation_ids)),
                                      EvaluationEvent.kind.in_(list(STATE_EVENT_LABELS)))
        .options(joinedload(EvaluationEvent.actor)).order_by(EvaluationEvent.at.desc()))
    for row in rows:
        result[row.evaluation_id].append(row)
    return result


def record_download(actor: User, kind: ExportKind, *, evaluation: Evaluation | None = None, round_: Round | None = None,
                    filename: str) -> None:
    """Who downloaded what, when: in the audit log always, and in the evaluation's own history for its exports.
    A download of neither one evaluation nor one round (the national overview) has the subject "national".
    The caller commits."""
    if evaluation is not None:
        record_event(evaluation, actor, "export", details={"what": kind.value, "file": filename})
        audit.record("export", subject=f"evaluation:{evaluation.id}", details={"what": kind.value, "file": filename})
    elif round_ is not None:
        audit.record("export", subject=f"round:{round_.id}", details={"what": kind.value, "file": filename})
    else:
        audit.record("export", subject="national", details={"what": kind.value, "file": filename})
