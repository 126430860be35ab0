"""A fictional region with twelve gemeenten of mixed sizes and one user per role.

The CBS codes are in the GM9xxx range, which no real gemeente uses, so demo data is never
mistaken for a real gemeente.
"""

from __future__ import annotations

from sqlalchemy import select

from ..domain.hearing import check_point
from ..domain.roles import Role
from ..evaluations.rounds import RoundInput, offered_questionnaires, open_round
from ..extensions import db
from ..models import Municipality, Region, RegionMembership, User
from ..models.types import utcnow
from ..reviews import hearing
from ..reviews.entries import add_entry
from ..reviews.report import add_recommendation, save_judgement
from . import DEMO_DOMAIN, demo_email
from .demo_plans import load_demo_plan

DEMO_REGION = "Veiligheidsplatform Lage Landen (demo)"
DEMO_PASSWORD = "demo-Toetsing-2026"  # noqa: S105 (fictional demo accounts only)

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
    ("Trekker gemeente (Molenwaard-Oost)", "trekker.molenwaard", "Mila Molenaar", Role.municipal_lead, "GM9010"),
    ("Trekker gemeente (Ter Aa), concept ter feitelijke controle", "trekker.teraa", "Thijs ter Aa",
     Role.municipal_lead, "GM9012"),
    ("Peer reviewer (Dijkhuizen), voorzitter in Havenstede", "peer.dijkhuizen", "Petra Peer", Role.peer_reviewer,
     "GM9004"),
    ("Peer reviewer (Oudegracht), voorzitter in Ter Aa", "peer.oudegracht", "Olga Oudeman", Role.peer_reviewer,
     "GM9005"),
    ("Peer reviewer (Lindewoude), voorzitter in Molenwaard-Oost", "peer.lindewoude", "Lars Linde",
     Role.peer_reviewer, "GM9007"),
)


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
    load_demo_plan()
    return region


#: The gemeenten in the demo round; Groenmeer is halfway, Havenstede is in peer review, Ter Aa checks the facts of
#: the team's concept (one point still open), Molenwaard-Oost has its report published after hoor en wederhoor.
DEMO_ROUND_MEMBERS = ("GM9001", "GM9002", "GM9004", "GM9005", "GM9007", "GM9010", "GM9012")


def _demo_round(region: Region, by_code: dict[str, Municipality]) -> None:
    """A round in progress: several colleagues of Groenmeer have answered the first themes (with some spread),
    the lead has set the consensus of theme 1; Havenstede has submitted and is being reviewed; Molenwaard-Oost's
    peer report is published."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from ..domain.evaluations import AnswerData, RoundDates
    from ..evaluations import services
    from ..models import Answer, ConsensusAnswer

    offered = offered_questionnaires()
    if not offered:
        return
    questionnaire = offered[0]
    users = {u.email: u for u in db.session.scalars(select(User).where(User.email.like(f"%@{DEMO_DOMAIN}")))}
    coordinator = users[demo_email("coordinator")]
    today = datetime.now(ZoneInfo("Europe/Amsterdam")).date()
    dates = RoundDates(today + timedelta(days=42), today + timedelta(days=120), today + timedelta(days=240))
    round_ = open_round(coordinator, region.id, RoundInput(
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
    for code, lead_local, shift in (("GM9001", "trekker.havenstede", 1), ("GM9010", "trekker.molenwaard", 2),
                                    ("GM9012", "trekker.teraa", 0)):
        evaluation = evaluations[code]
        evaluation_lead = users[demo_email(lead_local)]
        for index, question in enumerate(questionnaire.questions):
            row = ConsensusAnswer(evaluation_id=evaluation.id, question_id=question.id,
                                  updated_by_id=evaluation_lead.id)
            row.set_data(AnswerData(value=level(shift + index % 4),
                                    explanation=f"Toelichting van {evaluation.municipality.name}."))
            db.session.add(row)
        db.session.flush()
        services.submit(evaluation_lead, evaluation, questionnaire)
    _demo_reviews(coordinator, evaluations, users, questionnaire, today)
    from .demo_history import load_history

    load_history(region, by_code, users, questionnaire, today.year - 1)


def _demo_reviews(coordinator: User, evaluations: dict, users: dict, questionnaire, today) -> None:
    """Havenstede in peer review (one member has scored, the chair is busy); Ter Aa's concept ter feitelijke
    controle with one open point; Molenwaard-Oost published after hoor en wederhoor."""
    from datetime import timedelta

    from ..domain.reviews import (
        Addressee,
        Capacity,
        Confidentiality,
        EntryData,
        EntryKind,
        Priority,
        RecommendationData,
        review_items,
    )
    from ..reviews import services as reviews

    petra, olga, lars = (users[demo_email(p)] for p in ("peer.dijkhuizen", "peer.oudegracht", "peer.lindewoude"))
    items = review_items(questionnaire)
    scale = list(questionnaire.scale.values)
    knelpunten = [s for s in questionnaire.sections if s.lever is not None]
    external = [s for s in knelpunten if s.external] or knelpunten

    def theme(number: int) -> str:
        """The id of the knelpunt at this place (0-based), or the last one of a shorter questionnaire."""
        return knelpunten[min(number, len(knelpunten) - 1)].id

    def team(evaluation, chair, member) -> None:
        reviews.add_member(coordinator, evaluation, chair.id, capacity=Capacity.administrator, as_chair=True,
                           confirmed=True)
        reviews.add_member(coordinator, evaluation, member.id, capacity=Capacity.official, as_chair=False,
                           confirmed=True)
        reviews.start_review(coordinator, evaluation)

    def score(evaluation, reviewer, offset: int, submit: bool = True) -> None:
        raw = {item.id: (scale[(i + offset) % len(scale)], f"Gezien de gesprekken en de stukken: {item.title.lower()}.")
               for i, item in enumerate(items)}
        reviews.save_own_scores(reviewer, evaluation, questionnaire, raw)
        if submit:
            reviews.submit_own_scores(reviewer, evaluation, questionnaire)

    havenstede = evaluations["GM9001"]
    team(havenstede, petra, olga)
    add_entry(petra, havenstede, EntryData(
        EntryKind.interview, today - timedelta(days=3), "De burgemeester noemt veiligheid een topprioriteit, maar "
        "de wethouders zien het vooral als zaak van de portefeuillehouder.", (theme(0), theme(6)),
        Confidentiality.quotable, ("Burgemeester – gemeente Havenstede", "Teamchef – politie")))
    add_entry(olga, havenstede, EntryData(
        EntryKind.observation, today - timedelta(days=2), "In het driehoeksoverleg werden geen cijfers gebruikt.",
        (theme(4),), Confidentiality.team))
    score(havenstede, olga, 1)

    molenwaard = evaluations["GM9010"]
    team(molenwaard, lars, petra)
    add_entry(lars, molenwaard, EntryData(
        EntryKind.interview, today - timedelta(days=20), "De coördinator heeft een korte lijn met de burgemeester "
        "en een goed netwerk bij zorg en politie.", (questionnaire.sections[-1].id,), Confidentiality.quotable,
        ("Veiligheidscoördinator – gemeente Molenwaard-Oost", "Directeur – zorgpartner")))
    score(molenwaard, lars, 2)
    score(molenwaard, petra, 3)
    reviews.save_team_scores(lars, molenwaard, questionnaire, {
        item.id: (scale[(i + 2) % len(scale)],
                  "Het team ziet een gemeente die stappen zet, maar de samenhang met ander beleid is nog dun.")
        for i, item in enumerate(items)})
    save_judgement(lars, molenwaard, (
        "Molenwaard-Oost voert de regie op integrale veiligheid met een betrokken burgemeester en een "
        "coördinator die de partners kent. De aanpak steunt nog te weinig op analyse en meetbare doelen, en "
        "veiligheid is buiten de afdeling OOV nog geen vanzelfsprekend onderwerp."),
        "Korte lijnen met politie en zorg; een coördinator met gezag; open houding tegenover het peer team.")
    for text, sections, priority, addressee in (
        ("Stel een integraal veiligheidsplan op met meetbare doelen en een jaarlijkse evaluatie in de raad.",
         (theme(0),), Priority.high, Addressee.municipality),
        ("Betrek ruimtelijke ordening, wonen en jeugd bij de veiligheidsanalyse, met een vaste toets op "
         "veiligheidseffecten van nieuw beleid.", (theme(5),), Priority.medium, Addressee.municipality),
        ("Vraag het Rijk om ontschotte financiering voor de aanpak van personen met verward gedrag.",
         (external[-1].id,), Priority.medium, Addressee.national),
    ):
        add_recommendation(lars, molenwaard, RecommendationData(text, sections, priority, addressee))
    mila = users[demo_email("trekker.molenwaard")]
    hearing.send_concept(lars, molenwaard, questionnaire, None)
    places = hearing.places(molenwaard, questionnaire)
    point = hearing.add_point(mila, molenwaard, check_point(places, "strengths", (
        "Het overleg met zorg en politie is sinds 2025 maandelijks, niet per kwartaal zoals in het concept staat.")))
    hearing.answer_point(lars, molenwaard, point, "adopted", "De tekst bij de sterke punten is aangepast.",
                         point.version)
    hearing.finish_check(mila, molenwaard)
    hearing.correct(lars, molenwaard)
    hearing.record_reaction(mila, molenwaard, (
        "Het college dankt het peer team voor de open en zorgvuldige toets. Wij herkennen het beeld en nemen de "
        "aanbevelingen over voor de gemeente. Het integrale veiligheidsplan met meetbare doelen leggen wij in het "
        "najaar aan de raad voor."), today, "Z/2026/004512")
    hearing.save_afterword(lars, molenwaard, "Het team ziet met belangstelling uit naar het veiligheidsplan.")
    hearing.publish(lars, molenwaard)

    teraa = evaluations["GM9012"]
    team(teraa, olga, lars)
    add_entry(olga, teraa, EntryData(
        EntryKind.interview, today - timedelta(days=12), "De gemeente werkt met wijkagenten en boa's in één "
        "wijkteam; de coördinator zit ook in het zorg- en veiligheidsoverleg.", (theme(1),), Confidentiality.quotable,
        ("Veiligheidscoördinator – gemeente Ter Aa", "Wijkagent – politie")))
    score(teraa, olga, 1)
    score(teraa, lars, 2)
    reviews.save_team_scores(olga, teraa, questionnaire, {
        item.id: (scale[(i + 1) % len(scale)], "Een kleine gemeente met korte lijnen, maar met weinig capaciteit.")
        for i, item in enumerate(items)})
    save_judgement(olga, teraa, (
        "Ter Aa doet met weinig mensen veel: de lijnen met politie en zorg zijn kort. De regie hangt wel sterk aan "
        "één coördinator en er is geen vastgesteld veiligheidsplan."), "Korte lijnen; een bereikbare burgemeester.",
        "Integraal veiligheidsplan Ter Aa 2019–2022\nJaarverslag wijkteam 2025")
    add_recommendation(olga, teraa, RecommendationData(
        "Leg de regie vast in een actueel veiligheidsplan en borg de kennis bij meer dan één medewerker.",
        (theme(0),), Priority.high, Addressee.municipality))
    hearing.send_concept(olga, teraa, questionnaire, None)
    thijs = users[demo_email("trekker.teraa")]
    hearing.add_point(thijs, teraa, check_point(hearing.places(teraa, questionnaire), "judgement", (
        "Er is wel een vastgesteld veiligheidsplan: het plan 2019–2022 is door de raad verlengd tot eind 2026.")))


def demo_logins() -> list[tuple[str, str]]:
    """(label, e-mail) of the demo users that still exist."""
    emails = [demo_email(local) for _l, local, *_ in DEMO_USERS]
    present = set(db.session.scalars(select(User.email).where(User.email.in_(emails))))
    return [(label, demo_email(local)) for label, local, *_ in DEMO_USERS if demo_email(local) in present]
