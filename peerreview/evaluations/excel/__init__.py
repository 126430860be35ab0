"""Excel round trip of a self-evaluation: download the questionnaire with the current answers as a workbook,
fill it in offline (alone or passed around the office), upload it again.

Pure code: openpyxl in, bytes out and back; no Flask, no database. The web layer decides whose answers go in,
shows the :class:`Upload` as a preview and saves it.

The workbook (Dutch throughout):

* ``Toelichting``: for whom and when it was downloaded, and how to fill it in.
* one sheet per section (:func:`sheet_title`): a frozen header row, then one row per question with the question's
  id (read back), number, text, guidance, what each level means *for this question*, and the input columns
  Antwoord (a dropdown), Toelichting, Bewijs and Links (one per line). A profile section has a heading row per
  element. Below the questions: Sterke punten and Verbeterpunten for the section.
* ``Keuzelijst`` (hidden): the dropdown's entries, so that labels with commas need no quoting.
* ``_peerreview`` (veryHidden): format version, evaluation, questionnaire version and hash, for whom and when.

Reading treats every file as hostile. Before openpyxl sees it, the zip is checked for its size, the number of
entries, the total unpacked size and the compression ratio (zip bombs), and its XML is streamed once through a
defused parser (no DTD entities) to count cells and the area of merged ranges and range hyperlinks: openpyxl
creates a cell object for every cell of those, so ``<mergeCell ref="A1:XFD1048576"/>`` in a 300-byte file would
otherwise exhaust the memory. Everything that is wrong is collected as an :class:`UploadProblem` in Dutch, with the
sheet and cell, and raised at once as :class:`UploadRejected`; nothing is partially imported.

Formula injection: every text written goes in as a string cell (``data_type 's'``), also when it starts with
``=``, ``+``, ``-`` or ``@``; such cells also get Excel's quote prefix, so that editing the cell keeps it text.
On reading, a formula in any cell that is read is refused: the value must be typed in.

The package: :mod:`.layout` holds what both directions share (the values, sheet names, headers and columns),
:mod:`.writing` builds the workbook and :mod:`.contents` reads its sheets. This module reads the file: the size,
zip and XML checks before openpyxl sees it, then the workbook handed to the contents reader.
"""

from __future__ import annotations

import io
import logging
import warnings
import zipfile
from xml.sax import SAXException
from xml.sax.handler import ContentHandler

from defusedxml.expatreader import DefusedExpatParser
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from ...domain.questionnaire import Questionnaire
from .contents import FORMULA_MESSAGE, MAX_PROBLEMS, NOT_OURS, Reader, cell_text
from .layout import (
    CHOICES_SHEET,
    FIXED_HEADERS,
    FORMAT_VERSION,
    ID_HEADER,
    IMPROVEMENTS_LABEL,
    INPUT_HEADERS,
    INTRO_SHEET,
    META_SHEET,
    NOTE_COLUMN,
    STRENGTHS_LABEL,
    ExportMeta,
    Upload,
    UploadProblem,
    UploadRejected,
    _whole,
    choice_text,
    choices,
    headers,
    sheet_title,
)
from .writing import AMSTERDAM, LINE_HEIGHT, MAX_ROW_HEIGHT, MONTHS, WIDTHS, build_workbook, format_datetime

__all__ = [
    "AMSTERDAM", "CHOICES_SHEET", "DAMAGED", "FIXED_HEADERS", "FORMAT_VERSION", "FORMULA_MESSAGE", "ID_HEADER",
    "IMPROVEMENTS_LABEL", "INPUT_HEADERS", "INTRO_SHEET", "LINE_HEIGHT", "MAX_CELLS", "MAX_ELEMENTS", "MAX_ENTRIES",
    "MAX_PROBLEMS", "MAX_RANGE_CELLS", "MAX_RATIO", "MAX_ROW_HEIGHT", "MAX_UNPACKED_BYTES", "MAX_UPLOAD_BYTES",
    "META_SHEET", "MONTHS", "NOTE_COLUMN", "NOT_OURS", "NOT_XLSX", "RATIO_FROM", "STRENGTHS_LABEL", "UPLOAD_OURS",
    "WIDTHS", "ExportMeta", "Upload", "UploadProblem", "UploadRejected", "build_workbook", "cell_text",
    "choice_text", "choices", "format_datetime", "headers", "read_workbook", "sheet_title",
]

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # all entries of the zip together, as the zip declares them
MAX_ENTRIES = 1000
MAX_RATIO = 100  # unpacked / packed, checked for entries above RATIO_FROM bytes unpacked
RATIO_FROM = 1024 * 1024
MAX_CELLS = 100_000  # a filled-in workbook has a few thousand; bounds openpyxl's memory
MAX_ELEMENTS = 300_000  # XML elements in all parts together (about 15,000 in a workbook); bounds the parsing time
MAX_RANGE_CELLS = 100_000  # cells covered by merged ranges and range hyperlinks (openpyxl creates each one)

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# --------------------------------------------------------------------------------------------------------------
# Reading: the file


UPLOAD_OURS = ("Upload de werkmap die u op de pagina van de zelfevaluatie hebt gedownload, opgeslagen als "
               "Excel-werkmap (.xlsx).")
NOT_XLSX = f"Dit is geen Excel-bestand (.xlsx). {UPLOAD_OURS}"
DAMAGED = ("Het bestand is beschadigd of geen gewone Excel-werkmap (.xlsx) en kan niet worden gelezen. Open het in "
           "Excel, sla het opnieuw op als Excel-werkmap (.xlsx) en upload het nog eens.")


def read_workbook(data: bytes, questionnaire: Questionnaire, *, evaluation_id: int) -> Upload:
    """The answers and notes in an uploaded workbook. Raises :class:`UploadRejected` with every problem found."""
    _check_archive(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions; they do not matter here
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=False, data_only=False, keep_links=False,
                                     keep_vba=False, rich_text=False)
        except Exception:
            raise _whole(DAMAGED) from None
        try:
            return Reader(workbook, questionnaire, evaluation_id).read()
        except UploadRejected:
            raise
        except Exception:
            logger.exception("unexpected error reading an uploaded workbook")
            raise _whole(DAMAGED) from None


def _check_archive(data: bytes) -> None:
    if not data:
        raise _whole("Het bestand is leeg. Kies de ingevulde Excel-werkmap (.xlsx) en upload die opnieuw.")
    if len(data) > MAX_UPLOAD_BYTES:
        size = f"{len(data) / 1024 / 1024:.1f}".replace(".", ",")
        raise _whole(f"Het bestand is te groot ({size} MB); het mag hoogstens {MAX_UPLOAD_BYTES // (1024 * 1024)} MB "
                     "zijn. Upload de werkmap zoals u die hebt gedownload, zonder plaatjes of extra bladen.")
    if data.startswith(_OLE_SIGNATURE):
        raise _whole("Dit is een ouder Excel-bestand (.xls) of een bestand met een wachtwoord. Open het in Excel, "
                     "kies Opslaan als › Excel-werkmap (.xlsx) zonder wachtwoord en upload het opnieuw.")
    if not data.startswith(b"PK"):
        raise _whole(NOT_XLSX)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            _check_entries(infos)
            names = {info.filename for info in infos}
            if "xl/workbook.xml" not in names:
                raise _whole(_other_document(names))
            _scan_xml(archive, infos)
    except UploadRejected:
        raise
    except Exception:
        raise _whole(NOT_XLSX if not zipfile.is_zipfile(io.BytesIO(data)) else DAMAGED) from None


def _check_entries(infos: list[zipfile.ZipInfo]) -> None:
    bomb = ("Het bestand is geen gewone Excel-werkmap: uitgepakt zou het {what}. Upload de werkmap zoals u die "
            "hebt gedownload.")
    if len(infos) > MAX_ENTRIES:
        raise _whole(bomb.format(what=f"uit meer dan {MAX_ENTRIES} delen bestaan"))
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise _whole(bomb.format(what=f"groter worden dan {MAX_UNPACKED_BYTES // (1024 * 1024)} MB"))
    for info in infos:
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _whole(bomb.format(what=f"meer dan {MAX_RATIO} keer zo groot worden"))
        if info.flag_bits & 0x1:
            raise _whole("Het bestand is met een wachtwoord versleuteld. Sla het op zonder wachtwoord en upload "
                         "het opnieuw.")


def _other_document(names: set[str]) -> str:
    if "word/document.xml" in names:
        kind = "een Word-document"
    elif "ppt/presentation.xml" in names:
        kind = "een PowerPoint-presentatie"
    elif "mimetype" in names and "content.xml" in names:
        return ("Dit is een OpenDocument-bestand (bijvoorbeeld .ods). Sla het op als Excel-werkmap (.xlsx) en "
                "upload het opnieuw.")
    else:
        return NOT_XLSX
    return f"Dit is {kind}, geen Excel-bestand (.xlsx). {UPLOAD_OURS}"


class _TooMuch(Exception):
    pass


class _Counter(ContentHandler):
    """Counts elements, cells and the cells covered by merged ranges and range hyperlinks (openpyxl creates a cell
    object for each of those)."""

    def __init__(self) -> None:
        super().__init__()
        self.elements = 0
        self.cells = 0
        self.covered = 0

    def startElementNS(self, name, qname, attrs):
        self.elements += 1
        if self.elements > MAX_ELEMENTS:
            raise _TooMuch
        local = name[1]
        if local == "c":
            self.cells += 1
            if self.cells > MAX_CELLS:
                raise _TooMuch
        elif local in ("mergeCell", "hyperlink"):
            ref = attrs.get((None, "ref"))
            if ref is not None and (local == "mergeCell" or ":" in ref):
                self.covered += _area(ref)
                if self.covered > MAX_RANGE_CELLS:
                    raise _TooMuch


def _area(ref: str) -> int:
    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
    except Exception:
        return MAX_RANGE_CELLS + 1
    min_col, min_row = min_col or 1, min_row or 1
    max_col, max_row = max_col or 16384, max_row or 1048576
    return max(max_col - min_col + 1, 1) * max(max_row - min_row + 1, 1)


def _scan_xml(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Stream every part through a defused parser with the same settings as openpyxl's (entities forbidden) and
    refuse a workbook with more elements or cells, or larger merged ranges, than a filled-in workbook can have.
    A part that does not parse is left to openpyxl, which parses it the same way and then refuses the file."""
    counter = _Counter()
    for info in infos:
        if info.is_dir():
            continue
        parser = DefusedExpatParser(namespaceHandling=1)  # as openpyxl's defused iterparse: no entities
        parser.setContentHandler(counter)
        with archive.open(info) as stream:  # a damaged entry raises here (BadZipFile, zlib.error): refused
            try:
                while chunk := stream.read(1 << 16):
                    parser.feed(chunk)
                parser.close()
            except _TooMuch:
                raise _whole("Het bestand is geen gewone Excel-werkmap: het heeft veel meer cellen dan deze "
                             "vragenlijst nodig heeft. Upload de werkmap zoals u die hebt gedownload.") from None
            except (SAXException, ValueError, LookupError):  # not XML, or XML openpyxl refuses too
                continue
