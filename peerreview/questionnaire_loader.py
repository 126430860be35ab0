"""Reading questionnaire files (the I/O edge) and the registry of every loaded version.

``load_directory`` reads every ``*.yaml`` under a folder, parses each with :func:`domain.questionnaire.parse`
and raises one :class:`QuestionnaireError` naming every problem in every file; nothing is half-loaded.
Files are laid out as ``<key>/<version>.yaml``, so the file name always says which version it holds.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .domain.questionnaire import (
    Problem,
    Questionnaire,
    QuestionnaireError,
    QuestionnaireStatus,
    parse,
    version_sort_key,
)

SUFFIXES = (".yaml", ".yml")


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """``yaml.safe_load`` that refuses a key given twice in one mapping (PyYAML silently keeps the last)."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue  # "<<: *anchor" repeats keys on purpose; keys written here may override them
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "een lijst of mapping kan geen sleutel zijn", key_node.start_mark) from None
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"de sleutel '{key}' staat twee keer in dezelfde lijst", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(data: bytes, source: str) -> Any:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise QuestionnaireError([Problem(source, "", "het bestand is geen UTF-8-tekst")]) from None
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 (a safe loader: _StrictLoader extends SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"regel {mark.line + 1}, kolom {mark.column + 1}" if mark else ""
        problem = error.problem or error.context or "onleesbaar"
        raise QuestionnaireError([Problem(source, where, f"geen geldige YAML: {problem}")]) from None
    except yaml.YAMLError as error:
        raise QuestionnaireError([Problem(source, "", f"geen geldige YAML: {error}")]) from None


_cache: dict[tuple[str, str], Questionnaire] = {}
_cache_lock = threading.Lock()


def load_file(path: Path, source: str | None = None) -> Questionnaire:
    """One questionnaire file. Parsed files are cached by content, so an app factory called many times
    (tests, several workers' reloads) parses each file once."""
    source = source or str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise QuestionnaireError([Problem(source, "", f"kan het bestand niet lezen ({error.strerror})")]) from None
    cache_key = (source, hashlib.sha256(data).hexdigest())
    with _cache_lock:
        cached = _cache.get(cache_key)
    if cached is not None:
        return cached
    try:
        questionnaire = parse(read_yaml(data, source), source=source)
    except RecursionError:
        raise QuestionnaireError([Problem(source, "", "te diep genest om te lezen")]) from None
    with _cache_lock:
        _cache[cache_key] = questionnaire
    return questionnaire


def layout_problem(path: Path, questionnaire: Questionnaire) -> Problem | None:
    """A file lives at ``<key>/<version>.yaml``, so its name always says which version it holds."""
    expected = f"{questionnaire.key}/{questionnaire.version}{path.suffix}"
    if path.as_posix().endswith("/" + expected):
        return None
    return Problem(questionnaire.source, "", f"dit bestand bevat '{questionnaire.key}' versie "
                                             f"{questionnaire.version} en moet dus {expected} heten")


def questionnaire_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in SUFFIXES and p.is_file())


def load_directory(folder: Path) -> QuestionnaireRegistry:
    """Every questionnaire under ``folder``, or one :class:`QuestionnaireError` with every problem of every file."""
    if not folder.is_dir():
        raise QuestionnaireError([Problem(str(folder), "", "de map met vragenlijsten bestaat niet "
                                                           "(zie QUESTIONNAIRES_PATH in de configuratie)")])
    problems: list[Problem] = []
    loaded: list[Questionnaire] = []
    for path in questionnaire_files(folder):
        source = path.relative_to(folder).as_posix()
        try:
            questionnaire = load_file(path, source)
        except QuestionnaireError as error:
            problems.extend(error.problems)
            continue
        misnamed = layout_problem(path, questionnaire)
        if misnamed is not None:
            problems.append(misnamed)
            continue
        loaded.append(questionnaire)
    seen: dict[tuple[str, str], str] = {}
    for questionnaire in loaded:
        ident = (questionnaire.key, questionnaire.version)
        if ident in seen:
            problems.append(Problem(questionnaire.source, "", f"versie {questionnaire.version} van "
                                                              f"'{questionnaire.key}' staat ook in {seen[ident]}"))
        seen.setdefault(ident, questionnaire.source)
    if problems:
        raise QuestionnaireError(problems)
    return QuestionnaireRegistry(tuple(loaded))


class UnknownQuestionnaire(LookupError):
    pass


@dataclass(frozen=True)
class QuestionnaireRegistry:
    """Every loaded questionnaire version, ordered by key and then version (oldest first)."""

    questionnaires: tuple[Questionnaire, ...]

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.questionnaires, key=lambda q: (q.key, q.version_key)))
        object.__setattr__(self, "questionnaires", ordered)

    def __iter__(self):
        return iter(self.questionnaires)

    def __len__(self) -> int:
        return len(self.questionnaires)

    def find(self, key: str, version: str) -> Questionnaire | None:
        return next((q for q in self.questionnaires if q.key == key and q.version == version), None)

    def get(self, key: str, version: str) -> Questionnaire:
        questionnaire = self.find(key, version)
        if questionnaire is None:
            raise UnknownQuestionnaire(f"Vragenlijst '{key}' versie {version} is niet geladen.")
        return questionnaire

    def versions(self, key: str) -> tuple[Questionnaire, ...]:
        return tuple(q for q in self.questionnaires if q.key == key)

    def offered(self) -> tuple[Questionnaire, ...]:
        """The versions a new round may use (status ``active``), newest first."""
        active = [q for q in self.questionnaires if q.status is QuestionnaireStatus.ACTIVE]
        return tuple(sorted(active, key=lambda q: (q.key, tuple(-part for part in version_sort_key(q.version)))))

    def latest(self, key: str) -> Questionnaire | None:
        """The newest active version of ``key``."""
        return next((q for q in self.offered() if q.key == key), None)

    def visible(self, *, include_drafts: bool) -> tuple[Questionnaire, ...]:
        return tuple(q for q in self.questionnaires if include_drafts or q.status is not QuestionnaireStatus.DRAFT)

