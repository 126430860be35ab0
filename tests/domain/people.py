"""Plain stand-ins for users, for the permission rules (no database)."""

from dataclasses import dataclass

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
