"""The peer review report as a PDF that a gemeente can put before its college and raad as it is (reportlab).

Cover, a summary (judgement, strengths, the main recommendations, the largest gaps, the plan's progress), the
charts drawn as vector drawings (:mod:`.drawings`) each with its table, a section per theme (scores, the team's
motivation, the gemeente's own notes, quotable interview notes, recommendations with their follow-up), the
improvement plan, the college's reaction, and an appendix with the method, the scale and the peer team. A running
header and "Pagina n van m" on every page but the cover; bookmarks per chapter; tables repeat their header row and
split cleanly across pages; every text a user wrote is escaped and wraps.

Only what :class:`~peerreview.exports.services.EvaluationExport` holds is printed: interview notes that the team
kept to itself never reach it."""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ..domain.results import Cohort, ItemResult, RecommendationView, Report
from ..domain.reviews import Addressee, Priority
from ..templating import format_date, format_datetime, format_number, format_signed
from . import drawings
from .services import ActionView, EvaluationExport, PlanView

FAMILY = "PeerreviewSans"
_FONT_FILES = {  # style -> candidates, first found wins: DejaVu (Debian's fonts-dejavu-core), else reportlab's Vera
    "": ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "Vera.ttf"),
    "-Bold": ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "VeraBd.ttf"),
    "-Italic": ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf", "VeraIt.ttf"),
    "-BoldItalic": ("/usr/share/fonts/truetype/dejavu/DejaVuSans-BoldOblique.ttf", "VeraBI.ttf"),
}
_REPORTLAB_FONTS = Path(reportlab.__file__).parent / "fonts"

INK = colors.HexColor("#1b1b1b")
MUTED = colors.HexColor("#595959")
ACCENT = colors.HexColor("#1F4E79")
HEADER_FILL = colors.HexColor("#1F4E79")
ZEBRA = colors.HexColor("#F2F5F9")
LATE = colors.HexColor("#A4262C")

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
NUMBER = 21 * mm  # a score column: wide enough for the header "Zelfscore" on one line

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@functools.cache
def font_family() -> str:
    """Registers the report's font family once (a TrueType font, so every Dutch diacritic and the euro sign is
    drawn and can be extracted as text) and returns its name."""
    for suffix, candidates in _FONT_FILES.items():
        path = next((Path(c) if c.startswith("/") else _REPORTLAB_FONTS / c for c in candidates
                     if (Path(c) if c.startswith("/") else _REPORTLAB_FONTS / c).is_file()), None)
        if path is None:
            raise RuntimeError(f"Geen lettertype gevonden voor het PDF-rapport: {candidates}")
        pdfmetrics.registerFont(TTFont(FAMILY + suffix, str(path)))
    pdfmetrics.registerFontFamily(FAMILY, normal=FAMILY, bold=FAMILY + "-Bold", italic=FAMILY + "-Italic",
                                  boldItalic=FAMILY + "-BoldItalic")
    return FAMILY


@functools.cache
def _styles() -> StyleSheet1:
    font = font_family()
    bold = font + "-Bold"
    sheet = StyleSheet1()
    base = ParagraphStyle("Body", fontName=font, fontSize=10, leading=14, textColor=INK, alignment=TA_LEFT,
                          spaceAfter=5, splitLongWords=True)
    sheet.add(base)
    sheet.add(ParagraphStyle("Small", parent=base, fontSize=8.5, leading=11.5, textColor=MUTED))
    sheet.add(ParagraphStyle("Cell", parent=base, fontSize=8.5, leading=11, spaceAfter=0))
    sheet.add(ParagraphStyle("CellBold", parent=sheet["Cell"], fontName=bold))
    sheet.add(ParagraphStyle("HeadCell", parent=sheet["Cell"], fontName=bold, textColor=colors.white))
    sheet.add(ParagraphStyle("CellRight", parent=sheet["Cell"], alignment=TA_RIGHT))
    sheet.add(ParagraphStyle("CellLate", parent=sheet["Cell"], fontName=bold, textColor=LATE))
    sheet.add(ParagraphStyle("CellLateRight", parent=sheet["CellLate"], alignment=TA_RIGHT))
    sheet.add(ParagraphStyle("HeadCellRight", parent=sheet["HeadCell"], alignment=TA_RIGHT))
    sheet.add(ParagraphStyle("Quote", parent=base, fontName=font + "-Italic", leftIndent=12, borderPadding=0,
                             textColor=INK))
    sheet.add(ParagraphStyle("H1", parent=base, fontName=bold, fontSize=17, leading=22, spaceBefore=4,
                             spaceAfter=10, textColor=ACCENT))
    sheet.add(ParagraphStyle("H2", parent=base, fontName=bold, fontSize=13, leading=17, spaceBefore=12,
                             spaceAfter=6, textColor=ACCENT))
    sheet.add(ParagraphStyle("H3", parent=base, fontName=bold, fontSize=10.5, leading=14, spaceBefore=8,
                             spaceAfter=3))
    sheet.add(ParagraphStyle("Title", parent=base, fontName=bold, fontSize=28, leading=34, textColor=ACCENT,
                             spaceAfter=8))
    sheet.add(ParagraphStyle("Subtitle", parent=base, fontSize=15, leading=20, textColor=INK, spaceAfter=24))
    sheet.add(ParagraphStyle("Municipality", parent=base, fontName=bold, fontSize=22, leading=28, spaceAfter=4))
    sheet.add(ParagraphStyle("Item", parent=base, leftIndent=14, bulletIndent=2, spaceAfter=1))
    sheet.add(ParagraphStyle("ItemBody", parent=base, leftIndent=14))
    sheet.add(ParagraphStyle("Follow", parent=sheet["Small"], leftIndent=14))
    return sheet


# ---------------------------------------------------------------- text


def _text(value: str) -> str:
    """User text as paragraph markup: escaped, control characters dropped, line breaks kept."""
    value = _CONTROL.sub("", value).replace("\r\n", "\n").replace("\r", "\n")
    return escape(value).replace("\n", "<br/>")


def _paragraphs(value: str, style: str = "Body") -> list[Paragraph]:
    """A text as one paragraph per line (a blank line adds the paragraph's space after it): it breaks across
    pages, and a text of a thousand short lines costs what its length costs (reportlab lays out a paragraph
    again at every page it spans, so one paragraph of many ``<br/>`` grows quadratically)."""
    value = _CONTROL.sub("", value).replace("\r\n", "\n").replace("\r", "\n")
    blocks = [b for b in re.split(r"\n[ \t]*\n", value.strip()) if b.strip()]
    result: list[Paragraph] = []
    for block in blocks:
        lines = [line for line in block.split("\n") if line.strip()]
        for index, line in enumerate(lines):
            last = index == len(lines) - 1
            result.append(Paragraph(escape(line), _styles()[style] if last else _line_style(style)))
    return result


def _line_style(style: str) -> ParagraphStyle:
    """``style`` without the space after it: for a line that the next line of the same paragraph follows."""
    sheet = _styles()
    name = style + "Line"
    if name not in sheet:
        sheet.add(ParagraphStyle(name, parent=sheet[style], spaceAfter=0))
    return sheet[name]


def _flat(value: str) -> str:
    """A text on one line (for a summary): its whitespace, line breaks included, as single spaces."""
    return " ".join(_CONTROL.sub(" ", value).split())


def _p(markup: str, style: str = "Body") -> Paragraph:
    return Paragraph(markup, _styles()[style])


def _score(value: Decimal | int | None) -> str:
    return format_number(value if value is None or isinstance(value, int) else Decimal(value))


def _short_date(value: date) -> str:
    """A date in a narrow table column: 20-11-2026."""
    return f"{value.day}-{value.month}-{value.year}"


def _item_gap(item: ItemResult) -> str:
    return format_signed(item.gap.difference)


# ---------------------------------------------------------------- tables


def _table(rows: Sequence[Sequence[object]], widths: Sequence[float], *, header: bool = True,
           numeric: Iterable[int] = (), highlight: Iterable[int] = ()) -> Table:
    """A table that repeats its header row on every page it spans and may split inside a tall row."""
    styles = _styles()

    numeric = set(numeric)

    late = set(highlight)

    def cell(value: object, row: int, column: int) -> object:
        if isinstance(value, Flowable):
            return value
        style = "HeadCell" if header and row == 0 else "CellLate" if row in late else "Cell"
        style += "Right" if column in numeric else ""
        lines = str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if len(lines) == 1:
            return Paragraph(_text(lines[0]), styles[style])
        return [Paragraph(_text(line) or "&nbsp;", styles[style]) for line in lines]  # one per line: see _paragraphs

    data = [[cell(v, r, c) for c, v in enumerate(row)] for r, row in enumerate(rows)]
    table = Table(data, colWidths=list(widths), repeatRows=1 if header else 0, splitInRow=1, hAlign="LEFT")
    commands: list[tuple] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#c8c8c8")),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL))
        for index in range(2, len(rows), 2):
            commands.append(("BACKGROUND", (0, index), (-1, index), ZEBRA))
    table.setStyle(TableStyle(commands))
    return table


def _heading(text: str, style: str = "H2") -> Paragraph:
    return Paragraph(_text(text), _styles()[style])


HEADINGS = ("H1", "H2", "H3")


def _bind_headings(story: Sequence[Flowable]) -> list[Flowable]:
    """No heading ends a page: every run of headings is kept together with the block that follows it."""
    result: list[Flowable] = []
    run: list[Flowable] = []
    for flowable in story:
        if isinstance(flowable, Paragraph) and flowable.style.name in HEADINGS:
            run.append(flowable)
            continue
        if run and not isinstance(flowable, PageBreak | CondPageBreak):
            result.append(KeepTogether([*run, flowable]))
        else:
            result += [*run, flowable]
        run = []
    return result + run


# ---------------------------------------------------------------- the document


class _Document(BaseDocTemplate):
    """A4 with one frame; chapter headings (H1) become PDF bookmarks."""

    def __init__(self, buffer: io.BytesIO, export: EvaluationExport) -> None:
        report = export.report
        super().__init__(
            buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN + 6 * mm,
            bottomMargin=MARGIN, title=f"Collegiale toets {report.municipality} – {report.round_name}",
            author="peerreview", subject="Rapport collegiale toetsing gemeentelijke regie op integrale veiligheid",
            creator="peerreview", lang="nl-NL", displayDocTitle=1)
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body", leftPadding=0,
                      rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate("page", [frame])])
        self._chapter = 0

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, KeepTogether):  # a chapter heading kept with its first block
            content = getattr(flowable, "_content", [])
            flowable = content[0] if content else flowable
        if isinstance(flowable, Paragraph) and flowable.style.name == "H1":
            self._chapter += 1
            key = f"chapter-{self._chapter}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.getPlainText(), key, level=0)


def _canvas_maker(export: EvaluationExport) -> type[canvas.Canvas]:
    """A canvas that knows the page count when it saves: every page but the cover gets the running header and
    "Pagina n van m"."""
    report = export.report
    font = font_family()
    left = f"Collegiale toets · {report.municipality} ({report.cbs_code})"
    right = f"{report.round_name} · {report.region}"
    generated = f"Gemaakt op {format_datetime(export.generated_at)} met peerreview"

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                if self._pageNumber > 1:
                    self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            self.saveState()
            self.setFillColor(MUTED)
            self.setStrokeColor(colors.HexColor("#c8c8c8"))
            self.setFont(font, 8)
            top = PAGE_HEIGHT - MARGIN + 2 * mm
            shown = _fit(left, font, 8, CONTENT_WIDTH * 0.6)
            rest = CONTENT_WIDTH - pdfmetrics.stringWidth(shown, font, 8) - 6 * mm
            self.drawString(MARGIN, top, shown)
            self.drawRightString(PAGE_WIDTH - MARGIN, top, _fit(right, font, 8, rest))
            self.line(MARGIN, top - 2 * mm, PAGE_WIDTH - MARGIN, top - 2 * mm)
            bottom = MARGIN - 8 * mm
            self.drawString(MARGIN, bottom, generated)
            self.drawRightString(PAGE_WIDTH - MARGIN, bottom, f"Pagina {self._pageNumber} van {total}")
            self.restoreState()

    return NumberedCanvas


def _fit(text: str, font: str, size: float, width: float) -> str:
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def report_pdf(export: EvaluationExport) -> bytes:
    buffer = io.BytesIO()
    document = _Document(buffer, export)
    story: list[Flowable] = []
    story += _cover(export)
    story += _summary(export)
    story += _scores(export)
    story += _themes(export)
    if export.plan is not None:
        story += _plan(export, export.plan)
    if export.report.reaction.strip():
        story += _reaction(export)
    story += _appendix(export)
    document.build(_bind_headings(story), canvasmaker=_canvas_maker(export))
    return buffer.getvalue()


# ---------------------------------------------------------------- chapters


def _cover(export: EvaluationExport) -> list[Flowable]:
    report = export.report
    rows = [
        ["Gemeente", f"{report.municipality} (CBS-code {report.cbs_code})"],
        ["Grootteklasse", report.size_class],
        ["Regio", report.region],
        ["Ronde", report.round_name if str(report.year) in report.round_name
         else f"{report.round_name} ({report.year})"],
        ["Rapport gepubliceerd", format_date(report.published_at)],
        ["Stand", report.status_label],
        ["Peer team", "\n".join(m.description for m in export.team) or "—"],
        ["Datum van dit document", format_date(export.generated_at)],
    ]
    return [
        Spacer(1, 40 * mm),
        _p("Collegiale toets", "Title"),
        _p(_text(export.questionnaire.title), "Subtitle"),
        _p(_text(report.municipality), "Municipality"),
        Spacer(1, 8 * mm),
        _table(rows, [45 * mm, CONTENT_WIDTH - 45 * mm], header=False),
        Spacer(1, 12 * mm),
        _p("Dit rapport bevat het oordeel en de aanbevelingen van het peer team over de regie van de gemeente op "
           "integrale veiligheid, naast de zelfevaluatie van de gemeente, en het verbeterplan dat daaruit volgt. "
           "Aantekeningen die het peer team alleen voor zichzelf maakte, staan er niet in.", "Small"),
        PageBreak(),
    ]


def _top_recommendations(report: Report, limit: int = 5) -> list:
    ranked = sorted(report.recommendations, key=lambda r: (Priority(r.priority).rank, r.position, r.id))
    return ranked[:limit]


def _themes_of(export: EvaluationExport, section_ids: Iterable[str]) -> str:
    return "; ".join(export.section_label(s) for s in section_ids)


def _summary(export: EvaluationExport) -> list[Flowable]:
    report = export.report
    story: list[Flowable] = [_heading("Samenvatting", "H1")]
    story += [_heading("Oordeel van het peer team", "H3"),
                   *(_paragraphs(report.judgement) or [_p("Het peer team heeft geen oordeel geschreven.")])]
    story += [_heading("Sterke punten", "H3"), *(_paragraphs(report.strengths) or [_p("—")])]
    top = _top_recommendations(report)
    items = [Paragraph(f"<b>{r.position}.</b> {_text(_flat(r.text))} <font color='#595959'>("
                       f"{_text(_meta(r))}; {_text(_themes_of(export, r.section_ids))})</font>", _styles()["Item"],
                       bulletText="•")
             for r in top]
    title = "Belangrijkste aanbevelingen" if len(report.recommendations) > len(top) else "Aanbevelingen"
    story += [_heading(title, "H3"), *(items or [_p("Het peer team heeft geen aanbevelingen gedaan.")])]
    if len(report.recommendations) > len(top):
        story.append(_p(f"Alle {len(report.recommendations)} aanbevelingen staan per thema verderop.", "Small"))
    gaps = [Paragraph(f"{_text(t.label)}: {_text(t.gap_words)}", _styles()["Item"], bulletText="•")
            for t in report.overestimated + report.underestimated]
    story += [_heading("Grootste verschillen tussen zelfbeeld en peer team", "H3"),
                   *(gaps or [_p("Bij geen enkel thema verschillen zelfbeeld en peer team een punt of meer.")])]
    if export.plan is not None:
        plan = export.plan
        progress = plan.progress
        line = (f"{progress.done} van {progress.counted} acties afgerond ({progress.percent}%); "
                f"{progress.overdue} nog niet af na de einddatum; {progress.dropped} vervallen." if progress.total else
                "Er staan nog geen acties in het verbeterplan.")
        runs = "loopt" if plan.end_on >= export.generated_at.date() else "liep"
        line += f" De planperiode {runs} tot en met {format_date(plan.end_on)}."
        story += [_heading("Stand van het verbeterplan", "H3"), _p(_text(line))]
    story.append(PageBreak())
    return story


def _scores(export: EvaluationExport) -> list[Flowable]:
    report = export.report
    font = font_family()
    story: list[Flowable] = [_heading("Scores: zelfbeeld en peer team", "H1")]
    story.append(_p(f"Schaal {report.scale_minimum} tot en met {report.scale_maximum}. De zelfscore is het "
                    "gemiddelde van de gezamenlijke antwoorden van de gemeente; de score van het peer team is het "
                    "niveau dat het team na gesprekken en waarnemingen gaf. Verschil = zelfscore min peer team.",
                    "Small"))
    if len(report.themes) >= 3:  # a radar needs three spokes; with fewer the table says it all
        story.append(drawings.radar(report, CONTENT_WIDTH, font))
    rows: list[list[object]] = [["Thema", "Zelfscore", "Peer team", "Verschil", "In woorden", "Hefboom"]]
    rows += [[t.label + (" (extern)" if t.external else ""), _score(t.self_score), _score(t.peer_score),
              _item_gap(t), t.gap_words, t.lever.label if t.lever else "—"] for t in report.themes]
    story.append(_table(rows, [48 * mm, NUMBER, NUMBER, 18 * mm, 43 * mm, CONTENT_WIDTH - 109 * mm - 2 * NUMBER],
                        numeric=(1, 2, 3)))
    story += [_heading("Verschillen, grootste eerst"), drawings.gap_bars(report, CONTENT_WIDTH, font)]
    if report.profile:
        story.append(CondPageBreak(90 * mm))
        story += [_heading(report.profile_title or "Profiel van de veiligheidscoördinator"),
                       drawings.profile_bars(report, CONTENT_WIDTH, font)]
        rows = [["Element", "Zelfscore", "Peer team", "Verschil"]]
        rows += [[e.title, _score(e.self_score), _score(e.peer_score), _item_gap(e)] for e in report.profile]
        if report.profile_total is not None:
            total = report.profile_total
            rows.append([_p("<b>Profiel als geheel</b>", "Cell"), _score(total.self_score),
                         _score(total.peer_score), _item_gap(total)])
        story.append(_table(rows, [CONTENT_WIDTH - 2 * NUMBER - 18 * mm, NUMBER, NUMBER, 18 * mm], numeric=(1, 2, 3)))
    story.append(CondPageBreak(90 * mm))
    story += [_heading("Willen, kennen, kunnen"),
                   _p("De thema's gegroepeerd naar wat er nodig is: willen (prioriteit en belang), kennen "
                      "(competenties en expertise) en kunnen (middelen en condities). Gemeenten wijzen vaak naar "
                      "kunnen; willen en kennen blijken minstens zo belangrijk." + _external_sentence(report),
                      "Small"),
                   drawings.lever_bars(report, CONTENT_WIDTH, font)]
    rows = [["Hefboom", "Zelfscore", "Peer team", "Zelf zonder externe thema's", "Peer zonder externe thema's"]]
    rows += [[lever.lever.label, _score(lever.self_score), _score(lever.peer_score),
              _score(lever.self_without_external), _score(lever.peer_without_external)] for lever in report.levers]
    rest = (CONTENT_WIDTH - 30 * mm - 2 * NUMBER) / 2
    story.append(_table(rows, [30 * mm, NUMBER, NUMBER, rest, rest], numeric=(1, 2, 3, 4)))
    story += _benchmark(report)
    story.append(PageBreak())
    return story


def _external_sentence(report: Report) -> str:
    """Which themes lie largely outside the gemeente, from the questionnaire (none: no sentence)."""
    numbers = [t.number for t in report.themes if t.external]
    if not numbers:
        return ""
    if len(numbers) == 1:
        return f" Thema {numbers[0]} ligt grotendeels buiten de gemeente en staat daarom ook apart."
    listed = ", ".join(numbers[:-1]) + " en " + numbers[-1]
    return f" De thema's {listed} liggen grotendeels buiten de gemeente en staan daarom ook apart."


def _benchmark(report: Report) -> list[Flowable]:
    """The region's group, only where it is shown on the result page (the same threshold and reasons)."""
    if not report.themes or not any(t.comparison(Cohort.REGION) for t in report.themes):
        return []
    rows: list[list[object]] = [["Thema", "Peer team", "Mediaan regio", "Middelste helft", "Positie"]]
    for theme in report.themes:
        comparison = theme.comparison(Cohort.REGION)
        if comparison is None:
            continue
        if comparison.distribution is None:
            rows.append([theme.label, _score(theme.peer_score), "—", "—", comparison.hidden_reason or "—"])
            continue
        dist = comparison.distribution
        rows.append([theme.label, _score(theme.peer_score), _score(dist.median),
                     f"{_score(dist.q1)} – {_score(dist.q3)}",
                     comparison.position.label if comparison.position else "—"])
    note = report.cohort_notes.get(Cohort.REGION, "")
    return [
        CondPageBreak(60 * mm),
        _heading("Positie in de regio"),
        _p(_text(f"Vergeleken met {note}: alleen scores van peer teams uit gepubliceerde rapporten, nooit met "
                 f"namen, en alleen bij minstens {report.min_group} andere gemeenten."), "Small"),
        _table(rows, [48 * mm, NUMBER, 22 * mm, 24 * mm, CONTENT_WIDTH - 94 * mm - NUMBER], numeric=(1, 2))]


def _meta(recommendation: RecommendationView) -> str:
    """"prioriteit hoog, aan het Rijk"."""
    return (f"prioriteit {recommendation.priority_label.lower()}, "
            f"aan {Addressee(recommendation.addressee).recipient}")


def _recommendation_block(export: EvaluationExport, recommendation: RecommendationView) -> list[Flowable]:
    story: list[Flowable] = [Paragraph(
        f"<b>Aanbeveling {recommendation.position}</b> <font color='#595959'>({_text(_meta(recommendation))})</font>",
        _styles()["Item"], bulletText="•")]
    story += _paragraphs(recommendation.text, "ItemBody")
    plan = export.plan
    if plan is not None:
        answered = plan.actions_for(recommendation.id)
        if recommendation.id in plan.open_recommendation_ids:
            follow = "In het verbeterplan: nog open (geen lopende actie)."
        else:
            follow = "In het verbeterplan: " + "; ".join(f"{a.title} ({a.status_label.lower()})" for a in answered)
        story += _paragraphs(follow, "Follow")
        verdict = plan.verdicts.get(recommendation.id)
        if verdict is not None:
            story += _paragraphs(f"Voortgangsreview: {verdict.label.lower()}.\n{verdict.note}", "Follow")
    return story


def _themes(export: EvaluationExport) -> list[Flowable]:
    report = export.report
    story: list[Flowable] = [_heading("Per thema", "H1")]
    for item in report.sections:
        target = f" · doel voor deze ronde: {_score(item.target)}" if item.target is not None else ""
        facts = _p(_text(f"Zelfscore {_score(item.self_score)} · peer team {_score(item.peer_score)} · "
                         f"{item.gap_words}{target}"), "Body")
        block: list[Flowable] = [facts]
        if item.lever is not None:
            block.append(_p(_text(f"Hefboom: {item.lever.label.lower()} ({item.lever.description})"
                                  + (". Ligt grotendeels buiten de gemeente: ook een signaal voor regio en Rijk."
                                     if item.external else ".")), "Small"))
        if item.motivation.strip():
            block += [_heading("Motivering van het peer team", "H3"), *_paragraphs(item.motivation)]
        if report.profile and item is report.profile_total:
            rows = [["Element", "Zelfscore", "Peer team", "Motivering van het peer team"]]
            rows += [[e.title, _score(e.self_score), _score(e.peer_score), e.motivation or "—"]
                     for e in report.profile]
            block += [_heading("Elementen van het profiel", "H3"),
                      _table(rows, [40 * mm, NUMBER, NUMBER, CONTENT_WIDTH - 40 * mm - 2 * NUMBER], numeric=(1, 2))]
        notes = export.notes_for(item.id)
        if notes is not None:
            block.append(_heading("Uit de zelfevaluatie van de gemeente", "H3"))
            if notes.strengths.strip():
                block += [_p("<i>Sterke punten</i>"), *_paragraphs(notes.strengths)]
            if notes.improvements.strip():
                block += [_p("<i>Verbeterpunten</i>"), *_paragraphs(notes.improvements)]
        quotes = export.quotes_for(item.id)
        if quotes:
            block.append(_heading("Uit gesprekken en waarnemingen", "H3"))
            for quote in quotes:
                who = "; ".join(quote.interviewees)
                block.append(_p(_text(f"{quote.kind_label} · {format_date(quote.held_on)}"
                                      + (f" · {who}" if who else "")), "Small"))
                block += _paragraphs(quote.notes, "Quote")
        recommendations = report.recommendations_for(item.id)
        block.append(_heading("Aanbevelingen", "H3"))
        if recommendations:
            for recommendation in recommendations:
                block += _recommendation_block(export, recommendation)
        else:
            block.append(_p("Geen aanbevelingen bij dit thema.", "Small"))
        story += [_heading(item.label), *block]
    story.append(PageBreak())
    return story


def _action_rows(export: EvaluationExport, actions: Sequence[ActionView]) -> tuple[list[list[object]], list[int]]:
    numbers = {r.id: r.position for r in export.report.recommendations}
    rows: list[list[object]] = [["Actie", "Eigenaar", "Thema's", "Aanbev.", "Gereed", "Status"]]
    late = []
    for index, action in enumerate(actions, start=1):
        status = action.status_label
        if action.is_overdue:
            status += f", {action.days_overdue} dagen te laat"
            late.append(index)
        elif action.completed_on is not None:
            status += f" op {_short_date(action.completed_on)}"
        themes = ", ".join(str(export.questionnaire.section(s).number) for s in action.section_ids
                           if export.questionnaire.has_section(s))
        owner = action.owner + (" (partner)" if action.owner_is_partner else "")
        rows.append([action.title, owner, themes or "—",
                     ", ".join(str(numbers[r]) for r in action.recommendation_ids if r in numbers) or "—",
                     _short_date(action.due_on), status])
    return rows, late


def _plan(export: EvaluationExport, plan: PlanView) -> list[Flowable]:
    progress = plan.progress
    story: list[Flowable] = [_heading("Verbeterplan", "H1")]
    runs = "loopt" if plan.end_on >= export.generated_at.date() else "liep"
    story.append(_p(_text(
        f"{plan.stage.label}. De planperiode {runs} tot en met {format_date(plan.end_on)}. "
        f"{progress.done} van {progress.counted} acties afgerond ({progress.percent}%), {progress.in_progress} in "
        f"uitvoering en {progress.planned} gepland, waarvan {progress.overdue} over de einddatum; "
        f"{progress.dropped} vervallen (die tellen niet mee). Acties over de einddatum staan bovenaan, vet en in "
        f"rood, met het aantal dagen.")))
    if not plan.actions:
        story.append(_p("Er staan nog geen acties in het verbeterplan."))
    else:
        rows, late = _action_rows(export, plan.actions)
        story.append(_table(rows, [44 * mm, 30 * mm, 17 * mm, 17 * mm, 23 * mm, CONTENT_WIDTH - 131 * mm],
                            highlight=late))
        story.append(_heading("De acties toegelicht"))
        for action in plan.actions:
            block: list[Flowable] = []
            block += _paragraphs(action.description) or [_p("Geen beschrijving.", "Small")]
            block.append(_p(_text(f"Van {format_date(action.start_on)} tot en met {format_date(action.due_on)} · "
                                  f"{action.status_label}"), "Small"))
            if action.status_reason:
                block += _paragraphs(f"Reden: {action.status_reason}", "Small")
            if action.last_note:
                block += _paragraphs(f"Laatste voortgang ({format_date(action.last_note_on)}): {action.last_note}",
                                     "Small")
            story += [_heading(action.title, "H3"), *block]
    if plan.targets:
        rows = [["Thema", "Doel voor de volgende ronde"]]
        rows += [[export.section_label(s), str(v)] for s, v in plan.targets.items()]
        story += [_heading("Doelen voor de volgende ronde"),
                       _table(rows, [CONTENT_WIDTH - 50 * mm, 50 * mm], numeric=(1,))]
    if plan.verdicts:
        numbers = {r.id: r for r in export.report.recommendations}
        rows = [["Aanbeveling", "Oordeel", "Toelichting van het peer team"]]
        rows += [[f"{numbers[rid].position}. {numbers[rid].text}" if rid in numbers else str(rid), v.label, v.note]
                 for rid, v in plan.verdicts.items()]
        story += [_heading("Voortgangsreview"),
                       _table(rows, [70 * mm, 28 * mm, CONTENT_WIDTH - 98 * mm])]
    story.append(PageBreak())
    return story


def _reaction(export: EvaluationExport) -> list[Flowable]:
    story: list[Flowable] = [_heading("Bestuurlijke reactie van de gemeente", "H1")]
    story += _paragraphs(export.report.reaction)
    if export.reaction_at is not None:
        story.append(_p(_text(f"Gegeven op {format_date(export.reaction_at)}."), "Small"))
    story.append(PageBreak())
    return story


def _count_words(number: int) -> str:
    words = ("nul", "één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf", "twaalf")
    return words[number] if number < len(words) else str(number)


def _appendix(export: EvaluationExport) -> list[Flowable]:
    report, questionnaire = export.report, export.questionnaire
    scale = questionnaire.scale
    story: list[Flowable] = [_heading("Bijlage: methode en schaal", "H1")]
    method = (
        f"De gemeente vulde een vragenlijst in over de {_count_words(len(report.themes))} knelpunten van de regie "
        "op integrale veiligheid en over het profiel van de veiligheidscoördinator: eerst ieder voor zich, "
        "daarna samen één gezamenlijk antwoord per vraag. Een peer team van bestuurders en ambtenaren uit andere "
        "gemeenten las de zelfevaluatie, voerde gesprekken, deed waarnemingen en gaf per thema een eigen score, "
        "eerst ieder teamlid alleen en daarna als team, met een motivering en aanbevelingen.\n\n"
        "De zelfscore per thema is het gewogen gemiddelde van de gezamenlijke antwoorden, op één decimaal "
        "afgerond; ‘weet niet / niet van toepassing’ telt niet mee. De score van het peer team is een heel niveau. "
        "Het verschil is zelfscore min peer team: positief betekent dat de gemeente zichzelf hoger inschatte dan "
        "het peer team (overschatting), negatief lager (onderschatting). Vanaf één punt noemen we het verschil "
        "opvallend.\n\n"
        "Willen, kennen en kunnen groeperen de thema's naar wat er nodig is: prioriteit en belang, competenties "
        "en expertise, of middelen en condities. De thema's die grotendeels buiten de gemeente liggen, zijn ook "
        "signalen voor de regio en het Rijk.\n\n"
        f"Een vergelijking met andere gemeenten gebruikt alleen scores van peer teams uit gepubliceerde rapporten, "
        f"toont alleen de mediaan en de middelste helft en verschijnt pas bij minstens {report.min_group} andere "
        "gemeenten, zodat geen score tot één gemeente te herleiden is.\n\n"
        "Aantekeningen van gesprekken en waarnemingen staan alleen in dit rapport als het peer team ze citeerbaar "
        "maakte.")
    story += _paragraphs(method)
    rows: list[list[object]] = [["Niveau", "Naam", "Betekenis"]]
    rows += [[str(level.value), level.label, level.description] for level in scale.levels]
    rows.append(["—", scale.unknown_label, scale.unknown_description])
    story += [_heading("De schaal"), _table(rows, [16 * mm, 40 * mm, CONTENT_WIDTH - 56 * mm], numeric=(0,))]
    rows = [["Nr.", "Thema", "Hefboom", "Buiten de gemeente"]]
    rows += [[str(s.number), s.title, s.lever.label if s.lever else "—", "ja" if s.external else "nee"]
             for s in questionnaire.sections if s.lever is not None or not s.is_profile]
    if questionnaire.profile_section is not None:
        profile = questionnaire.profile_section
        rows.append([str(profile.number), f"{profile.title}: " + "; ".join(e.title for e in profile.elements),
                     "—", "nee"])
    story += [_heading("De thema's"), _table(rows, [12 * mm, CONTENT_WIDTH - 72 * mm, 28 * mm, 32 * mm],
                                                  numeric=(0,))]
    story += [_heading("Het peer team"),
                   *([Paragraph(_text(m.description), _styles()["Item"], bulletText="•") for m in export.team]
                     or [_p("—")])]
    story.append(_p(_text(f"Vragenlijst: {questionnaire.title}, versie {questionnaire.version}."), "Small"))
    return story
