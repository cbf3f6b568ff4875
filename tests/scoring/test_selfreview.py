"""SELF_REVIEW.md: tolerant parsing, goal mapping, invented numbering, claims checked against facts."""

from __future__ import annotations

from pathlib import Path

from grader.rubric import load_rubric
from grader.scoring import FactSet
from grader.selfreview import assess, fidelity_facts, parse_self_review_text, read_self_review

from scoring_helpers import fact

GOALS = load_rubric("rails-rubyllm-v2").goals


def test_three_column_header_with_emoji_and_bold_verdicts():
    r = parse_self_review_text(
        "| Goal | Verdict | Evidence |\n|---|:---:|---|\n"
        "| G1 | ✅ PASS | Gemfile:3 |\n| G2 | **PARTIAL** | no partials |\n| G3 | ❌ | none |\n"
    )
    assert [(x.goal, x.verdict, x.line) for x in r.rows] == [("G1", "PASS", 3), ("G2", "PARTIAL", 4), ("G3", "FAIL", 5)]
    assert r.rows[0].evidence == "Gemfile:3"


def test_description_column_and_goal_cells_with_titles():
    r = parse_self_review_text(
        "## Goals\n\n| # | Goal | Description | Status | Evidence |\n|--|--|--|--|--|\n"
        "| 1 | G4 — TRUE token streaming | tokens pushed | PASS (mostly) | app/x.rb:1 |\n"
        "| 2 | **G10 - robustness** | errors | Partial | - |\n"
    )
    assert [(x.goal, x.verdict) for x in r.rows] == [("G4", "PASS"), ("G10", "PARTIAL")]
    assert "TRUE token streaming" in r.rows[0].label and "tokens pushed" in r.rows[0].label


def test_malformed_rows_are_kept_with_their_problem_and_tables_end_at_prose():
    r = parse_self_review_text(
        "| Goal | Verdict | Evidence |\n|---|---|---|\n| G1 | PASS | ok |\n| G2 |\n| G3 | maybe | ? |\n"
        "| | PASS | x |\nSome prose.\n| G9 | PASS | outside any table |\n"
    )
    assert [x.goal for x in r.rows] == ["G1"]
    assert [(m.line, m.problem.split()[0]) for m in r.malformed] == [(4, "1"), (5, "no"), (6, "no")]


def test_missing_file(tmp_path):
    review = read_self_review(tmp_path)
    assert not review.present
    fid = assess(review, GOALS, FactSet([]), tmp_path)
    facts = {f.id: f.value for f in fidelity_facts(fid)}
    assert facts["selfreview.present"] is False and facts["selfreview.contradicted_claims"] == 0


def test_file_found_one_folder_down_with_another_spelling(tmp_path):
    (tmp_path / "chat_app").mkdir()
    (tmp_path / "chat_app" / "self-review.md").write_text("| Goal | Verdict |\n|--|--|\n| G1 | PASS |\n")
    review = read_self_review(tmp_path)
    assert review.path == "chat_app/self-review.md" and len(review.rows) == 1


TABLE = "| Goal | Verdict | Evidence |\n|---|---|---|\n"


def _fid(text: str, facts: list, repo: Path, missing=()):
    review = parse_self_review_text(text)
    return assess(review, GOALS, FactSet(facts, missing_stages=missing), repo)


def test_invented_numbering_out_of_range_or_mismatched_labels(tmp_path):
    fid = _fid(TABLE + "| G15 | PASS | x |\n| G1 | PASS | y |\n", [], tmp_path)
    assert fid.invented_numbering and "G15" in fid.invented_reasons[0]
    own_list = TABLE.replace("| Goal |", "| Goal |") + "".join(
        f"| G{i} — {label} | PASS | z |\n"
        for i, label in enumerate(
            ["token budget", "docker compose", "calculator tool", "streaming", "title schema"], 1))
    fid = _fid(own_list, [], tmp_path)
    assert fid.invented_numbering and "do not match" in fid.invented_reasons[-1]
    honest = TABLE + "".join(f"| G{i} — {g.title} | PASS | z |\n" for i, g in enumerate(GOALS, 1))
    assert not _fid(honest, [], tmp_path).invented_numbering


def test_claims_contradicted_supported_unverifiable(tmp_path):
    facts = [
        fact("tools.server_time", True), fact("tools.calculator", True), fact("tools.registered", True),
        fact("tools.calculator_uses_eval", True, "app/tools/calculator_tool.rb", 12), fact("tools.count", 2),
        fact("secrets.committed", False), fact("app.nested", False),
    ]
    text = TABLE + ("| G7 | PASS | safe calculator |\n| G14 | PASS | no secrets |\n"
                    "| G4 | PASS | streams |\n| G9 | FAIL | none |\n")
    fid = _fid(text, facts, tmp_path)
    assert [(c.goal, c.status) for c in fid.claims] == [
        ("G7", "contradicted"), ("G14", "supported"), ("G4", "unverifiable"), ("G9", "not_a_claim")]
    out = {f.id: f for f in fidelity_facts(fid)}
    assert out["selfreview.contradicted_claims"].value == 1
    assert out["selfreview.supported_claims"].value == 1
    assert out["selfreview.unverifiable_claims"].value == 1
    assert out["selfreview.confessions"].value == 1
    ev = [(e.file, e.line) for e in out["selfreview.contradicted_claims"].evidence]
    assert ("SELF_REVIEW.md", 3) in ev and ("app/tools/calculator_tool.rb", 12) in ev


def test_a_failed_requirement_of_a_goal_contradicts_its_pass(tmp_path):
    """What supported_when requires, when it fails, makes a PASS false, not merely unverifiable."""
    cases = {
        "G1": [fact("app.nested", False), fact("rails.frameworks_left_on", []), fact("app.mvc_nontrivial", True),
               fact("ruby.version_verdict", "impossible", "Dockerfile", 1)],
        "G6": [fact("persistence.strategy", "rails_cache"), fact("persistence.process_local_store", False),
               fact("persistence.cap", True), fact("persistence.ttl", True),
               fact("persistence.cache_store", "redis_cache_store"),
               fact("concurrency.hazard_count", 2, "app/services/store.rb", 7)],
        "G12": [fact("gem.brakeman", True), fact("gem.rubocop", True), fact("gem.bundler_audit", True),
                fact("runtime.gates.rubocop.offenses", 0), fact("runtime.gates.brakeman.warnings", 0),
                fact("runtime.gates.brakeman.ignored_warnings", 0),
                fact("runtime.gates.bundle_audit.vulnerabilities", 3)],
    }
    for goal, facts in cases.items():
        fid = _fid(TABLE + f"| {goal} | PASS | done |\n", facts, tmp_path)
        assert [(c.goal, c.status) for c in fid.claims] == [(goal, "contradicted")], goal


def test_without_static_facts_no_claim_is_judged(tmp_path):
    fid = _fid(TABLE + "| G14 | PASS | x |\n", [fact("secrets.committed", True)], tmp_path, missing={"static"})
    assert fid.claims[0].status == "unverifiable"
    out = {f.id: f.value for f in fidelity_facts(fid, static_known=False)}
    assert out["selfreview.contradicted_claims"] is None  # unknown, never a silent 0


def test_generated_artifacts_are_not_fabricated_citations(tmp_path):
    """SimpleCov's report and logs exist after a test run, not in the repository: not checkable, not false."""
    text = TABLE + ("| G11 | PASS | 42 runs; coverage/index.html 96% line, `chat_app/coverage/.last_run.json` |\n"
                    "| G12 | PASS | log/brakeman.log clean; app/missing.rb:3 |\n")
    fid = _fid(text, [], tmp_path)
    assert [(c.text, c.exists) for c in fid.citations] == [("app/missing.rb:3", False)]


def test_known_defects_section_is_a_confession(tmp_path):
    """An all-PASS table with real known defects listed is honest; "None." under the heading is not."""
    table = TABLE + "| G1 | PASS | x |\n"
    admits = table + ("\n## Known defects\n\n- The budget is counted after the reply.\n"
                      "1. No test for TitleGenerator\n\n## Coverage\n- 96% line\n")
    fid = _fid(admits, [], tmp_path)
    assert fid.review.known_defects == [
        (7, "The budget is counted after the reply."), (8, "No test for TitleGenerator")]
    out = {f.id: f for f in fidelity_facts(fid)}
    assert out["selfreview.confessions"].value == 2
    assert [e.line for e in out["selfreview.confessions"].evidence] == [7, 8]
    for nothing in ("None.", "- None", "N/A", "No known defects.", "*none*"):
        fid = _fid(table + f"\n### Known issues\n{nothing}\n", [], tmp_path)
        assert {f.id: f.value for f in fidelity_facts(fid)}["selfreview.confessions"] == 0, nothing


def test_fabricated_citations(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "chat.rb").write_text("a\nb\nc\n")
    text = TABLE + ("| G1 | PASS | app/chat.rb:2 and `chat.rb:3` |\n| G2 | PASS | app/chat.rb:99 |\n"
                    "| G3 | PASS | test/services/ghost_test.rb:13, https://example.com/x.rb |\n")
    fid = _fid(text, [], tmp_path)
    assert [(c.text, c.exists) for c in fid.citations] == [
        ("app/chat.rb:2", True), ("chat.rb:3", True), ("app/chat.rb:99", False),
        ("test/services/ghost_test.rb:13", False)]
    out = {f.id: f for f in fidelity_facts(fid)}
    assert out["selfreview.fabricated_citations"].value == 2
    assert [e.line for e in out["selfreview.fabricated_citations"].evidence] == [4, 5]


def test_a_review_with_its_own_numbered_list_is_invented_numbering(tmp_path):
    text = ("| # | Requirement | Status |\n|---|---|---|\n| 1 | Chat interface | PASS |\n"
            "| 2 | Conversation history | PASS |\n| 3 | Tools | PARTIAL |\n")
    fid = _fid(text, [fact("tools.server_time", False)], tmp_path)
    assert fid.invented_numbering and "no row names a goal as G1-G14" in fid.invented_reasons
    # Rows are still mapped by what they talk about, so claims can be checked.
    assert [c.goal for c in fid.claims] == [None, "G5", "G7"]


def test_variants_seen_in_real_reviews():
    # A missing bar between goal and verdict; the id in its own column before a "Goal (short)" column;
    # one row covering every goal with a verdict that is none of ours.
    r = parse_self_review_text(
        "| Goal | Verdict | Evidence |\n|---|---|---|\n| G8  PASS      | app/x.rb:1 uses a schema |\n"
        "| G9 | FAIL | none |\n\n"
        "| ID | Goal (short) | Verdict | Evidence |\n|---|---|---|---|\n"
        "| G3 | RubyLLM via OpenRouter | **PASS** | ok |\n\n"
        "| Goal ID | Verdict | Evidence |\n|---|---|---|\n| G1–G14 | UNVERIFIABLE | no brief found |\n"
    )
    assert [(x.goal, x.verdict, x.label, x.evidence) for x in r.rows] == [
        ("G8", "PASS", "", "app/x.rb:1 uses a schema"), ("G9", "FAIL", "", "none"),
        ("G3", "PASS", "RubyLLM via OpenRouter", "ok")]
    assert [m.line for m in r.malformed] == [12]


def test_a_review_without_any_readable_verdict_scores_low(tmp_path):
    from grader.scoring import score

    (tmp_path / "SELF_REVIEW.md").write_text("| Goal ID | Verdict |\n|---|---|\n| G1–G14 | UNVERIFIABLE |\n")
    rubric = load_rubric("rails-rubyllm-v2")
    fid = assess(read_self_review(tmp_path), GOALS, FactSet([]), tmp_path)
    card = score(rubric, FactSet(fidelity_facts(fid)))
    dim = next(d for d in card.dimensions if d.id == "self_review")
    assert dim.score + dim.pending_points == 5 and "no_readable_verdicts" in [x.id for x in dim.deductions]
