"""The password policy (pure): a minimum length and the shipped list of common passwords."""

from __future__ import annotations

from pathlib import Path

import pytest

from peerreview.config import Defaults
from peerreview.domain.errors import InvalidValue
from peerreview.domain.passwords import check_password, common_passwords, is_common, parse_password_list
from peerreview.seed.demo import DEMO_PASSWORD

LIST = Path(__file__).resolve().parents[2] / "peerreview" / "data" / "common-passwords.txt"
TOO_EASY = "te makkelijk te raden"


def test_the_list_ships_dutch_and_english_favourites():
    common = common_passwords()
    assert {"wachtwoord", "welkom123", "welkom", "geheim", "voetbal", "password", "qwerty", "123456789"} <= common
    assert len(common) > 100


def test_the_list_file_is_clean():
    lines = [line for line in LIST.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    assert lines == [line.strip().lower() for line in lines], "entries are lower case, without spaces around"
    assert len(lines) == len(set(lines)), "no entry twice"


def test_parsing_skips_comments_and_blank_lines():
    assert parse_password_list(["# kop", "", "  Welkom ", "geheim"]) == {"welkom", "geheim"}


@pytest.mark.parametrize(
    "password",
    ["Wachtwoord", "wachtwoord123", "Welkom123", "WELKOM2026!", "!!Geheim01", "Voetbal-2025", "Password1!",
     "Qwerty123456", "1234567890", "Gemeente2026", "Veiligheid!!", "Peerreview-1"],
)
def test_common_passwords_and_their_decorations_are_refused(password):
    assert is_common(password)
    with pytest.raises(InvalidValue) as caught:
        check_password(password, min_length=8)
    assert TOO_EASY in caught.value.message


@pytest.mark.parametrize(
    "password",
    [DEMO_PASSWORD, "Correct-Paard-Batterij-9", "Fietsen-Langs-De-Vecht-27", "welkom bij de dijk 7",
     "geheime-zolder-van-oma", "Voetbalveld aan de Maas"],
)
def test_longer_phrases_with_a_common_word_in_them_pass(password):
    assert not is_common(password)
    check_password(password, min_length=Defaults.PASSWORD_MIN_LENGTH)


def test_the_minimum_length_comes_first_and_is_configurable():
    with pytest.raises(InvalidValue) as caught:
        check_password("Kort-7x", min_length=Defaults.PASSWORD_MIN_LENGTH)
    assert f"minstens {Defaults.PASSWORD_MIN_LENGTH} tekens" in caught.value.message
    check_password("Kort-7x!", min_length=8)
    assert Defaults.PASSWORD_MIN_LENGTH >= 10


def test_a_list_can_be_given_instead_of_the_shipped_one():
    check_password("wachtwoord-van-mij", min_length=10, common=frozenset())
    with pytest.raises(InvalidValue):
        check_password("Huisje-Boompje-1", min_length=10, common=frozenset({"huisje-boompje"}))
