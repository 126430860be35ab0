import pytest

from peerreview.domain.errors import InvalidValue
from peerreview.domain.roles import ROLE_LABELS, Role, parse_role


def test_there_are_exactly_five_roles():
    assert {r.value for r in Role} == {
        "admin", "region_coordinator", "municipal_lead", "municipal_contributor", "peer_reviewer",
    }


def test_every_role_has_a_dutch_label():
    assert set(ROLE_LABELS) == set(Role)
    assert Role.region_coordinator.label == "Regiocoördinator"


@pytest.mark.parametrize(
    ("role", "municipality", "region"),
    [
        (Role.admin, False, False),
        (Role.region_coordinator, False, True),
        (Role.municipal_lead, True, False),
        (Role.municipal_contributor, True, False),
        (Role.peer_reviewer, True, False),
    ],
)
def test_what_each_role_is_tied_to(role, municipality, region):
    assert role.needs_municipality is municipality
    assert role.needs_region is region


def test_unknown_role_is_refused():
    assert parse_role("peer_reviewer") is Role.peer_reviewer
    with pytest.raises(InvalidValue):
        parse_role("superuser")
