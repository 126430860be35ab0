"""The peer review's services: load and store, call the rules in ``domain.reviews`` and ``domain.permissions``,
record every change in the evaluation's history. They flush; the view commits once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from ..domain import permissions
from ..domain.errors import DomainError, InvalidValue, NotAllowed, raise_collected
from ..domain.evaluations import EvaluationStatus, Transition, next_status
from ..domain.questionnaire import Questionnaire
from ..domain.reviews import (
    MAX_JUDGEMENT,
    MAX_REACTION,
    MAX_STRENGTHS,
    Candidate,
    Capacity,
    EntryData,
    Finding,
    Member,
    PublicationCheck,
    ReciprocalPolicy,
    RecommendationData,
    ScoreData,
    TeamFacts,
    TeamScoreData,
    check_candidate,
    check_declaration_reason,
    check_long_text,
    check_score,
    check_team_score,
    confirm_publication,
    decide_addition,
    is_reciprocal,
    missing_scores,
    publication_check,
    review_items,
)
from ..domain.roles import Role
from ..evaluation.history import record_event
from ..evaluation.lifecycle import flush_state, still_in
from ..evaluation.team import recommendations, report_of, team_members, team_of
from ..extensions import db
from ..models import (
    ConflictDeclaration,
    Evaluation,
    Municipality,
    PeerReport,
    PeerScore,
    Recommendation,
    RecommendationTheme,
    RegionMembership,
    ReviewEntry,
    ReviewEntryTheme,
    TeamMember,
    TeamScore,
    User,
)
from ..models.types import utcnow

# ---------------------------------------------------------------- guarding against a state change in between

REVIEWING = (EvaluationStatus.in_peer_review,)
TEAM_CHANGES = (EvaluationStatus.submitted, EvaluationStatus.in_peer_review)


def _changed_meanwhile() -> str:
    return _("De stand van deze toetsing is intussen gewijzigd (bijvoorbeeld gepubliceerd); er is niets "
             "opgeslagen. Laad de pagina opnieuw.")


# ---------------------------------------------------------------- the team


def _reviewers_by_evaluated(round_id: int, *, leave_out: int) -> dict[int, set[int]]:
    """For the round: each evaluated gemeente -> the gemeenten its team members work for."""
    rows = db.session.execute(
        select(Evaluation.municipality_id, User.municipality_id)
        .join(TeamMember, TeamMember.evaluation_id == Evaluation.id)
        .join(User, User.id == TeamMember.user_id)
        .where(Evaluation.round_id == round_id, Evaluation.id != leave_out))
    result: dict[int, set[int]] = defaultdict(set)
    for evaluated, reviewer_home in rows:
        if reviewer_home is not None:
            result[evaluated].add(reviewer_home)
    return result


@dataclass(frozen=True)
class CandidateRow:
    user: User
    findings: tuple[Finding, ...]

    @property
    def is_blocked(self) -> bool:
        return any(f.blocks for f in self.findings)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.blocks)


def _candidate(user: User) -> Candidate:
    return Candidate(user.id, user.name, user.municipality_id,
                     user.municipality.name if user.municipality else "", user.role is Role.peer_reviewer,
                     user.is_active)


def _findings(evaluation: Evaluation, user: User, members: Iterable[TeamMember],
              reciprocal_map: Mapping[int, set[int]], declared: Mapping[int, str]) -> tuple[Finding, ...]:
    return tuple(check_candidate(
        _candidate(user), evaluated_municipality_id=evaluation.municipality_id,
        evaluated_name=evaluation.municipality.name, team_member_ids={m.user_id for m in members},
        declared_reason=declared.get(user.id),
        reciprocal=is_reciprocal(user.municipality_id, evaluation.municipality_id, reciprocal_map),
        policy=evaluation.round.region.reciprocal_review))


def candidates(evaluation: Evaluation, members: list[TeamMember]) -> list[CandidateRow]:
    """Every active peer reviewer of the region's member gemeenten who is not in the team, with what stands in
    the way of adding them. Four queries, whatever the number of reviewers."""
    member_ids = {m.user_id for m in members}
    users = [u for u in db.session.scalars(
        select(User).join(RegionMembership, RegionMembership.municipality_id == User.municipality_id)
        .where(RegionMembership.region_id == evaluation.region_id, User.role == Role.peer_reviewer,
               User.is_active.is_(True))
        .options(joinedload(User.municipality)).order_by(User.name)).unique() if u.id not in member_ids]
    declared = _declarations_about(evaluation.municipality_id, [u.id for u in users])
    reciprocal_map = _reviewers_by_evaluated(evaluation.round_id, leave_out=evaluation.id)
    return [CandidateRow(u, _findings(evaluation, u, members, reciprocal_map, declared)) for u in users]


def _declarations_about(municipality_id: int, user_ids: list[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return dict(db.session.execute(
        select(ConflictDeclaration.user_id, ConflictDeclaration.reason)
        .where(ConflictDeclaration.municipality_id == municipality_id,
               ConflictDeclaration.user_id.in_(user_ids))).all())


def declared_conflicts_in_team(evaluation: Evaluation, members: list[TeamMember]) -> dict[int, str]:
    """Members who declared a conflict with the gemeente after they were added (the coordinator should act)."""
    return _declarations_about(evaluation.municipality_id, [m.user_id for m in members])


def _require_team_editable(actor: User, evaluation: Evaluation) -> None:
    if not permissions.can_form_team(actor, evaluation):
        if permissions.is_coordinator_of(actor, evaluation.region_id):
            raise NotAllowed(_("Het peer team kan alleen worden samengesteld nadat de zelfevaluatie is ingediend "
                               "en zolang het rapport niet is gepubliceerd."))
        raise NotAllowed(_("Alleen de regiocoördinator stelt het peer team samen."))


def add_member(actor: User, evaluation: Evaluation, user_id: int, *, capacity: Capacity, as_chair: bool,
               confirmed: bool) -> TeamMember:
    """Add a reviewer after the conflict-of-interest checks; a crafted id is checked like any other."""
    _require_team_editable(actor, evaluation)
    members = team_members(evaluation)
    user = db.session.get(User, user_id)
    in_region = user is not None and user.municipality_id is not None and db.session.scalar(
        select(RegionMembership.region_id).where(RegionMembership.region_id == evaluation.region_id,
                                                 RegionMembership.municipality_id == user.municipality_id))
    if user is None or not in_region:
        # Said without a name: a coordinator must not learn who works elsewhere by trying ids.
        raise InvalidValue(_("Kies een peer reviewer uit de lijst: alleen peer reviewers van de gemeenten in deze "
                             "regio kunnen in het team."), field="user_id")
    declared = _declarations_about(evaluation.municipality_id, [user.id])
    reciprocal_map = _reviewers_by_evaluated(evaluation.round_id, leave_out=evaluation.id)
    warnings = decide_addition(_findings(evaluation, user, members, reciprocal_map, declared), confirmed=confirmed)
    if as_chair:
        for member in members:
            member.is_chair = False
        db.session.flush()
    member = TeamMember(evaluation_id=evaluation.id, user_id=user.id, is_chair=as_chair, capacity=capacity,
                        added_by_id=actor.id, confirmed_warnings="\n".join(warnings))
    db.session.add(member)
    record_event(evaluation, actor, "team_member_added", subject=f"user:{user.id}",
                 details={"name": user.name, "chair": as_chair, "capacity": capacity.value,
                          "warnings": list(warnings)})
    _flush(_("%(name)s is intussen al aan het team toegevoegd.", name=user.name))
    still_in(evaluation, TEAM_CHANGES, _changed_meanwhile())
    return member


def _member(evaluation: Evaluation, member_id: int) -> TeamMember:
    member = db.session.get(TeamMember, member_id)
    if member is None or member.evaluation_id != evaluation.id:
        raise NotAllowed(_("Dit teamlid hoort niet bij dit peer team."))
    return member


def remove_member(actor: User, evaluation: Evaluation, member_id: int) -> str:
    """Take a reviewer out of the team. Their own scores stay stored but no longer count; their interviews and
    observations stay (the team's record)."""
    _require_team_editable(actor, evaluation)
    member = _member(evaluation, member_id)
    name = member.user.name
    if member.is_chair and evaluation.status is EvaluationStatus.in_peer_review:
        raise NotAllowed(_("%(name)s is voorzitter. Wijs eerst een andere voorzitter aan.", name=name))
    db.session.delete(member)
    record_event(evaluation, actor, "team_member_removed", subject=f"user:{member.user_id}",
                 details={"name": name})
    _flush(_("Het team is intussen gewijzigd; bekijk het opnieuw."))
    still_in(evaluation, TEAM_CHANGES, _changed_meanwhile())
    return name


def set_chair(actor: User, evaluation: Evaluation, member_id: int) -> str:
    _require_team_editable(actor, evaluation)
    member = _member(evaluation, member_id)
    _require_fit_to_chair(evaluation, member)
    for other in team_members(evaluation):
        if other.id != member.id and other.is_chair:
            other.is_chair = False
    db.session.flush()
    member.is_chair = True
    record_event(evaluation, actor, "chair_set", subject=f"user:{member.user_id}",
                 details={"name": member.user.name})
    _flush(_("Het team is intussen gewijzigd; bekijk het opnieuw."))
    still_in(evaluation, TEAM_CHANGES, _changed_meanwhile())
    return member.user.name


def _require_fit_to_chair(evaluation: Evaluation, member: TeamMember) -> None:
    """The rules of adding hold when someone is made chair, or the review is started with them: a reviewer
    switched off, moved to the evaluated gemeente or with a conflict declared since cannot lead the team."""
    user = member.user
    declared = _declarations_about(evaluation.municipality_id, [user.id])
    problems = [f.message for f in check_candidate(
        _candidate(user), evaluated_municipality_id=evaluation.municipality_id,
        evaluated_name=evaluation.municipality.name, team_member_ids=(), declared_reason=declared.get(user.id),
        reciprocal=False, policy=ReciprocalPolicy.warn) if f.blocks]
    if problems:
        raise NotAllowed(_("%(name)s kan geen voorzitter zijn: %(why)s", name=user.name, why=" ".join(problems)))


def _flush(message: str) -> None:
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise DomainError(message) from None


def start_review(actor: User, evaluation: Evaluation) -> None:
    team = team_of(evaluation)
    if not permissions.can_start_review(actor, evaluation, team):
        if permissions.is_coordinator_of(actor, evaluation.region_id):
            next_status(evaluation.status, Transition.start_review)
            raise NotAllowed(_("Wijs eerst een voorzitter van het peer team aan."))
        raise NotAllowed(_("Alleen de regiocoördinator start de collegiale toetsing."))
    chair = next(m for m in team_members(evaluation) if m.is_chair)
    _require_fit_to_chair(evaluation, chair)
    _transition(actor, evaluation, Transition.start_review, "review_started")


def _transition(actor: User, evaluation: Evaluation, transition: Transition, kind: str,
                details: dict[str, Any] | None = None) -> None:
    before = evaluation.status
    evaluation.status = next_status(evaluation.status, transition)
    record_event(evaluation, actor, kind, details={"from": before.value, "to": evaluation.status.value,
                                                   **(details or {})})
    flush_state()


# ---------------------------------------------------------------- conflicts of interest declared by reviewers


def declarable_municipalities(user: User) -> list[Municipality]:
    """Gemeenten of the reviewer's regions (the ones they can be asked to review), but their own."""
    regions = select(RegionMembership.region_id).where(RegionMembership.municipality_id == user.municipality_id)
    return list(db.session.scalars(
        select(Municipality).join(RegionMembership).where(RegionMembership.region_id.in_(regions),
                                                          Municipality.id != user.municipality_id)
        .order_by(Municipality.name)).unique())


def declare_conflict(actor: User, municipality_id: int, reason: str | None) -> ConflictDeclaration:
    if not permissions.can_declare_conflicts(actor):
        raise NotAllowed(_("Alleen peer reviewers melden een belangenconflict."))
    if municipality_id not in {m.id for m in declarable_municipalities(actor)}:
        raise InvalidValue(_("Kies een gemeente uit de lijst."), field="municipality_id")
    cleaned = check_declaration_reason(reason)
    existing = db.session.scalar(select(ConflictDeclaration).where(
        ConflictDeclaration.user_id == actor.id, ConflictDeclaration.municipality_id == municipality_id))
    if existing is not None:
        existing.reason = cleaned
        return existing
    declaration = ConflictDeclaration(user_id=actor.id, municipality_id=municipality_id, reason=cleaned)
    db.session.add(declaration)
    _flush(_("Dit belangenconflict is al gemeld."))
    return declaration


def withdraw_declaration(actor: User, declaration_id: int) -> str:
    declaration = db.session.get(ConflictDeclaration, declaration_id)
    if declaration is None or declaration.user_id != actor.id:
        raise NotAllowed(_("Deze melding is niet van u."))
    name = declaration.municipality.name
    db.session.delete(declaration)
    return name


# ---------------------------------------------------------------- what a reviewer sees


# ---------------------------------------------------------------- scores


def own_scores(evaluation: Evaluation, user: User) -> dict[str, PeerScore]:
    return {row.item_id: row for row in db.session.scalars(
        select(PeerScore).where(PeerScore.evaluation_id == evaluation.id, PeerScore.reviewer_id == user.id))}


def _my_membership(actor: User, evaluation: Evaluation) -> TeamMember | None:
    return db.session.scalar(select(TeamMember).where(TeamMember.evaluation_id == evaluation.id,
                                                      TeamMember.user_id == actor.id))


def _require_scoring(actor: User, evaluation: Evaluation, team: TeamFacts) -> None:
    if not permissions.can_score(actor, evaluation, team):
        if team.has_submitted(actor.id):
            raise NotAllowed(_("U hebt uw scores al ingediend; ze zijn definitief."))
        if permissions.is_team_member(actor, team):
            raise NotAllowed(_("Scores geven kan alleen zolang de collegiale toetsing loopt."))
        raise NotAllowed(_("Alleen leden van het peer team geven scores."))


def save_own_scores(actor: User, evaluation: Evaluation, questionnaire: Questionnaire,
                    raw: Mapping[str, tuple[object, str | None]]) -> dict[str, ScoreData]:
    """Check every item first; store nothing if one is wrong (the form shows each problem at its item)."""
    team = team_of(evaluation)
    _require_scoring(actor, evaluation, team)
    items = review_items(questionnaire)
    checked: dict[str, ScoreData] = {}
    problems: list[DomainError] = []
    for item in items:
        if item.id not in raw:
            continue
        value, rationale = raw[item.id]
        try:
            checked[item.id] = check_score(questionnaire.scale, value, rationale, field_prefix=f"{item.id}-")
        except DomainError as error:
            problems.extend(getattr(error, "errors", [error]))
    raise_collected(problems)
    stored = own_scores(evaluation, actor)
    changed = 0
    for item_id, data in checked.items():
        row = stored.get(item_id)
        if row is None:
            if data.is_empty:
                continue
            row = PeerScore(evaluation_id=evaluation.id, reviewer_id=actor.id, item_id=item_id)
            db.session.add(row)
        elif row.data == data:
            continue
        row.value, row.rationale, row.updated_at = data.value, data.rationale, utcnow()
        changed += 1
    if changed:
        record_event(evaluation, actor, "own_scores_saved", details={"changed": changed})
    _flush(_("Uw scores zijn intussen in een ander venster opgeslagen; laad de pagina opnieuw."))
    _still_scoring(actor, evaluation)
    return checked


def _still_scoring(actor: User, evaluation: Evaluation) -> None:
    """After writing: still in review, and this member has not submitted meanwhile (another window)."""
    still_in(evaluation, REVIEWING, _changed_meanwhile())
    submitted_at = db.session.scalar(
        select(TeamMember.scores_submitted_at).where(TeamMember.evaluation_id == evaluation.id,
                                                     TeamMember.user_id == actor.id).with_for_update(read=True))
    if submitted_at is not None:
        db.session.rollback()
        raise NotAllowed(_("U hebt uw scores intussen ingediend (in een ander venster); ze zijn definitief."))


def submit_own_scores(actor: User, evaluation: Evaluation, questionnaire: Questionnaire) -> None:
    team = team_of(evaluation)
    _require_scoring(actor, evaluation, team)
    scores = {k: v.data for k, v in own_scores(evaluation, actor).items()}
    missing = missing_scores(review_items(questionnaire), scores)
    if missing:
        problems: list[DomainError] = [InvalidValue(_(
            "Geef eerst elk onderdeel een score en een korte onderbouwing. Nog open: %(items)s.",
            items=", ".join(item.label for item in missing)))]
        for item in missing:
            given = scores.get(item.id, ScoreData())
            if given.value is None:
                problems.append(InvalidValue(_("%(i)s: kies een score.", i=item.label), field=f"{item.id}-value"))
            if not given.rationale:
                problems.append(InvalidValue(_("%(i)s: geef een korte onderbouwing.", i=item.label),
                                             field=f"{item.id}-rationale"))
        raise_collected(problems)
    membership = _my_membership(actor, evaluation)
    assert membership is not None
    _still_scoring(actor, evaluation)
    membership.scores_submitted_at = utcnow()
    record_event(evaluation, actor, "own_scores_submitted")
    still_in(evaluation, REVIEWING, _changed_meanwhile())


@dataclass(frozen=True)
class MemberScore:
    member: TeamMember
    data: ScoreData


def member_scores(evaluation: Evaluation, members: list[TeamMember]) -> dict[str, list[MemberScore]]:
    """Submitted members' scores per item, in the team's order. Only for those allowed to see them."""
    submitted = {m.user_id: m for m in members if m.scores_submitted_at is not None}
    result: dict[str, list[MemberScore]] = defaultdict(list)
    if not submitted:
        return result
    rows = db.session.scalars(select(PeerScore).where(PeerScore.evaluation_id == evaluation.id,
                                                      PeerScore.reviewer_id.in_(list(submitted))))
    order = {m.user_id: i for i, m in enumerate(members)}
    for row in sorted(rows, key=lambda r: order[r.reviewer_id]):
        result[row.item_id].append(MemberScore(submitted[row.reviewer_id], row.data))
    return result


def team_scores(evaluation: Evaluation) -> dict[str, TeamScore]:
    return {row.item_id: row for row in db.session.scalars(
        select(TeamScore).where(TeamScore.evaluation_id == evaluation.id))}


def save_team_scores(actor: User, evaluation: Evaluation, questionnaire: Questionnaire,
                     raw: Mapping[str, tuple[object, str | None]]) -> int:
    """The chair's scores for the team. An item left completely empty is skipped; a half-filled one is refused."""
    team = team_of(evaluation)
    if not permissions.can_set_team_scores(actor, evaluation, team):
        if evaluation.status.is_report_published:
            raise NotAllowed(_("Het rapport is gepubliceerd; de scores van het team liggen vast."))
        if evaluation.status is not EvaluationStatus.in_peer_review:
            raise NotAllowed(_("De collegiale toetsing loopt nu niet; de regiocoördinator start haar (opnieuw)."))
        if permissions.is_chair(actor, team):
            raise NotAllowed(_("Dien eerst uw eigen scores in; daarna stelt u de scores van het team vast."))
        raise NotAllowed(_("Alleen de voorzitter van het peer team stelt de scores van het team vast."))
    checked: dict[str, TeamScoreData] = {}
    problems: list[DomainError] = []
    for item in review_items(questionnaire):
        if item.id not in raw:
            continue
        value, motivation = raw[item.id]
        if not str(value or "").strip() and not (motivation or "").strip():
            continue
        try:
            checked[item.id] = check_team_score(questionnaire.scale, value, motivation, field_prefix=f"{item.id}-")
        except DomainError as error:
            problems.extend(getattr(error, "errors", [error]))
    raise_collected(problems)
    stored = team_scores(evaluation)
    changed = 0
    for item_id, data in checked.items():
        row = stored.get(item_id)
        if row is not None and (row.value, row.motivation) == (data.value, data.motivation):
            continue
        if row is None:
            row = TeamScore(evaluation_id=evaluation.id, item_id=item_id)
            db.session.add(row)
        before = None if row.value is None else row.value
        row.value, row.motivation, row.updated_at, row.updated_by_id = (data.value, data.motivation, utcnow(),
                                                                        actor.id)
        record_event(evaluation, actor, "team_score", subject=item_id,
                     details={"before": before, "after": data.value})
        changed += 1
    _flush(_("De scores van het team zijn intussen gewijzigd; laad de pagina opnieuw."))
    still_in(evaluation, REVIEWING, _changed_meanwhile())
    return changed


# ---------------------------------------------------------------- interviews and observations


def _review_closed_or(evaluation: Evaluation, otherwise: str) -> str:
    """Why a team member cannot change something: the stage first (what most often is the reason), else ..."""
    if evaluation.status.is_report_published:
        return _("Het rapport is gepubliceerd; gesprekken, waarnemingen en het rapport liggen vast. Er is niets "
                 "opgeslagen.")
    if evaluation.status is not EvaluationStatus.in_peer_review:
        return _("De collegiale toetsing loopt nu niet; er is niets opgeslagen.")
    return otherwise


def entries(evaluation: Evaluation) -> list[ReviewEntry]:
    return list(db.session.scalars(
        select(ReviewEntry).where(ReviewEntry.evaluation_id == evaluation.id)
        .options(selectinload(ReviewEntry.themes), joinedload(ReviewEntry.author))
        .order_by(ReviewEntry.held_on, ReviewEntry.id)))


def entries_by_theme(rows: Iterable[ReviewEntry]) -> dict[str, list[ReviewEntry]]:
    result: dict[str, list[ReviewEntry]] = defaultdict(list)
    for row in rows:
        for section_id in row.section_ids:
            result[section_id].append(row)
    return result


def entry(evaluation: Evaluation, entry_id: int) -> ReviewEntry | None:
    row = db.session.get(ReviewEntry, entry_id)
    return row if row is not None and row.evaluation_id == evaluation.id else None


def _write_entry(row: ReviewEntry, data: EntryData) -> None:
    row.kind = data.kind
    row.held_on = data.held_on
    row.notes = data.notes
    row.interviewees = "\n".join(data.interviewees)
    row.confidentiality = data.confidentiality
    row.updated_at = utcnow()
    row.themes = [ReviewEntryTheme(section_id=s) for s in data.section_ids]


def add_entry(actor: User, evaluation: Evaluation, data: EntryData) -> ReviewEntry:
    if not permissions.can_log_entries(actor, evaluation, team_of(evaluation)):
        raise NotAllowed(_review_closed_or(evaluation, _("Gesprekken en waarnemingen vastleggen kan alleen het peer "
                                                         "team.")))
    row = ReviewEntry(evaluation_id=evaluation.id, author_id=actor.id)
    _write_entry(row, data)
    db.session.add(row)
    db.session.flush()
    record_event(evaluation, actor, f"{data.kind.value}_added", subject=f"entry:{row.id}",
                 details={"themes": list(data.section_ids), "confidentiality": data.confidentiality.value})
    still_in(evaluation, REVIEWING, _changed_meanwhile())
    return row


def update_entry(actor: User, evaluation: Evaluation, row: ReviewEntry, data: EntryData) -> None:
    if not permissions.can_edit_entry(actor, evaluation, team_of(evaluation), row.author_id):
        raise NotAllowed(_review_closed_or(evaluation, _("Alleen wie het vastlegde of de voorzitter wijzigt dit.")))
    if actor.id != row.author_id and data.confidentiality is not row.confidentiality:
        raise InvalidValue(_("Alleen wie het vastlegde bepaalt of het citeerbaar is; het staat in het rapport onder "
                             "diens naam."), field="confidentiality")
    _write_entry(row, data)
    record_event(evaluation, actor, f"{data.kind.value}_changed", subject=f"entry:{row.id}",
                 details={"themes": list(data.section_ids), "confidentiality": data.confidentiality.value})
    still_in(evaluation, REVIEWING, _changed_meanwhile())


def delete_entry(actor: User, evaluation: Evaluation, row: ReviewEntry) -> None:
    if not permissions.can_edit_entry(actor, evaluation, team_of(evaluation), row.author_id):
        raise NotAllowed(_review_closed_or(evaluation, _("Alleen wie het vastlegde of de voorzitter verwijdert "
                                                         "dit.")))
    record_event(evaluation, actor, f"{row.kind.value}_removed", subject=f"entry:{row.id}")
    db.session.delete(row)
    still_in(evaluation, REVIEWING, _changed_meanwhile())


# ---------------------------------------------------------------- the report


def _report(evaluation: Evaluation) -> PeerReport:
    report = report_of(evaluation)
    if report is None:
        report = PeerReport(evaluation_id=evaluation.id)
        db.session.add(report)
    return report


def _require_writing(actor: User, evaluation: Evaluation) -> None:
    if not permissions.can_write_report(actor, evaluation, team_of(evaluation)):
        if evaluation.status.is_report_published:
            raise NotAllowed(_("Het rapport is gepubliceerd en kan niet meer worden gewijzigd."))
        if evaluation.status is not EvaluationStatus.in_peer_review:
            raise NotAllowed(_("De collegiale toetsing loopt nu niet; er is niets opgeslagen."))
        raise NotAllowed(_("Alleen de voorzitter van het peer team schrijft het rapport."))


def save_judgement(actor: User, evaluation: Evaluation, judgement: str | None, strengths: str | None) -> None:
    _require_writing(actor, evaluation)
    problems: list[DomainError] = []
    texts: dict[str, str] = {}
    for field_name, value, limit, what in (("judgement", judgement, MAX_JUDGEMENT, "Het oordeel"),
                                           ("strengths", strengths, MAX_STRENGTHS, "De sterke punten")):
        try:
            texts[field_name] = check_long_text(value, limit, field_name, what)
        except DomainError as error:
            problems.append(error)
    raise_collected(problems)
    report = _report(evaluation)
    if (report.judgement or "", report.strengths or "") == (texts["judgement"], texts["strengths"]):
        return
    report.judgement, report.strengths = texts["judgement"], texts["strengths"]
    report.updated_at, report.updated_by_id = utcnow(), actor.id
    record_event(evaluation, actor, "judgement_saved")
    still_in(evaluation, REVIEWING, _changed_meanwhile())


def recommendation(evaluation: Evaluation, recommendation_id: int) -> Recommendation | None:
    row = db.session.get(Recommendation, recommendation_id)
    return row if row is not None and row.evaluation_id == evaluation.id else None


def _write_recommendation(row: Recommendation, data: RecommendationData) -> None:
    row.text, row.priority, row.addressee, row.updated_at = data.text, data.priority, data.addressee, utcnow()
    row.themes = [RecommendationTheme(section_id=s) for s in data.section_ids]


def add_recommendation(actor: User, evaluation: Evaluation, data: RecommendationData) -> Recommendation:
    _require_writing(actor, evaluation)
    position = len(recommendations(evaluation)) + 1
    row = Recommendation(evaluation_id=evaluation.id, position=position, created_by_id=actor.id)
    _write_recommendation(row, data)
    db.session.add(row)
    db.session.flush()
    record_event(evaluation, actor, "recommendation_added", subject=f"recommendation:{row.id}",
                 details={"text": data.text[:200]})
    still_in(evaluation, REVIEWING, _changed_meanwhile())
    return row


def update_recommendation(actor: User, evaluation: Evaluation, row: Recommendation,
                          data: RecommendationData) -> None:
    _require_writing(actor, evaluation)
    _write_recommendation(row, data)
    record_event(evaluation, actor, "recommendation_changed", subject=f"recommendation:{row.id}",
                 details={"text": data.text[:200]})
    still_in(evaluation, REVIEWING, _changed_meanwhile())


def delete_recommendation(actor: User, evaluation: Evaluation, row: Recommendation) -> None:
    """Remove a recommendation, unless the gemeente's plan already answers it or the voortgangsreview judged it
    (possible after the report was reopened): those links are the gemeente's work and must not vanish."""
    _require_writing(actor, evaluation)
    from ..models import ActionRecommendation, RecommendationVerdict

    in_plan = db.session.scalar(select(func.count()).select_from(ActionRecommendation)
                                .where(ActionRecommendation.recommendation_id == row.id))
    judged = db.session.scalar(select(func.count()).select_from(RecommendationVerdict)
                               .where(RecommendationVerdict.recommendation_id == row.id))
    if in_plan or judged:
        raise NotAllowed(_("Deze aanbeveling staat al in het verbeterplan van de gemeente (of is al beoordeeld in "
                           "de voortgangsreview) en kan daarom niet worden verwijderd. Pas de tekst zo nodig aan."))
    record_event(evaluation, actor, "recommendation_removed", subject=f"recommendation:{row.id}",
                 details={"text": row.text[:200]})
    db.session.delete(row)
    db.session.flush()
    for position, other in enumerate(recommendations(evaluation), start=1):
        other.position = position
    still_in(evaluation, REVIEWING, _changed_meanwhile())


def publication_state(evaluation: Evaluation, questionnaire: Questionnaire,
                      members: list[TeamMember] | None = None) -> PublicationCheck:
    members = team_members(evaluation) if members is None else members
    report = report_of(evaluation)
    return publication_check(
        review_items(questionnaire), {k: v.value for k, v in team_scores(evaluation).items()},
        judgement=report.judgement if report else "", recommendation_count=len(recommendations(evaluation)),
        members=[Member(m.user_id, m.user.name) for m in members],
        submitted_ids={m.user_id for m in members if m.scores_submitted_at is not None})


def publish(actor: User, evaluation: Evaluation, questionnaire: Questionnaire, confirmed_token: str | None) -> None:
    if not permissions.can_publish(actor, evaluation, team_of(evaluation)):
        _require_writing(actor, evaluation)
    db.session.execute(select(Evaluation.id).where(Evaluation.id == evaluation.id).with_for_update())
    check = publication_state(evaluation, questionnaire)
    confirm_publication(check, confirmed_token)
    report = _report(evaluation)
    report.published_at, report.published_by_id = utcnow(), actor.id
    report.published_without = "\n".join(m.name for m in check.not_submitted)
    _transition(actor, evaluation, Transition.publish, "published",
                {"without": [m.name for m in check.not_submitted]})


def save_reaction(actor: User, evaluation: Evaluation, text: str | None) -> None:
    if not permissions.can_react(actor, evaluation):
        if evaluation.status is EvaluationStatus.closed:
            raise NotAllowed(_("De evaluatie is afgesloten; de reactie ligt vast."))
        raise NotAllowed(_("Alleen de trekker van de gemeente geeft de bestuurlijke reactie, zolang het rapport "
                           "gepubliceerd en niet afgesloten is."))
    cleaned = check_long_text(text, MAX_REACTION, "reaction", "De reactie")
    report = _report(evaluation)
    if cleaned == (report.reaction or ""):
        return
    report.reaction, report.reaction_at, report.reaction_by_id = cleaned, utcnow(), actor.id
    record_event(evaluation, actor, "reaction_saved", details={"length": len(cleaned)})
    still_in(evaluation, (EvaluationStatus.published,),
             _("De evaluatie is intussen afgesloten of heropend; uw reactie is niet opgeslagen. Kopieer haar en laad "
               "de pagina opnieuw."))


def close(actor: User, evaluation: Evaluation) -> None:
    if not permissions.can_close(actor, evaluation):
        if permissions.is_coordinator_of(actor, evaluation.region_id):
            next_status(evaluation.status, Transition.close)
        raise NotAllowed(_("Alleen de regiocoördinator sluit een evaluatie af."))
    _report(evaluation).closed_at = utcnow()
    _transition(actor, evaluation, Transition.close, "closed")


def set_reciprocal_policy(actor: User, region_id: int, policy: ReciprocalPolicy) -> None:
    from ..models import Region

    if not permissions.can_set_review_rules(actor, region_id):
        raise NotAllowed(_("Alleen de beheerder of de regiocoördinator stelt de toetsingsregels van de regio in."))
    region = db.session.get(Region, region_id)
    if region is None:
        raise NotAllowed(_("Deze regio bestaat niet."))
    region.reciprocal_review = policy


