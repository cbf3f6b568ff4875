"""rubyllm/stub-unknown-method: a test stubs or mocks a RubyLLM method that does not exist (in the locked version).

Such a test passes against a fake API: it proves nothing about the real gem.
"""

from __future__ import annotations

from static_checks.rules.base import Proof, Rule, did_you_mean, short_list
from static_checks.rules.doubles import find_stubs
from static_checks.rules.model.analysis import analysis
from static_checks.rules.model.wording import all_releases, version_phrase


def check(ctx):
    an = analysis(ctx)
    for stub in find_stubs(an):
        t = stub.target
        if t is None or stub.fake_object or an.lookup(t, stub.method, True).status != "missing":
            continue
        versions = an.versions_with_method(t, stub.method)
        names = an.public_names(t)
        where = f"; {version_phrase(an.version, versions)}" if versions else \
            f", nor does any release ({all_releases()})"
        yield RULE.finding(
            stub.fs.pf,
            stub.node,
            f"test stubs `{stub.method}` on {t.describe()}, which has no such method",
            f"{t.name} in ruby_llm {an.version} (manifest) has no "
            f"{'singleton ' if t.singleton else ''}method `{stub.method}`{where}; "
            f"public methods: {short_list(names)}",
            hint=did_you_mean(stub.method, names) or "stub a method the gem really has",
        )



RULE = Rule(
    id="rubyllm/stub-unknown-method",
    summary="A test stubs or mocks a RubyLLM method that does not exist",
    why="Such a test passes against an API the gem does not have: it proves nothing about the real code path.",
    bad="""
    # file: test/bot_test.rb
    class BotTest < Minitest::Test
      def test_reply
        RubyLLM::Chat.any_instance.stubs(:generate).returns("x")
      end
    end
""",
    good="""
    # file: test/bot_test.rb
    class BotTest < Minitest::Test
      def test_reply
        RubyLLM::Chat.any_instance.stubs(:ask).returns("x")
      end
    end
""",
    proof=Proof.absence,
    check=check,
)
