"""What a download is, as the history and the audit log name it."""

from __future__ import annotations

from enum import StrEnum


class ExportKind(StrEnum):
    REPORT_PDF = "report_pdf"
    REPORT_XLSX = "report_xlsx"
    REGION_XLSX = "region_xlsx"
    NATIONAL_XLSX = "national_xlsx"  # the admin's overview of every published report, nationwide
    SELF_EVALUATION_XLSX = "self_evaluation_answers"  # the self-evaluation workbook to fill in offline

    @property
    def label(self) -> str:
        return {
            "report_pdf": "Rapport collegiale toets (PDF)",
            "report_xlsx": "Antwoorden, scores en verbeterplan (Excel)",
            "region_xlsx": "Regio-overzicht van de ronde (Excel)",
            "national_xlsx": "Landelijk overzicht (Excel)",
            "self_evaluation_answers": "Vragenlijst met antwoorden (Excel)",
        }[self.value]


def export_label(value: object) -> str:
    """The label of a stored kind; an unknown value as it is."""
    try:
        return ExportKind(str(value)).label
    except ValueError:
        return str(value)
