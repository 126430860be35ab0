"""What each role's start page shows."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..domain.roles import Role
from ..evaluation.lifecycle import evaluations_of_municipality
from ..evaluation.rounds import region_members, visible_rounds
from ..evaluation.team import declarations, reviews_of
from ..extensions import db
from ..models import Municipality, Region, User


@dataclass
class StartPage:
    template: str
    context: dict = field(default_factory=dict)


def start_page_for(user: User) -> StartPage:
    if user.role is Role.admin:
        counts = {
            "regions": db.session.scalar(select(func.count()).select_from(Region)),
            "municipalities": db.session.scalar(select(func.count()).select_from(Municipality)),
            "users": db.session.scalar(select(func.count()).select_from(User)),
            "pending": db.session.scalar(
                select(func.count()).select_from(User).where(User.password_hash.is_(None))
            ),
        }
        return StartPage("main/start_admin.html", {"counts": counts})
    if user.role is Role.region_coordinator:
        members = region_members(user.region_id)
        return StartPage("main/start_coordinator.html", {"region": user.region, "members": members,
                                                         "rounds": visible_rounds(user)})
    if user.role is Role.peer_reviewer:
        return StartPage("main/start_peer.html", {"municipality": user.municipality, "reviews": reviews_of(user),
                                                  "declarations": declarations(user)})
    colleagues = db.session.scalars(
        select(User)
        .where(User.municipality_id == user.municipality_id, User.role.in_(
            [Role.municipal_lead, Role.municipal_contributor]))
        .order_by(User.name)
    ).all()

    return StartPage(
        "main/start_municipality.html",
        {"municipality": user.municipality, "colleagues": colleagues,
         "evaluations": evaluations_of_municipality(user.municipality_id)},
    )
