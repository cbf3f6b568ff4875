"""types.carriers: which receivers may hold an invented value. rubyllm/invented-value-use infers only those
again; its findings must be those of asking every receiver."""

from __future__ import annotations

import textwrap
from pathlib import Path

from static_checks.context import ProjectContext
from static_checks.manifest.index import ManifestIndex
from static_checks.models import AppRoot
from static_checks.parsing import ParsedFile, ruby_parser
from static_checks.rules import invented_value_use as rule
from static_checks.rules import rule_findings, unknown_constant, unknown_method
from static_checks.types.carriers import carriers
from static_checks.types.infer import Inferer

# Each class passes the invented client along one edge the inferer follows; `.complete` is the use.
CHANNELS = {
    "app/services/base.rb": """
        class Base
          def initialize
            @client = RubyLLM.client(provider: :openai)
          end

          def client_for_children = @client

          def helped = ask_helper(@client)

          private

          def ask_helper(given)
            given.complete(prompt: "helper")
          end
        end
        """,
    "app/services/child.rb": """
        class Child < Base
          def run
            @client.complete(prompt: "inherited ivar")
            client_for_children.complete(prompt: "inherited method")
          end
        end
        """,
    "app/services/flows.rb": """
        class Flows
          def make
            RubyLLM.client(provider: :openai)
          end

          def early(list)
            list.each { |x| return RubyLLM.client(provider: :openai) if x }
            nil
          end

          def run(flag)
            a = flag ? make : make
            a.complete(prompt: "ternary")
            b = begin
              make
            rescue StandardError
              make
            end
            b.complete(prompt: "rescue")
            make.tap { |c| c.complete(prompt: "tap") }
            Flows.new.make.complete(prompt: "explicit call")
            ask(make)
            early([1]).complete(prompt: "return in a block")
          end

          private

          def ask(given) = given.complete(prompt: "private helper")
        end
        """,
    "lib/tasks/script.rb": """
        def build_client = RubyLLM.client(provider: :openai)

        def use_client(c)
          c.complete(prompt: "top-level param")
        end

        use_client(build_client)
        """,
    "spec/services/flows_spec.rb": """
        RSpec.describe Flows do
          let(:client) { RubyLLM.client(provider: :openai) }

          it "asks" do
            client.complete(prompt: "let")
          end
        end
        """,
    "app/services/unrelated.rb": """
        class Unrelated  # scanned: it names RubyLLM
          def run(text)
            other = text.strip
            other.complete(prompt: "never invented")
          end
        end
        """,
}


def _context(files: dict[str, str]) -> ProjectContext:
    parsed = []
    for rel, src in files.items():
        source = textwrap.dedent(src).lstrip("\n").encode()
        parsed.append(ParsedFile(rel=rel, kind="ruby", source=source, parsed=ruby_parser().parse(source)))
    root = AppRoot(path=".", ruby_llm_version="1.16.0", version_source="Gemfile.lock")
    return ProjectContext(root=root, files=parsed, index=ManifestIndex.load("1.16.0"), root_dir=Path("."))


def _both(ctx):
    """The rule's findings asking only the carriers, and asking every receiver; the restricted inferer."""
    rule_findings(unknown_method.RULE, ctx)
    rule_findings(unknown_constant.RULE, ctx)
    an = rule.analysis(ctx)
    roots, by_key, constants, nodes = rule._roots(ctx, an)
    asked = carriers(an.project, nodes)
    infer = Inferer(an.project, an.index, roots=roots)
    restricted = list(rule._findings(an, infer, constants, by_key, asked))
    every = list(rule._findings(an, Inferer(an.project, an.index, roots=roots), constants, by_key, None))
    return restricted, every, infer, asked, an


def test_every_edge_of_the_value_flow_reaches_its_use():
    restricted, every, infer, _asked, _an = _both(_context(CHANNELS))
    assert infer.cuts == 0
    assert restricted == every
    where = sorted((f.file, f.line) for f in restricted)
    assert where == [
        ("app/services/base.rb", 13),  # a private helper's parameter, from its call site
        ("app/services/child.rb", 3), ("app/services/child.rb", 4),  # a superclass's ivar and method
        ("app/services/flows.rb", 13), ("app/services/flows.rb", 19),  # `?:`, begin/rescue
        ("app/services/flows.rb", 20), ("app/services/flows.rb", 21),  # `tap`'s block, `Flows.new.make`
        ("app/services/flows.rb", 28),  # a private helper (endless def)
        ("lib/tasks/script.rb", 4), ("spec/services/flows_spec.rb", 5),  # a top-level def's parameter, a let
    ]


def test_a_return_inside_a_block_carries_the_value_to_the_method():
    # `early`'s paths disagree (its last value is another root's), so no use is reported; it is still asked
    _restricted, _every, _infer, asked, an = _both(_context(CHANNELS))
    flows = next(fs for fs in an.project.scans if fs.pf.rel == "app/services/flows.rb")
    early = [call for call, _scope in flows.calls if flows.name_of(call) == "early"]
    assert early and all(call.id in asked for call in early)


def test_a_receiver_no_edge_reaches_is_not_asked():
    _restricted, _every, _infer, asked, an = _both(_context(CHANNELS))
    unrelated = next(fs for fs in an.project.scans if fs.pf.rel == "app/services/unrelated.rb")
    receivers = [fs_recv for call, _scope in unrelated.calls if (fs_recv := unrelated.receiver_of(call)) is not None]
    assert receivers and not any(r.id in asked for r in receivers)


def test_a_loop_cut_while_asking_the_carriers_falls_back_to_asking_every_receiver():
    files = dict(CHANNELS)
    # `@pending` and `@other` are worked out from each other: the inferer cuts that loop while asking for
    # `@pending.complete` (an ivar refined from itself alone, `@x = @x.complete(..)`, is no loop: types.infer)
    files["app/services/loop.rb"] = """
        class Loop
          def run
            @pending = RubyLLM.client(provider: :openai)
            @pending = @other.complete(prompt: "loop")
            @other = @pending.complete(prompt: "again")
            @pending.complete(prompt: "after")
          end
        end
        """
    ctx = _context(files)
    restricted, every, infer, _asked, _an = _both(ctx)
    assert infer.cuts > 0  # the rule then asks every receiver, in order
    assert restricted == every or list(rule.check(ctx)) == every
    assert list(rule.check(ctx)) == every
