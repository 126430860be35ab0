"""The peer review's services: load and store, call the rules in ``domain.reviews`` and ``domain.permissions``,
record every change in the evaluation's history. They flush; the view commits once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..domain import permissions
from ..domain.errors import DomainError, InvalidValue, NotAllowed, raise_collected
from ..domain.evaluations import EvaluationStatus, Transition, next_status
from ..domain.questionnaire import Questionnaire
from ..domain.reviews import (
    Candidate,
    Capacity,
    Finding,
    ReciprocalPolicy,
    ScoreData,
    TeamFacts,
    TeamScoreData,
    check_candidate,
    check_declaration_reason,
    check_score,
    check_team_score,
    decide_addition,
    is_reciprocal,
    missing_scores,
    review_items,
)
from ..domain.roles import Role
from ..evaluation.history import record_event
from ..evaluation.lifecycle import flush_state, still_in
from ..evaluation.team import team_members, team_of
from ..extensions import db
from ..models import (
    ConflictDeclaration,
    Evaluation,
    Municipality,
    PeerScore,
    Region,
    RegionMembership,
    TeamMember,
    TeamScore,
    User,
)
from ..models.types import utcnow

# ---------------------------------------------------------------- guarding against a state change in between

REVIEWING = (EvaluationStatus.in_peer_review,)
TEAM_CHANGES = (EvaluationStatus.submitted, EvaluationStatus.in_peer_review)
#: The chair sets the team's scores during the review, and takes in factual points during the check.
TEAM_SCORING = (EvaluationStatus.in_peer_review, EvaluationStatus.fact_check)


def changed_meanwhile() -> str:
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
    still_in(evaluation, TEAM_CHANGES, changed_meanwhile())
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
    still_in(evaluation, TEAM_CHANGES, changed_meanwhile())
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
    still_in(evaluation, TEAM_CHANGES, changed_meanwhile())
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
    transition(actor, evaluation, Transition.start_review, "review_started")


def transition(actor: User, evaluation: Evaluation, transition: Transition, kind: str,
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
    still_in(evaluation, REVIEWING, changed_meanwhile())
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
    still_in(evaluation, REVIEWING, changed_meanwhile())


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
        if evaluation.status in (EvaluationStatus.corrected, EvaluationStatus.reacted):
            raise NotAllowed(_("Het concept is gecorrigeerd; de scores van het team liggen vast."))
        if evaluation.status not in TEAM_SCORING:
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
    still_in(evaluation, TEAM_SCORING, changed_meanwhile())
    return changed


# ---------------------------------------------------------------- the region's review rules


def set_reciprocal_policy(actor: User, region_id: int, policy: ReciprocalPolicy) -> None:
    if not permissions.can_set_review_rules(actor, region_id):
        raise NotAllowed(_("Alleen de beheerder of de regiocoördinator stelt de toetsingsregels van de regio in."))
    region = db.session.get(Region, region_id)
    if region is None:
        raise NotAllowed(_("Deze regio bestaat niet."))
    region.reciprocal_review = policy


