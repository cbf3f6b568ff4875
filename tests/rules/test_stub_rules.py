import pytest

UNKNOWN = "rubyllm/stub-unknown-method"
NEVER = "rubyllm/stub-never-fires"
FAKE = "rubyllm/fake-mismatch"


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
    # the double's extra answer is a stub (stub-unknown); the OpenStruct is a hand-built fake (fake-mismatch)
    assert run_app(files) == [("spec/s_spec.rb", 4, FAKE)]


def test_context_chat_does_not_go_through_rubyllm_chat(run_app):
    files = {
        "app/s.rb": "class S\n  def go = RubyLLM.context { |c| c.request_timeout = 5 }.chat.ask('x')\nend\n",
        "test/s_test.rb": "class T < Minitest::Test\n  def test_x\n    RubyLLM.stub(:chat, 1) { S.new.go }\n  end\n"
                          "end\n",
    }
    assert run_app(files) == [("test/s_test.rb", 3, NEVER)]


# ---- class-side stubs no app path reaches (the gem's call graph) ------------------------------------
EMBED_THROUGH_CONTEXT = """
    class Indexer
      def vector_for(note)
        local = RubyLLM.context do |c|
          c.openai_api_base = ENV.fetch("EMBED_HOST")
        end
        local.embed(note.body, model: "text-embedding-3-small").vectors
      end
    end
"""


@pytest.mark.parametrize("version", ["1.6.2", "1.9.1", "1.16.0"])
def test_stub_of_rubyllm_embed_never_fires_when_the_app_embeds_through_a_context(run_app, version):
    files = {
        "app/services/indexer.rb": EMBED_THROUGH_CONTEXT,
        "test/indexer_test.rb": """
            class IndexerTest < Minitest::Test
              def test_vector
                RubyLLM.stub(:embed, Struct.new(:vectors).new([0.5])) { Indexer.new.vector_for(note) }
                RubyLLM.expects(:embed).returns(Struct.new(:vectors).new([0.5]))
              end
            end
        """,
        "spec/indexer_spec.rb": """
            RSpec.describe Indexer do
              it "embeds" do
                allow(RubyLLM).to receive(:embed).and_return(double(vectors: [1.0]))
                expect(RubyLLM).not_to receive(:embed)
                allow(RubyLLM::Embedding).to receive(:embed).and_return(double(vectors: [1.0]))
              end
            end
        """,
    }
    assert run_app(files, version=version) == [
        ("spec/indexer_spec.rb", 3, NEVER), ("test/indexer_test.rb", 3, NEVER), ("test/indexer_test.rb", 4, NEVER),
    ]


def test_stub_of_rubyllm_embed_fires_when_some_path_reaches_it(run_app):
    stub_test = """
        class IndexerTest < Minitest::Test
          def test_vector
            RubyLLM.stub(:embed, Struct.new(:vectors).new([0.5])) { Indexer.new.vector_for(note) }
            RubyLLM::Embedding.stub(:embed, nil) { Indexer.new.vector_for(note) }
          end
        end
    """
    direct = "class Searcher\n  def q(t) = RubyLLM.embed(t).vectors\nend\n"
    # the app calls RubyLLM.embed somewhere: both stubs fire (RubyLLM.embed runs Embedding.embed)
    assert run_app({"app/services/indexer.rb": EMBED_THROUGH_CONTEXT, "app/services/searcher.rb": direct,
                    "test/indexer_test.rb": stub_test}) == []


def test_stub_is_kept_alive_by_what_the_graph_cannot_see(run_app, tmp_path):
    stub_test = """
        class IndexerTest < Minitest::Test
          def test_vector
            RubyLLM.stub(:embed, nil) { Indexer.new.vector_for(note) }
          end
        end
    """
    untyped = "class Searcher\n  def initialize(client) = @client = client\n  def q(t) = @client.embed(t)\nend\n"
    dynamic = "class Searcher\n  def q(op, t) = RubyLLM.public_send(op, t)\nend\n"
    for extra in (untyped, dynamic):
        for p in tmp_path.rglob("*.rb"):
            p.unlink()
        files = {"app/services/indexer.rb": EMBED_THROUGH_CONTEXT, "app/services/searcher.rb": extra,
                 "test/indexer_test.rb": stub_test}
        assert [f for f in run_app(files) if f[2] == NEVER] == [], extra
    # an extension gem may call RubyLLM.embed itself
    files = {"app/services/indexer.rb": EMBED_THROUGH_CONTEXT, "test/indexer_test.rb": stub_test}
    for p in tmp_path.rglob("searcher.rb"):
        p.unlink()
    assert run_app(files, gemfile_extra='gem "ruby_llm-embeddings_cache"\n') == []
    assert run_app(files) == [("test/indexer_test.rb", 3, NEVER)]


def test_unreached_stub_names_what_the_app_calls_instead(run_app):
    files = {
        "app/services/indexer.rb": EMBED_THROUGH_CONTEXT,
        "test/indexer_test.rb": "class T < Minitest::Test\n  def test_x\n    RubyLLM.stub(:embed, nil) { }\n"
                                "  end\nend\n",
    }
    [f] = run_app(files, full=True)
    assert "`RubyLLM::Context#embed` (app/services/indexer.rb:6)" in f.evidence
    assert "`RubyLLM::Embedding.embed`" in f.hint


# ---- a fake reply reached through two stubs (a double returned by a stub, then stubbed itself) ---------
PING = """
    class Ping
      def call(model_id)
        reply = RubyLLM.chat(model: model_id).ask("ping")
        { ok: true, model: reply.model, text: reply.content }
      end
    end
"""


def test_fake_reply_through_a_mocked_chat_is_a_fake_mismatch(run_app):
    files = {
        "app/services/ping.rb": PING,
        "test/ping_test.rb": """
            class PingTest < ActiveSupport::TestCase
              test "mocha" do
                chat = mock("chat")
                reply = OpenStruct.new(model: "m", content: "pong")
                RubyLLM.expects(:chat).with(model: "m").returns(chat)
                chat.expects(:ask).with("ping").returns(reply)
                assert Ping.new.call("m")[:ok]
              end

              test "minitest mock" do
                chat = Minitest::Mock.new
                chat.expect(:ask, OpenStruct.new(content: "pong"), ["ping"])
                RubyLLM.stub(:chat, chat) { Ping.new.call("m") }
              end
            end
        """,
        "spec/ping_spec.rb": """
            RSpec.describe Ping do
              let(:chat) { double("chat") }
              it "pings" do
                allow(RubyLLM).to receive(:chat).and_return(chat)
                allow(chat).to receive(:ask).and_return(OpenStruct.new(model: "m", tokens: 3))
                allow(chat).to receive(:pong)
              end
            end
        """,
    }
    # `model` is what the app reads and Message lacks (model_id); `content` is real; `tokens` the app never reads.
    # The double now stands in for a Chat, so stubbing `pong` on it is stubbing a method Chat lacks.
    found = run_app(files, version="1.14.0")
    assert sorted(found) == [
        ("app/services/ping.rb", 4, "rubyllm/unknown-method"),
        ("spec/ping_spec.rb", 5, FAKE), ("spec/ping_spec.rb", 6, UNKNOWN), ("test/ping_test.rb", 4, FAKE),
    ], found


def test_doubles_not_returned_by_a_rubyllm_stub_stay_untyped(run_app):
    files = {
        "app/services/ping.rb": PING,
        "test/ping_test.rb": """
            class PingTest < ActiveSupport::TestCase
              test "a mock for an app collaborator" do
                notifier = mock("notifier")
                notifier.expects(:deliver).returns(OpenStruct.new(model: "x"))
                Ping.stubs(:new).returns(notifier)
              end
            end
        """,
    }
    assert run_app(files, version="1.14.0") == [("app/services/ping.rb", 4, "rubyllm/unknown-method")]


def test_stub_of_a_job_the_app_never_does_is_left_alone(run_app):
    # no app call of that name at all: the code under test may sit where the check cannot read it
    files = {
        "app/services/bot.rb": "class Bot\n  def go = RubyLLM.chat.ask('x')\nend\n",
        "test/bot_test.rb": "class T < Minitest::Test\n  def test_x\n    RubyLLM.stub(:embed, nil) { }\n  end\nend\n",
    }
    assert run_app(files) == []


@pytest.mark.parametrize("version", ["1.6.0", "1.16.0"])
def test_stub_reached_through_self_class_in_the_gem_fires(run_app, version):
    """Models#refresh! runs `self.class.refresh!`: a call on a class the source does not name reaches every
    body of that name, so stubbing RubyLLM::Models.refresh! while the app calls RubyLLM.models.refresh! fires."""
    found = run_app({
        "app/services/sync.rb": "class Sync\n  def go = RubyLLM.models.refresh!\nend\n",
        "test/sync_test.rb": "class SyncTest < Minitest::Test\n  def test_x\n"
                             "    RubyLLM::Models.stub(:refresh!, nil) { Sync.new.go }\n  end\nend\n",
    }, version=version)
    assert [r for _f, _l, r in found if r == NEVER] == []
