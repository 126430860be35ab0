"""The standing of an account as the administration shows it: active, invited or deactivated."""

from __future__ import annotations

from enum import StrEnum


class AccountStatus(StrEnum):
    active = "actief"
    invited = "uitgenodigd"
    deactivated = "gedeactiveerd"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: dict[AccountStatus, str] = {
    AccountStatus.active: "Actief",
    AccountStatus.invited: "Uitgenodigd",
    AccountStatus.deactivated: "Gedeactiveerd",
}


def account_status(*, is_active: bool, is_activated: bool) -> AccountStatus:
    """Deactivation wins: a deactivated account cannot log in or accept its invitation."""
    if not is_active:
        return AccountStatus.deactivated
    return AccountStatus.active if is_activated else AccountStatus.invited

