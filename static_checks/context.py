"""What a rule sees: the parsed files of one app root and the manifest of its locked version."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from static_checks.records import AppRoot

if TYPE_CHECKING:
    from static_checks.manifest.index import ManifestIndex
    from static_checks.parsing import ParsedFile


@dataclass
class ProjectContext:
    root: AppRoot
    files: list[ParsedFile]
    index: ManifestIndex
    # Rules may cache shared analysis here (e.g. the receiver-type model), keyed by name,
    # so it is computed once per root rather than once per rule.
    cache: dict[str, object] = field(default_factory=dict)
    # The app root on disk, for non-Ruby inputs (db/structure.sql, Gemfile.lock); None in unit tests.
    root_dir: Path | None = None
