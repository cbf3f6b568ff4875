"""Our RuboCop configuration: the repo's settings without code loading (issue 11, item 8), and a
hostile .rubocop.yml (aliases, remote or deep inheritance) cannot blow it up."""

from __future__ import annotations

import yaml

from grader.runtime.gate_config import gate_config
from grader.runtime.results import reporter_counts


def test_require_and_plugins_are_dropped_at_every_level_and_reported(tmp_path):
    (tmp_path / ".rubocop.yml").write_text(
        "require: ./forge.rb\nplugins: [rubocop-evil]\ninherit_from: [.base.yml, https://example.invalid/x.yml]\n"
        "Style/StringLiterals:\n  Enabled: false\nAllCops:\n  Exclude: ['db/**/*', '/abs/**']\n")
    (tmp_path / ".base.yml").write_text("require:\n  - ./other.rb\nLayout/LineLength:\n  Max: 99\n")
    config = gate_config(tmp_path)
    data = yaml.safe_load(config.text)
    assert "require" not in data and "plugins" not in data and "inherit_from" not in data
    assert data["Style/StringLiterals"] == {"Enabled": False}
    assert data["Layout/LineLength"] == {"Max": 99}  # inherited settings kept
    assert data["AllCops"]["Exclude"] == ["/app/db/**/*", "/abs/**"]
    assert config.dropped == [
        ".rubocop.yml: require: ./forge.rb",
        ".rubocop.yml: plugins: rubocop-evil",
        ".base.yml: require: ./other.rb",
        ".rubocop.yml: inherit_from: https://example.invalid/x.yml (remote)",
    ]


def test_alias_bomb_and_inheritance_loops_stay_small(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n" for p, c in zip("abcdefg", "bcdefgh"))
    (tmp_path / ".rubocop.yml").write_text(bomb + "inherit_from: .rubocop.yml\nrequire: x\n")
    config = gate_config(tmp_path)
    assert len(config.text) < 200  # aliases refused: nothing of the bomb is expanded


def test_reporter_line_needs_the_token_and_must_be_alone():
    token = "ab" * 16
    line = f'GRADER-RESULT {token} {{"runs":2,"assertions":2,"failures":1,"errors":0,"skips":0}}'
    counts, n = reporter_counts(f"noise\n{line}\n999 runs, 9 assertions, 0 failures, 0 errors, 0 skips\n", token)
    assert n == 1 and (counts.runs, counts.failures) == (2, 1)
    assert reporter_counts(line.replace(token, "0" * 32), token) == (None, 0)  # a guessed token is no token
    assert reporter_counts(f"{line}\n{line}\n", token) == (None, 2)
