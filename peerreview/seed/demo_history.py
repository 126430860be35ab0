"""The demo region's previous round, finished: eight gemeenten with submitted self-evaluations, published peer
reports and closed evaluations. It gives the result pages something to compare with: a trend for the gemeenten
in both rounds, and a regional benchmark in the old round (seven others, above the privacy threshold).

Rows are written directly (the round lies in the past, which the services rightly refuse for new rounds); the
numbers are deterministic, so screenshots and tests see the same demo every time."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..domain.evaluations import AnswerData, EvaluationStatus
from ..domain.questionnaire import Questionnaire
from ..domain.reviews import Addressee, Capacity, Priority, review_items
from ..extensions import db
from ..models import (
    ConsensusAnswer,
    Evaluation,
    EvaluationEvent,
    Municipality,
    PeerReport,
    PeerScore,
    Recommendation,
    RecommendationTheme,
    Region,
    Round,
    TeamMember,
    TeamScore,
    User,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

#: CBS code and how far the gemeente's self-image lies above the peers' view (in whole levels, per theme mix).
HISTORY_MEMBERS: tuple[tuple[str, int], ...] = (
    ("GM9001", 1), ("GM9002", 0), ("GM9003", 1), ("GM9004", 0),
    ("GM9005", 1), ("GM9006", 0), ("GM9007", 1), ("GM9010", 1),
)
PEERS = ("peer.dijkhuizen", "peer.oudegracht", "peer.lindewoude")


def _level(code: str, item_id: str, scale: list[int]) -> int:
    """A stable, varied level per gemeente and item, leaning to the middle of the scale as real scores do."""
    digest = hashlib.sha256(f"{code}/{item_id}".encode()).digest()
    middle = len(scale) // 2
    step = (digest[0] % 5) - 2 if digest[1] % 3 else (digest[0] % 3) - 1  # mostly -2..2, a third -1..1
    return scale[max(0, min(len(scale) - 1, middle + step))]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), AMSTERDAM)


def load_history(region: Region, by_code: dict[str, Municipality], users: dict[str, User],
                 questionnaire: Questionnaire, year: int) -> Round:
    coordinator = next(u for u in users.values() if u.email.startswith("coordinator@"))
    start = date(year, 2, 1)
    round_ = Round(region_id=region.id, name=f"Collegiale toets {year}", year=year,
                   questionnaire_key=questionnaire.key, questionnaire_version=questionnaire.version,
                   questionnaire_hash=questionnaire.content_hash, self_evaluation_due=date(year, 4, 1),
                   peer_review_due=date(year, 6, 30), plan_due=date(year, 12, 1), created_by_id=coordinator.id,
                   created_at=_at(start))
    db.session.add(round_)
    db.session.flush()
    scale = list(questionnaire.scale.values)
    low, high = scale[0], scale[-1]
    items = review_items(questionnaire)
    knelpunten = questionnaire.knelpunt_sections
    peers = [u for local in PEERS for u in users.values() if u.email.startswith(f"{local}@")]

    def clamp(value: int) -> int:
        return max(low, min(high, value))

    for index, (code, optimism) in enumerate(HISTORY_MEMBERS):
        municipality = by_code[code]
        evaluation = Evaluation(round_id=round_.id, municipality_id=municipality.id,
                                status=EvaluationStatus.closed, created_at=_at(start),
                                submitted_at=_at(date(year, 3, 20 + index % 8)))
        db.session.add(evaluation)
        db.session.flush()
        lead = next((u for u in users.values() if u.municipality_id == municipality.id
                     and u.role.value == "municipal_lead"), coordinator)
        evaluation.submitted_by_id = lead.id if lead is not coordinator else None
        # The peers' level per item: a fixed pattern that differs per gemeente and per theme.
        team_levels = {item.id: _level(code, item.id, scale) for item in items}
        for position, question in enumerate(questionnaire.questions):
            item_id = question.element_id or question.section_id
            base = team_levels.get(item_id, scale[len(scale) // 2])
            value = clamp(base + optimism + (position % 3 == 0) - (position % 5 == 0))
            row = ConsensusAnswer(evaluation_id=evaluation.id, question_id=question.id,
                                  updated_by_id=evaluation.submitted_by_id, updated_at=_at(date(year, 3, 15)))
            row.set_data(AnswerData(value=value, explanation=f"Toelichting van {municipality.name} ({year})."))
            row.updated_at = _at(date(year, 3, 15))
            db.session.add(row)
        team = [p for p in peers if p.municipality_id != municipality.id][:2]
        for member_index, peer in enumerate(team):
            db.session.add(TeamMember(evaluation_id=evaluation.id, user_id=peer.id, is_chair=member_index == 0,
                                      capacity=Capacity.administrator if member_index == 0 else Capacity.official,
                                      added_at=_at(date(year, 4, 5)), added_by_id=coordinator.id,
                                      scores_submitted_at=_at(date(year, 5, 20))))
            for position, item in enumerate(items):
                db.session.add(PeerScore(evaluation_id=evaluation.id, reviewer_id=peer.id, item_id=item.id,
                                         value=clamp(team_levels[item.id] + (member_index and position % 4 == 0)),
                                         rationale="Op grond van de gesprekken en de stukken.",
                                         updated_at=_at(date(year, 5, 20))))
        chair = team[0]
        for item in items:
            finding = "een stevige basis" if team_levels[item.id] >= 3 else "nog weinig samenhang"
            db.session.add(TeamScore(evaluation_id=evaluation.id, item_id=item.id, value=team_levels[item.id],
                                     motivation=f"Het team zag in {municipality.name} op dit thema {finding}.",
                                     updated_at=_at(date(year, 6, 1)), updated_by_id=chair.id))
        published = _at(date(year, 6, 15 + index % 10))
        sent = published - timedelta(days=50)
        corrected = published - timedelta(days=28)
        reacted = published - timedelta(days=4)
        db.session.add(PeerReport(
            evaluation_id=evaluation.id, judgement=f"{municipality.name} heeft de regie op integrale veiligheid in "
            f"{year} op onderdelen goed op orde; de samenhang met ander beleid en de analyse vragen aandacht.",
            strengths="Betrokken bestuur; korte lijnen met de partners.", updated_at=published,
            updated_by_id=chair.id, published_at=published, published_by_id=chair.id,
            documents="Integraal veiligheidsplan\nJaarverslag veiligheid",
            concept_sent_at=sent, concept_sent_by_id=chair.id, term_due=(corrected + timedelta(days=21)).date(),
            check_done_at=corrected - timedelta(days=2), check_done_by_id=evaluation.submitted_by_id,
            corrected_at=corrected,
            reaction="Het college neemt de aanbevelingen over en verwerkt ze in het verbeterplan.",
            reaction_at=reacted, reaction_by_id=evaluation.submitted_by_id, reaction_decided_on=reacted.date(),
            reaction_reference=f"Z/{year}/{3100 + index}", closed_at=published + timedelta(days=40)))
        weakest = sorted(knelpunten, key=lambda s: team_levels.get(s.id, high))[:2]
        recommendations = [
            (f"Versterk {s.title.lower()}: maak er een vast onderdeel van het veiligheidsbeleid van.", s.id,
             Priority.high if n == 0 else Priority.medium, Addressee.municipality) for n, s in enumerate(weakest)]
        external = [s for s in knelpunten if s.external]
        if external:
            target = external[index % len(external)]
            recommendations.append((
                "Breng samen met de andere gemeenten in de regio de knelpunten in de keten in kaart en leg ze "
                "voor aan het Regionaal Veiligheidsoverleg." if index % 2 else
                "Vraag het Rijk om één financieringsstroom voor zorg en veiligheid rond personen met verward gedrag.",
                target.id, Priority.medium, Addressee.region if index % 2 else Addressee.national))
        for position, (text, section_id, priority, addressee) in enumerate(recommendations, start=1):
            db.session.add(Recommendation(
                evaluation_id=evaluation.id, position=position, text=text, priority=priority, addressee=addressee,
                created_at=published, updated_at=published, created_by_id=chair.id,
                themes=[RecommendationTheme(section_id=section_id)]))
        for kind, day, actor, before, after in (
                ("submitted", evaluation.submitted_at, evaluation.submitted_by_id, "draft", "submitted"),
                ("review_started", _at(date(year, 4, 10)), coordinator.id, "submitted", "in_peer_review"),
                ("concept_sent", sent, chair.id, "in_peer_review", "fact_check"),
                ("corrected", corrected, chair.id, "fact_check", "corrected"),
                ("reacted", reacted, evaluation.submitted_by_id, "corrected", "reacted"),
                ("published", published, chair.id, "reacted", "published"),
                ("closed", published + timedelta(days=40), coordinator.id, "published", "closed")):
            db.session.add(EvaluationEvent(evaluation_id=evaluation.id, at=day, actor_id=actor, kind=kind,
                                           details={"from": before, "to": after}))
    db.session.flush()
    return round_
