"""Every model, imported from one place so Alembic sees all tables."""

from .questionnaires import QuestionnaireVersion
from .regions import Municipality, Region, RegionMembership
from .users import User

__all__ = ["Municipality", "QuestionnaireVersion", "Region", "RegionMembership", "User"]
