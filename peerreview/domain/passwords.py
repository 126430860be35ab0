"""Password policy: a sane minimum length, and nothing from a list of common passwords.

The list is a data file shipped with the package (``peerreview/data/common-passwords.txt``): Dutch and
international passwords that attackers try first, and base words that are refused with only digits and
punctuation around them ("Welkom2026!"). Reading it is the only I/O here, once, from the package itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources

from .errors import InvalidValue

#: The longest password accepted (scrypt hashes any length, but a megabyte password is an attack).
MAX_LENGTH = 256
#: Digits, punctuation and spaces before or after a common word do not make it a new password.
_DECORATION = re.compile(r"^[\W\d_]+|[\W\d_]+$")


def parse_password_list(lines: Iterable[str]) -> frozenset[str]:
    """The entries of a password list: one a line, lower-cased; blank lines and ``#`` comments skipped."""
    entries = (line.strip().lower() for line in lines)
    return frozenset(entry for entry in entries if entry and not entry.startswith("#"))


@cache
def common_passwords() -> frozenset[str]:
    """The list shipped with the package."""
    text = (resources.files("peerreview") / "data" / "common-passwords.txt").read_text(encoding="utf-8")
    return parse_password_list(text.splitlines())


def is_common(password: str, common: frozenset[str] | None = None) -> bool:
    """True for a password on the list, or a listed word with only digits and punctuation around it."""
    common = common_passwords() if common is None else common
    lowered = password.strip().lower()
    if lowered in common:
        return True
    base = _DECORATION.sub("", lowered)
    return bool(base) and base in common


def check_password(
    password: str, *, min_length: int, forbidden: Iterable[str] = (), common: frozenset[str] | None = None
) -> None:
    """Raise ``InvalidValue`` with a Dutch message when ``password`` is too weak.

    ``forbidden`` holds personal words (e-mail address, name) that may not be the password; ``common`` replaces
    the shipped list (tests).
    """
    if len(password) < min_length:
        raise InvalidValue(
            f"Kies een wachtwoord van minstens {min_length} tekens.", field="password"
        )
    if len(password) > MAX_LENGTH:
        raise InvalidValue(f"Kies een wachtwoord van hoogstens {MAX_LENGTH} tekens.", field="password")
    lowered = password.lower()
    if len(set(lowered)) < 4 or is_common(password, common):
        raise InvalidValue(
            "Dit wachtwoord is te makkelijk te raden. Kies een ander wachtwoord.", field="password"
        )
    for word in forbidden:
        word = (word or "").strip().lower()
        if word and len(word) >= 4 and (lowered == word or lowered == word.split("@")[0]):
            raise InvalidValue(
                "Uw wachtwoord mag niet gelijk zijn aan uw naam of e-mailadres.", field="password"
            )
