"""peerreview: collegiale toetsing van de gemeentelijke regie op integrale veiligheid."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from .config import INSECURE_SECRET_KEY


class InsecureConfiguration(RuntimeError):
    pass


def create_app(test_config: Mapping[str, Any] | None = None, *, instance_path: str | None = None) -> Flask:
    """Build the app. Config: defaults, then ``instance/config.py``, then ``PEERREVIEW_*`` variables;
    ``test_config`` replaces the last two."""
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.config.from_object("peerreview.config.Defaults")
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("PEERREVIEW")
    else:
        app.config.update(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _finish_config(app)
    _refuse_insecure_config(app)

    register_extensions(app)
    register_questionnaires(app)
    register_request_guards(app)
    register_security(app)
    register_assets(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_template_helpers(app)
    register_cli(app)
    return app


def _finish_config(app: Flask) -> None:
    url = app.config.get("DATABASE_URL") or app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        url = "sqlite:///" + str(Path(app.instance_path) / "peerreview.sqlite")
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if not app.config.get("QUESTIONNAIRES_PATH"):
        app.config["QUESTIONNAIRES_PATH"] = str(Path(app.root_path).parent / "questionnaires")


def _refuse_insecure_config(app: Flask) -> None:
    """Outside debug and testing: a real secret key, and a fixed public address for the links in mails
    (never taken from the request's Host header, which a client chooses: reset-link poisoning)."""
    if app.debug or app.testing:
        return
    key = app.config.get("SECRET_KEY")
    if not key or key == INSECURE_SECRET_KEY or len(str(key)) < 16:
        raise InsecureConfiguration(
            "Refusing to start: SECRET_KEY is missing, too short or still the default. "
            "Set a long random value in instance/config.py (SECRET_KEY = \"...\") or in the "
            "environment (PEERREVIEW_SECRET_KEY=...). Generate one with: "
            "python -c \"import secrets; print(secrets.token_hex(32))\""
        )
    base = str(app.config.get("PUBLIC_BASE_URL") or "")
    if not base.startswith(("https://", "http://")):
        raise InsecureConfiguration(
            "Refusing to start: PUBLIC_BASE_URL is not set. Links in mails (password reset, invitations) "
            "are built from it, never from the request's Host header. Set it in instance/config.py "
            "(PUBLIC_BASE_URL = \"https://peerreview.example.nl\") or in the environment "
            "(PEERREVIEW_PUBLIC_BASE_URL=...)."
        )


def register_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (every table known before migrations and create_all)
    from .auth.session import init_login
    from .cache import init_app as init_report_cache
    from .extensions import babel, csrf, db, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=lambda: "nl", timezone_selector=lambda: "Europe/Amsterdam")
    init_login(app)
    init_report_cache(app)


def register_questionnaires(app: Flask) -> None:
    """Every questionnaire file, validated; raises ``QuestionnaireError`` naming every problem otherwise."""
    from .questionnaire_registry import init_app

    init_app(app)


def register_request_guards(app: Flask) -> None:
    from .requests import init_requests

    init_requests(app)


def register_security(app: Flask) -> None:
    """Security headers, the lifetime of a log-in, and log-in throttling (peerreview/security.py)."""
    from .security import init_security

    init_security(app)


def register_assets(app: Flask) -> None:
    """Compressed responses, hashed static URLs with a year's cache, precompressed copies (peerreview/assets.py)."""
    from .assets import init_assets

    init_assets(app)


def register_blueprints(app: Flask) -> None:
    from .admin import bp as admin_bp
    from .auth import bp as auth_bp
    from .evaluations import bp as evaluations_bp
    from .exports import bp as exports_bp
    from .main import bp as main_bp
    from .plans import bp as plans_bp
    from .questionnaires import bp as questionnaires_bp
    from .reports import bp as reports_bp
    from .reviews import bp as reviews_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(questionnaires_bp, url_prefix="/questionnaires")
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(evaluations_bp)
    app.register_blueprint(reviews_bp)
    app.register_blueprint(plans_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(exports_bp)


def register_error_handlers(app: Flask) -> None:
    from .errors import init_errors

    init_errors(app)


def register_template_helpers(app: Flask) -> None:
    from .templating import init_templating

    init_templating(app)


def register_cli(app: Flask) -> None:
    from .cli import init_cli

    init_cli(app)
