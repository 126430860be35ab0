"""The tests' calendar (tests/conftest.py): each test pins the app's date, and every module of the app that asks for
the date gets the pinned one."""

from __future__ import annotations

import sys

import peerreview.dates
from tests.conftest import _REAL_TODAY, app_today


def test_every_module_of_the_app_asks_the_pinned_calendar(app, today):
    assert peerreview.dates.today is app_today and peerreview.dates.today() == today
    modules = {name: module for name, module in sys.modules.items()
               if name == "peerreview" or name.startswith("peerreview.")}
    unpinned = [f"{name}.{attribute}" for name, module in modules.items() for attribute, value in vars(module).items()
                if value is _REAL_TODAY]
    assert not unpinned, f"modules that still read the real clock: {unpinned}"
    asking = [name for name, module in modules.items() if getattr(module, "today", None) is app_today]
    assert "peerreview.dates" in asking and len(asking) > 1  # the modules that did `from ..dates import today`

