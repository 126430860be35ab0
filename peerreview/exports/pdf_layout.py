"""The PDF report's look: its font, colours and paragraph styles, user text and tables as flowables, and the A4
document with a bookmark per chapter, the running header and "Pagina n van m"."""

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
    Table,
    TableStyle,
)

from ..domain.results import ItemResult
from ..templating import format_datetime, format_number, format_signed
from .services import EvaluationExport

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


def paragraphs(value: str, style: str = "Body") -> list[Paragraph]:
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


def flat(value: str) -> str:
    """A text on one line (for a summary): its whitespace, line breaks included, as single spaces."""
    return " ".join(_CONTROL.sub(" ", value).split())


def _p(markup: str, style: str = "Body") -> Paragraph:
    return Paragraph(markup, _styles()[style])


def _score(value: Decimal | int | None) -> str:
    return format_number(value if value is None or isinstance(value, int) else Decimal(value))


def short_date(value: date) -> str:
    """A date in a narrow table column: 20-11-2026."""
    return f"{value.day}-{value.month}-{value.year}"


def item_gap(item: ItemResult) -> str:
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
        return [Paragraph(_text(line) or "&nbsp;", styles[style]) for line in lines]  # one per line: see paragraphs

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


def bind_headings(story: Sequence[Flowable]) -> list[Flowable]:
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


class Document(BaseDocTemplate):
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


def canvas_maker(export: EvaluationExport) -> type[canvas.Canvas]:
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
