"""Entry point for gunicorn and ``flask --app wsgi``."""

from peerreview import create_app

app = create_app()
