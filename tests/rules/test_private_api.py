RULE = "rubyllm/private-api"


def test_messages_writer_does_not_exist(run_app):
    found = run_app({"app/a.rb": "chat = RubyLLM.chat\nchat.messages = []\nchat.messages << 1\n"}, full=True)
    assert [(f.line, f.rule) for f in found] == [(2, RULE)]
    assert "add_message" in (found[0].hint or "")


def test_protected_halt_from_outside_but_not_inside_the_tool(run_app):
    found = run_app({"app/tools/t.rb": """
        class T < RubyLLM::Tool
          description "t"
          def execute
            halt "done"
          end
        end
        T.new.halt("x")
    """})
    assert found == [("app/tools/t.rb", 7, RULE)]
