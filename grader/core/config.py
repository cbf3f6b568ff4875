"""The grader's settings file, read by one loader for `check`, `grade`, `grade-many` and `runtime run`.

A settings file is `.grader.toml` (keys at the top level) or a `pyproject.toml` with a `[tool.grader]`
table. Which file a command reads is the caller's choice (`config_for_check`, `config_for_operator`):
`check` may honour the checked repo's own file (its owner runs it on their code), while `grade` never
does, since a graded repo is hostile and could disable the very rules that catch it.

Kept free of static_checks imports (static_checks may import grader.core, not the reverse): rule ids
are checked against the rule list by the caller, see static_checks/suppress.py.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from grader.core.settings_model import GraderSettings

CONFIG_FILE = ".grader.toml"
PYPROJECT = "pyproject.toml"
MAX_CONFIG_BYTES = 256 * 1024  # a settings file is a few lines; a huge one is refused, not parsed

class ConfigError(ValueError):
    """A settings file that cannot be used; its message is one line naming the file and the key."""


@dataclass(frozen=True)
class RuntimeDefaults:
    """RuntimeSettings with every default: what a run without a settings file reads."""

    build_network: bool = False
    gem_mirror: str | None = None
    base_image: str | None = None


@dataclass(frozen=True)
class DefaultSettings:
    """GraderSettings with every default (same attributes), for the common case of no settings file:
    the pydantic models (grader/core/settings_model.py) load only to validate a file, so `grader check`
    of a folder without one never imports pydantic (a tenth of a second of its start-up)."""

    exclude: list[str] = field(default_factory=list)
    disable: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    ruby_llm_version: str | None = None
    baseline: str | None = None
    runtime: RuntimeDefaults = field(default_factory=RuntimeDefaults)


@dataclass(frozen=True)
class LoadedConfig:
    """Settings and where they came from (None: no file, every default)."""

    settings: GraderSettings | DefaultSettings = field(default_factory=DefaultSettings)
    path: Path | None = None
    note: str | None = None  # why a file that was there was not used (shown to the user)

    @property
    def folder(self) -> Path | None:
        return self.path.parent if self.path is not None else None

    def describe(self) -> str:
        return str(self.path) if self.path is not None else "no settings file"


def parse_settings(text: str, source: str, *, pyproject: bool) -> GraderSettings | None:
    """Settings from the text of a file; None for a pyproject.toml without [tool.grader]."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    if pyproject:
        tool = data.get("tool")
        table = tool.get("grader") if isinstance(tool, dict) else None
        if table is None:
            return None
        if not isinstance(table, dict):
            raise ConfigError(f"{source}: [tool.grader] must be a table")
        data = table
    from grader.core.settings_model import validated

    try:
        return validated(data)
    except ValueError as exc:
        section = "[tool.grader] " if pyproject else ""
        raise ConfigError(f"{source}: {section}{exc}") from None


def __getattr__(name: str):
    # the typed settings models, for callers that name them; loaded with pydantic on first use
    if name in ("GraderSettings", "RuntimeSettings", "SeverityName"):
        from grader.core import settings_model

        return getattr(settings_model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _read_trusted(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"cannot read settings file {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"settings file {path} is larger than {MAX_CONFIG_BYTES} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"settings file {path} is not UTF-8") from None


def load_file(path: Path) -> LoadedConfig:
    """An explicit `--config FILE`: a .grader.toml-style file, or a pyproject.toml (which then must
    have a [tool.grader] table, else the user named the wrong file)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"--config: no such file: {path}")
    is_pyproject = path.name == PYPROJECT
    settings = parse_settings(_read_trusted(path), str(path), pyproject=is_pyproject)
    if settings is None:
        raise ConfigError(f"--config: {path} has no [tool.grader] table")
    return LoadedConfig(settings, path)


def _read_repo_file(folder: Path, name: str) -> str:
    from grader.core.repo import RepoReader

    got = RepoReader(folder, max_bytes=MAX_CONFIG_BYTES).read(name)
    if got.skip is not None or got.data is None:
        reason = got.skip.reason if got.skip is not None else "unreadable"
        raise ConfigError(f"settings file {folder / name} not read: {reason}")
    return got.data.decode("utf-8", errors="replace")


def find_in_folder(folder: Path, *, trusted: bool) -> LoadedConfig | None:
    """The settings file of a folder: `.grader.toml`, else a pyproject.toml with [tool.grader].

    A checked repo's file (`trusted=False`) is read through the repo reader, so one that is a link,
    a FIFO or huge is refused like any other repo file; the operator's own may be a link."""
    folder = Path(folder)
    for name in (CONFIG_FILE, PYPROJECT):
        where = folder / name
        if not os.path.lexists(where):
            continue
        text = _read_trusted(where) if trusted else _read_repo_file(folder, name)
        settings = parse_settings(text, str(where), pyproject=name == PYPROJECT)
        if settings is not None:
            return LoadedConfig(settings, where)
    return None


def _inside(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def config_for_check(explicit: Path | None, checked: Path, cwd: Path | None = None) -> LoadedConfig:
    """`check`: `--config FILE`, else the checked folder's own settings, else the current folder's."""
    if explicit is not None:
        return load_file(explicit)
    return (find_in_folder(checked, trusted=False) or find_in_folder(cwd or Path.cwd(), trusted=True)
            or LoadedConfig())


def config_for_operator(explicit: Path | None, graded: list[Path] | None = None,
                        cwd: Path | None = None) -> LoadedConfig:
    """`grade`, `grade-many`, `runtime run`: the operator's settings only, `--config FILE` or the
    current folder's; never a graded repo's. When the current folder is inside a graded folder
    (`grader grade .`), its file belongs to that repo and is not read."""
    if explicit is not None:
        return load_file(explicit)
    here = cwd or Path.cwd()
    for repo in graded or []:
        if repo.is_dir() and _inside(here, repo):
            return LoadedConfig(note=f"settings in {here} not read: it is inside the graded repo {repo} "
                                     f"(pass --config FILE for the grader's own settings)")
    return find_in_folder(here, trusted=True) or LoadedConfig()
