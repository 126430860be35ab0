"""The benchmark's app for gunicorn (``make bench`` starts it; see scripts/bench_app.py):

    BENCH_DATABASE_URL=... BENCH_SECRET_KEY=... BENCH_INSTANCE_PATH=... \\
        gunicorn -w 2 -b 127.0.0.1:8000 --pythonpath scripts bench_wsgi:app
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for folder in (HERE, HERE.parent):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from bench_app import make_app  # noqa: E402

app = make_app(os.environ["BENCH_DATABASE_URL"], os.environ["BENCH_SECRET_KEY"], os.environ["BENCH_INSTANCE_PATH"])
