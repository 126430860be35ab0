"""Hoor en wederhoor in a real browser, as people click it: the chair sends the concept to the gemeente, the
gemeente's lead gives two factual points, the chair adopts one (and corrects the text) and rejects the other with a
reason, the lead closes the check, the chair declares the concept corrected, the lead records the college's
reaction, the chair writes a nawoord, looks at the preview and publishes; the lead reads the report with the
reaction right after the oordeel, the nawoord and the annex of factual points. axe-core finds nothing on any of
these pages; screenshots go to test-artifacts/screenshots/.

The data is the ``review`` of tests/reviews, made ready through the services: both members' scores, the team's
scores, a judgement and one recommendation (``ready_to_publish``)."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from peerreview.extensions import db
from tests.browser.test_accessibility import assert_accessible, assert_no_horizontal_scroll
from tests.browser.test_self_evaluation import flash, log_out, shoot  # noqa: F401  (shoot: a fixture)
from tests.evaluations import conftest as evaluations
from tests.reviews import conftest as reviews
from tests.reviews.conftest import Review, ready_to_publish

setting = evaluations.setting  # the fixtures: the region, Aadorp and its people, "Ronde 2027" ...
review = reviews.review  # ... and Aadorp submitted, with its peer team

JUDGEMENT = "Aadorp werkt sinds 2024 met een integraal veiligheidsplan; de regie is in opbouw."
CORRECTED = "Aadorp werkt sinds 2023 met een integraal veiligheidsplan; de regie is in opbouw."
POINT_YEAR = "Het integraal veiligheidsplan is vastgesteld in 2023, niet in 2024 (raadsbesluit van 14 maart 2023)."
POINT_CHAIN = "De zorgketen heeft geen wachtlijst meer sinds de nieuwe afspraken met de GGD van januari."
ADOPTED = "Het jaartal in het oordeel is aangepast."
REJECTED = "De gesprekken in het veld lieten nog wel wachttijden zien; het team houdt de tekst zo."
REACTION = "Het college herkent het beeld en neemt de aanbeveling over; voor de zomer volgt een verbeterplan."
REFERENCE = "Z/2027/0815"
AFTERWORD = "Het team dankt het college voor de reactie en ziet uit naar het verbeterplan."


# ----------------------------------------------------------------- what a person does, in words


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def tab(page: Page, name: str) -> Locator:
    return page.get_by_role("navigation", name="Onderdelen van de toetsing").get_by_role("link", name=name,
                                                                                         exact=True)


def point(page: Page, number: int) -> Locator:
    """A factual point on the hearing page: a list item headed "Reactie 1: <place>"."""
    return page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name=re.compile(f"^Reactie {number}: ")))


def steps(page: Page) -> Locator:
    return page.get_by_role("list", name="Stappen naar publicatie")


def current_step(page: Page) -> Locator:
    return steps(page).locator("[aria-current=step]")


def add_point(page: Page, place: str, text: str) -> None:
    new = page.get_by_role("region", name="Nieuwe feitelijke reactie")
    new.get_by_label("Plaats in het rapport").select_option(label=place)
    new.get_by_label("Wat klopt er feitelijk niet, en wat moet het zijn?").fill(text)
    new.get_by_role("button", name="Reactie opslaan").click()
    expect(flash(page, "Uw feitelijke reactie is opgeslagen. Het peer team ziet haar nu.")).to_be_visible()


def answer(page: Page, number: int, choice: str, text: str) -> None:
    item = point(page, number)
    item.get_by_role("group", name="Antwoord van het team").get_by_label(choice, exact=True).check()
    item.get_by_label("Toelichting").fill(text)
    item.get_by_role("button", name=f"Antwoord opslaan bij reactie {number}").click()
    expect(flash(page, "Het antwoord is opgeslagen.")).to_be_visible()


def section_headings(page: Page) -> list[str]:
    return [text.strip() for text in page.get_by_role("main").locator("h2").all_inner_texts()]


# ----------------------------------------------------------------- the journey


def test_hoor_en_wederhoor_from_concept_to_published_report(page: Page, review: Review, log_in, shoot, today):  # noqa: F811
    page.on("dialog", lambda dialog: dialog.accept())  # app.js asks window.confirm on data-confirm buttons
    s = review.setting
    ready_to_publish(review)
    from peerreview.evaluation.team import report_of
    from peerreview.reviews import report as review_report

    review_report.save_judgement(review.chair, review.evaluation, JUDGEMENT, "Een betrokken burgemeester.")
    db.session.commit()
    assert report_of(review.evaluation).judgement == JUDGEMENT

    # --- 1. Petra, the chair, sends the concept from the report
    log_in(review.chair.email)
    page.get_by_role("table", name="De gemeenten die u toetst").get_by_role("link", name="Aadorp").click()
    expect(heading(page)).to_have_text("Collegiale toetsing Aadorp")
    tab(page, "Rapport").click()
    expect(heading(page)).to_have_text("Rapport: Aadorp")
    page.get_by_role("link", name="Concept naar de gemeente").click()
    expect(heading(page)).to_have_text("Afronden en publiceren: Aadorp")
    expect(current_step(page)).to_have_text("Concept van het team")
    check = page.get_by_role("region", name="Controle")
    expect(check).to_contain_text("Het oordeel is geschreven.")
    expect(check).to_contain_text("1 aanbeveling.")
    expect(check).to_contain_text("De gemeente krijgt 21 dagen voor de feitelijke controle.")
    shoot(page, "hearing-send-concept")
    assert_accessible(page)
    page.get_by_role("button", name="Concept naar de gemeente sturen").click()
    expect(flash(page, re.compile("Het concept ligt nu ter feitelijke controle bij Aadorp"))).to_be_visible()
    expect(tab(page, "Hoor en wederhoor")).to_be_visible()
    log_out(page)

    # --- 2. Lotte, the gemeente's lead, reads the concept and gives two factual points
    log_in(s.lead.email)
    page.get_by_role("region", name="Zelfevaluatie").get_by_role("link", name="Hoor en wederhoor Ronde 2027").click()
    expect(heading(page)).to_have_text("Hoor en wederhoor: Aadorp")
    expect(current_step(page)).to_have_text("Feitelijke controle door de gemeente")
    expect(page.get_by_text("Alleen feiten; een oordeel over het rapport geeft het college later")).to_be_visible()
    expect(page.get_by_text("Nog geen feitelijke reacties.")).to_be_visible()
    expect(tab(page, "Rapport")).to_have_count(0)  # the team's pages are not hers
    assert_accessible(page)

    page.get_by_role("link", name="Het concept lezen").click()
    expect(heading(page)).to_have_text("Rapport collegiale toetsing Aadorp")
    expect(page.get_by_role("status").filter(has_text="Concept ter feitelijke controle.")).to_be_visible()
    expect(page.get_by_role("region", name="Oordeel")).to_contain_text(JUDGEMENT)
    expect(page.get_by_role("main")).not_to_contain_text("Onderbouwing analyse")  # a member's own rationale
    shoot(page, "hearing-concept")
    assert_accessible(page)
    page.get_by_role("link", name="Naar de feitelijke reacties").click()
    expect(heading(page)).to_have_text("Hoor en wederhoor: Aadorp")

    places = page.get_by_label("Plaats in het rapport").locator("option")
    expect(places).to_contain_text(["Kies een plaats", "Aanleiding, opdracht en werkwijze", "Het oordeel",
                                    "Sterke punten", "Thema 1. Analyse", "Thema 2. Keten"])
    # without a place: a Dutch message at the field, the text kept
    new = page.get_by_role("region", name="Nieuwe feitelijke reactie")
    new.get_by_label("Wat klopt er feitelijk niet, en wat moet het zijn?").fill(POINT_YEAR)
    new.get_by_role("button", name="Reactie opslaan").click()
    expect(page.get_by_role("alert").filter(has_text="Kies de plaats in het rapport uit de lijst")).to_be_visible()
    expect(page.get_by_label("Plaats in het rapport")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Wat klopt er feitelijk niet, en wat moet het zijn?")).to_have_value(POINT_YEAR)
    shoot(page, "hearing-point-errors")
    assert_accessible(page)

    add_point(page, "Het oordeel", POINT_YEAR)
    add_point(page, "Thema 2. Keten", POINT_CHAIN)
    expect(point(page, 1)).to_contain_text("Reactie 1: Het oordeel")
    expect(point(page, 1)).to_contain_text(POINT_YEAR)
    expect(point(page, 2)).to_contain_text("Reactie 2: Thema 2. Keten")
    expect(point(page, 2)).to_contain_text("Nog niet beantwoord door het peer team.")
    expect(page.get_by_text("2 reacties gegeven.")).to_be_visible()

    # she changes her mind about a word: the point's own page
    point(page, 2).get_by_role("link", name="Wijzigen reactie 2").click()
    expect(heading(page)).to_have_text("Feitelijke reactie wijzigen: Aadorp")
    expect(page.get_by_label("Plaats in het rapport")).to_have_value(re.compile("^section:"))
    shoot(page, "hearing-point-edit")
    assert_accessible(page)
    page.get_by_label("Wat klopt er feitelijk niet, en wat moet het zijn?").fill(POINT_CHAIN)
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(flash(page, "Uw feitelijke reactie is gewijzigd.")).to_be_visible()
    shoot(page, "hearing-lead-fact-check")
    assert_accessible(page)
    log_out(page)

    # --- 3. Petra answers: the year adopted (and the oordeel corrected), the waiting lists not
    log_in(review.chair.email)
    page.get_by_role("table", name="De gemeenten die u toetst").get_by_role("link", name="Aadorp").click()
    tab(page, "Hoor en wederhoor").click()
    expect(heading(page)).to_have_text("Hoor en wederhoor: Aadorp")
    expect(point(page, 1)).to_contain_text(POINT_YEAR)
    expect(page.get_by_role("region", name="Concept gecorrigeerd vaststellen")).to_contain_text(
        "Nog 2 feitelijke reacties zonder antwoord van het team.")
    expect(page.get_by_role("button", name="Concept gecorrigeerd vaststellen")).to_have_count(0)
    assert_accessible(page)

    # a rejection without a reason is refused, in Dutch, at the field
    point(page, 2).get_by_role("group", name="Antwoord van het team").get_by_label("Niet overgenomen",
                                                                                    exact=True).check()
    point(page, 2).get_by_role("button", name="Antwoord opslaan bij reactie 2").click()
    expect(point(page, 2).get_by_text("Geef de reden waarom het team de reactie niet overneemt")).to_be_visible()
    expect(point(page, 2).get_by_label("Toelichting")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    answer(page, 1, "Overgenomen", ADOPTED)
    answer(page, 2, "Niet overgenomen", REJECTED)
    expect(point(page, 1)).to_contain_text(f"Peer team: Overgenomen: {ADOPTED}")
    expect(point(page, 2)).to_contain_text(f"Peer team: Niet overgenomen: {REJECTED}")
    expect(page.get_by_role("region", name="Concept gecorrigeerd vaststellen")).to_contain_text(
        "De gemeente controleert nog")

    page.get_by_role("region", name="Concept gecorrigeerd vaststellen").get_by_role("link",
                                                                                    name="Naar het rapport").click()
    expect(heading(page)).to_have_text("Rapport: Aadorp")
    page.get_by_label("Oordeel over de regie op integrale veiligheid").fill(CORRECTED)
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(flash(page, "Het oordeel en de sterke punten zijn opgeslagen.")).to_be_visible()
    tab(page, "Hoor en wederhoor").click()
    shoot(page, "hearing-chair-fact-check")
    log_out(page)

    # --- 4. Lotte sees the answers and closes the check
    log_in(s.lead.email)
    page.get_by_role("region", name="Zelfevaluatie").get_by_role("link", name="Hoor en wederhoor Ronde 2027").click()
    expect(point(page, 1)).to_contain_text(f"Peer team: Overgenomen: {ADOPTED}")
    expect(point(page, 2)).to_contain_text(REJECTED)
    expect(point(page, 1).get_by_role("link", name="Wijzigen reactie 1")).to_have_count(0)  # answered: fixed
    page.get_by_role("button", name="Controle afronden").click()
    expect(flash(page, "De feitelijke controle is afgerond.")).to_be_visible()
    expect(page.get_by_text("U hebt de feitelijke controle al afgerond")).to_be_visible()
    expect(page.get_by_role("region", name="Nieuwe feitelijke reactie")).to_have_count(0)
    assert_accessible(page)
    log_out(page)

    # --- 5. Petra declares the concept corrected
    log_in(review.chair.email)
    page.get_by_role("table", name="De gemeenten die u toetst").get_by_role("link", name="Aadorp").click()
    tab(page, "Hoor en wederhoor").click()
    page.get_by_role("button", name="Concept gecorrigeerd vaststellen").click()
    expect(flash(page, "Het concept is gecorrigeerd. Aadorp kan nu de bestuurlijke reactie")).to_be_visible()
    expect(current_step(page)).to_have_text("Concept gecorrigeerd")
    expect(page.get_by_text("De gemeente legt de reactie van het college nog vast.")).to_be_visible()
    shoot(page, "hearing-chair-corrected")
    assert_accessible(page)
    log_out(page)

    # --- 6. Lotte records the college's reaction
    log_in(s.lead.email)
    page.get_by_role("region", name="Zelfevaluatie").get_by_role("link", name="Hoor en wederhoor Ronde 2027").click()
    expect(current_step(page)).to_have_text("Concept gecorrigeerd")
    reaction = page.get_by_role("region", name="Bestuurlijke reactie van het college")
    # without a date: refused, the text kept
    reaction.get_by_role("textbox", name="Reactie van het college").fill(REACTION)
    reaction.get_by_label("Kenmerk van het collegebesluit").fill(REFERENCE)
    reaction.get_by_role("button", name="Reactie vastleggen").click()
    expect(page.get_by_role("alert").filter(has_text="Vul de datum van het collegebesluit in")).to_be_visible()
    expect(page.get_by_role("textbox", name="Reactie van het college")).to_have_value(REACTION)
    shoot(page, "hearing-reaction-errors")
    assert_accessible(page)
    page.get_by_label("Datum van het collegebesluit").fill(today.isoformat())
    page.get_by_role("button", name="Reactie vastleggen").click()
    expect(flash(page, "De bestuurlijke reactie is vastgelegd.")).to_be_visible()
    expect(current_step(page)).to_have_text("Bestuurlijke reactie")
    expect(page.get_by_role("textbox", name="Reactie van het college")).to_have_value(REACTION)
    expect(page.get_by_role("region", name="Nawoord van het peer team")).to_contain_text(
        "Het peer team kan nog een kort nawoord schrijven")
    shoot(page, "hearing-lead-reacted")
    assert_accessible(page)
    log_out(page)

    # --- 7. Petra writes a nawoord, looks at the preview and publishes
    log_in(review.chair.email)
    page.get_by_role("table", name="De gemeenten die u toetst").get_by_role("link", name="Aadorp").click()
    tab(page, "Hoor en wederhoor").click()
    expect(page.get_by_role("region", name="Bestuurlijke reactie van het college")).to_contain_text(REACTION)
    page.get_by_label("Nawoord van het peer team (optioneel)").fill(AFTERWORD)
    page.get_by_role("button", name="Nawoord opslaan").click()
    expect(flash(page, "Het nawoord is opgeslagen.")).to_be_visible()
    shoot(page, "hearing-chair-reacted")
    assert_accessible(page)
    page.get_by_role("link", name="Naar publiceren").click()
    expect(heading(page)).to_have_text("Afronden en publiceren: Aadorp")
    publish = page.get_by_role("region", name="Publiceren")
    expect(publish).to_contain_text("De bestuurlijke reactie van het college is vastgelegd.")
    expect(publish).to_contain_text("Het nawoord van het team staat erbij.")
    shoot(page, "hearing-publish")
    assert_accessible(page)
    publish.get_by_role("link", name="Voorbeeld van het rapport bekijken").click()
    expect(heading(page)).to_have_text("Rapport collegiale toetsing Aadorp")
    expect(page.get_by_role("status").filter(has_text="Voorbeeld: precies dit lezen de gemeente")).to_be_visible()
    expect(page.get_by_role("region", name="Bestuurlijke reactie van het college")).to_contain_text(AFTERWORD)
    expect(page.get_by_role("navigation", name="Onderdelen van de toetsing")).to_have_count(0)  # as the gemeente
    # the way back is the team's page (the gemeente's overview is not a peer's)
    expect(page.get_by_role("navigation", name="Kruimelpad").get_by_role("link", name="Collegiale toetsing Aadorp")
           ).to_be_visible()
    shoot(page, "hearing-preview")
    assert_accessible(page)
    page.go_back()
    page.get_by_role("button", name="Rapport publiceren").click()
    expect(heading(page)).to_have_text("Rapport collegiale toetsing Aadorp")
    expect(flash(page, "Het rapport is gepubliceerd. Aadorp en de regio kunnen het nu lezen.")).to_be_visible()
    log_out(page)

    # --- 8. Lotte reads the published report: the reaction right after the oordeel, the nawoord, the annex
    log_in(s.lead.email)
    page.get_by_role("region", name="Zelfevaluatie").get_by_role("link", name="Ronde 2027", exact=True).click()
    page.get_by_role("link", name="Lees het rapport").click()
    expect(heading(page)).to_have_text("Rapport collegiale toetsing Aadorp")
    expect(page.get_by_role("region", name="Oordeel")).to_contain_text(CORRECTED)
    titles = section_headings(page)
    assert titles.index("Bestuurlijke reactie van het college") == titles.index("Oordeel") + 1, titles
    assert titles[-1] == "Bijlage: verwerking feitelijke reacties", titles
    reaction = page.get_by_role("region", name="Bestuurlijke reactie van het college")
    expect(reaction).to_contain_text(REACTION)
    expect(reaction).to_contain_text(f"kenmerk {REFERENCE}")
    expect(reaction.get_by_role("heading", name="Nawoord van het peer team")).to_be_visible()
    expect(reaction).to_contain_text(AFTERWORD)
    annex = page.get_by_role("table", name="Feitelijke reacties van de gemeente en de verwerking door het peer team")
    expect(annex.get_by_role("row")).to_have_count(1 + 2)
    year = annex.get_by_role("row", name=re.compile("^Het oordeel"))
    expect(year).to_contain_text(POINT_YEAR)
    expect(year).to_contain_text(f"Overgenomen: {ADOPTED}")
    chain = annex.get_by_role("row", name=re.compile("^Thema 2. Keten"))
    expect(chain).to_contain_text(POINT_CHAIN)
    expect(chain).to_contain_text(f"Niet overgenomen: {REJECTED}")
    shoot(page, "hearing-report-published")
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_no_horizontal_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    # the hearing page stays as the record of what happened
    page.goto(f"/evaluations/{review.evaluation.id}/hearing")
    expect(current_step(page)).to_have_text("Gepubliceerd")
    expect(point(page, 2)).to_contain_text(REJECTED)
    assert_accessible(page)
