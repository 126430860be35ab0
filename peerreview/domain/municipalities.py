"""Rules about gemeenten: the CBS code and the size class derived from inhabitants."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import InvalidValue

CBS_CODE_RE = re.compile(r"GM[0-9]{4}")


def normalize_cbs_code(value: str) -> str:
    """Return the canonical CBS code (``GM`` + four digits) or raise ``InvalidValue``.

    Surrounding spaces and lower-case letters are forgiven (``" gm0363 "`` -> ``"GM0363"``);
    anything else is refused with a Dutch message.
    """
    code = (value or "").strip().upper()
    if not CBS_CODE_RE.fullmatch(code):
        raise InvalidValue(
            "Een CBS-code bestaat uit ‘GM’ gevolgd door vier cijfers, bijvoorbeeld GM0363.",
            field="cbs_code",
        )
    return code


@dataclass(frozen=True)
class SizeClass:
    key: str
    label: str
    lower: int  #: inclusive
    upper: int | None  #: exclusive; None = no upper bound


#: Inhabitants classes used for grouping and benchmarks. Four classes keep groups large enough
#: to pass the privacy threshold in a region; the bounds follow the usual VNG/CBS breakpoints.
SIZE_CLASSES: tuple[SizeClass, ...] = (
    SizeClass("klein", "Klein (minder dan 20.000 inwoners)", 0, 20_000),
    SizeClass("middelgroot", "Middelgroot (20.000 tot 50.000 inwoners)", 20_000, 50_000),
    SizeClass("groot", "Groot (50.000 tot 100.000 inwoners)", 50_000, 100_000),
    SizeClass("zeer_groot", "Zeer groot (100.000 inwoners of meer)", 100_000, None),
)

#: The largest gemeente has about a million inhabitants; this bound catches typing errors.
MAX_INHABITANTS = 2_000_000


def size_class_for(inhabitants: int) -> SizeClass:
    if inhabitants < 0:
        raise InvalidValue("Het aantal inwoners kan niet negatief zijn.", field="inhabitants")
    for size_class in SIZE_CLASSES:
        if size_class.upper is None or inhabitants < size_class.upper:
            return size_class
    raise AssertionError("unreachable: the last class has no upper bound")


def validate_inhabitants(value: int) -> int:
    if value < 1 or value > MAX_INHABITANTS:
        raise InvalidValue(
            f"Vul een aantal inwoners in tussen 1 en {MAX_INHABITANTS:,}.".replace(",", "."),
            field="inhabitants",
        )
    return value
