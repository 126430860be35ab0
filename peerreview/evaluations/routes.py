"""Pages for rounds and self-evaluations. Thin: load, check permission (404 / 403), call a service, render.

Every view that names an evaluation loads it and checks ``domain.permissions`` before anything else."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.exceptions import RequestEntityTooLarge

from ..cache import cached
from ..dates import AMSTERDAM, today
from ..domain import permissions
from ..domain.errors import DomainError
from ..domain.evaluations import (
    EMPTY_ANSWER,
    EMPTY_NOTE,
    STATE_EVENT_LABELS,
    AnswerData,
    FieldProblem,
    RoundDates,
    check_answer_data,
    check_consensus,
    digest,
)
from ..domain.exports import ExportKind
from ..domain.questionnaire import Questionnaire, Section
from ..domain.scoring import section_scores
from ..errors import render_error
from ..evaluation.answers import consensus_answers, consensus_notes, contributions, stored_answer, stored_note
from ..evaluation.history import NOTE_PREFIX, record_download, state_changes
from ..evaluation.history import history as history_of
from ..evaluation.lifecycle import load_evaluation, load_round, questionnaire_of, questionnaire_of_round
from ..evaluation.plan import plan_overview, previous_plan
from ..evaluation.rounds import region_members, round_overview, visible_rounds
from ..evaluation.team import review_overview, team_of
from ..extensions import db
from ..forms import EmptyForm
from ..models import Evaluation, Region
from ..questionnaires.loader import UnknownQuestionnaire
from ..questionnaires.registry import QuestionnaireChanged
from ..web import attempt, require, silently
from . import bp, excel, services
from . import rounds as round_services
from . import workbook as workbook_services
from .forms import InviteColleagueForm, ReopenForm, RoundForm, UploadForm, read_page


@bp.before_request
@login_required
def require_login():
    return None


def _evaluation(evaluation_id: int) -> tuple[Evaluation, Questionnaire]:
    evaluation = load_evaluation(evaluation_id)
    if evaluation is None:
        abort(404)
    require(permissions.can_view_evaluation(current_user, evaluation))
    return evaluation, questionnaire_of(evaluation)


def _section(questionnaire: Questionnaire, section_id: str) -> Section:
    if not questionnaire.has_section(section_id):
        abort(404)
    return questionnaire.section(section_id)


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


# ---------------------------------------------------------------- rounds


@bp.route("/rounds/")
def rounds():
    require(permissions.can_view_rounds(current_user, current_user.region_id))
    return render_template("evaluations/rounds.html", rounds=visible_rounds(current_user),
                           can_open=permissions.can_open_round(current_user, current_user.region_id))


@bp.route("/rounds/new", methods=["GET", "POST"])
def new_round():
    region = db.session.get(Region, current_user.region_id) if current_user.region_id else None
    require(region is not None and permissions.can_open_round(current_user, region.id))
    members = region_members(region.id)
    offered = round_services.offered_questionnaires()
    form = RoundForm()
    form.questionnaire.choices = [(f"{q.key}/{q.version}", f"{q.title} (versie {q.version})") for q in offered]
    form.municipality_ids.choices = [(m.id, f"{m.name} ({m.cbs_code})") for m in members]
    if request.method == "GET":
        form.year.data = today().year
        form.municipality_ids.data = [m.id for m in members]
    if form.validate_on_submit():
        dates = RoundDates(form.self_evaluation_due.data, form.peer_review_due.data, form.plan_due.data)
        data = round_services.RoundInput(form.name.data or "", form.year.data, form.questionnaire.data or "", dates,
                                   form.municipality_ids.data or [])
        done = attempt(lambda: round_services.open_round(current_user, region.id, data, today=today()), form)
        if done:
            round_ = done.value
            flash(_("De ronde ‘%(name)s’ is geopend voor %(n)s gemeenten. De trekkers zien de zelfevaluatie nu "
                    "op hun startpagina.", name=round_.name, n=len(round_.evaluations)), "success")
            return redirect(url_for(".round_detail", round_id=round_.id))
    return render_template("evaluations/round_form.html", form=form, region=region, offered=offered,
                           members=members), 200 if request.method == "GET" or not form.errors else 422


@bp.route("/rounds/<int:round_id>")
def round_detail(round_id: int):
    round_ = load_round(round_id)
    if round_ is None:
        abort(404)
    require(permissions.can_view_rounds(current_user, round_.region_id))
    rows = round_overview(round_, today=today())
    return render_template(
        "evaluations/round.html", round=round_, rows=rows, questionnaire=questionnaire_of_round(round_),
        today=today(), changes=state_changes([r.evaluation.id for r in rows]),
        state_labels=STATE_EVENT_LABELS, teams=review_overview([r.evaluation.id for r in rows]),
        plans=plan_overview([r.evaluation.id for r in rows]))


# ---------------------------------------------------------------- the evaluation's overview


@bp.route("/evaluations/<int:evaluation_id>")
def evaluation(evaluation_id: int):
    evaluation, questionnaire = _evaluation(evaluation_id)
    own = permissions.is_own_gemeente(current_user, evaluation)
    sections = services.progress(evaluation, questionnaire, current_user) if own else []
    check = services.submission_state(evaluation, questionnaire)
    place = services.last_place(evaluation, current_user) if own else None
    resume = None
    if place:
        kind, _sep, section_id = place.partition(":")
        if questionnaire.has_section(section_id):
            resume = (kind, questionnaire.section(section_id))
    return render_template(
        "evaluations/overview.html", evaluation=evaluation, questionnaire=questionnaire, sections=sections,
        check=check, resume=resume, own=own, today=today(),
        can_answer=permissions.can_answer(current_user, evaluation),
        can_consensus=permissions.can_set_consensus(current_user, evaluation),
        can_view_consensus=permissions.can_view_consensus(current_user, evaluation),
        can_submit=permissions.can_submit(current_user, evaluation),
        can_reopen=permissions.can_reopen(current_user, evaluation),
        can_history=permissions.can_view_history(current_user, evaluation),
        reopen_form=ReopenForm(formdata=None), upload_form=UploadForm(formdata=None),
        previous_plan=previous_plan(current_user, evaluation, questionnaire) if own else None,
    )


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
        _require_csrf()
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
                db.session.rollback()
                conflicts = {c.item: c for c in error.conflicts}
                own_window = all(c.theirs.by_id == current_user.id for c in error.conflicts)
                form_errors.append(_("U heeft dit intussen in een ander venster opgeslagen. Er is niets opgeslagen; "
                                     "uw invoer van dit venster staat nog op de pagina. Vergelijk, pas zo nodig aan "
                                     "en sla opnieuw op.") if own_window else error.message)
                stored, note = wizard.load()
                status = 409
            except services.InvalidItems as error:
                db.session.rollback()
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


def _require_csrf() -> None:
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)


@bp.route("/evaluations/<int:evaluation_id>/sections/<section_id>", methods=["GET", "POST"])
def answer_section(evaluation_id: int, section_id: str):
    """A contributor's (or the lead's) own answers to one section."""
    evaluation, questionnaire = _evaluation(evaluation_id)
    require(permissions.is_own_gemeente(current_user, evaluation))
    section = _section(questionnaire, section_id)
    question_ids = [q.id for q in section.questions]

    def load() -> tuple[dict, object]:
        rows = services.own_answers(evaluation, current_user, question_ids)
        notes = services.own_notes(evaluation, current_user)
        return ({qid: stored_answer(rows.get(qid)) for qid in question_ids},
                stored_note(notes.get(section.id)))

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
    evaluation, questionnaire = _evaluation(evaluation_id)
    require(permissions.can_see_individual_answers(current_user, evaluation))
    section = _section(questionnaire, section_id)
    question_ids = [q.id for q in section.questions]
    contributed = contributions(evaluation, question_ids)
    proposals = services.proposals(contributed, question_ids)

    def load() -> tuple[dict, object]:
        rows = consensus_answers(evaluation, question_ids)
        notes = consensus_notes(evaluation)
        return ({qid: stored_answer(rows.get(qid)) for qid in question_ids},
                stored_note(notes.get(section.id)))

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


# ---------------------------------------------------------------- the submitted self-evaluation (read-only)


@bp.route("/evaluations/<int:evaluation_id>/self-evaluation")
def submitted_view(evaluation_id: int):
    """The gemeente's answers as one read-only page: for its own users, and for the region and the peer team
    after submission (never the individual contributors' answers)."""
    evaluation = load_evaluation(evaluation_id)
    if evaluation is None:
        abort(404)
    team = team_of(evaluation)
    require(permissions.can_view_consensus(current_user, evaluation, team))
    questionnaire = questionnaire_of(evaluation)
    rows = consensus_answers(evaluation)
    notes = consensus_notes(evaluation)
    return render_template("evaluations/self_evaluation.html", evaluation=evaluation, questionnaire=questionnaire,
                           answers={qid: row.data for qid, row in rows.items()},
                           notes={sid: row.data for sid, row in notes.items()}, empty_answer=EMPTY_ANSWER,
                           empty_note=EMPTY_NOTE, in_team=permissions.is_team_member(current_user, team),
                           loaded={"team": team}, scores=section_scores(
                               questionnaire, {qid: row.data.score for qid, row in rows.items()}))


# ---------------------------------------------------------------- submission and reopening


@bp.route("/evaluations/<int:evaluation_id>/submit", methods=["GET", "POST"])
def submit(evaluation_id: int):
    evaluation, questionnaire = _evaluation(evaluation_id)
    require(permissions.is_own_gemeente(current_user, evaluation))
    form = EmptyForm()
    status = 200
    if request.method == "POST":
        require(permissions.is_lead_of(current_user, evaluation))
        if not form.validate_on_submit():
            abort(400)
        if attempt(lambda: services.submit(current_user, evaluation, questionnaire)):
            flash(_("De zelfevaluatie van %(name)s is ingediend. De regio is op de hoogte; de antwoorden zijn "
                    "nu alleen nog te lezen.", name=evaluation.municipality.name), "success")
            return redirect(url_for(".evaluation", evaluation_id=evaluation.id))
        status = 422
    check = services.submission_state(evaluation, questionnaire)
    return render_template("evaluations/submit.html", evaluation=evaluation, questionnaire=questionnaire,
                           check=check, form=form,
                           can_submit=permissions.can_submit(current_user, evaluation)), status


@bp.route("/evaluations/<int:evaluation_id>/reopen", methods=["GET", "POST"])
def reopen(evaluation_id: int):
    evaluation, _questionnaire = _evaluation(evaluation_id)
    require(permissions.is_coordinator_of(current_user, evaluation.region_id))
    form = ReopenForm()
    if form.validate_on_submit():
        if attempt(lambda: services.reopen(current_user, evaluation, form.reason.data), form):
            if evaluation.status.is_editable:
                flash(_("De zelfevaluatie van %(name)s is heropend. De trekker kan weer wijzigen en opnieuw "
                        "indienen.", name=evaluation.municipality.name), "success")
            else:
                flash(_("%(name)s is heropend; de stand is nu ‘%(s)s’.", name=evaluation.municipality.name,
                        s=evaluation.status.label), "success")
            return redirect(url_for(".round_detail", round_id=evaluation.round_id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("evaluations/reopen.html", evaluation=evaluation, form=form,
                           can_reopen=permissions.can_reopen(current_user, evaluation)), status


# ---------------------------------------------------------------- history


@bp.route("/evaluations/<int:evaluation_id>/history")
def history(evaluation_id: int):
    evaluation, questionnaire = _evaluation(evaluation_id)
    require(permissions.can_view_history(current_user, evaluation))
    page = request.args.get("page", 1, type=int) or 1
    entries, pages = history_of(evaluation, questionnaire, page)
    return render_template("evaluations/history.html", evaluation=evaluation, entries=entries,
                           page=min(max(page, 1), pages), pages=pages)


# ---------------------------------------------------------------- colleagues


@bp.route("/colleagues", methods=["GET", "POST"])
def colleagues():
    require(permissions.can_invite_colleague(current_user, current_user.municipality_id))
    form = InviteColleagueForm()
    if form.validate_on_submit():
        done = attempt(lambda: services.invite_colleague(current_user, email=form.email.data, name=form.name.data),
                       form)
        if done:
            user, link = done.value
            flash(_("%(name)s is uitgenodigd als bijdrager (%(email)s).", name=user.name, email=user.email),
                  "success")
            if not current_app.config.get("MAIL_SERVER"):
                flash(_("Er is geen mailserver ingesteld, dus er is geen e-mail verstuurd. Geef uw collega zelf "
                        "deze activeringslink: %(link)s", link=link), "info")
            return redirect(url_for(".colleagues"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("evaluations/colleagues.html", form=form,
                           colleagues=services.colleagues(current_user.municipality_id),
                           municipality=current_user.municipality), status


# ---------------------------------------------------------------- the Excel round trip


def _excel_evaluation(evaluation_id: int) -> tuple[Evaluation, Questionnaire]:
    evaluation, questionnaire = _evaluation(evaluation_id)
    require(permissions.is_own_gemeente(current_user, evaluation))
    return evaluation, questionnaire


def _excel_page(evaluation: Evaluation, questionnaire: Questionnaire, problems=(), status: int = 200):
    return render_template("evaluations/excel.html", evaluation=evaluation, questionnaire=questionnaire,
                           form=UploadForm(formdata=None), problems=list(problems),
                           can_upload=permissions.can_answer(current_user, evaluation),
                           max_mb=excel.MAX_UPLOAD_BYTES // (1024 * 1024)), status


@bp.route("/evaluations/<int:evaluation_id>/excel")
def excel_page(evaluation_id: int):
    evaluation, questionnaire = _excel_evaluation(evaluation_id)
    return _excel_page(evaluation, questionnaire)


@bp.route("/evaluations/<int:evaluation_id>/excel/download")
def excel_download(evaluation_id: int):
    evaluation, questionnaire = _excel_evaluation(evaluation_id)
    content = workbook_services.export_workbook(evaluation, questionnaire, current_user)
    filename = workbook_services.export_filename(evaluation, current_user)
    record_download(current_user, ExportKind.SELF_EVALUATION_XLSX, evaluation=evaluation, filename=filename)
    db.session.commit()
    return send_file(BytesIO(content), as_attachment=True, download_name=filename,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     max_age=0)


#: An upload may be this much larger than the file itself (the multipart envelope and the CSRF token).
UPLOAD_ENVELOPE = 64 * 1024


@bp.url_value_preprocessor
def limit_uploads(endpoint: str | None, values: dict | None) -> None:
    """Refuse an oversized workbook from its Content-Length, before anything (CSRF, request guards) reads it."""
    if endpoint == "evaluations.excel_upload":
        request.max_content_length = excel.MAX_UPLOAD_BYTES + UPLOAD_ENVELOPE


def _too_big() -> excel.UploadProblem:
    return excel.UploadProblem(None, None, _(
        "Het bestand is te groot: het maximum is %(mb)s MB. Een ingevulde vragenlijst is meestal kleiner dan "
        "200 kB; stuur het bestand zonder afbeeldingen of andere bladen.", mb=excel.MAX_UPLOAD_BYTES // 2**20))


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error: RequestEntityTooLarge):
    if request.endpoint == "evaluations.excel_upload" and current_user.is_authenticated:
        evaluation = load_evaluation(int((request.view_args or {}).get("evaluation_id", 0)))
        if evaluation is not None and permissions.is_own_gemeente(current_user, evaluation):
            try:
                return _excel_page(evaluation, questionnaire_of(evaluation), [_too_big()], 413)
            except DomainError:
                pass
    return render_error(413)


@bp.errorhandler(QuestionnaireChanged)
@bp.errorhandler(UnknownQuestionnaire)
def questionnaire_unavailable(error: Exception):
    """The round's questionnaire file is missing or no longer what the round was opened with: nothing may be
    shown or saved against it. The start-up check normally refuses to start in this case."""
    current_app.logger.error("Questionnaire of %s unavailable: %s", request.path, error)
    db.session.rollback()
    return render_error(503, _("De vragenlijst van deze ronde is op de server niet (meer) beschikbaar zoals de ronde "
                               "haar gebruikte. Er is niets opgeslagen. Meld dit aan de beheerder."))


@bp.route("/evaluations/<int:evaluation_id>/excel", methods=["POST"])
def excel_upload(evaluation_id: int):
    evaluation, questionnaire = _excel_evaluation(evaluation_id)
    form = UploadForm()
    if not form.validate_on_submit():
        abort(400)
    upload = request.files.get("file")
    if not permissions.can_answer(current_user, evaluation):
        return _excel_page(evaluation, questionnaire, [excel.UploadProblem(None, None, _(
            "Deze zelfevaluatie is ingediend; er kan niets meer worden ingelezen."))], 409)
    if upload is None or not upload.filename:
        return _excel_page(evaluation, questionnaire, [excel.UploadProblem(None, None, _(
            "Kies eerst het ingevulde Excel-bestand (.xlsx)."))], 422)
    try:
        data = upload.stream.read(excel.MAX_UPLOAD_BYTES + 1)
    finally:
        upload.close()
    if len(data) > excel.MAX_UPLOAD_BYTES:
        return _excel_page(evaluation, questionnaire, [_too_big()], 413)
    try:
        done = attempt(lambda: workbook_services.preview_import(current_user, evaluation, questionnaire,
                                                                upload.filename, data), report=silently)
    except excel.UploadRejected as error:
        db.session.rollback()
        return _excel_page(evaluation, questionnaire, error.problems, 422)
    if not done:
        return _excel_page(evaluation, questionnaire, [excel.UploadProblem(None, None, done.error.message)], 422)
    return redirect(url_for(".excel_preview", evaluation_id=evaluation.id, import_id=done.value.id))


def _pending(evaluation: Evaluation, import_id: int):
    pending = workbook_services.pending_import(current_user, evaluation, import_id)
    if pending is None:
        abort(404)
    return pending


@bp.route("/evaluations/<int:evaluation_id>/excel/<int:import_id>")
def excel_preview(evaluation_id: int, import_id: int):
    evaluation, questionnaire = _excel_evaluation(evaluation_id)
    pending = _pending(evaluation, import_id)
    changes = workbook_services.describe_import(pending, questionnaire, current_user, evaluation)
    other_user = pending.changes.get("exported_for") not in (None, current_user.id)
    return render_template("evaluations/excel_preview.html", evaluation=evaluation, pending=pending,
                           changes=changes, other_user=other_user, form=EmptyForm(),
                           expired=workbook_services.is_expired(pending),
                           can_apply=permissions.can_answer(current_user, evaluation))


@bp.route("/evaluations/<int:evaluation_id>/excel/<int:import_id>/apply", methods=["POST"])
def excel_apply(evaluation_id: int, import_id: int):
    evaluation, questionnaire = _excel_evaluation(evaluation_id)
    pending = _pending(evaluation, import_id)
    _require_csrf()
    try:
        done = attempt(lambda: workbook_services.apply_import(current_user, evaluation, questionnaire, pending),
                       raising=(services.EditConflict,))
    except services.EditConflict as error:
        db.session.rollback()
        names = ", ".join(sorted({c.theirs.by or _("iemand") for c in error.conflicts}))
        flash(_("Er is niets ingelezen: %(n)s antwoord(en) zijn na de voorvertoning online gewijzigd (door "
                "%(names)s). Download het bestand opnieuw of pas de antwoorden online aan.",
                n=len(error.conflicts), names=names), "error")
        return redirect(url_for(".excel_preview", evaluation_id=evaluation.id, import_id=pending.id))
    if not done:
        return redirect(url_for(".excel_preview", evaluation_id=evaluation.id, import_id=pending.id))
    flash(_("%(n)s wijziging(en) uit ‘%(file)s’ zijn verwerkt in uw antwoorden.", n=done.value,
            file=pending.filename), "success")
    return redirect(url_for(".evaluation", evaluation_id=evaluation.id))
