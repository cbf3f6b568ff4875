"""Odd and hostile repos: facts still come out complete, marked, and nothing outside the repo is read."""

from __future__ import annotations

import os

from facts_helpers import facts_of, write_app

from static_checks.engine import check_path
from static_checks.facts import catalog


def test_empty_folder_gives_every_fact(tmp_path):
    facts = facts_of(tmp_path)
    assert list(facts) == list(catalog())
    assert not [f.id for f in facts.values() if f.note and f.note.startswith("collector")]
    assert facts["readme.status"].value == "missing"
    assert facts["gemfile.present"].value is False and facts["tests.count"].value == 0
    assert facts["model.verdict"].value == "missing"


def test_broken_inputs_do_not_break_collectors(tmp_path):
    repo = write_app(tmp_path / "r", {
        "Gemfile": 'source "https://rubygems.org"\ngem "ruby_llm"\ngem "rails" if (\n',  # syntax error
        "Gemfile.lock": "\x00\x01 not a lockfile",
        "package.json": "{not json",
        "Dockerfile": "FROM\nARG\nUSER\n\\\n",
        "config/application.rb": "require 'rails'\n",
        "app/javascript/controllers/x_controller.js": "fetch('/x').then(r => {\n  el.innerHTML = r\n}}}) ;; ((\n",
        "app/views/a/b.html.erb": "<%= raw( %>\n<%== %>\n",
        "app/services/x.rb": "class X\n  def y\n    RubyLLM.chat.ask(\n  end\n",
    })
    (repo / "app/assets").mkdir(parents=True)
    (repo / "app/assets/logo.png").write_bytes(b"\x89PNG\x00\x00" + os.urandom(64))
    facts = facts_of(repo)
    failed = {f.id: f.note for f in facts.values() if f.note and f.note.startswith("collector")}
    assert not failed, failed
    assert facts["gem.ruby_llm"].value is True
    assert facts["hotwire.fetch_innerhtml"].value is True  # tree-sitter recovers around the junk


def test_links_out_of_the_repo_are_not_followed(tmp_path):
    outside = write_app(tmp_path / "outside", {
        "README.md": "# Secret host notes\n\n" + "words " * 50,
        ".env": "OPENROUTER_API_KEY=sk-or-v1-" + "9f8e7d6c5b4a3210" * 4 + "\n",
    })
    repo = write_app(tmp_path / "repo", {"config/application.rb": "require 'rails'\n"})
    os.symlink(outside / "README.md", repo / "README.md")
    os.symlink(outside, repo / "linked")
    facts = facts_of(repo)
    assert facts["readme.status"].value == "missing"
    assert facts["secrets.committed"].value is False


def test_check_path_with_facts_runs_the_engine(fixture_repo):
    facts = {f.id: f for f in check_path(fixture_repo("rubyllm_client"), with_facts=True).facts}
    assert list(facts) == list(catalog())
    assert facts["rubyllm.invented_kinds"].value == ["entry_class"]
