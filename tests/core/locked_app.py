"""The small Rails-like app the `grader check` tests write: a Gemfile asking for ruby_llm ~> 1.6, the
Gemfile.lock that pins 1.6.2 (so findings are checked against one known release), and one service.

Shared by test_cli_check.py, test_check_everyday.py and test_action_and_hook.py (one copy of the lock)."""

from __future__ import annotations

from pathlib import Path

GEMFILE = 'source "https://rubygems.org"\ngem "ruby_llm", "~> 1.6"\n'

LOCK = """GEM
  remote: https://rubygems.org/
  specs:
    ruby_llm (1.6.2)
      faraday (>= 1.10.0)

DEPENDENCIES
  ruby_llm (~> 1.6)
"""


def write_locked_app(root: Path, service: str, service_file: str = "chat_service.rb") -> Path:
    """Gemfile, Gemfile.lock and app/services/<service_file> under root (created); returns root."""
    (root / "app" / "services").mkdir(parents=True)
    (root / "Gemfile").write_text(GEMFILE)
    (root / "Gemfile.lock").write_text(LOCK)
    (root / "app" / "services" / service_file).write_text(service)
    return root
