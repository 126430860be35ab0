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

Compression and secrets (BREACH): pages carry a CSRF token, but Flask-WTF's token is signed with a timestamp and
differs from one second to the next, and log-in forms never echo a secret, so an attacker cannot refine a guess
over many compressed responses.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, current_app, request, send_from_directory
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
        mtime = os.stat(path).st_mtime
    except OSError:
        return None
    known = _hashes.get(path)
    if known is not None and known[0] == mtime:
        return known[1]
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    _hashes[path] = (mtime, digest)
    return digest


def _accepted(header: str) -> set[str]:
    accepted = set()
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if name and params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
            accepted.add(name.lower())
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


def init_assets(app: Flask) -> None:
    """Compression (COMPRESS_* in config.Defaults), the static view above and hashed static URLs."""
    compress.init_app(app)
    app.view_functions["static"] = static_file
    app.url_defaults(_hashed_static_urls)
    app.jinja_env.globals["PLOTLY_BUNDLE"] = PLOTLY_BUNDLE
