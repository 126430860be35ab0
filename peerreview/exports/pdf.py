"""The report as a tagged PDF (PDF/UA-1) that a gemeente may publish: WeasyPrint renders the report document
(:mod:`.document`, the same template as the printable page) with the print stylesheet.

Why WeasyPrint: reportlab's open-source edition writes no structure tree, so its PDF is not accessible (the Besluit
digitale toegankelijkheid overheid applies to what a gemeente publishes). WeasyPrint writes one from the HTML
(``pdf_variant="pdf/ua-1"``): headings, lists, tables with header cells tied to their data cells, figures with the
``alt`` of their image, the document language from ``<html lang>``, the ``<title>`` as the window title, bookmarks
from the headings and the fonts embedded. reportlab still draws the charts, as SVG (:mod:`.drawings`).

One thing WeasyPrint 70 leaves undone: the text of the running header and footer (CSS ``@page`` margin boxes) is
marked as content that no structure element holds, where PDF/UA wants it marked as an artifact (pagination, not
part of the text a screen reader reads). :func:`_margins_as_artifacts` rewrites those marks with pikepdf."""

from __future__ import annotations

import functools
import hashlib
import io
import os
import re
import tempfile
from pathlib import Path

import pikepdf
from flask import current_app
from weasyprint import CSS, HTML
from weasyprint import __version__ as weasyprint_version
from weasyprint.text.fonts import FontConfiguration

from ..templating import format_date
from .document import STYLESHEET, render, report_document
from .services import EvaluationExport

PDF_VARIANT = "pdf/ua-1"


@functools.cache
def _fonts() -> FontConfiguration:
    return FontConfiguration()


@functools.cache
def _stylesheet(path: str) -> CSS:
    return CSS(filename=path, font_config=_fonts())


def css_string(text: str) -> str:
    """``text`` as a CSS string literal: quotes, backslashes, line breaks and ``<`` escaped."""
    escaped = "".join(c if c.isprintable() and c not in "\"\\<" else f"\\{ord(c):x} " for c in text)
    return f'"{escaped}"'


def _running_css(export: EvaluationExport) -> str:
    """The running header (the gemeente left, round and region right) and footer (when made, "Pagina n van m") on
    every page but the title page."""
    report = export.report
    concept = "CONCEPT · " if export.is_concept else ""
    left = css_string(f"{concept}Collegiale toets · {report.municipality} ({report.cbs_code})")
    right = css_string(f"{report.round_name} · {report.region}")
    made = css_string(f"Gemaakt op {format_date(export.generated_at)} met peerreview")
    return f"""
@page {{
  @top-left {{ content: {left}; font: 7.5pt "DejaVu Sans"; color: #595959; vertical-align: bottom;
               border-bottom: 0.5pt solid #c8c8c8; padding-bottom: 1.5mm; width: 50%; }}
  @top-right {{ content: {right}; font: 7.5pt "DejaVu Sans"; color: #595959; vertical-align: bottom;
                border-bottom: 0.5pt solid #c8c8c8; padding-bottom: 1.5mm; text-align: right; width: 50%; }}
  @bottom-left {{ content: {made}; font: 7.5pt "DejaVu Sans"; color: #595959; }}
  @bottom-right {{ content: "Pagina " counter(page) " van " counter(pages); font: 7.5pt "DejaVu Sans";
                   color: #595959; }}
}}
@page :first {{
  @top-left {{ content: none; border: none; }} @top-right {{ content: none; border: none; }}
  @bottom-left {{ content: none; }} @bottom-right {{ content: none; }}
}}"""


def report_pdf(export: EvaluationExport) -> bytes:
    """The PDF of the report as ``export`` holds it. Laying out a report takes WeasyPrint one to three seconds, so
    the file is kept (:func:`_stored`) under the fingerprint of everything it is made from: the document's HTML,
    the running header and footer, the stylesheet and the engine. The same report downloaded again is read from
    disk; a report that changed in any way has another fingerprint, so a kept file can never be stale."""
    html = render(report_document(export))
    running = _running_css(export)
    stylesheet = str(Path(current_app.static_folder or "") / STYLESHEET)
    key = _fingerprint(html, running, stylesheet)
    kept = _stored(key)
    if kept is not None:
        return kept
    document = HTML(string=html, base_url=str(Path(current_app.static_folder or ".")))
    content = document.write_pdf(stylesheets=[_stylesheet(stylesheet), CSS(string=running, font_config=_fonts())],
                                 font_config=_fonts(), pdf_variant=PDF_VARIANT, uncompressed_pdf=False)
    content = _margins_as_artifacts(content)
    _store(key, content)
    return content


# ---------------------------------------------------------------- kept files, by fingerprint

#: Raise when the PDF's post-processing changes (it is part of what a kept file was made by).
_FORMAT = "2"
#: Kept files beyond this number go, oldest first (about 100 kB each).
KEEP_FILES = 2000


def _fingerprint(html: str, running: str, stylesheet: str) -> str:
    digest = hashlib.sha256()
    for part in (_FORMAT, weasyprint_version, PDF_VARIANT, html, running, Path(stylesheet).read_text("utf-8")):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()


def _folder() -> Path | None:
    """Where PDFs are kept (``REPORT_PDF_CACHE``, default the instance folder's ``report-pdfs``); ``None``: off."""
    configured = current_app.config.get("REPORT_PDF_CACHE", "default")
    if not configured:
        return None
    return Path(current_app.instance_path) / "report-pdfs" if configured == "default" else Path(configured)


def _stored(key: str) -> bytes | None:
    folder = _folder()
    if folder is None:
        return None
    try:
        return (folder / f"{key}.pdf").read_bytes()
    except OSError:
        return None


def _store(key: str, content: bytes) -> None:
    """Written to a temporary file and renamed, so another worker never reads half a file; a disk that refuses
    (full, read-only) only costs the next download the time to build it again."""
    folder = _folder()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".part", delete=False) as handle:
            handle.write(content)
        os.replace(handle.name, folder / f"{key}.pdf")
        kept = sorted(folder.glob("*.pdf"), key=lambda path: path.stat().st_mtime)
        for old in kept[:-KEEP_FILES] if len(kept) > KEEP_FILES else ():
            old.unlink(missing_ok=True)
    except OSError:
        current_app.logger.warning("Could not keep a report PDF in %s", folder, exc_info=True)


# ---------------------------------------------------------------- the running header and footer as artifacts


def _tree_elements(root: pikepdf.Dictionary) -> set[tuple[int, int]]:
    """The object ids of every structure element reachable from the structure tree's root."""
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
            continue
        if not isinstance(node, pikepdf.Dictionary) or node.get("/Type") in ("/MCR", "/OBJR"):
            continue
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        kids = node.get("/K")
        if kids is not None:
            stack.append(kids)
    return seen


_MARKED = re.compile(rb"/[A-Za-z]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
_ARTIFACT = b"/Artifact <</Type /Pagination>> BDC"


def _artifact_if(orphans: set[int], match: re.Match[bytes]) -> bytes:
    return _ARTIFACT if int(match.group(1)) in orphans else match.group(0)


def _margins_as_artifacts(content: bytes) -> bytes:
    """Every marked-content sequence whose structure element is outside the tree (WeasyPrint's margin boxes)
    becomes ``/Artifact <</Type /Pagination>>`` and leaves the parent tree. The page's content is rewritten as
    bytes (the marks WeasyPrint writes are ``/Span <</MCID 3>> BDC``): parsing every operator costs ten times as
    much."""
    with pikepdf.open(io.BytesIO(content)) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return content
        in_tree = _tree_elements(root)
        parent_tree = root.ParentTree.Nums
        null = pikepdf.Object.parse(b"null")
        for index in range(0, len(parent_tree), 2):
            page_number = int(parent_tree[index])
            elements = parent_tree[index + 1]
            if page_number >= len(pdf.pages) or not isinstance(elements, pikepdf.Array):
                continue  # an annotation's entry
            orphans = {mcid for mcid, element in enumerate(elements)
                       if isinstance(element, pikepdf.Dictionary) and element.objgen not in in_tree}
            if not orphans:
                continue
            page = pdf.pages[page_number]
            streams = page.Contents if isinstance(page.Contents, pikepdf.Array) else [page.Contents]
            for stream in streams:
                data = stream.read_bytes()
                rewritten = _MARKED.sub(functools.partial(_artifact_if, orphans), data)
                if rewritten != data:
                    stream.write(rewritten)
            for mcid in orphans:
                elements[mcid] = null
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()
