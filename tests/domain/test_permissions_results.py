"""Who reads results, the region's overview of a round, a region's page in Beheer and the audit log: on plain
objects, over every role, the own and another gemeente or region, every evaluation status, and switched-off
accounts."""

from __future__ import annotations

import pytest

from peerreview.domain import permissions as p
from peerreview.domain.evaluations import EvaluationStatus
from peerreview.domain.reviews import NO_TEAM
from peerreview.domain.roles import Role
from tests.domain.people import (
    ADMIN,
    CHAIR,
    CONTRIBUTOR,
    COORD_NORTH,
    COORD_NORTH_2,
    COORD_SOUTH,
    INACTIVE_MEMBER,
    LATE_MEMBER,
    LEAD,
    LEAD_B,
    LEAD_IN_TEAM,
    MEMBER,
    NORTH,
    OTHER_ADMIN,
    PEER,
    PEER_FROM_A,
    SOUTH,
    TEAM,
    E,
    U,
    at,
)

S = EvaluationStatus



CONTRIBUTOR_B = U(37, Role.municipal_contributor, municipality_id=12)
INACTIVE_LEAD = U(38, Role.municipal_lead, municipality_id=10, is_active=False)
INACTIVE_CONTRIBUTOR = U(39, Role.municipal_contributor, municipality_id=10, is_active=False)
INACTIVE_COORD = U(40, Role.region_coordinator, region_id=NORTH, is_active=False)
INACTIVE_ADMIN = U(41, Role.admin, is_active=False)
COORD_WITHOUT_REGION = U(42, Role.region_coordinator)


PEOPLE = {
    "admin": ADMIN, "other admin": OTHER_ADMIN, "inactive admin": INACTIVE_ADMIN,
    "coordinator": COORD_NORTH, "second coordinator": COORD_NORTH_2, "other coordinator": COORD_SOUTH,
    "inactive coordinator": INACTIVE_COORD, "coordinator without region": COORD_WITHOUT_REGION,
    "lead": LEAD, "contributor": CONTRIBUTOR, "inactive lead": INACTIVE_LEAD,
    "inactive contributor": INACTIVE_CONTRIBUTOR, "lead of B": LEAD_B, "contributor of B": CONTRIBUTOR_B,
    "chair": CHAIR, "member": MEMBER, "late member": LATE_MEMBER, "inactive member": INACTIVE_MEMBER,
    "lead in team": LEAD_IN_TEAM, "outside peer": PEER, "peer from A": PEER_FROM_A,
}

NOBODY: set[str] = set()
ADMINS = {"admin", "other admin"}
REGION = ADMINS | {"coordinator", "second coordinator"}  # of NORTH, active
GEMEENTE = {"lead", "contributor"}
TEAM_ALL = {"chair", "member", "late member"}  # active peer reviewers in the team, submitted or not


def who(rule) -> set[str]:
    return {name for name, user in PEOPLE.items() if rule(user)}


# ---------------------------------------------------------------- the result page


@pytest.mark.parametrize(("status", "expected"), [
    (S.draft, NOBODY),
    (S.submitted, NOBODY),
    (S.in_peer_review, NOBODY),  # the team reads its draft report elsewhere; results only once it is out
    (S.published, GEMEENTE | REGION | TEAM_ALL),
    (S.closed, GEMEENTE | REGION | TEAM_ALL),
])
def test_who_sees_the_results(status, expected):
    assert who(lambda u: p.can_view_results(u, at(status), TEAM)) == expected


def test_without_a_team_no_peer_sees_the_results():
    for team in (None, NO_TEAM):
        assert who(lambda u: p.can_view_results(u, at(S.published), team)) == GEMEENTE | REGION  # noqa: B023


def test_the_results_of_a_gemeente_in_another_region():
    """Gemeente 12 in SOUTH: its own people and SOUTH's coordinator; NORTH's coordinator nothing."""
    south = E(12, SOUTH, S.published)
    assert who(lambda u: p.can_view_results(u, south, NO_TEAM)) == ADMINS | {"other coordinator", "lead of B",
                                                                              "contributor of B"}


# ---------------------------------------------------------------- the region's overview of a round


@pytest.mark.parametrize(("region_id", "expected"), [
    (NORTH, REGION),
    (SOUTH, ADMINS | {"other coordinator"}),
    (99, ADMINS),  # a region without a coordinator
])
def test_who_sees_the_regions_overview_with_every_members_scores(region_id, expected):
    assert who(lambda u: p.can_view_region_results(u, region_id)) == expected


def test_a_coordinator_without_a_region_sees_no_regions_overview():
    assert not p.can_view_region_results(COORD_WITHOUT_REGION, None)
    assert not p.can_view_region(COORD_WITHOUT_REGION, None)


# ---------------------------------------------------------------- a region's page in Beheer


@pytest.mark.parametrize(("region_id", "expected"), [
    (NORTH, REGION),
    (SOUTH, ADMINS | {"other coordinator"}),
    (99, ADMINS),
])
def test_who_opens_a_regions_page_in_beheer(region_id, expected):
    assert who(lambda u: p.can_view_region(u, region_id)) == expected


# ---------------------------------------------------------------- the audit log


def test_only_an_active_administrator_reads_the_audit_log():
    assert who(p.can_read_audit) == ADMINS
