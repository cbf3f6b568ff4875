"""Reading what may change a typed Hash walks uses, aliases and helpers; a hostile chain of hundreds of them
must cost a lost type at worst, never a crash that takes the whole check down."""

from static_checks.engine import check_path

GEMFILE = 'source "https://rubygems.org"\ngem "ruby_llm"\n'
LOCK = "GEM\n  remote: https://rubygems.org/\n  specs:\n    ruby_llm (1.16.0)\n\nPLATFORMS\n  ruby\n\n" \
       "DEPENDENCIES\n  ruby_llm\n"


def check(tmp_path, body: str):
    (tmp_path / "Gemfile").write_text(GEMFILE)
    (tmp_path / "Gemfile.lock").write_text(LOCK)
    (tmp_path / "app").mkdir()
    source = f"class Flow\n  def run\n    context = {{ chat: RubyLLM.chat }}\n{body}\n"
    (tmp_path / "app" / "flow.rb").write_text(source + "    context[:chat].shout\n  end\nend\n")
    return check_path(tmp_path)


def rules_at(report) -> list[tuple[int, str]]:
    return [(f.line, f.rule) for f in report.findings]


def test_a_short_alias_chain_keeps_the_key_typed(tmp_path):
    aliases = "\n".join(f"    h{i} = {'context' if i == 0 else f'h{i - 1}'}" for i in range(5))
    assert rules_at(check(tmp_path, aliases)) == [(9, "rubyllm/unknown-method")]


def test_six_hundred_chained_calls_do_not_crash_the_check(tmp_path):
    report = check(tmp_path, "    x = context" + ".itself" * 600)
    assert not report.incomplete and all(not f.rule.startswith("internal") for f in report.findings)


def test_four_hundred_aliases_do_not_crash_the_check(tmp_path):
    aliases = "\n".join(f"    h{i} = {'context' if i == 0 else f'h{i - 1}'}" for i in range(400))
    report = check(tmp_path, aliases)
    assert not report.incomplete and all(not f.rule.startswith("internal") for f in report.findings)
