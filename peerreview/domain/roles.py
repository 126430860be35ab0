"""The five roles and what each is tied to."""

from __future__ import annotations

from enum import StrEnum

from .errors import InvalidValue


class Role(StrEnum):
    admin = "admin"
    region_coordinator = "region_coordinator"
    municipal_lead = "municipal_lead"
    municipal_contributor = "municipal_contributor"
    peer_reviewer = "peer_reviewer"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def needs_municipality(self) -> bool:
        """Gemeente users and peer reviewers belong to a gemeente (peers: their own, for conflict checks)."""
        return self in MUNICIPAL_ROLES

    @property
    def needs_region(self) -> bool:
        return self is Role.region_coordinator


ROLE_LABELS: dict[Role, str] = {
    Role.admin: "Beheerder",
    Role.region_coordinator: "Regiocoördinator",
    Role.municipal_lead: "Trekker gemeente",
    Role.municipal_contributor: "Bijdrager gemeente",
    Role.peer_reviewer: "Peer reviewer",
}

MUNICIPAL_ROLES = frozenset({Role.municipal_lead, Role.municipal_contributor, Role.peer_reviewer})


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidValue(f"Onbekende rol: {value!r}.", field="role") from None
