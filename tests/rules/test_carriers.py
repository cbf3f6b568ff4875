"""types.carriers: which receivers may hold an invented value. rubyllm/invented-value-use infers only those
again; its findings must be those of asking every receiver."""

from __future__ import annotations

import textwrap
from pathlib import Path

from static_checks.context import ProjectContext
from static_checks.manifest.index import ManifestIndex
from static_checks.models import AppRoot
from static_checks.erb import extract_ruby
from static_checks.parsing import ParsedFile, parse_ruby, ruby_parser
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
        if rel.endswith(".erb"):
            parsed.append(parse_ruby(rel, extract_ruby(source), kind="erb"))
            continue
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


# The edges added to the inferer late (types.hashes, types.callers' class entry points, shorthand keys): each
# class receives the invented client along one of them; `.complete(prompt:)` is the use. The negatives are
# reached by no edge, or by one whose call sites disagree / whose Hash may be overwritten (nothing reported).
EDGES = {
    "app/services/entry.rb": """
        class Entry
          def run
            client = RubyLLM.client(provider: :openai)
            ReplyBuilder.new(client).call
            Summarizer.summarize(client)
            AskJob.perform_later(client)
            context = { client: client, note: "x" }
            context[:client].complete(prompt: "hash read")
            Reader.new(context).run
            Named.new(client:).run
            helper(client:)
            Mixed.new(client).run
            Mixed.new("text").run
            { client: client, **extra }[:client].complete(prompt: "splat: anything under any key")
          end

          def extra = {}

          private

          def helper(client:)
            client.complete(prompt: "shorthand keyword to a private helper")
          end
        end
        """,
    "app/services/reply_builder.rb": """
        class ReplyBuilder
          def initialize(client)
            @client = client
          end

          def call
            @client.complete(prompt: "constructor")
          end
        end
        """,
    "app/services/admin/reply_builder.rb": """
        module Admin
          class ReplyBuilder  # the bare `ReplyBuilder.new` in Entry names the top-level class
            def initialize(client)
              @client = client
            end

            def call = @client.complete(prompt: "another class of the same short name")
          end
        end
        """,
    "app/services/summarizer.rb": """
        class Summarizer
          def self.summarize(c)
            c.complete(prompt: "class method")
          end
        end
        """,
    "app/jobs/ask_job.rb": """
        class AskJob < ApplicationJob
          def perform(c)
            c.complete(prompt: "perform")
          end
        end
        """,
    "app/services/reader.rb": """
        class Reader
          def initialize(context)
            @context = context.with_indifferent_access
          end

          def run
            @context[:client].complete(prompt: "hash in another class")
            @context.fetch(:client).complete(prompt: "fetch")
            @context[:note].complete(prompt: "a key holding no client")
          end
        end
        """,
    "app/services/named.rb": """
        class Named
          def initialize(client:)
            @client = client
          end

          def run = @client.complete(prompt: "shorthand keyword")
        end
        """,
    "app/services/mixed.rb": """
        class Mixed
          def initialize(value)
            @value = value
          end

          def run = @value.complete(prompt: "sites disagree")
        end
        """,
    "app/services/plain.rb": """
        class Plain  # names RubyLLM::Chat, so it is scanned; nothing invented reaches it
          def self.build = new("text")

          def initialize(text)
            @text = text
            @opts = { client: text }
          end

          def run
            @text.complete(prompt: "a String")
            @opts[:client].complete(prompt: "a Hash of Strings")
            RubyLLM::Chat.new
          end
        end
        """,
}


def test_every_edge_the_inferer_added_late_reaches_its_use():
    restricted, every, infer, _asked, _an = _both(_context(EDGES))
    assert infer.cuts == 0
    assert restricted == every
    assert sorted((f.file, f.line) for f in restricted) == [
        ("app/jobs/ask_job.rb", 3),  # perform, from perform_later's site
        ("app/services/entry.rb", 8),  # a Hash literal's key read back
        ("app/services/entry.rb", 22),  # a shorthand keyword to a private helper
        ("app/services/named.rb", 6),  # a shorthand keyword to a constructor
        ("app/services/reader.rb", 7), ("app/services/reader.rb", 8),  # a Hash carried into another class
        ("app/services/reply_builder.rb", 7),  # a constructor's parameter, from X.new
        ("app/services/summarizer.rb", 3),  # a class method's parameter, from X.m
    ]


def test_receivers_no_edge_reaches_are_not_asked():
    _restricted, _every, _infer, asked, an = _both(_context(EDGES))
    plain = next(fs for fs in an.project.scans if fs.pf.rel == "app/services/plain.rb")
    receivers = [plain.receiver_of(call) for call, _scope in plain.calls if plain.name_of(call) == "complete"]
    assert len(receivers) == 2 and not any(r.id in asked for r in receivers)


def test_carriers_read_the_inferers_own_tables():
    from static_checks.types import carriers as module
    from static_checks.types import infer

    # a Hash node the inferer carries values through and carriers does not know would be a missed edge
    assert set(infer._HASH_NODES) == {module.HASH_LITERAL, module.HASH_READ}
    assert module._ENTRY_OF == {"new": "initialize", "perform_later": "perform", "perform_now": "perform"}


def test_a_loop_cut_while_asking_the_carriers_falls_back_to_asking_every_receiver(monkeypatch):
    # After a loop cut a value may depend on the order values were asked for, so the rule then asks every
    # receiver. With carriers complete the fall-back changes nothing; to see it work, carriers is made to miss
    # the receiver of Child's uses: the restricted pass alone loses them, the rule must not.
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
    restricted, every, infer, asked, an = _both(ctx)
    assert infer.cuts > 0 and restricted == every
    child = next(fs for fs in an.project.scans if fs.pf.rel == "app/services/child.rb")
    hidden = {child.receiver_of(call).id for call, _scope in child.calls if child.name_of(call) == "complete"}
    assert hidden <= asked
    monkeypatch.setattr(rule, "carriers", lambda project, nodes: carriers(project, nodes) - hidden)
    roots, by_key, constants, nodes = rule._roots(ctx, an)
    alone = list(rule._findings(an, Inferer(an.project, an.index, roots=roots), constants, by_key,
                                rule.carriers(an.project, nodes)))
    assert len(alone) == len(every) - 2  # the two uses in child.rb, lost by the restricted pass alone
    assert list(rule.check(ctx)) == every  # the rule's own inferers: fresh ones, so the cut happens again


# Partials' locals from every render that reaches them (types.views.partial_sites): a turbo stream action, a
# controller's render outside a view, a record's own broadcast.
PARTIALS = {
    "app/controllers/application_controller.rb": "class ApplicationController < ActionController::Base\nend\n",
    "app/controllers/chats_controller.rb": """
        class ChatsController < ApplicationController
          def create
            @title = "Chats"
            client = RubyLLM.client(provider: :openai)
            render turbo_stream: turbo_stream.append("chats", partial: "chats/reply", locals: { client: client })
          end

          def update
            writer = RubyLLM.client(provider: :anthropic)
            render html: ApplicationController.render(partial: "chats/note", locals: { writer: writer })
          end
        end
        """,
    "app/views/chats/_reply.html.erb": '<p><%= client.complete(prompt: "turbo stream partial") %></p>\n',
    "app/views/chats/_note.html.erb": '<p><%= writer.complete(prompt: "rendered outside a view") %></p>\n',
    "app/views/chats/_plain.html.erb": '<p><%= note.complete(prompt: "no render passes an invented note") %></p>\n',
}


def test_every_render_of_a_partial_carries_its_locals():
    restricted, every, infer, asked, an = _both(_context(PARTIALS))
    assert infer.cuts == 0 and restricted == every
    assert sorted((f.file, f.line) for f in restricted) == [
        ("app/views/chats/_note.html.erb", 1), ("app/views/chats/_reply.html.erb", 1)]
