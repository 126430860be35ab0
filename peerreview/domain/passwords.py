"""Password policy: a sane minimum length and no password from a list of common ones."""

from __future__ import annotations

from collections.abc import Iterable

from .errors import InvalidValue

#: A short list of passwords that attackers try first (Dutch and international).
COMMON_PASSWORDS = frozenset(
    {
        "1234567890", "12345678910", "123456789a", "qwertyuiop", "wachtwoord", "wachtwoord1",
        "wachtwoord123", "welkom123", "welkom1234", "welkomwelkom", "password1", "password12",
        "password123", "passw0rd123", "iloveyou12", "azertyuiop", "1q2w3e4r5t", "qwerty1234",
        "qwerty12345", "abcdefghij", "abc1234567", "0987654321", "1111111111", "0000000000",
        "gemeente123", "veiligheid", "veiligheid1", "veiligheid123", "zomer2026!", "winter2026!",
        "voorjaar2026", "najaar2026", "peerreview", "peerreview1", "geheim1234", "letmein123",
        "admin12345", "administrator", "changeme123", "trustno1234", "football12", "monkey1234",
    }
)


def check_password(password: str, *, min_length: int, forbidden: Iterable[str] = ()) -> None:
    """Raise ``InvalidValue`` with a Dutch message when ``password`` is too weak.

    ``forbidden`` holds personal words (e-mail address, name) that may not be the password.
    """
    if len(password) < min_length:
        raise InvalidValue(
            f"Kies een wachtwoord van minstens {min_length} tekens.", field="password"
        )
    if len(password) > 256:
        raise InvalidValue("Kies een wachtwoord van hoogstens 256 tekens.", field="password")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        raise InvalidValue(
            "Dit wachtwoord is te makkelijk te raden. Kies een ander wachtwoord.", field="password"
        )
    for word in forbidden:
        word = (word or "").strip().lower()
        if word and len(word) >= 4 and (lowered == word or lowered == word.split("@")[0]):
            raise InvalidValue(
                "Uw wachtwoord mag niet gelijk zijn aan uw naam of e-mailadres.", field="password"
            )
