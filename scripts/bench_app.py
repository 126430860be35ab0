"""The app the benchmark measures (``make bench``): production settings, plus a floor page.

Shared by the in-process measurements (``scripts/bench.py``) and the gunicorn run (``scripts/bench_wsgi.py``), so
both serve the same app. What differs from a production deployment, and why:

- no ``instance/config.py`` and no ``PEERREVIEW_*`` variables: the mapping below is the whole configuration;
- ``SESSION_COOKIE_SECURE``/``REMEMBER_COOKIE_SECURE`` off, as ``make run`` writes them: the bench talks plain http
  to 127.0.0.1 (the test client and gunicorn alike);
- neither ``DEBUG`` nor ``TESTING`` (``TESTING`` turns off HSTS and the secret-key check and lets exceptions
  through), and the log-in throttling (Flask-Limiter) stays on: only *failed* log-ins count and the bench logs in
  a handful of times, so it never throttles; the load run requests pages, not the log-in.

The floor page (``/_bench/floor``) renders the base layout with an empty content block for an anonymous visitor:
no database work (the bench checks that it makes no query). Every key page is reported as a multiple of it.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOOR_PATH = "/_bench/floor"
#: The template of the floor page: the base layout, nothing in it.
FLOOR_TEMPLATE = '{% extends "base.html" %}{% block title %}Vloer{% endblock %}{% block content %}{% endblock %}'


def bench_config(database_url: str, secret_key: str, **extra: object) -> dict:
    return {**extra,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": secret_key,
        "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
        "QUESTIONNAIRES_PATH": str(ROOT / "questionnaires"),
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
    }


def add_floor(app):
    """The floor page, compiled once as every page's template is (``render_template_string`` would compile the
    source again on every request: 1.1 ms instead of 0.4 ms, a floor that flatters every ratio)."""
    compiled = []

    def floor_page() -> str:
        from flask import render_template

        if not compiled:
            compiled.append(app.jinja_env.from_string(FLOOR_TEMPLATE))
        return render_template(compiled[0])

    app.add_url_rule(FLOOR_PATH, endpoint="bench_floor", view_func=floor_page)
    return app


def make_app(database_url: str, secret_key: str, instance_path: str, **extra: object):
    """The measured app, with the floor page (``extra``: more configuration, e.g. ``REPORT_CACHE_SIZE=0``)."""
    from peerreview import create_app

    return add_floor(create_app(bench_config(database_url, secret_key, **extra), instance_path=instance_path))


def migrate(app) -> None:
    """The schema as production gets it: every Alembic revision."""
    from flask_migrate import upgrade

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))


def alembic_head() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(ROOT / "migrations")).get_current_head() or "none"
