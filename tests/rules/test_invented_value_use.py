"""rubyllm/invented-value-use: uses of an invented value are linked to their root and never counted."""

from __future__ import annotations

from static_checks.engine import check_path
from static_checks.models import Category, Severity
from static_checks.output.sarif import to_sarif
from static_checks.output.text import to_text

SERVICE = """class Digest
  def call(text)
    client = RubyLLM.client(provider: :openai)
    response = client.complete(prompt: text)
    response["output_text"]
  end
end
"""


def _uses(findings):
    return [f for f in findings if f.rule == "rubyllm/invented-value-use"]


def test_uses_point_at_their_root_in_json_text_and_sarif(run_app, tmp_path):
    found = run_app({"app/services/digest.rb": SERVICE}, full=True)
    root = next(f for f in found if f.rule == "rubyllm/unknown-method")
    uses = _uses(found)
    assert [(u.line, u.severity, u.category) for u in uses] == [
        (4, Severity.warning, Category.invented_use), (5, Severity.warning, Category.invented_use)]
    for u in uses:
        assert [(r.rule, r.file, r.line, r.column) for r in u.related] == [
            (root.rule, root.file, root.line, root.column)]
    report = check_path(tmp_path)
    text = to_text(report)
    assert "    root: app/services/digest.rb:3:22 [rubyllm/unknown-method]" in text
    assert "1 error, 2 warning" in text  # the root is the one error
    results = to_sarif(report)["runs"][0]["results"]
    linked = [r for r in results if r["ruleId"] == "rubyllm/invented-value-use"]
    assert len(linked) == 2
    region = linked[0]["relatedLocations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 3, "startColumn": 22}
    assert all("relatedLocations" not in r for r in results if r["ruleId"] != "rubyllm/invented-value-use")


def test_a_value_from_a_real_call_is_never_followed(run_app):
    ok = SERVICE.replace("RubyLLM.client(provider: :openai)", "RubyLLM.chat(provider: :openai)")
    assert _uses(run_app({"app/services/digest.rb": ok}, full=True)) == []


def test_uses_of_an_unverifiable_root_are_infos(tmp_path):
    from test_unreleased_source import GIT_LOCK

    (tmp_path / "Gemfile").write_text('gem "ruby_llm", github: "example/ruby_llm"\n')
    (tmp_path / "Gemfile.lock").write_text(GIT_LOCK)
    (tmp_path / "app").mkdir()
    (tmp_path / "app/digest.rb").write_text(SERVICE)
    found = check_path(tmp_path).findings
    root = next(f for f in found if f.rule == "rubyllm/unknown-method")
    uses = _uses(found)
    assert root.severity is Severity.info and len(uses) == 2
    assert all(u.severity is Severity.info and "unverifiable" in u.message for u in uses)


def test_uses_are_not_counted_as_invented_calls(run_app, tmp_path):
    run_app({"app/services/digest.rb": SERVICE})
    facts = {f.id: f for f in check_path(tmp_path, with_facts=True).facts}
    assert facts["rubyllm.invented_calls"].value == 1  # the root only, not its two uses


# A value of the invented `ReportBot.fetch_queries` read the way an Enumerable is read, then the OpenAI way.
LISTING = """class ReportBotTest
  def test_queries
    queries = ReportBot.new.fetch_queries
    assert queries.any? { |q| q.include?("weekly") }
    labels = queries.map(&:upcase)
    top = queries.first
    queries.each_with_index { |q, i| puts i }
    queries.sort_by(&:size)
    {labels:, top:}
  end
end
"""
BOT = """class ReportBot < RubyLLM::Chat
end
"""


def test_names_a_rubyllm_class_gets_from_an_included_module_are_accepted(run_app):
    """RubyLLM::Chat includes Enumerable: `map`, `any?`, `first` after an invented call are names some RubyLLM
    object takes, so only the invented root is reported."""
    for version in ("1.13.2", "1.5.0", "1.16.0"):
        found = run_app({"app/models/report_bot.rb": BOT, "test/report_bot_test.rb": LISTING}, version=version)
        assert [r for _f, _l, r in found if r != "rubyllm/unknown-method"] == [], version
        assert [(f, line) for f, line, _r in found] == [("test/report_bot_test.rb", 3)], version


def test_struct_and_error_superclass_methods_do_not_make_a_hash_read_acceptable(run_app):
    """Struct's `[]`/`dig` (ToolConcurrency::Result in 1.16.0, Bedrock's ParamComponent up to 1.11.0) and
    Exception's `backtrace` come from a superclass, not an included module: the OpenAI-shaped reads and an
    error-only name after an invented call stay reported in every release."""
    reads = ('response["output_text"]', 'response.dig("choices", 0)', 'response.fetch("id")', "response.members",
             "response.backtrace", "response.map(&:to_s)")
    src = SERVICE.replace('    response["output_text"]\n', "".join(f"    {r}\n" for r in reads))
    for version in ("1.16.0", "1.5.0", "1.13.2"):
        found = run_app({"app/services/digest.rb": src}, version=version, full=True)
        assert [(u.line, u.message.split("`")[1]) for u in _uses(found)] == [
            (4, "complete"), (5, "[]"), (6, "dig"), (7, "fetch"), (8, "members"), (9, "backtrace")], version
