"""Input that no view should ever see: ids the database cannot hold, NUL characters."""

import pytest
from sqlalchemy import select

from peerreview.domain.roles import Role
from peerreview.extensions import db
from peerreview.models import Region


@pytest.mark.parametrize("number", ["2147483648", "9223372036854775808", "99999999999999999999999"])
@pytest.mark.parametrize(
    "template", ["/admin/regions/{}", "/admin/municipalities/{}", "/admin/users/{}/edit", "/admin/regions/{}/edit"]
)
def test_ids_beyond_the_database_range_are_not_found(client, login_as, template, number):
    login_as(Role.admin)
    response = client.get(template.format(number))
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.get_data(as_text=True)


def test_the_largest_database_id_still_routes(client, login_as):
    login_as(Role.admin)
    assert client.get("/admin/regions/2147483647").status_code == 404  # routed, just not there


def test_posting_beyond_the_range_changes_nothing(client, login_as, create_user):
    login_as(Role.admin)
    assert client.post("/admin/users/2147483648/deactivate").status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("post", "/admin/regions/new", {"name": "Regio\x00Noord", "description": ""}),
        ("post", "/admin/regions/new", {"name": "Regio Noord", "description": "a\x00b"}),
        ("post", "/admin/regions/new", {"name\x00": "x"}),
        ("get", "/admin/municipalities?q=zaan%00stad", None),
        ("post", "/auth/login", {"email": "a@b.nl", "password": "x\x00y"}),
    ],
)
def test_nul_characters_are_refused_before_any_view(client, login_as, method, path, data):
    login_as(Role.admin)
    response = getattr(client, method)(path, data=data)
    assert response.status_code == 400
    assert "ongeldig teken" in response.get_data(as_text=True)
    assert db.session.scalars(select(Region)).all() == []


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 1024 * 1024}])
def test_an_oversized_post_gets_the_dutch_limit_page(client, login_as):
    login_as(Role.admin)
    response = client.post("/admin/regions/new", data={"name": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Bestand te groot" in page and "Het maximum is 1 MB." in page
    assert db.session.scalars(select(Region)).all() == []
