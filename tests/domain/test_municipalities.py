import pytest

from peerreview.domain.errors import InvalidValue
from peerreview.domain.municipalities import (
    MAX_INHABITANTS,
    SIZE_CLASSES,
    normalize_cbs_code,
    size_class_for,
    validate_inhabitants,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("GM0363", "GM0363"), ("gm0363", "GM0363"), ("  GM1680 ", "GM1680"), ("Gm0001", "GM0001")],
)
def test_cbs_code_is_normalized(raw, expected):
    assert normalize_cbs_code(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "GM363", "GM03631", "0363", "GM 0363", "GMabcd", "PV0363", "GM-363", "GM०३६३", "GM0363\n1",
     None],
)
def test_malformed_cbs_code_is_refused_in_dutch(raw):
    with pytest.raises(InvalidValue) as caught:
        normalize_cbs_code(raw)
    assert "GM" in caught.value.message and "vier cijfers" in caught.value.message
    assert caught.value.field == "cbs_code"


@pytest.mark.parametrize(
    ("inhabitants", "key"),
    [
        (0, "klein"), (1, "klein"), (19_999, "klein"),
        (20_000, "middelgroot"), (49_999, "middelgroot"),
        (50_000, "groot"), (99_999, "groot"),
        (100_000, "zeer_groot"), (931_298, "zeer_groot"),
    ],
)
def test_size_class_boundaries(inhabitants, key):
    assert size_class_for(inhabitants).key == key


def test_size_classes_cover_every_count_without_gaps():
    for lower, upper in zip(SIZE_CLASSES, SIZE_CLASSES[1:], strict=False):
        assert lower.upper == upper.lower
    assert SIZE_CLASSES[0].lower == 0
    assert SIZE_CLASSES[-1].upper is None


def test_negative_inhabitants_have_no_size_class():
    with pytest.raises(InvalidValue):
        size_class_for(-1)


@pytest.mark.parametrize("value", [0, -5, MAX_INHABITANTS + 1])
def test_inhabitants_out_of_range_are_refused(value):
    with pytest.raises(InvalidValue) as caught:
        validate_inhabitants(value)
    assert "inwoners" in caught.value.message


@pytest.mark.parametrize("value", [1, 6_035, MAX_INHABITANTS])
def test_inhabitants_in_range_pass(value):
    assert validate_inhabitants(value) == value
