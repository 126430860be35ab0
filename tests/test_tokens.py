"""Signed, expiring, single-use links (peerreview.tokens), without an app."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest

from peerreview import tokens
from peerreview.tokens import Purpose, TokenError, fingerprint, make_token, read_token

SECRET = "test-secret-key-not-for-production"
HASH = "pbkdf2:sha256:1000$salt$abc123"
EMAIL = "jan@gemeente.nl"
TWO_HOURS = timedelta(hours=2)
NOW = 1_800_000_000.0


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch):
    """A settable clock for the signer: ``clock.now`` is the current Unix time."""

    class Clock:
        now = NOW

        def __call__(self) -> float:
            return self.now

    fake = Clock()
    monkeypatch.setattr(tokens, "clock", fake)
    return fake


def _token(purpose: Purpose = Purpose.reset_password, user_id: int = 42, password_hash: str | None = HASH,
           email: str = EMAIL, secret: str = SECRET) -> str:
    return make_token(secret, purpose, user_id, password_hash, email)


def _reason(token: str, *, purpose: Purpose = Purpose.reset_password, secret: str = SECRET,
            max_age: timedelta = TWO_HOURS) -> str:
    with pytest.raises(TokenError) as caught:
        read_token(secret, purpose, token, max_age)
    return caught.value.reason


def test_round_trip_returns_user_id_and_fingerprint(clock) -> None:
    token = _token()
    assert read_token(SECRET, Purpose.reset_password, token, TWO_HOURS) == (42, fingerprint(HASH, EMAIL))


def test_token_is_url_safe(clock) -> None:
    token = _token()
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


def test_token_does_not_reveal_password_hash_or_email(clock) -> None:
    payload = _token().split(".")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    assert json.loads(decoded)["u"] == 42
    assert HASH not in decoded and "salt" not in decoded and EMAIL not in decoded


def test_activation_token_for_user_without_password(clock) -> None:
    token = _token(Purpose.activate, password_hash=None)
    user_id, print_ = read_token(SECRET, Purpose.activate, token, timedelta(days=14))
    assert (user_id, print_) == (42, fingerprint(None, EMAIL))


@pytest.mark.parametrize(
    ("age", "reason"),
    [
        (timedelta(hours=2) - timedelta(seconds=1), None),
        (timedelta(hours=2), None),
        (timedelta(hours=2, seconds=1), "expired"),
        (timedelta(days=30), "expired"),
    ],
    ids=["just-inside", "exactly-max-age", "one-second-late", "a-month-late"],
)
def test_expiry_follows_max_age(clock, age: timedelta, reason: str | None) -> None:
    token = _token()
    clock.now = NOW + age.total_seconds()
    if reason is None:
        assert read_token(SECRET, Purpose.reset_password, token, TWO_HOURS)[0] == 42
    else:
        assert _reason(token) == reason


def test_max_age_is_the_readers_choice(clock) -> None:
    token = _token(Purpose.activate, password_hash=None)
    clock.now = NOW + timedelta(days=13).total_seconds()
    assert read_token(SECRET, Purpose.activate, token, timedelta(days=14))[0] == 42
    assert _reason(token, purpose=Purpose.activate, max_age=timedelta(days=7)) == "expired"


def test_token_from_the_future_is_not_accepted(clock) -> None:
    token = _token()
    clock.now = NOW - 60
    assert _reason(token) == "expired"


def _flip(token: str, index: int) -> str:
    char = token[index]
    return token[:index] + ("A" if char != "A" else "B") + token[index + 1:]


@pytest.mark.parametrize("where", ["payload", "timestamp", "signature"])
def test_tampering_anywhere_makes_it_invalid(clock, where: str) -> None:
    token = _token()
    payload, timestamp, signature = token.split(".")
    index = {"payload": 2, "timestamp": len(payload) + 2, "signature": len(token) - 3}[where]
    assert _reason(_flip(token, index)) == "invalid"


def test_forged_payload_for_another_user_is_invalid(clock) -> None:
    token = _token(user_id=42)
    other = _token(user_id=1)
    forged = other.split(".")[0] + "." + ".".join(token.split(".")[1:])
    assert _reason(forged) == "invalid"


@pytest.mark.parametrize("garbage", ["", "x", "a.b.c", "....", "ü" * 10, "eyJ1Ijo0Mn0.ZZZZZZ.sig" * 50])
def test_garbage_is_invalid(clock, garbage: str) -> None:
    assert _reason(garbage) == "invalid"


def test_other_secret_key_is_invalid(clock) -> None:
    assert _reason(_token(secret="another-secret-key-entirely")) == "invalid"


def test_reset_token_does_not_activate_and_vice_versa(clock) -> None:
    assert _reason(_token(Purpose.reset_password), purpose=Purpose.activate) == "invalid"
    assert _reason(_token(Purpose.activate), purpose=Purpose.reset_password) == "invalid"


def test_expired_and_tampered_is_reported_invalid(clock) -> None:
    token = _token()
    clock.now = NOW + timedelta(days=1).total_seconds()
    assert _reason(_flip(token, 2)) == "invalid"


@pytest.mark.parametrize(
    "payload",
    [[42, "f"], {"u": "42", "f": "f"}, {"u": 42}, {"f": "f"}, {"u": 42, "f": 7}, "42", None],
    ids=["list", "id-as-text", "no-fingerprint", "no-id", "fingerprint-not-text", "text", "null"],
)
def test_signed_but_malformed_payload_is_invalid(clock, payload: object) -> None:
    token = tokens._serializer(SECRET, Purpose.reset_password).dumps(payload)
    assert _reason(token) == "invalid"


def test_fingerprint_changes_with_password_hash_and_email() -> None:
    base = fingerprint(HASH, EMAIL)
    assert fingerprint(HASH, EMAIL) == base
    assert fingerprint(HASH + "x", EMAIL) != base
    assert fingerprint(None, EMAIL) != base
    assert fingerprint(HASH, "piet@gemeente.nl") != base
    assert fingerprint(None, EMAIL) != fingerprint("", "x" + EMAIL)


def test_single_use_a_used_token_no_longer_matches_the_account(clock) -> None:
    """Using the link sets a new password hash; the fingerprint in the link then differs."""
    token = _token(password_hash=HASH)
    _, carried = read_token(SECRET, Purpose.reset_password, token, TWO_HOURS)
    assert carried == fingerprint(HASH, EMAIL)
    assert carried != fingerprint("pbkdf2:sha256:1000$newsalt$def456", EMAIL)


def test_activation_is_single_use(clock) -> None:
    token = _token(Purpose.activate, password_hash=None)
    _, carried = read_token(SECRET, Purpose.activate, token, timedelta(days=14))
    assert carried == fingerprint(None, EMAIL)
    assert carried != fingerprint(HASH, EMAIL)  # after activation the account has a password hash


def test_two_links_for_one_account_differ_only_by_time(clock) -> None:
    first = _token()
    clock.now += 5
    second = _token()
    assert first != second
    assert read_token(SECRET, Purpose.reset_password, first, TWO_HOURS) == read_token(
        SECRET, Purpose.reset_password, second, TWO_HOURS
    )
