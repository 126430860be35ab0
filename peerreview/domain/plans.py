"""The verbeterplan (improvement plan) and the voortgangsreview (progress review): actions, their status and
progress, overdue rules, targets per theme and the peer team's verdict per recommendation.

Pure code, like the other domain modules: plain values in, plain values or a ``DomainError`` out.

Decisions:

* **Stages of the plan** (:func:`plan_stage`), from the evaluation's status and the round's ``plan_due``
  ("Deadline verbeterplan" on the round page, which is *the plan's period* set per round):

  - *not started* while the peer report is not published (draft … in peer review): there is no plan yet;
  - *running* once the report is published (``published`` or ``closed``) until and including ``plan_due``: the
    gemeente's lead **and** contributors build and follow the plan (actions, statuses, progress notes, targets);
  - *progress review* after ``plan_due``: the plan's period is over and the plan is **read-only**, so that the
    peer team's chair judges a plan that does not move; the chair records a verdict per recommendation.
  - A report published late (less than :data:`MIN_PLAN_PERIOD`, 90 days, before ``plan_due``, or after it)
    still gets 90 days from publication (:func:`plan_end`), so no plan is frozen from its first day.

  Closing the evaluation (the region does that after the bestuurlijke reactie) does **not** freeze the plan: a
  plan runs for months after the report. A report that the region reopens (back to the peer team) makes the plan
  read-only again until it is published anew; nothing of the plan is lost (a recommendation the plan answers, or
  the voortgangsreview judged, cannot be deleted while the report is with the team). "The round is closed" for the plan
  therefore means: its plan period is over. Every change after that (a status, a note, a new action, a target)
  is refused with a Dutch message, and a write re-checks the stage after writing.

* **Overdue** (:func:`is_overdue`): an action that is still *gepland* or *in uitvoering* after its due date,
  counted in the Dutch calendar (``peerreview.dates.today()``, Europe/Amsterdam). Due *today* is not overdue yet;
  *afgerond* and *vervallen* actions are never overdue.

* **Progress** (:func:`progress`): done actions out of the actions that count. A *vervallen* (dropped) action
  does not count: it is shown with its reason, but neither helps nor hurts the percentage. Per theme an action
  counts for each of its themes.

* **Actions answer recommendations**: every action names at least one recommendation of *this* evaluation's
  report (an id of another gemeente's report is refused like an unknown one) and one or more themes; when the
  gemeente chooses no theme, the themes of its recommendations are taken. A recommendation with no action, or
  with only dropped actions, is listed as *open*.

* **Status** changes freely between the four states while the plan runs; *vervallen* needs a reason (it is what
  the peer team reads at the progress review). There is no delete: a mistaken action is set to *vervallen*, so the
  record the voortgangsreview looks at stays complete.

* **Targets** are whole levels of the questionnaire's scale per theme (the same kind of value as the team's
  scores), for the next round; empty means no target.

* **Verdicts**: per recommendation *opgevolgd*, *deels opgevolgd* or *niet opgevolgd*, always with a short note.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .errors import InvalidValue, raise_collected
from .evaluations import EvaluationStatus, clean_text
from .questionnaire import Questionnaire, Scale
from .text import one_line

MAX_TITLE = 200
MIN_TITLE = 3
MAX_DESCRIPTION = 4000
MAX_OWNER = 200
MAX_REASON = 1000
MIN_REASON = 5
MAX_NOTE = 2000
MAX_VERDICT_NOTE = 4000
MIN_VERDICT_NOTE = 5
MAX_RECOMMENDATIONS_PER_ACTION = 50
FIRST_YEAR, LAST_YEAR = 2000, 2100


# --------------------------------------------------------------------------------------------------------------
# Choices


class ActionStatus(StrEnum):
    planned = "planned"
    in_progress = "in_progress"
    done = "done"
    dropped = "dropped"

    @property
    def label(self) -> str:
        return {ActionStatus.planned: "Gepland", ActionStatus.in_progress: "In uitvoering",
                ActionStatus.done: "Afgerond", ActionStatus.dropped: "Vervallen"}[self]

    @property
    def is_open(self) -> bool:
        """Still to be done: the states that can be overdue."""
        return self in (ActionStatus.planned, ActionStatus.in_progress)


class OwnerKind(StrEnum):
    internal = "internal"
    partner = "partner"

    @property
    def label(self) -> str:
        return {OwnerKind.internal: "Intern (gemeente)", OwnerKind.partner: "Partner"}[self]


class Verdict(StrEnum):
    followed = "followed"
    partly = "partly"
    not_followed = "not_followed"

    @property
    def label(self) -> str:
        return {Verdict.followed: "Opgevolgd", Verdict.partly: "Deels opgevolgd",
                Verdict.not_followed: "Niet opgevolgd"}[self]


class PlanStage(StrEnum):
    not_started = "not_started"
    running = "running"
    progress_review = "progress_review"

    @property
    def label(self) -> str:
        return {PlanStage.not_started: "Nog geen verbeterplan", PlanStage.running: "Plan loopt",
                PlanStage.progress_review: "Voortgangsreview"}[self]


#: A report published late still gives the gemeente this long to make and start its plan.
MIN_PLAN_PERIOD = timedelta(days=90)


def plan_end(plan_due: date, published_on: date | None) -> date:
    """The last day of the plan period: the round's ``plan_due``, but never less than :data:`MIN_PLAN_PERIOD`
    after the report's publication (a peer review that ran late must not leave a plan frozen from day one)."""
    if published_on is None:
        return plan_due
    return max(plan_due, published_on + MIN_PLAN_PERIOD)


def plan_stage(status: EvaluationStatus, plan_due: date, today: date, published_on: date | None = None) -> PlanStage:
    """Where the plan of an evaluation is, on ``today`` (a Dutch calendar date); see the module's notes."""
    if not status.is_report_published:
        return PlanStage.not_started
    if today <= plan_end(plan_due, published_on):
        return PlanStage.running
    return PlanStage.progress_review


def _choice(enum_class: type[StrEnum], value: object, field_name: str, message: str) -> StrEnum:
    try:
        return enum_class(str(value or ""))
    except ValueError:
        raise InvalidValue(message, field=field_name) from None


# --------------------------------------------------------------------------------------------------------------
# Actions


@dataclass(frozen=True)
class ActionData:
    title: str
    description: str
    owner: str
    owner_kind: OwnerKind
    start_on: date
    due_on: date
    recommendation_ids: tuple[int, ...]
    section_ids: tuple[str, ...]


def _id(value: object) -> int | None:
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    return int(text)


def _date_problems(start_on: date | None, due_on: date | None) -> list[InvalidValue]:
    problems: list[InvalidValue] = []
    for value, field_name, what in ((start_on, "start_on", "startdatum"), (due_on, "due_on", "einddatum")):
        if value is None:
            problems.append(InvalidValue(f"Vul een geldige {what} in, bijvoorbeeld 2027-03-31.", field=field_name))
        elif not FIRST_YEAR <= value.year <= LAST_YEAR:
            problems.append(InvalidValue(f"De {what} ligt niet tussen {FIRST_YEAR} en {LAST_YEAR}; controleer het "
                                         "jaartal.", field=field_name))
    if not problems and start_on is not None and due_on is not None and due_on < start_on:
        problems.append(InvalidValue("De einddatum ligt vóór de startdatum. Kies een einddatum op of na "
                                     f"{start_on:%d-%m-%Y}.", field="due_on"))
    return problems


def check_action(questionnaire: Questionnaire, *, title: str | None, description: str | None, owner: str | None,
                 owner_kind: object, start_on: date | None, due_on: date | None,
                 recommendation_ids: Iterable[object], section_ids: Iterable[object],
                 recommendations: Mapping[int, Sequence[str]]) -> ActionData:
    """Every problem of an action at once. ``recommendations`` are the recommendations of *this* evaluation's
    report (id → its themes): any other id, also one of another gemeente, is refused."""
    problems: list[InvalidValue] = []
    clean_title = one_line(clean_text(title))
    if len(clean_title) < MIN_TITLE:
        problems.append(InvalidValue("Geef de actie een titel (minstens 3 tekens).", field="title"))
    elif len(clean_title) > MAX_TITLE:
        problems.append(InvalidValue(f"De titel is te lang: hoogstens {MAX_TITLE} tekens.", field="title"))
    clean_description = clean_text(description)
    if len(clean_description) > MAX_DESCRIPTION:
        problems.append(InvalidValue(f"De beschrijving is te lang: hoogstens {MAX_DESCRIPTION} tekens.",
                                     field="description"))
    clean_owner = one_line(clean_text(owner))
    if not clean_owner:
        problems.append(InvalidValue("Vul een eigenaar in: een persoon of een rol, bijvoorbeeld "
                                     "‘veiligheidscoördinator’.", field="owner"))
    elif len(clean_owner) > MAX_OWNER:
        problems.append(InvalidValue(f"De eigenaar is te lang: hoogstens {MAX_OWNER} tekens.", field="owner"))
    kind = OwnerKind.internal
    try:
        kind = _choice(OwnerKind, owner_kind, "owner_kind", "Kies of de eigenaar intern is of een partner.")
    except InvalidValue as error:
        problems.append(error)
    problems += _date_problems(start_on, due_on)

    raw_ids = [str(r) for r in recommendation_ids]
    chosen: list[int] = []
    if len(raw_ids) > MAX_RECOMMENDATIONS_PER_ACTION:
        problems.append(InvalidValue("Kies aanbevelingen uit het rapport van uw gemeente.",
                                     field="recommendations"))
    else:
        ids = [_id(r) for r in raw_ids]
        if any(i is None or i not in recommendations for i in ids):
            problems.append(InvalidValue("Kies alleen aanbevelingen uit het rapport van uw gemeente.",
                                         field="recommendations"))
        else:
            chosen = list(dict.fromkeys(i for i in ids if i is not None))
            if not chosen:
                problems.append(InvalidValue("Kies minstens één aanbeveling waar deze actie op antwoordt.",
                                             field="recommendations"))

    themes = list(dict.fromkeys(str(s) for s in section_ids))
    if any(not questionnaire.has_section(s) for s in themes):
        problems.append(InvalidValue("Kies alleen thema's uit de vragenlijst.", field="themes"))
        themes = []
    elif not themes:
        themes = list(dict.fromkeys(s for r in chosen for s in recommendations[r] if questionnaire.has_section(s)))
        if chosen and not themes:
            problems.append(InvalidValue("Kies minstens één thema.", field="themes"))
    raise_collected(problems)
    order = {s.id: index for index, s in enumerate(questionnaire.sections)}
    assert start_on is not None and due_on is not None
    return ActionData(clean_title, clean_description, clean_owner, kind, start_on, due_on,  # type: ignore[arg-type]
                      tuple(sorted(chosen)), tuple(sorted(themes, key=order.__getitem__)))


def check_status(status: object, reason: str | None) -> tuple[ActionStatus, str]:
    """A new status, and the reason (kept only for *vervallen*, where it is required)."""
    chosen = _choice(ActionStatus, status, "status",
                     "Kies een status: gepland, in uitvoering, afgerond of vervallen.")
    cleaned = clean_text(reason)
    if chosen is not ActionStatus.dropped:
        return chosen, ""  # type: ignore[return-value]
    if len(cleaned) < MIN_REASON:
        raise InvalidValue("Geef een reden waarom de actie vervalt (minstens 5 tekens); het peer team leest die bij "
                           "de voortgangsreview.", field="reason")
    if len(cleaned) > MAX_REASON:
        raise InvalidValue(f"De reden is te lang: hoogstens {MAX_REASON} tekens.", field="reason")
    return chosen, cleaned  # type: ignore[return-value]


@dataclass(frozen=True)
class NoteData:
    noted_on: date
    text: str


def check_note(noted_on: date | None, text: str | None, *, today: date) -> NoteData:
    problems: list[InvalidValue] = []
    if noted_on is None:
        problems.append(InvalidValue("Vul een geldige datum in, bijvoorbeeld 2027-03-31.", field="noted_on"))
    elif noted_on > today:
        problems.append(InvalidValue("De datum ligt in de toekomst; leg voortgang vast als die er is.",
                                     field="noted_on"))
    elif noted_on.year < FIRST_YEAR:
        problems.append(InvalidValue("Controleer het jaartal van de datum.", field="noted_on"))
    cleaned = clean_text(text)
    if not cleaned:
        problems.append(InvalidValue("Schrijf op wat er is gebeurd.", field="text"))
    elif len(cleaned) > MAX_NOTE:
        problems.append(InvalidValue(f"De voortgangsnotitie is te lang: hoogstens {MAX_NOTE} tekens.", field="text"))
    raise_collected(problems)
    assert noted_on is not None
    return NoteData(noted_on, cleaned)


def check_target(scale: Scale, value: object, field_name: str) -> int | None:
    """A target level for the next round: empty (no target) or a whole level of the scale."""
    text = str(value or "").strip()
    if not text:
        return None
    level = _id(text) if not text.startswith("-") else None
    if level is None or not scale.contains(level):
        raise InvalidValue(f"Kies een streefscore van {scale.minimum} tot en met {scale.maximum}, of laat het leeg.",
                           field=field_name)
    return level


@dataclass(frozen=True)
class VerdictData:
    verdict: Verdict
    note: str


def check_verdict(verdict: object, note: str | None, *, field_prefix: str = "") -> VerdictData | None:
    """``None`` when nothing was given (no verdict yet); a note without a verdict, or a verdict without a note, is
    refused."""
    cleaned = clean_text(note)
    raw = str(verdict or "").strip()
    if not raw and not cleaned:
        return None
    problems: list[InvalidValue] = []
    chosen = None
    try:
        chosen = _choice(Verdict, raw, f"{field_prefix}verdict",
                         "Kies een oordeel: opgevolgd, deels opgevolgd of niet opgevolgd.")
    except InvalidValue as error:
        problems.append(error)
    if len(cleaned) < MIN_VERDICT_NOTE:
        problems.append(InvalidValue("Licht het oordeel kort toe (minstens 5 tekens); de gemeente leest het naast "
                                     "haar plan.", field=f"{field_prefix}note"))
    elif len(cleaned) > MAX_VERDICT_NOTE:
        problems.append(InvalidValue(f"De toelichting is te lang: hoogstens {MAX_VERDICT_NOTE} tekens.",
                                     field=f"{field_prefix}note"))
    raise_collected(problems)
    return VerdictData(chosen, cleaned)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------------------------
# Following the plan: overdue, progress, order and filters


@dataclass(frozen=True)
class ActionFacts:
    """What the progress rules need to know of one action."""

    id: int
    status: ActionStatus
    due_on: date
    section_ids: tuple[str, ...] = ()
    owner: str = ""
    recommendation_ids: tuple[int, ...] = ()


def is_overdue(status: ActionStatus, due_on: date, today: date) -> bool:
    """Still open after its due date (a due date of today is not overdue yet)."""
    return status.is_open and due_on < today


def days_overdue(status: ActionStatus, due_on: date, today: date) -> int:
    return (today - due_on).days if is_overdue(status, due_on, today) else 0


@dataclass(frozen=True)
class Progress:
    counted: int = 0  # actions that count: all but the dropped ones
    done: int = 0
    in_progress: int = 0
    planned: int = 0
    overdue: int = 0
    dropped: int = 0

    @property
    def total(self) -> int:
        """Every action, the dropped ones included."""
        return self.counted + self.dropped

    @property
    def percent(self) -> int:
        return self.done * 100 // self.counted if self.counted else 0


def progress(actions: Iterable[ActionFacts], today: date) -> Progress:
    counts: dict[str, int] = defaultdict(int)
    for action in actions:
        if action.status is ActionStatus.dropped:
            counts["dropped"] += 1
            continue
        counts["counted"] += 1
        counts[action.status.value] += 1
        if is_overdue(action.status, action.due_on, today):
            counts["overdue"] += 1
    return Progress(counts["counted"], counts["done"], counts["in_progress"], counts["planned"], counts["overdue"],
                    counts["dropped"])


def progress_by_theme(actions: Iterable[ActionFacts], section_ids: Sequence[str], today: date) -> dict[str, Progress]:
    """Per theme (in the given order, every theme present even without actions), the progress of its actions."""
    by_theme: dict[str, list[ActionFacts]] = {s: [] for s in section_ids}
    for action in actions:
        for section_id in action.section_ids:
            if section_id in by_theme:
                by_theme[section_id].append(action)
    return {s: progress(rows, today) for s, rows in by_theme.items()}


def sort_key(action: ActionFacts, today: date) -> tuple:
    """Overdue first (longest overdue on top), then open actions by due date, then done, then dropped."""
    if is_overdue(action.status, action.due_on, today):
        return (0, action.due_on, action.id)
    if action.status.is_open:
        return (1, action.due_on, action.id)
    if action.status is ActionStatus.done:
        return (2, action.due_on, action.id)
    return (3, action.due_on, action.id)


def order_actions(actions: Iterable[ActionFacts], today: date) -> list[ActionFacts]:
    return sorted(actions, key=lambda a: sort_key(a, today))


@dataclass(frozen=True)
class ActionFilter:
    theme: str | None = None
    owner: str | None = None
    status: ActionStatus | None = None

    @property
    def is_active(self) -> bool:
        return any(v is not None for v in (self.theme, self.owner, self.status))

    def matches(self, action: ActionFacts) -> bool:
        return ((self.theme is None or self.theme in action.section_ids)
                and (self.owner is None or action.owner.casefold() == self.owner.casefold())
                and (self.status is None or action.status is self.status))


def parse_filter(theme: str | None, owner: str | None, status: str | None, *, themes: Iterable[str],
                 owners: Iterable[str]) -> ActionFilter:
    """A filter from a query string: a value that is not offered (crafted, or gone since) is ignored."""
    known_owners = {o.casefold(): o for o in owners}
    chosen_status = None
    if status:
        try:
            chosen_status = ActionStatus(status)
        except ValueError:
            chosen_status = None
    return ActionFilter(theme if theme in set(themes) else None,
                        known_owners.get((owner or "").casefold()) if owner else None, chosen_status)


def open_recommendations(recommendation_ids: Iterable[int], actions: Iterable[ActionFacts]) -> list[int]:
    """Recommendations no action answers (dropped actions do not count), in the given order."""
    answered = {r for a in actions if a.status is not ActionStatus.dropped for r in a.recommendation_ids}
    return [r for r in recommendation_ids if r not in answered]
