"""create_app: where configuration comes from, and the refusal of an insecure secret key."""

import pytest

from peerreview import InsecureConfiguration, create_app
from peerreview.config import INSECURE_SECRET_KEY


@pytest.fixture
def clean_env(monkeypatch):
    import os

    for key in list(os.environ):
        if key.startswith("PEERREVIEW_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("PEERREVIEW_PUBLIC_BASE_URL", "https://peerreview.example.nl")
    return monkeypatch


def test_test_config_replaces_instance_and_environment(clean_env, tmp_path):
    (tmp_path / "config.py").write_text("SECRET_KEY = 'from-instance-file-0123456789'\n")
    clean_env.setenv("PEERREVIEW_MAIL_FROM", "env@example.nl")
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 32}, instance_path=str(tmp_path))
    assert app.testing
    assert app.config["SECRET_KEY"] == "x" * 32
    assert app.config["MAIL_FROM"] == "peerreview@localhost"


def test_instance_file_then_environment(clean_env, tmp_path):
    (tmp_path / "config.py").write_text(
        "SECRET_KEY = 'from-instance-file-0123456789'\nMAIL_FROM = 'instance@example.nl'\n"
    )
    clean_env.setenv("PEERREVIEW_MAIL_FROM", "env@example.nl")
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SECRET_KEY"] == "from-instance-file-0123456789"
    assert app.config["MAIL_FROM"] == "env@example.nl"


def test_default_database_is_a_sqlite_file_in_the_instance_folder(clean_env, tmp_path):
    clean_env.setenv("PEERREVIEW_SECRET_KEY", "k" * 40)
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'peerreview.sqlite'}"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@db.local/pr", "postgresql+psycopg://u@db.local/pr"),
        ("postgres://u@db.local/pr", "postgresql+psycopg://u@db.local/pr"),
        ("postgresql+psycopg://u@db.local/pr", "postgresql+psycopg://u@db.local/pr"),
        ("sqlite:////var/lib/pr.sqlite", "sqlite:////var/lib/pr.sqlite"),
    ],
)
def test_database_url_from_environment(clean_env, tmp_path, given, expected):
    clean_env.setenv("PEERREVIEW_SECRET_KEY", "k" * 40)
    clean_env.setenv("PEERREVIEW_DATABASE_URL", given)
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == expected


@pytest.mark.parametrize("key", [None, INSECURE_SECRET_KEY, "short"])
def test_refuses_to_start_without_a_real_secret_key(clean_env, tmp_path, key):
    if key is not None:
        clean_env.setenv("PEERREVIEW_SECRET_KEY", key)
    with pytest.raises(InsecureConfiguration) as caught:
        create_app(instance_path=str(tmp_path))
    message = str(caught.value)
    assert "SECRET_KEY" in message
    assert "instance/config.py" in message and "PEERREVIEW_SECRET_KEY" in message


def test_debug_mode_may_use_the_default_key(clean_env, tmp_path):
    clean_env.setenv("PEERREVIEW_DEBUG", "true")
    app = create_app(instance_path=str(tmp_path))
    assert app.debug
    assert app.config["SECRET_KEY"] == INSECURE_SECRET_KEY


def test_secure_cookie_defaults(clean_env, tmp_path):
    clean_env.setenv("PEERREVIEW_SECRET_KEY", "k" * 40)
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize("base", [None, "", "peerreview.example.nl", "javascript:alert(1)"])
def test_refuses_to_start_without_a_public_base_url(clean_env, tmp_path, base):
    """Mail links must not come from the Host header, which the client chooses (reset-link poisoning)."""
    clean_env.setenv("PEERREVIEW_SECRET_KEY", "k" * 40)
    clean_env.delenv("PEERREVIEW_PUBLIC_BASE_URL")
    if base is not None:
        clean_env.setenv("PEERREVIEW_PUBLIC_BASE_URL", base)
    with pytest.raises(InsecureConfiguration) as caught:
        create_app(instance_path=str(tmp_path))
    assert "PUBLIC_BASE_URL" in str(caught.value) and "Host" in str(caught.value)
