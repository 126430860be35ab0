"""A region with a round open for two gemeenten, and the people around it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from peerreview.domain.evaluations import RoundDates
from peerreview.domain.roles import Role
from peerreview.evaluations.rounds import RoundInput, open_round
from peerreview.extensions import db
from peerreview.models import Evaluation, Municipality, Region, Round, User
from tests.conftest import app_today


@dataclass
class Setting:
    region: Region
    a: Municipality
    b: Municipality
    coordinator: User
    lead: User
    contributor: User
    contributor2: User
    lead_b: User
    contributor_b: User
    peer: User
    round: Round
    evaluation: Evaluation
    evaluation_b: Evaluation


def open_test_round(coordinator: User, region: Region, municipalities: list[Municipality], name: str = "Ronde 2027",
                    questionnaire: str = "minimal/1") -> Round:
    today = app_today()  # the app's calendar (a deadline or an entry date is a Dutch date)
    dates = RoundDates(today + timedelta(days=30), today + timedelta(days=90), today + timedelta(days=180))
    round_ = open_round(
        coordinator, region.id,
        RoundInput(name, today.year, questionnaire, dates, [m.id for m in municipalities]), today=today)
    db.session.commit()
    return round_


@pytest.fixture
def setting(app, create_region, create_municipality, create_user) -> Setting:
    region = create_region("Regio Test")
    a = create_municipality("Aadorp", region=region)
    b = create_municipality("Beekdal", region=region)
    peer_home = create_municipality("Cederveen", region=region)
    coordinator = create_user(Role.region_coordinator, region=region, name="Coby Coördinator")
    lead = create_user(Role.municipal_lead, municipality=a, name="Lotte Trekker")
    contributor = create_user(Role.municipal_contributor, municipality=a, name="Bram Bijdrager")
    contributor2 = create_user(Role.municipal_contributor, municipality=a, name="Carla Collega")
    lead_b = create_user(Role.municipal_lead, municipality=b, name="Bert Beekdal")
    contributor_b = create_user(Role.municipal_contributor, municipality=b, name="Dirk Beekdal")
    peer = create_user(Role.peer_reviewer, municipality=peer_home, name="Petra Peer")
    round_ = open_test_round(coordinator, region, [a, b])
    evaluations = {e.municipality_id: e for e in round_.evaluations}
    return Setting(region, a, b, coordinator, lead, contributor, contributor2, lead_b, contributor_b, peer, round_,
                   evaluations[a.id], evaluations[b.id])
