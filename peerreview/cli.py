"""Command line: ``flask users ...``, ``flask seed ...``, and ``flask backup`` / ``flask restore`` (backup.py)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from .accounts import send_invitation
from .domain.errors import DomainError
from .domain.municipalities import normalize_cbs_code
from .domain.roles import Role
from .extensions import db
from .models import Municipality, Region, User

users_cli = AppGroup("users", help="Gebruikers beheren.")
seed_cli = AppGroup("seed", help="Voorbeeldgegevens laden.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", "role_value", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", default=None, help="Volledige naam (standaard: het deel voor de @).")
@click.option("--municipality", "cbs_code", default=None, help="CBS-code van de gemeente (gemeenterollen).")
@click.option("--region", "region_name", default=None, help="Naam van de regio (regiocoördinator).")
@click.option("--password", default=None, help="Wachtwoord; zonder deze optie wordt erom gevraagd.")
@click.option("--invite", is_flag=True, help="Geen wachtwoord zetten maar een uitnodigingslink versturen.")
def create_user(email, role_value, name, cbs_code, region_name, password, invite):
    """Maak een gebruiker aan (bijvoorbeeld de eerste beheerder)."""
    from .auth import services as auth_services
    from .forms import is_valid_email

    role = Role(role_value)
    email = User.normalize_email(email)
    if not is_valid_email(email):
        raise click.ClickException(f"Ongeldig e-mailadres: {email}")
    if db.session.scalar(select(User).where(User.email == email)) is not None:
        raise click.ClickException(f"Er bestaat al een gebruiker met e-mailadres {email}.")
    user = User(email=email, name=name or email.split("@")[0], role=role)
    if role.needs_municipality:
        if not cbs_code:
            raise click.ClickException(f"De rol {role.value} vraagt om --municipality CBS-CODE.")
        try:
            code = normalize_cbs_code(cbs_code)
        except DomainError as error:
            raise click.ClickException(error.message) from None
        user.municipality = db.session.scalar(select(Municipality).where(Municipality.cbs_code == code))
        if user.municipality is None:
            raise click.ClickException(f"Geen gemeente met CBS-code {code}.")
    if role.needs_region:
        if not region_name:
            raise click.ClickException("De rol region_coordinator vraagt om --region NAAM.")
        user.region = db.session.scalar(select(Region).where(Region.name == region_name))
        if user.region is None:
            raise click.ClickException(f"Geen regio met de naam {region_name!r}.")
    db.session.add(user)
    db.session.flush()
    if invite:
        link = send_invitation(user)
        db.session.commit()
        click.echo(f"Gebruiker {email} ({role.label}) aangemaakt. Uitnodigingslink: {link}")
        return
    if password is None:
        password = click.prompt("Wachtwoord", hide_input=True, confirmation_prompt="Herhaal het wachtwoord")
    try:
        auth_services.set_password(user, password)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    user.activated_at = user.password_changed_at
    db.session.commit()
    click.echo(f"Gebruiker {email} ({role.label}) aangemaakt.")


@seed_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Alleen laden als er nog geen regio bestaat.")
def seed_demo(if_empty):
    """Laad een fictieve regio met twaalf gemeenten en één gebruiker per rol."""
    from .seed.demo import DEMO_PASSWORD, demo_logins, load_demo

    # Only into an empty database: the demo accounts share a published password, so they must never
    # land beside real users (and loading twice would clash on the demo's CBS codes).
    has_data = (
        db.session.scalar(select(Region.id).limit(1)) is not None
        or db.session.scalar(select(User.id).limit(1)) is not None
    )
    if has_data and not if_empty:
        raise click.ClickException(
            "De database bevat al gegevens; de demo wordt alleen in een lege database geladen."
        )
    if has_data:
        click.echo("De database bevat al gegevens; de demo wordt niet opnieuw geladen.")
    else:
        load_demo(password_method=current_app.config["PASSWORD_HASH_METHOD"])
        db.session.commit()
        click.echo("Demoregio geladen.")
    logins = demo_logins()
    if logins:
        click.echo("")
        click.echo(f"Demo-inloggegevens (wachtwoord voor iedereen: {DEMO_PASSWORD}):")
        width = max(len(label) for label, _ in logins)
        for label, email in logins:
            click.echo(f"  {label.ljust(width)}  {email}")


@seed_cli.command("national")
@click.option("--gemeenten", default=342, show_default=True, type=click.IntRange(1, 999),
              help="Aantal (fictieve) gemeenten.")
@click.option("--rounds", default=5, show_default=True, type=click.IntRange(1, 20), help="Aantal rondes per regio.")
@click.option("--regions", default=25, show_default=True, type=click.IntRange(1, 25), help="Aantal regio's.")
@click.option("--seed", "seed", default=1, show_default=True, type=int,
              help="Startwaarde: dezelfde geeft dezelfde data.")
@click.option("--year", default=None, type=click.IntRange(2000, 2100),
              help="Jaar van de laatste ronde (standaard het lopende jaar, voor juli het vorige).")
def seed_national(gemeenten, rounds, regions, seed, year):
    """Vul een lege database met synthetische landelijke gegevens (voor metingen: make bench)."""
    import time

    from .seed.national import NATIONAL_PASSWORD, database_is_empty, load_national, national_email

    if not database_is_empty():
        raise click.ClickException("De database bevat al gegevens; de landelijke set wordt alleen in een lege "
                                   "database geladen.")
    started = time.perf_counter()
    try:
        summary = load_national(gemeenten=gemeenten, rounds=rounds, regions=regions, seed=seed,
                                year=year, password_method=current_app.config["PASSWORD_HASH_METHOD"])
    except ValueError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    for line in summary.lines():
        click.echo(line)
    click.echo(f"  klaar in {time.perf_counter() - started:.1f} s")
    click.echo("")
    click.echo(f"Inloggen (wachtwoord voor iedereen: {NATIONAL_PASSWORD}): {national_email('beheer')}, "
               f"{national_email('coordinator.r01')}, {national_email('trekker.gm5001')}, "
               f"{national_email('peer.gm5001')} …")


def init_cli(app: Flask) -> None:
    from .backup import backup_command, restore_command
    from .questionnaires.cli import questionnaires_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(questionnaires_cli)
    app.cli.add_command(seed_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
