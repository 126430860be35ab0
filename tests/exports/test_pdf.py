"""The PDF report, read back: text extraction (pypdf) finds the gemeente, every theme, every recommendation and the
quotable notes and never a team-only note; the pages render to PNG (pdftoppm) to prove the file opens; the charts
are vector drawings (SVG, no pictures); long texts and long plans break across pages with the table header repeated.
Its tags (PDF/UA-1) are checked in ``test_pdf_ua.py``."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from peerreview.domain.plans import ActionStatus
from peerreview.domain.reviews import MAX_JUDGEMENT, MAX_MOTIVATION, MAX_RECOMMENDATION
from peerreview.evaluation.lifecycle import load_evaluation
from peerreview.exports import pdf, services
from peerreview.exports.services import ActionView, VerdictView
from tests.exports.conftest import AFTERWORD, HOSTILE, POINTS, QUOTE, REACTION, SECRET, login

pytestmark = pytest.mark.db

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pdf"


def text_of(content: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(content))
    return reader, [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def flat(text: str) -> str:
    return " ".join(text.split())


def render(content: bytes, tmp_path: Path, first: int = 1, last: int = 3, name: str = "page") -> list[Path]:
    """The pages as PNG files, by poppler's pdftoppm: a file that does not open gives no pages."""
    assert shutil.which("pdftoppm"), "pdftoppm (Debian's poppler-utils) is missing: make test installs it"
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(content)
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", str(first), "-l", str(last), str(source),
                    str(tmp_path / name)], check=True, capture_output=True, timeout=60)
    return sorted(tmp_path.glob(f"{name}-*.png"))


def export_for(exported, user):
    return services.evaluation_export(load_evaluation(exported.evaluation.id), user)


CHAPTERS = ["Leeswijzer", "Samenvatting", "Bestuurlijke reactie van het college", "Aanleiding, opdracht en werkwijze",
            "Scores: zelfbeeld en peer team", "Vergelijking met andere gemeenten", "Per thema", "Verbeterplan",
            "Bijlage 1. Verwerking feitelijke reacties", "Bijlage 2. De schaal en de thema's"]


def test_the_report_reads_back_with_every_theme_recommendation_and_quotable_note(exported, tmp_path):
    content = pdf.report_pdf(export_for(exported, exported.lead))
    assert content.startswith(b"%PDF-")
    reader, pages = text_of(content)
    whole = " ".join(pages)
    report = export_for(exported, exported.lead).report
    assert "Súdwest-Fryslân ë" in pages[0]  # the cover, with the diacritics intact
    assert report.cbs_code in pages[0] and report.region in pages[0] and report.round_name in pages[0]
    for item in report.sections + report.profile:
        assert item.title in whole, item.title
    for recommendation in report.recommendations:
        assert flat(recommendation.text) in whole, recommendation.text
    assert flat(QUOTE) in whole  # quotable: "Financiën", "€ 12.500", "ïs"
    assert "Financiën" in whole and "€ 12.500" in whole
    assert SECRET not in whole and "Wethouder" not in whole  # the team-only interview, and whom it was with
    assert flat(REACTION) in whole
    summary = next(i for i, text in enumerate(pages) if "Het peer team oordeelt positief." in text)
    assert "Samenvatting" in pages[summary]
    for heading in CHAPTERS:
        assert heading in whole, heading
    # running header and page numbers on every page but the cover
    total = len(pages)
    assert "Pagina" not in pages[0]
    for number, text in enumerate(pages[1:], start=2):
        assert f"Pagina {number} van {total}" in text
        assert "Collegiale toets · Súdwest-Fryslân ë" in text
    # the plan: every action with its status, the overdue one flagged, the verdict
    for action in exported.actions:
        assert action.title in whole
    assert "3 dagen te laat" in whole
    late_page = next(i for i, text in enumerate(pages) if "3 dagen te laat" in text)
    stream = reader.pages[late_page].get_contents().get_data().decode("latin-1")
    assert re.search(r"0?\.6431\d* 0?\.149\d* 0?\.1725\d* rg", stream)  # the late row in red (#A4262C)
    # texts that depend on the questionnaire: its own external theme and number of themes, never the article's
    assert "Thema 2 ligt grotendeels buiten de gemeente" in whole and "8 en 9" not in whole
    assert "over de 2 knelpunten" in whole and "tien knelpunten" not in whole
    assert "aan het Rijk" in whole and "aan de regio" in whole  # the addressee in a sentence, Rijk capitalised
    assert "Opgevolgd" in whole and "Goed opgepakt" in whole
    # document properties and bookmarks (the chapters; their sections one level down)
    assert reader.metadata.title == f"Collegiale toets Súdwest-Fryslân ë – {report.round_name}"
    assert reader.trailer["/Root"]["/Lang"] == "nl-NL"
    assert [o.title for o in reader.outline if not isinstance(o, list)] == CHAPTERS
    # the charts are vector drawings, not pictures; the font is embedded (the text is extractable, see above)
    assert all(not page.images for page in reader.pages)
    fonts = {str(f.get_object()["/BaseFont"]) for page in reader.pages
             for f in page["/Resources"].get("/Font", {}).values()}
    assert any("DejaVu-Sans" in f for f in fonts), fonts

    images = render(content, tmp_path, 1, 3)
    assert len(images) == 3
    for image in images:
        with Image.open(image) as png:
            assert png.size[0] > 300 and png.getextrema() != ((255, 255), (255, 255), (255, 255))  # not blank
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "collegiale-toets-minimal.pdf").write_bytes(content)


def test_the_opening_chapter_the_reaction_the_afterword_and_the_annex_of_factual_points(exported):
    export = export_for(exported, exported.lead)
    _reader, pages = text_of(pdf.report_pdf(export))
    whole = " ".join(pages)
    # the college's reaction with its decision, then the team's nawoord, before the chapter on the method
    assert "Vastgesteld door het college op 2 juni 2020. Kenmerk: BW-2020/0417." in whole
    assert whole.index(" ".join(REACTION.split())) < whole.index(AFTERWORD) < whole.index("Periode en bronnen")
    # the peer team by name and function, the chair named; the period of the visit; the documents
    chair = exported.built.chair
    assert f"{chair.name}, " in whole and "(voorzitter)" in whole
    assert "Het peer team sprak en keek rond van 1 mei 2020 tot en met 2 mei 2020." in whole
    assert "Integraal veiligheidsplan 2019–2022" in whole and "Jaarverslag openbare orde 2019" in whole
    method = export.method
    assert method.answers > 1
    assert f"{method.answers} gezamenlijke antwoorden, waarvan {method.answers_with_evidence} met een" in whole
    # the conversations: counted, by function and organisation; of the confidential one only that it was held
    assert "Het peer team voerde 2 gesprekken." in whole and "0 waarnemingen" not in whole
    assert "1 gesprek was vertrouwelijk" in whole
    assert "Burgemeester – gemeente" in whole and "Wethouder" not in whole
    # the annex: each point with its place, the gemeente's text and the team's answer
    annex = whole[whole.index("Bijlage 1. Verwerking feitelijke reacties"):]
    assert "2 feitelijke reacties" in annex
    assert annex.index("Het oordeel") < annex.index(POINTS[0]) < annex.index("Overgenomen: Het jaartal is aangepast.")
    assert annex.index("Thema 2. Keten") < annex.index(POINTS[1]) < annex.index(
        "Niet overgenomen: Dit is een oordeel, geen feit.")


def test_without_factual_points_or_reaction_the_report_says_so_in_one_sentence(exported):
    export = export_for(exported, exported.lead)
    no_reaction = dataclasses.replace(export.hearing, reaction="", points=(), afterword="",
                                      no_reaction_at=datetime(2020, 7, 1, 10, tzinfo=UTC))
    whole = " ".join(text_of(pdf.report_pdf(dataclasses.replace(export, hearing=no_reaction)))[1])
    assert "De gemeente heeft op het concept geen feitelijke reacties gegeven." in whole
    assert "Het college heeft binnen de termijn geen bestuurlijke reactie gegeven." in whole
    assert "Nawoord van het peer team" not in whole


def test_hostile_and_marked_up_text_is_printed_as_typed(exported):
    export = export_for(exported, exported.lead)
    export = dataclasses.replace(export, report=dataclasses.replace(
        export.report, judgement="<b>niet vet</b> & <script>x</script> <font color='red'>rood</font>"))
    _reader, pages = text_of(pdf.report_pdf(export))
    assert "<b>niet vet</b> & <script>x</script> <font color='red'>rood</font>" in " ".join(pages)
    assert f"{HOSTILE[1]} bel de wijkagent" in " ".join(pages)


def _long_action(index: int, description: str) -> ActionView:
    from datetime import date

    return ActionView(
        id=1000 + index, title=f"Actie {index:02d} " + "lange titel " * 15, description=description,
        owner="Afdeling Openbare Orde en Veiligheid, team handhaving en toezicht", owner_kind="Partner",
        start_on=date(2026, 1, 1), due_on=date(2026, 12, 31), status=ActionStatus.in_progress.value,
        status_label="In uitvoering", status_reason="", completed_on=None, section_ids=("analyse", "keten"),
        recommendation_ids=(), is_overdue=index % 3 == 0, days_overdue=7 if index % 3 == 0 else 0,
        last_note="Voortgang " * 100, last_note_on=date(2026, 6, 1), owner_is_partner=True)


def test_long_texts_wrap_and_long_tables_break_across_pages_with_their_header(exported, tmp_path):
    export = export_for(exported, exported.lead)
    words = ("Gemeentelijke regie vraagt om een systematische aanpak met partners. " * 200)[:MAX_JUDGEMENT]
    unbroken = "https://example.org/" + "a" * (MAX_MOTIVATION - 20)  # one 4,000-character word
    report = export.report
    themes = tuple(dataclasses.replace(t, motivation=unbroken) for t in report.themes)
    recommendations = tuple(dataclasses.replace(r, text=("Zorg voor " + "x" * 40 + " ") * (MAX_RECOMMENDATION // 51))
                            for r in report.recommendations)
    report = dataclasses.replace(report, judgement=words, strengths=words, themes=themes,
                                 recommendations=recommendations)
    hearing = dataclasses.replace(export.hearing, reaction="reactieregel\n" * 1500)
    plan = dataclasses.replace(export.plan, actions=tuple(_long_action(i, words[:4000]) for i in range(60)),
                               verdicts={r.id: VerdictView("Deels opgevolgd", "Toelichting " * 330)
                                         for r in report.recommendations})
    content = pdf.report_pdf(dataclasses.replace(export, report=report, plan=plan, hearing=hearing))
    _reader, pages = text_of(content)
    assert len(pages) > 30
    with_header = [p for p in pages if re.search(r"Actie Eigenaar Thema's Aanbeveling Gereed Status", p)]
    assert len(with_header) >= 2  # the plan table spans pages and repeats its header row
    assert "Actie 59" in " ".join(pages)
    assert sum(p.count("reactieregel") for p in pages) == 1500  # many short lines, each printed
    assert len(render(content, tmp_path, 1, 2)) == 2


def test_without_plan_the_chapter_is_left_out_and_without_reaction_one_sentence_says_so(exported):
    export = export_for(exported, exported.lead)
    export = dataclasses.replace(export, plan=None, report=dataclasses.replace(export.report, judgement=""),
                                 hearing=dataclasses.replace(export.hearing, reaction=""))
    reader, pages = text_of(pdf.report_pdf(export))
    assert [o.title for o in reader.outline if not isinstance(o, list)] == [c for c in CHAPTERS if c != "Verbeterplan"]
    whole = " ".join(pages)
    assert "Het peer team heeft geen oordeel geschreven." in whole
    assert "Er is (nog) geen bestuurlijke reactie van het college." in whole


def test_the_printable_page_has_the_pdfs_headings(exported, client):
    login(client, exported.lead)
    response = client.get(f"/evaluations/{exported.evaluation.id}/results/report")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="nl-NL">' in html and "/static/css/report.css" in html
    assert f'href="/evaluations/{exported.evaluation.id}/results/report.pdf"' in html
    headings = [" ".join(re.sub(r"<[^>]+>", "", h).split()).replace("&#39;", "'")
                for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", html, re.S)]
    reader, _pages = text_of(pdf.report_pdf(export_for(exported, exported.lead)))

    def titles(outline) -> list[str]:
        return [t for item in outline for t in (titles(item) if isinstance(item, list) else [item.title])]

    assert headings == titles(reader.outline)
    assert [h for h in headings if h in CHAPTERS] == CHAPTERS


def test_a_report_downloaded_again_is_read_from_the_kept_file_and_any_change_makes_a_new_one(exported, app,
                                                                                            tmp_path, monkeypatch):
    """Laying out takes seconds, so the file is kept under the fingerprint of everything it is made from: the same
    report again is not laid out again; a changed report (here the reaction) gets another file, never the old one."""
    kept = tmp_path / "kept"
    app.config["REPORT_PDF_CACHE"] = str(kept)
    export = export_for(exported, exported.lead)
    first = pdf.report_pdf(export)
    assert len(list(kept.glob("*.pdf"))) == 1
    with monkeypatch.context() as patched:
        patched.setattr(pdf, "HTML", lambda **kwargs: pytest.fail("laid out again"))
        assert pdf.report_pdf(export) == first
    changed = dataclasses.replace(export, hearing=dataclasses.replace(export.hearing, reaction="Een andere reactie."))
    second = pdf.report_pdf(changed)
    assert second != first and len(list(kept.glob("*.pdf"))) == 2
    assert "Een andere reactie." in " ".join(text_of(second)[1])
    # a folder that cannot be written (a file in the way, a full disk) costs the time to build, never the download
    (tmp_path / "a file").write_text("")
    app.config["REPORT_PDF_CACHE"] = str(tmp_path / "a file" / "kept")
    assert pdf.report_pdf(changed).startswith(b"%PDF")
