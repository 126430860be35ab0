"""The Excel round trip: the workbook as written, a filled-in workbook read back, and every hostile file refused
with a Dutch message that names the sheet and cell. Pure: no app, no database."""

from __future__ import annotations

import io
import random
import re
import time
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.formula import ArrayFormula

from peerreview.domain.evaluations import MAX_EXPLANATION, MAX_NOTE, AnswerData, SectionNoteData
from peerreview.domain.questionnaire import Section, SectionKind
from peerreview.evaluations import excel
from peerreview.evaluations.excel import (
    MAX_UPLOAD_BYTES,
    ExportMeta,
    Upload,
    UploadProblem,
    UploadRejected,
    build_workbook,
    read_workbook,
    sheet_title,
)
from peerreview.questionnaire_loader import load_file

TESTS = Path(__file__).resolve().parents[1]
MINIMAL = load_file(TESTS / "fixtures" / "questionnaires" / "minimal" / "1.yaml")
INSTRUMENT = load_file(TESTS.parent / "questionnaires" / "regie-integrale-veiligheid" / "2026.1.yaml")
META = ExportMeta(evaluation_id=42, municipality="Zuidwolde", round_name="Collegiale toets 2026", user_id=7,
                  user_name="Anna de Vries", exported_at=datetime(2026, 3, 12, 13, 5, tzinfo=UTC))
UNKNOWN = MINIMAL.scale.unknown_label  # "Weet niet / niet van toepassing"

# The minimal questionnaire's layout (scale 0..4: five level columns E..I, then the inputs J..M).
ANALYSE, KETEN, PROFIEL = "1 Analyse", "2 Keten", "3 Profiel"
ANSWER, EXPLANATION, EVIDENCE, LINKS, NOTE = "J", "K", "L", "M", "C"
STRENGTHS_ROW, IMPROVEMENTS_ROW = 5, 6  # on "1 Analyse": questions in rows 2 and 3, a blank row, then the notes


def build(questionnaire=MINIMAL, answers=None, notes=None, meta=META) -> bytes:
    return build_workbook(questionnaire, answers=answers or {}, notes=notes or {}, meta=meta)


def reopen(data: bytes, tmp_path: Path | None = None) -> Workbook:
    if tmp_path is not None:
        path = tmp_path / "zelfevaluatie.xlsx"
        path.write_bytes(data)
        return load_workbook(path)
    return load_workbook(io.BytesIO(data))


def edit(data: bytes, change: Callable[[Workbook], object]) -> bytes:
    """Change the workbook the way a user (or an attacker) with a spreadsheet program could."""
    workbook = load_workbook(io.BytesIO(data))
    change(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def fill(sheet: str, values: dict[str, object]) -> Callable[[Workbook], None]:
    def change(workbook: Workbook) -> None:
        for coordinate, value in values.items():
            workbook[sheet][coordinate] = value
    return change


def rejected(data: bytes, questionnaire=MINIMAL, evaluation_id: int = 42) -> list[UploadProblem]:
    with pytest.raises(UploadRejected) as caught:
        read_workbook(data, questionnaire, evaluation_id=evaluation_id)
    assert caught.value.problems
    assert str(caught.value)  # the exception's text lists them
    return caught.value.problems


def only(problems: list[UploadProblem]) -> UploadProblem:
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def read(data: bytes, questionnaire=MINIMAL) -> Upload:
    return read_workbook(data, questionnaire, evaluation_id=42)


def repack(data: bytes, replace_members: dict[str, bytes], *, stored: bool = False) -> bytes:
    """The same zip with some members replaced (or added)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in replace_members:
                target.writestr(info.filename, source.read(info.filename))
        for name, content in replace_members.items():
            target.writestr(name, content, compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def sheet_xml(data: bytes, title: str) -> tuple[str, bytes]:
    """The zip member holding the sheet ``title``, and its XML."""
    index = reopen(data).sheetnames.index(title) + 1
    name = f"xl/worksheets/sheet{index}.xml"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return name, archive.read(name)


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def empty() -> bytes:
    return build()


# --------------------------------------------------------------------------------------------------------------
# The workbook as written


def test_sheets_in_order_with_the_helpers_hidden(empty, tmp_path):
    workbook = reopen(empty, tmp_path)
    assert workbook.sheetnames == ["Toelichting", ANALYSE, KETEN, PROFIEL, "Keuzelijst", "_peerreview"]
    states = {sheet.title: sheet.sheet_state for sheet in workbook.worksheets}
    assert states == {"Toelichting": "visible", ANALYSE: "visible", KETEN: "visible", PROFIEL: "visible",
                      "Keuzelijst": "hidden", "_peerreview": "veryHidden"}
    assert workbook.active.title == "Toelichting"


def test_intro_sheet_says_for_whom_and_how(empty):
    texts = "\n".join(str(cell.value) for row in reopen(empty)["Toelichting"].iter_rows() for cell in row
                      if cell.value is not None)
    assert "Zuidwolde" in texts and "Collegiale toets 2026" in texts and "Anna de Vries" in texts
    assert "Kleine testvragenlijst (versie 1)" in texts
    assert "12 maart 2026 om 14:05" in texts  # 13:05 UTC is 14:05 in Amsterdam in March
    for phrase in ("keuzelijst", "één link per regel", "Verander de indeling niet", "upload", "voorbeeld", UNKNOWN,
                   "0 – Niets", "Het is deels geregeld."):
        assert phrase in texts


def test_meta_sheet_ties_the_file_to_evaluation_and_questionnaire(empty):
    sheet = reopen(empty)["_peerreview"]
    assert sheet.sheet_state == "veryHidden"
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}
    assert values == {
        "format_version": 1, "evaluation_id": 42, "questionnaire_key": "minimal", "questionnaire_version": "1",
        "content_hash": MINIMAL.content_hash, "user_id": 7, "user_name": "Anna de Vries",
        "exported_at": "2026-03-12T13:05:00+00:00", "municipality": "Zuidwolde",
        "round_name": "Collegiale toets 2026"}


def test_section_sheet_header_questions_and_notes(empty):
    sheet = reopen(empty)[ANALYSE]
    assert [cell.value for cell in sheet[1]] == [
        "Vraag-id", "Nr.", "Vraag", "Waar denkt u aan?", "0 – Niets", "1 – Weinig", "2 – Deels", "3 – Veel",
        "4 – Alles", "Antwoord", "Toelichting", "Bewijs", "Links"]
    assert sheet.freeze_panes == "D2"
    assert [sheet.cell(row=row, column=1).value for row in range(2, 7)] == [
        "analyse.cijfers", "analyse.gebruik", None, "Sterke punten", "Verbeterpunten"]
    assert sheet["B3"].value == "1.2" and sheet["C3"].value == "Worden de cijfers gebruikt?"
    assert sheet["D3"].value == "Denk aan de keuzes in het plan."
    assert sheet.column_dimensions["C"].width >= 40 and sheet.column_dimensions["K"].width >= 40
    assert sheet.row_dimensions[2].height >= 30  # room for wrapped text
    assert sheet["K2"].alignment.wrap_text


def test_each_question_shows_what_each_level_means_for_it(empty):
    workbook = reopen(empty)
    for section in MINIMAL.sections:
        sheet = workbook[sheet_title(section)]
        rows = {sheet.cell(row=row, column=1).value: row for row in range(2, sheet.max_row + 1)}
        for question in section.questions:
            shown = [sheet.cell(row=rows[question.id], column=column).value for column in range(5, 10)]
            assert shown == [level.text for level in MINIMAL.scale.describe(question)]
    sheet = workbook[ANALYSE]
    assert sheet["E2"].value == "Geen cijfers."  # described for this question
    assert sheet["F2"].value == "Er is weinig geregeld."  # the scale's general meaning
    assert sheet["F2"].font.italic and not sheet["E2"].font.italic


def test_profile_sheet_has_a_heading_row_per_element(empty):
    sheet = reopen(empty)[PROFIEL]
    assert [sheet.cell(row=row, column=1).value for row in range(2, 7)] == [
        None, "profiel.netwerk.partners", None, "profiel.bestuur.toegang", "profiel.bestuur.druk"]
    assert sheet["C2"].value == "3.1 Netwerk — Een goed netwerk."
    assert sheet["C4"].value.startswith("3.2 Korte lijn naar het bestuur")
    assert {str(merged) for merged in sheet.merged_cells.ranges} == {"C2:M2", "C4:M4"}
    assert sheet["B5"].value == "3.2.1"


def test_answer_column_has_a_dropdown_from_the_hidden_list(empty):
    workbook = reopen(empty)
    assert [row[0] for row in workbook["Keuzelijst"].iter_rows(values_only=True)] == [
        "0 – Niets", "1 – Weinig", "2 – Deels", "3 – Veel", "4 – Alles", UNKNOWN]
    for title, rows in ((ANALYSE, [2, 3]), (KETEN, [2, 3]), (PROFIEL, [3, 5, 6])):
        validations = workbook[title].data_validations.dataValidation
        assert len(validations) == 1
        validation = validations[0]
        assert validation.type == "list"
        assert validation.formula1 == "'Keuzelijst'!$A$1:$A$6"
        assert validation.showErrorMessage and validation.errorStyle == "stop"
        assert "keuzelijst" in validation.error and UNKNOWN in validation.error
        covered = {cell for cell_range in validation.sqref.ranges for cell in cell_range.cells}
        assert covered == {(row, 10) for row in rows}


def test_every_sheet_protected_and_only_the_input_cells_unlocked(empty):
    workbook = reopen(empty)
    assert workbook.security.lockStructure
    assert all(sheet.protection.sheet for sheet in workbook.worksheets)
    sheet = workbook[ANALYSE]
    for coordinate in ("J2", "K2", "L2", "M2", "J3", "M3", f"C{STRENGTHS_ROW}", f"C{IMPROVEMENTS_ROW}"):
        assert not sheet[coordinate].protection.locked, coordinate
    for coordinate in ("A1", "J1", "A2", "B2", "C2", "D2", "E2", "I2", "A5", "B5", "D5", "A7"):
        assert sheet[coordinate].protection.locked, coordinate
    profile = workbook[PROFIEL]
    assert profile["C2"].protection.locked and not profile["J3"].protection.locked


def test_existing_answers_and_notes_are_filled_in():
    data = build(answers={
        "analyse.cijfers": AnswerData(3, False, "Goed op orde.", "Rapport 2025", ("https://a.nl", "https://b.nl")),
        "analyse.gebruik": AnswerData(None, True),
        "profiel.bestuur.druk": AnswerData(0),
    }, notes={"analyse": SectionNoteData("Sterk", "Beter")})
    workbook = reopen(data)
    sheet = workbook[ANALYSE]
    assert [sheet[f"{column}2"].value for column in "JKLM"] == [
        "3 – Veel", "Goed op orde.", "Rapport 2025", "https://a.nl\nhttps://b.nl"]
    assert sheet["J3"].value == UNKNOWN and sheet["K3"].value is None
    assert sheet[f"C{STRENGTHS_ROW}"].value == "Sterk" and sheet[f"C{IMPROVEMENTS_ROW}"].value == "Beter"
    assert workbook[PROFIEL]["J6"].value == "0 – Niets"


HOSTILE = ["=HYPERLINK(\"https://kwaad.example\",\"klik\")", "+31 6 12345678", "-5 punten", "@SUM(A1:A2)",
           "=cmd|' /C calc'!A0", "#N/A", "=1+1"]


def test_hostile_text_is_written_as_text_and_comes_back_exactly(tmp_path):
    answers = {"analyse.cijfers": AnswerData(2, False, HOSTILE[0], HOSTILE[1]),
               "analyse.gebruik": AnswerData(None, False, HOSTILE[2], HOSTILE[3]),
               "keten.capaciteit": AnswerData(None, False, HOSTILE[5], "")}
    notes = {"analyse": SectionNoteData(HOSTILE[6], HOSTILE[4])}
    meta = replace(META, user_name=HOSTILE[4], municipality="@Zuidwolde", round_name="\tRonde")
    data = build(answers=answers, notes=notes, meta=meta)

    workbook = reopen(data, tmp_path)
    sheet = workbook[ANALYSE]
    for coordinate, text in (("K2", HOSTILE[0]), ("L2", HOSTILE[1]), ("K3", HOSTILE[2]), ("L3", HOSTILE[3]),
                             (f"C{STRENGTHS_ROW}", HOSTILE[6]), (f"C{IMPROVEMENTS_ROW}", HOSTILE[4])):
        assert sheet[coordinate].value == text and sheet[coordinate].data_type == "s", coordinate
        assert sheet[coordinate].quotePrefix, coordinate  # editing the cell in Excel keeps it text
    assert workbook[KETEN]["K2"].value == "#N/A" and workbook[KETEN]["K2"].data_type == "s"
    assert workbook["_peerreview"]["B7"].value == HOSTILE[4] and workbook["_peerreview"]["B7"].data_type == "s"
    for each in workbook.worksheets:
        for row in each.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (each.title, cell.coordinate)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<(\w+:)?f[ >]", archive.read(name)), name

    upload = read(data)
    assert upload.answers["analyse.cijfers"] == answers["analyse.cijfers"]
    assert upload.answers["analyse.gebruik"] == answers["analyse.gebruik"]
    assert upload.answers["keten.capaciteit"] == answers["keten.capaciteit"]
    assert upload.notes["analyse"] == notes["analyse"]
    assert upload.exported_for_user_name == HOSTILE[4]


def test_control_characters_that_xlsx_cannot_hold_are_left_out():
    data = build(answers={"analyse.cijfers": AnswerData(None, False, "a\x01b\x0bc\td")})
    assert read(data).answers["analyse.cijfers"].explanation == "abc\td"


def test_sheet_titles_fit_excel():
    section = Section("x", 12, SectionKind.KNELPUNT, "Wat [nu]: een *heel* lange titel? met/slash\\ erin",
                      "", None, False, ())
    title = sheet_title(section)
    assert len(title) <= 31 and not set(title) & set("[]:*?/\\")
    assert title == "12 Wat nu een heel lange…"
    titles = [sheet_title(section) for section in INSTRUMENT.sections]
    assert all(len(title) <= 31 for title in titles) and len(set(titles)) == len(titles)
    assert titles[0] == "1 Systematische aanpak"
    assert titles[2] == "3 Sturingsmogelijkheden en…"


# --------------------------------------------------------------------------------------------------------------
# Round trip


def test_filled_in_by_a_user_reads_back_exactly(tmp_path, empty):
    def as_a_user(workbook: Workbook) -> None:
        sheet = workbook[ANALYSE]
        sheet["J2"] = "2 – Deels"
        sheet["K2"] = "Cijfers van é ë ï € 😀 中文\r\nen een tweede regel  "
        sheet["L2"] = "Veiligheidsanalyse 2025"
        sheet["M2"] = "https://gemeente.example.nl/analyse\r\n\r\nhttps://politie.example.nl/cijfers"
        sheet["J3"] = UNKNOWN
        sheet[f"C{STRENGTHS_ROW}"] = "Goede cijfers"
        sheet[f"C{IMPROVEMENTS_ROW}"] = "Meer gebruiken"
        profile = workbook[PROFIEL]
        profile["J3"] = "4 – Alles"
        profile["J6"] = "0 – Niets"
        profile["C9"] = "Vaker escaleren"

    path = tmp_path / "ingevuld.xlsx"
    path.write_bytes(edit(empty, as_a_user))
    upload = read(path.read_bytes())

    expected = {question.id: AnswerData() for question in MINIMAL.questions}
    expected["analyse.cijfers"] = AnswerData(
        2, False, "Cijfers van é ë ï € 😀 中文\nen een tweede regel", "Veiligheidsanalyse 2025",
        ("https://gemeente.example.nl/analyse", "https://politie.example.nl/cijfers"))
    expected["analyse.gebruik"] = AnswerData(None, True)
    expected["profiel.netwerk.partners"] = AnswerData(4)
    expected["profiel.bestuur.druk"] = AnswerData(0)
    assert upload.answers == expected
    assert upload.notes == {"analyse": SectionNoteData("Goede cijfers", "Meer gebruiken"),
                            "keten": SectionNoteData(),
                            "profiel": SectionNoteData("", "Vaker escaleren")}
    assert upload.exported_for_user_id == 7
    assert upload.exported_for_user_name == "Anna de Vries"
    assert upload.exported_at == META.exported_at


def test_existing_answers_read_back_unchanged():
    answers = {"analyse.cijfers": AnswerData(3, False, "Uitleg\nover twee regels", "Bewijs", ("https://a.nl",)),
               "keten.signalen": AnswerData(None, True, "Geen zicht"),
               "profiel.bestuur.toegang": AnswerData(4)}
    notes = {"keten": SectionNoteData("Sterk", "Zwak")}
    upload = read(build(answers=answers, notes=notes))
    assert upload.answers == {question.id: answers.get(question.id, AnswerData()) for question in MINIMAL.questions}
    assert upload.notes == {section.id: notes.get(section.id, SectionNoteData()) for section in MINIMAL.sections}


def test_real_instrument_round_trip_skips_the_element_rows():
    profile = INSTRUMENT.profile_section
    assert profile is not None and len(INSTRUMENT.questions) == 57
    answers = {question.id: AnswerData(1 + index % 5, False, f"Toelichting {question.number}")
               for index, question in enumerate(INSTRUMENT.questions)}
    answers[profile.questions[-1].id] = AnswerData(None, True)
    notes = {section.id: SectionNoteData(f"Sterk {section.number}", "") for section in INSTRUMENT.sections}
    data = build(INSTRUMENT, answers=answers, notes=notes)

    sheet = reopen(data)[sheet_title(profile)]
    headings = [row for row in range(2, sheet.max_row + 1)
                if sheet.cell(row=row, column=1).value is None and sheet.cell(row=row, column=3).value]
    assert len(headings) == len(profile.elements) == 6
    assert [cell.value for cell in sheet[1]][4:10] == [
        "1 – Afwezig", "2 – Beginnend", "3 – In ontwikkeling", "4 – Grotendeels op orde",
        "5 – Voorbeeldig en geborgd", "Antwoord"]

    upload = read_workbook(data, INSTRUMENT, evaluation_id=42)
    assert upload.answers == answers
    assert upload.notes == notes


def test_an_untouched_workbook_reads_back_empty(empty):
    upload = read(empty)
    assert upload.answers == {question.id: AnswerData() for question in MINIMAL.questions}
    assert upload.notes == {section.id: SectionNoteData() for section in MINIMAL.sections}


# --------------------------------------------------------------------------------------------------------------
# Not an xlsx at all


def test_too_big_is_refused_naming_the_limit():
    problem = only(rejected(b"PK" + bytes(MAX_UPLOAD_BYTES)))
    assert problem.sheet is None and problem.cell is None
    assert "te groot" in problem.message and "5 MB" in problem.message


def test_empty_file():
    assert "leeg" in only(rejected(b"")).message


@pytest.mark.parametrize("data", [
    random.Random(1).randbytes(4000),
    b"Vraag-id;Antwoord\nanalyse.cijfers;3\n",
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
    b"PK\x03\x04 kapot",
], ids=["random", "csv", "pdf", "broken-zip-header"])
def test_not_a_zip_is_not_an_excel_file(data):
    assert "geen Excel-bestand (.xlsx)" in only(rejected(data)).message


def test_old_xls_is_asked_to_be_saved_as_xlsx():
    message = only(rejected(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000))).message
    assert ".xls" in message and "Excel-werkmap (.xlsx)" in message


def test_word_document_renamed_to_xlsx():
    data = make_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<document/>"})
    message = only(rejected(data)).message
    assert "Word-document" in message and "geen Excel-bestand (.xlsx)" in message


@pytest.mark.parametrize("members, expected", [
    ({"notities.txt": b"hallo"}, "geen Excel-bestand (.xlsx)"),
    ({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}, "OpenDocument"),
])
def test_other_zip_renamed_to_xlsx(members, expected):
    assert expected in only(rejected(make_zip(members))).message


def test_truncated_zip(empty):
    assert "geen Excel-bestand (.xlsx)" in only(rejected(empty[: len(empty) // 2])).message


def test_damaged_entry_in_the_zip(empty):
    with zipfile.ZipFile(io.BytesIO(empty)) as archive:
        info = max(archive.infolist(), key=lambda each: each.compress_size)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    damaged = bytearray(empty)
    damaged[middle: middle + 16] = bytes(16)
    message = only(rejected(bytes(damaged))).message
    assert "beschadigd" in message


def test_xlsx_that_is_not_a_workbook_inside(empty):
    data = repack(empty, {"xl/workbook.xml": b"<dit is geen werkmap"})
    assert "beschadigd" in only(rejected(data)).message


# --------------------------------------------------------------------------------------------------------------
# Zip bombs and XML bombs: refused before anything is unpacked


@pytest.fixture
def no_unpacking(monkeypatch):
    """Reading must refuse on the zip's directory alone: neither the XML scan nor openpyxl may run."""
    def forbidden(*args, **kwargs):
        raise AssertionError("the bomb was opened")
    monkeypatch.setattr(excel, "load_workbook", forbidden)
    monkeypatch.setattr(excel, "DefusedExpatParser", forbidden)


def test_zip_bomb_padded_sheet_is_not_unpacked(empty, no_unpacking):
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(empty)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet2.xml":
                bomb.writestr(info.filename, source.read(info.filename))
        with bomb.open("xl/worksheets/sheet2.xml", "w") as member:
            member.write(source.read("xl/worksheets/sheet2.xml")[:-len(b"</worksheet>")])
            spaces = b" " * (1 << 20)
            for _ in range(200):  # 200 MB of spaces inside the sheet's XML
                member.write(spaces)
            member.write(b"</worksheet>")
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024  # tiny on disk
    started = time.monotonic()
    message = only(rejected(data)).message
    assert time.monotonic() - started < 1
    assert "groter worden dan 50 MB" in message


def test_zip_bomb_by_compression_ratio(empty, no_unpacking):
    data = repack(empty, {"xl/media/leeg.bin": bytes(2 * 1024 * 1024)})  # 2 MB of zeros, a few KB packed
    assert "meer dan 100 keer zo groot" in only(rejected(data)).message


def test_zip_with_too_many_entries(empty, no_unpacking):
    data = repack(empty, {f"xl/extra/{number}.xml": b"<x/>" for number in range(1001)})
    assert "meer dan 1000 delen" in only(rejected(data)).message


@pytest.mark.parametrize("extra", [
    b'<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>',
    b'<hyperlinks><hyperlink ref="A1:XFD1048576" location="Toelichting!A1"/></hyperlinks>',
    b'<mergeCells count="1"><mergeCell ref="A:XFD"/></mergeCells>',
], ids=["merged-range", "range-hyperlink", "whole-columns"])
def test_huge_ranges_openpyxl_would_expand_cell_by_cell(empty, monkeypatch, extra):
    monkeypatch.setattr(excel, "load_workbook", lambda *args, **kwargs: pytest.fail("openpyxl was reached"))
    name, xml = sheet_xml(empty, ANALYSE)
    data = repack(empty, {name: xml.replace(b"</sheetData>", b"</sheetData>" + extra)})
    assert "veel meer cellen" in only(rejected(data)).message


@pytest.mark.parametrize("element, count", [(b'<c r="A1"/>', 100_001), (b"<x/>", 300_001)], ids=["cells", "elements"])
def test_more_cells_than_a_workbook_can_have(empty, monkeypatch, element, count):
    monkeypatch.setattr(excel, "load_workbook", lambda *args, **kwargs: pytest.fail("openpyxl was reached"))
    name, xml = sheet_xml(empty, ANALYSE)
    padded = xml.replace(b"</sheetData>", b'<row r="999">' + element * count + b"</row></sheetData>")
    data = repack(empty, {name: padded}, stored=True)  # stored: no compression ratio to trip over
    assert "veel meer cellen" in only(rejected(data)).message


def test_xml_entity_bomb(empty):
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + b"".join(b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
                         for n in range(1, 10))
              + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
    name, _xml = sheet_xml(empty, ANALYSE)
    started = time.monotonic()
    assert "beschadigd" in only(rejected(repack(empty, {name: laughs}))).message
    assert time.monotonic() - started < 2


# --------------------------------------------------------------------------------------------------------------
# Not ours, or not for this evaluation


def test_workbook_without_the_meta_sheet(empty):
    data = edit(empty, lambda workbook: workbook.remove(workbook["_peerreview"]))
    problem = only(rejected(data))
    assert problem.sheet is None and "niet uit Peerreview gedownload" in problem.message


def test_any_other_workbook():
    workbook = Workbook()
    workbook.active["A1"] = "Mijn eigen lijstje"
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert "niet uit Peerreview gedownload" in only(rejected(buffer.getvalue())).message


@pytest.mark.parametrize("value, expected", [(2, "ander formaat (versie 2)"), ("twee", "niet uit Peerreview"),
                                             ("=1", "niet uit Peerreview")])
def test_wrong_format_version(empty, value, expected):
    assert expected in only(rejected(edit(empty, fill("_peerreview", {"B1": value})))).message


def test_other_evaluation(empty):
    problem = only(rejected(empty, evaluation_id=43))
    assert problem.sheet is None
    assert "hoort bij een andere zelfevaluatie (Zuidwolde, Collegiale toets 2026)" in problem.message


@pytest.mark.parametrize("cell, value, expected", [
    ("B4", "0.9", "gemaakt met versie 0.9 van de vragenlijst; deze zelfevaluatie gebruikt versie 1"),
    ("B3", "andere-lijst", "andere vragenlijst (‘andere-lijst’ versie 1); deze zelfevaluatie gebruikt "
                           "Kleine testvragenlijst (versie 1)"),
    ("B5", "0" * 64, "andere inhoud van versie 1"),
])
def test_other_questionnaire_version(empty, cell, value, expected):
    assert expected in only(rejected(edit(empty, fill("_peerreview", {cell: value})))).message


def test_workbook_of_another_questionnaire():
    data = build(INSTRUMENT)
    message = only(rejected(data, MINIMAL)).message
    assert "‘regie-integrale-veiligheid’ versie 2026.1" in message and "Kleine testvragenlijst" in message


# --------------------------------------------------------------------------------------------------------------
# The structure changed


def test_section_sheet_renamed_or_missing(empty):
    def change(workbook: Workbook) -> None:
        workbook[KETEN].title = "Keten"
        workbook.remove(workbook[PROFIEL])
    problems = rejected(edit(empty, change))
    assert [(p.sheet, p.cell) for p in problems] == [(KETEN, None), (PROFIEL, None)]
    assert "ontbreekt of heeft een andere naam" in problems[0].message
    assert str(problems[0]).startswith("Blad ‘2 Keten’: Dit blad ontbreekt")


def test_header_changed(empty):
    problem = only(rejected(edit(empty, fill(ANALYSE, {"K1": "Uitleg"}))))
    assert (problem.sheet, problem.cell) == (ANALYSE, "K1")
    assert "verwacht ‘Toelichting’, gevonden ‘Uitleg’" in problem.message


def test_unknown_question_id(empty):
    problems = rejected(edit(empty, fill(ANALYSE, {"A3": "analyse.bestaat_niet"})))
    assert [(p.sheet, p.cell) for p in problems] == [(ANALYSE, "A3"), (ANALYSE, None)]
    assert "‘analyse.bestaat_niet’ is geen vraag-id van deze vragenlijst" in problems[0].message
    assert "De rij van vraag 1.2 (‘analyse.gebruik’) ontbreekt" in problems[1].message


def test_question_of_another_section(empty):
    problems = rejected(edit(empty, fill(ANALYSE, {"A3": "keten.capaciteit"})))
    assert (problems[0].sheet, problems[0].cell) == (ANALYSE, "A3")
    assert "Vraag 2.1 (‘keten.capaciteit’) hoort op blad ‘2 Keten’" in problems[0].message


def test_question_twice(empty):
    problems = rejected(edit(empty, fill(ANALYSE, {"A3": "analyse.cijfers"})))
    assert (problems[0].sheet, problems[0].cell) == (ANALYSE, "A3")
    assert "Vraag 1.1 staat twee keer op dit blad (ook in rij 2)" in problems[0].message
    assert "vraag 1.2" in problems[1].message


def test_question_row_deleted(empty):
    problem = only(rejected(edit(empty, lambda workbook: workbook[KETEN].delete_rows(3))))
    assert (problem.sheet, problem.cell) == (KETEN, None)
    assert "De rij van vraag 2.2 (‘keten.signalen’) ontbreekt" in problem.message


def test_note_label_removed(empty):
    problem = only(rejected(edit(empty, fill(ANALYSE, {f"A{IMPROVEMENTS_ROW}": None}))))
    assert problem.sheet == ANALYSE and "De cel ‘Verbeterpunten’ onder de vragen ontbreekt" in problem.message


def test_formula_as_question_id(empty):
    problems = rejected(edit(empty, fill(ANALYSE, {"A2": "=\"analyse.cijfers\""})))
    assert (problems[0].sheet, problems[0].cell) == (ANALYSE, "A2") and "formule" in problems[0].message


# --------------------------------------------------------------------------------------------------------------
# Answers


@pytest.mark.parametrize("typed, expected", [
    ("2 – Deels", AnswerData(2)),
    ("2 - deels", AnswerData(2)),
    ("  2   —   DEELS ", AnswerData(2)),
    ("Deels", AnswerData(2)),
    ("  weet NIET /  niet van toepassing ", AnswerData(None, True)),
    (0, AnswerData(0)),
    (3, AnswerData(3)),
    (3.0, AnswerData(3)),
    ("3", AnswerData(3)),
    ("4,0", AnswerData(4)),
    ("   ", AnswerData()),
])
def test_answer_forms_accepted(empty, typed, expected):
    assert read(edit(empty, fill(ANALYSE, {"J2": typed}))).answers["analyse.cijfers"] == expected


@pytest.mark.parametrize("typed, shown", [
    (5, "‘5’"), (-1, "‘-1’"), (2.5, "‘2,5’"), ("hoog", "‘hoog’"), ("7 – Super", "‘7 – Super’"), (True, "‘WAAR’"),
    (datetime(2026, 3, 12), "‘12-03-2026’"), ("#N/A", "‘#N/A’"),
])
def test_answer_off_the_scale_is_refused_with_the_allowed_values(empty, typed, shown):
    problem = only(rejected(edit(empty, fill(ANALYSE, {"J3": typed}))))
    assert (problem.sheet, problem.cell) == (ANALYSE, "J3")
    assert problem.message.startswith(f"Vraag 1.2, Antwoord: {shown} is geen geldig antwoord")
    assert "van 0 tot en met 4" in problem.message and UNKNOWN in problem.message


@pytest.mark.parametrize("typed", [0, 6, "0", 5.5])
def test_answer_off_the_real_scale(typed):
    data = edit(build(INSTRUMENT), fill("1 Systematische aanpak", {"J4": typed}))
    problem = only(rejected(data, INSTRUMENT))
    assert (problem.sheet, problem.cell) == ("1 Systematische aanpak", "J4")
    assert "van 1 tot en met 5" in problem.message and "Weet niet / niet van toepassing" in problem.message


def test_formulas_are_never_accepted(empty):
    data = edit(empty, fill(ANALYSE, {
        "J2": "=1+2",
        "K2": "=HYPERLINK(\"https://kwaad.example\",\"klik\")",
        "L2": ArrayFormula("L2", "=SUM(E2:F2)"),
        "M2": "=A1",
        f"C{STRENGTHS_ROW}": "=SUM(1)",
    }))
    problems = rejected(data)
    assert [(p.sheet, p.cell) for p in problems] == [
        (ANALYSE, "J2"), (ANALYSE, "K2"), (ANALYSE, "L2"), (ANALYSE, "M2"), (ANALYSE, f"C{STRENGTHS_ROW}")]
    assert all("bevat een formule; typ de waarde zelf in" in p.message for p in problems)
    assert problems[1].message.startswith("Vraag 1.1, Toelichting:")
    assert str(problems[0]) == ("Blad ‘1 Analyse’, cel J2: Vraag 1.1, Antwoord: deze cel bevat een formule; typ de "
                                "waarde zelf in.")


def test_error_value_in_a_text_cell(empty):
    problem = only(rejected(edit(empty, fill(ANALYSE, {"K2": "#DIV/0!"}))))
    assert (problem.sheet, problem.cell) == (ANALYSE, "K2") and "foutwaarde (#DIV/0!)" in problem.message


# --------------------------------------------------------------------------------------------------------------
# Text


def test_text_over_the_limits(empty):
    data = edit(empty, fill(ANALYSE, {"K2": "x" * (MAX_EXPLANATION + 1), "L3": "y" * 5000,
                                      f"C{IMPROVEMENTS_ROW}": "z" * (MAX_NOTE + 1)}))
    problems = rejected(data)
    assert [(p.sheet, p.cell) for p in problems] == [
        (ANALYSE, "K2"), (ANALYSE, "L3"), (ANALYSE, f"C{IMPROVEMENTS_ROW}")]
    assert problems[0].message.startswith("Vraag 1.1: ")
    assert "te lang" in problems[0].message and f"{MAX_EXPLANATION + 1} tekens" in problems[0].message
    assert "te lang" in problems[1].message and "5000 tekens" in problems[1].message
    assert "te lang" in problems[2].message and f"{MAX_NOTE + 1} tekens" in problems[2].message


def test_bad_links_each_named(empty):
    data = edit(empty, fill(ANALYSE, {"M2": "https://goed.example.nl\nniet een link\nftp://oud.example.nl"}))
    problems = rejected(data)
    assert [(p.sheet, p.cell) for p in problems] == [(ANALYSE, "M2"), (ANALYSE, "M2")]
    assert "Regel 2: ‘niet een link’ is geen webadres" in problems[0].message
    assert "Regel 3: ‘ftp://oud.example.nl’ is geen webadres" in problems[1].message


def test_too_many_links_said_once(empty):
    links = "\n".join(f"https://link{number}.example.nl" for number in range(11))
    problem = only(rejected(edit(empty, fill(ANALYSE, {"M3": links}))))
    assert problem.cell == "M3" and "hoogstens 10 links" in problem.message


def test_numbers_dates_and_truth_values_in_text_cells_become_text(empty):
    data = edit(empty, fill(ANALYSE, {"K2": 12, "L2": 12.5, "K3": datetime(2026, 3, 12), "L3": date(2025, 1, 2),
                                      f"C{STRENGTHS_ROW}": True, f"C{IMPROVEMENTS_ROW}": datetime(2026, 3, 12, 9, 30)}))
    upload = read(data)
    assert upload.answers["analyse.cijfers"] == AnswerData(None, False, "12", "12,5")
    assert upload.answers["analyse.gebruik"] == AnswerData(None, False, "12-03-2026", "02-01-2025")
    assert upload.notes["analyse"] == SectionNoteData("WAAR", "12-03-2026 09:30")


# --------------------------------------------------------------------------------------------------------------
# All problems at once


def test_all_problems_in_sheet_and_row_order(empty):
    def change(workbook: Workbook) -> None:
        fill(KETEN, {"J3": "hoog", "M2": "geen link"})(workbook)
        fill(ANALYSE, {"K3": "=1", "J2": 9})(workbook)
        fill(PROFIEL, {"J6": "?"})(workbook)
    problems = rejected(edit(empty, change))
    assert [(p.sheet, p.cell) for p in problems] == [
        (ANALYSE, "J2"), (ANALYSE, "K3"), (KETEN, "M2"), (KETEN, "J3"), (PROFIEL, "J6")]


def test_many_problems_are_capped():
    sheets = [sheet_title(section) for section in INSTRUMENT.sections]

    def change(workbook: Workbook) -> None:
        for title in sheets:
            sheet = workbook[title]
            for row in range(2, sheet.max_row + 1):
                if str(sheet.cell(row=row, column=1).value or "").count("."):
                    sheet.cell(row=row, column=10).value = "hoog"
    problems = rejected(edit(build(INSTRUMENT), change), INSTRUMENT)
    assert len(problems) == 51
    assert (problems[0].sheet, problems[0].cell) == (sheets[0], "J2")
    assert problems[-1].sheet is None and problems[-1].message.startswith("En nog 7 andere problemen.")


def test_problem_text():
    assert str(UploadProblem("3 Horizontale regie", "F7", "Te lang.")) == "Blad ‘3 Horizontale regie’, cel F7: Te lang."
    assert str(UploadProblem("2 Keten", None, "Ontbreekt.")) == "Blad ‘2 Keten’: Ontbreekt."
    assert str(UploadProblem(None, None, "Het bestand is leeg.")) == "Het bestand is leeg."
