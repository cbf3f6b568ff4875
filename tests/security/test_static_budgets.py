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


# ---- the rules and the fact collectors honour the budgets too ---------------------------------
# Helpers that call each other across many files: the call-chain facts cost files x calls (minutes at
# 1500 files). Here 60 files: far more work than the budgets below allow.
def _chained_helpers(count: int) -> dict[str, bytes]:
    files = {}
    for i in range(count):
        body = "".join(f"  def f{j}(x)\n    f{j + 1}(RubyLLM.chat.ask(x.to_s).content)\n  end\n" for j in range(20))
        files[f"app/models/m{i}.rb"] = f"class M{i}\n{body}end\n".encode()
    return files


def _budget_after_parsing(monkeypatch, repo_seconds=None, file_seconds=None):
    """Parse with the normal budgets, then give the rules and collectors the ones under test: the cut
    lands in those phases, never in parsing, however loaded the machine is."""
    import static_checks.engine as engine

    parse = engine.parse_tree

    def parse_then_tighten(*args, **kwargs):
        got = parse(*args, **kwargs)
        if file_seconds is not None:
            monkeypatch.setattr(budget, "FILE_SECONDS", file_seconds)
        if repo_seconds is not None:
            budget.start_repo_budget(repo_seconds)
        return got

    monkeypatch.setattr(engine, "parse_tree", parse_then_tighten)


def test_a_spent_repo_budget_stops_the_rules_and_the_facts_with_partial_results_marked(tmp_path, monkeypatch):
    _budget_after_parsing(monkeypatch, repo_seconds=0.0)
    repo = _repo(tmp_path, {**_chained_helpers(3), "app/models/a.rb": INVENTED.encode()})
    report = check_path(repo, with_facts=True)
    assert report.files_analyzed == 5  # parsing was not cut (the Gemfile is Ruby too)
    rules_line, facts_line = report.incomplete
    assert rules_line.startswith("rules cut short (repo analysis budget of 0 s exhausted): rubyllm/")
    assert "rubyllm/unknown-method" in rules_line
    assert facts_line == "facts cut short (repo analysis budget of 0 s exhausted): the facts not collected are unknown"
    assert report.facts and all(f.value is None and f.note == "not collected: repo analysis budget of 0 s exhausted"
                                for f in report.facts)


def test_the_repo_budget_stops_a_slow_fact_pass_and_keeps_what_was_collected(tmp_path, monkeypatch):
    _budget_after_parsing(monkeypatch, repo_seconds=1.0)
    repo = _repo(tmp_path, _chained_helpers(60))
    report = check_path(repo, with_facts=True)
    cut = [f for f in report.facts if f.note == "not collected: repo analysis budget of 1 s exhausted"]
    assert cut, "the fact pass should have been stopped"
    assert any(line.startswith(("rules cut short", "facts cut short")) for line in report.incomplete)
    # Nothing cut is reported as false: unknown (None) with the reason.
    assert all(f.value is None for f in cut)


def _big_file(calls: int) -> bytes:
    return ("class Big\n  def go\n" + "    RubyLLM.chat.ask('x')\n" * calls + "  end\nend\n").encode()


def test_a_file_over_its_budget_in_the_rules_and_facts_is_skipped_and_reported(tmp_path, monkeypatch):
    # A 0 s per-file budget after parsing: every file large enough to reach a budget check (the big
    # one) is given up on by the rules' scan and the collectors' index; the small file is still checked.
    _budget_after_parsing(monkeypatch, file_seconds=0.0)
    repo = _repo(tmp_path, {"lib/big.rb": _big_file(600), "app/models/a.rb": INVENTED.encode()})
    report = check_path(repo, with_facts=True)
    reasons = {s.file: s.reason for s in report.skipped}
    assert reasons["lib/big.rb"] in ("not analysed by the rules: per-file budget of 0 s exhausted",
                                     "not analysed by the fact collectors: per-file budget of 0 s exhausted")
    assert [f.rule for f in report.findings if f.file == "app/models/a.rb"] == ["rubyllm/unknown-method"]
    assert not [f for f in report.findings if f.file == "lib/big.rb"]
    assert report.incomplete == []


def test_a_grade_whose_static_budget_ran_out_marks_the_stage_partial(tmp_path, monkeypatch):
    from grader.pipeline import GradeOptions, grade

    _budget_after_parsing(monkeypatch, repo_seconds=0.0)
    (tmp_path / "repo").mkdir()
    repo = _repo(tmp_path / "repo", {"app/models/a.rb": INVENTED.encode()})
    report = grade(str(repo), "rails-rubyllm-v1", None, GradeOptions(runtime=False, judge=False))
    static = next(s for s in report.stages if s.name == "static")
    assert static.status == "partial"
    assert "rules cut short (repo analysis budget of 0 s exhausted)" in static.detail
