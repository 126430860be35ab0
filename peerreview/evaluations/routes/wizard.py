"""The wizard: a contributor's own answers and the lead's consensus, one section a page, with autosave and
edit conflicts (a save never overwrites someone else's change unseen)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ...cache import cached
from ...dates import AMSTERDAM
from ...domain import permissions
from ...domain.evaluations import (
    EMPTY_ANSWER,
    EMPTY_NOTE,
    AnswerData,
    FieldProblem,
    check_answer_data,
    check_consensus,
    digest,
)
from ...domain.questionnaire import Questionnaire, Section
from ...evaluation.answers import consensus_answers, consensus_notes, contributions, stored_version
from ...evaluation.history import NOTE_PREFIX
from ...evaluation.plan import previous_plan
from ...extensions import db
from ...models import Evaluation
from ...web import attempt, require, require_csrf
from .. import bp, services
from ..forms import read_page
from .common import load_viewable, section_or_404


def _neighbours(questionnaire: Questionnaire, section: Section) -> tuple[Section | None, Section | None]:
    sections = list(questionnaire.sections)
    index = sections.index(section)
    return (sections[index - 1] if index > 0 else None,
            sections[index + 1] if index + 1 < len(sections) else None)


def _fields(items: list[str], stored: dict, page, conflicts: dict, prefill: dict | None = None) -> dict:
    """What each item's fields show: the user's input after a refused save, else what is stored (or the
    consensus proposal), with the version and digest the next save is checked against."""
    result = {}
    for item in items:
        current = stored.get(item)
        if page is not None and item in page.raw:
            raw = dict(page.raw[item])
            if item in page.prefill:
                raw["prefill"] = page.prefill[item]
            sent = page.answers[item] if item in page.answers else page.note
            version, shown = (sent.version, sent.digest) if sent else (0, None)
        else:
            proposed = None if current else (prefill or {}).get(item)
            data = current.data if current else proposed
            raw = _raw(data)
            if proposed is not None:
                raw["prefill"] = digest(proposed)
            empty = EMPTY_NOTE if item == "notes" else EMPTY_ANSWER
            version, shown = (current.version, digest(current.data)) if current else (0, digest(empty))
        if item in conflicts:
            theirs = conflicts[item].theirs
            version, shown = theirs.version, digest(theirs.data)
        result[item] = {**raw, "version": version, "digest": shown or ""}
    return result


def _page_fields(section: Section, stored: dict, note, page, conflicts: dict,
                 prefill: dict | None = None) -> dict:
    items = [q.id for q in section.questions] + ["notes"]
    named = {("notes" if k.startswith(NOTE_PREFIX) else k): v for k, v in conflicts.items()}
    return _fields(items, {**stored, "notes": note}, page, named, prefill)


def _prefill(proposals: dict, contributed: dict) -> dict:
    """The consensus form before anything is stored: the proposal, and the colleagues' evidence and links
    without their names (the consensus is what the peers will read)."""
    result = {}
    for qid, proposal in proposals.items():
        given = [c.data for c in contributed.get(qid, ())]
        evidence = list(dict.fromkeys(d.evidence for d in given if d.evidence))
        links = list(dict.fromkeys(link for d in given for link in d.links))
        result[qid] = AnswerData(value=proposal.value, unknown=proposal.unknown,
                                 evidence="\n\n".join(evidence)[:4000], links=tuple(links[:10]))
    return result


def _raw(data) -> dict[str, str]:
    if data is None:
        return {}
    if isinstance(data, AnswerData):
        value = "unknown" if data.unknown else ("" if data.value is None else str(data.value))
        return {"value": value, "explanation": data.explanation, "evidence": data.evidence,
                "links": "\n".join(data.links)}
    return {"strengths": data.strengths, "improvements": data.improvements}


# ---------------------------------------------------------------- own answers (the wizard)


@dataclass
class WizardPage:
    """What differs between the own-answers page and the consensus page; the request handling is shared."""

    mode: str  # "answers" or "consensus"
    endpoint: str
    template: str
    editable: bool
    load: Callable[[], tuple[dict, object]]  # stored answers by question id, and the stored note
    save: Callable[[object], int]  # PageInput -> number of changed items
    saved_message: str
    after_last: str  # where "Opslaan en verder" goes from the last section
    context: dict = field(default_factory=dict)
    #: More of what the page shows, gathered only when it is rendered (not for a save that redirects).
    gather: Callable[[], dict] = dict
    prefill: dict | None = None
    #: The rules that the save checks on changed answers (the reason for departing from the proposal), also run
    #: when the page has other problems, so that every problem is shown at once.
    check: Callable[[str, AnswerData], list[FieldProblem]] | None = None


def _rule_problems(page, wizard: WizardPage, untouched: set[str]) -> dict[str, list[FieldProblem]]:
    if wizard.check is None:
        return {}
    found = {}
    for qid, sent in page.answers.items():
        earlier = page.problems.get(qid, [])
        if qid not in untouched and sent.digest != digest(sent.data) and not any(p.field == "value" for p in earlier):
            fields = {p.field for p in earlier}
            extra = [p for p in wizard.check(qid, sent.data) if p.field not in fields]
            if extra:
                found[qid] = [*earlier, *extra]
    return found


def _wizard(evaluation: Evaluation, questionnaire: Questionnaire, section: Section, wizard: WizardPage):
    stored, note = wizard.load()
    page = None
    conflicts: dict = {}
    problems: dict[str, list[FieldProblem]] = {}
    form_errors: list[str] = []
    status = 200
    autosave = request.headers.get("X-Autosave") == "1"
    if request.method == "POST":
        require_csrf()
        page = read_page(request.form, questionnaire.scale, section.questions, section)
        if not wizard.editable:
            if autosave:
                return jsonify(ok=False, message=_("Niet opgeslagen: u kunt hier niet (meer) wijzigen.")), 403
            # Show what was sent, read-only, so that nothing typed is lost: it can still be copied.
            form_errors.append(_("Er is niets opgeslagen: de zelfevaluatie is intussen ingediend, of u mag hier niet "
                                 "wijzigen. Hieronder staat wat u invulde; kopieer wat u wilt bewaren."))
            status = 409
        problems = dict(page.problems) if wizard.editable else {}
        untouched = {qid for qid, shown in page.prefill.items()
                     if qid in page.answers and shown == digest(page.answers[qid].data)}
        if problems:
            problems.update(_rule_problems(page, wizard, untouched))
        elif wizard.editable:
            try:
                done = attempt(lambda: wizard.save(services.PageInput(answers=page.answers, note=page.note,
                                                                      untouched_prefill=untouched)),
                               commit=False, raising=(services.EditConflict, services.InvalidItems),
                               report=lambda error: form_errors.append(error.message))
            except services.EditConflict as error:
                conflicts = {c.item: c for c in error.conflicts}
                own_window = all(c.theirs.by_id == current_user.id for c in error.conflicts)
                form_errors.append(_("U heeft dit intussen in een ander venster opgeslagen. Er is niets opgeslagen; "
                                     "uw invoer van dit venster staat nog op de pagina. Vergelijk, pas zo nodig aan "
                                     "en sla opnieuw op.") if own_window else error.message)
                stored, note = wizard.load()
                status = 409
            except services.InvalidItems as error:
                problems = {("notes" if k.startswith(NOTE_PREFIX) else k): v
                            for k, v in error.problems.items()}
            else:
                if done:
                    return _saved(evaluation, questionnaire, section, wizard, done.value, autosave)
                status = 422
        if problems:
            status = 422
            form_errors.insert(0, _("Er is niets opgeslagen: verbeter de gemarkeerde velden."))
        if autosave:
            message = (_("Niet automatisch opgeslagen: iemand anders heeft intussen ook opgeslagen. Klik op "
                         "‘Opslaan’ om te vergelijken.") if conflicts else
                       _("Niet automatisch opgeslagen: een veld klopt nog niet. Klik op ‘Opslaan’ voor de details."))
            return jsonify(ok=False, message=message), status
    moved = wizard.editable and request.method != "POST" and services.remember_place(
        evaluation, current_user, f"{wizard.mode}:{section.id}")
    previous, following = _neighbours(questionnaire, section)
    html = render_template(
        wizard.template, evaluation=evaluation, questionnaire=questionnaire, section=section,
        fields=_page_fields(section, stored, note, page, conflicts, wizard.prefill),
        problems=problems, conflicts=conflicts, form_errors=form_errors, editable=wizard.editable,
        previous=previous, following=following, mode=wizard.mode, **wizard.context, **wizard.gather(),
    )
    if moved:  # after rendering: a commit expires every loaded row, and the page would read them all again
        db.session.commit()
    return html, status


def _saved(evaluation: Evaluation, questionnaire: Questionnaire, section: Section, wizard: WizardPage,
           changed: list[str], autosave: bool):
    """After a save went through: remember the place, commit, and answer the script or go on."""
    services.remember_place(evaluation, current_user, f"{wizard.mode}:{section.id}")
    db.session.commit()
    if autosave:
        return _autosaved(section, wizard, changed)
    flash(wizard.saved_message if changed else _("Er was niets gewijzigd."), "success")
    _previous, following = _neighbours(questionnaire, section)
    if request.form.get("next"):
        if following is not None:
            return redirect(url_for(wizard.endpoint, evaluation_id=evaluation.id, section_id=following.id))
        return redirect(wizard.after_last)
    return redirect(url_for(wizard.endpoint, evaluation_id=evaluation.id, section_id=section.id))


def _autosaved(section: Section, wizard: WizardPage, changed: list[str]):
    """The answer to a save sent by the page's script: the new version and digest of the items this save wrote
    (and only those: an item the user did not touch keeps the version the page was loaded with, so that a
    later save can still tell that someone else changed it)."""
    stored, note = wizard.load()
    fields = {}
    for item in changed:
        if item.startswith(NOTE_PREFIX):
            if note is not None:
                fields["note"] = {"version": note.version, "digest": digest(note.data)}
        elif stored.get(item) is not None:
            fields[f"q-{item}"] = {"version": stored[item].version, "digest": digest(stored[item].data)}
    when = format_datetime(datetime.now(AMSTERDAM), "HH:mm")
    message = _("Automatisch opgeslagen om %(time)s.", time=when) if changed else _("Alles is opgeslagen.")
    return jsonify(ok=True, message=message, fields=fields)


@bp.route("/evaluations/<int:evaluation_id>/sections/<section_id>", methods=["GET", "POST"])
def answer_section(evaluation_id: int, section_id: str):
    """A contributor's (or the lead's) own answers to one section."""
    evaluation, questionnaire = load_viewable(evaluation_id)
    require(permissions.is_own_gemeente(current_user, evaluation))
    section = section_or_404(questionnaire, section_id)
    question_ids = [q.id for q in section.questions]

    def load() -> tuple[dict, object]:
        rows = services.own_answers(evaluation, current_user, question_ids)
        notes = services.own_notes(evaluation, current_user)
        return ({qid: stored_version(rows.get(qid)) for qid in question_ids},
                stored_version(notes.get(section.id)))

    return _wizard(evaluation, questionnaire, section, WizardPage(
        mode="answers", endpoint=".answer_section", template="evaluations/section.html",
        editable=permissions.can_answer(current_user, evaluation), load=load,
        save=lambda page: services.save_own_answers(current_user, evaluation, questionnaire, section, page),
        saved_message=_("Uw antwoorden bij ‘%(title)s’ zijn opgeslagen.", title=section.title),
        after_last=url_for(".evaluation", evaluation_id=evaluation.id),
        gather=lambda: {"previous_round": _previous_round_at(evaluation, questionnaire, section)},
    ))


def _previous_round_at(evaluation: Evaluation, questionnaire: Questionnaire, section: Section) -> Markup:
    """The previous round's recommendations, actions, verdicts and target at this theme, rendered.

    Kept in the report cache per viewer: it is read from the previous round's plan, recommendations, verdicts and
    targets and from who may see them, all of which raise the cache's generation when they change; it was eight of
    the page's sixteen queries."""

    def build() -> Markup:
        prev = previous_plan(current_user, evaluation, questionnaire)
        if prev is None:
            return Markup("")
        return Markup(render_template("plans/_previous_section.html", prev=prev, section=section))  # noqa: S704

    return cached(("previous round at a theme", evaluation.id, section.id, current_user.id), build)


@bp.route("/evaluations/<int:evaluation_id>/consensus/<section_id>", methods=["GET", "POST"])
def consensus_section(evaluation_id: int, section_id: str):
    """Every colleague's answer with the spread, and the gemeente's consensus (set by the lead)."""
    evaluation, questionnaire = load_viewable(evaluation_id)
    require(permissions.can_see_individual_answers(current_user, evaluation))
    section = section_or_404(questionnaire, section_id)
    question_ids = [q.id for q in section.questions]
    contributed = contributions(evaluation, question_ids)
    proposals = services.proposals(contributed, question_ids)

    def load() -> tuple[dict, object]:
        rows = consensus_answers(evaluation, question_ids)
        notes = consensus_notes(evaluation)
        return ({qid: stored_version(rows.get(qid)) for qid in question_ids},
                stored_version(notes.get(section.id)))

    def problems_for(qid: str, data: AnswerData) -> list[FieldProblem]:
        if request.form.get(f"q-{qid}-prefill") == digest(data):  # the proposal as shown, left alone
            return check_answer_data(questionnaire.scale, data)
        return check_consensus(questionnaire.scale, data, proposals[qid])

    return _wizard(evaluation, questionnaire, section, WizardPage(
        mode="consensus", endpoint=".consensus_section", template="evaluations/consensus.html",
        editable=permissions.can_set_consensus(current_user, evaluation), load=load,
        save=lambda page: services.save_consensus(current_user, evaluation, questionnaire, section, page,
                                                  problems_for),
        saved_message=_("De gezamenlijke antwoorden bij ‘%(title)s’ zijn opgeslagen.", title=section.title),
        after_last=url_for(".submit", evaluation_id=evaluation.id),
        context={"contributed": contributed, "proposals": proposals,
                 "contributor_notes": services.contributor_notes(evaluation, section.id)},
        prefill=_prefill(proposals, contributed), check=problems_for,
    ))
