"""Small pathological inputs cannot stall the static pass: a file over its time budget is reported
as skipped with the reason, and the rest of the repo is still analysed."""

from __future__ import annotations

import pytest

import grader.core.budget as budget
from static_checks.engine import check_path

INVENTED = "class A\n  def go\n    RubyLLM.chat.bogus_call\n  end\nend\n"


def _repo(tmp_path, files):
    (tmp_path / "Gemfile").write_text('source "https://rubygems.org"\ngem "ruby_llm", "1.9.1"\n')
    for rel, data in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    return tmp_path


@pytest.mark.parametrize("name,data", [
    ("lib/words.rb", b"%w[" * 60_000),  # minutes of tree-sitter error recovery unbounded
    ("app/views/a/index.html.erb", b"<%" * 40_000),
])
def test_a_file_over_its_budget_is_skipped_and_the_rest_is_checked(tmp_path, monkeypatch, name, data):
    monkeypatch.setattr(budget, "FILE_SECONDS", 0.2)
    repo = _repo(tmp_path, {name: data, "app/models/a.rb": INVENTED.encode()})
    report = check_path(repo)
    reasons = {s.file: s.reason for s in report.skipped}
    assert reasons[name] == "not analysed: per-file budget of 0.2 s exhausted"
    assert [f.rule for f in report.findings if f.file == "app/models/a.rb"] == ["rubyllm/unknown-method"]


def test_a_spent_repo_budget_skips_what_is_left_and_still_reports(tmp_path, monkeypatch):
    monkeypatch.setattr(budget, "REPO_STATIC_SECONDS", 0.0)
    repo = _repo(tmp_path, {"app/models/a.rb": INVENTED.encode()})
    report = check_path(repo)
    assert report.files_analyzed == 0
    assert any("repo analysis budget of 0 s exhausted" in s.reason for s in report.skipped)


def test_budgets_nest():
    repo = budget.start_repo_budget(100)
    assert budget.file_deadline(1).what == "per-file budget"
    budget.start_repo_budget(0.5)
    assert budget.file_deadline(10).what == "repo analysis budget"
    assert not repo.expired() and budget.Deadline.after(None, "x").remaining() is None
    budget.start_repo_budget()
