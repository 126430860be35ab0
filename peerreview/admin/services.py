"""Beheer operations: regions and their members, gemeenten, user accounts.

Services load rows, check the rules in ``domain.permissions``, change models, flush and return;
they never commit (the view commits once per request). A broken rule raises a ``DomainError``
subclass with a Dutch message and, where it belongs to one, the form field it is about.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Select, and_, false, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..accounts import email_conflict, invite_by_mail
from ..domain import permissions
from ..domain.accounts import AccountStatus
from ..domain.errors import DomainError, InvalidValue, NotAllowed, raise_collected
from ..domain.municipalities import normalize_cbs_code, validate_inhabitants
from ..domain.roles import MUNICIPAL_ROLES, Role, parse_role
from ..domain.text import one_line
from ..evaluation.rounds import members_of
from ..extensions import db
from ..models import Municipality, Region, RegionMembership, Round, User
from ..persistence import flush_or


def _clean(text: str | None) -> str:
    return one_line(text)


def region_ids_of(municipality: Municipality | None) -> set[int]:
    return municipality.region_ids if municipality is not None else set()


def _coordinated_region(actor: User) -> int | None:
    """The region a coordinator manages (None for anyone else)."""
    if actor.is_active and actor.role is Role.region_coordinator:
        return actor.region_id
    return None


# ---------------------------------------------------------------- scopes (what a user sees)


def visible_regions(actor: User) -> Select[tuple[Region]]:
    """Admins see every region, a coordinator their own."""
    query = select(Region).order_by(Region.name)
    if permissions.is_admin(actor):
        return query
    region_id = _coordinated_region(actor)
    return query.where(Region.id == region_id) if region_id is not None else query.where(false())


def visible_municipalities(actor: User) -> Select[tuple[Municipality]]:
    """Admins see every gemeente, a coordinator the members of their region."""
    query = select(Municipality).order_by(Municipality.name, Municipality.cbs_code)
    if permissions.is_admin(actor):
        return query
    region_id = _coordinated_region(actor)
    return query.where(Municipality.id.in_(members_of(region_id))) if region_id is not None else query.where(false())


def users_of_region(region_id: int) -> Select[tuple[User]]:
    """The region's coordinators and the gemeente users and peer reviewers of its members."""
    return select(User).where(
        or_(
            and_(User.role == Role.region_coordinator, User.region_id == region_id),
            and_(User.role.in_(sorted(MUNICIPAL_ROLES)), User.municipality_id.in_(members_of(region_id))),
        )
    )


def manageable_users(actor: User) -> Select[tuple[User]]:
    """The accounts ``actor`` may manage: the SQL form of ``permissions.can_manage_user``."""
    if permissions.is_admin(actor):
        return select(User)
    region_id = _coordinated_region(actor)
    return users_of_region(region_id) if region_id is not None else select(User).where(false())


def may_manage(actor: User, target: User) -> bool:
    return permissions.can_manage_user(
        actor, target, target_municipality_region_ids=region_ids_of(target.municipality)
    )


def municipality(municipality_id: int) -> Municipality | None:
    """A gemeente with its regions (its page names them)."""
    return db.session.scalar(
        select(Municipality).where(Municipality.id == municipality_id)
        .options(selectinload(Municipality.memberships).joinedload(RegionMembership.region)))


def may_view_municipality(actor: User, municipality: Municipality) -> bool:
    return permissions.can_view_municipality(actor, municipality.region_ids)


# ---------------------------------------------------------------- regions


def list_regions(actor: User) -> list[Region]:
    query = visible_regions(actor).options(selectinload(Region.memberships), selectinload(Region.coordinators))
    return list(db.session.scalars(query))


def non_members(actor: User, region_id: int) -> list[Municipality]:
    """The gemeenten ``actor`` may add to the region (see ``permissions.can_add_member``)."""
    query = select(Municipality).where(Municipality.id.not_in(members_of(region_id)))
    if not permissions.is_admin(actor):
        query = query.where(~Municipality.memberships.any())
    return list(db.session.scalars(query.order_by(Municipality.name, Municipality.cbs_code)))


def region_users(region_id: int) -> list[User]:
    query = users_of_region(region_id).options(joinedload(User.municipality))
    return list(db.session.scalars(query.order_by(func.lower(User.name), User.id)))


def save_region(region: Region | None, *, name: str, description: str | None) -> Region:
    """Create a region (``region`` is None) or rename and describe one. Names are unique, whatever the case."""
    name = _clean(name)
    if not name:
        raise InvalidValue(_("Vul de naam van de regio in."), field="name")
    taken = select(Region.id).where(func.lower(Region.name) == name.lower())
    if region is not None and region.id is not None:
        taken = taken.where(Region.id != region.id)
    conflict = InvalidValue(_("Er bestaat al een regio met de naam ‘%(name)s’. Kies een andere naam.", name=name),
                            field="name")
    if db.session.scalar(taken) is not None:
        raise conflict
    if region is None:
        region = Region()
        db.session.add(region)
    region.name = name
    region.description = (description or "").strip()
    flush_or(conflict)
    return region


def deletion_blocker(actor: User, region: Region) -> str | None:
    """Why ``region`` cannot be deleted now (a Dutch sentence), or None when it can."""

    count = len(region.coordinators)
    rounds = db.session.scalar(select(func.count()).select_from(Round).where(Round.region_id == region.id)) or 0
    if permissions.can_delete_region(actor, region.id, coordinator_count=count, round_count=rounds):
        return None
    if not permissions.can_edit_region(actor, region.id):
        return _("Alleen een beheerder kan een regio verwijderen.")
    if rounds:
        return ngettext("Deze regio heeft %(num)s ronde gehouden; de zelfevaluaties daarin horen bij de regio. Een "
                        "regio met rondes kan daarom niet worden verwijderd.",
                        "Deze regio heeft %(num)s rondes gehouden; de zelfevaluaties daarin horen bij de regio. Een "
                        "regio met rondes kan daarom niet worden verwijderd.", rounds)
    return ngettext(
        "Deze regio heeft nog %(num)s regiocoördinator. Geef die eerst een andere regio of een andere rol; daarna "
        "kunt u de regio verwijderen.",
        "Deze regio heeft nog %(num)s regiocoördinatoren. Geef hen eerst een andere regio of een andere rol; "
        "daarna kunt u de regio verwijderen.", count,
    )


def delete_region(actor: User, region: Region) -> Region:
    """Delete a region without coordinators; its memberships go with it, the gemeenten stay."""
    blocker = deletion_blocker(actor, region)
    if blocker is not None:
        raise NotAllowed(blocker)
    db.session.delete(region)
    db.session.flush()
    return region


def add_member(actor: User, region: Region, municipality_id: int | None) -> Municipality:
    municipality = db.session.get(Municipality, municipality_id) if municipality_id else None
    if municipality is None:
        raise InvalidValue(_("Kies een gemeente uit de lijst."), field="municipality_id")
    if not permissions.can_add_member(actor, region.id, municipality.region_ids):
        raise InvalidValue(
            _("%(name)s is al lid van een andere regio. Alleen de beheerder kan een gemeente aan een tweede "
              "regio toevoegen.", name=municipality.name),
            field="municipality_id",
        )
    conflict = InvalidValue(_("%(name)s is al lid van deze regio.", name=municipality.name), field="municipality_id")
    if db.session.get(RegionMembership, (region.id, municipality.id)) is not None:
        raise conflict
    db.session.add(RegionMembership(region_id=region.id, municipality_id=municipality.id))
    flush_or(conflict)
    return municipality


def remove_member(region: Region, municipality: Municipality) -> Municipality:
    membership = db.session.get(RegionMembership, (region.id, municipality.id))
    if membership is None:
        raise InvalidValue(_("%(name)s is geen lid van deze regio.", name=municipality.name))
    db.session.delete(membership)
    db.session.flush()
    return municipality


# ---------------------------------------------------------------- gemeenten


def list_municipalities(
    actor: User, *, search: str | None = None, region_id: int | None = None, size_class: str | None = None
) -> list[Municipality]:
    query = visible_municipalities(actor).options(
        selectinload(Municipality.memberships).joinedload(RegionMembership.region)
    )
    search = (search or "").strip()
    if search:
        query = query.where(
            or_(Municipality.name.icontains(search, autoescape=True),
                Municipality.cbs_code.icontains(search, autoescape=True))
        )
    if region_id:
        query = query.where(Municipality.id.in_(members_of(region_id)))
    if size_class:
        query = query.where(Municipality.size_class_key == size_class)
    return list(db.session.scalars(query))


def save_municipality(
    municipality: Municipality | None, *, name: str, cbs_code: str, inhabitants: int | None, province: str | None
) -> Municipality:
    """Create (``municipality`` is None) or correct a gemeente. Every problem is reported at once."""
    errors: list[DomainError] = []
    name = _clean(name)
    if not name:
        errors.append(InvalidValue(_("Vul de naam van de gemeente in."), field="name"))
    code = None
    try:
        code = normalize_cbs_code(cbs_code)
    except DomainError as error:
        errors.append(error)
    try:
        validate_inhabitants(inhabitants if inhabitants is not None else 0)
    except DomainError as error:
        errors.append(error)
    conflict = InvalidValue(
        _("Er bestaat al een gemeente met CBS-code %(code)s.", code=code), field="cbs_code"
    )
    if code is not None:
        taken = select(Municipality.id).where(Municipality.cbs_code == code)
        if municipality is not None:
            taken = taken.where(Municipality.id != municipality.id)
        if db.session.scalar(taken) is not None:
            errors.append(conflict)
    raise_collected(errors)
    if municipality is None:
        municipality = Municipality()
        db.session.add(municipality)
    municipality.name = name
    municipality.cbs_code = code
    municipality.inhabitants = inhabitants
    municipality.province = _clean(province)
    flush_or(conflict)
    return municipality


def municipality_users(actor: User, municipality_id: int) -> list[User]:
    query = manageable_users(actor).where(User.municipality_id == municipality_id)
    return list(db.session.scalars(query.order_by(func.lower(User.name), User.id)))


# ---------------------------------------------------------------- users


@dataclass(frozen=True)
class AssignmentOptions:
    """What ``actor`` may pick in the user forms."""

    roles: tuple[Role, ...]
    municipalities: list[Municipality]
    regions: list[Region]


def assignment_options(actor: User) -> AssignmentOptions:
    return AssignmentOptions(
        roles=permissions.assignable_roles(actor),
        municipalities=list(db.session.scalars(visible_municipalities(actor))),
        regions=list(db.session.scalars(visible_regions(actor))),
    )


def list_users(
    actor: User,
    *,
    role: Role | None = None,
    municipality_id: int | None = None,
    status: AccountStatus | None = None,
) -> list[User]:
    query = manageable_users(actor).options(joinedload(User.municipality), joinedload(User.region))
    if role is not None:
        query = query.where(User.role == role)
    if municipality_id:
        query = query.where(User.municipality_id == municipality_id)
    if status is AccountStatus.deactivated:
        query = query.where(User.is_active.is_(False))
    elif status is AccountStatus.invited:
        query = query.where(User.is_active.is_(True), User.password_hash.is_(None))
    elif status is AccountStatus.active:
        query = query.where(User.is_active.is_(True), User.password_hash.is_not(None))
    return list(db.session.scalars(query.order_by(func.lower(User.name), User.id)))


@dataclass(frozen=True)
class Assignment:
    role: Role
    municipality: Municipality | None
    region: Region | None


def resolve_assignment(
    actor: User, role_value: str | Role, municipality_id: int | None, region_id: int | None
) -> Assignment:
    """Check that ``actor`` may give this role with this gemeente or region, and load them.

    The gemeente is kept only for gemeente roles and peer reviewers, the region only for a
    coordinator; the other is dropped, so an account is never tied to both.
    """
    role = parse_role(str(role_value))
    if role not in permissions.assignable_roles(actor):
        raise NotAllowed(_("U mag de rol ‘%(role)s’ niet toekennen.", role=role.label), field="role")
    municipality = region = None
    if role.needs_municipality:
        municipality = db.session.get(Municipality, municipality_id) if municipality_id else None
        if municipality is None:
            raise InvalidValue(
                _("Kies de gemeente van deze gebruiker; die is verplicht bij de rol ‘%(role)s’.", role=role.label),
                field="municipality_id",
            )
    if role.needs_region:
        region = db.session.get(Region, region_id) if region_id else None
        if region is None:
            raise InvalidValue(_("Kies de regio die deze regiocoördinator coördineert."), field="region_id")
    allowed = permissions.can_assign(
        actor, role, region_id=region.id if region else None, municipality_region_ids=region_ids_of(municipality)
    )
    if not allowed:
        if role.needs_region:
            raise NotAllowed(_("U kunt alleen regiocoördinatoren voor uw eigen regio aanwijzen."), field="region_id")
        raise NotAllowed(
            _("U kunt alleen gebruikers toevoegen voor gemeenten die lid zijn van uw regio."),
            field="municipality_id",
        )
    return Assignment(role, municipality, region)


def invite_user(
    actor: User, *, email: str, name: str, role: str, municipality_id: int | None, region_id: int | None
) -> tuple[User, str]:
    """Create an account without a password and mail its activation link; returns the user and the link."""
    email = User.normalize_email(email)
    errors: list[DomainError] = []
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        errors.append(email_conflict(email))
    assignment = None
    try:
        assignment = resolve_assignment(actor, role, municipality_id, region_id)
    except DomainError as error:
        errors.append(error)
    raise_collected(errors)
    user = User(
        email=email, name=_clean(name), role=assignment.role, municipality=assignment.municipality,
        region=assignment.region, is_active=True,
    )
    db.session.add(user)
    flush_or(email_conflict(email))
    return user, invite_by_mail(user, actor)


def update_user(
    actor: User,
    target: User,
    *,
    name: str,
    role: str,
    municipality_id: int | None,
    region_id: int | None,
    is_active: bool,
) -> User:
    """Change an account's name, role, gemeente or region and whether it is active.

    ``actor`` must manage the account as it is and be allowed to assign what it becomes; nobody
    changes their own role or switches off their own account.
    """
    current_regions = region_ids_of(target.municipality)
    if not permissions.can_manage_user(actor, target, target_municipality_region_ids=current_regions):
        raise NotAllowed(_("U mag dit account niet beheren."))
    assignment = resolve_assignment(actor, role, municipality_id, region_id)
    if not permissions.can_change_role(
        actor, target, assignment.role, target_municipality_region_ids=current_regions
    ):
        raise NotAllowed(_("U kunt uw eigen rol niet wijzigen. Vraag dat een andere beheerder."), field="role")
    if is_active != target.is_active and not permissions.can_set_active(
        actor, target, target_municipality_region_ids=current_regions
    ):
        raise NotAllowed(_("U kunt uw eigen account niet deactiveren."), field="is_active")
    name = _clean(name)
    if not name:
        raise InvalidValue(_("Vul de naam van de gebruiker in."), field="name")
    target.name = name
    target.role = assignment.role
    target.municipality = assignment.municipality
    target.region = assignment.region
    target.is_active = is_active
    db.session.flush()
    return target


def set_active(actor: User, target: User, active: bool) -> User:
    if not permissions.can_set_active(actor, target, target_municipality_region_ids=region_ids_of(target.municipality)):
        if actor.id == target.id:
            raise NotAllowed(_("U kunt uw eigen account niet deactiveren."))
        raise NotAllowed(_("U mag dit account niet beheren."))
    target.is_active = active
    db.session.flush()
    return target


def resend_invitation(actor: User, target: User) -> str:
    """Mail a fresh activation link to an account that has not been activated yet."""
    if target.is_activated:
        raise NotAllowed(_("Dit account is al geactiveerd; een uitnodiging is niet nodig."))
    if not target.is_active:
        raise NotAllowed(_("Dit account is gedeactiveerd. Heractiveer het eerst en stuur dan de uitnodiging opnieuw."))
    if not permissions.can_resend_invitation(
        actor, target, target_municipality_region_ids=region_ids_of(target.municipality),
        target_is_activated=target.is_activated,
    ):
        raise NotAllowed(_("U mag dit account niet beheren."))
    return invite_by_mail(target, actor)


@dataclass(frozen=True)
class UserActions:
    """Which buttons the edit page offers for an account."""

    edit_role: bool
    resend_invitation: bool
    deactivate: bool
    reactivate: bool


def user_actions(actor: User, target: User) -> UserActions:
    regions: Collection[int] = region_ids_of(target.municipality)
    may_switch = permissions.can_set_active(actor, target, target_municipality_region_ids=regions)
    return UserActions(
        edit_role=permissions.can_change_own_standing(actor, target),
        resend_invitation=permissions.can_resend_invitation(
            actor, target, target_municipality_region_ids=regions, target_is_activated=target.is_activated
        ),
        deactivate=may_switch and target.is_active,
        reactivate=may_switch and not target.is_active,
    )
