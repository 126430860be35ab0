"""Who may do what in the peer review: the whole matrix over every stage, on plain objects, and the rules that
matter most spelled out one by one."""

from __future__ import annotations

import pytest

from peerreview.domain import permissions as p
from peerreview.domain.evaluations import EvaluationStatus
from peerreview.domain.reviews import NO_TEAM, TeamFacts
from peerreview.domain.roles import Role
from tests.domain.people import (
    ADMIN,
    CHAIR,
    CONTRIBUTOR,
    COORD_NORTH,
    COORD_SOUTH,
    INACTIVE_MEMBER,
    LATE_MEMBER,
    LEAD,
    LEAD_B,
    LEAD_IN_TEAM,
    MEMBER,
    NORTH,
    PEER,
    PEER_FROM_A,
    TEAM,
    U,
    at,
)

S = EvaluationStatus



INACTIVE_COORD = U(37, Role.region_coordinator, region_id=NORTH, is_active=False)
INACTIVE_LEAD = U(38, Role.municipal_lead, municipality_id=10, is_active=False)


PEOPLE = {
    "admin": ADMIN, "coordinator": COORD_NORTH, "other coordinator": COORD_SOUTH, "lead": LEAD,
    "contributor": CONTRIBUTOR, "chair": CHAIR, "member": MEMBER, "late member": LATE_MEMBER,
    "inactive member": INACTIVE_MEMBER, "lead in team": LEAD_IN_TEAM, "outside peer": PEER,
    "peer from A": PEER_FROM_A, "lead of B": LEAD_B, "inactive coordinator": INACTIVE_COORD,
    "inactive lead": INACTIVE_LEAD,
}

NOBODY: set[str] = set()
TEAM_ALL = {"chair", "member", "late member"}
GEMEENTE = {"lead", "contributor"}
REGION = {"admin", "coordinator"}
BEFORE_REVIEW = (S.draft, S.submitted)
HEARING = (S.fact_check, S.corrected, S.reacted)
AFTER_DRAFT = (S.submitted, S.in_peer_review, *HEARING, S.published, S.closed)
PUBLISHED = (S.published, S.closed)


def expect(**by_status: set[str]) -> dict[EvaluationStatus, set[str]]:
    """Who may, per stage; stages not named: nobody."""
    return {status: by_status.get(status.value, NOBODY) for status in S}


def same(who: set[str], statuses: tuple[EvaluationStatus, ...] = tuple(S)) -> dict[EvaluationStatus, set[str]]:
    return {status: (who if status in statuses else NOBODY) for status in S}


#: rule taking (user, evaluation, team) -> who may, per stage
TEAM_RULES = {
    p.can_view_team: same(REGION | TEAM_ALL),
    p.can_view_review: same(TEAM_ALL, AFTER_DRAFT),
    p.can_score: expect(in_peer_review={"late member"}),
    # those who submitted their own (once the self-evaluation is in), and the whole team once the report is out
    # (nobody scores once the concept went to the gemeente)
    p.can_see_member_scores: expect(submitted={"chair", "member"}, in_peer_review={"chair", "member"},
                                    fact_check=TEAM_ALL, corrected=TEAM_ALL, reacted=TEAM_ALL, published=TEAM_ALL,
                                    closed=TEAM_ALL),
    p.can_log_entries: expect(in_peer_review=TEAM_ALL),
    # the chair takes in factual points: the text and the team's scores change during the factual check too
    p.can_set_team_scores: expect(in_peer_review={"chair"}, fact_check={"chair"}),
    p.can_write_report: expect(in_peer_review={"chair"}, fact_check={"chair"}),
    p.can_send_concept: expect(in_peer_review={"chair"}),
    p.can_answer_points: expect(fact_check={"chair"}),
    p.can_write_afterword: expect(reacted={"chair"}),
    p.can_publish: expect(reacted={"chair"}),
    # before publication: the chair and those who submitted their own scores (the draft would sway the others);
    # from the concept on, the whole team; the gemeente and region read the concept on its own terms (below)
    p.can_view_report: expect(submitted={"chair", "member"}, in_peer_review={"chair", "member"},
                              fact_check=TEAM_ALL, corrected=TEAM_ALL, reacted=TEAM_ALL,
                              published=TEAM_ALL | GEMEENTE | REGION, closed=TEAM_ALL | GEMEENTE | REGION),
    p.can_start_review: expect(submitted={"coordinator"}),
    p.can_view_consensus: expect(draft=GEMEENTE, submitted=GEMEENTE | REGION | TEAM_ALL,
                                 in_peer_review=GEMEENTE | REGION | TEAM_ALL,
                                 fact_check=GEMEENTE | REGION | TEAM_ALL, corrected=GEMEENTE | REGION | TEAM_ALL,
                                 reacted=GEMEENTE | REGION | TEAM_ALL,
                                 published=GEMEENTE | REGION | TEAM_ALL, closed=GEMEENTE | REGION | TEAM_ALL),
}

#: rule taking (user, evaluation) -> who may, per stage
EVALUATION_RULES = {
    p.can_form_team: same({"coordinator"}, (S.submitted, S.in_peer_review)),
    p.can_record_reaction: expect(corrected={"lead"}, reacted={"lead"}),
    p.can_record_no_reaction: expect(corrected={"coordinator"}),
    p.can_extend_term: expect(fact_check={"coordinator"}, corrected={"coordinator"}),
    p.can_manage_check: expect(fact_check={"lead"}),
    p.can_close: expect(published={"coordinator"}),
    p.can_reopen: same({"coordinator"}, AFTER_DRAFT),
}


@pytest.mark.parametrize("status", list(S), ids=str)
@pytest.mark.parametrize("rule", list(TEAM_RULES), ids=lambda rule: rule.__name__)
def test_the_team_matrix(rule, status) -> None:
    granted = {name for name, person in PEOPLE.items() if rule(person, at(status), TEAM)}
    assert granted == TEAM_RULES[rule][status]


@pytest.mark.parametrize("status", list(S), ids=str)
@pytest.mark.parametrize("rule", list(EVALUATION_RULES), ids=lambda rule: rule.__name__)
def test_the_evaluation_matrix(rule, status) -> None:
    granted = {name for name, person in PEOPLE.items() if rule(person, at(status))}
    assert granted == EVALUATION_RULES[rule][status]


# ---------------------------------------------------------------- membership


def test_team_membership() -> None:
    assert p.is_team_member(CHAIR, TEAM) and p.is_team_member(MEMBER, TEAM) and p.is_team_member(LATE_MEMBER, TEAM)
    assert not p.is_team_member(PEER, TEAM)  # a reviewer outside the team
    assert not p.is_team_member(INACTIVE_MEMBER, TEAM)  # listed, but the account is switched off
    assert not p.is_team_member(LEAD_IN_TEAM, TEAM)  # listed, but not a peer reviewer
    assert not p.is_team_member(CHAIR, None) and not p.is_team_member(CHAIR, NO_TEAM)


def test_the_chair() -> None:
    assert p.is_chair(CHAIR, TEAM)
    assert not p.is_chair(MEMBER, TEAM) and not p.is_chair(PEER, TEAM) and not p.is_chair(CHAIR, None)
    no_chair = TeamFacts(member_ids=frozenset({CHAIR.id}))
    assert not p.is_chair(CHAIR, no_chair)
    outsider_as_chair = TeamFacts(member_ids=frozenset({MEMBER.id}), chair_id=PEER.id)
    assert not p.is_chair(PEER, outsider_as_chair)  # the chair must be a member
    inactive_chair = TeamFacts(member_ids=frozenset({INACTIVE_MEMBER.id}), chair_id=INACTIVE_MEMBER.id,
                               submitted_ids=frozenset({INACTIVE_MEMBER.id}))
    assert not p.is_chair(INACTIVE_MEMBER, inactive_chair)
    assert not p.can_set_team_scores(INACTIVE_MEMBER, at(S.in_peer_review), inactive_chair)


@pytest.mark.parametrize("person", [PEER, PEER_FROM_A, INACTIVE_MEMBER, LEAD_IN_TEAM],
                         ids=["outside peer", "peer from A", "inactive member", "lead in team"])
def test_nobody_outside_the_team_gets_any_team_right(person) -> None:
    for status in S:
        evaluation = at(status)
        for rule in TEAM_RULES:
            assert not rule(person, evaluation, TEAM), (rule.__name__, status)
        assert not p.can_edit_entry(person, evaluation, TEAM, person.id)
        assert not p.can_view_evaluation(person, evaluation)
        assert not p.can_see_individual_answers(person, evaluation)


def test_without_a_team_nobody_reviews() -> None:
    for status in S:
        for team in (None, NO_TEAM):
            for rule in (p.can_view_review, p.can_score, p.can_see_member_scores, p.can_log_entries,
                         p.can_set_team_scores, p.can_write_report, p.can_publish):
                assert not rule(CHAIR, at(status), team)
            assert not p.can_view_report(CHAIR, at(status), team)
            assert not p.can_view_team(CHAIR, at(status), team)
            assert p.can_view_team(COORD_NORTH, at(status), team)  # the region still sees there is none


# ---------------------------------------------------------------- member scores


def test_a_member_sees_the_others_scores_only_after_submitting_their_own() -> None:
    review = at(S.in_peer_review)
    before = TeamFacts(member_ids=frozenset({CHAIR.id, MEMBER.id}), chair_id=CHAIR.id,
                       submitted_ids=frozenset({CHAIR.id}))
    assert not p.can_see_member_scores(MEMBER, review, before)
    assert p.can_score(MEMBER, review, before)
    after = TeamFacts(member_ids=before.member_ids, chair_id=CHAIR.id, submitted_ids=frozenset({CHAIR.id, MEMBER.id}))
    assert p.can_see_member_scores(MEMBER, review, after)
    assert not p.can_score(MEMBER, review, after)  # submitted scores are final


def test_the_whole_team_sees_member_scores_once_the_report_is_out() -> None:
    nobody_submitted = TeamFacts(member_ids=frozenset({CHAIR.id, MEMBER.id}), chair_id=CHAIR.id)
    assert not p.can_see_member_scores(MEMBER, at(S.in_peer_review), nobody_submitted)
    for status in PUBLISHED:
        assert p.can_see_member_scores(MEMBER, at(status), nobody_submitted)
        assert p.can_see_member_scores(CHAIR, at(status), nobody_submitted)


@pytest.mark.parametrize("status", list(S), ids=str)
def test_the_region_and_the_gemeente_never_see_member_scores(status) -> None:
    for person in (ADMIN, COORD_NORTH, COORD_SOUTH, LEAD, CONTRIBUTOR, PEER_FROM_A):
        assert not p.can_see_member_scores(person, at(status), TEAM)


def test_scoring_only_during_the_peer_review() -> None:
    for status in S:
        assert p.can_score(LATE_MEMBER, at(status), TEAM) is (status is S.in_peer_review)
        assert p.can_log_entries(MEMBER, at(status), TEAM) is (status is S.in_peer_review)


# ---------------------------------------------------------------- the chair's actions


def test_team_scores_need_the_chair_to_have_submitted_their_own() -> None:
    review = at(S.in_peer_review)
    not_yet = TeamFacts(member_ids=frozenset({CHAIR.id, MEMBER.id}), chair_id=CHAIR.id,
                        submitted_ids=frozenset({MEMBER.id}))
    assert not p.can_set_team_scores(CHAIR, review, not_yet)
    assert p.can_write_report(CHAIR, review, not_yet)  # the report does not wait for the chair's own scores
    assert p.can_send_concept(CHAIR, review, not_yet)
    assert p.can_score(CHAIR, review, not_yet)  # the chair scores like any member
    done = TeamFacts(member_ids=not_yet.member_ids, chair_id=CHAIR.id, submitted_ids=frozenset({CHAIR.id}))
    assert p.can_set_team_scores(CHAIR, review, done)
    assert not p.can_set_team_scores(MEMBER, review, TEAM)  # a member who submitted is still not the chair


def test_chair_only_actions_refuse_members_and_the_region() -> None:
    review = at(S.in_peer_review)
    for rule in (p.can_set_team_scores, p.can_write_report, p.can_send_concept):
        assert rule(CHAIR, review, TEAM)
        for person in (MEMBER, LATE_MEMBER, PEER, COORD_NORTH, ADMIN, LEAD):
            assert not rule(person, review, TEAM), (rule.__name__, person)
        for status in (S.submitted, S.published, S.closed):
            assert not rule(CHAIR, at(status), TEAM), (rule.__name__, status)


def test_an_entry_is_changed_by_its_author_or_the_chair_during_the_review() -> None:
    review = at(S.in_peer_review)
    assert p.can_edit_entry(MEMBER, review, TEAM, MEMBER.id)
    assert not p.can_edit_entry(MEMBER, review, TEAM, LATE_MEMBER.id)
    assert p.can_edit_entry(CHAIR, review, TEAM, MEMBER.id)
    assert p.can_edit_entry(CHAIR, review, TEAM, None)  # an entry whose author left
    assert not p.can_edit_entry(MEMBER, review, TEAM, None)
    assert not p.can_edit_entry(PEER, review, TEAM, PEER.id)  # authored it, but is no longer in the team
    assert not p.can_edit_entry(COORD_NORTH, review, TEAM, MEMBER.id)
    for status in (S.draft, S.submitted, S.published, S.closed):
        assert not p.can_edit_entry(MEMBER, at(status), TEAM, MEMBER.id)
        assert not p.can_edit_entry(CHAIR, at(status), TEAM, MEMBER.id)


# ---------------------------------------------------------------- the report


def test_the_gemeente_reads_the_report_only_after_publication() -> None:
    for person in (LEAD, CONTRIBUTOR):
        for status in (S.draft, S.submitted, S.in_peer_review):
            assert not p.can_view_report(person, at(status), TEAM)
        for status in PUBLISHED:
            assert p.can_view_report(person, at(status), TEAM)
            assert p.can_view_report(person, at(status), None)  # whatever becomes of the team
    assert not p.can_view_report(LEAD_B, at(S.published), TEAM)  # another gemeente
    assert not p.can_view_report(INACTIVE_LEAD, at(S.published), TEAM)


def test_the_region_reads_the_report_after_publication_and_another_region_never() -> None:
    for status in S:
        published = status in PUBLISHED
        assert p.can_view_report(COORD_NORTH, at(status), TEAM) is published
        assert p.can_view_report(ADMIN, at(status), TEAM) is published
        assert not p.can_view_report(COORD_SOUTH, at(status), TEAM)
        assert not p.can_view_report(INACTIVE_COORD, at(status), TEAM)


def test_the_team_reads_its_draft_report_once_it_scored_on_its_own() -> None:
    assert not p.can_view_report(MEMBER, at(S.draft), TEAM)
    for status in AFTER_DRAFT:
        assert p.can_view_report(MEMBER, at(status), TEAM)
        assert p.can_read_team_findings(CHAIR, at(status), TEAM)
    for status in (S.submitted, S.in_peer_review):  # the late member has not submitted yet
        assert not p.can_view_report(LATE_MEMBER, at(status), TEAM)
        assert not p.can_read_team_findings(LATE_MEMBER, at(status), TEAM)
    for status in (S.published, S.closed):
        assert p.can_view_report(LATE_MEMBER, at(status), TEAM)
    chair_only = TeamFacts(member_ids=TEAM.member_ids, chair_id=CHAIR.id, submitted_ids=frozenset())
    # a chair named late, who has not scored, reads no findings either, but writes the report
    assert not p.can_read_team_findings(CHAIR, at(S.in_peer_review), chair_only)
    assert p.can_write_report(CHAIR, at(S.in_peer_review), chair_only)


@pytest.mark.parametrize("allowed", [False, True], ids=["lead only", "contributors allowed"])
@pytest.mark.parametrize("status", list(S), ids=str)
def test_the_concept_matrix(status, allowed) -> None:
    """The concept: the lead (contributors when the lead allows), the coordinator who runs the process and the
    whole team, during hoor en wederhoor only; factual points: the lead (and contributors), during the check."""
    readers = {name for name, person in PEOPLE.items()
               if p.can_read_concept(person, at(status), TEAM, contributors_may_check=allowed)}
    writers = {name for name, person in PEOPLE.items()
               if p.can_write_points(person, at(status), contributors_may_check=allowed)}
    gemeente = GEMEENTE if allowed else {"lead"}
    assert readers == (gemeente | {"coordinator"} | TEAM_ALL if status in HEARING else NOBODY)
    assert writers == (gemeente if status is S.fact_check else NOBODY)


def test_only_the_lead_records_the_colleges_reaction_on_the_corrected_concept() -> None:
    assert p.can_record_reaction(LEAD, at(S.corrected)) and p.can_record_reaction(LEAD, at(S.reacted))
    for status in (S.fact_check, S.published, S.closed, S.in_peer_review):
        assert not p.can_record_reaction(LEAD, at(status))
    for person in (CONTRIBUTOR, LEAD_B, INACTIVE_LEAD, COORD_NORTH, ADMIN, CHAIR):
        assert not p.can_record_reaction(person, at(S.corrected))


def test_only_the_regions_coordinator_closes_a_published_report() -> None:
    assert p.can_close(COORD_NORTH, at(S.published))
    for status in (S.draft, S.submitted, S.in_peer_review, S.closed):
        assert not p.can_close(COORD_NORTH, at(status))
    for person in (COORD_SOUTH, INACTIVE_COORD, ADMIN, LEAD, CHAIR):
        assert not p.can_close(person, at(S.published))


# ---------------------------------------------------------------- forming and starting


def test_the_team_is_formed_only_while_submitted_or_in_peer_review() -> None:
    for status in S:
        allowed = status in (S.submitted, S.in_peer_review)
        assert p.can_form_team(COORD_NORTH, at(status)) is allowed
        assert not p.can_form_team(COORD_SOUTH, at(status))
        assert not p.can_form_team(ADMIN, at(status))
        assert not p.can_form_team(INACTIVE_COORD, at(status))


def test_the_review_starts_only_with_a_chair() -> None:
    submitted = at(S.submitted)
    assert p.can_start_review(COORD_NORTH, submitted, TEAM)
    assert not p.can_start_review(COORD_NORTH, submitted, None)
    assert not p.can_start_review(COORD_NORTH, submitted, NO_TEAM)
    members_only = TeamFacts(member_ids=frozenset({CHAIR.id, MEMBER.id}))
    assert not p.can_start_review(COORD_NORTH, submitted, members_only)
    assert not p.can_start_review(COORD_SOUTH, submitted, TEAM)
    assert not p.can_start_review(CHAIR, submitted, TEAM)  # the coordinator starts it, not the chair
    assert not p.can_start_review(COORD_NORTH, at(S.in_peer_review), TEAM)  # already started


# ---------------------------------------------------------------- the changed rules


def test_the_team_sees_the_gemeentes_answers_only_once_submitted() -> None:
    assert not p.can_view_consensus(MEMBER, at(S.draft), TEAM)
    assert not p.can_view_consensus(CHAIR, at(S.draft), TEAM)
    for status in AFTER_DRAFT:
        assert p.can_view_consensus(MEMBER, at(status), TEAM)
        assert p.can_view_consensus(LATE_MEMBER, at(status), TEAM)
        assert not p.can_view_consensus(PEER, at(status), TEAM)  # not in the team
        assert not p.can_view_consensus(MEMBER, at(status), None)  # no team passed: no team rights
        assert not p.can_view_consensus(INACTIVE_MEMBER, at(status), TEAM)
        assert not p.can_view_consensus(COORD_SOUTH, at(status), TEAM)


def test_can_view_consensus_without_a_team_keeps_its_old_behaviour() -> None:
    assert p.can_view_consensus(LEAD, at(S.draft)) and p.can_view_consensus(CONTRIBUTOR, at(S.draft))
    assert not p.can_view_consensus(COORD_NORTH, at(S.draft))
    assert p.can_view_consensus(COORD_NORTH, at(S.submitted)) and p.can_view_consensus(ADMIN, at(S.submitted))


@pytest.mark.parametrize("status", list(S), ids=str)
def test_the_coordinator_reopens_in_every_stage_but_the_draft(status) -> None:
    assert p.can_reopen(COORD_NORTH, at(status)) is (status is not S.draft)
    for person in (COORD_SOUTH, INACTIVE_COORD, ADMIN, LEAD, CHAIR):
        assert not p.can_reopen(person, at(status))


# ---------------------------------------------------------------- region settings and declarations


def test_review_rules_are_set_by_the_admin_or_the_regions_coordinator() -> None:
    assert p.can_set_review_rules(ADMIN, NORTH) and p.can_set_review_rules(COORD_NORTH, NORTH)
    assert not p.can_set_review_rules(COORD_SOUTH, NORTH)
    assert not p.can_set_review_rules(INACTIVE_COORD, NORTH)
    assert not any(p.can_set_review_rules(u, NORTH) for u in (LEAD, CHAIR, PEER))


def test_only_active_peer_reviewers_declare_conflicts() -> None:
    assert p.can_declare_conflicts(PEER) and p.can_declare_conflicts(CHAIR)
    assert not p.can_declare_conflicts(INACTIVE_MEMBER)
    assert not any(p.can_declare_conflicts(u) for u in (ADMIN, COORD_NORTH, LEAD, CONTRIBUTOR))
