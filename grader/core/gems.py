"""Gemfile, Gemfile.lock, gemspec and Ruby-version parsing: one parser each, shared by every stage.

Which Ruby an app asks for, in this order (the first that names one wins; all are kept so a
report can say when they disagree):

1. the Dockerfile's `ARG RUBY_VERSION=` default, else the tag of its `FROM ruby:<tag>` image:
   what the app ships and runs in production, and the Ruby the runtime stage builds on;
2. `.ruby-version`: the developer's Ruby;
3. the Gemfile's `ruby "x"`: the constraint Bundler enforces;
4. Gemfile.lock's RUBY VERSION: only the Ruby that last ran `bundle lock`.

The Dockerfile and .ruby-version are looked up in the app folder, then at the repo root; the Gemfile
and its lock in the app folder only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from grader.core.dockerfile import DOCKERFILE_NAMES, dockerfile_instructions, dockerfile_ruby
from grader.core.repo import RepoReader
from grader.core.semver import REQUIREMENT

if TYPE_CHECKING:  # loaded by the Ruby-version claims only: `grader check` reads locks and never imports pydantic
    from grader.core.facts import Evidence

# Sections of a Gemfile.lock whose `specs:` list the gems a bundle installs.
LOCK_SOURCES = ("GEM", "GIT", "PATH", "PLUGIN SOURCE")
_LOCK_OPTION = re.compile(r"^  ([a-z_]+):\s*(.*?)\s*$")
# `    name (version)` at exactly four spaces: a spec itself (its dependencies sit at six).
_LOCK_SPEC = re.compile(r"^    ([^\s(]+)(?: \(([^)]*)\))?\s*$")
_LOCK_RUBY = re.compile(r"^\s*ruby (\d+\.\d+(?:\.\d+)?)")
_OPTION = re.compile(r"""(?::(\w+)\s*=>\s*|(\w+):\s*)?['"]([^'"]*)['"]""")
_GEMFILE_RUBY = re.compile(r"""^(\s*)ruby\s*\(?\s*["']([^"']+)["']""")
_NUMBER = re.compile(r"^(?:ruby-)?(\d+\.\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class LockSpec:
    """One gem of a Gemfile.lock `specs:` list and the source section it sits in."""

    name: str
    version: str  # as written, a platform suffix included ("1.16.0-x86_64-linux"); "" when absent
    section: str  # "GEM", "GIT", "PATH" or "PLUGIN SOURCE"
    line: int
    remote: str | None = None  # the source's remote: a gem server, git URL, or folder for PATH
    revision: str | None = None
    ref: str | None = None  # branch, tag or ref when the Gemfile named one

    @property
    def number(self) -> str:
        """The version without its platform suffix."""
        return self.version.split("-")[0]


@dataclass(frozen=True)
class Lockfile:
    specs: list[LockSpec] = field(default_factory=list)
    ruby: str | None = None  # RUBY VERSION, numbers only ("3.3.0" from "ruby 3.3.0p0")
    ruby_line: int = 0

    def spec(self, gem: str, sections: tuple[str, ...] = ("GEM", "GIT", "PATH")) -> LockSpec | None:
        return next((s for s in self.specs if s.name == gem and s.section in sections), None)

    def versions(self) -> dict[str, tuple[str, int]]:
        """Gem -> (version number, line), the first spec of each name."""
        out: dict[str, tuple[str, int]] = {}
        for s in self.specs:
            if s.version:
                out.setdefault(s.name, (s.number, s.line))
        return out

    def from_registry(self, gem: str, registries: tuple[str, ...]) -> bool:
        """Whether `gem` comes from one of `registries` (a GEM remote) and from no other source."""
        named = [s for s in self.specs if s.name == gem]
        registry = any(s.section == "GEM" and (s.remote or "").rstrip("/").startswith(registries) for s in named)
        other = any(not (s.section == "GEM" and (s.remote or "").rstrip("/").startswith(registries)) for s in named)
        return registry and not other


def parse_lockfile(text: str) -> Lockfile:
    specs: list[LockSpec] = []
    section, in_specs = "", False
    opts: dict[str, str] = {}
    ruby: str | None = None
    ruby_line = 0
    for n, line in enumerate(text.splitlines(), 1):
        if line[:1] and not line[:1].isspace():
            section, opts, in_specs = line.strip(), {}, False
            continue
        if section == "RUBY VERSION" and ruby is None and (m := _LOCK_RUBY.match(line)):
            ruby, ruby_line = m.group(1), n
            continue
        if section not in LOCK_SOURCES:
            continue
        opt = _LOCK_OPTION.match(line)
        if opt:
            in_specs = opt.group(1) == "specs"
            opts[opt.group(1)] = opt.group(2)
            continue
        spec = _LOCK_SPEC.match(line)
        if spec and in_specs:
            ref = opts.get("branch") or opts.get("tag") or opts.get("ref")
            specs.append(LockSpec(spec.group(1), (spec.group(2) or "").strip(), section, n, opts.get("remote"),
                                  opts.get("revision"), ref))
    return Lockfile(specs, ruby, ruby_line)


@dataclass(frozen=True)
class GemLine:
    """A Gemfile's `gem "name", "~> 1.2", github: "x/y"` line."""

    requirements: list[str]
    options: dict[str, str]  # keyword options (require:, github:, path: ...)
    line: int


def gemfile_gem(gemfile_text: str, gem: str) -> GemLine | None:
    """The first `gem "<gem>", ...` line of a Gemfile (comments dropped), None when absent."""
    pattern = re.compile(rf"""^\s*gem\s*\(?\s*['"]{re.escape(gem)}['"]\s*(.*)$""")
    for n, line in enumerate(gemfile_text.splitlines(), 1):
        m = pattern.match(line.split("#", 1)[0])
        if not m:
            continue
        reqs: list[str] = []
        opts: dict[str, str] = {}
        for part in _OPTION.finditer(m.group(1)):
            key = part.group(1) or part.group(2)
            if key:
                opts[key] = part.group(3)
            else:
                reqs.append(part.group(3))
        return GemLine(reqs, opts, n)
    return None


def gemspec_requirements(gemspec_text: str, gem: str) -> list[str] | None:
    """Requirements from `add_dependency "ruby_llm", "~> 1.3"` lines (runtime or development); None when absent.

    Interpolated strings (`"~> #{VERSION}"`) cannot be read and are left out.
    """
    found: list[str] | None = None
    dep = re.compile(rf"""\.add_(?:runtime_|development_)?dependency\s*\(?\s*['"]{re.escape(gem)}['"]\s*(.*)$""")
    for line in gemspec_text.splitlines():
        m = None if line.lstrip().startswith("#") else dep.search(line)
        if not m:
            continue
        found = found if found is not None else []
        for part in re.finditer(r"""['"]([^'"]*)['"]""", m.group(1)):
            if "#{" not in part.group(1) and REQUIREMENT.match(part.group(1).split(",")[0]):
                found.append(part.group(1))
    return found


# ---- Ruby version ----------------------------------------------------------------------------
@dataclass(frozen=True)
class RubyVersionClaim:
    """One place that names the app's Ruby."""

    version: str  # as written ("3.3.6", "ruby-3.4.1", "3.3-slim", "latest")
    source: str  # dockerfile_arg, dockerfile_from, ruby_version_file, gemfile, gemfile_lock
    evidence: Evidence

    @property
    def number(self) -> str | None:
        """"3.4.1" from "ruby-3.4.1", "3.3" from "3.3-slim"; None for a tag such as "latest"."""
        m = _NUMBER.match(self.version.strip())
        return m.group(1) if m else None


def _first_file(reader: RepoReader, folders: list[str], names: list[str]) -> str | None:
    for folder in folders:
        for name in names:
            if reader.is_file(folder + name):
                return folder + name
    return None


def _gemfile_ruby(text: str, rel: str) -> RubyVersionClaim | None:
    from grader.core.facts import Evidence

    for n, line in enumerate(text.splitlines(), 1):
        m = _GEMFILE_RUBY.match(line)
        if m:
            # `ruby "~> 3.3"` and `ruby ">= 3.2"` name a series: keep the number.
            version = m.group(2).lstrip("~>=< ").strip()
            ev = Evidence(file=rel, line=n, column=len(m.group(1)) + 1, snippet=line.strip()[:200])
            return RubyVersionClaim(version, "gemfile", ev) if version else None
    return None


def ruby_version_claims(reader: RepoReader, app_prefix: str = "") -> list[RubyVersionClaim]:
    """Every place naming the app's Ruby, in the precedence of the module docstring.
    app_prefix: the app folder relative to the reader's root, "" or ending with "/"."""
    from grader.core.facts import Evidence

    folders = [app_prefix, ""] if app_prefix else [""]
    found: list[RubyVersionClaim] = []
    rel = _first_file(reader, folders, DOCKERFILE_NAMES)
    if rel is not None:
        version, source, line = dockerfile_ruby(dockerfile_instructions(reader.text(rel) or ""))
        if version:
            found.append(RubyVersionClaim(version, source, Evidence(file=rel, line=line, snippet=version)))
    rv = _first_file(reader, folders, [".ruby-version"])
    if rv is not None:
        lines = (reader.text(rv) or "").strip().splitlines()
        if lines and lines[0].strip():
            found.append(RubyVersionClaim(lines[0].strip(), "ruby_version_file",
                                          Evidence(file=rv, line=1, snippet=lines[0].strip()[:200] or None)))
    gemfile = reader.text(app_prefix + "Gemfile")
    claim = _gemfile_ruby(gemfile, app_prefix + "Gemfile") if gemfile else None
    if claim is not None:
        found.append(claim)
    lock = reader.text(app_prefix + "Gemfile.lock")
    parsed = parse_lockfile(lock) if lock else None
    if parsed is not None and parsed.ruby:
        found.append(RubyVersionClaim(parsed.ruby, "gemfile_lock", Evidence(
            file=app_prefix + "Gemfile.lock", line=parsed.ruby_line, snippet=f"ruby {parsed.ruby}")))
    return found


def ruby_version(reader: RepoReader, app_prefix: str = "") -> str | None:
    """The number of the first claim that has one (a runtime needs a number, not "latest")."""
    return next((c.number for c in ruby_version_claims(reader, app_prefix) if c.number), None)
