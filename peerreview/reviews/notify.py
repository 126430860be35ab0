"""Mails of the peer review: a reviewer added to a team, the review started, the concept sent for the factual
check, the report published.

Sent after the change is committed; a mail server that is down is logged and never undoes or fails the change
(the pages show the same information)."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from ..domain.roles import Role
from ..extensions import db
from ..mail import external_url, send_mail
from ..models import Evaluation, PeerReport, TeamMember, User


def _send(recipients: Iterable[User], subject: str, body: str) -> None:
    for user in recipients:
        if not user.is_active:
            continue
        try:
            send_mail(user.email, subject, _("Beste %(name)s,\n\n", name=user.name) + body)
        except OSError:  # smtplib errors are OSErrors
            current_app.logger.exception("Peer review mail to user %s could not be sent", user.id)


def member_added(evaluation: Evaluation, member: TeamMember) -> None:
    role = _("voorzitter") if member.is_chair else _("lid")
    _send([member.user], _("Peer team %(m)s", m=evaluation.municipality.name), _(
        "U bent als %(role)s toegevoegd aan het peer team dat de regie op integrale veiligheid van %(m)s toetst "
        "(%(round)s). U kunt de ingediende zelfevaluatie nu lezen ter voorbereiding.\n\n%(link)s\n\n"
        "Hebt u een belangenconflict met deze gemeente? Meld het dan in peerreview onder ‘Belangenconflicten’ "
        "en laat het de regiocoördinator weten.\n",
        role=role, m=evaluation.municipality.name, round=evaluation.round.name,
        link=external_url("reviews.review", evaluation_id=str(evaluation.id))))


def review_started(evaluation: Evaluation, members: Iterable[TeamMember]) -> None:
    _send([m.user for m in members], _("Collegiale toetsing %(m)s gestart", m=evaluation.municipality.name), _(
        "De collegiale toetsing van %(m)s is gestart. Leg gesprekken en waarnemingen vast en geef uw eigen "
        "scores vóór %(due)s.\n\n%(link)s\n",
        m=evaluation.municipality.name, due=format_date(evaluation.round.peer_review_due, "d MMMM yyyy"),
        link=external_url("reviews.review", evaluation_id=str(evaluation.id))))


def _lead_and_region(evaluation: Evaluation) -> list[User]:
    leads = db.session.scalars(select(User).where(User.municipality_id == evaluation.municipality_id,
                                                  User.role == Role.municipal_lead)).all()
    region = db.session.scalars(select(User).where(User.region_id == evaluation.region_id,
                                                   User.role == Role.region_coordinator)).all()
    return [*leads, *region]


def concept_sent(evaluation: Evaluation) -> None:
    """The concept is with the gemeente: its lead checks the facts within the term (the coordinator is told too)."""
    report = db.session.get(PeerReport, evaluation.id)
    due = format_date(report.term_due, "d MMMM yyyy") if report and report.term_due else ""
    subject = _("Concept rapport %(m)s ter feitelijke controle", m=evaluation.municipality.name)
    _send(_lead_and_region(evaluation), subject,
          _("Het peer team heeft zijn conceptrapport over de regie op integrale veiligheid van %(m)s klaar. De "
            "gemeente controleert de feiten tot en met %(due)s: klopt er iets niet, geef dan per plaats in het "
            "rapport een feitelijke reactie. Daarna volgt de bestuurlijke reactie van het college.\n\n%(link)s\n",
            m=evaluation.municipality.name, due=due,
            link=external_url("reviews.hearing", evaluation_id=str(evaluation.id))))


def report_published(evaluation: Evaluation) -> None:
    gemeente = db.session.scalars(select(User).where(
        User.municipality_id == evaluation.municipality_id,
        User.role.in_([Role.municipal_lead, Role.municipal_contributor]))).all()
    region = db.session.scalars(select(User).where(User.region_id == evaluation.region_id,
                                                   User.role == Role.region_coordinator)).all()
    _send([*gemeente, *region], _("Rapport collegiale toetsing %(m)s gepubliceerd", m=evaluation.municipality.name),
          _("Het peer team heeft zijn rapport over de regie op integrale veiligheid van %(m)s gepubliceerd: het "
            "oordeel, de scores met motivering, de aanbevelingen en de bestuurlijke reactie van het college. Zet de "
            "aanbevelingen nu om in een verbeterplan.\n\n%(link)s\n",
            m=evaluation.municipality.name,
            link=external_url("reviews.report", evaluation_id=str(evaluation.id))))
