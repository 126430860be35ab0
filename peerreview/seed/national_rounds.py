"""The rounds of the synthetic data set: per round year, every gemeente's self-evaluation and the peer review,
report, recommendations and improvement plan that follow, gathered as rows and written kind by kind in bulk."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from ..domain.evaluations import EvaluationStatus
from ..domain.plans import ActionStatus, OwnerKind, Verdict
from ..domain.questionnaire import Questionnaire
from ..domain.reviews import Addressee, Capacity, Confidentiality, EntryKind, Priority
from ..models import (
    ActionNote,
    ActionRecommendation,
    ActionTheme,
    Answer,
    ConsensusAnswer,
    ConsensusNote,
    Evaluation,
    EvaluationEvent,
    ImprovementAction,
    PeerReport,
    PeerScore,
    PlanTarget,
    Recommendation,
    RecommendationTheme,
    RecommendationVerdict,
    ReviewEntry,
    ReviewEntryTheme,
    SectionNote,
    TeamMember,
    TeamScore,
)
from .national_country import Gemeente, Writer, _at

_INTERVIEWEES = ("Burgemeester", "Gemeentesecretaris", "Wethouder Zorg", "Teamchef politie", "Directeur GGD",
                 "Officier van justitie", "Veiligheidscoördinator", "Beleidsadviseur OOV", "Wijkagent",
                 "Manager sociaal domein", "Woningcorporatie", "Raadslid")
_EXPLANATIONS = (
    "Zo werkt het bij ons in de praktijk; het staat ook in het IVP.",
    "Wordt besproken in het driehoeksoverleg, maar nog niet structureel vastgelegd.",
    "Hangt sterk af van de personen die er nu zitten.",
    "Is na de vorige toets verbeterd, maar nog niet overal in de organisatie bekend.",
    "Hierover verschillen de collega's van mening; zie de notities.",
    "",
)

_LATEST_STATUSES = ((EvaluationStatus.published, 0.72), (EvaluationStatus.in_peer_review, 0.12),
                    (EvaluationStatus.submitted, 0.08), (EvaluationStatus.draft, 0.08))


class RoundPlan:
    """The rows of one round year over all regions, gathered first and written kind by kind."""

    def __init__(self, rng: random.Random, questionnaire: Questionnaire, items: Sequence, knelpunten: Sequence,
                 year: int, index: int, latest: bool) -> None:
        self.rng, self.questionnaire, self.items, self.knelpunten = rng, questionnaire, items, knelpunten
        self.year, self.index, self.latest = year, index, latest
        self.scale = list(questionnaire.scale.values)
        self.evaluations: list[dict[str, Any]] = []
        self.pending: list[tuple[Gemeente, EvaluationStatus, list[Gemeente], int, int]] = []
        self.statuses: dict[str, int] = {}

    def clamp(self, value: float) -> int:
        return max(self.scale[0], min(self.scale[-1], round(value)))

    def status(self) -> EvaluationStatus:
        if not self.latest:
            return EvaluationStatus.closed
        draw = self.rng.random()
        for status, share in _LATEST_STATUSES:
            if draw < share:
                return status
            draw -= share
        return EvaluationStatus.draft

    def region(self, members: list[Gemeente], everyone: list[Gemeente], round_id: int, coordinator: int,
               admin: int) -> None:
        for place in members:
            status = self.status()
            self.statuses[status.value] = self.statuses.get(status.value, 0) + 1
            # Three reviewers from other gemeenten: the region's own first, then the nearest other regions.
            others = [m for m in members if m is not place]
            self.rng.shuffle(others)
            if len(others) < 3:
                outside = [p for p in everyone if p.region != place.region]
                outside.sort(key=lambda p: (abs(p.region - place.region), p.id))
                others += outside[:3 - len(others)]
            self.pending.append((place, status, others[:3], round_id, coordinator))

    def every_stage(self) -> None:
        """However small the set, the latest round has a gemeente in every stage (the last published ones move),
        so that every page has something to show and the benchmark measures the same pages at every size."""
        missing = [s for s in (EvaluationStatus.draft, EvaluationStatus.submitted, EvaluationStatus.in_peer_review)
                   if not self.statuses.get(s.value)]
        movable = [i for i, entry in enumerate(self.pending) if entry[1] is EvaluationStatus.published]
        for status, index in zip(missing, reversed(movable[1:]), strict=False):  # at least one stays published
            place, old, team, round_id, coordinator = self.pending[index]
            self.pending[index] = (place, status, team, round_id, coordinator)
            self.statuses[old.value] -= 1
            self.statuses[status.value] = self.statuses.get(status.value, 0) + 1

    # ------------------------------------------------------------------------------------------ writing

    def write(self, write: Writer) -> None:
        year, rng = self.year, self.rng
        rows = []
        for place, status, _team, round_id, _coordinator in self.pending:
            submitted = status is not EvaluationStatus.draft
            rows.append({"round_id": round_id, "municipality_id": place.id, "status": status,
                         "created_at": _at(date(year - 1, 12, 1)),
                         "submitted_at": _at(date(year, 3, 1) + timedelta(days=rng.randint(0, 20))) if submitted
                         else None, "submitted_by_id": place.lead if submitted else None})
        evaluation_ids = write.ids("evaluations", Evaluation, rows)
        answers: list[dict[str, Any]] = []
        consensus: list[dict[str, Any]] = []
        section_notes: list[dict[str, Any]] = []
        consensus_notes: list[dict[str, Any]] = []
        members: list[dict[str, Any]] = []
        peer_scores: list[dict[str, Any]] = []
        team_scores: list[dict[str, Any]] = []
        reports: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        entries: list[tuple[dict[str, Any], tuple[str, ...]]] = []
        recommendations: list[tuple[dict[str, Any], tuple[str, ...]]] = []
        published_on: dict[int, date] = {}
        for evaluation_id, row, (place, status, team, _round_id, coordinator) in zip(
                evaluation_ids, rows, self.pending, strict=True):
            growth = 0.18 * self.index
            level = {key: value + growth for key, value in place.true_level.items()}
            self._self_evaluation(evaluation_id, place, status, level, answers, consensus, section_notes,
                                  consensus_notes)
            events.append({"evaluation_id": evaluation_id, "at": _at(date(year - 1, 12, 1)), "actor_id": coordinator,
                           "kind": "created", "subject": "", "details": {"round": f"Collegiale toets {year}"}})
            if status is EvaluationStatus.draft:
                continue
            events.append(_event(evaluation_id, row["submitted_at"], place.lead, "submitted", "draft", "submitted"))
            if status is EvaluationStatus.submitted:
                continue
            events.append(_event(evaluation_id, _at(date(year, 4, 2)), coordinator, "review_started", "submitted",
                                 "in_peer_review"))
            published = status.is_report_published
            scored = team if published else team[:rng.randint(0, len(team))]
            for position, reviewer in enumerate(team):
                members.append({"evaluation_id": evaluation_id, "user_id": reviewer.peer, "is_chair": position == 0,
                                "capacity": Capacity.administrator if position == 0 else Capacity.official,
                                "added_at": _at(date(year, 3, 25)), "added_by_id": coordinator,
                                "confirmed_warnings": "",
                                "scores_submitted_at": _at(date(year, 5, 10 + position)) if reviewer in scored
                                else None})
            for reviewer in scored:
                for item in self.items:
                    peer_scores.append({
                        "evaluation_id": evaluation_id, "reviewer_id": reviewer.peer, "item_id": item.id,
                        "value": self.clamp(level[item.id] + rng.gauss(0, 0.45)),
                        "rationale": "Op grond van de gesprekken, de stukken en de eigen waarneming.",
                        "updated_at": _at(date(year, 5, 10))})
            for number in range(rng.randint(3, 6)):
                interview = number < 3 or rng.random() < 0.5
                chosen = tuple(sorted(rng.sample([s.id for s in self.questionnaire.sections], rng.randint(1, 3))))
                entries.append(({
                    "evaluation_id": evaluation_id, "kind": EntryKind.interview if interview else EntryKind.observation,
                    "held_on": date(year, 4, 10) + timedelta(days=rng.randint(0, 40)),
                    "interviewees": "\n".join(f"{who} – gemeente {place.name}" if who in _INTERVIEWEES[:3]
                                              else who for who in rng.sample(_INTERVIEWEES, rng.randint(1, 3)))
                    if interview else "",
                    "notes": _entry_text(rng, place.name, interview),
                    "confidentiality": Confidentiality.quotable if rng.random() < 0.6 else Confidentiality.team,
                    "author_id": team[number % len(team)].peer,
                    "created_at": _at(date(year, 4, 20)), "updated_at": _at(date(year, 4, 20))}, chosen))
            if not published:
                continue
            chair = team[0].peer
            day = date(year, 6, 1) + timedelta(days=rng.randint(0, 28))
            published_on[evaluation_id] = day
            for item in self.items:
                team_scores.append({"evaluation_id": evaluation_id, "item_id": item.id,
                                    "value": self.clamp(level[item.id]),
                                    "motivation": _motivation(rng, place.name, level[item.id]),
                                    "updated_at": _at(day - timedelta(days=5)), "updated_by_id": chair})
            closed = status is EvaluationStatus.closed
            reaction = rng.random() < (0.9 if closed else 0.5)
            reports.append({
                "evaluation_id": evaluation_id, "updated_at": _at(day), "updated_by_id": chair,
                "judgement": f"{place.name} voert in {year} de regie op integrale veiligheid met een betrokken "
                             "bestuur en een coördinator die de partners kent. Analyse, meetbare doelen en de "
                             "samenhang met ander beleid vragen nog aandacht.",
                "strengths": "Korte lijnen met politie en zorg; open houding tegenover het peer team.",
                "published_at": _at(day), "published_by_id": chair, "published_without": "",
                # hoor en wederhoor before publication: the concept six weeks before, the reaction (or, after the
                # term, none) a few days before
                "concept_sent_at": _at(day - timedelta(days=45)), "concept_sent_by_id": chair,
                "corrected_at": _at(day - timedelta(days=24)), "term_due": day - timedelta(days=3),
                "reaction": "Het college neemt de aanbevelingen over en verwerkt ze in het verbeterplan."
                if reaction else "", "reaction_at": _at(day - timedelta(days=5)) if reaction else None,
                "reaction_by_id": place.lead if reaction else None,
                "reaction_decided_on": day - timedelta(days=6) if reaction else None,
                "reaction_reference": f"Z/{year}/{evaluation_id}" if reaction else "",
                "no_reaction_at": None if reaction else _at(day - timedelta(days=2)),
                "no_reaction_by_id": None if reaction else coordinator,
                "closed_at": _at(date(year + 1, 5, 1)) if closed else None})
            events.append(_event(evaluation_id, _at(day - timedelta(days=45)), chair, "concept_sent", "in_peer_review",
                                 "fact_check"))
            events.append(_event(evaluation_id, _at(day - timedelta(days=24)), chair, "corrected", "fact_check",
                                 "corrected"))
            events.append(_event(evaluation_id, _at(day - timedelta(days=5)), place.lead if reaction else coordinator,
                                 "reacted" if reaction else "no_reaction", "corrected", "reacted"))
            events.append(_event(evaluation_id, _at(day), chair, "published", "reacted", "published"))
            if closed:
                events.append(_event(evaluation_id, _at(date(year + 1, 5, 1)), coordinator, "closed", "published",
                                     "closed"))
            weakest = sorted(self.knelpunten, key=lambda s: level[s.id])
            external = [s for s in self.knelpunten if s.external] or list(self.knelpunten)
            count = rng.randint(3, 6)
            for position in range(1, count + 1):
                if position <= count - 1 or rng.random() < 0.5:
                    section = weakest[(position - 1) % len(weakest)]
                    addressee = Addressee.municipality
                else:
                    section = rng.choice(external)
                    addressee = Addressee.region if rng.random() < 0.5 else Addressee.national
                themes = (section.id,) if rng.random() < 0.7 else tuple(sorted({section.id,
                                                                                rng.choice(self.knelpunten).id}))
                recommendations.append(({
                    "evaluation_id": evaluation_id, "position": position,
                    "text": _recommendation_text(rng, section.title, addressee),
                    "priority": Priority.high if position == 1 else rng.choice((Priority.medium, Priority.low,
                                                                                Priority.medium)),
                    "addressee": addressee, "created_at": _at(day), "updated_at": _at(day),
                    "created_by_id": chair}, themes))
        write.add("answers", Answer, answers)
        write.add("consensus_answers", ConsensusAnswer, consensus)
        write.add("section_notes", SectionNote, section_notes)
        write.add("consensus_notes", ConsensusNote, consensus_notes)
        write.add("team_members", TeamMember, members)
        write.add("peer_scores", PeerScore, peer_scores)
        write.add("team_scores", TeamScore, team_scores)
        write.add("reports", PeerReport, reports)
        write.add("events", EvaluationEvent, events)
        entry_ids = write.ids("review_entries", ReviewEntry, [row for row, _ in entries])
        write.add("entry_themes", ReviewEntryTheme, [{"entry_id": entry_id, "section_id": section_id}
                                                     for entry_id, (_, themes) in zip(entry_ids, entries, strict=True)
                                                     for section_id in themes])
        recommendation_ids = write.ids("recommendations", Recommendation, [row for row, _ in recommendations])
        write.add("recommendation_themes", RecommendationTheme, [
            {"recommendation_id": rec_id, "section_id": section_id}
            for rec_id, (_, themes) in zip(recommendation_ids, recommendations, strict=True)
            for section_id in themes])
        self._plans(write, recommendation_ids, recommendations, published_on)

    def _self_evaluation(self, evaluation_id: int, place: Gemeente, status: EvaluationStatus,
                         level: dict[str, float], answers: list, consensus: list, section_notes: list,
                         consensus_notes: list) -> None:
        rng, year = self.rng, self.year
        answered_at = _at(date(year, 2, 1) + timedelta(days=rng.randint(0, 30)))
        draft = status is EvaluationStatus.draft
        consensus_sections = {s.id for s in self.questionnaire.sections[:len(self.questionnaire.sections) // 2]} \
            if draft else {s.id for s in self.questionnaire.sections}
        for question in self.questionnaire.questions:
            truth = level[question.element_id or question.section_id] + place.optimism
            values: list[int] = []
            for author in place.contributors:
                unknown = rng.random() < 0.03
                value = None if unknown else self.clamp(truth + rng.gauss(0, 0.7))
                if value is not None:
                    values.append(value)
                answers.append({"evaluation_id": evaluation_id, "author_id": author, "question_id": question.id,
                                "value": value, "is_unknown": unknown, "explanation": rng.choice(_EXPLANATIONS),
                                "evidence": "", "links": "", "updated_at": answered_at, "version": 1})
            if question.section_id not in consensus_sections:
                continue
            unknown = not values
            consensus.append({
                "evaluation_id": evaluation_id, "question_id": question.id, "updated_by_id": place.lead,
                "value": None if unknown else self.clamp(sum(values) / len(values)), "is_unknown": unknown,
                "explanation": f"Vastgesteld in het overleg van de drie collega's van {place.name}.",
                "evidence": "IVP en veiligheidsanalyse, vastgesteld door de raad." if question.evidence.is_asked
                else "", "links": "", "updated_at": answered_at + timedelta(days=7), "version": 1})
        for section in self.questionnaire.sections:
            if rng.random() < 0.35:
                section_notes.append({"evaluation_id": evaluation_id, "section_id": section.id,
                                      "author_id": rng.choice(place.contributors),
                                      "strengths": "De samenwerking met de politie loopt goed.",
                                      "improvements": "Meer sturen op cijfers; afspraken vastleggen.",
                                      "updated_at": answered_at, "version": 1})
            if section.id in consensus_sections:
                consensus_notes.append({"evaluation_id": evaluation_id, "section_id": section.id,
                                        "updated_by_id": place.lead,
                                        "strengths": f"Wat {place.name} hier goed doet: korte lijnen en een "
                                                     "betrokken bestuur.",
                                        "improvements": "Vastleggen wat nu op personen rust; jaarlijks evalueren.",
                                        "updated_at": answered_at + timedelta(days=7), "version": 1})

    def _plans(self, write: Writer, recommendation_ids: list[int],
               recommendations: list[tuple[dict[str, Any], tuple[str, ...]]], published_on: dict[int, date]) -> None:
        """Actions for the gemeente's own recommendations (most get one, some two), notes, targets, verdicts."""
        rng, year = self.rng, self.year
        closed = not self.latest
        actions: list[tuple[dict[str, Any], tuple[str, ...], int]] = []
        verdicts: list[dict[str, Any]] = []
        targets: list[dict[str, Any]] = []
        owners = ("Veiligheidscoördinator", "Beleidsadviseur OOV", "Directeur Ruimte", "Teamleider wijkteams",
                  "Gemeentesecretaris", "Teamchef politie (partner)", "GGD (partner)")
        for rec_id, (row, themes) in zip(recommendation_ids, recommendations, strict=True):
            evaluation_id = row["evaluation_id"]
            start = published_on[evaluation_id] + timedelta(days=rng.randint(10, 60))
            if row["addressee"] is Addressee.municipality and rng.random() < 0.9:
                for _ in range(1 if rng.random() < 0.8 else 2):
                    due = start + timedelta(days=rng.randint(60, 300))
                    if closed:
                        status = rng.choices((ActionStatus.done, ActionStatus.in_progress, ActionStatus.dropped),
                                             (0.7, 0.2, 0.1))[0]
                    else:
                        status = rng.choices((ActionStatus.planned, ActionStatus.in_progress, ActionStatus.done),
                                             (0.35, 0.45, 0.2))[0]
                    owner = rng.choice(owners)
                    actions.append(({
                        "evaluation_id": evaluation_id, "title": _action_title(rng),
                        "description": "Uitwerking van de aanbeveling van het peer team, met de partners.",
                        "owner": owner, "owner_kind": OwnerKind.partner if "(partner)" in owner else OwnerKind.internal,
                        "start_on": start, "due_on": due, "status": status,
                        "status_reason": "Ingehaald door het nieuwe IVP." if status is ActionStatus.dropped else "",
                        "completed_on": min(due, start + timedelta(days=rng.randint(30, 200)))
                        if status is ActionStatus.done else None,
                        "created_at": _at(start), "updated_at": _at(start), "version": 1}, themes, rec_id))
            if closed:
                verdict = rng.choices((Verdict.followed, Verdict.partly, Verdict.not_followed), (0.5, 0.35, 0.15))[0]
                verdicts.append({"recommendation_id": rec_id, "evaluation_id": evaluation_id, "verdict": verdict,
                                 "note": "Besproken in de voortgangsreview met de trekker en de coördinator.",
                                 "decided_at": _at(date(year + 1, 4, 15))})
        for evaluation_id in published_on:
            for section in self.knelpunten:
                if rng.random() < 0.6:
                    targets.append({"evaluation_id": evaluation_id, "section_id": section.id,
                                    "target": rng.choice(self.scale[2:]), "updated_at": _at(published_on[evaluation_id]
                                                                                            + timedelta(days=40))})
        action_ids = write.ids("actions", ImprovementAction, [row for row, _, _ in actions])
        write.add("action_themes", ActionTheme, [{"action_id": action_id, "section_id": section_id}
                                                 for action_id, (_, themes, _) in zip(action_ids, actions, strict=True)
                                                 for section_id in themes])
        write.add("action_links", ActionRecommendation, [{"action_id": action_id, "recommendation_id": rec_id}
                                                         for action_id, (_, _, rec_id) in zip(action_ids, actions,
                                                                                               strict=True)])
        notes = []
        for action_id, (row, _, _) in zip(action_ids, actions, strict=True):
            if row["status"] is ActionStatus.planned:
                continue
            for n in range(rng.randint(0, 3)):
                noted = row["start_on"] + timedelta(days=20 * (n + 1))
                notes.append({"action_id": action_id, "noted_on": noted, "created_at": _at(noted),
                              "text": rng.choice(("Eerste overleg met de partners gehouden.",
                                                  "Concept besproken in het driehoeksoverleg.",
                                                  "Vertraging door personele wisseling; nieuwe planning gemaakt.",
                                                  "Het college heeft het voorstel vastgesteld."))})
        write.add("action_notes", ActionNote, notes)
        write.add("targets", PlanTarget, targets)
        write.add("verdicts", RecommendationVerdict, verdicts)


def _event(evaluation_id: int, at: datetime, actor: int, kind: str, before: str, after: str) -> dict[str, Any]:
    return {"evaluation_id": evaluation_id, "at": at, "actor_id": actor, "kind": kind, "subject": "",
            "details": {"from": before, "to": after}}


def _entry_text(rng: random.Random, name: str, interview: bool) -> str:
    if interview:
        return rng.choice((
            f"De burgemeester van {name} noemt veiligheid een topprioriteit, maar de wethouders zien het vooral "
            "als zaak van de portefeuillehouder.",
            "De coördinator heeft een korte lijn met de burgemeester en een goed netwerk bij zorg en politie.",
            "Partners weten niet goed wie in de gemeente over de aanpak van ondermijning gaat.",
            "De raad krijgt jaarlijks een verslag, maar bespreekt de doelen zelden.",
        ))
    return rng.choice(("In het driehoeksoverleg werden geen cijfers gebruikt.",
                       "Het casusoverleg zorg en veiligheid verliep gestructureerd, met duidelijke afspraken.",
                       "Het IVP ligt op de website, maar de uitvoeringsagenda ontbreekt."))


def _motivation(rng: random.Random, name: str, level: float) -> str:
    finding = "een stevige basis" if level >= 3.2 else "stappen in de goede richting" if level >= 2.4 else \
        "nog weinig samenhang"
    return f"Het team zag in {name} op dit thema {finding}; " + rng.choice((
        "de gesprekken bevestigen het beeld uit de zelfevaluatie.",
        "de stukken laten minder zien dan de zelfevaluatie suggereert.",
        "de partners zijn positiever dan de gemeente zelf."))


def _recommendation_text(rng: random.Random, title: str, addressee: Addressee) -> str:
    if addressee is Addressee.national:
        return f"Vraag het Rijk om ontschotte financiering en één aanspreekpunt voor {title.lower()}."
    if addressee is Addressee.region:
        return (f"Breng met de andere gemeenten in de regio de knelpunten rond {title.lower()} in kaart en leg ze "
                "voor aan het Regionaal Veiligheidsoverleg.")
    return rng.choice((f"Versterk {title.lower()}: maak er een vast onderdeel van het veiligheidsbeleid van.",
                       f"Leg de afspraken over {title.lower()} vast en evalueer ze jaarlijks met de raad.",
                       f"Beleg {title.lower()} bij één verantwoordelijke en geef die de tijd en middelen."))


def _action_title(rng: random.Random) -> str:
    return rng.choice(("Veiligheidsanalyse actualiseren", "Integraal veiligheidsplan opstellen",
                       "Veiligheidstoets bij nieuw beleid invoeren", "Wijkteams betrekken bij de analyse",
                       "Jaarlijkse evaluatie in de raad", "Regionaal overleg over de zorgketen",
                       "Opleiding voor de coördinator", "Afspraken met partners vastleggen"))
