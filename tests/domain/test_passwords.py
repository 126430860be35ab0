import pytest

from peerreview.domain.errors import InvalidValue
from peerreview.domain.passwords import check_password


def test_a_long_uncommon_password_passes():
    check_password("fiets-over-de-dijk-7", min_length=10)


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("kort1!", "minstens 10 tekens"),
        ("Wachtwoord123", "te makkelijk"),
        ("aaaaaaaaaaaa", "te makkelijk"),
        ("abababababab", "te makkelijk"),
        ("x" * 257, "hoogstens 256"),
    ],
)
def test_weak_passwords_are_refused_in_dutch(password, fragment):
    with pytest.raises(InvalidValue) as caught:
        check_password(password, min_length=10)
    assert fragment in caught.value.message
    assert caught.value.field == "password"


def test_password_may_not_be_the_users_own_name_or_address():
    with pytest.raises(InvalidValue) as caught:
        check_password("tessa.trekker", min_length=10, forbidden=["tessa.trekker@groenmeer.nl", "Tessa"])
    assert "naam of e-mailadres" in caught.value.message
    with pytest.raises(InvalidValue):
        check_password("Tessa Trekker", min_length=10, forbidden=["t@example.nl", "Tessa Trekker"])
