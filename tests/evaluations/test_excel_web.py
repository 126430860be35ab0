"""The Excel round trip through the pages: download, fill in offline, upload, preview, confirm; hostile files
are refused with a Dutch message naming sheet and cell, and nothing changes until the user confirms."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from openpyxl import load_workbook
from sqlalchemy import func, select

from peerreview.domain.evaluations import AnswerData
from peerreview.evaluation.lifecycle import questionnaire_of
from peerreview.evaluations import excel
from peerreview.extensions import db
from peerreview.models import Answer, EvaluationEvent, ExcelImport
from tests.evaluations.test_submission import ALL, agree

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(client, evaluation) -> bytes:
    response = client.get(f"/evaluations/{evaluation.id}/excel/download")
    assert response.status_code == 200, response.status_code
    assert response.mimetype == XLSX
    return response.data


def cell_of(workbook, question_id: str, header: str) -> tuple[str, str]:
    """The sheet and cell where a question's ``header`` column is, found as a user would: by reading."""
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible":
            continue
        headers = {cell.value: cell.column_letter for cell in sheet[1] if cell.value}
        if header not in headers:
            continue
        for row in sheet.iter_rows(min_row=2):
            if row[0].value == question_id:
                return sheet.title, f"{headers[header]}{row[0].row}"
    raise AssertionError(question_id)


def fill(data: bytes, values: dict[tuple[str, str], object]) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    for (question_id, header), value in values.items():
        sheet, cell = cell_of(workbook, question_id, header)
        workbook[sheet][cell] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, evaluation, data: bytes, name: str = "ingevuld.xlsx"):
    return client.post(f"/evaluations/{evaluation.id}/excel", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_download_fill_in_upload_preview_and_confirm(client, auth, setting):
    e = setting.evaluation
    auth.login(setting.contributor)
    url = f"/evaluations/{e.id}/sections/analyse"
    client.post(url, data={"q-analyse.cijfers-value": "1", "q-analyse.cijfers-version": "0"})
    page = client.get(f"/evaluations/{e.id}/excel").get_data(as_text=True)
    assert "Download Excel-bestand" in page and "Inlezen en wijzigingen bekijken" in page
    response = client.get(f"/evaluations/{e.id}/excel/download")
    assert f"zelfevaluatie-{setting.a.cbs_code}-" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    sheet, cell = cell_of(workbook, "analyse.cijfers", "Antwoord")
    assert workbook[sheet][cell].value == "1 – Weinig"  # existing answers are filled in
    filled = fill(response.data, {
        ("analyse.cijfers", "Antwoord"): "3 – Veel",
        ("analyse.cijfers", "Toelichting"): "Offline ingevuld in de trein — ‘prima’ ë",
        ("keten.signalen", "Antwoord"): "Weet niet / niet van toepassing",
        ("profiel.bestuur.druk", "Links"): "https://raad.aadorp.nl/besluit",
    })
    response = upload(client, e, filled)
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    preview = client.get(preview_url).get_data(as_text=True)
    assert "Dit verandert er in uw eigen antwoorden (3)" in preview
    assert "1 – Weinig" in preview and "3 – Veel · toelichting: Offline ingevuld in de trein" in preview
    assert "Weet niet / niet van toepassing" in preview
    # nothing has changed yet
    assert {a.question_id: a.value for a in db.session.scalars(select(Answer))} == {"analyse.cijfers": 1}
    response = client.post(preview_url + "/apply")
    assert response.status_code == 302
    rows = {a.question_id: a.data for a in db.session.scalars(select(Answer))}
    assert rows["analyse.cijfers"] == AnswerData(3, False, "Offline ingevuld in de trein — ‘prima’ ë")
    assert rows["keten.signalen"].unknown
    assert rows["profiel.bestuur.druk"].links == ("https://raad.aadorp.nl/besluit",)
    assert client.post(preview_url + "/apply", follow_redirects=True).get_data(as_text=True).count(
        "al verwerkt") >= 1
    auth.logout()
    auth.login(setting.lead)
    history = client.get(f"/evaluations/{e.id}/history").get_data(as_text=True)
    assert "Eigen antwoord (via Excel)" in history and "Excel-bestand verwerkt" in history


def test_hostile_files_are_refused_in_dutch_and_nothing_changes(client, auth, setting):
    e = setting.evaluation
    auth.login(setting.contributor)
    good = download(client, e)
    cases = [
        (b"", "Kies eerst" if False else "leeg"),
        (b"Dit is geen spreadsheet maar tekst", "geen Excel-bestand"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".xlsx"),
        (fill(good, {("analyse.cijfers", "Antwoord"): "7"}), "cel J2"),
        (fill(good, {("analyse.cijfers", "Antwoord"): "=1+2"}), "formule"),
    ]
    for data, fragment in cases:
        response = upload(client, e, data)
        body = response.get_data(as_text=True)
        assert response.status_code == 422, fragment
        assert "Het bestand is niet ingelezen" in body and "Er is niets gewijzigd" in body
        assert fragment in body, (fragment, body[body.find("error-summary"):][:800])
    response = client.post(f"/evaluations/{e.id}/excel", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Kies eerst het ingevulde Excel-bestand" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ExcelImport)) == 0
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0


def test_a_file_of_another_evaluation_is_refused(client, auth, setting):
    questionnaire = questionnaire_of(setting.evaluation)
    other = excel.build_workbook(questionnaire, answers={}, notes={}, meta=excel.ExportMeta(
        setting.evaluation_b.id, "Beekdal", "Ronde 2027", setting.lead_b.id, "Bert", datetime.now(UTC)))
    auth.login(setting.contributor)
    response = upload(client, setting.evaluation, fill(other, {("analyse.cijfers", "Antwoord"): "2 – Deels"}))
    assert response.status_code == 422
    assert "andere zelfevaluatie" in response.get_data(as_text=True)


def test_a_file_over_the_limit_gets_a_dutch_message(client, auth, setting, app):
    auth.login(setting.contributor)
    for size in (excel.MAX_UPLOAD_BYTES + 10, 50 * 1024 * 1024):  # just over the limit, and a 50 MB file
        # the body is built here: werkzeug's test client would spool a large one to a file it never closes
        boundary = "grens"
        body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="groot.xlsx"\r\n'
                f"Content-Type: {XLSX}\r\n\r\n").encode() + b"PK\x03\x04" + b"\0" * size + (
                f"\r\n--{boundary}--\r\n").encode()
        response = client.post(f"/evaluations/{setting.evaluation.id}/excel", data=body,
                               content_type=f"multipart/form-data; boundary={boundary}")
        body = response.get_data(as_text=True)
        assert response.status_code == 413
        assert "Het bestand is te groot: het maximum is 5 MB" in body and "Ingevuld Excel-bestand" in body
    assert db.session.scalar(select(func.count()).select_from(ExcelImport)) == 0


def test_a_change_online_after_the_preview_refuses_the_whole_file(client, auth, setting):
    e = setting.evaluation
    auth.login(setting.contributor)
    filled = fill(download(client, e), {("analyse.cijfers", "Antwoord"): "3 – Veel",
                                        ("analyse.gebruik", "Antwoord"): "2 – Deels"})
    preview_url = upload(client, e, filled).headers["Location"]
    # meanwhile, in another tab, the same user saves the first question online
    client.post(f"/evaluations/{e.id}/sections/analyse",
                data={"q-analyse.cijfers-value": "0", "q-analyse.cijfers-version": "0"})
    response = client.post(preview_url + "/apply", follow_redirects=True)
    assert "Er is niets ingelezen" in response.get_data(as_text=True)
    assert {a.question_id: a.value for a in db.session.scalars(select(Answer))} == {"analyse.cijfers": 0}


def test_who_may_download_upload_and_preview(client, auth, setting, create_user):
    e = setting.evaluation
    auth.login(setting.contributor)
    preview_url = upload(client, e, fill(download(client, e), {("analyse.cijfers", "Antwoord"): "2 – Deels"})
                         ).headers["Location"]
    auth.logout()
    auth.login(setting.contributor2)  # a colleague cannot see or apply someone else's upload
    assert client.get(preview_url).status_code == 404
    assert client.post(preview_url + "/apply").status_code == 404
    auth.logout()
    for user in (setting.lead_b, setting.contributor_b, setting.peer, setting.coordinator):
        auth.login(user)
        for url in (f"/evaluations/{e.id}/excel", f"/evaluations/{e.id}/excel/download", preview_url):
            assert client.get(url).status_code == 403, (user.name, url)
        assert upload(client, e, b"x").status_code == 403
        auth.logout()
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0


def test_after_submission_download_still_works_but_upload_does_not(client, auth, setting):
    e = setting.evaluation
    agree(e, setting.lead, ALL)
    auth.login(setting.lead)
    assert client.post(f"/evaluations/{e.id}/submit").status_code == 302
    data = download(client, e)
    response = upload(client, e, fill(data, {("analyse.cijfers", "Antwoord"): "2 – Deels"}))
    assert response.status_code == 409 and "ingediend" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(EvaluationEvent).where(
        EvaluationEvent.kind == "excel_import")) == 0
