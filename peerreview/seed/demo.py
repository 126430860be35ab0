"""A fictional region with twelve gemeenten of mixed sizes and one user per role.

The CBS codes are in the GM9xxx range, which no real gemeente uses, so demo data is never
mistaken for a real gemeente.
"""

from __future__ import annotations

from sqlalchemy import select

from ..domain.roles import Role
from ..extensions import db
from ..models import Municipality, Region, RegionMembership, User
from ..models.types import utcnow

DEMO_REGION = "Veiligheidsplatform Lage Landen (demo)"
DEMO_PASSWORD = "demo-Toetsing-2026"  # noqa: S105 (fictional demo accounts only)
DEMO_DOMAIN = "demo.peerreview.nl"

#: name, CBS code, inhabitants, province
DEMO_MUNICIPALITIES: tuple[tuple[str, str, int, str], ...] = (
    ("Havenstede", "GM9001", 184_250, "Zuid-Holland"),
    ("Groenmeer", "GM9002", 96_400, "Zuid-Holland"),
    ("Waterland aan de Vliet", "GM9003", 61_870, "Zuid-Holland"),
    ("Dijkhuizen", "GM9004", 43_120, "Zuid-Holland"),
    ("Oudegracht", "GM9005", 38_905, "Utrecht"),
    ("Sint-Anthonisveen", "GM9006", 27_330, "Zuid-Holland"),
    ("Lindewoude", "GM9007", 24_780, "Utrecht"),
    ("Polderbroek", "GM9008", 18_640, "Zuid-Holland"),
    ("Kerkdriel-Noord", "GM9009", 15_210, "Gelderland"),
    ("Molenwaard-Oost", "GM9010", 12_485, "Zuid-Holland"),
    ("Zandhove", "GM9011", 9_870, "Utrecht"),
    ("Ter Aa", "GM9012", 6_035, "Gelderland"),
)

#: label, e-mail local part, name, role, CBS code of their gemeente (or None)
DEMO_USERS: tuple[tuple[str, str, str, Role, str | None], ...] = (
    ("Beheerder", "beheer", "Bea Beheer", Role.admin, None),
    ("Regiocoördinator", "coordinator", "Ruud Regiomans", Role.region_coordinator, None),
    ("Trekker gemeente (Groenmeer)", "trekker.groenmeer", "Tessa Trekker", Role.municipal_lead, "GM9002"),
    ("Bijdrager gemeente (Groenmeer)", "bijdrager.groenmeer", "Bas Bijdrager", Role.municipal_contributor,
     "GM9002"),
    ("Tweede bijdrager (Groenmeer)", "collega.groenmeer", "Cor Collega", Role.municipal_contributor, "GM9002"),
    ("Trekker gemeente (Havenstede)", "trekker.havenstede", "Hanna Havens", Role.municipal_lead, "GM9001"),
    ("Peer reviewer (Dijkhuizen)", "peer.dijkhuizen", "Petra Peer", Role.peer_reviewer, "GM9004"),
)


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def load_demo(*, password_method: str = "scrypt") -> Region:  # noqa: S107
    region = Region(
        name=DEMO_REGION,
        description="Fictieve regio om peerreview te verkennen. Alle namen en cijfers zijn verzonnen.",
    )
    db.session.add(region)
    by_code: dict[str, Municipality] = {}
    for name, code, inhabitants, province in DEMO_MUNICIPALITIES:
        municipality = Municipality(name=name, cbs_code=code, inhabitants=inhabitants, province=province)
        by_code[code] = municipality
        db.session.add(municipality)
        region.memberships.append(RegionMembership(municipality=municipality))
    now = utcnow()
    for _label, local, name, role, code in DEMO_USERS:
        user = User(
            email=demo_email(local),
            name=name,
            role=role,
            municipality=by_code[code] if code else None,
            region=region if role is Role.region_coordinator else None,
            activated_at=now,
        )
        user.set_password(DEMO_PASSWORD, method=password_method)
        db.session.add(user)
    db.session.flush()
    _demo_round(region, by_code)
    return region


#: The gemeenten in the demo round; Groenmeer is halfway, Havenstede has submitted.
DEMO_ROUND_MEMBERS = ("GM9001", "GM9002", "GM9004", "GM9005", "GM9007", "GM9010")


def _demo_round(region: Region, by_code: dict[str, Municipality]) -> None:
    """A round in progress: several colleagues of Groenmeer have answered the first themes (with some spread),
    the lead has set the consensus of theme 1, and Havenstede has submitted its self-evaluation."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from ..domain.evaluations import AnswerData, RoundDates
    from ..evaluations import services
    from ..models import Answer, ConsensusAnswer

    offered = services.offered_questionnaires()
    if not offered:
        return
    questionnaire = offered[0]
    users = {u.email: u for u in db.session.scalars(select(User).where(User.email.like(f"%@{DEMO_DOMAIN}")))}
    coordinator = users[demo_email("coordinator")]
    today = datetime.now(ZoneInfo("Europe/Amsterdam")).date()
    dates = RoundDates(today + timedelta(days=42), today + timedelta(days=120), today + timedelta(days=240))
    round_ = services.open_round(coordinator, region.id, services.RoundInput(
        f"Collegiale toets {today.year + 1}", today.year + 1, f"{questionnaire.key}/{questionnaire.version}", dates,
        [by_code[code].id for code in DEMO_ROUND_MEMBERS]), today=today)
    evaluations = {e.municipality.cbs_code: e for e in round_.evaluations}
    scale = questionnaire.scale
    levels = list(scale.values)

    def level(seed: int) -> int:
        return levels[seed % len(levels)]

    groenmeer = evaluations["GM9002"]
    people = [users[demo_email(p)] for p in ("trekker.groenmeer", "bijdrager.groenmeer", "collega.groenmeer")]
    sections = questionnaire.sections
    for n, person in enumerate(people):
        for s_index, section in enumerate(sections[:3]):
            for q_index, question in enumerate(section.questions):
                value = level(2 + (s_index + q_index + n) % 3)
                data = AnswerData(value=value, explanation="Zo werkt het bij ons in de praktijk." if q_index == 0
                                  else "")
                row = Answer(evaluation_id=groenmeer.id, author_id=person.id, question_id=question.id)
                row.set_data(data)
                db.session.add(row)
    lead = people[0]
    for question in sections[0].questions:
        row = ConsensusAnswer(evaluation_id=groenmeer.id, question_id=question.id, updated_by_id=lead.id)
        row.set_data(AnswerData(value=level(3), explanation="Vastgesteld in het overleg met het team."))
        db.session.add(row)
    havenstede = evaluations["GM9001"]
    hanna = users[demo_email("trekker.havenstede")]
    for index, question in enumerate(questionnaire.questions):
        row = ConsensusAnswer(evaluation_id=havenstede.id, question_id=question.id, updated_by_id=hanna.id)
        row.set_data(AnswerData(value=level(1 + index % 4), explanation="Toelichting van Havenstede."))
        db.session.add(row)
    db.session.flush()
    services.submit(hanna, havenstede, questionnaire)


def demo_logins() -> list[tuple[str, str]]:
    """(label, e-mail) of the demo users that still exist."""
    emails = [demo_email(local) for _l, local, *_ in DEMO_USERS]
    present = set(db.session.scalars(select(User.email).where(User.email.in_(emails))))
    return [(label, demo_email(local)) for label, local, *_ in DEMO_USERS if demo_email(local) in present]
