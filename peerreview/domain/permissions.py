"""Who may do what. One module, used by views and tests alike.

Functions take plain objects (anything with the attributes named in the ``Actor`` protocol),
so they are tested without a request or a database. Region membership is passed in as sets of
region ids, which the caller loads.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from .evaluations import EvaluationStatus
from .plans import PlanStage
from .reviews import TeamFacts
from .roles import Role


class Actor(Protocol):
    id: int
    role: Role
    municipality_id: int | None
    region_id: int | None
    is_active: bool


#: Roles a region coordinator may hand out, always tied to their own region or its members.
COORDINATOR_ASSIGNABLE = (
    Role.region_coordinator,
    Role.municipal_lead,
    Role.municipal_contributor,
    Role.peer_reviewer,
)


def is_admin(user: Actor) -> bool:
    return user.is_active and user.role is Role.admin


def is_coordinator_of(user: Actor, region_id: int | None) -> bool:
    return (
        user.is_active
        and user.role is Role.region_coordinator
        and region_id is not None
        and user.region_id == region_id
    )


def can_open_administration(user: Actor) -> bool:
    """The 'Beheer' area: admins see everything, coordinators their own region."""
    return is_admin(user) or (user.is_active and user.role is Role.region_coordinator)


def can_create_region(user: Actor) -> bool:
    return is_admin(user)


def can_edit_region(user: Actor, region_id: int) -> bool:
    """Rename or describe a region, or delete it: admin only."""
    return is_admin(user)


def can_manage_members(user: Actor, region_id: int) -> bool:
    """Add or remove member gemeenten of a region."""
    return is_admin(user) or is_coordinator_of(user, region_id)


def can_add_member(user: Actor, region_id: int, municipality_region_ids: Collection[int]) -> bool:
    """Add a gemeente to a region. A coordinator may only add gemeenten that belong to no other region:
    membership decides whose users a coordinator manages, so joining a second region is the admin's call."""
    if is_admin(user):
        return True
    return is_coordinator_of(user, region_id) and not (set(municipality_region_ids) - {region_id})


def can_view_region(user: Actor, region_id: int) -> bool:
    return can_manage_members(user, region_id)


def can_create_municipality(user: Actor) -> bool:
    return is_admin(user)


def can_edit_municipality(user: Actor) -> bool:
    """Name, CBS code and inhabitants are national facts: the admin keeps them."""
    return is_admin(user)


def can_view_municipality(user: Actor, municipality_region_ids: Collection[int]) -> bool:
    return is_admin(user) or any(is_coordinator_of(user, r) for r in municipality_region_ids)


def assignable_roles(user: Actor) -> tuple[Role, ...]:
    if is_admin(user):
        return tuple(Role)
    if user.is_active and user.role is Role.region_coordinator:
        return COORDINATOR_ASSIGNABLE
    return ()


def can_assign(
    user: Actor,
    role: Role,
    *,
    region_id: int | None,
    municipality_region_ids: Collection[int],
) -> bool:
    """May ``user`` give an account ``role``, tied to ``region_id`` or to a gemeente in those regions?"""
    if role not in assignable_roles(user):
        return False
    if is_admin(user):
        return True
    if role is Role.region_coordinator:
        return is_coordinator_of(user, region_id)
    return any(is_coordinator_of(user, r) for r in municipality_region_ids)


def can_manage_user(
    user: Actor,
    target: Actor,
    *,
    target_municipality_region_ids: Collection[int],
) -> bool:
    """May ``user`` edit, (de)activate or re-invite ``target``'s account?"""
    if is_admin(user):
        return True
    if target.role is Role.admin:
        return False
    return can_assign(
        user,
        target.role,
        region_id=target.region_id,
        municipality_region_ids=target_municipality_region_ids,
    )


def can_change_own_standing(user: Actor, target: Actor) -> bool:
    """Nobody deactivates or demotes themselves (an admin could lock everyone out)."""
    return user.id != target.id


def can_delete_region(user: Actor, region_id: int, *, coordinator_count: int, round_count: int = 0) -> bool:
    """Only the admin deletes a region, and only once no coordinator is tied to it any more and it has run no
    round (rounds hold the gemeenten's evaluations, which must never lose their region).

    Member gemeenten do not block: their memberships go with the region, the gemeenten stay.
    """
    return can_edit_region(user, region_id) and coordinator_count == 0 and round_count == 0


def can_change_role(
    user: Actor,
    target: Actor,
    new_role: Role,
    *,
    target_municipality_region_ids: Collection[int],
) -> bool:
    """May ``user`` move ``target`` from their current role to ``new_role``?

    Keeping the role is always fine for someone ``user`` manages; a change is never allowed on
    one's own account (no self-demotion, and an admin would otherwise lock everyone out).
    """
    if not can_manage_user(user, target, target_municipality_region_ids=target_municipality_region_ids):
        return False
    return new_role == target.role or can_change_own_standing(user, target)


def can_set_active(user: Actor, target: Actor, *, target_municipality_region_ids: Collection[int]) -> bool:
    """Deactivate or reactivate ``target``: someone ``user`` manages, never ``user`` themselves."""
    return can_change_own_standing(user, target) and can_manage_user(
        user, target, target_municipality_region_ids=target_municipality_region_ids
    )


def can_resend_invitation(
    user: Actor,
    target: Actor,
    *,
    target_municipality_region_ids: Collection[int],
    target_is_activated: bool,
) -> bool:
    """A new invitation only for an active account that has not been activated yet.

    A deactivated account's link would not work (activation refuses inactive accounts), so it is
    reactivated first.
    """
    return (
        target.is_active
        and not target_is_activated
        and can_manage_user(user, target, target_municipality_region_ids=target_municipality_region_ids)
    )


def can_read_audit(user: Actor) -> bool:
    """The audit log (log-ins, refusals, state changes, exports of everyone): the administrator only."""
    return is_admin(user)


def can_view_questionnaire(user: Actor, *, is_draft: bool) -> bool:
    """Every signed-in user reads the questionnaires in use or retired; drafts only administrators."""
    return is_admin(user) if is_draft else user.is_active


def can_see_questionnaire_fingerprints(user: Actor) -> bool:
    """Content hashes and usage of versions: for the administrator who manages questionnaire versions."""
    return is_admin(user)


# ---------------------------------------------------------------- rounds and self-evaluations


class EvaluationFacts(Protocol):
    """What the rules need to know of an evaluation."""

    municipality_id: int
    region_id: int
    status: EvaluationStatus


def can_open_round(user: Actor, region_id: int) -> bool:
    """Opening a round is the region coordinator's job (the administrator keeps the platform, not the rounds)."""
    return is_coordinator_of(user, region_id)


def can_view_rounds(user: Actor, region_id: int) -> bool:
    return is_admin(user) or is_coordinator_of(user, region_id)


def is_own_gemeente(user: Actor, evaluation: EvaluationFacts) -> bool:
    """A lead or contributor of the evaluated gemeente (not a peer reviewer who happens to work there)."""
    return (
        user.is_active
        and user.role in (Role.municipal_lead, Role.municipal_contributor)
        and user.municipality_id == evaluation.municipality_id
    )


def is_lead_of(user: Actor, evaluation: EvaluationFacts) -> bool:
    return is_own_gemeente(user, evaluation) and user.role is Role.municipal_lead


def can_view_evaluation(user: Actor, evaluation: EvaluationFacts) -> bool:
    """The overview of an evaluation (its stage and progress): the gemeente's own users and its region.

    Peer reviewers see nothing of this overview: the peer team has its own pages (:func:`can_view_review`)."""
    return is_own_gemeente(user, evaluation) or can_view_rounds(user, evaluation.region_id)


def can_answer(user: Actor, evaluation: EvaluationFacts) -> bool:
    """Give one's own answers: the gemeente's lead and contributors, while the self-evaluation runs."""
    return is_own_gemeente(user, evaluation) and evaluation.status.is_editable


def can_see_individual_answers(user: Actor, evaluation: EvaluationFacts) -> bool:
    """Every contributor's answer, by name: the gemeente's own users only. Never peers, never the region."""
    return is_own_gemeente(user, evaluation)


def can_set_consensus(user: Actor, evaluation: EvaluationFacts) -> bool:
    return is_lead_of(user, evaluation) and evaluation.status.is_editable


def can_view_consensus(user: Actor, evaluation: EvaluationFacts, team: TeamFacts | None = None) -> bool:
    """The gemeente's own answers: its users always; the region and the peer team once the gemeente has
    submitted them (never the individual contributors' answers: :func:`can_see_individual_answers`)."""
    if is_own_gemeente(user, evaluation):
        return True
    if not evaluation.status.is_self_evaluation_done:
        return False
    return can_view_rounds(user, evaluation.region_id) or is_team_member(user, team)


def can_submit(user: Actor, evaluation: EvaluationFacts) -> bool:
    return can_set_consensus(user, evaluation)


def can_reopen(user: Actor, evaluation: EvaluationFacts) -> bool:
    """Only the region's coordinator reopens, one stage back, with a reason (see ``evaluations.TRANSITIONS``)."""
    return is_coordinator_of(user, evaluation.region_id) and evaluation.status is not EvaluationStatus.draft


def can_view_history(user: Actor, evaluation: EvaluationFacts) -> bool:
    """Who changed which answer when: the gemeente's lead (the region sees state changes on the round page)."""
    return is_lead_of(user, evaluation)


def can_invite_colleague(user: Actor, municipality_id: int | None) -> bool:
    """A gemeente's lead invites contributors of the same gemeente."""
    return (
        user.is_active
        and user.role is Role.municipal_lead
        and municipality_id is not None
        and user.municipality_id == municipality_id
    )


# ---------------------------------------------------------------- peer review


def is_team_member(user: Actor, team: TeamFacts | None) -> bool:
    """An active peer reviewer in the evaluation's peer team."""
    return team is not None and user.is_active and user.role is Role.peer_reviewer and team.has_member(user.id)


def is_chair(user: Actor, team: TeamFacts | None) -> bool:
    return is_team_member(user, team) and team is not None and team.chair_id == user.id


def can_view_team(user: Actor, evaluation: EvaluationFacts, team: TeamFacts | None) -> bool:
    """Who sits in the peer team: the region (admin included) and the team itself."""
    return can_view_rounds(user, evaluation.region_id) or is_team_member(user, team)


def can_form_team(user: Actor, evaluation: EvaluationFacts) -> bool:
    """The region coordinator forms the team once the self-evaluation is in, until the report is published."""
    return is_coordinator_of(user, evaluation.region_id) and evaluation.status in (
        EvaluationStatus.submitted, EvaluationStatus.in_peer_review)


def can_start_review(user: Actor, evaluation: EvaluationFacts, team: TeamFacts | None) -> bool:
    return (is_coordinator_of(user, evaluation.region_id) and evaluation.status is EvaluationStatus.submitted
            and team is not None and team.chair_id is not None)


def can_view_review(user: Actor, evaluation: EvaluationFacts, team: TeamFacts | None) -> bool:
    """The peer team's working pages (its scores, interviews, observations and draft report): the team only,
    from the moment the self-evaluation is in. Not the region, not the gemeente."""
    return is_team_member(user, team) and evaluation.status.is_self_evaluation_done


def _reviewing(user: Actor, evaluation: EvaluationFacts, team: TeamFacts | None) -> bool:
    return is_team_member(user, team) and evaluation.status is EvaluationStatus.in_peer_review


def can_score(user: Actor, evaluation: EvaluationFacts, team: TeamFacts | None) -> bool:
    """Save one's own scores: a member, during the peer review, until they have submitted them."""
    return _reviewing(user, evaluation, team) and team is not None and not team.has_submitted(user.id)


def can_see_member_scores(user: Actor, evaluation: EvaluationFacts, team: TeamFacts | None) -> bool:
    """Every member's own scores, by name: team members who submitted their own first (so nobody is swayed),
    and the whole team once the concept went to the gemeente (nobody scores any more). Never the region or the
    gemeente: they read the team's score."""
    if not is_team_member(user, team) or team is None or not evaluation.status.is_self_evaluation_done:
        return False
    return (team.has_submitted(user.id) or evaluation.status.is_report_published
            or evaluation.status.is_in_hearing)


def can_log_entries(user: Actor, evaluation: EvaluationFacts, team: TeamFacts | None) -> bool:
    """Log interviews and observations: every member during the peer review."""
    return _reviewing(user, evaluation, team)


def can_edit_entry(user: Actor, evaluation: EvaluationFacts, team: TeamFacts | None, author_id: int | None) -> bool:
    """Change or remove an entry: its author or the chair, during the peer review."""
    return _reviewing(user, evaluation, team) and (user.id == author_id or is_chair(user, team))


def can_set_team_scores(user: Actor, evaluation: EvaluationFacts, team: TeamFacts | None) -> bool:
    """The chair sets the team's scores, after submitting their own (so they too scored independently), during
    the review and, to take in a factual point, during the factual check."""
    return (is_chair(user, team) and team is not None and team.has_submitted(user.id)
            and evaluation.status in (EvaluationStatus.in_peer_review, EvaluationStatus.fact_check))


def can_write_report(user: Actor, evaluation: EvaluationFacts, team: TeamFacts | None) -> bool:
    """The judgement, strengths and recommendations: the chair, during the peer review and, to take in the
    gemeente's factual points, while the concept is with the gemeente for the factual check."""
    return (is_chair(user, team) and evaluation.status in (EvaluationStatus.in_peer_review,
                                                            EvaluationStatus.fact_check))


def can_send_concept(user: Actor, evaluation: EvaluationFacts, team: TeamFacts | None) -> bool:
    """The chair sends the team's concept to the gemeente for the factual check (hoor)."""
    return _reviewing(user, evaluation, team) and is_chair(user, team)


def can_read_concept(user: Actor, evaluation: EvaluationFacts, team: TeamFacts | None, *,
                     contributors_may_check: bool) -> bool:
    """The concept during hoor en wederhoor: the gemeente's lead (its contributors when the lead allows it), the
    region's coordinator, who runs the process, and the team members who may read the team's findings."""
    if not evaluation.status.is_in_hearing:
        return False
    if is_lead_of(user, evaluation) or is_coordinator_of(user, evaluation.region_id):
        return True
    if is_own_gemeente(user, evaluation):
        return contributors_may_check
    return can_read_team_findings(user, evaluation, team)


def can_write_points(user: Actor, evaluation: EvaluationFacts, *, contributors_may_check: bool) -> bool:
    """Factual points on the concept: the lead, and contributors when the lead allows it, during the check (the
    term and the gemeente's own "klaar" are in ``domain.hearing.point_refusal``)."""
    if evaluation.status is not EvaluationStatus.fact_check or not is_own_gemeente(user, evaluation):
        return False
    return is_lead_of(user, evaluation) or contributors_may_check


def can_manage_check(user: Actor, evaluation: EvaluationFacts) -> bool:
    """Whether contributors read along, and declaring the check done: the gemeente's lead."""
    return is_lead_of(user, evaluation) and evaluation.status is EvaluationStatus.fact_check


def can_answer_points(user: Actor, evaluation: EvaluationFacts, team: TeamFacts | None) -> bool:
    """The team's answer to each factual point, and closing the check: the chair."""
    return is_chair(user, team) and evaluation.status is EvaluationStatus.fact_check


def can_record_reaction(user: Actor, evaluation: EvaluationFacts) -> bool:
    """The college's reaction (bestuurlijk wederhoor): the gemeente's lead, on the corrected concept; it can be
    corrected until the report is published."""
    return is_lead_of(user, evaluation) and evaluation.status in (EvaluationStatus.corrected,
                                                                   EvaluationStatus.reacted)


def can_record_no_reaction(user: Actor, evaluation: EvaluationFacts) -> bool:
    """"Geen reactie ontvangen" after the term: the region's coordinator (``domain.hearing.no_reaction_refusal``)."""
    return is_coordinator_of(user, evaluation.region_id) and evaluation.status is EvaluationStatus.corrected


def can_extend_term(user: Actor, evaluation: EvaluationFacts) -> bool:
    """A longer term for the factual check or the reaction: the region's coordinator, with a reason."""
    return is_coordinator_of(user, evaluation.region_id) and evaluation.status in (EvaluationStatus.fact_check,
                                                                                  EvaluationStatus.corrected)


def can_write_afterword(user: Actor, evaluation: EvaluationFacts, team: TeamFacts | None) -> bool:
    """The team's nawoord on the college's reaction: the chair, before publication."""
    return is_chair(user, team) and evaluation.status is EvaluationStatus.reacted


def can_publish(user: Actor, evaluation: EvaluationFacts, team: TeamFacts | None) -> bool:
    """Publication, after hoor en wederhoor: the chair."""
    return is_chair(user, team) and evaluation.status is EvaluationStatus.reacted


def can_read_team_findings(user: Actor, evaluation: EvaluationFacts, team: TeamFacts | None) -> bool:
    """The team's scores with their motivations and the draft report: members who submitted their own scores
    (the chair too: a chair named late has not necessarily scored); before that they would sway a member's own
    judgement. Once the concept went to the gemeente, the whole team. The chair may write the report before
    (:func:`can_write_report`)."""
    if not is_team_member(user, team) or team is None or not evaluation.status.is_self_evaluation_done:
        return False
    return (team.has_submitted(user.id) or evaluation.status.is_report_published
            or evaluation.status.is_in_hearing)


def can_view_report(user: Actor, evaluation: EvaluationFacts, team: TeamFacts | None) -> bool:
    """The published report: the gemeente, its region and the team. The team reads the draft as soon as
    :func:`can_read_team_findings` allows."""
    if can_read_team_findings(user, evaluation, team):
        return True
    if not evaluation.status.is_report_published:
        return False
    return is_own_gemeente(user, evaluation) or can_view_rounds(user, evaluation.region_id)


def can_close(user: Actor, evaluation: EvaluationFacts) -> bool:
    return is_coordinator_of(user, evaluation.region_id) and evaluation.status is EvaluationStatus.published


def can_set_review_rules(user: Actor, region_id: int) -> bool:
    """How the region handles reciprocal review: the administrator or the region's coordinator."""
    return is_admin(user) or is_coordinator_of(user, region_id)


def can_declare_conflicts(user: Actor) -> bool:
    return user.is_active and user.role is Role.peer_reviewer


# ---------------------------------------------------------------- verbeterplan and voortgangsreview
#
# The plan's stage (``plans.plan_stage``: not started, running, progress review) is passed in by the caller, who
# knows the round's plan period and today's date.


def can_view_plan(user: Actor, evaluation: EvaluationFacts, team: TeamFacts | None) -> bool:
    """The improvement plan: once the report is published, the gemeente itself, its region and the peer team.
    Other gemeenten (and peers of other teams) see nothing."""
    if not evaluation.status.is_report_published:
        return False
    return (is_own_gemeente(user, evaluation) or can_view_rounds(user, evaluation.region_id)
            or is_team_member(user, team))


def can_edit_plan(user: Actor, evaluation: EvaluationFacts, stage: PlanStage) -> bool:
    """Actions, statuses, progress notes and targets: the gemeente's lead and contributors, while the plan runs
    (after publication, until the round's plan period is over)."""
    return is_own_gemeente(user, evaluation) and stage is PlanStage.running


def can_record_verdicts(user: Actor, evaluation: EvaluationFacts, team: TeamFacts | None, stage: PlanStage) -> bool:
    """The voortgangsreview: the peer team's chair, after the plan's period."""
    return is_chair(user, team) and stage is PlanStage.progress_review and evaluation.status.is_report_published


# ---------------------------------------------------------------- results (issue 6)


def can_view_results(user: Actor, evaluation: EvaluationFacts, team: TeamFacts | None) -> bool:
    """The result page (self versus peer, profile, levers, benchmark, trend): once the report is published, the
    gemeente's own users, its region's coordinator, the admin and the peer team. The benchmark on it never names
    another gemeente, whoever looks."""
    if not evaluation.status.is_report_published:
        return False
    return (is_own_gemeente(user, evaluation) or can_view_rounds(user, evaluation.region_id)
            or is_team_member(user, team))


def can_view_region_results(user: Actor, region_id: int) -> bool:
    """The region's overview of a round, with every member's peer scores by name: its coordinator and the admin."""
    return can_view_rounds(user, region_id)


def can_export_national(user: Actor) -> bool:
    """The national overview (every published report of every region, gemeenten by name, for the Rijk's
    recommendations and the national spread): the administrator only, not the region coordinators."""
    return is_admin(user)
