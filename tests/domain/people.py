"""Plain stand-ins for users, for the permission rules (no database)."""

from dataclasses import dataclass

from peerreview.domain.evaluations import EvaluationStatus
from peerreview.domain.reviews import TeamFacts
from peerreview.domain.roles import Role

NORTH, SOUTH = 1, 2


@dataclass
class U:
    id: int
    role: Role
    municipality_id: int | None = None
    region_id: int | None = None
    is_active: bool = True


ADMIN = U(1, Role.admin)
COORD_NORTH = U(2, Role.region_coordinator, region_id=NORTH)
COORD_SOUTH = U(3, Role.region_coordinator, region_id=SOUTH)
LEAD = U(4, Role.municipal_lead, municipality_id=10)
CONTRIBUTOR = U(5, Role.municipal_contributor, municipality_id=10)
PEER = U(6, Role.peer_reviewer, municipality_id=11)
OTHER_ADMIN = U(7, Role.admin)
COORD_NORTH_2 = U(8, Role.region_coordinator, region_id=NORTH)


@dataclass
class E:
    municipality_id: int
    region_id: int
    status: EvaluationStatus


def at(status: EvaluationStatus) -> E:
    """The evaluation of gemeente 10 (LEAD and CONTRIBUTOR work there), in region NORTH."""
    return E(10, NORTH, status)


# The peer team of that evaluation, and people just outside it.
CHAIR = U(30, Role.peer_reviewer, municipality_id=11)
MEMBER = U(31, Role.peer_reviewer, municipality_id=12)  # submitted their own scores
LATE_MEMBER = U(32, Role.peer_reviewer, municipality_id=13)  # did not (yet)
INACTIVE_MEMBER = U(33, Role.peer_reviewer, municipality_id=14, is_active=False)  # listed, but switched off
LEAD_IN_TEAM = U(34, Role.municipal_lead, municipality_id=15)  # listed, but not a peer reviewer
PEER_FROM_A = U(35, Role.peer_reviewer, municipality_id=10)  # works at the evaluated gemeente, not in the team
LEAD_B = U(36, Role.municipal_lead, municipality_id=12)  # another gemeente of the same region

TEAM = TeamFacts(
    member_ids=frozenset({CHAIR.id, MEMBER.id, LATE_MEMBER.id, INACTIVE_MEMBER.id, LEAD_IN_TEAM.id}),
    chair_id=CHAIR.id,
    submitted_ids=frozenset({CHAIR.id, MEMBER.id, INACTIVE_MEMBER.id, LEAD_IN_TEAM.id}),
)
