"""Options of the runtime stage (no docker import: the CLI builds these before deciding to run)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, ValidationError, field_validator

# Labels, image tags and cgroup names are built from it: what all three accept.
_RUN_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
_FLAGS = {"gem_mirror": "--gem-mirror", "run_id": "--run-id", "budget": "--budget", "base_image": "--base-image",
          "parallel_steps": "--parallel-steps", "boot": "--boot-timeout", "tests": "--tests-timeout"}


class Timeouts(BaseModel):
    """Seconds per step; the whole stage is also bounded by RuntimeOptions.budget."""

    model_config = {"validate_assignment": True}

    build: float = Field(600, gt=0)
    test_image: float = Field(600, gt=0)
    boot: float = Field(90, gt=0)
    tests: float = Field(300, gt=0)
    gate: float = Field(180, gt=0)
    compose: float = Field(60, gt=0)


class Limits(BaseModel):
    memory: str = "1g"
    cpus: float = 1.0
    pids: int = 256
    disk: str = "2g"  # writable layer of each run container and build step (sandbox_limits)
    user: str = "1000:1000"  # numeric, so it works in images without a passwd entry for it


class RuntimeOptions(BaseModel):
    base_image: str | None = None  # default: the profile's ruby:<repo's version> image
    profile: str | None = None  # default: detected
    timeouts: Timeouts = Field(default_factory=Timeouts)
    budget: float = Field(1500, gt=0)
    limits: Limits = Field(default_factory=Limits)
    build_network: bool = False  # network (and pulls) during image builds; off unless the user asks
    gem_mirror: str | None = None  # Bundler mirror for rubygems.org during builds (implies build network)
    compose_up: bool = False
    run_id: str | None = None  # default: a fresh random id
    build_repo_dockerfile: bool = True
    parallel_steps: int = Field(2, ge=1, le=8)  # tests and gates side by side (each container keeps its own limits)

    @field_validator("gem_mirror")
    @classmethod
    def _mirror_is_an_http_url(cls, value: str | None) -> str | None:
        # It becomes Bundler's mirror setting inside a build: a plain http(s) URL, nothing a shell could read.
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.hostname or re.search(r"[\s\x00-\x1f'\"`$\\]", value):
                raise ValueError(f"must be an http(s) URL such as https://gems.example.com, not {value!r}")
        return value

    @field_validator("run_id")
    @classmethod
    def _run_id_fits_labels_and_tags(cls, value: str | None) -> str | None:
        if value is not None and not _RUN_ID.match(value):
            raise ValueError(f"must be 1-64 lower-case letters, digits, '.', '_' or '-', not {value!r}")
        return value

    @field_validator("base_image")
    @classmethod
    def _image_is_named(cls, value: str | None) -> str | None:
        if value is not None and (not value.strip() or re.search(r"\s", value)):
            raise ValueError(f"must name an image (e.g. grader-base:bookworm), not {value!r}")
        return value


def options_error(exc: ValidationError) -> str:
    """One line naming the flag and what is wrong with its value."""
    first = exc.errors()[0]
    field = str(first["loc"][-1]) if first.get("loc") else "option"
    message = first["msg"].removeprefix("Value error, ")
    return f"{_FLAGS.get(field, field)}: {message[:1].lower()}{message[1:]}"
