"""The national overview names every region's gemeenten: the administrator's alone."""

import pytest

from peerreview.domain import permissions as p
from peerreview.domain.roles import Role
from tests.domain.people import ADMIN, CONTRIBUTOR, COORD_NORTH, LEAD, OTHER_ADMIN, PEER, U


@pytest.mark.parametrize(
    ("user", "allowed"),
    [
        (ADMIN, True),
        (OTHER_ADMIN, True),
        (U(9, Role.admin, is_active=False), False),  # a deactivated administrator
        (COORD_NORTH, False),  # a coordinator sees their own region's overview, not the country
        (LEAD, False),
        (CONTRIBUTOR, False),
        (PEER, False),
    ],
)
def test_only_an_active_admin_exports_the_national_overview(user, allowed):
    assert p.can_export_national(user) is allowed
