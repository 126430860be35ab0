from peerreview.domain.roles import Role


def test_start_page_after_login(client, login_as):
    login_as(Role.admin, name="Anna Admin")
    page = client.get("/start")
    assert page.status_code == 200
    assert "Welkom, Anna Admin" in page.get_data(as_text=True)
