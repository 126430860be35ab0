"""The peer review in a real browser, as people click it: the coordinator looks at the peer team, two reviewers
score independently, the chair logs an interview and an observation, sets the team's scores, writes the judgement
and two recommendations and publishes; the gemeente reads the report and reacts; the coordinator closes the
evaluation. axe-core finds nothing on any of these pages, and screenshots go to test-artifacts/screenshots/.

The data is the ``review`` of tests/reviews: Aadorp's self-evaluation submitted (every answer a 2), peer team
Petra Peer (chair) and Daan Deskundige, the review started; Olaf Outsider is a peer of the region outside the team.
Review items of ``minimal/1``: 1. Analyse, 2. Keten, 3.1 Netwerk, 3.2 Korte lijn naar het bestuur; scale 0..4."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from peerreview.extensions import db
from peerreview.models import Evaluation
from peerreview.reviews import hearing
from tests.browser.test_accessibility import assert_accessible, assert_no_horizontal_scroll
from tests.browser.test_self_evaluation import flash, log_out, shoot  # noqa: F401  (shoot: a fixture)
from tests.conftest import app_today
from tests.evaluations import conftest as evaluations
from tests.reviews import conftest as reviews
from tests.reviews.conftest import Review

setting = evaluations.setting  # the fixtures: the region, Aadorp and Beekdal, their people, "Ronde 2027" ...
review = reviews.review  # ... and Aadorp submitted, with its peer team

ITEMS = ["1. Analyse", "2. Keten", "3.1. Netwerk", "3.2. Korte lijn naar het bestuur"]
DAANS = {"1. Analyse": "2 Deels", "2. Keten": "1 Weinig", "3.1. Netwerk": "3 Veel",
         "3.2. Korte lijn naar het bestuur": "2 Deels"}
PETRAS = {"1. Analyse": "3 Veel", "2. Keten": "2 Deels", "3.1. Netwerk": "4 Alles",
          "3.2. Korte lijn naar het bestuur": "2 Deels"}
TEAMS = {"1. Analyse": "3 Veel", "2. Keten": "1 Weinig", "3.1. Netwerk": "3 Veel",
         "3.2. Korte lijn naar het bestuur": "2 Deels"}
JUDGEMENT = "De regie op integrale veiligheid van Aadorp is in opbouw: de analyse is op orde, de keten nog niet."
STRENGTHS = "Een betrokken burgemeester en een coördinator die iedereen kent."
RECOMMENDATION_GEMEENTE = "Maak een integraal veiligheidsplan met meetbare doelen en bespreek het jaarlijks."
RECOMMENDATION_RIJK = "Vraag het Rijk om structurele financiering van de zorgketen, zodat wachtlijsten korter worden."
QUOTABLE = "De burgemeester: ‘wij sturen elke maand op de veiligheidscijfers’ (één voorbeeld, €-bedragen volgen)."
TEAM_ONLY = "Het team zag dat het ketenoverleg al twee keer niet doorging; alleen voor het team."
REACTION = "Het college neemt de aanbevelingen over en komt voor de zomer met een verbeterplan."


# ----------------------------------------------------------------- what a person does, in words


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def tab(page: Page, name: str) -> Locator:
    return page.get_by_role("navigation", name="Onderdelen van de toetsing").get_by_role("link", name=name,
                                                                                         exact=True)


def item(page: Page, label: str) -> Locator:
    """A review item on the scores page: a fieldset with the item as its legend."""
    return page.get_by_role("group", name=label, exact=True)


def team_item(page: Page, label: str) -> Locator:
    """A review item on the team scores page: a section headed by the item."""
    return page.get_by_role("region", name=label, exact=True)


def choose_level(scope: Locator, level: str) -> None:
    """Click a level's label ("2 Deels"), as a person would."""
    scope.locator("label").filter(has_text=re.compile("^" + re.escape(level) + "$")).click()
    expect(scope.get_by_role("radio", name=level, exact=True)).to_be_checked()


def error_summary_scores(page: Page) -> Locator:
    return page.get_by_role("alert").filter(
        has=page.get_by_role("heading", name="Uw scores zijn opgeslagen, maar nog niet ingediend"))


def check_box(page: Page, group: str, label: str) -> None:
    page.get_by_role("group", name=group).get_by_label(label, exact=True).check()


def score_everything(page: Page, levels: dict[str, str], who: str) -> None:
    for label, level in levels.items():
        fieldset = item(page, label)
        choose_level(fieldset, level)
        fieldset.get_by_label("Onderbouwing", exact=True).fill(f"{who}: {label} scoort {level}, zie de gesprekken.")


# ----------------------------------------------------------------- the journey


def test_two_reviewers_score_the_chair_publishes_and_the_gemeente_reads_the_report(
        page: Page, review: Review, log_in, shoot, today):  # noqa: F811
    page.on("dialog", lambda dialog: dialog.accept())  # app.js asks window.confirm on data-confirm buttons
    s = review.setting
    evaluation_id = review.evaluation.id

    # --- 1. Coby, the coordinator, finds the peer team from the round and adds (and removes) an outsider
    log_in(s.coordinator.email)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Rondes").click()
    page.get_by_role("table", name="Rondes").get_by_role("link", name="Ronde 2027").click()
    expect(heading(page)).to_have_text("Ronde 2027")
    aadorp = page.get_by_role("table", name="Stand per gemeente in Ronde 2027").get_by_role("row").filter(
        has=page.get_by_role("link", name="Aadorp", exact=True))
    expect(aadorp).to_contain_text("voorzitter: Petra Peer")
    expect(aadorp).to_contain_text("0 van 2 scores ingediend")
    assert_accessible(page)
    aadorp.get_by_role("link", name="2 leden peer team Aadorp").click()
    expect(heading(page)).to_have_text("Peer team voor Aadorp")
    members = page.get_by_role("table", name="Leden van het peer team")
    expect(members.get_by_role("row")).to_have_count(1 + 2)
    expect(members.get_by_role("row").filter(has_text="Petra Peer")).to_contain_text("Voorzitter")
    expect(members.get_by_role("row").filter(has_text="Petra Peer")).to_contain_text("Bestuurder")
    expect(members.get_by_role("row").filter(has_text="Daan Deskundige")).to_contain_text("Lid")
    expect(members.get_by_role("row").filter(has_text="Daan Deskundige")).to_contain_text("Ambtenaar")

    page.get_by_label("Peer reviewer").select_option(label="Olaf Outsider (Eemwoude)")
    page.get_by_role("group", name="Als").get_by_label("Ambtenaar").check()
    page.get_by_role("button", name="Toevoegen").click()
    expect(flash(page, "Olaf Outsider is toegevoegd aan het peer team van Aadorp.")).to_be_visible()
    expect(members.get_by_role("row")).to_have_count(1 + 3)
    shoot(page, "peer-team")
    assert_accessible(page)
    # Olaf was only to try the form: out again (the button asks for confirmation), so the team is two
    members.get_by_role("button", name="Uit team Olaf Outsider").click()
    expect(flash(page, "Olaf Outsider is uit het peer team gehaald.")).to_be_visible()
    expect(members.get_by_role("row")).to_have_count(1 + 2)

    # the region's rules for reciprocal reviews (from Beheer › the region)
    page.goto(f"/regions/{s.region.id}/review-rules")
    expect(heading(page)).to_have_text("Toetsingsregels van Regio Test")
    expect(page.get_by_role("group", name="Wederzijds toetsen in dezelfde ronde").get_by_role("radio")).to_have_count(2)
    shoot(page, "peer-review-rules")
    assert_accessible(page)
    log_out(page)

    # --- 2. Daan, a member, scores on his own
    log_in(review.member.email)
    teams = page.get_by_role("region", name="Uw peer teams")
    expect(teams).to_be_visible()
    # The start page should list Daan's team; main/start_peer.html is still the placeholder that says he has
    # none, so for now he goes by the address. Once it lists the team, the link is followed instead.
    if teams.get_by_role("link", name=re.compile("Aadorp")).count():
        teams.get_by_role("link", name=re.compile("Aadorp")).first.click()
    else:
        page.goto(f"/evaluations/{evaluation_id}/review")
    expect(heading(page)).to_have_text("Collegiale toetsing Aadorp")
    expect(page.get_by_text("U bent lid van dit peer team.")).to_be_visible()
    expect(page.get_by_role("table", name="Stand per thema en profielelement").get_by_role("row")).to_have_count(1 + 4)
    expect(tab(page, "Teamscores")).to_have_count(0)  # not before his own scores are in
    shoot(page, "peer-review-hub")
    assert_accessible(page)

    tab(page, "Mijn scores").click()
    expect(heading(page)).to_have_text("Mijn scores: Aadorp")
    for label in ITEMS:
        expect(item(page, label)).to_contain_text("Zelfscore van de gemeente: 2")
        expect(item(page, label).get_by_role("radio", name="nog geen score")).to_be_checked()
    # on a phone the long scoring form fits the screen
    page.set_viewport_size({"width": 390, "height": 844})
    assert_no_horizontal_scroll(page)
    shoot(page, "mobile-peer-scores")
    page.set_viewport_size({"width": 1280, "height": 800})

    score_everything(page, DAANS, "Daan")
    keten_rationale = "Daan: de wachtlijsten in de zorg zijn lang; de gemeente meldt ze niet."
    item(page, "2. Keten").get_by_label("Onderbouwing", exact=True).fill(keten_rationale)
    shoot(page, "peer-scores")
    assert_accessible(page)

    # submitting with a missing rationale: saved but not submitted, the open field flagged, nothing lost
    item(page, "2. Keten").get_by_label("Onderbouwing", exact=True).fill("")
    page.get_by_role("button", name="Opslaan en indienen").click()
    expect(error_summary_scores(page)).to_be_focused()
    expect(error_summary_scores(page)).to_contain_text("Nog open: 2. Keten.")
    expect(item(page, "2. Keten").get_by_label("Onderbouwing", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(item(page, "1. Analyse").get_by_role("radio", name="2 Deels")).to_be_checked()
    expect(item(page, "2. Keten").get_by_role("radio", name="1 Weinig")).to_be_checked()
    expect(item(page, "3.1. Netwerk").get_by_label("Onderbouwing", exact=True)).to_have_value(
        re.compile("^Daan: 3.1. Netwerk"))
    shoot(page, "peer-scores-errors")
    assert_accessible(page)

    item(page, "2. Keten").get_by_label("Onderbouwing", exact=True).fill(keten_rationale)
    page.get_by_role("button", name="Opslaan en indienen").click()
    expect(heading(page)).to_have_text("Collegiale toetsing Aadorp")
    expect(flash(page, "Uw scores zijn ingediend.")).to_be_visible()
    expect(page.get_by_role("region", name="Stappen")).to_contain_text("Geef uw eigen scores: ingediend.")
    mine = page.get_by_role("table", name="Stand per thema en profielelement")
    # "Mijn score" of 2. Keten (the cells after the row header: Zelfscore gemeente, Mijn score, ...)
    expect(mine.get_by_role("row", name=re.compile(r"^2\. Keten")).get_by_role("cell").nth(1)).to_have_text("1")

    # his scores are in, so he may look at the team's page: read-only, and Petra's are not there yet
    tab(page, "Teamscores").click()
    expect(heading(page)).to_have_text("Scores van het team: Aadorp")
    expect(page.get_by_role("status").filter(has_text="Nog geen eigen scores ingediend door: Petra Peer")
           ).to_be_visible()
    expect(page.get_by_role("radio")).to_have_count(0)
    expect(team_item(page, "2. Keten")).to_contain_text(keten_rationale)
    assert_accessible(page)

    # the conflicts of interest page, from the menu
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Belangenconflicten").click()
    expect(heading(page)).to_have_text("Belangenconflicten melden")
    shoot(page, "peer-conflicts")
    assert_accessible(page)
    log_out(page)

    # --- 3. Petra, the chair: an interview, an observation, her scores, the team's scores, the report
    log_in(review.chair.email)
    page.goto(f"/evaluations/{evaluation_id}/review")
    expect(page.get_by_text("U bent voorzitter van dit peer team.")).to_be_visible()
    tab(page, "Gesprekken en waarnemingen").click()
    expect(heading(page)).to_have_text("Gesprekken en waarnemingen: Aadorp")
    expect(page.get_by_text("Nog niets vastgelegd.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Gesprek vastleggen").click()
    expect(heading(page)).to_have_text("Gesprek vastleggen: Aadorp")
    held_on = today.isoformat()  # the round began today: an earlier date is refused
    page.get_by_label("Datum").fill(held_on)
    page.get_by_label("Gesprekspartners").fill("Burgemeester – gemeente Aadorp\nTeamchef – politie Midden")
    page.get_by_label("Aantekeningen").fill(QUOTABLE)
    check_box(page, "Thema's", "1. Analyse")
    check_box(page, "Thema's", "3. Profiel")
    page.get_by_role("group", name="Vertrouwelijkheid").get_by_label("Citeerbaar in het rapport").check()
    shoot(page, "peer-entry-form")
    assert_accessible(page)
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(heading(page)).to_have_text("Gesprekken en waarnemingen: Aadorp")
    expect(flash(page, "Gesprek opgeslagen.")).to_be_visible()

    page.get_by_role("link", name="Waarneming vastleggen").click()
    expect(heading(page)).to_have_text("Waarneming vastleggen: Aadorp")
    expect(page.get_by_label("Gesprekspartners")).to_have_count(0)
    page.get_by_label("Datum").fill(held_on)
    page.get_by_label("Aantekeningen").fill(TEAM_ONLY)
    check_box(page, "Thema's", "2. Keten")
    expect(page.get_by_role("group", name="Vertrouwelijkheid").get_by_label("Alleen voor het team")).to_be_checked()
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(flash(page, "Waarneming opgeslagen.")).to_be_visible()
    entries = page.get_by_role("main").get_by_role("article")
    expect(entries).to_have_count(2)
    expect(entries.filter(has_text=QUOTABLE)).to_contain_text("Citeerbaar in het rapport")
    expect(entries.filter(has_text=QUOTABLE)).to_contain_text("Burgemeester – gemeente Aadorp; Teamchef – politie")
    expect(entries.filter(has_text=TEAM_ONLY)).to_contain_text("Alleen voor het team")
    shoot(page, "peer-entries")
    assert_accessible(page)

    tab(page, "Mijn scores").click()
    expect(item(page, "1. Analyse")).to_contain_text("1 gesprek of waarneming bij dit thema")
    score_everything(page, PETRAS, "Petra")
    page.get_by_role("button", name="Opslaan en indienen").click()
    expect(flash(page, "Uw scores zijn ingediend.")).to_be_visible()

    tab(page, "Teamscores").click()
    expect(heading(page)).to_have_text("Scores van het team: Aadorp")
    analyse = team_item(page, "1. Analyse")
    given = analyse.get_by_role("table", name="Scores van de teamleden voor 1. Analyse")
    expect(given.get_by_role("row", name=re.compile("^Daan Deskundige"))).to_contain_text("2")
    expect(given.get_by_role("row", name=re.compile("^Petra Peer"))).to_contain_text("3")
    expect(given).to_contain_text("Daan: 1. Analyse scoort 2 Deels")
    expect(team_item(page, "3.2. Korte lijn naar het bestuur")).to_contain_text("Laagste 2, hoogste 2")
    for label, level in TEAMS.items():
        section = team_item(page, label)
        choose_level(section, level)
        section.get_by_label("Motivering van het team").fill(f"Het team: {label} is {level.lower()}.")
    shoot(page, "peer-consensus")
    assert_accessible(page)
    page.get_by_role("button", name="Scores van het team opslaan").click()
    expect(flash(page, "De scores van het team zijn opgeslagen (4 gewijzigd).")).to_be_visible()
    expect(team_item(page, "2. Keten").get_by_role("radio", name="1 Weinig")).to_be_checked()

    tab(page, "Rapport").click()
    expect(heading(page)).to_have_text("Rapport: Aadorp")
    page.get_by_label("Oordeel over de regie op integrale veiligheid").fill(JUDGEMENT)
    page.get_by_label("Belangrijkste sterke punten").fill(STRENGTHS)
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(flash(page, "Het oordeel en de sterke punten zijn opgeslagen.")).to_be_visible()
    expect(page.get_by_label("Oordeel over de regie op integrale veiligheid")).to_have_value(JUDGEMENT)

    page.get_by_role("link", name="Aanbeveling toevoegen").click()
    expect(heading(page)).to_have_text("Aanbeveling toevoegen: Aadorp")
    page.get_by_label("Aanbeveling", exact=True).fill(RECOMMENDATION_GEMEENTE)
    check_box(page, "Thema's", "1. Analyse")
    page.get_by_role("group", name="Prioriteit").get_by_label("Hoog").check()
    page.get_by_role("group", name="Gericht aan").get_by_label("Gemeente").check()
    shoot(page, "peer-recommendation-form")
    assert_accessible(page)
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(flash(page, "De aanbeveling is opgeslagen.")).to_be_visible()

    page.get_by_role("link", name="Aanbeveling toevoegen").click()
    page.get_by_label("Aanbeveling", exact=True).fill(RECOMMENDATION_RIJK)
    check_box(page, "Thema's", "2. Keten")
    page.get_by_role("group", name="Prioriteit").get_by_label("Middel").check()
    page.get_by_role("group", name="Gericht aan").get_by_label("Rijk").check()
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(flash(page, "De aanbeveling is opgeslagen.")).to_be_visible()
    recommendations = page.get_by_role("region", name="Aanbevelingen").get_by_role("listitem")
    expect(recommendations).to_have_count(2)
    expect(recommendations.nth(0)).to_contain_text(RECOMMENDATION_GEMEENTE)
    expect(recommendations.nth(0)).to_contain_text("Prioriteit: hoog")
    expect(recommendations.nth(0)).to_contain_text("Aan: Gemeente")
    expect(recommendations.nth(1)).to_contain_text(RECOMMENDATION_RIJK)
    expect(recommendations.nth(1)).to_contain_text("Aan: Rijk")
    expect(recommendations.nth(1)).to_contain_text("2. Keten")
    shoot(page, "peer-report-draft")
    assert_accessible(page)

    page.get_by_role("link", name="Concept naar de gemeente").click()
    expect(heading(page)).to_have_text("Afronden en publiceren: Aadorp")
    check = page.get_by_role("region", name="Controle")
    expect(check).to_contain_text("Elk onderdeel heeft een score van het team.")
    expect(check).to_contain_text("Het oordeel is geschreven.")
    expect(check).to_contain_text("2 aanbevelingen.")
    expect(check).to_contain_text("Alle teamleden hebben hun scores ingediend.")
    shoot(page, "peer-publish")
    assert_accessible(page)
    page.get_by_role("button", name="Concept naar de gemeente sturen").click()
    expect(heading(page)).to_have_text("Hoor en wederhoor: Aadorp")
    expect(flash(page, "Het concept ligt nu ter feitelijke controle bij Aadorp")).to_be_visible()
    # hoor en wederhoor (its own journey is in test_hearing.py): no points, corrected, the college reacts
    db.session.expire_all()
    evaluation = db.session.get(Evaluation, evaluation_id)
    hearing.finish_check(s.lead, evaluation)
    hearing.correct(review.chair, evaluation)
    hearing.record_reaction(s.lead, evaluation, REACTION, app_today(), "Z/2027/0042")
    db.session.commit()
    page.reload()
    page.get_by_role("link", name="Naar publiceren").click()
    page.get_by_role("button", name="Rapport publiceren").click()
    expect(heading(page)).to_have_text("Rapport collegiale toetsing Aadorp")
    expect(flash(page, "Het rapport is gepubliceerd. Aadorp en de regio kunnen het nu lezen.")).to_be_visible()
    log_out(page)

    # --- 4. Lotte, the gemeente's lead, reads the report with the college's reaction
    log_in(s.lead.email)
    page.get_by_role("region", name="Zelfevaluatie").get_by_role("link", name="Ronde 2027", exact=True).click()
    expect(heading(page)).to_have_text("Zelfevaluatie Aadorp")
    page.get_by_role("link", name="Lees het rapport").click()
    expect(heading(page)).to_have_text("Rapport collegiale toetsing Aadorp")
    main = page.get_by_role("main")
    expect(page.get_by_role("region", name="Oordeel")).to_contain_text(JUDGEMENT)
    expect(page.get_by_role("region", name="Oordeel")).to_contain_text(STRENGTHS)
    report_recommendations = page.get_by_role("region", name="Aanbevelingen").get_by_role("listitem")
    expect(report_recommendations).to_have_count(2)
    expect(report_recommendations.nth(0)).to_contain_text(RECOMMENDATION_GEMEENTE)
    expect(report_recommendations.nth(1)).to_contain_text(RECOMMENDATION_RIJK)
    scores = page.get_by_role("table", name=re.compile("^Zelfscore van de gemeente en score van het peer team"))
    expect(scores.get_by_role("row", name=re.compile(r"^2\. Keten"))).to_contain_text("Het team: 2. Keten is 1 weinig.")
    expect(page.get_by_role("region", name="Uit gesprekken en waarnemingen")).to_contain_text(QUOTABLE)
    expect(main).not_to_contain_text(TEAM_ONLY)
    expect(main).not_to_contain_text("Daan: ")  # a member's own rationale stays in the team
    expect(page.get_by_role("navigation", name="Onderdelen van de toetsing")).to_have_count(0)
    reaction = page.get_by_role("region", name="Bestuurlijke reactie van het college")
    expect(reaction).to_contain_text(REACTION)
    expect(reaction).to_contain_text("kenmerk Z/2027/0042")
    shoot(page, "peer-report")
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_no_horizontal_scroll(page)
    shoot(page, "mobile-peer-report")
    page.set_viewport_size({"width": 1280, "height": 800})
    log_out(page)

    # --- 5. Coby closes the evaluation on the report page
    log_in(s.coordinator.email)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Rondes").click()
    page.get_by_role("table", name="Rondes").get_by_role("link", name="Ronde 2027").click()
    aadorp = page.get_by_role("table", name="Stand per gemeente in Ronde 2027").get_by_role("row").filter(
        has=page.get_by_role("link", name="Aadorp", exact=True))
    aadorp.get_by_role("link", name="Rapport Aadorp").click()
    expect(heading(page)).to_have_text("Rapport collegiale toetsing Aadorp")
    expect(page.get_by_role("region", name="Bestuurlijke reactie van het college")).to_contain_text(REACTION)
    assert_accessible(page)
    page.get_by_role("button", name="Evaluatie afsluiten").click()
    expect(flash(page, "De evaluatie van Aadorp is afgesloten.")).to_be_visible()
    expect(page.get_by_role("button", name="Evaluatie afsluiten")).to_have_count(0)
    shoot(page, "peer-report-closed")
    assert_accessible(page)
