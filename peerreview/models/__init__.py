"""Every model, imported from one place so Alembic sees all tables."""

from .audit import AuditEvent
from .cache import CacheGeneration
from .evaluations import (
    Answer,
    ConsensusAnswer,
    ConsensusNote,
    Evaluation,
    EvaluationEvent,
    ExcelImport,
    Round,
    SectionNote,
    Visit,
)
from .plans import (
    ActionNote,
    ActionRecommendation,
    ActionTheme,
    ImprovementAction,
    PlanTarget,
    RecommendationVerdict,
)
from .questionnaires import QuestionnaireVersion
from .regions import Municipality, Region, RegionMembership
from .reviews import (
    ConflictDeclaration,
    FactualPoint,
    PeerReport,
    PeerScore,
    Recommendation,
    RecommendationTheme,
    ReviewEntry,
    ReviewEntryTheme,
    TeamMember,
    TeamScore,
)
from .users import User

__all__ = [
    "AuditEvent", "CacheGeneration",
    "Answer", "ConsensusAnswer", "ConsensusNote", "Evaluation", "EvaluationEvent", "ExcelImport", "Municipality",
    "QuestionnaireVersion", "Region", "RegionMembership", "Round", "SectionNote", "User", "Visit",
    "ConflictDeclaration", "FactualPoint", "PeerReport", "PeerScore", "Recommendation", "RecommendationTheme",
    "ReviewEntry", "ReviewEntryTheme", "TeamMember", "TeamScore",
    "ActionNote", "ActionRecommendation", "ActionTheme", "ImprovementAction", "PlanTarget", "RecommendationVerdict",
]
