"""``flask questionnaires check [PATH]`` and ``flask questionnaires list``.

The group is also registered as a Flask CLI plugin (``pyproject.toml``), so ``check`` runs even when the
configured questionnaires are broken and the app itself refuses to start: it then lists exactly why.
"""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click
from flask import Flask
from flask.cli import AppGroup, ScriptInfo

from ..domain.questionnaire import Questionnaire, QuestionnaireError, check_recorded_versions

questionnaires_cli = AppGroup("questionnaires", help="Vragenlijsten controleren en bekijken.")


def _fail(error: QuestionnaireError) -> NoReturn:
    click.echo(error.describe(), err=True)
    raise SystemExit(1)


def _describe(questionnaire: Questionnaire) -> str:
    profile = " + profiel" if questionnaire.profile_section else ""
    return (f"  {questionnaire.key} {questionnaire.version} ({questionnaire.status.label.lower()}): "
            f"{len(questionnaire.knelpunt_sections)} knelpunten{profile}, {len(questionnaire.questions)} vragen")


@questionnaires_cli.command("check", with_appcontext=False)
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.pass_context
def check(ctx: click.Context, path: Path | None) -> None:
    """Controleer vragenlijstbestanden en meld elk probleem (standaard: de map uit de configuratie).

    PATH is een map of één bestand. Versies die evaluaties al gebruiken, worden ook vergeleken met wat de
    database heeft vastgelegd, als die bereikbaar is."""
    info = ctx.ensure_object(ScriptInfo)
    from ..questionnaire_loader import layout_problem, load_directory, load_file

    if path is None:
        try:
            app = info.load_app()  # loading validates the configured folder and the recorded versions
        except QuestionnaireError as error:
            _fail(error)
        questionnaires = list(app.extensions["peerreview.questionnaires"])
        where = app.config["QUESTIONNAIRES_PATH"]
    else:
        if not path.exists():
            raise click.ClickException(f"{path} bestaat niet.")
        try:
            if path.is_dir():
                questionnaires = list(load_directory(path))
            else:
                questionnaires = [load_file(path)]
                misnamed = layout_problem(path.resolve(), questionnaires[0])
                if misnamed is not None:
                    raise QuestionnaireError([misnamed])
        except QuestionnaireError as error:
            _fail(error)
        where = str(path)
        problems = _compare_with_database(info, questionnaires)
        if problems:
            _fail(QuestionnaireError(problems))
    count = len(questionnaires)
    click.echo(f"In orde: {count} {'vragenlijst' if count == 1 else 'vragenlijsten'} in {where}.")
    for questionnaire in questionnaires:
        click.echo(_describe(questionnaire))


def _compare_with_database(info: ScriptInfo, questionnaires: list[Questionnaire]) -> list:
    """Versions in ``questionnaires`` that evaluations used must have the recorded content."""
    try:
        app: Flask = info.load_app()
    except Exception as error:
        click.echo(f"Let op: niet vergeleken met de database ({error.__class__.__name__}).", err=True)
        return []
    from ..questionnaire_registry import recorded_if_available

    with app.app_context():
        recorded = recorded_if_available()
    present = {(q.key, q.version) for q in questionnaires}
    return check_recorded_versions(questionnaires, [r for r in recorded if (r.key, r.version) in present])


@questionnaires_cli.command("list")
def list_questionnaires() -> None:
    """Toon elke geladen vragenlijstversie met status, aantallen, vingerafdruk en gebruik."""
    from ..questionnaire_registry import registry, usage_if_available

    used = usage_if_available()
    rows = [("sleutel", "versie", "status", "thema's", "vragen", "vingerafdruk", "eerst gebruikt", "titel")]
    for q in registry():
        first_used = used.get((q.key, q.version))
        rows.append((q.key, q.version, q.status.label.lower(), str(len(q.knelpunt_sections)),
                     str(len(q.questions)), q.content_hash[:12],
                     first_used.strftime("%Y-%m-%d") if first_used else "-", q.title))
    if len(rows) == 1:
        click.echo("Er is geen vragenlijst geladen.")
        return
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        click.echo("  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[-1]]))
