"""Static files: content-hashed URLs with a year's immutable cache, precompressed copies, and compression.

- ``url_for('static', filename=...)`` gives ``/static/<file>?v=<hash>``, the hash of the file's content (read once
  per change of its modification time), so a changed file gets a new URL. A request that names the current hash is
  answered with ``Cache-Control: public, max-age=31536000, immutable``; without it (or with an old hash) with
  ``no-cache``, so the browser asks again.
- A file with a ``.br`` or ``.gz`` copy beside it (the plotly bundle, see scripts/build-plotly.sh) is sent as that
  copy when the browser accepts it, with ``Content-Encoding`` and ``Vary: Accept-Encoding``; compressed once at the
  highest level instead of on every request. nginx may serve the same copies (``brotli_static``, ``gzip_static``).
- Everything else (pages, JSON, the other static files) is compressed by Flask-Compress (brotli or gzip, as the
  browser asks), so ``make run`` and a bare gunicorn send compressed responses; behind nginx that may do it instead.

Compression and secrets (BREACH): pages carry a CSRF token. Its raw value stays the same for a session, but the
token on the page is that value with a timestamp and a signature, which change every second; the session cookie is
``SameSite=Lax``, so a cross-site page cannot make the browser send the many authenticated requests a BREACH guess
needs; log-in forms echo no secret. The risk is judged low; it is not tested.

Static files never save the session (:class:`_SessionInterface`), so they carry no ``Vary: Cookie``: a file kept a
year is the same for every visitor.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, current_app, request, send_from_directory
from flask.sessions import SecureCookieSessionInterface
from flask.wrappers import Response
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join

from .extensions import compress

#: The plotly.js bundle in static/vendor (its name carries plotly.js's version).
PLOTLY_BUNDLE = "vendor/plotly-peerreview-4.1.1.min.js"
#: A year, the longest a browser is asked to keep a file whose URL changes with its content.
IMMUTABLE = "public, max-age=31536000, immutable"
#: The precompressed copies, in the order we prefer them.
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))

_hashes: dict[str, tuple[float, str]] = {}


def content_hash(folder: str, filename: str) -> str | None:
    """The first 12 hex digits of the file's SHA-256, or None when there is no such file."""
    path = safe_join(folder, filename)
    if path is None:
        return None
    try:
        status = os.stat(path)
        if not stat.S_ISREG(status.st_mode):  # a folder (/static/css) is no file: 404, never a 500
            return None
        mtime = status.st_mtime
        known = _hashes.get(path)
        if known is not None and known[0] == mtime:
            return known[1]
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    except OSError:
        return None
    _hashes[path] = (mtime, digest)
    return digest


def _accepted(header: str) -> set[str]:
    accepted = set()
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if name and params.replace(" ", "").lower() not in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
            accepted.add(name.lower())
    if "*" in accepted:  # any encoding: the precompressed copies, rather than compressing the bundle again
        accepted |= {"br", "gzip"}
    return accepted


def static_file(filename: str) -> Response:
    """Flask's static view, with the precompressed copies and the cache header described above."""
    folder = current_app.static_folder
    assert folder is not None
    if filename.endswith((".br", ".gz")):
        raise NotFound()  # the copies are sent under their file's own name only
    current = content_hash(folder, filename)
    if current is None:
        raise NotFound()
    accepted = _accepted(request.headers.get("Accept-Encoding", ""))
    response = None
    for encoding, suffix in ENCODINGS:
        if encoding in accepted and content_hash(folder, filename + suffix) is not None:
            mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
            response = send_from_directory(folder, filename + suffix, mimetype=mimetype, etag=True)
            response.headers["Content-Encoding"] = encoding
            break
    if response is None:
        # Read into memory (our own files are small, and no file stays open), so that Flask-Compress compresses it
        # as a whole; the content hash is its ETag.
        path = safe_join(folder, filename)
        assert path is not None
        mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        response = current_app.response_class(Path(path).read_bytes(), mimetype=mimetype)
        response.last_modified = datetime.fromtimestamp(os.stat(path).st_mtime, UTC)
        response.set_etag(current)
        response.make_conditional(request)
    response.vary.add("Accept-Encoding")
    if request.args.get("v") == current:
        response.headers["Cache-Control"] = IMMUTABLE
    else:
        response.headers["Cache-Control"] = "no-cache"
    return response


def _hashed_static_urls(endpoint: str, values: dict) -> None:
    if endpoint != "static" or "v" in values or "filename" not in values:
        return
    folder = current_app.static_folder
    digest = content_hash(folder, values["filename"]) if folder else None
    if digest is not None:
        values["v"] = digest


class _SessionInterface(SecureCookieSessionInterface):
    """The signed-cookie session, never saved on a static file: a logged-in request reads the session (Flask-Login's
    remember cookie), which makes Flask answer ``Vary: Cookie``, and a file kept a year must not vary with a cookie
    that changes every few seconds (a browser would ask for it again on every page)."""

    def save_session(self, app: Flask, session, response: Response) -> None:
        if request.endpoint == "static":
            return
        super().save_session(app, session, response)


def init_assets(app: Flask) -> None:
    """Compression (COMPRESS_* in config.Defaults), the static view above and hashed static URLs."""
    compress.init_app(app)
    app.session_interface = _SessionInterface()
    app.view_functions["static"] = static_file
    app.url_defaults(_hashed_static_urls)
    app.jinja_env.globals["PLOTLY_BUNDLE"] = PLOTLY_BUNDLE
