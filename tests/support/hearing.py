"""Set-up through hoor en wederhoor, by the services (the same rules as the pages): the chair sends the concept,
the gemeente's lead finishes the check, the chair closes it, the lead records the college's reaction, the chair
publishes. For tests whose subject comes after publication."""

from __future__ import annotations

from sqlalchemy import select

from peerreview.dates import today
from peerreview.domain.roles import Role
from peerreview.evaluation.lifecycle import questionnaire_of
from peerreview.extensions import db
from peerreview.models import Evaluation, User
from peerreview.reviews import hearing


def lead_of(evaluation: Evaluation) -> User:
    return db.session.scalars(select(User).where(User.municipality_id == evaluation.municipality_id,
                                                 User.role == Role.municipal_lead, User.is_active.is_(True))
                              .order_by(User.id)).first()


def send_concept(chair: User, evaluation: Evaluation, confirmed_token: str | None = None) -> None:
    hearing.send_concept(chair, evaluation, questionnaire_of(evaluation), confirmed_token)
    db.session.commit()


def to_corrected(chair: User, evaluation: Evaluation, lead: User | None = None) -> None:
    """From the team's concept to the corrected concept: sent, checked without points, corrected."""
    lead = lead or lead_of(evaluation)
    send_concept(chair, evaluation, _token(evaluation))
    hearing.finish_check(lead, evaluation)
    hearing.correct(chair, evaluation)
    db.session.commit()


def to_reacted(chair: User, evaluation: Evaluation, lead: User | None = None,
               reaction: str = "Het college neemt de aanbevelingen over.") -> None:
    lead = lead or lead_of(evaluation)
    to_corrected(chair, evaluation, lead)
    hearing.record_reaction(lead, evaluation, reaction, today(), "Z/2027/123")
    db.session.commit()


def publish_after_hearing(chair: User, evaluation: Evaluation, lead: User | None = None) -> None:
    """Ready to publish (scores, judgement, recommendations) -> published, through every stage."""
    to_reacted(chair, evaluation, lead)
    hearing.publish(chair, evaluation)
    db.session.commit()


def _token(evaluation: Evaluation) -> str:
    """Confirms whoever did not submit their own scores (as the chair would, by name)."""
    from peerreview.reviews import report

    return report.publication_state(evaluation, questionnaire_of(evaluation)).confirmation_token
