UNKNOWN = "rubyllm/stub-unknown-method"
NEVER = "rubyllm/stub-never-fires"


def test_mocha_minitest_and_rspec_stubs_of_invented_methods(run_app):
    found = run_app({
        "app/s.rb": "class S\n  def go = RubyLLM.chat.ask('x')\nend\n",
        "test/s_test.rb": """
            class STest < Minitest::Test
              def test_x
                RubyLLM::Chat.any_instance.stubs(:generate).returns("x")
                RubyLLM::Chat.any_instance.stubs(:ask).returns("x")
                RubyLLM.stub(:client, nil) { }
                RubyLLM.stub(:chat, nil) { }
              end
            end
        """,
        "spec/s_spec.rb": """
            RSpec.describe S do
              let(:chat) { instance_double(RubyLLM::Chat, ask: nil, reply: nil) }
              it "x" do
                allow(RubyLLM).to receive(:chat).and_return(chat)
                allow(chat).to receive(:user).and_return(chat)
                allow_any_instance_of(RubyLLM::Chat).to receive(:complete)
                expect(chat).to have_received(:ask)
              end
            end
        """,
    })
    assert sorted(f for f in found if f[2] == UNKNOWN) == [
        ("spec/s_spec.rb", 2, UNKNOWN), ("spec/s_spec.rb", 5, UNKNOWN),
        ("test/s_test.rb", 3, UNKNOWN), ("test/s_test.rb", 5, UNKNOWN),
    ]


def test_stub_of_rubyllm_chat_never_fires_when_app_uses_chat_new(run_app):
    files = {
        "app/s.rb": "class S\n  def go = RubyLLM::Chat.new.ask('x')\nend\n",
        "test/s_test.rb": "class T < Minitest::Test\n  def test_x\n    RubyLLM.stub(:chat, 1) { S.new.go }\n  end\n"
                          "end\n",
    }
    assert run_app(files) == [("test/s_test.rb", 3, NEVER)]


def test_stub_of_chat_new_fires_for_rubyllm_chat(run_app):
    files = {
        "app/s.rb": "class S\n  def go = RubyLLM.chat.ask('x')\nend\n",
        "test/s_test.rb": "class T < Minitest::Test\n  def test_x\n    RubyLLM::Chat.stub(:new, 1) { S.new.go }\n"
                          "    RubyLLM.stub(:chat, 1) { S.new.go }\n  end\nend\n",
    }
    assert run_app(files) == []


def test_stand_in_double_answers_an_invented_method(run_app):
    files = {
        # the app reads `.text` through an untyped block parameter: only the stand-in shows it
        "app/s.rb": "class S\n  def go = show(RubyLLM.chat.ask('x'))\n  def show(reply) = reply.text\nend\n",
        "spec/s_spec.rb": """
            RSpec.describe S do
              it "x" do
                allow(RubyLLM).to receive(:chat).and_return(double(ask: double(content: "y"), helper: 1))
                allow_any_instance_of(RubyLLM::Chat).to receive(:ask).and_return(OpenStruct.new(text: "y"))
              end
            end
        """,
    }
    assert run_app(files) == [("spec/s_spec.rb", 4, UNKNOWN)]


def test_context_chat_does_not_go_through_rubyllm_chat(run_app):
    files = {
        "app/s.rb": "class S\n  def go = RubyLLM.context { |c| c.request_timeout = 5 }.chat.ask('x')\nend\n",
        "test/s_test.rb": "class T < Minitest::Test\n  def test_x\n    RubyLLM.stub(:chat, 1) { S.new.go }\n  end\n"
                          "end\n",
    }
    assert run_app(files) == [("test/s_test.rb", 3, NEVER)]
