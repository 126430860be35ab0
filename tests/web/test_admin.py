"""The Beheer area: regions, gemeenten and users, for admins and region coordinators.

Every test checks what is stored after the request, not only the page that comes back.
"""

from __future__ import annotations

import html
import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select

from peerreview.domain import permissions
from peerreview.domain.roles import Role
from peerreview.extensions import db
from peerreview.mail import outbox
from peerreview.models import Municipality, Region, RegionMembership, User

# ---------------------------------------------------------------- helpers


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def field_error(response, field_id: str) -> str:
    """The error shown under one field ('' when there is none)."""
    pattern = rf'<p class="field__error" id="{field_id}-error">(.*?)</p>'
    match = re.search(pattern, response.get_data(as_text=True), re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))) if match else ""


def input_value(response, field_id: str) -> str | None:
    match = re.search(rf'<input[^>]*\bid="{field_id}"[^>]*>', response.get_data(as_text=True))
    if not match:
        return None
    value = re.search(r'\bvalue="([^"]*)"', match.group(0))
    return html.unescape(value.group(1)) if value else ""


def selected_option(response, field_id: str) -> str | None:
    match = re.search(rf'<select[^>]*\bid="{field_id}"[^>]*>(.*?)</select>', response.get_data(as_text=True), re.S)
    if not match:
        return None
    chosen = re.search(r'<option selected value="([^"]*)"', match.group(1))
    return chosen.group(1) if chosen else None


def option_values(response, field_id: str) -> set[str]:
    match = re.search(rf'<select[^>]*\bid="{field_id}"[^>]*>(.*?)</select>', response.get_data(as_text=True), re.S)
    return set(re.findall(r'value="([^"]*)"', match.group(1))) - {""} if match else set()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def fresh(model, id_: int):
    """The row as stored now (not a stale object from the identity map)."""
    db.session.expire_all()
    return db.session.get(model, id_)


def user_by_email(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def activation_path(mail) -> str:
    return re.search(r"https?://[^/\s]+(/auth/activate/\S+)", mail.body).group(1)


@contextmanager
def counting_queries():
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


# ---------------------------------------------------------------- a small world: two regions


@pytest.fixture
def world(create_region, create_municipality):
    """North (two members) and South (one member); one gemeente belongs to no region."""
    north = create_region("Regio Noord")
    south = create_region("Regio Zuid")
    return {
        "north": north,
        "south": south,
        "n1": create_municipality("Noorddorp", cbs_code="GM1001", inhabitants=12_000, region=north),
        "n2": create_municipality("Noordstad", cbs_code="GM1002", inhabitants=64_000, region=north),
        "s1": create_municipality("Zuidhaven", cbs_code="GM2001", inhabitants=150_000, region=south),
        "loose": create_municipality("Losdorp", cbs_code="GM3001", inhabitants=8_000),
    }


@pytest.fixture
def admin(login_as):
    return login_as(Role.admin, name="Anna Admin", email="anna@beheer.nl")


@pytest.fixture
def coordinator(login_as, world):
    return login_as(Role.region_coordinator, region=world["north"], name="Nico Noord")


# ---------------------------------------------------------------- who gets in


ADMIN_GET_URLS = (
    "/admin/", "/admin/regions", "/admin/regions/new", "/admin/municipalities", "/admin/municipalities/new",
    "/admin/users", "/admin/users/invite",
)


@pytest.mark.parametrize("url", ADMIN_GET_URLS)
def test_anonymous_is_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/auth/login" in response.location


def test_anonymous_post_changes_nothing(client, world):
    response = client.post("/admin/regions/new", data={"name": "Stiekem"})
    assert response.status_code == 302 and "/auth/login" in response.location
    assert db.session.scalar(select(Region).where(Region.name == "Stiekem")) is None


@pytest.mark.parametrize("role", [Role.municipal_lead, Role.municipal_contributor, Role.peer_reviewer])
def test_gemeente_users_and_peers_get_403_on_every_admin_url(client, login_as, create_user, world, role):
    me = login_as(role, municipality=world["n1"])
    other = create_user(Role.municipal_contributor, municipality=world["n1"], password=None)
    north, n1 = world["north"].id, world["n1"].id
    gets = [*ADMIN_GET_URLS, f"/admin/regions/{north}", f"/admin/regions/{north}/edit",
            f"/admin/regions/{north}/delete", f"/admin/municipalities/{n1}", f"/admin/municipalities/{n1}/edit",
            f"/admin/users/{other.id}/edit", f"/admin/users/{me.id}/edit"]
    for url in gets:
        assert client.get(url).status_code == 403, url
    posts = {
        "/admin/regions/new": {"name": "X"},
        f"/admin/regions/{north}/members": {"municipality_id": world["loose"].id},
        f"/admin/regions/{north}/members/{n1}/remove": {},
        "/admin/users/invite": {"email": "x@y.nl", "name": "X", "role": "admin"},
        f"/admin/users/{other.id}/resend-invitation": {},
        f"/admin/users/{other.id}/deactivate": {},
        f"/admin/users/{me.id}/edit": {"name": "Ik", "role": "admin"},
    }
    for url, data in posts.items():
        assert client.post(url, data=data).status_code == 403, url
    assert count(Region) == 2
    assert fresh(User, me.id).role is role
    assert fresh(User, other.id).is_active
    assert len(fresh(Region, north).memberships) == 2
    assert outbox() == []


def test_missing_objects_give_404(client, admin):
    for url in ("/admin/regions/999", "/admin/regions/999/edit", "/admin/municipalities/999",
                "/admin/municipalities/999/edit", "/admin/users/999/edit"):
        assert client.get(url).status_code == 404, url
    assert client.post("/admin/users/999/deactivate").status_code == 404


def test_admin_index_links_the_three_areas(client, admin):
    page = text_of(client.get("/admin/"))
    for href in ('href="/admin/regions"', 'href="/admin/municipalities"', 'href="/admin/users"'):
        assert href in page
    assert 'aria-label="Kruimelpad"' in page


def test_coordinator_index_shows_their_region(client, coordinator, world):
    page = text_of(client.get("/admin/"))
    assert f'href="/admin/regions/{world["north"].id}"' in page
    assert "Regio Noord" in page


# ---------------------------------------------------------------- regions (admin)


def test_admin_creates_a_region(client, admin):
    response = client.post("/admin/regions/new", data={"name": "  Veiligheidsregio  West ", "description": "Tien"})
    region = db.session.scalar(select(Region).where(Region.name == "Veiligheidsregio West"))
    assert region is not None and region.description == "Tien"
    assert response.status_code == 302 and response.location.endswith(f"/admin/regions/{region.id}")


def test_region_name_is_unique_whatever_the_case(client, admin, world):
    response = client.post("/admin/regions/new", data={"name": "regio noord", "description": "dubbel"})
    assert response.status_code == 200
    assert "Er bestaat al een regio met de naam" in field_error(response, "name")
    assert input_value(response, "name") == "regio noord"
    assert "Er is een probleem" in text_of(response)
    assert count(Region) == 2


def test_region_name_is_required(client, admin):
    response = client.post("/admin/regions/new", data={"name": "  ", "description": "x"})
    assert field_error(response, "name") == "Fout: Vul de naam van de regio in."
    assert count(Region) == 0


def test_admin_renames_a_region(client, admin, world):
    north = world["north"]
    response = client.post(f"/admin/regions/{north.id}/edit", data={"name": "Regio Noordkust", "description": "Nieuw"})
    assert response.status_code == 302
    stored = fresh(Region, north.id)
    assert (stored.name, stored.description) == ("Regio Noordkust", "Nieuw")


def test_renaming_to_another_regions_name_is_refused(client, admin, world):
    north = world["north"]
    response = client.post(f"/admin/regions/{north.id}/edit", data={"name": "Regio Zuid", "description": ""})
    assert "Er bestaat al een regio" in field_error(response, "name")
    assert fresh(Region, north.id).name == "Regio Noord"


def test_admin_deletes_a_region_without_coordinators_and_keeps_its_gemeenten(client, admin, world):
    north = world["north"]
    assert "Weet u zeker" in text_of(client.get(f"/admin/regions/{north.id}/delete"))
    response = client.post(f"/admin/regions/{north.id}/delete")
    assert response.status_code == 302 and response.location.endswith("/admin/regions")
    assert fresh(Region, north.id) is None
    assert db.session.scalar(select(func.count()).select_from(RegionMembership)
                             .where(RegionMembership.region_id == north.id)) == 0
    assert fresh(Municipality, world["n1"].id) is not None


def test_region_with_a_coordinator_cannot_be_deleted_and_the_page_says_why(client, admin, world, create_user):
    north = world["north"]
    create_user(Role.region_coordinator, region=north, name="Carla Coördinator")
    page = text_of(client.get(f"/admin/regions/{north.id}/delete"))
    assert "nog 1 regiocoördinator" in page and "Carla Coördinator" in page
    assert "Ja, verwijder" not in page
    response = client.post(f"/admin/regions/{north.id}/delete")
    assert response.status_code == 200
    assert fresh(Region, north.id) is not None


def test_region_page_shows_members_and_users(client, admin, world, create_user):
    north = world["north"]
    create_user(Role.region_coordinator, region=north, name="Carla Coördinator")
    create_user(Role.peer_reviewer, municipality=world["n2"], name="Piet Peer")
    create_user(Role.municipal_lead, municipality=world["s1"], name="Zus Zuid")
    page = text_of(client.get(f"/admin/regions/{north.id}"))
    assert "Noorddorp" in page and "GM1001" in page and "12.000" in page and "Klein (minder dan 20.000" in page
    assert "Noordstad" in page and "Groot (50.000 tot 100.000" in page
    assert "Carla Coördinator" in page and "Piet Peer" in page
    assert "Zus Zuid" not in page
    assert '<th scope="col">' in page and "<caption" in page
    assert option_values(client.get(f"/admin/regions/{north.id}"), "municipality_id") == {
        str(world["s1"].id), str(world["loose"].id)}


def test_admin_adds_and_removes_a_member(client, admin, world):
    north, loose, n1 = world["north"], world["loose"], world["n1"]
    response = client.post(f"/admin/regions/{north.id}/members", data={"municipality_id": loose.id})
    assert response.status_code == 302
    assert fresh(Region, north.id) and {m.municipality_id for m in fresh(Region, north.id).memberships} == {
        n1.id, world["n2"].id, loose.id}
    response = client.post(f"/admin/regions/{north.id}/members/{n1.id}/remove")
    assert response.status_code == 302
    assert {m.municipality_id for m in fresh(Region, north.id).memberships} == {world["n2"].id, loose.id}
    assert fresh(Municipality, n1.id) is not None


def test_adding_a_member_twice_or_nothing_is_refused(client, admin, world):
    north = world["north"]
    response = client.post(f"/admin/regions/{north.id}/members", data={"municipality_id": world["n1"].id})
    assert field_error(response, "municipality_id") == "Fout: Kies een gemeente uit de lijst."
    response = client.post(f"/admin/regions/{north.id}/members", data={"municipality_id": ""})
    assert "Kies de gemeente die u wilt toevoegen" in field_error(response, "municipality_id")
    response = client.post(f"/admin/regions/{north.id}/members", data={"municipality_id": "abc"})
    assert "Kies een gemeente uit de lijst" in field_error(response, "municipality_id")
    assert len(fresh(Region, north.id).memberships) == 2


def test_removing_a_non_member_changes_nothing(client, admin, world):
    north = world["north"]
    response = client.post(f"/admin/regions/{north.id}/members/{world['s1'].id}/remove", follow_redirects=True)
    assert "Zuidhaven is geen lid van deze regio." in text_of(response)
    assert len(fresh(Region, north.id).memberships) == 2
    assert len(fresh(Region, world["south"].id).memberships) == 1


# ---------------------------------------------------------------- regions (coordinator)


def test_coordinator_sees_only_own_region(client, coordinator, world):
    page = text_of(client.get("/admin/regions"))
    assert "Regio Noord" in page and "Regio Zuid" not in page
    assert "Nieuwe regio" not in page
    assert client.get(f"/admin/regions/{world['north'].id}").status_code == 200
    assert client.get(f"/admin/regions/{world['south'].id}").status_code == 403


def test_coordinator_cannot_create_rename_or_delete_regions(client, coordinator, world):
    north, south = world["north"], world["south"]
    assert client.get("/admin/regions/new").status_code == 403
    assert client.post("/admin/regions/new", data={"name": "Eigen regio"}).status_code == 403
    for region in (north, south):
        assert client.post(f"/admin/regions/{region.id}/edit", data={"name": "Hernoemd"}).status_code == 403
        assert client.post(f"/admin/regions/{region.id}/delete").status_code == 403
    assert "Naam en omschrijving wijzigen" not in text_of(client.get(f"/admin/regions/{north.id}"))
    assert {r.name for r in db.session.scalars(select(Region))} == {"Regio Noord", "Regio Zuid"}


def test_coordinator_manages_members_of_own_region_only(client, coordinator, world):
    north, south = world["north"], world["south"]
    assert client.post(f"/admin/regions/{north.id}/members", data={"municipality_id": world["loose"].id}
                       ).status_code == 302
    assert client.post(f"/admin/regions/{north.id}/members/{world['n1'].id}/remove").status_code == 302
    assert client.post(f"/admin/regions/{south.id}/members", data={"municipality_id": world["loose"].id}
                       ).status_code == 403
    assert client.post(f"/admin/regions/{south.id}/members/{world['s1'].id}/remove").status_code == 403
    assert {m.municipality_id for m in fresh(Region, north.id).memberships} == {world["n2"].id, world["loose"].id}
    assert {m.municipality_id for m in fresh(Region, south.id).memberships} == {world["s1"].id}


def test_coordinator_cannot_pull_another_regions_gemeente_into_own_region(client, coordinator, world):
    """Membership decides whose users a coordinator manages: joining a second region is the admin's call."""
    north, s1 = world["north"], world["s1"]
    page = client.get(f"/admin/regions/{north.id}")
    assert str(s1.id) not in option_values(page, "municipality_id")
    assert str(world["loose"].id) in option_values(page, "municipality_id")
    crafted = client.post(f"/admin/regions/{north.id}/members", data={"municipality_id": s1.id})
    assert crafted.status_code == 200
    assert field_error(crafted, "municipality_id")
    assert {m.region_id for m in fresh(Municipality, s1.id).memberships} == {world["south"].id}
    assert client.get(f"/admin/municipalities/{s1.id}").status_code == 403


def test_admin_may_add_a_gemeente_to_a_second_region(client, admin, world):
    north, s1 = world["north"], world["s1"]
    response = client.post(f"/admin/regions/{north.id}/members", data={"municipality_id": s1.id})
    assert response.status_code == 302
    assert {m.region_id for m in fresh(Municipality, s1.id).memberships} == {north.id, world["south"].id}


# ---------------------------------------------------------------- gemeenten


def gemeente(**overrides: object) -> dict:
    data = {"name": "Amsterdam", "cbs_code": "GM0363", "inhabitants": "931298", "province": "Noord-Holland"}
    data.update(overrides)
    return data


def test_admin_creates_a_gemeente_with_a_normalised_cbs_code(client, admin):
    response = client.post("/admin/municipalities/new", data=gemeente(cbs_code=" gm0363 ", inhabitants="931.298"))
    stored = db.session.scalar(select(Municipality).where(Municipality.cbs_code == "GM0363"))
    assert stored is not None and stored.inhabitants == 931_298 and stored.province == "Noord-Holland"
    assert response.status_code == 302 and response.location.endswith(f"/admin/municipalities/{stored.id}")
    page = text_of(client.get(response.location))
    assert "Zeer groot (100.000 inwoners of meer)" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"cbs_code": "GM1001"}, "cbs_code", "Er bestaat al een gemeente met CBS-code GM1001."),
        ({"cbs_code": "gm1001"}, "cbs_code", "Er bestaat al een gemeente met CBS-code GM1001."),
        ({"cbs_code": "0363"}, "cbs_code", "Een CBS-code bestaat uit ‘GM’ gevolgd door vier cijfers"),
        ({"cbs_code": "GM03631"}, "cbs_code", "Een CBS-code bestaat uit ‘GM’ gevolgd door vier cijfers"),
        ({"cbs_code": ""}, "cbs_code", "Vul de CBS-code in"),
        ({"inhabitants": "-5"}, "inhabitants", "Vul een aantal inwoners in tussen 1 en 2.000.000."),
        ({"inhabitants": "99999999999999999999999"}, "inhabitants", "tussen 1 en 2.000.000"),
        ({"inhabitants": "veel"}, "inhabitants", "Vul het aantal inwoners in als heel getal"),
        ({"inhabitants": "12,5"}, "inhabitants", "Vul het aantal inwoners in als heel getal"),
        ({"inhabitants": ""}, "inhabitants", "Vul het aantal inwoners in."),
        ({"name": ""}, "name", "Vul de naam van de gemeente in."),
        ({"province": "Atlantis"}, "province", "Kies een provincie uit de lijst."),
    ],
)
def test_bad_gemeente_input_is_refused_on_the_field(client, admin, world, overrides, field, message):
    before = count(Municipality)
    data = gemeente(**overrides)
    response = client.post("/admin/municipalities/new", data=data)
    assert response.status_code == 200
    assert message in field_error(response, field)
    assert "Er is een probleem" in text_of(response)
    for typed in ("name", "cbs_code", "inhabitants"):
        assert input_value(response, typed) == data[typed], typed
    assert count(Municipality) == before


def test_every_gemeente_problem_is_reported_at_once(client, admin):
    response = client.post("/admin/municipalities/new", data=gemeente(cbs_code="XX", inhabitants="0"))
    assert field_error(response, "cbs_code") and field_error(response, "inhabitants")
    assert count(Municipality) == 0


def test_admin_edits_a_gemeente(client, admin, world):
    n1 = world["n1"]
    response = client.post(f"/admin/municipalities/{n1.id}/edit",
                           data=gemeente(name="Noorddorp", cbs_code="GM1001", inhabitants="25000", province=""))
    assert response.status_code == 302
    stored = fresh(Municipality, n1.id)
    assert (stored.inhabitants, stored.size_class_key, stored.cbs_code) == (25_000, "middelgroot", "GM1001")


def test_editing_to_another_gemeentes_cbs_code_is_refused(client, admin, world):
    n1 = world["n1"]
    response = client.post(f"/admin/municipalities/{n1.id}/edit", data=gemeente(name="Noorddorp", cbs_code="GM2001"))
    assert "Er bestaat al een gemeente met CBS-code GM2001." in field_error(response, "cbs_code")
    assert input_value(response, "cbs_code") == "GM2001"
    assert fresh(Municipality, n1.id).cbs_code == "GM1001"


def test_gemeente_list_search_and_filters(client, admin, world):
    def names(query: str) -> set[str]:
        page = text_of(client.get("/admin/municipalities" + query))
        return {n for n in ("Noorddorp", "Noordstad", "Zuidhaven", "Losdorp") if f">{n}</a>" in page}

    assert names("") == {"Noorddorp", "Noordstad", "Zuidhaven", "Losdorp"}
    assert names("?q=noord") == {"Noorddorp", "Noordstad"}
    assert names("?q=gm2001") == {"Zuidhaven"}
    assert names("?q=%25") == set()  # a wildcard is searched for literally
    assert names(f"?region_id={world['north'].id}") == {"Noorddorp", "Noordstad"}
    assert names("?size_class=klein") == {"Noorddorp", "Losdorp"}
    assert names(f"?region_id={world['north'].id}&size_class=groot") == {"Noordstad"}


def test_a_bad_filter_value_is_explained_not_a_crash(client, admin, world):
    response = client.get("/admin/municipalities?size_class=reusachtig&region_id=abc")
    assert response.status_code == 200
    assert "Kies een grootteklasse uit de lijst." in field_error(response, "size_class")


def test_coordinator_sees_gemeenten_of_own_region_only(client, coordinator, world):
    page = text_of(client.get("/admin/municipalities"))
    assert ">Noorddorp</a>" in page and ">Noordstad</a>" in page
    assert "Zuidhaven" not in page and "Losdorp" not in page
    assert "Nieuwe gemeente" not in page
    other_region = text_of(client.get(f"/admin/municipalities?region_id={world['south'].id}"))
    assert "Zuidhaven" not in other_region
    assert client.get(f"/admin/municipalities/{world['n1'].id}").status_code == 200
    assert client.get(f"/admin/municipalities/{world['s1'].id}").status_code == 403
    assert client.get(f"/admin/municipalities/{world['loose'].id}").status_code == 403


def test_coordinator_cannot_create_or_edit_gemeenten(client, coordinator, world):
    n1 = world["n1"]
    assert client.get("/admin/municipalities/new").status_code == 403
    assert client.post("/admin/municipalities/new", data=gemeente()).status_code == 403
    assert client.post(f"/admin/municipalities/{n1.id}/edit", data=gemeente(name="Anders", cbs_code="GM1001")
                       ).status_code == 403
    assert fresh(Municipality, n1.id).name == "Noorddorp"
    assert count(Municipality) == 4


# ---------------------------------------------------------------- users: invite


def invitation(**overrides: object) -> dict:
    data = {"email": "Nieuwe.Collega@Gemeente.NL", "name": "Nieuwe Collega", "role": "municipal_lead",
            "municipality_id": "", "region_id": ""}
    data.update(overrides)
    return data


def test_admin_invites_a_user_who_can_activate_with_the_mailed_link(client, admin, world):
    response = client.post("/admin/users/invite", data=invitation(municipality_id=world["n1"].id))
    assert response.status_code == 302 and response.location.endswith("/admin/users")
    user = user_by_email("nieuwe.collega@gemeente.nl")
    assert user is not None
    assert (user.role, user.municipality_id, user.region_id) == (Role.municipal_lead, world["n1"].id, None)
    assert user.password_hash is None and user.is_active and user.invited_at is not None
    [mail] = outbox()
    assert mail.to == "nieuwe.collega@gemeente.nl"
    assert "Anna Admin" in mail.body
    client.post("/auth/logout")
    assert client.get(activation_path(mail)).status_code == 200


def test_without_a_mail_server_the_inviter_sees_the_link(client, admin, world):
    response = client.post("/admin/users/invite", data=invitation(municipality_id=world["n1"].id),
                           follow_redirects=True)
    page = text_of(response)
    [mail] = outbox()
    assert "De uitnodiging is verstuurd naar nieuwe.collega@gemeente.nl." in page
    assert activation_path(mail) in page


@pytest.mark.parametrize("app_config", [{"MAIL_SERVER": "smtp.example.nl"}])
def test_with_a_mail_server_the_link_is_not_shown(client, admin, world, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, *args, **kwargs) -> None:
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            pass

        def starttls(self) -> None:
            pass

        def send_message(self, message) -> None:
            sent.append(message)

    monkeypatch.setattr("peerreview.mail.smtplib.SMTP", FakeSMTP)
    response = client.post("/admin/users/invite", data=invitation(municipality_id=world["n1"].id),
                           follow_redirects=True)
    page = text_of(response)
    assert len(sent) == 1
    assert "De uitnodiging is verstuurd" in page
    assert "/auth/activate/" not in page


@pytest.mark.parametrize("app_config", [{"MAIL_SERVER": "smtp.example.nl"}])
def test_a_failing_mail_server_stores_nothing(client, admin, world, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no mail today")

    monkeypatch.setattr("peerreview.mail.smtplib.SMTP", refuse)
    response = client.post("/admin/users/invite", data=invitation(municipality_id=world["n1"].id))
    assert response.status_code == 200
    assert "De uitnodiging kon niet worden verstuurd" in text_of(response)
    assert user_by_email("nieuwe.collega@gemeente.nl") is None


def test_admin_invites_a_coordinator_and_an_admin(client, admin, world):
    client.post("/admin/users/invite", data=invitation(
        email="coord@regio.nl", role="region_coordinator", region_id=world["south"].id,
        municipality_id=world["n1"].id))
    client.post("/admin/users/invite", data=invitation(email="tweede@beheer.nl", role="admin"))
    coordinator = user_by_email("coord@regio.nl")
    assert (coordinator.role, coordinator.region_id, coordinator.municipality_id) == (
        Role.region_coordinator, world["south"].id, None)  # the gemeente is dropped for a coordinator
    assert user_by_email("tweede@beheer.nl").role is Role.admin


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "geen-adres"}, "email", "Vul een geldig e-mailadres in"),
        ({"email": "iemand@@gemeente"}, "email", "Vul een geldig e-mailadres in"),
        ({"email": ""}, "email", "Vul een e-mailadres in."),
        ({"email": "ANNA@Beheer.nl"}, "email", "Er bestaat al een account met het e-mailadres anna@beheer.nl."),
        ({"municipality_id": ""}, "municipality_id", "Kies de gemeente van deze gebruiker"),
        ({"role": "peer_reviewer", "municipality_id": ""}, "municipality_id", "Kies de gemeente van deze gebruiker"),
        ({"role": "region_coordinator"}, "region_id", "Kies de regio die deze regiocoördinator coördineert."),
        ({"role": ""}, "role", "Kies een rol."),
        ({"role": "keizer"}, "role", "Kies een rol uit de lijst."),
        ({"municipality_id": "99999"}, "municipality_id", "Kies een gemeente uit de lijst."),
        ({"name": ""}, "name", "Vul de naam van de gebruiker in."),
    ],
)
def test_bad_invitation_input_is_refused_on_the_field(client, admin, world, overrides, field, message):
    before = count(User)
    data = invitation(**overrides)
    response = client.post("/admin/users/invite", data=data)
    assert response.status_code == 200
    assert message in field_error(response, field)
    assert input_value(response, "email") == data["email"]
    assert input_value(response, "name") == data["name"]
    assert count(User) == before
    assert outbox() == []


def test_typed_choices_are_kept_after_an_error(client, admin, world):
    response = client.post("/admin/users/invite", data=invitation(
        email="fout", role="peer_reviewer", municipality_id=world["n2"].id))
    assert selected_option(response, "role") == "peer_reviewer"
    assert selected_option(response, "municipality_id") == str(world["n2"].id)


# ---------------------------------------------------------------- users: coordinator limits


def test_coordinator_invites_within_own_region(client, coordinator, world):
    form = client.get("/admin/users/invite")
    assert option_values(form, "role") == {"region_coordinator", "municipal_lead", "municipal_contributor",
                                           "peer_reviewer"}
    assert option_values(form, "municipality_id") == {str(world["n1"].id), str(world["n2"].id)}
    assert option_values(form, "region_id") == {str(world["north"].id)}
    client.post("/admin/users/invite", data=invitation(role="peer_reviewer", municipality_id=world["n2"].id))
    client.post("/admin/users/invite", data=invitation(email="co@noord.nl", role="region_coordinator",
                                                         region_id=world["north"].id))
    assert user_by_email("nieuwe.collega@gemeente.nl").municipality_id == world["n2"].id
    assert user_by_email("co@noord.nl").region_id == world["north"].id
    assert len(outbox()) == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"role": "admin"}, "role"),
        ({"role": "municipal_lead", "municipality_id": "s1"}, "municipality_id"),
        ({"role": "peer_reviewer", "municipality_id": "loose"}, "municipality_id"),
        ({"role": "region_coordinator", "region_id": "south"}, "region_id"),
    ],
)
def test_coordinator_cannot_craft_an_invitation_outside_their_region(client, coordinator, world, overrides, field):
    data = invitation(**{k: (world[v].id if v in world else v) for k, v in overrides.items()})
    response = client.post("/admin/users/invite", data=data)
    assert response.status_code == 200
    assert field_error(response, field)
    assert user_by_email("nieuwe.collega@gemeente.nl") is None
    assert outbox() == []


def test_coordinator_sees_and_manages_only_users_of_own_region(client, coordinator, world, create_user):
    mine = [
        create_user(Role.municipal_lead, municipality=world["n1"], name="Mijn Trekker"),
        create_user(Role.peer_reviewer, municipality=world["n2"], name="Mijn Peer"),
        create_user(Role.region_coordinator, region=world["north"], name="Mijn Collega"),
    ]
    theirs = [
        create_user(Role.municipal_lead, municipality=world["s1"], name="Zuid Trekker"),
        create_user(Role.peer_reviewer, municipality=world["loose"], name="Los Peer"),
        create_user(Role.region_coordinator, region=world["south"], name="Zuid Coördinator"),
        create_user(Role.admin, name="Bea Beheer"),
    ]
    page = text_of(client.get("/admin/users"))
    for user in mine:
        assert user.name in page
        assert client.get(f"/admin/users/{user.id}/edit").status_code == 200
    for user in theirs:
        assert user.name not in page
        assert client.get(f"/admin/users/{user.id}/edit").status_code == 403
        assert client.post(f"/admin/users/{user.id}/deactivate").status_code == 403
        assert client.post(f"/admin/users/{user.id}/edit", data={"name": "Gekaapt", "role": user.role.value}
                           ).status_code == 403
        stored = fresh(User, user.id)
        assert stored.is_active and stored.name == user.name
    # The list is exactly what the permission rule allows.
    everyone = db.session.scalars(select(User)).all()
    listed = {u.id for u in everyone if f'href="/admin/users/{u.id}/edit"' in page}
    allowed = {u.id for u in everyone if permissions.can_manage_user(
        fresh(User, coordinator.id), u,
        target_municipality_region_ids=u.municipality.region_ids if u.municipality else set())}
    assert listed == allowed


def test_coordinator_cannot_move_a_user_out_of_the_region_or_promote_to_admin(client, coordinator, world, create_user):
    lead = create_user(Role.municipal_lead, municipality=world["n1"])
    attempts = [
        ({"role": "admin"}, "role"),
        ({"role": "municipal_lead", "municipality_id": world["s1"].id}, "municipality_id"),
        ({"role": "region_coordinator", "region_id": world["south"].id}, "region_id"),
    ]
    for overrides, field in attempts:
        data = {"name": lead.name, "role": "municipal_lead", "municipality_id": world["n1"].id, "region_id": "",
                "is_active": "y", **overrides}
        response = client.post(f"/admin/users/{lead.id}/edit", data=data)
        assert response.status_code == 200
        assert field_error(response, field), overrides
        stored = fresh(User, lead.id)
        assert (stored.role, stored.municipality_id, stored.region_id) == (Role.municipal_lead, world["n1"].id, None)


def test_coordinator_can_make_a_member_user_coordinator_of_own_region(client, coordinator, world, create_user):
    lead = create_user(Role.municipal_lead, municipality=world["n1"])
    response = client.post(f"/admin/users/{lead.id}/edit", data={
        "name": lead.name, "role": "region_coordinator", "municipality_id": world["n1"].id,
        "region_id": world["north"].id, "is_active": "y"})
    assert response.status_code == 302
    stored = fresh(User, lead.id)
    assert (stored.role, stored.region_id, stored.municipality_id) == (Role.region_coordinator, world["north"].id, None)


# ---------------------------------------------------------------- users: edit, (de)activate, re-invite


def test_admin_edits_role_and_gemeente(client, admin, world, create_user):
    user = create_user(Role.municipal_contributor, municipality=world["n1"])
    response = client.post(f"/admin/users/{user.id}/edit", data={
        "name": "Nieuwe Naam", "role": "peer_reviewer", "municipality_id": world["s1"].id, "region_id": "",
        "is_active": "y"})
    assert response.status_code == 302
    stored = fresh(User, user.id)
    assert (stored.name, stored.role, stored.municipality_id, stored.is_active) == (
        "Nieuwe Naam", Role.peer_reviewer, world["s1"].id, True)


def test_edit_form_shows_current_values(client, admin, world, create_user):
    user = create_user(Role.peer_reviewer, municipality=world["n2"], name="Piet Peer")
    response = client.get(f"/admin/users/{user.id}/edit")
    assert input_value(response, "name") == "Piet Peer"
    assert selected_option(response, "role") == "peer_reviewer"
    assert selected_option(response, "municipality_id") == str(world["n2"].id)


def test_edit_refuses_a_municipal_role_without_gemeente(client, admin, world, create_user):
    user = create_user(Role.region_coordinator, region=world["north"])
    response = client.post(f"/admin/users/{user.id}/edit", data={
        "name": "X", "role": "municipal_lead", "municipality_id": "", "region_id": world["north"].id,
        "is_active": "y"})
    assert "Kies de gemeente van deze gebruiker" in field_error(response, "municipality_id")
    assert input_value(response, "name") == "X"
    stored = fresh(User, user.id)
    assert (stored.role, stored.region_id) == (Role.region_coordinator, world["north"].id)


def test_admin_deactivates_and_reactivates_a_user(client, admin, world, create_user):
    user = create_user(Role.municipal_lead, municipality=world["n1"])
    assert client.post(f"/admin/users/{user.id}/deactivate").status_code == 302
    assert fresh(User, user.id).is_active is False
    assert "Gedeactiveerd" in text_of(client.get(f"/admin/users/{user.id}/edit"))
    assert client.post(f"/admin/users/{user.id}/reactivate").status_code == 302
    assert fresh(User, user.id).is_active is True


def test_deactivation_through_the_edit_form(client, admin, world, create_user):
    user = create_user(Role.municipal_lead, municipality=world["n1"])
    client.post(f"/admin/users/{user.id}/edit", data={
        "name": user.name, "role": "municipal_lead", "municipality_id": world["n1"].id, "region_id": ""})
    assert fresh(User, user.id).is_active is False


def test_nobody_deactivates_or_demotes_themselves(client, admin):
    response = client.post(f"/admin/users/{admin.id}/deactivate", follow_redirects=True)
    assert "U kunt uw eigen account niet deactiveren." in text_of(response)
    page = client.get(f"/admin/users/{admin.id}/edit")
    assert selected_option(page, "role") is None and input_value(page, "is_active") is None
    # A crafted POST without the switch and with another role changes neither.
    client.post(f"/admin/users/{admin.id}/edit", data={"name": "Anna B. Admin", "role": "peer_reviewer",
                                                        "municipality_id": "", "region_id": ""})
    stored = fresh(User, admin.id)
    assert (stored.name, stored.role, stored.is_active) == ("Anna B. Admin", Role.admin, True)


def test_coordinator_cannot_demote_or_deactivate_themselves(client, coordinator, world):
    client.post(f"/admin/users/{coordinator.id}/deactivate")
    client.post(f"/admin/users/{coordinator.id}/edit", data={
        "name": "Nico", "role": "municipal_lead", "municipality_id": world["n1"].id,
        "region_id": world["north"].id})
    stored = fresh(User, coordinator.id)
    assert (stored.role, stored.is_active, stored.region_id) == (Role.region_coordinator, True, world["north"].id)


def test_resend_invitation_mails_a_working_link(client, admin, world, create_user):
    user = create_user(Role.municipal_lead, municipality=world["n1"], password=None)
    page = text_of(client.get(f"/admin/users/{user.id}/edit"))
    assert "Uitnodiging opnieuw versturen" in page and "Uitgenodigd" in page
    response = client.post(f"/admin/users/{user.id}/resend-invitation")
    assert response.status_code == 302
    [mail] = outbox()
    assert mail.to == user.email
    assert fresh(User, user.id).invited_at is not None
    client.post("/auth/logout")
    assert client.get(activation_path(mail)).status_code == 200


def test_spaces_around_an_invited_address_are_ignored(client, admin, world):
    response = client.post("/admin/users/invite", data={
        "email": "  Nieuw@Noorddorp.NL ", "name": "Nieuwe Collega", "role": "municipal_lead",
        "municipality_id": world["n1"].id})
    assert response.status_code == 302
    assert user_by_email("nieuw@noorddorp.nl") is not None


def test_a_new_invitation_voids_the_earlier_link(client, admin, world):
    client.post("/admin/users/invite", data={
        "email": "nieuw@noorddorp.nl", "name": "Nieuwe Collega", "role": "municipal_lead",
        "municipality_id": world["n1"].id})
    user = user_by_email("nieuw@noorddorp.nl")
    assert client.post(f"/admin/users/{user.id}/resend-invitation").status_code == 302
    first, second = outbox()
    client.post("/auth/logout")
    old = client.get(activation_path(first))
    assert old.status_code == 400
    assert "vervangen door een nieuwere" in text_of(old)
    assert client.get(activation_path(second)).status_code == 200
    assert not fresh(User, user.id).is_activated


def test_resend_is_refused_for_activated_and_deactivated_accounts(client, admin, world, create_user):
    active = create_user(Role.municipal_lead, municipality=world["n1"])
    switched_off = create_user(Role.municipal_lead, municipality=world["n1"], password=None, is_active=False)
    response = client.post(f"/admin/users/{active.id}/resend-invitation", follow_redirects=True)
    assert "Dit account is al geactiveerd" in text_of(response)
    response = client.post(f"/admin/users/{switched_off.id}/resend-invitation", follow_redirects=True)
    assert "Heractiveer het eerst" in text_of(response)
    assert outbox() == []
    assert fresh(User, switched_off.id).invited_at is None


def test_user_list_filters(client, admin, world, create_user):
    create_user(Role.municipal_lead, municipality=world["n1"], name="Actieve Trekker")
    create_user(Role.municipal_lead, municipality=world["s1"], name="Zuidelijke Trekker")
    create_user(Role.peer_reviewer, municipality=world["n1"], name="Uitgenodigde Peer", password=None)
    create_user(Role.peer_reviewer, municipality=world["n2"], name="Gestopte Peer", is_active=False)

    def names(query: str) -> set[str]:
        page = text_of(client.get("/admin/users" + query))
        return set(re.findall(r'/admin/users/\d+/edit">([^<]+)</a>', page))

    everyone = {"Anna Admin", "Actieve Trekker", "Zuidelijke Trekker", "Uitgenodigde Peer", "Gestopte Peer"}
    assert names("") == everyone
    assert names("?role=municipal_lead") == {"Actieve Trekker", "Zuidelijke Trekker"}
    assert names(f"?municipality_id={world['n1'].id}") == {"Actieve Trekker", "Uitgenodigde Peer"}
    assert names("?status=uitgenodigd") == {"Uitgenodigde Peer"}
    assert names("?status=gedeactiveerd") == {"Gestopte Peer"}
    assert names("?status=actief") == {"Anna Admin", "Actieve Trekker", "Zuidelijke Trekker"}
    assert names(f"?role=peer_reviewer&status=actief&municipality_id={world['n1'].id}") == set()


# ---------------------------------------------------------------- list pages stay cheap


def test_list_pages_do_not_query_per_row(client, admin, world, create_user, create_municipality):
    urls = ["/admin/regions", "/admin/municipalities", "/admin/users", f"/admin/regions/{world['north'].id}"]

    def queries() -> dict[str, int]:
        result = {}
        for url in urls:
            with counting_queries() as statements:
                assert client.get(url).status_code == 200
            result[url] = len(statements)
        return result

    create_user(Role.municipal_lead, municipality=world["n1"])
    create_user(Role.region_coordinator, region=world["north"])
    small = queries()
    for i in range(4):
        extra = create_municipality(f"Extra {i}", region=world["north"] if i % 2 else world["south"])
        create_user(Role.peer_reviewer, municipality=extra)
        create_user(Role.municipal_contributor, municipality=world["n2"])
    create_user(Role.region_coordinator, region=world["south"])
    assert queries() == small
