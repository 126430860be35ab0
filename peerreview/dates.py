"""The app's calendar: dates as a Dutch user means them (Europe/Amsterdam), whatever the server's zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def today() -> date:
    """Today in the Netherlands: a deadline 'today' lasts until midnight in Amsterdam, not in UTC."""
    return datetime.now(AMSTERDAM).date()
