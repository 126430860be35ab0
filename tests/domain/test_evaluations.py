"""The self-evaluation rules, on plain values: answers, the consensus proposal, submission, states, rounds and
edit conflicts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from peerreview.domain.errors import InvalidValue, NotAllowed
from peerreview.domain.evaluations import (
    EMPTY_ANSWER,
    EMPTY_NOTE,
    MAX_EXPLANATION,
    MAX_LINKS,
    AnswerData,
    EvaluationStatus,
    RoundDates,
    SectionNoteData,
    Stored,
    Transition,
    Versioned,
    check_answer_data,
    check_consensus,
    check_note,
    check_reopen_reason,
    check_round,
    clean_text,
    consensus_proposal,
    digest,
    find_conflicts,
    needs_reason,
    next_status,
    parse_links,
    submission_check,
)
from peerreview.domain.scoring import UNKNOWN
from peerreview.questionnaire_loader import load_file
from tests.conftest import FIXTURE_QUESTIONNAIRES

MINIMAL = load_file(FIXTURE_QUESTIONNAIRES / "minimal" / "1.yaml")
SCALE = MINIMAL.scale  # 0..4


def answers(*values: object) -> list[AnswerData]:
    return [AnswerData(unknown=True) if v == UNKNOWN else AnswerData(value=v) for v in values]


# ---------------------------------------------------------------- answers


def test_an_answer_is_a_level_or_unknown_and_text_alone_is_not_an_answer() -> None:
    assert AnswerData(value=0).is_answered and AnswerData(value=0).score == 0
    assert AnswerData(unknown=True).is_answered and AnswerData(unknown=True).score == UNKNOWN
    only_text = AnswerData(explanation="Nog bespreken")
    assert not only_text.is_answered and not only_text.is_empty and only_text.score is None
    assert EMPTY_ANSWER.is_empty


def test_value_labels_in_dutch() -> None:
    assert AnswerData(value=2).value_label(SCALE) == f"2 – {SCALE.level(2).label}"
    assert AnswerData(unknown=True).value_label(SCALE) == SCALE.unknown_label
    assert EMPTY_ANSWER.value_label(SCALE) == "Niet beantwoord"


@pytest.mark.parametrize(("data", "field", "fragment"), [
    (AnswerData(value=5), "value", "van 0 tot en met 4"),
    (AnswerData(value=-1), "value", "van 0 tot en met 4"),
    (AnswerData(value=2, unknown=True), "value", "niet allebei"),
    (AnswerData(explanation="x" * (MAX_EXPLANATION + 1)), "explanation", "te lang"),
    (AnswerData(evidence="x" * 4001), "evidence", "te lang"),
    (AnswerData(links=("javascript:alert(1)",)), "links", "geen geldig webadres"),
    (AnswerData(links=tuple(f"https://a.nl/{i}" for i in range(MAX_LINKS + 1))), "links", "hoogstens"),
])
def test_answer_rules(data: AnswerData, field: str, fragment: str) -> None:
    problems = check_answer_data(SCALE, data)
    assert [p.field for p in problems] == [field]
    assert fragment in problems[0].message


def test_a_good_answer_has_no_problems() -> None:
    data = AnswerData(value=4, explanation="é ë ï € 😀 中文", evidence="Raadsbesluit 2025/12",
                      links=("https://www.gemeente.nl/beleid", "http://intranet.gemeente.local/stuk"))
    assert check_answer_data(SCALE, data) == []


def test_notes_have_a_maximum_length() -> None:
    assert check_note(SectionNoteData("kort", "kort")) == []
    assert [p.field for p in check_note(SectionNoteData("x" * 4001, "y" * 4001))] == ["strengths", "improvements"]


def test_text_is_kept_as_typed_minus_trailing_spaces_windows_line_ends_and_nul() -> None:
    assert clean_text("  Eerste regel  \r\nTweede\x00 regel\r\n\r\n") == "Eerste regel\nTweede regel"
    assert clean_text(None) == ""
    assert clean_text("Ĳsselmonde – ‘wijk’ ë") == "Ĳsselmonde – ‘wijk’ ë"


def test_links_one_per_line() -> None:
    links, problems = parse_links("https://a.nl/x\n\n  https://b.nl  \nhttps://a.nl/x\n")
    assert links == ("https://a.nl/x", "https://b.nl") and problems == []
    links, problems = parse_links("www.gemeente.nl\nhttps://ok.nl\nftp://oud.nl/bestand\nhttps://geen punt")
    assert links == ("https://ok.nl",)
    assert [p.split(":")[0] for p in problems] == ["Regel 1", "Regel 3", "Regel 4"]
    assert "https://" in problems[0]
    _links, problems = parse_links("https://" + "a" * 600 + ".nl")
    assert "hoogstens 500" in problems[0]


# ---------------------------------------------------------------- consensus proposal


@pytest.mark.parametrize(("values", "value", "unknown", "median", "large"), [
    ((3,), 3, False, Decimal(3), False),
    ((1, 3, 4), 3, False, Decimal(3), True),
    ((2, 3), 2, False, Decimal("2.5"), False),  # between two levels: the lower, modest one
    ((1, 2, 3, 4), 2, False, Decimal("2.5"), True),
    ((2, 2, 4, 4), 3, False, Decimal(3), True),
    ((2, UNKNOWN, UNKNOWN), 2, False, Decimal(2), False),  # "weet niet" does not pull the median
    ((UNKNOWN, UNKNOWN), None, True, None, False),
])
def test_the_proposal_is_the_median_rounded_down(values, value, unknown, median, large) -> None:
    proposal = consensus_proposal(answers(*values))
    assert (proposal.value, proposal.unknown, proposal.median, proposal.is_large) == (value, unknown, median, large)
    assert proposal.count == len(values)


def test_no_answers_no_proposal_and_text_only_answers_do_not_count() -> None:
    assert consensus_proposal([]).is_empty
    proposal = consensus_proposal([AnswerData(explanation="weet ik nog niet"), AnswerData(value=1)])
    assert (proposal.value, proposal.count) == (1, 1)


def test_a_departure_from_the_proposal_needs_a_reason() -> None:
    proposal = consensus_proposal(answers(2, 3))
    assert not needs_reason(AnswerData(value=2), proposal)
    assert needs_reason(AnswerData(value=3), proposal)
    assert needs_reason(AnswerData(unknown=True), proposal)
    assert not needs_reason(EMPTY_ANSWER, proposal)
    assert not needs_reason(AnswerData(value=4), consensus_proposal([]))  # nothing to depart from
    problems = check_consensus(SCALE, AnswerData(value=4), proposal)
    assert [p.field for p in problems] == ["explanation"]
    assert f"2 – {SCALE.level(2).label}" in problems[0].message
    assert check_consensus(SCALE, AnswerData(value=4, explanation="Besproken in het MT"), proposal) == []


# ---------------------------------------------------------------- submission


def test_submission_needs_every_question_and_unknown_counts() -> None:
    ids = [q.id for q in MINIMAL.questions]
    check = submission_check(MINIMAL, {})
    assert [q.id for q in check.missing] == ids and not check.can_submit
    given = {qid: AnswerData(unknown=True) for qid in ids}
    check = submission_check(MINIMAL, given)
    assert check.can_submit and check.missing == () and check.missing_evidence == ()
    partial = dict(given)
    del partial[ids[-1]]
    partial[ids[0]] = AnswerData(explanation="alleen tekst")
    assert [q.id for q in submission_check(MINIMAL, partial).missing] == [ids[0], ids[-1]]


def test_missing_required_evidence_is_a_warning_not_a_block() -> None:
    required = [q for q in MINIMAL.questions if q.evidence.value == "required"]
    assert required, "the fixture asks evidence for analyse.cijfers"
    given = {q.id: AnswerData(value=2) for q in MINIMAL.questions}
    check = submission_check(MINIMAL, given)
    assert check.can_submit and check.missing_evidence == tuple(required)
    given[required[0].id] = AnswerData(value=2, links=("https://a.nl",))
    assert submission_check(MINIMAL, given).missing_evidence == tuple(required[1:])


# ---------------------------------------------------------------- states


def test_the_states() -> None:
    assert next_status(EvaluationStatus.draft, Transition.submit) is EvaluationStatus.submitted
    assert next_status(EvaluationStatus.submitted, Transition.reopen) is EvaluationStatus.draft
    with pytest.raises(NotAllowed, match="al ingediend"):
        next_status(EvaluationStatus.submitted, Transition.submit)
    with pytest.raises(NotAllowed, match="Alleen een ingediende"):
        next_status(EvaluationStatus.draft, Transition.reopen)
    assert EvaluationStatus.draft.is_editable and not EvaluationStatus.submitted.is_editable
    assert EvaluationStatus.submitted.label == "Zelfevaluatie ingediend"


def test_a_reopening_needs_a_reason() -> None:
    assert check_reopen_reason("  Thema 3 klopt niet  ") == "Thema 3 klopt niet"
    for bad in (None, "", "   ", "kort", "x" * 2001):
        with pytest.raises(InvalidValue):
            check_reopen_reason(bad)


# ---------------------------------------------------------------- rounds


TODAY = date(2026, 11, 23)


def test_round_rules() -> None:
    good = RoundDates(date(2027, 3, 31), date(2027, 6, 30), date(2027, 12, 31))
    assert check_round("Ronde 2027", 2027, good, today=TODAY) == []
    assert check_round("Ronde", 2027, RoundDates(TODAY, TODAY, TODAY), today=TODAY) == []  # all on one day is fine
    problems = check_round("", 1999, RoundDates(date(2026, 11, 22), date(2026, 11, 1), date(2026, 10, 1)),
                           today=TODAY)
    assert [p.field for p in problems] == ["name", "year", "self_evaluation_due", "peer_review_due", "plan_due"]
    assert [p.field for p in check_round("x" * 121, 2027, good, today=TODAY)] == ["name"]


# ---------------------------------------------------------------- no lost updates


def stored(version: int, data: AnswerData, by: str = "Bram") -> Stored:
    return Stored(version, data, by, None)


def test_an_untouched_item_is_left_alone_whatever_happened_meanwhile() -> None:
    shown = AnswerData(value=1)
    check = find_conflicts({"q": Versioned(1, digest(shown), shown)}, {"q": stored(2, AnswerData(value=3))})
    assert check.conflicts == [] and check.changed == []


def test_a_change_on_the_version_loaded_is_saved() -> None:
    check = find_conflicts({"q": Versioned(1, digest(AnswerData(value=1)), AnswerData(value=2))},
                           {"q": stored(1, AnswerData(value=1))})
    assert check.changed == ["q"] and check.conflicts == []
    new = find_conflicts({"q": Versioned(0, digest(EMPTY_ANSWER), AnswerData(value=2))}, {})
    assert new.changed == ["q"]


def test_a_change_after_someone_else_saved_conflicts_and_shows_theirs() -> None:
    theirs = stored(2, AnswerData(value=3, explanation="van Carla"), by="Carla")
    check = find_conflicts({"q": Versioned(1, digest(AnswerData(value=1)), AnswerData(value=2))}, {"q": theirs})
    assert check.changed == []
    [conflict] = check.conflicts
    assert conflict.theirs is theirs and conflict.mine == AnswerData(value=2)


def test_both_saving_the_same_is_no_conflict() -> None:
    check = find_conflicts({"q": Versioned(1, digest(AnswerData(value=1)), AnswerData(value=3))},
                           {"q": stored(2, AnswerData(value=3))})
    assert check.conflicts == [] and check.changed == []


def test_someone_created_the_item_first() -> None:
    check = find_conflicts({"q": Versioned(0, digest(EMPTY_ANSWER), AnswerData(value=2))},
                           {"q": stored(1, AnswerData(value=4))})
    assert len(check.conflicts) == 1


def test_notes_conflict_like_answers() -> None:
    shown = SectionNoteData("a", "b")
    check = find_conflicts({"notes:x": Versioned(1, digest(shown), SectionNoteData("a", "c"))},
                           {"notes:x": Stored(2, SectionNoteData("z", "b"))})
    assert len(check.conflicts) == 1
    assert digest(EMPTY_NOTE) != digest(EMPTY_ANSWER)


def test_without_a_digest_every_difference_counts() -> None:
    """From an uploaded file nobody knows what was shown: a different stored version is a conflict."""
    check = find_conflicts({"q": Versioned(1, None, AnswerData(value=1))}, {"q": stored(2, AnswerData(value=3))})
    assert len(check.conflicts) == 1
