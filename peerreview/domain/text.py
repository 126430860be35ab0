"""Text typed on one line (a name, a title): what is stored of it."""

from __future__ import annotations

import unicodedata


def one_line(text: str | None) -> str:
    """Spaces, line breaks and control characters (a backspace, an escape ...) become one space; the ends are
    trimmed. A name of nothing but invisible characters (zero-width spaces, direction marks) is empty."""
    value = "".join(" " if unicodedata.category(char) == "Cc" else char for char in (text or ""))
    value = " ".join(value.split())
    if all(unicodedata.category(char) == "Cf" for char in value):
        return ""
    return value
