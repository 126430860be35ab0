"""Static files and compression (peerreview/assets.py): content-hashed URLs with a year's immutable cache, the
plotly bundle's precompressed copies, compressed pages, and logged-in pages that stay out of every cache."""

from __future__ import annotations

import gzip
from pathlib import Path

import brotli
from flask import url_for

from peerreview.assets import PLOTLY_BUNDLE
from peerreview.domain.roles import Role
from tests.conftest import PASSWORD

IMMUTABLE = "public, max-age=31536000, immutable"


def static_url(app, filename: str) -> str:
    with app.test_request_context():
        return url_for("static", filename=filename)


def test_a_static_url_carries_its_content_hash_and_only_that_url_is_kept_a_year(app, client):
    url = static_url(app, "css/app.css")
    path, _, version = url.partition("?v=")
    assert path == "/static/css/app.css" and len(version) == 12
    fresh = client.get(url)
    assert fresh.status_code == 200 and fresh.headers["Cache-Control"] == IMMUTABLE
    for other in (path, f"{path}?v=000000000000"):  # no hash, or an old one: ask again next time
        response = client.get(other)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-cache"
    assert static_url(app, "js/charts.js") != static_url(app, "js/app.js")


def test_the_plotly_bundle_is_sent_as_its_brotli_or_gzip_copy(app, client):
    url = static_url(app, PLOTLY_BUNDLE)
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    original = plain.get_data()
    assert plain.headers.get("Content-Encoding") is None and original.startswith(b"/**\n* plotly.js v")
    br = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert br.headers["Content-Encoding"] == "br" and "Accept-Encoding" in br.headers["Vary"]
    assert brotli.decompress(br.get_data()) == original
    assert len(br.get_data()) <= 400 * 1024 and br.headers["Cache-Control"] == IMMUTABLE
    gz = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip" and gzip.decompress(gz.get_data()) == original
    assert client.get(url.split("?")[0] + ".br").status_code == 404  # the copies only under the file's own name
    for response in (plain, br, gz):
        response.close()


def test_pages_and_small_static_files_are_compressed(app, client):
    page = client.get("/auth/login", headers={"Accept-Encoding": "br"})
    assert page.headers["Content-Encoding"] == "br" and b"Inloggen" in brotli.decompress(page.get_data())
    css = client.get(static_url(app, "css/app.css"), headers={"Accept-Encoding": "gzip"})
    assert css.headers["Content-Encoding"] == "gzip" and b".actions--sticky" in gzip.decompress(css.get_data())
    assert client.get("/auth/login", headers={"Accept-Encoding": "identity"}).headers.get("Content-Encoding") is None


def test_logged_in_pages_are_never_stored_but_static_files_are(app, client, create_user):
    user = create_user(Role.admin)
    assert client.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    page = client.get("/start", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert page.headers["Content-Encoding"] == "gzip"
    assert client.get(static_url(app, "css/app.css")).headers["Cache-Control"] == IMMUTABLE


def test_a_folder_is_no_static_file_and_the_files_do_not_vary_with_the_session(app, client, login_as):
    """/static/css is a 404 (it was a 500), and a logged-in browser gets the same immutable file as anyone: no
    ``Vary: Cookie`` (the session cookie changes every few seconds), and ``Accept-Encoding: *`` gets the
    precompressed copy instead of compressing the bundle again."""
    for folder in ("/static/css", "/static/css/", "/static/vendor"):
        assert client.get(folder).status_code == 404
    login_as(Role.municipal_lead)
    assert client.get("/").status_code in (200, 302)
    response = client.get(static_url(app, "js/app.js"))
    assert response.status_code == 200 and response.headers["Cache-Control"] == IMMUTABLE
    assert "cookie" not in response.headers.get("Vary", "").lower()
    assert "Set-Cookie" not in response.headers
    star = client.get(static_url(app, PLOTLY_BUNDLE), headers={"Accept-Encoding": "*"})
    assert star.headers["Content-Encoding"] == "br"
    kept = Path(app.static_folder) / f"{PLOTLY_BUNDLE}.br"
    try:
        assert len(star.get_data()) == kept.stat().st_size
    finally:
        star.close()
