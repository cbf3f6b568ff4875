"""Cause 6: release suffixes, the configured default first, staleness as of the repo's date, and the
locked gem's default model when none is configured."""

from __future__ import annotations

import os
import subprocess

from static_checks.facts.model_slug import gem_default_model, judge, normalize

LOCK = """GEM
  remote: https://rubygems.org/
  specs:
    ruby_llm (1.8.0)

PLATFORMS
  ruby

DEPENDENCIES
  ruby_llm
"""


def test_release_suffixes_are_normalised():
    assert normalize("gemini-2.0-flash-001") == normalize("gemini-2.0-flash")
    assert judge("gemini-2.0-flash", as_of="2025-05-17")[0] == "latest"
    assert judge("gemini-2.0-flash", as_of="2025-07-01")[0] == "stale"


def test_the_configured_default_model_decides_before_other_slugs(repo_facts):
    f = repo_facts({
        "app/services/titler.rb": ('class Titler\n'
                                   '  def call(t) = RubyLLM.chat(model: "gpt-4o-mini").ask(t).content\nend\n'),
        "config/initializers/ruby_llm.rb": ('RubyLLM.configure do |config|\n'
                                            '  config.default_model = "anthropic/claude-sonnet-4.5"\nend\n'),
    })
    assert f["model.slug"].value == "anthropic/claude-sonnet-4.5"
    assert f["model.is_claude_sonnet"].value is True


def test_staleness_is_judged_as_of_the_last_commit(repo_facts, tmp_path):
    files = {"app/services/bot.rb": ('class Bot\n'
                                     '  def call(t) = RubyLLM.chat(model: "gpt-4.1-mini").ask(t).content\nend\n')}
    undated = repo_facts(files)
    assert undated["model.verdict"].value == "stale"  # gpt-5-mini is out by the data file's date
    repo = tmp_path / "dated"
    (repo / "app/services").mkdir(parents=True)
    (repo / "app/services/bot.rb").write_text(files["app/services/bot.rb"])
    (repo / "Gemfile").write_text('source "https://rubygems.org"\ngem "ruby_llm"\n')
    env = {**os.environ, "GIT_AUTHOR_DATE": "2025-06-01T12:00:00Z", "GIT_COMMITTER_DATE": "2025-06-01T12:00:00Z",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "app"]):
        subprocess.run(["git", "-C", str(repo), *cmd], check=True, env=env, capture_output=True)
    from facts_helpers import facts_of

    dated = facts_of(repo)
    assert dated["model.as_of"].value == "2025-06-01"
    assert dated["model.verdict"].value == "latest"  # newest GPT mini on 2025-06-01


def test_no_model_configured_uses_the_locked_gems_default(repo_facts):
    assert gem_default_model("1.8.0") == "gpt-4.1-nano" and gem_default_model("1.14.1") == "gpt-5.4"
    files = {"Gemfile": 'source "https://rubygems.org"\ngem "ruby_llm"\n', "Gemfile.lock": LOCK,
             "app/models/chat.rb": "class Chat < ApplicationRecord\n  acts_as_chat\nend\n"}
    f = repo_facts(files, skeleton=False)
    assert f["model.slug"].value is None and f["model.verdict"].value == "missing"
    assert f["model.is_claude_sonnet"].value is False
    assert "gpt-4.1-nano" in f["model.is_claude_sonnet"].note
    # not locked: the default would be a guess
    unlocked = repo_facts({k: v for k, v in files.items() if k != "Gemfile.lock"}, skeleton=False)
    assert unlocked["model.is_claude_sonnet"].value is None


def test_a_model_read_from_an_env_var_with_no_default_is_unknown(repo_facts):
    files = {"Gemfile": 'source "https://rubygems.org"\ngem "ruby_llm"\n', "Gemfile.lock": LOCK,
             "app/models/chat.rb": "class Chat < ApplicationRecord\n  acts_as_chat\nend\n",
             "config/initializers/ruby_llm.rb": ('RubyLLM.configure do |config|\n'
                                                 '  config.default_model = ENV["DEFAULT_LLM_MODEL"]\nend\n')}
    f = repo_facts(files, skeleton=False)
    assert f["model.is_claude_sonnet"].value is None and f["model.env_overridable"].value is True


def test_later_flash_and_open_weight_releases_are_known():
    # Gemini 3 Flash (2025-12-17) made 2.5 Flash stale; before it, 2.5 Flash was the newest
    assert judge("gemini-2.5-flash", as_of="2025-11-01")[0] == "latest"
    assert judge("gemini-2.5-flash", as_of="2026-04-16")[:2] == ("stale", "google/gemini-flash")
    # an OpenRouter slug: provider prefix and `:free` tier are not part of the model
    assert judge("openai/gpt-oss-120b:free", as_of="2026-05-22")[:2] == ("latest", "openai/gpt-oss")
    assert judge("gpt-5", as_of="2026-01-01")[1] == "openai/gpt"  # not taken for an open-weight model
