"""YAML from the repo (compose.yaml, config files) is loaded with alias expansion capped."""

from __future__ import annotations

import time
import tracemalloc

import pytest
import yaml

from grader.core.repo import RepoReader, SkipKind, UnsafeYaml, load_yaml


def _alias_bomb(levels: int = 8) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels + 1):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "services:\n  web:\n    image: x\n" + "\n".join(lines) + "\n"


def test_an_alias_bomb_in_compose_fails_fast_and_small(tmp_path):
    bomb = _alias_bomb()
    assert len(bomb) < 700  # 9**9 strings once expanded
    (tmp_path / "compose.yaml").write_text(bomb)
    tracemalloc.start()
    started = time.process_time()
    doc, skip = RepoReader(tmp_path).yaml("compose.yaml")
    spent = time.process_time() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert doc is None and skip.kind is SkipKind.yaml and "alias expansion capped" in skip.reason
    assert peak < 5_000_000 and spent < 5


def test_deep_nesting_and_bad_yaml_are_explained():
    with pytest.raises(UnsafeYaml, match="nested too deeply"):
        load_yaml("[" * 50_000 + "]" * 50_000)
    with pytest.raises(yaml.YAMLError):
        load_yaml("a: [\n")


def test_ordinary_yaml_with_anchors_still_loads():
    doc = load_yaml("base: &b {adapter: postgresql}\ndevelopment:\n  <<: *b\n  database: dev\n")
    assert doc["development"] == {"adapter": "postgresql", "database": "dev"}


def test_unsafe_yaml_is_one_lazily_made_class_and_yaml_loads_only_when_read():
    import subprocess
    import sys

    import grader.core.repo as repo

    assert repo.UnsafeYaml is UnsafeYaml and issubclass(UnsafeYaml, (yaml.YAMLError, ValueError))
    with pytest.raises(repo.UnsafeYaml, match="alias expansion capped"):  # the class the loader raises
        load_yaml(_alias_bomb(), max_nodes=1000)
    probe = ("import sys, grader.core.repo as r; before = 'yaml' in sys.modules; r.load_yaml('a: 1'); "
             "print(before, 'yaml' in sys.modules, r.UnsafeYaml is r._unsafe_yaml_class())")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True", "True"]
