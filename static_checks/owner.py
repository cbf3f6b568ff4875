"""`check` as a repo's owner runs it: the settings file, inline comments and a baseline honoured.

Shared by `grader check` (after ingest) and the standalone `static-checks PATH`, so both read the
same settings the same way. Grading never comes through here (see grader/stages/static.py).
"""

from __future__ import annotations

from pathlib import Path

from static_checks.records import CheckReport


class OwnerError(ValueError):
    """A settings or baseline file that cannot be used: one line, exit 2."""


def baseline_path(explicit: Path | None, loaded) -> Path | None:
    """`--baseline FILE`, else the settings' `baseline` (relative to the settings file's folder)."""
    if explicit is not None:
        return explicit
    if loaded.settings.baseline is not None and loaded.folder is not None:
        # A checked repo's settings name a file of that repo, never one elsewhere (--write-baseline
        # would otherwise overwrite whatever `../../` reaches).
        folder = loaded.folder.resolve()
        target = (folder / loaded.settings.baseline).resolve()
        if target != folder and folder not in target.parents:
            raise OwnerError(f"{loaded.path}: baseline {loaded.settings.baseline!r} leaves the settings file's folder")
        return target
    return None


def check_as_owner(folder: Path, *, config: Path | None = None, ruby_llm_version: str | None = None,
                   baseline: Path | None = None, write_baseline: bool = False,
                   trust_repo: bool = True, jobs: int | None = None) -> tuple[CheckReport, Path | None]:
    """(report, baseline file) for a folder, the report in the check's light records (static_checks.records).
    With `write_baseline` the baseline is not read (it is about to be written from this report).
    `trust_repo=False` (`--untrusted`): the folder is someone else's, so its settings file is not read
    and its `grader:disable` comments are listed, never honoured; the user's own settings (`--config`
    or the current folder's) still apply. `jobs`: processes for the analysis (None: static_checks.engine
    decides from the tree's size)."""
    from grader.core.config import ConfigError, config_for_check, config_for_operator
    from static_checks.baseline import BaselineError, read_baseline
    from static_checks.engine import check_path
    from static_checks.suppress import apply_owner_choices, settings_problem

    try:
        loaded = (config_for_check(config, Path(folder)) if trust_repo
                  else config_for_operator(config, [Path(folder)]))
    except ConfigError as exc:
        raise OwnerError(str(exc)) from None
    if problem := settings_problem(loaded.settings, loaded.describe()):
        raise OwnerError(problem)
    baseline_file = baseline_path(baseline, loaded)
    known = None
    if baseline_file is not None and not write_baseline:
        try:
            known = (read_baseline(baseline_file), str(baseline_file))
        except BaselineError as exc:
            raise OwnerError(str(exc)) from None
    report = check_path(Path(folder), ruby_llm_version=ruby_llm_version or loaded.settings.ruby_llm_version,
                        jobs=jobs, light=True)
    return apply_owner_choices(report, Path(folder), loaded.settings, known, honour_inline=trust_repo), baseline_file
