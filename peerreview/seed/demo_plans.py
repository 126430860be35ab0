"""The demo's verbeterplan: Molenwaard-Oost turned two of its three recommendations into actions (one done, one
running, one late), logged progress and set targets; the recommendation to the Rijk is still open.

When the demo also holds an earlier, closed round for Molenwaard-Oost (``demo_history``), its plan is written too,
finished: actions, targets for this round, and the chair's verdicts of the voortgangsreview. The new
self-evaluation then shows the previous round, and the old plan sets its targets against the new scores."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..evaluation.team import recommendations as recommendations_of
from ..extensions import db
from ..models import Evaluation, Municipality, User
from . import demo_email


def load_demo_plan() -> None:
    """Called at the end of ``demo.load_demo``; does nothing when the demo has no published evaluation."""
    from ..dates import today
    from ..domain.plans import ActionStatus, NoteData, check_action
    from ..evaluation.lifecycle import questionnaire_of
    from ..plans import services


    evaluation = db.session.scalar(select(Evaluation).join(Municipality)
                                   .where(Municipality.cbs_code == "GM9010", Evaluation.status == "published"))
    lead = db.session.scalar(select(User).where(User.email == demo_email("trekker.molenwaard")))
    if evaluation is None or lead is None:
        return
    questionnaire = questionnaire_of(evaluation)
    recommendations = recommendations_of(evaluation)
    if len(recommendations) < 2:
        return
    themes = services.recommendation_themes(recommendations)
    on = today()

    def action(title: str, description: str, owner: str, kind: str, recommendation: int, start: int, due: int):
        data = check_action(questionnaire, title=title, description=description, owner=owner, owner_kind=kind,
                            start_on=on + timedelta(days=start), due_on=on + timedelta(days=due),
                            recommendation_ids=[str(recommendations[recommendation].id)], section_ids=[],
                            recommendations=themes)
        return services.add_action(lead, evaluation, data)

    analysis = action("Veiligheidsanalyse actualiseren", "Cijfers van politie, zorg en de woningcorporatie in één "
                      "analyse, besproken met de driehoek.", "Beleidsadviseur OOV", "internal", 0, -60, -10)
    plan = action("Integraal veiligheidsplan 2027–2030 opstellen", "Met meetbare doelen per prioriteit en een "
                  "jaarlijkse evaluatie in de raad.", "Veiligheidscoördinator", "internal", 0, -20, 90)
    test = action("Veiligheidstoets bij nieuw beleid invoeren", "Een vaste paragraaf ‘veiligheidseffecten’ in "
                  "collegevoorstellen over wonen, ruimte en jeugd.", "Directeur Ruimte", "internal", 1, -30, -3)
    action("Wijkteams betrekken bij de analyse", "Signalen uit de wijkteams twee keer per jaar in de analyse.",
           "Teamleider wijkteams (partner)", "partner", 1, 10, 150)
    services.set_status(lead, evaluation, analysis, ActionStatus.done, "", analysis.version)
    services.set_status(lead, evaluation, plan, ActionStatus.in_progress, "", plan.version)
    services.set_status(lead, evaluation, test, ActionStatus.in_progress, "", test.version)
    services.add_note(lead, evaluation, plan, NoteData(on - timedelta(days=7), "Eerste concept besproken met de "
                                                       "teamchef van de politie en de GGD."))
    services.add_note(lead, evaluation, test, NoteData(on - timedelta(days=5), "Format klaar; het college beslist "
                                                       "na de zomer."))
    sections = [s.id for s in questionnaire.sections]
    services.save_targets(lead, evaluation, questionnaire, {sections[0]: "3", sections[min(5, len(sections) - 1)]: "3"})
    _previous_plan(evaluation, lead)


def _previous_plan(current: Evaluation, lead: User) -> None:
    """Rows written directly: the old round's plan period lies in the past, which the services rightly refuse."""
    from datetime import UTC, date, datetime

    from ..domain.plans import ActionStatus, OwnerKind, Verdict
    from ..models import (
        ActionNote,
        ActionRecommendation,
        ActionTheme,
        ImprovementAction,
        PlanTarget,
        RecommendationVerdict,
        Round,
        TeamMember,
    )
    from ..plans.services import previous_evaluation

    previous = previous_evaluation(current)
    if previous is None:
        return
    chair_id = db.session.scalar(select(TeamMember.user_id).where(TeamMember.evaluation_id == previous.id,
                                                                  TeamMember.is_chair))
    round_ = db.session.get(Round, previous.round_id)
    year = round_.year
    plan = [
        ("Veiligheidsanalyse met de partners", "Beleidsadviseur OOV", OwnerKind.internal, ActionStatus.done,
         "", Verdict.followed, "De analyse ligt er en wordt in de driehoek gebruikt."),
        ("Veiligheid als vast agendapunt in het MT", "Gemeentesecretaris", OwnerKind.internal, ActionStatus.dropped,
         "Opgegaan in het nieuwe integrale veiligheidsplan.", Verdict.partly,
         "Het MT bespreekt veiligheid, maar niet structureel; de actie is vervallen zonder vervanger."),
    ]
    recommendations = recommendations_of(previous)
    for index, recommendation in enumerate(recommendations):
        title, owner, kind, status, reason, verdict, note = plan[index % len(plan)] if index < len(plan) else (
            None, None, None, None, None, Verdict.not_followed,
            "Er is in de regio nog niet over gesproken; de gemeente heeft geen actie ondernomen.")
        if title is not None:
            row = ImprovementAction(
                evaluation_id=previous.id, title=title, description="", owner=owner, owner_kind=kind,
                start_on=date(year, 7, 1), due_on=date(year, 11, 15), status=status, status_reason=reason,
                completed_on=date(year, 11, 1) if status is ActionStatus.done else None, created_by_id=lead.id,
                updated_by_id=lead.id, themes=[ActionTheme(section_id=s) for s in recommendation.section_ids],
                links=[ActionRecommendation(recommendation_id=recommendation.id)])
            row.notes = [ActionNote(noted_on=date(year, 9, 15), text="Halverwege: eerste bijeenkomst gehouden.",
                                    author_id=lead.id)]
            db.session.add(row)
        db.session.add(RecommendationVerdict(recommendation_id=recommendation.id, evaluation_id=previous.id,
                                             verdict=verdict, note=note, decided_by_id=chair_id,
                                             decided_at=datetime(year, 12, 15, 10, tzinfo=UTC)))
        for section_id in recommendation.section_ids[:1]:
            if db.session.scalar(select(PlanTarget.id).where(PlanTarget.evaluation_id == previous.id,
                                                             PlanTarget.section_id == section_id)) is None:
                db.session.add(PlanTarget(evaluation_id=previous.id, section_id=section_id, target=3,
                                          updated_by_id=lead.id))
    db.session.flush()
