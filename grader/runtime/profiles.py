"""Runtime profiles: how to build a test image, boot the app and run its tests. Profiles are YAML
files in grader/runtime/profiles/; adding one needs no code change.

Detection picks the highest-priority profile whose file rules match the repo.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import jinja2
import yaml
from pydantic import BaseModel, Field

from grader.core.gems import ruby_version as core_ruby_version
from grader.core.repo import RepoReader


class ProfileError(ValueError):
    pass


class Detect(BaseModel):
    all: list[str] = Field(default_factory=list)  # every path must exist (file or dir)
    any: list[str] = Field(default_factory=list)  # at least one must exist
    none: list[str] = Field(default_factory=list)  # none may exist


class Boot(BaseModel):
    command: list[str]
    port: int = 3000
    path: str = "/"
    env: dict[str, str] = Field(default_factory=dict)


class Tests(BaseModel):
    framework: str  # minitest | rspec
    command: list[str]
    present: list[str] = Field(default_factory=list)  # paths that show a suite exists
    env: dict[str, str] = Field(default_factory=dict)


class Gate(BaseModel):
    tool: str  # executable name
    gem: str  # name in Gemfile.lock, to prefer `bundle exec`
    args: list[str]
    needs: list[str] = Field(default_factory=list)  # repo paths without which the gate is not applicable
    ok_exit_codes: list[int] = Field(default_factory=lambda: [0])  # others: the tool failed


class SetupStep(BaseModel):
    """A build-time shell step (root, no network by default), rendered only when one of the
    `when_exists` paths is in the repo (always when empty)."""

    run: str
    when_exists: str | list[str] = Field(default_factory=list)

    def applies(self, repo: Path | None) -> bool:
        paths = [self.when_exists] if isinstance(self.when_exists, str) else self.when_exists
        return not paths or (repo is not None and any((repo / p).exists() for p in paths))


class Profile(BaseModel):
    name: str
    description: str = ""
    priority: int = 0
    detect: Detect = Field(default_factory=Detect)
    # Default base image when --base-image is not given; {ruby_version} comes from the repo.
    base_image: str = "ruby:{ruby_version}-slim"
    default_ruby_version: str = "3.3"
    dockerfile: str | None = None  # Jinja2 template (base_image, setup, env); default: dockerfile.j2
    setup: list[SetupStep] = Field(default_factory=list)
    env: dict[str, str] = Field(default_factory=dict)  # every step
    boot: Boot
    tests: Tests
    gates: list[str] = Field(default_factory=lambda: ["rubocop", "brakeman", "bundle_audit"])

    def matches(self, repo: Path) -> bool:
        exists = lambda rel: (repo / rel).exists()  # noqa: E731
        return (
            all(exists(p) for p in self.detect.all)
            and (not self.detect.any or any(exists(p) for p in self.detect.any))
            and not any(exists(p) for p in self.detect.none)
        )

    def render_dockerfile(self, base_image: str, repo: Path | None = None, labels: dict[str, str] | None = None,
                          gem_mirror: bool = False) -> str:
        """The test image's Dockerfile. Labels go in one LABEL right after FROM, so every layer,
        including those of a build that fails half-way, carries them and can be cleaned up."""
        source = self.dockerfile or _data_text("dockerfile.j2")
        template = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True).from_string(source)
        setup = [s.run for s in self.setup if s.applies(repo)]
        return template.render(base_image=base_image, setup=setup, env=self.env, labels=labels or {},
                               gem_mirror=gem_mirror)

    def default_base_image(self, repo: Path) -> str:
        return self.base_image.format(ruby_version=ruby_version(repo) or self.default_ruby_version)


def _data_text(name: str) -> str:
    return resources.files("grader.runtime").joinpath(name).read_text()


@lru_cache(maxsize=1)
def load_gates() -> dict[str, Gate]:
    """Gate definitions shared by every profile (gates.yaml); a profile lists which ones it runs."""
    data = yaml.safe_load(_data_text("gates.yaml"))
    return {name: Gate.model_validate(spec) for name, spec in data.items()}


@lru_cache(maxsize=1)
def load_profiles() -> dict[str, Profile]:
    folder = resources.files("grader.runtime").joinpath("profiles")
    profiles: dict[str, Profile] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith((".yaml", ".yml")):
            continue
        try:
            profile = Profile.model_validate(yaml.safe_load(entry.read_text()))
        except Exception as exc:  # a broken profile is our bug; say which file
            raise ProfileError(f"profile {entry.name}: {exc}") from exc
        profiles[profile.name] = profile
    return profiles


def select_profile(repo: Path, name: str | None = None) -> Profile:
    profiles = load_profiles()
    if name:
        if name not in profiles:
            raise ProfileError(f"unknown profile {name!r}; known: {', '.join(sorted(profiles))}")
        return profiles[name]
    matching = [p for p in profiles.values() if p.matches(repo)]
    if not matching:
        raise ProfileError(
            "no runtime profile matches this repo: no config/application.rb or config.ru at its top or in a "
            f"sub-folder (known profiles: {', '.join(sorted(profiles))}; "
            "`grader runtime run --profile NAME` forces one)"
        )
    return max(matching, key=lambda p: p.priority)


def ruby_version(repo: Path) -> str | None:
    """The Ruby the repo asks for, in the one precedence of grader.core.gems (Dockerfile,
    .ruby-version, Gemfile `ruby`, Gemfile.lock RUBY VERSION)."""
    return core_ruby_version(RepoReader(repo, follow_links=True))
