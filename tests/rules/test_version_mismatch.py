RULE = "rubyllm/version-mismatch"


def test_method_added_later_names_the_release(run_app):
    found = run_app({"app/a.rb": "RubyLLM.chat.with_thinking(effort: :low)\n"}, version="1.6.2", full=True)
    assert [(f.line, f.rule) for f in found] == [(1, RULE)]
    # locked exactly: the call raises NoMethodError on the release the app bundles
    assert "added in 1.10.0" in found[0].message and found[0].severity.value == "error"


def test_version_from_a_constraint_only_warns(tmp_path):
    from static_checks.engine import check_path

    (tmp_path / "Gemfile").write_text('source "https://rubygems.org"\ngem "ruby_llm", "~> 1.6.0"\n')
    (tmp_path / "a.rb").write_text("RubyLLM.chat.with_thinking(effort: :low)\n")
    report = check_path(tmp_path)
    (finding,) = [f for f in report.findings if f.rule == RULE]
    assert report.roots[0].version_source.value == "Gemfile constraint"
    assert finding.severity.value == "warning" and "added in 1.10.0" in finding.message


def test_same_call_is_fine_on_a_release_that_has_it(run_app):
    assert run_app({"app/a.rb": "RubyLLM.chat.with_thinking(effort: :low)\n"}, version="1.10.0") == []


def test_constant_added_later(run_app):
    found = run_app({"app/a.rb": "class S < RubyLLM::Schema\nend\n"}, version="1.6.2", full=True)
    assert [(f.line, f.rule) for f in found] == [(1, RULE)]
    assert "added in 1.9.0" in found[0].message


def test_acts_as_chat_model_drift_but_not_its_columns(run_app):
    found = run_app({
        "app/models/chat.rb": "class Chat < ApplicationRecord\n  acts_as_chat\nend\n",
        "app/jobs/j.rb": """
            class J
              def perform(id)
                chat = Chat.find(id)
                chat.with_thinking(effort: :low)
                chat.title
                chat.add_message(role: :user, content: "x")
              end
            end
        """,
    }, version="1.8.2")
    assert found == [("app/jobs/j.rb", 4, RULE)]
