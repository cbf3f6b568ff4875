"""rubyllm/stub-never-fires: a stub the code under test can never hit.

- `RubyLLM.chat` stubbed while the app builds chats only with `RubyLLM::Chat.new`
  (the reverse does fire: `RubyLLM.chat` itself calls `Chat.new`).
- A method stubbed on an object built inline (`RubyLLM.chat.stubs(:ask)`): nobody else holds it.
- Any other class-side method (`RubyLLM.embed`) that no app call reaches, directly or through the gem's
  own calls for the locked release (`RubyLLM.context.embed` runs `Embedding.embed`, never `RubyLLM.embed`).
"""

from __future__ import annotations

from static_checks.records import Severity
from static_checks.rules.base import Proof, Rule
from static_checks.rules.doubles import find_stubs
from static_checks.rules.model.analysis import analysis
from static_checks.rules.stub_reach import never_reached

CONSTRUCTORS = frozenset({"new", "chat"})


def _entry_points(an) -> tuple[int, int, bool]:
    """(RubyLLM.chat calls, Chat.new / Context#chat calls, acts_as_chat present) in app code."""
    via_chat = via_new = 0
    for tc in an.typed_calls:
        if tc.fs.is_test:
            continue
        t = tc.rtype
        if tc.name == "chat" and t.name == "RubyLLM" and t.singleton:
            via_chat += 1
        elif (tc.name == "new" and t.name == "RubyLLM::Chat" and t.singleton and not t.app_class) or (
                tc.name == "chat" and t.name == "RubyLLM::Context" and not t.singleton):
            via_new += 1  # Context#chat builds with Chat.new too, never through RubyLLM.chat
    acts = any(a.acts_as == "acts_as_chat" for a in an.project.classes.values())
    return via_chat, via_new, acts


def check(ctx):
    an = analysis(ctx)
    stubs = find_stubs(an)
    if not stubs:
        return
    via_chat, via_new, acts = _entry_points(an)
    for stub in stubs:
        t = stub.target
        if t is None:
            continue
        # (an extension gem in the Gemfile may call RubyLLM.chat on the app's behalf)
        if t.name == "RubyLLM" and t.singleton and stub.method == "chat" and via_new and not via_chat \
                and not acts and not an.extensions:
            yield RULE.finding(
                stub.fs.pf,
                stub.node,
                "test stubs `RubyLLM.chat`, but the app builds chats with `RubyLLM::Chat.new`: the stub never fires",
                f"app code calls RubyLLM::Chat.new {via_new} time(s) and RubyLLM.chat 0 times; "
                "`Chat.new` does not go through `RubyLLM.chat`",
                hint="stub `RubyLLM::Chat.new` (it also catches `RubyLLM.chat`) or make the app call `RubyLLM.chat`",
            )
            continue
        app = never_reached(an, stub)
        if app is not None:
            yield _unreached(an, stub, app)
            continue
        node = stub.target_node
        if (
            node is not None and node.type == "call" and t is not None and not t.singleton
            and (node.child_by_field_name("method") is not None)
            and node.child_by_field_name("method").text.decode() in CONSTRUCTORS
            and an.infer.type_of(node.child_by_field_name("receiver"), stub.scope) is not None
        ):
            yield RULE.finding(
                stub.fs.pf,
                stub.node,
                f"test stubs `{stub.method}` on a {t.name} built inline: no code under test can reach that object",
                "the stubbed receiver is a fresh object created in the stub expression itself",
                hint=f"stub `{stub.method}` on every instance (`any_instance` / `allow_any_instance_of`) "
                "or inject the object you stub",
            )


def _unreached(an, stub, app):
    """The finding for a class-side stub nothing reaches, naming the app's calls of that name instead."""
    t = stub.target
    shown = "RubyLLM" if t.name == "RubyLLM" else t.name
    same_name = sorted(k for k, where in app.entries.items() if where and k.endswith(("#" + stub.method,
                                                                                         "." + stub.method)))
    graph = an.index.call_graph() or {}
    via = "; ".join(
        f"app code calls `{k}` ({app.entries[k][0]}), which calls "
        + (", ".join(f"`{e}`" for e in graph.get(k, [])[:3]) or "nothing of the gem")
        for k in same_name[:2]
    )
    return RULE.finding(
        stub.fs.pf,
        stub.node,
        f"test stubs `{shown}.{stub.method}`, but no app code path reaches it: the stub never fires",
        (f"{via}; " if via else "")
        + f"in ruby_llm {an.version} no RubyLLM method the app calls leads to `{shown}.{stub.method}` "
        "(call graph read from the gem's source)",
        hint=f"stub what the app's calls really run{_instead(graph, same_name, stub.method)}, "
        f"or make the app call `{shown}.{stub.method}`",
    )


def _instead(graph, same_name: list[str], method: str) -> str:
    """` (`RubyLLM::Embedding.embed`)`: a class-side method of the same name the app's entry calls."""
    for key in same_name:
        for edge in graph.get(key, []):
            recv, _, name = edge.rpartition(".")
            if name == method and recv not in ("?", "self"):
                return f" (`{edge}`)"
    return ""


RULE = Rule(
    id="rubyllm/stub-never-fires",
    summary="A stub the code under test can never reach",
    why=(
        "The test stubs an entry point the app does not use, so the real gem runs (or the test proves nothing)."
    ),
    bad="""
    # file: app/services/bot.rb
    class Bot
      def go = RubyLLM::Chat.new.ask("x")
    end
    # file: test/bot_test.rb
    class BotTest < Minitest::Test
      def test_go
        RubyLLM.stub(:chat, 1) { Bot.new.go }
      end
    end
""",
    good="""
    # file: app/services/bot.rb
    class Bot
      def go = RubyLLM.chat.ask("x")
    end
    # file: test/bot_test.rb
    class BotTest < Minitest::Test
      def test_go
        RubyLLM.stub(:chat, 1) { Bot.new.go }
      end
    end
""",
    proof=Proof.app_code,
    check=check,
    severity=Severity.warning,
)
