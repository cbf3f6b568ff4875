RULE = "rubyllm/unknown-method"


def test_fluent_user_and_response_text(run_app):
    found = run_app({"app/services/bot.rb": """
        class Bot
          def run(q)
            chat = RubyLLM.chat
            chat.user(q)
            response = chat.ask(q)
            response.text
          end
        end
    """}, full=True)
    hits = {(f.line, f.rule) for f in found}
    assert (4, RULE) in hits and (6, RULE) in hits
    user = next(f for f in found if f.line == 4)
    assert "public methods:" in user.evidence and "ask" in user.evidence


def test_module_method_and_did_you_mean(run_app):
    found = run_app({"app/a.rb": "RubyLLM.chats(model: 'x')\n"}, full=True)
    assert [(f.line, f.rule) for f in found] == [(1, RULE)]
    assert found[0].hint and "`chat`" in found[0].hint


def test_naive_traps_are_not_reported(run_app):
    found = run_app({"app/services/svc.rb": """
        class Svc
          def ask(q) = q            # our own ask
          def user(x) = x           # our own user
          def run
            ask("x")
            user("y")
            self.user("z")
            chat = RubyLLM.chat
            chat.complete
            chat.map(&:content)
            chat.each { |m| m.role }
            chat.present?
            chat.add_message(role: :user, content: "hi")
            RubyLLM::Content.new("x").text
            other = Struct.new(:user).new(1)
            other.user
          end
        end
    """})
    assert found == []


def test_block_param_chunk_is_typed(run_app):
    found = run_app({"app/a.rb": """
        RubyLLM.chat.ask("hi") do |chunk|
          print chunk.content
          print chunk.delta
        end
    """})
    assert found == [("app/a.rb", 3, RULE)]


def test_memoized_method_and_ivar_typing(run_app):
    found = run_app({"app/a.rb": """
        class A
          def initialize
            @llm = RubyLLM.chat
          end
          def chat = @chat ||= RubyLLM.chat(model: "m")
          def go
            chat.system("x")
            self.chat.with_temperature(0.1).assistant("y")
            @llm.generate
          end
        end
    """})
    assert sorted(found) == [("app/a.rb", 7, RULE), ("app/a.rb", 8, RULE), ("app/a.rb", 9, RULE)]


def test_ivar_with_disagreeing_assignments_stays_unknown(run_app):
    found = run_app({"app/a.rb": """
        class A
          def initialize(fake = nil)
            @chat = RubyLLM.chat
            @chat = fake if fake
          end
          def go = @chat.user("x")
        end
    """})
    assert found == []


def test_respond_to_guard_is_not_reported(run_app):
    found = run_app({"app/a.rb": """
        chat = RubyLLM.chat
        chat.stream("x") if chat.respond_to?(:stream)
    """})
    assert found == []


def test_tap_and_then_yield_the_chat(run_app):
    found = run_app({"app/a.rb": """
        chat = RubyLLM.chat.tap { |c| c.with_instructions("x") }
        chat.user("hi")
        RubyLLM.chat.then { |c| c.system("y") }
    """})
    assert found == [("app/a.rb", 2, RULE), ("app/a.rb", 3, RULE)]


def test_messages_elements_and_enumerable_chat(run_app):
    found = run_app({"app/a.rb": """
        chat = RubyLLM.chat
        chat.messages.last.text
        chat.messages.each { |m| m.body }
        chat.each { |m| m.role }
        chat.messages.first(2).map(&:content)
        chat.messages.map { |m| m.content }
    """})
    assert found == [("app/a.rb", 2, RULE), ("app/a.rb", 3, RULE)]


TOOL_WITH_WRITER = """
    class DbTool < RubyLLM::Tool
      description "Run SQL"
      {writer}
      def execute(sql:) = @driver.run(sql)
    end
    class Runner
      def go
        tool = DbTool.new
        tool.driver {op} Object.new
      end
    end
"""


def test_plain_assignment_calls_only_the_writer(run_app):
    for writer in ("attr_writer :driver", "def driver=(d) = (@driver = d)"):
        src = TOOL_WITH_WRITER.format(writer=writer, op="=")
        assert run_app({"app/models/db_tool.rb": src}) == [], writer


def test_or_assign_also_reads_so_a_writer_alone_is_not_enough(run_app):
    src = TOOL_WITH_WRITER.format(writer="attr_writer :driver", op="||=")
    assert run_app({"app/models/db_tool.rb": src}) == [("app/models/db_tool.rb", 9, RULE)]
