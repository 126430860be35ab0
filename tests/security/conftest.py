"""The security tests reuse the evaluation setting (a region, two gemeenten, a round, their users)."""

from tests.evaluations.conftest import setting  # noqa: F401  (a fixture, re-exported for these tests)
