"""axe-core (WCAG 2.0/2.1 A and AA, as tests/browser/test_accessibility.py) on the pages of hoor en wederhoor, in
each stage, for each party: the hearing page for the gemeente's lead, the chair and the region's coordinator; the
concept (and the chair's preview); the coordinator's term form; the lead's form to change a point; the publish page
once the reaction is in. A full-page screenshot of each in test-artifacts/screenshots/.

The stages are set up through the services (tests/support/hearing.py and peerreview.reviews.hearing), on the
``review`` of tests/reviews made ready to send (``ready_to_publish``): what is tested here is the pages."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from peerreview.evaluation.lifecycle import questionnaire_of
from peerreview.evaluation.team import report_of
from peerreview.extensions import db
from peerreview.reviews import hearing
from tests.browser.test_accessibility import assert_accessible
from tests.browser.test_self_evaluation import log_out, shoot  # noqa: F401  (shoot: a fixture)
from tests.evaluations import conftest as evaluations
from tests.reviews import conftest as reviews
from tests.reviews.conftest import Review, ready_to_publish
from tests.support.hearing import send_concept, to_corrected, to_reacted

setting = evaluations.setting
review = reviews.review

POINT = "Het integraal veiligheidsplan is vastgesteld in 2023, niet in 2024."


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def with_a_point(review: Review):
    """The concept sent, with one open factual point of the lead on the oordeel."""
    ready_to_publish(review)
    send_concept(review.chair, review.evaluation, _token(review))
    evaluation = review.evaluation
    row = hearing.add_point(review.setting.lead, evaluation, hearing.check_point_for(
        evaluation, questionnaire_of(evaluation), "judgement", POINT))
    db.session.commit()
    return row


def _token(review: Review) -> str:
    from peerreview.reviews import report

    return report.publication_state(review.evaluation, questionnaire_of(review.evaluation)).confirmation_token


def check_hearing(page: Page, shoot, name: str, *, stage: str) -> None:  # noqa: F811
    expect(heading(page)).to_have_text("Hoor en wederhoor: Aadorp")
    expect(page.get_by_role("list", name="Stappen naar publicatie").locator("[aria-current=step]")).to_have_text(stage)
    shoot(page, name)
    assert_accessible(page)


def test_fact_check(page: Page, review: Review, log_in, shoot):  # noqa: F811
    page.on("dialog", lambda dialog: dialog.accept())
    row = with_a_point(review)
    s, evaluation_id = review.setting, review.evaluation.id
    stage = "Feitelijke controle door de gemeente"

    log_in(s.lead.email)
    page.goto(f"/evaluations/{evaluation_id}/hearing")
    check_hearing(page, shoot, "a11y-hearing-lead-fact-check", stage=stage)
    page.get_by_role("link", name="Het concept lezen").click()
    expect(page.get_by_role("status").filter(has_text="Concept ter feitelijke controle.")).to_be_visible()
    shoot(page, "a11y-concept-fact-check")
    assert_accessible(page)
    page.goto(f"/evaluations/{evaluation_id}/hearing/points/{row.id}")
    expect(heading(page)).to_have_text("Feitelijke reactie wijzigen: Aadorp")
    assert_accessible(page)
    page.get_by_label("Plaats in het rapport").select_option(label="Kies een plaats")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="Kies de plaats in het rapport uit de lijst")).to_be_visible()
    shoot(page, "a11y-point-edit-errors")
    assert_accessible(page)
    log_out(page)

    log_in(review.chair.email)
    page.goto(f"/evaluations/{evaluation_id}/hearing")
    check_hearing(page, shoot, "a11y-hearing-chair-fact-check", stage=stage)
    # an answer the page refuses: "niet overgenomen" without a reason
    page.get_by_role("group", name="Antwoord van het team").get_by_label("Niet overgenomen", exact=True).check()
    page.get_by_role("button", name="Antwoord opslaan bij reactie 1").click()
    expect(page.get_by_text("Geef de reden waarom het team de reactie niet overneemt")).to_be_visible()
    assert_accessible(page)
    log_out(page)

    log_in(s.coordinator.email)
    page.goto(f"/evaluations/{evaluation_id}/hearing")
    check_hearing(page, shoot, "a11y-hearing-coordinator-fact-check", stage=stage)
    page.get_by_role("link", name="Termijn verlengen").click()
    expect(heading(page)).to_have_text("Termijn verlengen: Aadorp")
    shoot(page, "a11y-term-form")
    assert_accessible(page)
    page.get_by_role("button", name="Termijn verlengen").click()  # no date, no reason: refused, in Dutch
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("Nieuwe termijn (tot en met)")).to_have_attribute("aria-invalid", "true")
    shoot(page, "a11y-term-form-errors")
    assert_accessible(page)
    page.get_by_label("Nieuwe termijn (tot en met)").fill((report_of(review.evaluation).term_due
                                                          + timedelta(days=14)).isoformat())
    page.get_by_label("Reden van de verlenging").fill("Het college vergadert pas over vier weken.")
    page.get_by_role("button", name="Termijn verlengen").click()
    expect(page.get_by_role("status").filter(has_text="De termijn is verlengd tot en met")).to_be_visible()
    assert_accessible(page)


def test_corrected(page: Page, review: Review, log_in, shoot, today):  # noqa: F811
    page.on("dialog", lambda dialog: dialog.accept())
    ready_to_publish(review)
    to_corrected(review.chair, review.evaluation, review.setting.lead)
    s, evaluation_id = review.setting, review.evaluation.id
    stage = "Concept gecorrigeerd"

    log_in(s.lead.email)
    page.goto(f"/evaluations/{evaluation_id}/hearing")
    check_hearing(page, shoot, "a11y-hearing-lead-corrected", stage=stage)
    page.get_by_role("textbox", name="Reactie van het college").fill("Het college neemt de aanbevelingen over.")
    page.get_by_label("Datum van het collegebesluit").fill((today + timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Reactie vastleggen").click()  # a decision in the future: refused
    expect(page.get_by_role("alert").filter(has_text="ligt in de toekomst")).to_be_visible()
    shoot(page, "a11y-hearing-lead-reaction-errors")
    assert_accessible(page)
    page.get_by_role("link", name="Het concept lezen").click()
    expect(page.get_by_role("status").filter(has_text="Gecorrigeerd concept")).to_be_visible()
    assert_accessible(page)
    log_out(page)

    log_in(review.chair.email)
    page.goto(f"/evaluations/{evaluation_id}/hearing")
    check_hearing(page, shoot, "a11y-hearing-chair-corrected", stage=stage)
    page.goto(f"/evaluations/{evaluation_id}/review/publish")
    expect(page.get_by_role("status").filter(has_text="Het concept ligt bij Aadorp voor hoor en wederhoor.")
           ).to_be_visible()
    assert_accessible(page)
    log_out(page)

    # the term has passed without a reaction: the coordinator records that none came
    report_of(review.evaluation).term_due = today - timedelta(days=1)
    db.session.commit()
    log_in(s.coordinator.email)
    page.goto(f"/evaluations/{evaluation_id}/hearing")
    expect(page.get_by_text("De termijn is verstreken.")).to_be_visible()
    check_hearing(page, shoot, "a11y-hearing-coordinator-corrected", stage=stage)
    page.get_by_role("button", name="Vastleggen: geen reactie ontvangen").click()
    expect(page.get_by_role("status").filter(has_text="Vastgelegd: geen bestuurlijke reactie ontvangen")
           ).to_be_visible()
    check_hearing(page, shoot, "a11y-hearing-coordinator-no-reaction", stage="Bestuurlijke reactie")
    log_out(page)

    log_in(review.chair.email)
    page.goto(f"/evaluations/{evaluation_id}/review/publish")
    expect(page.get_by_role("region", name="Publiceren")).to_contain_text(
        "De regiocoördinator heeft vastgelegd dat het college binnen de termijn niet reageerde")
    shoot(page, "a11y-publish-no-reaction")
    assert_accessible(page)


def test_reacted(page: Page, review: Review, log_in, shoot):  # noqa: F811
    ready_to_publish(review)
    to_reacted(review.chair, review.evaluation, review.setting.lead)
    s, evaluation_id = review.setting, review.evaluation.id
    stage = "Bestuurlijke reactie"

    log_in(s.lead.email)
    page.goto(f"/evaluations/{evaluation_id}/hearing")
    check_hearing(page, shoot, "a11y-hearing-lead-reacted", stage=stage)
    log_out(page)

    log_in(review.chair.email)
    page.goto(f"/evaluations/{evaluation_id}/hearing")
    check_hearing(page, shoot, "a11y-hearing-chair-reacted", stage=stage)
    # over the limit (past the box's maxlength, as an old browser would send it): refused, in Dutch
    page.get_by_label("Nawoord van het peer team (optioneel)").evaluate("e => e.removeAttribute('maxlength')")
    page.get_by_label("Nawoord van het peer team (optioneel)").fill("x" * 5000)
    page.get_by_role("button", name="Nawoord opslaan").click()
    expect(page.get_by_role("alert").filter(has_text="Het nawoord is te lang")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/evaluations/{evaluation_id}/review/publish")
    expect(heading(page)).to_have_text("Afronden en publiceren: Aadorp")
    shoot(page, "a11y-publish-reacted")
    assert_accessible(page)
    page.get_by_role("link", name="Voorbeeld van het rapport bekijken").click()
    expect(page.get_by_role("status").filter(has_text="Voorbeeld: precies dit lezen")).to_be_visible()
    shoot(page, "a11y-preview")
    assert_accessible(page)
    log_out(page)

    log_in(s.coordinator.email)
    page.goto(f"/evaluations/{evaluation_id}/hearing")
    check_hearing(page, shoot, "a11y-hearing-coordinator-reacted", stage=stage)
    page.goto(f"/evaluations/{evaluation_id}/hearing/term")
    expect(page.get_by_role("status").filter(has_text=re.compile("De termijn kan alleen worden verlengd"))
           ).to_be_visible()
    assert_accessible(page)


def test_published(page: Page, review: Review, log_in, shoot):  # noqa: F811
    ready_to_publish(review)
    to_reacted(review.chair, review.evaluation, review.setting.lead)
    hearing.save_afterword(review.chair, review.evaluation, "Het team dankt het college.")
    hearing.publish(review.chair, review.evaluation)
    db.session.commit()
    s, evaluation_id = review.setting, review.evaluation.id

    for email, who in [(s.lead.email, "lead"), (review.chair.email, "chair"), (s.coordinator.email, "coordinator")]:
        log_in(email)
        page.goto(f"/evaluations/{evaluation_id}/hearing")
        check_hearing(page, shoot, f"a11y-hearing-{who}-published", stage="Gepubliceerd")
        expect(page.get_by_role("link", name="Het gepubliceerde rapport lezen")).to_be_visible()
        log_out(page)
