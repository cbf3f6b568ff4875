"""The check's own light records: what `grader check` builds while it runs, without pydantic.

Importing pydantic and building its models cost `grader check` about a tenth of a second of start-up,
in the one process that runs before the work is shared out over the cores. The check path therefore
builds these plain slotted classes, which have the same fields, defaults and order as the public
typed models of static_checks/models.py, and writes its JSON report with the standard library.
A caller that wants the typed models (grade, reports, facts) gets them from models.typed():
static_checks.engine.check_path does that for every caller but the check command.

The records answer the few pydantic calls the check path makes (`model_copy(update=...)`,
`model_dump`, `model_dump_json`), with the same results: tests/core/test_check_records.py compares their JSON
with pydantic's, byte for byte. They do not validate: the rules that build them are our code.
The enums live here, and models.py uses the same classes, so a severity compares alike in both.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import PurePath
from typing import Any, ClassVar


class Severity(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"


class Category(str, Enum):
    api_hallucination = "api-hallucination"
    unverifiable = "unverifiable"
    bypass = "bypass"
    parse = "parse"
    input = "input"  # files the analysis had to skip (size, encoding, links)
    security = "security"  # the repo works against its grader (static_checks/text_rules)
    # A use of a value that comes from an invented call or constant: follows from its root finding
    # (in `related`), never counted on its own.
    invented_use = "invented-use"


class VersionSource(str, Enum):
    override = "override"
    gemfile_lock = "Gemfile.lock"
    gemfile_constraint = "Gemfile constraint"
    newest_release = "newest release"
    # Additive: where the app's ruby_llm comes from when it is not a plain release.
    gemspec_constraint = "gemspec constraint"  # the gem's own add_dependency line
    git = "git"  # a Gemfile.lock GIT section or `gem ..., github:/git:` (may be ahead of every release)
    path = "path"  # a Gemfile.lock PATH section or `gem ..., path:` (a local checkout)
    # A Gemfile.lock that bundles no ruby_llm: RubyLLM comes from another gem (a renamed fork
    # such as `gem "x_llm", git: ...`) or is never loaded; no release can be proven.
    not_bundled = "not in Gemfile.lock"


def _plain(value: Any, as_json: bool, exclude_none: bool = False) -> Any:
    """A field's value as pydantic's model_dump gives it (mode "json" when as_json)."""
    if isinstance(value, Record):
        return value.model_dump(mode="json" if as_json else "python", exclude_none=exclude_none)
    if isinstance(value, Enum):
        return value.value if as_json else value
    if isinstance(value, list | tuple):
        return [_plain(v, as_json, exclude_none) for v in value]
    if isinstance(value, dict):
        return {(k.value if as_json and isinstance(k, Enum) else k): _plain(v, as_json, exclude_none)
                for k, v in value.items()}
    if as_json and isinstance(value, set | frozenset):
        return [_plain(v, as_json, exclude_none) for v in value]
    if as_json and isinstance(value, PurePath):
        return str(value)
    if hasattr(value, "model_dump"):  # a typed model among the records (a Fact)
        return value.model_dump(mode="json" if as_json else "python", exclude_none=exclude_none)
    return value


class Record:
    """Fields in `_fields` order (the typed model's), set by each class's own __init__."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()

    def model_copy(self, update: dict[str, Any] | None = None):
        """A shallow copy with some fields replaced (not validated, as with pydantic)."""
        copy = object.__new__(type(self))
        for name in self._fields:
            object.__setattr__(copy, name, getattr(self, name))
        for name, value in (update or {}).items():
            setattr(copy, name, value)
        return copy

    def model_dump(self, *, mode: str = "python", exclude: set[str] | None = None,
                   exclude_none: bool = False) -> dict[str, Any]:
        as_json = mode == "json"
        out = {}
        for name in self._fields:
            if exclude and name in exclude:
                continue
            value = getattr(self, name)
            if exclude_none and value is None:
                continue
            out[name] = _plain(value, as_json, exclude_none)
        return out

    def model_dump_json(self, *, indent: int | None = None, exclude: set[str] | None = None,
                        exclude_none: bool = False) -> str:
        """pydantic's JSON bytes: UTF-8 text unescaped, `": "` and `","` with an indent, none without."""
        return json.dumps(self.model_dump(mode="json", exclude=exclude, exclude_none=exclude_none), indent=indent,
                          ensure_ascii=False, separators=None if indent is not None else (",", ":"))

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self._fields)

    __hash__ = None  # type: ignore[assignment]  # mutable, as pydantic's models are

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{n}={getattr(self, n)!r}' for n in self._fields)})"


class KeywordRecord(Record):
    """A record whose fields are set from keywords with the defaults of `_defaults` (a list or dict
    default is copied for each record), for records with many optional fields."""

    __slots__ = ()
    _defaults: ClassVar[dict[str, Any]] = {}

    def __init__(self, **values: Any) -> None:
        for name in self._fields:
            if name in values:
                value = values.pop(name)
            elif name in self._defaults:
                value = self._defaults[name]
                if type(value) is list or type(value) is dict:
                    value = value.copy()
            else:
                raise TypeError(f"{type(self).__name__}: no value for {name!r}")
            object.__setattr__(self, name, value)
        if values:
            raise TypeError(f"{type(self).__name__}: no field {next(iter(values))!r}")

    @classmethod
    def model_construct(cls, **values: Any):
        return cls(**values)


class RelatedLocation(Record):
    """Another finding this one follows from (the root of an invented value)."""

    __slots__ = _fields = ("rule", "file", "line", "column", "message")

    def __init__(self, *, rule: str, file: str, line: int, column: int, message: str) -> None:
        self.rule, self.file, self.line, self.column, self.message = rule, file, line, column, message


class Finding(Record):
    __slots__ = _fields = ("rule", "category", "severity", "file", "line", "column", "message", "evidence", "hint",
                           "snippet", "extra", "related")

    def __init__(self, *, rule: str, category: Category | str, severity: Severity | str, file: str, line: int,
                 column: int, message: str, evidence: str, hint: str | None = None, snippet: str | None = None,
                 extra: dict[str, Any] | None = None, related: list[RelatedLocation] | None = None) -> None:
        self.rule = rule
        self.category = Category(category)
        self.severity = Severity(severity)
        self.file, self.line, self.column = file, line, column
        self.message, self.evidence, self.hint, self.snippet = message, evidence, hint, snippet
        # copied, as pydantic's validation copies them: a caller's later change does not reach the finding
        self.extra = {} if extra is None else dict(extra)
        self.related = [] if related is None else list(related)


class AppRoot(Record):
    __slots__ = _fields = ("path", "ruby_llm_version", "version_source", "version_detail")

    def __init__(self, *, path: str, ruby_llm_version: str, version_source: VersionSource | str,
                 version_detail: str | None = None) -> None:
        self.path, self.ruby_llm_version = path, ruby_llm_version
        self.version_source = VersionSource(version_source)
        self.version_detail = version_detail


class SkippedFile(Record):
    __slots__ = _fields = ("file", "reason")

    def __init__(self, *, file: str, reason: str) -> None:
        self.file, self.reason = file, reason


class InlineSuppression(Record):
    """A `# grader:disable RULE -- reason` comment (see models.InlineSuppression)."""

    __slots__ = _fields = ("file", "line", "applies_to", "rules", "reason", "honoured", "matched", "problem")

    def __init__(self, *, file: str, line: int, applies_to: int, rules: list[str], honoured: bool,
                 reason: str | None = None, matched: int = 0, problem: str | None = None) -> None:
        self.file, self.line, self.applies_to, self.rules = file, line, applies_to, list(rules)
        self.reason, self.honoured, self.matched, self.problem = reason, honoured, matched, problem


class SuppressedFinding(Record):
    """A finding `grader check` did not report, and why (see models.SuppressedFinding)."""

    __slots__ = _fields = ("finding", "by", "detail")

    def __init__(self, *, finding: Finding, by: str, detail: str | None = None) -> None:
        self.finding, self.by, self.detail = finding, by, detail


SCHEMA_VERSION = "1.0"


class CheckReport(Record):
    __slots__ = _fields = ("schema_version", "tool_version", "roots", "findings", "files_analyzed", "skipped",
                           "facts", "incomplete", "suppressions", "suppressed")

    def __init__(self, *, tool_version: str, roots: list[AppRoot], findings: list[Finding],
                 schema_version: str = SCHEMA_VERSION, files_analyzed: int = 0,
                 skipped: list[SkippedFile] | None = None,
                 facts: list | None = None, incomplete: list[str] | None = None,
                 suppressions: list[InlineSuppression] | None = None,
                 suppressed: list[SuppressedFinding] | None = None) -> None:
        self.schema_version, self.tool_version = schema_version, tool_version
        self.roots, self.findings, self.files_analyzed = list(roots), list(findings), files_analyzed
        self.skipped = [] if skipped is None else list(skipped)
        self.facts = [] if facts is None else list(facts)  # typed grader.core.facts.Fact objects
        self.incomplete = [] if incomplete is None else list(incomplete)
        self.suppressions = [] if suppressions is None else list(suppressions)
        self.suppressed = [] if suppressed is None else list(suppressed)

    def has_errors(self) -> bool:
        return any(f.severity is Severity.error for f in self.findings)


def fitted(report, record):
    """`record` as `report` holds it: itself in a light report, as its typed model in a typed one (the
    owner's filters, static_checks/suppress.py and baseline.py, take either kind of report)."""
    if isinstance(report, CheckReport):
        return record
    typed_models = sys.modules[type(report).__module__]  # static_checks.models, already loaded: it made the report
    return getattr(typed_models, type(record).__name__).model_validate(record.model_dump())


def leave_out(report, finding, by: str, detail: str | None) -> None:
    """Record in `report.suppressed` a finding `check` does not report, and why (in the report's kind)."""
    report.suppressed.append(fitted(report, SuppressedFinding(finding=finding, by=by, detail=detail)))
