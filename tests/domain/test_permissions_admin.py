"""The rules the Beheer area adds to domain.permissions, and the account status it shows."""

import pytest

from peerreview.domain import permissions as p
from peerreview.domain.accounts import AccountStatus, account_status
from peerreview.domain.roles import Role
from tests.domain.people import ADMIN, COORD_NORTH, COORD_NORTH_2, COORD_SOUTH, LEAD, NORTH, OTHER_ADMIN, PEER, SOUTH, U


def test_only_admin_deletes_a_region_and_only_without_coordinators():
    assert p.can_delete_region(ADMIN, NORTH, coordinator_count=0)
    assert not p.can_delete_region(ADMIN, NORTH, coordinator_count=1)
    assert not p.can_delete_region(COORD_NORTH, NORTH, coordinator_count=0)
    assert not p.can_delete_region(LEAD, NORTH, coordinator_count=0)


@pytest.mark.parametrize(
    ("user", "target", "regions", "new_role", "allowed"),
    [
        (ADMIN, ADMIN, set(), Role.admin, True),  # saving one's own account unchanged
        (ADMIN, ADMIN, set(), Role.municipal_lead, False),  # no self-demotion
        (ADMIN, OTHER_ADMIN, set(), Role.region_coordinator, True),
        (COORD_NORTH, COORD_NORTH, set(), Role.region_coordinator, True),
        (COORD_NORTH, COORD_NORTH, set(), Role.municipal_lead, False),
        (COORD_NORTH, LEAD, {NORTH}, Role.peer_reviewer, True),
        (COORD_NORTH, LEAD, {SOUTH}, Role.peer_reviewer, False),  # not theirs to manage
        (COORD_NORTH, ADMIN, set(), Role.admin, False),
        (LEAD, LEAD, {NORTH}, Role.municipal_lead, False),  # gemeente users manage nobody
    ],
)
def test_can_change_role(user, target, regions, new_role, allowed):
    assert p.can_change_role(user, target, new_role, target_municipality_region_ids=regions) is allowed


def test_nobody_switches_off_their_own_account():
    assert not p.can_set_active(ADMIN, ADMIN, target_municipality_region_ids=set())
    assert not p.can_set_active(COORD_NORTH, COORD_NORTH, target_municipality_region_ids=set())
    assert p.can_set_active(ADMIN, OTHER_ADMIN, target_municipality_region_ids=set())


def test_coordinator_switches_accounts_of_own_region_only():
    assert p.can_set_active(COORD_NORTH, COORD_NORTH_2, target_municipality_region_ids=set())
    assert p.can_set_active(COORD_NORTH, PEER, target_municipality_region_ids={NORTH})
    assert not p.can_set_active(COORD_NORTH, PEER, target_municipality_region_ids={SOUTH})
    assert not p.can_set_active(COORD_NORTH, COORD_SOUTH, target_municipality_region_ids=set())
    assert not p.can_set_active(COORD_NORTH, ADMIN, target_municipality_region_ids=set())


@pytest.mark.parametrize(
    ("target", "activated", "regions", "allowed"),
    [
        (LEAD, False, {NORTH}, True),
        (LEAD, True, {NORTH}, False),  # already activated: nothing to invite to
        (U(9, Role.municipal_lead, municipality_id=10, is_active=False), False, {NORTH}, False),  # reactivate first
        (LEAD, False, {SOUTH}, False),  # another region's account
    ],
)
def test_can_resend_invitation(target, activated, regions, allowed):
    assert p.can_resend_invitation(
        COORD_NORTH, target, target_municipality_region_ids=regions, target_is_activated=activated
    ) is allowed


def test_inactive_coordinator_can_do_nothing():
    inactive = U(5, Role.region_coordinator, region_id=NORTH, is_active=False)
    assert not p.can_set_active(inactive, LEAD, target_municipality_region_ids={NORTH})
    assert not p.can_change_role(inactive, LEAD, Role.municipal_lead, target_municipality_region_ids={NORTH})
    assert not p.can_resend_invitation(
        inactive, LEAD, target_municipality_region_ids={NORTH}, target_is_activated=False
    )


@pytest.mark.parametrize(
    ("is_active", "is_activated", "status"),
    [
        (True, True, AccountStatus.active),
        (True, False, AccountStatus.invited),
        (False, True, AccountStatus.deactivated),
        (False, False, AccountStatus.deactivated),  # deactivation wins over a pending invitation
    ],
)
def test_account_status(is_active, is_activated, status):
    assert account_status(is_active=is_active, is_activated=is_activated) is status


def test_account_status_values_are_the_dutch_filter_words():
    assert [s.value for s in AccountStatus] == ["actief", "uitgenodigd", "gedeactiveerd"]
    assert AccountStatus.invited.label == "Uitgenodigd"


def test_a_region_that_ran_rounds_is_never_deleted():
    from tests.domain.people import ADMIN, NORTH

    assert not p.can_delete_region(ADMIN, NORTH, coordinator_count=0, round_count=1)
