"""The questionnaire as data: frozen domain objects and the one parser that builds them from a plain mapping.

A questionnaire file (YAML, see ``questionnaires/README.md``) is read at the I/O edge and handed to
:func:`parse` as a plain mapping. ``parse`` checks the shape with pydantic (strict: no silent coercion of
``version: 2026.1`` to a number or of ``"3"`` to a level) and then the content rules that span the file.
It reports *every* problem it can find at once, each with its place in the file, and raises one
:class:`QuestionnaireError`; a questionnaire is either wholly valid or not loaded at all.

Each section is validated on its own, so one broken section does not hide the problems of the others.
Rules that need a valid scale (the levels each question describes) are skipped while the scale itself is broken.

The objects it builds and the problems it reports are defined in :mod:`.questionnaire_objects`; the rest of the
app imports them from here.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from .questionnaire_objects import (
    Element,
    EvidenceRequest,
    LevelText,
    Lever,
    Problem,
    Question,
    Questionnaire,
    QuestionnaireError,
    QuestionnaireStatus,
    Scale,
    ScaleLevel,
    Section,
    SectionKind,
    version_sort_key,
)

__all__ = [
    "ID_PATTERN", "KEY_PATTERN", "MAX_QUESTION", "MAX_TEXT", "MAX_TITLE", "NOT_HASHED", "QUESTION_ID_PATTERN",
    "VERSION_PATTERN", "Element", "EvidenceRequest", "Ident", "LevelText", "Lever", "Problem", "Question",
    "QuestionIdent", "QuestionText", "Questionnaire", "QuestionnaireError", "QuestionnaireStatus", "RecordedVersion",
    "Scale", "ScaleLevel", "Section", "SectionKind", "Text", "Title", "changed_message", "check_recorded_versions",
    "content_hash", "parse", "version_sort_key",
]

# --------------------------------------------------------------------------------------------------------------
# The file's shape (pydantic, strict)

ID_PATTERN = r"^[a-z0-9_]+$"
QUESTION_ID_PATTERN = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
KEY_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
VERSION_PATTERN = r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$"  # no leading zeros: 2026.01 would equal 2026.1
MAX_TITLE = 120
MAX_QUESTION = 300
MAX_TEXT = 2000

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TITLE)]
QuestionText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=MAX_QUESTION)]
Ident = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=60)]
QuestionIdent = Annotated[str, StringConstraints(pattern=QUESTION_ID_PATTERN.pattern, max_length=120)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _LevelSpec(_Model):
    label: Title
    description: Text


class _UnknownSpec(_Model):
    label: Title
    description: Text


class _ScaleSpec(_Model):
    min: int = Field(ge=0, le=10)
    max: int = Field(ge=1, le=10)
    levels: dict[int, _LevelSpec]
    unknown: _UnknownSpec


class _QuestionSpec(_Model):
    id: QuestionIdent
    text: QuestionText
    guidance: Text
    levels: dict[int, Text]
    evidence: Literal["none", "optional", "required"]
    evidence_hint: Text | None = None
    weight: int = Field(default=1, ge=1, le=10)


class _ElementSpec(_Model):
    id: Ident
    title: Title
    summary: Text
    questions: list[Any] = Field(min_length=1)  # each validated on its own


class _KnelpuntSpec(_Model):
    id: Ident
    kind: Literal["knelpunt"]
    title: Title
    summary: Text
    lever: Literal["willen", "kennen", "kunnen"]
    external: bool
    questions: list[Any] = Field(min_length=1)


class _ProfileSpec(_Model):
    id: Ident
    kind: Literal["coordinator_profile"]
    title: Title
    summary: Text
    elements: list[Any] = Field(min_length=1)


class _HeaderSpec(_Model):
    key: Annotated[str, StringConstraints(pattern=KEY_PATTERN, max_length=80)]
    version: Annotated[str, StringConstraints(pattern=VERSION_PATTERN, max_length=20)]
    status: Literal["draft", "active", "retired"]
    title: Title
    description: Text
    scale: Any
    sections: list[Any] = Field(min_length=1)


_SECTION_SPECS: dict[str, type[_Model]] = {"knelpunt": _KnelpuntSpec, "coordinator_profile": _ProfileSpec}


# --------------------------------------------------------------------------------------------------------------
# Turning pydantic's errors into Dutch with a readable place

_MESSAGES = {
    "missing": "ontbreekt (verplicht)",
    "extra_forbidden": "is geen bekend veld (tikfout?)",
    "string_type": "moet tekst zijn (zet er aanhalingstekens omheen)",
    "invalid_key": ("is geen geldige sleutel: een sleutel is tekst (YAML leest yes, no, on en off als true en "
                    "false; zet er aanhalingstekens omheen)"),
    "int_type": "moet een geheel getal zijn",
    "bool_type": "moet true of false zijn",
    "list_type": "moet een lijst zijn (regels die met '- ' beginnen)",
    "dict_type": "moet een lijst van sleutels en waarden zijn",
    "model_type": "moet een lijst van sleutels en waarden zijn",
    "model_attributes_type": "moet een lijst van sleutels en waarden zijn",
}


def _message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "string_type" and tuple(error.get("loc", ()))[-1:] == ("[key]",):
        return "moet tekst zijn"
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", " of ")
        return f"moet een van deze waarden zijn: {expected}"
    if kind == "string_too_short":
        minimum = ctx.get("min_length")
        return "mag niet leeg zijn" if minimum == 1 else f"is te kort (minstens {minimum} tekens)"
    if kind == "string_too_long":
        return f"is te lang (hoogstens {ctx.get('max_length')} tekens)"
    if kind == "too_short":
        minimum = ctx.get("min_length")
        return "mag niet leeg zijn" if minimum == 1 else f"moet minstens {minimum} items hebben"
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        if pattern == ID_PATTERN:
            return "is geen geldige id: alleen kleine letters, cijfers en _"
        if pattern == QUESTION_ID_PATTERN.pattern:
            return "is geen geldige vraag-id: delen van kleine letters, cijfers en _, gescheiden door punten"
        if pattern == KEY_PATTERN:
            return "is geen geldige sleutel: kleine letters en cijfers, delen gescheiden door -"
        if pattern == VERSION_PATTERN:
            return "is geen geldig versienummer: cijfers gescheiden door punten, bijvoorbeeld \"2026.1\""
        return "heeft niet de juiste vorm"
    if kind in ("greater_than_equal", "greater_than"):
        return f"moet minstens {ctx.get('ge', ctx.get('gt'))} zijn"
    if kind in ("less_than_equal", "less_than"):
        return f"mag hoogstens {ctx.get('le', ctx.get('lt'))} zijn"
    if kind == "int_parsing":
        return "moet een geheel getal zijn"
    return str(error.get("msg", kind))


def _place(loc: tuple[Any, ...], raw: Any) -> str:
    """('sections', 2, 'questions', 0, 'levels', 3) -> "sectie 3 (id) › vraag 1 (id) › levels › 3"."""
    parts: list[str] = []
    node = raw
    names = {"sections": "sectie", "questions": "vraag", "elements": "element"}
    index = 0
    while index < len(loc):
        step = loc[index]
        container = node.get(step) if isinstance(node, Mapping) and isinstance(step, str) else None
        if step in names and index + 1 < len(loc) and isinstance(loc[index + 1], int) and isinstance(container, list):
            position = loc[index + 1]
            item = container[position] if position < len(container) else None
            ident = item.get("id") if isinstance(item, Mapping) else None
            label = f"{names[step]} {position + 1}"
            parts.append(f"{label} ({ident})" if isinstance(ident, str) and ident else label)
            node = item
            index += 2
            continue
        parts.append(str(step))
        node = container if container is not None else (
            node.get(step) if isinstance(node, Mapping) else None)
        index += 1
    return " › ".join(parts)


_FIELD_ORDER = {name: index for index, name in enumerate((
    "key", "version", "status", "title", "description", "scale", "min", "max", "levels", "unknown", "label",
    "sections", "id", "kind", "summary", "lever", "external", "elements", "questions", "text", "guidance",
    "evidence", "evidence_hint", "weight"))}


def _order(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """A sort key that follows the file: sections and questions by position, fields in the documented order."""
    return tuple((0, part, "") if isinstance(part, int) else (1, _FIELD_ORDER.get(str(part), 99), str(part))
                 for part in loc)


def _problem(source: str, loc: tuple[Any, ...], raw: Any, message: str) -> Problem:
    return Problem(source, _place(loc, raw), message, _order(loc))


def _collect(errors: list[Problem], error: ValidationError, raw: Any, source: str,
             prefix: tuple[Any, ...] = ()) -> None:
    for item in error.errors(include_url=False):
        loc = tuple(prefix) + tuple(item["loc"])
        # a union of "text or nothing" reports both branches; one message is enough
        loc = tuple(part for index, part in enumerate(loc)
                    if not (index and loc[index - 1] == "evidence_hint" and part in ("none", "constrained-str")))
        if item["type"] == "invalid_key":  # name the key as written (YAML's yes becomes True, shown as 1)
            shown = str(item["input"]).lower() if isinstance(item["input"], bool) else str(item["input"])
            loc = (*loc[:-1], shown)
        errors.append(_problem(source, loc, raw, _message(item)))


# --------------------------------------------------------------------------------------------------------------
# The parser


#: Lifecycle fields, left out of the content hash: a used version may still be retired.
NOT_HASHED = frozenset({"status"})


def content_hash(raw: Mapping[str, Any]) -> str:
    """sha256 of the content, independent of YAML layout, comments and key order: a changed word changes it,
    a re-indented file or a new comment does not; nor does ``status`` (a used version may be retired)."""
    content = {key: value for key, value in raw.items() if key not in NOT_HASHED}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class _Parsed:
    """What validated, piece by piece, with each piece's place in the file."""

    header: _HeaderSpec | None = None
    scale: Scale | None = None
    sections: list[tuple[int, _KnelpuntSpec | _ProfileSpec | None, str | None]] = field(default_factory=list)
    elements: list[tuple[tuple[Any, ...], _ElementSpec, int]] = field(default_factory=list)  # loc, spec, section pos
    questions: list[tuple[tuple[Any, ...], _QuestionSpec, str]] = field(default_factory=list)  # loc, spec, prefix


def parse(raw: Any, source: str = "") -> Questionnaire:
    """Validate a plain mapping (as read from a questionnaire file) and build the domain object.

    Raises :class:`QuestionnaireError` listing every problem found."""
    if not isinstance(raw, Mapping):
        raise QuestionnaireError([Problem(source, "", "het bestand bevat geen vragenlijst (verwacht: sleutels als "
                                                      "key, version, title, scale en sections)")])
    problems: list[Problem] = []

    def validate(model: type[_Model], value: Any, loc: tuple[Any, ...]) -> Any:
        try:
            return model.model_validate(value)
        except ValidationError as error:
            _collect(problems, error, raw, source, loc)
            return None

    parsed = _Parsed(header=validate(_HeaderSpec, raw, ()))
    if "scale" in raw:
        scale_spec = validate(_ScaleSpec, raw["scale"], ("scale",))
        parsed.scale = _check_scale(scale_spec, problems, source) if scale_spec is not None else None

    raw_sections = raw.get("sections")
    for position, raw_section in enumerate(raw_sections if isinstance(raw_sections, list) else []):
        loc = ("sections", position)
        if not isinstance(raw_section, Mapping):
            problems.append(_problem(source, loc, raw, "moet een lijst van sleutels en waarden zijn"))
            continue
        kind = raw_section.get("kind")
        spec_type = _SECTION_SPECS.get(kind) if isinstance(kind, str) else None
        if spec_type is None:
            message = ("ontbreekt (verplicht): knelpunt of coordinator_profile" if kind is None
                       else "moet knelpunt of coordinator_profile zijn")
            problems.append(_problem(source, (*loc, "kind"), raw, message))
        spec = validate(spec_type, raw_section, loc) if spec_type is not None else None
        ident = raw_section.get("id") if isinstance(raw_section.get("id"), str) else None
        parsed.sections.append((position, spec, ident))
        prefix = f"{ident}." if ident and re.fullmatch(ID_PATTERN, ident) else ""
        _questions_in(raw_section.get("questions"), (*loc, "questions"), prefix, parsed, validate, problems, raw,
                      source, expect=kind != "coordinator_profile")
        raw_elements = raw_section.get("elements")
        if kind == "coordinator_profile" and isinstance(raw_elements, list):
            for e_index, raw_element in enumerate(raw_elements):
                e_loc = (*loc, "elements", e_index)
                element = validate(_ElementSpec, raw_element, e_loc)
                if element is not None:
                    parsed.elements.append((e_loc, element, position))
                e_ident = raw_element.get("id") if isinstance(raw_element, Mapping) else None
                e_prefix = (f"{prefix}{e_ident}." if prefix and isinstance(e_ident, str)
                            and re.fullmatch(ID_PATTERN, e_ident) else "")
                _questions_in(raw_element.get("questions") if isinstance(raw_element, Mapping) else None,
                              (*e_loc, "questions"), e_prefix, parsed, validate, problems, raw, source, expect=True)

    _check_content(parsed, problems, raw, source)
    if problems:
        raise QuestionnaireError(sorted(problems, key=lambda problem: problem.order))
    assert parsed.header is not None and parsed.scale is not None
    return _build(parsed, content_hash(raw), source)


def _questions_in(value: Any, loc: tuple[Any, ...], prefix: str, parsed: _Parsed, validate: Any,
                  problems: list[Problem], raw: Any, source: str, *, expect: bool) -> None:
    if not expect or not isinstance(value, list):
        return  # a missing or misplaced list is reported by the section's or element's own spec
    for index, raw_question in enumerate(value):
        question = validate(_QuestionSpec, raw_question, (*loc, index))
        if question is not None:
            parsed.questions.append(((*loc, index), question, prefix))


def _check_scale(spec: _ScaleSpec, problems: list[Problem], source: str) -> Scale | None:
    before = len(problems)
    if spec.min >= spec.max:
        problems.append(Problem(source, "scale", f"min ({spec.min}) moet kleiner zijn dan max ({spec.max})",
                                _order(("scale",))))
    else:
        expected = set(range(spec.min, spec.max + 1))
        missing = sorted(expected - spec.levels.keys())
        extra = sorted(spec.levels.keys() - expected)
        if missing:
            problems.append(Problem(source, "scale › levels", "elk niveau van min tot en met max heeft een label "
                                                               f"nodig; ontbreekt: {_join(missing)}",
                                    _order(("scale", "levels"))))
        if extra:
            problems.append(Problem(source, "scale › levels", f"niveau {_join(extra)} ligt buiten de schaal "
                                                               f"{spec.min} tot en met {spec.max}",
                                    _order(("scale", "levels"))))
    if len(problems) > before:
        return None
    levels = tuple(ScaleLevel(v, spec.levels[v].label, spec.levels[v].description)
                   for v in range(spec.min, spec.max + 1))
    return Scale(spec.min, spec.max, levels, spec.unknown.label, spec.unknown.description)


def _check_content(parsed: _Parsed, problems: list[Problem], raw: Any, source: str) -> None:
    seen: dict[str, str] = {}

    def claim(ident: str, loc: tuple[Any, ...]) -> None:
        place = _place(loc, raw)
        if ident in seen:
            problems.append(Problem(source, place, f"id '{ident}' komt al voor bij {seen[ident]}; "
                                                    "elke id is uniek in het hele bestand", _order(loc)))
        else:
            seen[ident] = place

    profiles = [position for position, spec, _ in parsed.sections if isinstance(spec, _ProfileSpec)]
    for extra in profiles[1:]:
        problems.append(_problem(source, ("sections", extra), raw,
                                "een vragenlijst heeft hoogstens één sectie voor het coördinatorprofiel"))
    for position, _spec, ident in parsed.sections:
        if ident is not None:
            claim(ident, ("sections", position, "id"))
    for loc, element, _position in parsed.elements:
        claim(element.id, (*loc, "id"))
    scale = parsed.scale
    for loc, question, prefix in parsed.questions:
        claim(question.id, (*loc, "id"))
        if prefix and (not question.id.startswith(prefix) or "." in question.id.removeprefix(prefix)):
            problems.append(_problem(source, (*loc, "id"), raw,
                                    f"een vraag-id is '{prefix}' gevolgd door een eigen naam, "
                                    f"bijvoorbeeld '{prefix}analyse'"))
        if not question.text.endswith("?"):
            problems.append(_problem(source, (*loc, "text"), raw, "een vraag eindigt met een vraagteken"))
        if question.evidence == "none" and question.evidence_hint is not None:
            problems.append(_problem(source, (*loc, "evidence_hint"), raw,
                                    "hoort alleen bij evidence: optional of required"))
        if question.evidence != "none" and question.evidence_hint is None:
            problems.append(_problem(source, (*loc, "evidence_hint"), raw,
                                    "ontbreekt: zeg welk document, welke link of welk cijfer de score onderbouwt"))
        if scale is not None:
            outside = sorted(v for v in question.levels if not scale.contains(v))
            missing = [v for v in scale.required_level_values if v not in question.levels]
            if outside:
                problems.append(_problem(source, (*loc, "levels"), raw,
                                        f"niveau {_join(outside)} ligt buiten de schaal "
                                        f"{scale.minimum} tot en met {scale.maximum}"))
            if missing:
                problems.append(_problem(source, (*loc, "levels"), raw,
                                        f"beschrijf wat niveau {_join(missing)} bij deze vraag betekent "
                                        f"(verplicht: {_join(list(scale.required_level_values))})"))


def _join(values: list[int]) -> str:
    text = [str(v) for v in values]
    return text[0] if len(text) == 1 else ", ".join(text[:-1]) + " en " + text[-1]


def _question(spec: _QuestionSpec, number: str, section_id: str, element_id: str | None) -> Question:
    return Question(
        id=spec.id, number=number, text=spec.text, guidance=spec.guidance,
        levels=MappingProxyType(dict(sorted(spec.levels.items()))), evidence=EvidenceRequest(spec.evidence),
        evidence_hint=spec.evidence_hint, weight=spec.weight, section_id=section_id, element_id=element_id)


def _build(parsed: _Parsed, digest: str, source: str) -> Questionnaire:
    header, scale = parsed.header, parsed.scale
    assert header is not None and scale is not None
    questions_by_list: dict[tuple[Any, ...], list[_QuestionSpec]] = {}
    for loc, question, _prefix in parsed.questions:
        questions_by_list.setdefault(loc[:-1], []).append(question)
    elements_by_section: dict[int, list[tuple[tuple[Any, ...], _ElementSpec]]] = {}
    for loc, element, position in parsed.elements:
        elements_by_section.setdefault(position, []).append((loc, element))
    sections: list[Section] = []
    for number, (position, spec, _ident) in enumerate(parsed.sections, start=1):
        if isinstance(spec, _KnelpuntSpec):
            specs = questions_by_list.get(("sections", position, "questions"), [])
            questions = tuple(_question(q, f"{number}.{i}", spec.id, None) for i, q in enumerate(specs, 1))
            sections.append(Section(spec.id, number, SectionKind.KNELPUNT, spec.title, spec.summary,
                                    Lever(spec.lever), spec.external, questions))
        elif isinstance(spec, _ProfileSpec):
            elements = tuple(
                Element(e.id, e.title, e.summary, tuple(
                    _question(q, f"{number}.{ei}.{qi}", spec.id, e.id)
                    for qi, q in enumerate(questions_by_list.get((*loc, "questions"), []), 1)))
                for ei, (loc, e) in enumerate(elements_by_section.get(position, []), 1))
            sections.append(Section(spec.id, number, SectionKind.COORDINATOR_PROFILE, spec.title, spec.summary,
                                    None, False, tuple(q for e in elements for q in e.questions), elements))
    return Questionnaire(header.key, header.version, QuestionnaireStatus(header.status), header.title,
                         header.description, scale, tuple(sections), digest, source)


# --------------------------------------------------------------------------------------------------------------
# Versions that evaluations have used


@dataclass(frozen=True)
class RecordedVersion:
    """A questionnaire version as an evaluation recorded it: its content hash at the time."""

    key: str
    version: str
    content_hash: str


def check_recorded_versions(loaded: Iterable[Questionnaire], recorded: Iterable[RecordedVersion]) -> list[Problem]:
    """A version that an evaluation has used must still be there, with exactly the content it had."""
    by_version = {(q.key, q.version): q for q in loaded}
    problems: list[Problem] = []
    for used in sorted(recorded, key=lambda r: (r.key, version_sort_key(r.version))):
        current = by_version.get((used.key, used.version))
        if current is None:
            problems.append(Problem(
                f"{used.key}/{used.version}.yaml", "",
                f"versie {used.version} van '{used.key}' is door evaluaties gebruikt, maar het bestand ontbreekt; "
                "zet het terug, anders kunnen die evaluaties niet meer worden geopend"))
        elif current.content_hash != used.content_hash:
            problems.append(Problem(current.source, "", changed_message(current, used.content_hash)))
    return problems


def changed_message(questionnaire: Questionnaire, recorded_hash: str) -> str:
    return (f"versie {questionnaire.version} van '{questionnaire.key}' is door evaluaties gebruikt en mag niet meer "
            f"veranderen, maar de inhoud is gewijzigd (vastgelegd: {recorded_hash[:12]}…, nu: "
            f"{questionnaire.content_hash[:12]}…). Zet het oorspronkelijke bestand terug en leg de wijziging vast "
            f"als een nieuwe versie in een nieuw bestand")
