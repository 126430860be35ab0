"""The self-evaluation in a real browser, as people click it: contributors answer a theme, the lead agrees on the
gemeente's answers and submits, the region coordinator opens a round and reopens a submitted evaluation; two
windows on one consensus page lose nothing; the wizard on a phone. axe-core finds nothing on any of these pages,
and screenshots go to test-artifacts/screenshots/.

The data is the ``setting`` of tests/evaluations: region "Regio Test", gemeenten Aadorp and Beekdal in "Ronde 2027"
on the small questionnaire ``minimal/1`` (1. Analyse, 2. Keten, 3. Profiel; scale 0..4)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from peerreview.domain.evaluations import AnswerData, Versioned
from peerreview.evaluation.lifecycle import questionnaire_of
from peerreview.evaluations import services
from peerreview.extensions import db
from peerreview.models import User
from tests.browser.test_accessibility import assert_accessible, assert_no_horizontal_scroll
from tests.conftest import PASSWORD
from tests.evaluations import conftest as evaluations
from tests.evaluations.conftest import Setting

setting = evaluations.setting  # the fixture: the region, Aadorp and Beekdal, their people, "Ronde 2027"

SAVED_OWN = "Uw antwoorden bij ‘Analyse’ zijn opgeslagen."
SAVED_CONSENSUS = "De gezamenlijke antwoorden bij ‘{}’ zijn opgeslagen."
CONFLICT = "U heeft dit intussen in een ander venster opgeslagen. Er is niets opgeslagen"  # the same lead, two windows
DUTCH = "é ë €"


# ----------------------------------------------------------------- what a person does, in words


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/auth/login")


def log_in_on(page: Page, email: str) -> None:
    """The ``log_in`` fixture, for a page of a second browser context."""
    page.goto("/auth/login")
    page.get_by_label("Uw e-mailadres").fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/start")


def open_evaluation_from_start(page: Page, round_name: str = "Ronde 2027") -> None:
    page.get_by_role("region", name="Zelfevaluatie").get_by_role("link", name=round_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zelfevaluatie Aadorp")


def question(page: Page, text: str) -> Locator:
    """A question's fieldset, by its legend ("1.1 Zijn er cijfers?")."""
    return page.get_by_role("group", name=text)


def choose(group: Locator, level: str) -> None:
    """Click the label of a level ("3 – Veel", "Weet niet / niet van toepassing"), as a person would."""
    group.get_by_text(level, exact=True).click()
    expect(radio(group, level)).to_be_checked()


def radio(group: Locator, level: str) -> Locator:
    # the "/" escaped too: Playwright passes the pattern on as /.../ (and re.escape leaves "/" alone)
    return group.get_by_role("radio", name=re.compile("^" + re.escape(level).replace("/", r"\/")))


def save(page: Page, button: str = "Opslaan") -> None:
    page.get_by_role("button", name=button, exact=True).click()


def flash(page: Page, text: str) -> Locator:
    return page.get_by_role("status").filter(has_text=text)


def error_summary(page: Page) -> Locator:
    return page.get_by_role("alert").filter(has=page.get_by_role("heading", name="Er is een probleem"))


def missing_list(page: Page) -> Locator:
    """The links to the questions the submit page says are still open ("2.1 Is er genoeg capaciteit?")."""
    return page.get_by_role("main").get_by_role("link", name=re.compile(r"^\d+(\.\d+)+ "))


@pytest.fixture
def shoot(screenshot):
    """``screenshot``, with the window as tall as the page first: in a plain full-page shot the sticky save bar
    stays where the 800-pixel window ended and covers the middle of the page, which it never does on screen."""
    def _shoot(page: Page, name: str) -> None:
        size = page.viewport_size
        height = page.evaluate("() => document.documentElement.scrollHeight")
        page.set_viewport_size({"width": size["width"], "height": height})
        try:
            screenshot(page, name)
        finally:
            page.set_viewport_size(size)
    return _shoot


# ----------------------------------------------------------------- data set up without the browser


def save_own(user: User, setting: Setting, section_id: str, values: dict[str, AnswerData]) -> None:
    evaluation = setting.evaluation
    questionnaire = questionnaire_of(evaluation)
    page = services.PageInput(answers={qid: Versioned(0, None, data) for qid, data in values.items()})
    services.save_own_answers(user, evaluation, questionnaire, questionnaire.section(section_id), page)
    db.session.commit()


def submit_everything(setting: Setting) -> None:
    """The lead agrees on every question (a plain 2) and submits Aadorp's self-evaluation."""
    evaluation = setting.evaluation
    questionnaire = questionnaire_of(evaluation)
    for section in questionnaire.sections:
        page = services.PageInput(answers={q.id: Versioned(0, None, AnswerData(value=2, explanation="Vastgesteld."))
                                           for q in section.questions})
        services.save_consensus(setting.lead, evaluation, questionnaire, section, page, lambda qid, data: [])
    services.submit(setting.lead, evaluation, questionnaire)
    db.session.commit()


# ----------------------------------------------------------------- 1. the main journey


def test_contributors_answer_the_lead_agrees_and_submits(page: Page, setting: Setting, log_in,
                                                          shoot):
    # --- Bram, a contributor, finds the evaluation from his start page and answers theme 1
    log_in(setting.contributor.email)
    open_evaluation_from_start(page)
    expect(page.get_by_role("link", name="Beginnen met thema 1")).to_be_visible()
    expect(page.get_by_role("table", name="Voortgang per thema").get_by_role("row")).to_have_count(1 + 3)
    shoot(page, "self-evaluation-overview")
    assert_accessible(page)

    page.get_by_role("link", name="Beginnen met thema 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("1. Analyse")
    expect(page.get_by_role("navigation", name="Thema's").get_by_role("link", name="1. Analyse")).to_have_attribute(
        "aria-current", "page")
    cijfers = question(page, "1.1 Zijn er cijfers?")
    gebruik = question(page, "1.2 Worden de cijfers gebruikt?")
    # Every level says what it means for this question (or on the scale, where the question does not say).
    for text in ("Geen cijfers.", "Er is weinig geregeld.", "Enkele cijfers.", "Het meeste is geregeld.",
                 "Alle cijfers.", "Telt niet mee in de score."):
        expect(cijfers.get_by_text(text, exact=True)).to_be_visible()
    expect(radio(cijfers, "Nog geen antwoord")).to_be_checked()
    choose(cijfers, "3 – Veel")
    cijfers.get_by_label("Toelichting", exact=True).fill(f"Wij hebben cijfers per wijk: {DUTCH}.")
    cijfers.get_by_role("textbox", name=re.compile("^Bewijs")).fill("Veiligheidsanalyse 2026, hoofdstuk 2.")
    cijfers.get_by_label("Links").fill("intranet/analyse")
    choose(gebruik, "2 – Deels")
    page.get_by_label("Sterke punten").fill("Goede wijkcijfers.")
    save(page)
    # A link that is no web address: nothing saved, the message says why and what was typed stays.
    expect(error_summary(page)).to_be_focused()
    expect(error_summary(page)).to_contain_text("Vraag 1.1: Regel 1: ‘intranet/analyse’ is geen webadres")
    expect(cijfers.get_by_label("Links")).to_have_attribute("aria-invalid", "true")
    expect(cijfers.get_by_label("Toelichting", exact=True)).to_have_value(f"Wij hebben cijfers per wijk: {DUTCH}.")
    expect(radio(cijfers, "3 – Veel")).to_be_checked()
    shoot(page, "self-evaluation-section-errors")
    assert_accessible(page)

    cijfers.get_by_label("Links").fill("https://www.aadorp.nl/veiligheidsanalyse")
    save(page)
    expect(flash(page, SAVED_OWN)).to_be_visible()
    expect(error_summary(page)).to_have_count(0)
    expect(radio(cijfers, "3 – Veel")).to_be_checked()
    expect(radio(gebruik, "2 – Deels")).to_be_checked()
    expect(cijfers.get_by_label("Toelichting", exact=True)).to_have_value(f"Wij hebben cijfers per wijk: {DUTCH}.")
    expect(cijfers.get_by_label("Links")).to_have_value("https://www.aadorp.nl/veiligheidsanalyse")
    shoot(page, "self-evaluation-section")
    assert_accessible(page)
    log_out(page)

    # --- Carla answers differently, and goes on to the next theme
    log_in(setting.contributor2.email)
    open_evaluation_from_start(page)
    page.get_by_role("table", name="Voortgang per thema").get_by_role("link", name="1. Analyse").click()
    cijfers = question(page, "1.1 Zijn er cijfers?")
    gebruik = question(page, "1.2 Worden de cijfers gebruikt?")
    expect(radio(cijfers, "Nog geen antwoord")).to_be_checked()  # her own answers, not Bram's
    choose(cijfers, "1 – Weinig")
    cijfers.get_by_label("Toelichting", exact=True).fill("Alleen de politiecijfers, één keer per jaar.")
    choose(gebruik, "4 – Alles")
    save(page, "Opslaan en verder")
    expect(page.get_by_role("heading", level=1)).to_have_text("2. Keten")
    expect(flash(page, "Uw antwoorden bij ‘Analyse’ zijn opgeslagen.")).to_be_visible()
    log_out(page)

    # --- Lotte, the lead, sees both colleagues' answers and the median proposal
    log_in(setting.lead.email)
    open_evaluation_from_start(page)
    expect(page.get_by_text("Nog 7 vragen zonder gezamenlijk antwoord.")).to_be_visible()
    page.get_by_role("link", name="0 van 2 gezamenlijke antwoorden bij Analyse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("1. Analyse")
    expect(page.get_by_text("Zelfevaluatie Aadorp · gezamenlijk antwoord", exact=True)).to_be_visible()
    given = page.get_by_role("table", name="Antwoorden van collega's op vraag 1.1")
    expect(given.get_by_role("row", name=re.compile("^Bram Bijdrager"))).to_contain_text("3 – Veel")
    expect(given.get_by_role("row", name=re.compile("^Bram Bijdrager"))).to_contain_text(DUTCH)
    expect(given.get_by_role("row", name=re.compile("^Carla Collega"))).to_contain_text("1 – Weinig")
    expect(page.get_by_text("Mediaan 2 · laagste 1 · hoogste 3 · 2 antwoorden")).to_be_visible()
    expect(page.get_by_text("grote spreiding: bespreek dit").first).to_be_visible()
    expect(page.get_by_text("Goede wijkcijfers.")).to_be_visible()  # Bram's strengths
    cijfers = question(page, "1.1 Zijn er cijfers?")
    gebruik = question(page, "1.2 Worden de cijfers gebruikt?")
    expect(radio(cijfers, "2 – Deels")).to_be_checked()  # the median of 1 and 3
    expect(radio(cijfers, "2 – Deels")).to_have_accessible_name(re.compile("voorstel"))
    expect(radio(gebruik, "3 – Veel")).to_be_checked()  # 2 and 4
    # the colleagues' evidence comes along, without their names; the explanation is the lead's to write
    expect(cijfers.get_by_label("Links")).to_have_value("https://www.aadorp.nl/veiligheidsanalyse")
    expect(cijfers.get_by_label("Toelichting voor de peers")).to_have_value("")
    shoot(page, "self-evaluation-consensus")
    assert_accessible(page)

    # Away from the proposal without a reason: refused, in Dutch, next to the field.
    choose(cijfers, "3 – Veel")
    save(page)
    reason = "Licht toe waarom u afwijkt van het voorstel (2 – Deels)."
    expect(error_summary(page)).to_be_focused()
    expect(error_summary(page)).to_contain_text(f"Vraag 1.1: {reason}")
    expect(cijfers.get_by_text(reason)).to_be_visible()
    explanation = cijfers.get_by_label("Toelichting voor de peers")
    expect(explanation).to_have_accessible_description(re.compile(re.escape(reason)))
    expect(explanation).to_have_attribute("aria-invalid", "true")
    expect(radio(cijfers, "3 – Veel")).to_be_checked()
    shoot(page, "self-evaluation-consensus-error")
    assert_accessible(page)

    cijfers.get_by_label("Toelichting voor de peers").fill(f"Na overleg: de wijkcijfers zijn er wél ({DUTCH}).")
    save(page)
    expect(flash(page, SAVED_CONSENSUS.format("Analyse"))).to_be_visible()
    expect(radio(cijfers, "3 – Veel")).to_be_checked()
    expect(radio(gebruik, "3 – Veel")).to_be_checked()

    # --- Indienen: what is still missing
    page.get_by_role("navigation", name="Vorige en volgende thema").get_by_role("link", name="Overzicht").click()
    page.get_by_role("link", name="Bekijk wat nog ontbreekt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zelfevaluatie indienen")
    expect(page.get_by_text("U kunt nog niet indienen: deze 5 vragen")).to_be_visible()
    expect(page.get_by_role("navigation", name="Kruimelpad").get_by_role("link")).to_have_text(
        ["Start", "Zelfevaluatie Aadorp"])
    expect(missing_list(page)).to_have_text([
        "2.1 Is er genoeg capaciteit?", "2.2 Worden tekorten gemeld?", "3.1.1 Kent de coördinator de partners?",
        "3.2.1 Is de burgemeester bereikbaar?", "3.2.2 Kan de coördinator druk organiseren?"])
    expect(page.get_by_role("button", name="Zelfevaluatie definitief indienen")).to_have_count(0)
    shoot(page, "self-evaluation-submit-missing")
    assert_accessible(page)

    # Theme 2: nobody answered, so there is no proposal; "weet niet" counts as an answer.
    page.get_by_role("link", name="2.1 Is er genoeg capaciteit?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2. Keten")
    expect(page.get_by_text("Nog geen antwoorden van collega's.").first).to_be_visible()
    capaciteit = question(page, "2.1 Is er genoeg capaciteit?")
    expect(radio(capaciteit, "Nog geen antwoord")).to_be_checked()
    choose(capaciteit, "Weet niet / niet van toepassing")
    choose(question(page, "2.2 Worden tekorten gemeld?"), "2 – Deels")
    save(page, "Opslaan en verder")
    expect(flash(page, SAVED_CONSENSUS.format("Keten"))).to_be_visible()

    # Theme 3, one question forgotten: the submit page names it.
    expect(page.get_by_role("heading", level=1)).to_have_text("3. Profiel")
    expect(page.get_by_role("heading", level=2, name="Korte lijn naar het bestuur")).to_be_visible()
    choose(question(page, "3.1.1 Kent de coördinator de partners?"), "4 – Alles")
    choose(question(page, "3.2.1 Is de burgemeester bereikbaar?"), "Weet niet / niet van toepassing")
    page.get_by_label("Sterke punten").fill("Korte lijnen met de burgemeester.")
    save(page, "Opslaan en verder")
    expect(page.get_by_role("heading", level=1)).to_have_text("Zelfevaluatie indienen")
    expect(missing_list(page)).to_have_text(["3.2.2 Kan de coördinator druk organiseren?"])
    page.get_by_role("link", name="3.2.2 Kan de coördinator druk organiseren?").click()
    choose(question(page, "3.2.2 Kan de coördinator druk organiseren?"), "2 – Deels")
    save(page, "Opslaan en verder")

    # --- Ready: submit
    expect(page.get_by_role("heading", level=1)).to_have_text("Zelfevaluatie indienen")
    expect(page.get_by_text("Elke vraag heeft een gezamenlijk antwoord.")).to_be_visible()
    expect(missing_list(page)).to_have_count(0)
    shoot(page, "self-evaluation-submit-ready")
    assert_accessible(page)
    page.get_by_role("button", name="Zelfevaluatie definitief indienen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zelfevaluatie Aadorp")
    expect(flash(page, "De zelfevaluatie van Aadorp is ingediend.")).to_be_visible()
    expect(page.get_by_text("Zelfevaluatie ingediend", exact=True)).to_be_visible()
    expect(page.get_by_text("Deze zelfevaluatie is ingediend. U kunt alles nog lezen")).to_be_visible()
    shoot(page, "self-evaluation-submitted")
    assert_accessible(page)

    # --- Read-only now: no radio buttons, no save buttons, on both kinds of wizard page
    sections = page.get_by_role("table", name="Voortgang per thema")
    sections.get_by_role("link", name="3 van 3 gezamenlijke antwoorden bij Profiel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("3. Profiel")
    expect(page.get_by_role("radio")).to_have_count(0)
    expect(page.get_by_role("button", name="Opslaan")).to_have_count(0)
    expect(question(page, "3.1.1 Kent de coördinator de partners?")).to_contain_text("4 – Alles")
    page.get_by_role("navigation", name="Thema's").get_by_role("link", name="1. Analyse").click()
    expect(page.get_by_role("radio")).to_have_count(0)
    expect(page.get_by_role("status")).to_have_text("Deze zelfevaluatie is ingediend; u ziet de antwoorden van uw "
                                                    "collega's en het gezamenlijke antwoord alleen nog ter inzage.")
    expect(question(page, "1.1 Zijn er cijfers?")).to_contain_text("3 – Veel")
    expect(question(page, "1.1 Zijn er cijfers?")).to_contain_text(f"de wijkcijfers zijn er wél ({DUTCH})")
    shoot(page, "self-evaluation-consensus-read-only")
    assert_accessible(page)
    page.goto(f"/evaluations/{setting.evaluation.id}/sections/analyse")
    expect(page.get_by_role("status")).to_have_text(
        "Deze zelfevaluatie is ingediend; u ziet uw antwoorden alleen nog ter inzage.")
    expect(page.get_by_role("radio")).to_have_count(0)
    expect(page.get_by_role("textbox")).to_have_count(0)
    assert_accessible(page)

    # --- The history, the submitted self-evaluation to read, and the colleagues (lead)
    page.get_by_role("navigation", name="Vorige en volgende thema").get_by_role("link", name="Overzicht").click()
    page.get_by_role("link", name="Geschiedenis: wie wijzigde wat en wanneer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Geschiedenis van de zelfevaluatie")
    history = page.get_by_role("table", name="Geschiedenis")
    expect(history.get_by_role("row").nth(1)).to_contain_text("Ingediend")
    brams = history.get_by_role("row").filter(has_text="Bram Bijdrager")
    expect(brams.filter(has_text="Eigen antwoord")).to_have_count(2)
    expect(history.get_by_role("row").filter(has_text="Gezamenlijk antwoord")).to_have_count(7)
    shoot(page, "self-evaluation-history")
    assert_accessible(page)

    page.get_by_role("link", name="Zelfevaluatie Aadorp").click()
    page.get_by_role("link", name="De ingediende zelfevaluatie lezen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zelfevaluatie Aadorp: gezamenlijke antwoorden")
    expect(page.get_by_role("heading", level=2)).to_have_count(3)
    shoot(page, "self-evaluation-read")
    assert_accessible(page)

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Collega's").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Collega's van Aadorp")
    expect(page.get_by_role("region", name="Wie doet mee")).to_contain_text("Bram Bijdrager")
    expect(page.get_by_role("region", name="Wie doet mee")).to_contain_text("Carla Collega")
    shoot(page, "colleagues")
    assert_accessible(page)
    page.get_by_role("button", name="Uitnodigen als bijdrager").click()
    expect(error_summary(page)).to_be_focused()
    expect(error_summary(page)).to_contain_text("Vul de naam in.")
    shoot(page, "colleagues-errors")
    assert_accessible(page)
    log_out(page)

    # --- The region coordinator sees the submitted self-evaluation in the round
    log_in(setting.coordinator.email)
    page.get_by_role("link", name="Ronde 2027").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ronde 2027")
    aadorp = page.get_by_role("table", name="Stand per gemeente in Ronde 2027").get_by_role("row").filter(
        has=page.get_by_role("link", name="Aadorp", exact=True))
    expect(aadorp).to_contain_text("Zelfevaluatie ingediend")
    expect(aadorp).to_contain_text("7 van 7")
    expect(aadorp).to_contain_text("Lotte Trekker")
    shoot(page, "round-detail")
    assert_accessible(page)
    aadorp.get_by_role("link", name="Aadorp", exact=True).click()
    expect(page.get_by_role("link", name="Heropenen")).to_be_visible()
    # the way back to the round, for the region (a municipal user's crumbs start at the evaluation)
    expect(page.get_by_role("navigation", name="Kruimelpad").get_by_role("link")).to_have_text(
        ["Start", "Rondes", "Ronde 2027"])
    expect(page.get_by_role("radio")).to_have_count(0)
    shoot(page, "self-evaluation-overview-region")
    assert_accessible(page)


# ----------------------------------------------------------------- 2. no lost updates


def test_two_windows_on_one_consensus_page_lose_nothing(page: Page, new_context, setting: Setting, log_in, shoot):
    url = f"/evaluations/{setting.evaluation.id}/consensus/analyse"
    log_in(setting.lead.email)
    page.goto(url)
    other_context = new_context()  # the browser context's arguments and timeouts, closed after the test
    try:
        other = other_context.new_page()
        log_in_on(other, setting.lead.email)
        other.goto(url)

        # The first window saves 2 for question 1.1 ...
        first = question(page, "1.1 Zijn er cijfers?")
        choose(first, "2 – Deels")
        first.get_by_label("Toelichting voor de peers").fill("Versie uit het eerste venster.")
        save(page)
        expect(flash(page, SAVED_CONSENSUS.format("Analyse"))).to_be_visible()

        # ... the second window, loaded before that, says 4 with its own text: refused, nothing lost.
        second = question(other, "1.1 Zijn er cijfers?")
        expect(radio(second, "Nog geen antwoord")).to_be_checked()
        choose(second, "4 – Alles")
        own_text = f"Mijn eigen tekst, {DUTCH}, blijft staan."
        second.get_by_label("Toelichting voor de peers").fill(own_text)
        save(other)
        expect(error_summary(other)).to_be_focused()
        expect(error_summary(other)).to_contain_text(CONFLICT)
        theirs = second.get_by_role("alert")
        expect(theirs).to_contain_text("Intussen opgeslagen door Lotte Trekker op")
        expect(theirs).to_contain_text("2 – Deels")
        expect(theirs).to_contain_text("Versie uit het eerste venster.")
        expect(second.get_by_label("Toelichting voor de peers")).to_have_value(own_text)
        expect(radio(second, "4 – Alles")).to_be_checked()
        shoot(other, "self-evaluation-conflict")
        assert_accessible(other)

        # Saving again, having seen the other version, succeeds: the second window's answer counts.
        save(other)
        expect(flash(other, SAVED_CONSENSUS.format("Analyse"))).to_be_visible()
        expect(error_summary(other)).to_have_count(0)
        expect(radio(second, "4 – Alles")).to_be_checked()
        expect(second.get_by_label("Toelichting voor de peers")).to_have_value(own_text)

        page.reload()
        expect(radio(first, "4 – Alles")).to_be_checked()
        expect(first.get_by_label("Toelichting voor de peers")).to_have_value(own_text)
    finally:
        other_context.close()


# ----------------------------------------------------------------- 3. the region coordinator


def test_the_coordinator_opens_a_round_and_reopens_a_submitted_evaluation(page: Page, setting: Setting,
                                                                          log_in, shoot, today):
    submit_everything(setting)
    log_in(setting.coordinator.email)

    # --- a new round, through the form
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Rondes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rondes")
    shoot(page, "rounds")
    assert_accessible(page)
    page.get_by_role("link", name="Nieuwe ronde openen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuwe ronde in Regio Test")
    members = page.get_by_role("group", name="Deelnemende gemeenten")
    expect(members.get_by_role("checkbox")).to_have_count(3)
    for checkbox in members.get_by_role("checkbox").all():
        expect(checkbox).to_be_checked()  # everyone takes part, unless the coordinator says otherwise
    shoot(page, "round-new")
    assert_accessible(page)

    page.get_by_role("button", name="Ronde openen").click()
    summary = error_summary(page)
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Geef de ronde een naam.")
    expect(summary).to_contain_text("Geef een datum, bijvoorbeeld 2027-03-31.")
    expect(page.get_by_label("Naam van de ronde")).to_have_attribute("aria-invalid", "true")
    shoot(page, "round-new-errors")
    assert_accessible(page)

    page.get_by_label("Naam van de ronde").fill("Ronde Oost")
    page.get_by_label("Deadline zelfevaluatie").fill((today + timedelta(days=40)).isoformat())
    page.get_by_label("Deadline collegiale toets").fill((today + timedelta(days=100)).isoformat())
    page.get_by_label("Deadline verbeterplan").fill((today + timedelta(days=200)).isoformat())
    members.get_by_label(re.compile("^Aadorp")).uncheck()
    members.get_by_label(re.compile("^Beekdal")).uncheck()
    expect(members.get_by_label(re.compile("^Cederveen"))).to_be_checked()
    page.get_by_role("button", name="Ronde openen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ronde Oost")
    expect(flash(page, "De ronde ‘Ronde Oost’ is geopend voor 1 gemeenten.")).to_be_visible()
    new_rows = page.get_by_role("table", name="Stand per gemeente in Ronde Oost").get_by_role("row")
    expect(new_rows).to_have_count(1 + 1)
    expect(new_rows.nth(1)).to_contain_text("Cederveen")
    expect(new_rows.nth(1)).to_contain_text("Zelfevaluatie loopt")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Rondes").click()
    rounds = page.get_by_role("table", name="Rondes")
    expect(rounds.get_by_role("link")).to_have_text(["Ronde Oost", "Ronde 2027"])

    # --- reopening Aadorp's submitted self-evaluation, with a reason
    rounds.get_by_role("link", name="Ronde 2027").click()
    table = page.get_by_role("table", name="Stand per gemeente in Ronde 2027")
    table.get_by_role("link", name="Aadorp", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zelfevaluatie Aadorp")
    page.get_by_role("link", name="Heropenen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zelfevaluatie Aadorp heropenen")
    expect(page.get_by_role("navigation", name="Kruimelpad").get_by_role("link")).to_have_text(
        ["Start", "Rondes", "Ronde 2027", "Zelfevaluatie Aadorp"])
    shoot(page, "reopen")
    assert_accessible(page)
    page.get_by_role("button", name="Heropenen").click()
    expect(error_summary(page)).to_be_focused()
    expect(error_summary(page)).to_contain_text("Geef een reden; de gemeente ziet die in de geschiedenis.")
    shoot(page, "reopen-errors")
    assert_accessible(page)

    page.get_by_label("Reden voor heropenen").fill("De gemeente vroeg om een correctie van thema 2.")
    page.get_by_role("button", name="Heropenen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ronde 2027")
    expect(flash(page, "De zelfevaluatie van Aadorp is heropend.")).to_be_visible()
    aadorp = page.get_by_role("table", name="Stand per gemeente in Ronde 2027").get_by_role("row").filter(
        has=page.get_by_role("link", name="Aadorp", exact=True))
    expect(aadorp).to_contain_text("Zelfevaluatie loopt")
    expect(aadorp).to_contain_text("Heropend")
    expect(aadorp).to_contain_text("Coby Coördinator")
    expect(aadorp).to_contain_text("De gemeente vroeg om een correctie van thema 2.")
    shoot(page, "round-detail-reopened")
    assert_accessible(page)


# ----------------------------------------------------------------- 4. on a phone


@pytest.mark.parametrize("who", ["contributor", "lead"])
def test_the_wizard_on_a_phone(page: Page, setting: Setting, log_in, shoot, who: str):
    save_own(setting.contributor, setting, "analyse", {
        "analyse.cijfers": AnswerData(value=3, explanation="Cijfers per wijk.",
                                      links=("https://www.aadorp.nl/een/heel/lang/pad/naar/de/veiligheidsanalyse-2026"
                                             "-met-bijlagen-en-nog-veel-meer-tekst.pdf",)),
        "analyse.gebruik": AnswerData(value=1)})
    save_own(setting.contributor2, setting, "analyse", {"analyse.cijfers": AnswerData(value=0, explanation="Niets.")})
    page.set_viewport_size({"width": 390, "height": 844})
    if who == "contributor":
        log_in(setting.contributor.email)
        page.goto(f"/evaluations/{setting.evaluation.id}/sections/analyse")
        expect(radio(question(page, "1.1 Zijn er cijfers?"), "3 – Veel")).to_be_checked()
    else:
        log_in(setting.lead.email)
        page.goto(f"/evaluations/{setting.evaluation.id}/consensus/analyse")
        expect(page.get_by_role("table", name="Antwoorden van collega's op vraag 1.1")).to_be_visible()
    choose(question(page, "1.2 Worden de cijfers gebruikt?"), "4 – Alles")
    question(page, "1.2 Worden de cijfers gebruikt?").get_by_label("Links").fill("geen link")
    save(page)
    expect(error_summary(page)).to_be_focused()
    assert_no_horizontal_scroll(page)
    shoot(page, f"mobile-self-evaluation-{who}")
    assert_accessible(page)
