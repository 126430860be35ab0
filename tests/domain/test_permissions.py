"""The rules in domain.permissions, on plain objects."""

import pytest

from peerreview.domain import permissions as p
from peerreview.domain.roles import Role
from tests.domain.people import ADMIN, CONTRIBUTOR, COORD_NORTH, COORD_SOUTH, LEAD, NORTH, PEER, SOUTH, U


def test_only_admin_and_coordinators_open_administration():
    assert p.can_open_administration(ADMIN)
    assert p.can_open_administration(COORD_NORTH)
    for user in (LEAD, CONTRIBUTOR, PEER):
        assert not p.can_open_administration(user)


def test_inactive_users_have_no_rights():
    inactive_admin = U(9, Role.admin, is_active=False)
    assert not p.can_open_administration(inactive_admin)
    assert not p.can_create_region(inactive_admin)
    assert p.assignable_roles(inactive_admin) == ()


def test_coordinator_manages_members_of_own_region_only():
    assert p.can_manage_members(COORD_NORTH, NORTH)
    assert not p.can_manage_members(COORD_NORTH, SOUTH)
    assert p.can_manage_members(ADMIN, SOUTH)
    assert not p.can_manage_members(LEAD, NORTH)


def test_regions_and_gemeenten_themselves_are_kept_by_the_admin():
    assert p.can_create_region(ADMIN) and not p.can_create_region(COORD_NORTH)
    assert p.can_edit_region(ADMIN, NORTH) and not p.can_edit_region(COORD_NORTH, NORTH)
    assert p.can_create_municipality(ADMIN) and not p.can_create_municipality(COORD_NORTH)
    assert p.can_edit_municipality(ADMIN) and not p.can_edit_municipality(COORD_NORTH)


def test_municipality_visible_to_coordinators_of_its_regions():
    assert p.can_view_municipality(COORD_NORTH, {NORTH, SOUTH})
    assert not p.can_view_municipality(COORD_NORTH, {SOUTH})
    assert not p.can_view_municipality(COORD_NORTH, set())
    assert p.can_view_municipality(ADMIN, set())
    assert not p.can_view_municipality(LEAD, {NORTH})


def test_assignable_roles():
    assert set(p.assignable_roles(ADMIN)) == set(Role)
    assert Role.admin not in p.assignable_roles(COORD_NORTH)
    assert p.assignable_roles(LEAD) == ()
    assert p.assignable_roles(PEER) == ()


@pytest.mark.parametrize(
    ("role", "region_id", "municipality_regions", "allowed"),
    [
        (Role.municipal_lead, None, {NORTH}, True),
        (Role.municipal_lead, None, {SOUTH}, False),
        (Role.municipal_lead, None, {SOUTH, NORTH}, True),
        (Role.peer_reviewer, None, set(), False),
        (Role.region_coordinator, NORTH, set(), True),
        (Role.region_coordinator, SOUTH, set(), False),
        (Role.admin, None, set(), False),
    ],
)
def test_coordinator_assigns_within_own_region(role, region_id, municipality_regions, allowed):
    assert p.can_assign(COORD_NORTH, role, region_id=region_id,
                        municipality_region_ids=municipality_regions) is allowed


def test_coordinator_never_manages_an_admin_or_another_regions_users():
    assert not p.can_manage_user(COORD_NORTH, ADMIN, target_municipality_region_ids=set())
    assert not p.can_manage_user(COORD_NORTH, COORD_SOUTH, target_municipality_region_ids=set())
    assert p.can_manage_user(COORD_NORTH, LEAD, target_municipality_region_ids={NORTH})
    assert not p.can_manage_user(COORD_NORTH, LEAD, target_municipality_region_ids={SOUTH})
    assert p.can_manage_user(ADMIN, COORD_SOUTH, target_municipality_region_ids=set())


def test_nobody_changes_their_own_standing():
    assert not p.can_change_own_standing(ADMIN, ADMIN)
    assert p.can_change_own_standing(ADMIN, COORD_NORTH)


def test_coordinator_adds_only_gemeenten_that_belong_to_no_other_region():
    assert p.can_add_member(COORD_NORTH, NORTH, set())
    assert p.can_add_member(COORD_NORTH, NORTH, {NORTH})
    assert not p.can_add_member(COORD_NORTH, NORTH, {SOUTH})
    assert not p.can_add_member(COORD_NORTH, SOUTH, set())
    assert p.can_add_member(ADMIN, NORTH, {SOUTH})
    assert not p.can_add_member(LEAD, NORTH, set())


def test_every_active_user_reads_questionnaires_but_drafts_are_for_administrators():
    for user in (ADMIN, COORD_NORTH, LEAD, CONTRIBUTOR, PEER):
        assert p.can_view_questionnaire(user, is_draft=False)
        assert p.can_view_questionnaire(user, is_draft=True) == (user is ADMIN)
        assert p.can_see_questionnaire_fingerprints(user) == (user is ADMIN)
    assert not p.can_view_questionnaire(U(9, Role.municipal_lead, municipality_id=10, is_active=False),
                                        is_draft=False)
