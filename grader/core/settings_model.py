"""The settings file's typed models (see grader/core/config.py, which loads this module only to read a file).

Kept apart so a command run without a settings file never imports pydantic.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

SeverityName = Literal["error", "warning", "info"]


class _Section(BaseModel):
    # Keys are written with dashes, as in ruff's and pytest's tables; underscores are accepted too.
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class RuntimeSettings(_Section):
    """Defaults for the runtime stage's build policy (the command-line flags win)."""

    build_network: bool = Field(False, alias="build-network")
    gem_mirror: str | None = Field(None, alias="gem-mirror")
    base_image: str | None = Field(None, alias="base-image")

    @field_validator("gem_mirror")
    @classmethod
    def _mirror_is_http(cls, value: str | None) -> str | None:
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"must be an http(s) URL such as https://gems.example.com, not {value!r}")
        return value


class GraderSettings(_Section):
    """Everything a settings file may say; see the README's "Configuration" for each key."""

    exclude: list[str] = Field(default_factory=list)  # globs relative to the checked folder
    disable: list[str] = Field(default_factory=list)  # rule ids (the `rubyllm/` prefix may be left out)
    severity: dict[str, SeverityName] = Field(default_factory=dict)  # rule id -> error|warning|info
    ruby_llm_version: str | None = Field(None, alias="ruby-llm-version")  # default of --ruby-llm-version
    baseline: str | None = None  # default of --baseline, relative to the settings file's folder
    runtime: RuntimeSettings = Field(default_factory=lambda: RuntimeSettings.model_validate({}))

    @field_validator("exclude", "disable")
    @classmethod
    def _no_blank_entries(cls, values: list[str]) -> list[str]:
        if any(not v.strip() for v in values):
            raise ValueError("entries must not be empty")
        return values


def _problem(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "(top level)"
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "unknown key"
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{where}: {message}{more}"


def validated(data: dict) -> GraderSettings:
    """The settings of a file's table; ValueError naming the first bad key (one line) otherwise."""
    try:
        return GraderSettings.model_validate(data)
    except ValidationError as exc:
        raise ValueError(_problem(exc)) from None
