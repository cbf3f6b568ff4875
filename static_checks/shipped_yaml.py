"""The YAML files shipped with the checker (rule data, manifest overlay): ours, not a graded repo's
(those go through grader.core.repo.load_yaml and its caps)."""

from __future__ import annotations

from typing import Any


def load_shipped_yaml(text: str) -> Any:
    """yaml.safe_load with libyaml's loader when it is built: the same data, about 50x faster."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader
