RULE = "rubyllm/bypass"


def test_sdk_client_and_raw_http_while_ruby_llm_is_required(run_app):
    found = run_app({
        "app/a.rb": "class A\n  def c = OpenAI::Client.new(access_token: 'x')\nend\n",
        "app/b.rb": 'require "net/http"\nURL = "https://api.openai.com/v1/chat/completions"\n'
                    'Net::HTTP.post(URI(URL), "{}")\n',
        "config/initializers/llm.rb": 'RubyLLM.configure { |c| c.openai_api_base = "https://openrouter.ai/api/v1" }\n',
        "test/b_test.rb": 'stub_request(:post, "https://api.openai.com/v1/chat/completions")\nNet::HTTP\n',
    }, full=True)
    assert sorted((f.file, f.line, f.rule) for f in found) == [("app/a.rb", 2, RULE), ("app/b.rb", 2, RULE)]
    assert all(f.category.value == "bypass" for f in found)


def test_no_finding_without_ruby_llm_in_the_gemfile(tmp_path):
    from static_checks.engine import check_path

    (tmp_path / "Gemfile").write_text('gem "ruby-openai"\n')
    (tmp_path / "a.rb").write_text("OpenAI::Client.new\n")
    assert [f for f in check_path(tmp_path).findings if f.rule == RULE] == []


def test_capability_the_locked_release_lacks_is_not_a_bypass(run_app):
    # transcription arrived in 1.9.0; text-to-speech is in no release; OpenRouter needs 1.2.0 (api base)
    files = {
        "app/jobs/transcribe.rb": "class T\n"
                                  "  def run(io) = OpenAI::Client.new.audio.transcribe(parameters: { file: io })\n"
                                  "end\n",
        "app/services/voice.rb": 'require "faraday"\nclass V\n  BASE = "https://api.openai.com"\n'
                                 '  def say(b) = Faraday.new(url: BASE).post("/v1/audio/speech", b)\nend\n',
        "app/services/router.rb": 'require "net/http"\nclass R\n  URL = "https://openrouter.ai/api/v1/chat/completions"\n'
                                  "  def go(b) = Net::HTTP.post(URI(URL), b)\nend\n",
    }
    assert [f for f in run_app(files, version="1.1.0") if f[2] == RULE] == []
    later = sorted(f[:2] for f in run_app(files, version="1.9.0") if f[2] == RULE)
    assert later == [("app/jobs/transcribe.rb", 2), ("app/services/router.rb", 3)]  # speech: never


def test_hint_follows_the_locked_release(run_app):
    src = {"app/r.rb": 'require "net/http"\nURL = "https://openrouter.ai/api/v1/chat/completions"\n'
                       "Net::HTTP.post(URI(URL), '{}')\n"}
    (old,) = run_app(src, version="1.2.0", full=True)
    (new,) = run_app(src, version="1.16.0", full=True)
    assert "openai_api_base" in old.hint and "provider: :openrouter" in new.hint


def test_sdk_features_ruby_llm_never_wrapped_are_not_a_bypass(run_app):
    found = run_app({
        "app/services/kb.rb": "class Kb\n  def client = @client ||= OpenAI::Client.new\n"
                              "  def upload(io) = client.files.upload(parameters: { file: io, "
                              "purpose: 'assistants' })\n"
                              "  def ask(id) = client.threads.create(parameters: { assistant_id: id })\nend\n",
        "app/services/models.rb": "class M\n  def all = OpenAI::Client.new.models.list\nend\n",
        "app/services/mixed.rb": "class X\n  def c = OpenAI::Client.new\n"
                                 "  def up(io) = c.files.upload(parameters: { file: io })\n"
                                 "  def talk(m) = c.chat(parameters: { model: 'gpt-4o', messages: m })\nend\n",
    })
    assert [f[:2] for f in found if f[2] == RULE] == [("app/services/mixed.rb", 2)]


def test_messages_of_an_assistants_thread_are_not_chat(run_app):
    thread = ("class ThreadBot\n  def initialize = @client = OpenAI::Client.new\n  def post(tid, t)\n"
              "    @client.messages.create(thread_id: tid, parameters: { role: 'user', content: t })\n  end\nend\n")
    assert [f for f in run_app({"app/services/thread_bot.rb": thread}) if f[2] == RULE] == []
    # the same SDK call without a thread is a chat request ruby_llm could make (Anthropic-style)
    chat = thread.replace("thread_id: tid, ", "")
    found = run_app({"app/services/thread_bot.rb": chat})
    assert [f[:2] for f in found if f[2] == RULE] == [("app/services/thread_bot.rb", 2)]


def test_langchain_provider_client_is_a_bypass(run_app):
    ctrl = ("class MessagesController < ApplicationController\n  def create\n"
            "    llm = Langchain::LLM::OpenAI.new(api_key: ENV['OPENAI_API_KEY'])\n"
            "    render plain: llm.chat(messages: [{ role: 'user', content: params[:q] }]).chat_completion\n  end\n"
            "end\n")
    assert [f[:2] for f in run_app({"app/controllers/messages_controller.rb": ctrl}) if f[2] == RULE] == [
        ("app/controllers/messages_controller.rb", 3)]
    # Langchain's own non-provider classes (prompts, vector search) are no bypass
    other = "class P\n  def t = Langchain::Prompt::PromptTemplate.new(template: 'x', input_variables: [])\nend\n"
    assert [f for f in run_app({"app/services/p.rb": other}) if f[2] == RULE and f[0] == "app/services/p.rb"] == []


# ---- host from configuration: a provider's path is a bypass only beside that provider's own header ------
CLAUDE_GATEWAY = """
    require "net/http"

    class ClaudeGateway
      def initialize(settings) = @settings = settings

      def complete(prompt)
        uri = URI.join(@settings.fetch(:root), "v1/messages")
        req = Net::HTTP::Post.new(uri)
        req["Anthropic-Version"] = "2023-06-01"
        req["x-api-key"] = @settings.fetch(:key)
        req.body = { model: "claude-sonnet-4", max_tokens: 512, messages: [{ role: "user", content: prompt }] }.to_json
        Net::HTTP.start(uri.host, uri.port, use_ssl: true) { |h| h.request(req) }
      end
    end
"""


def test_provider_path_and_header_without_a_host_is_a_bypass(run_app):
    found = run_app({"app/services/claude_gateway.rb": CLAUDE_GATEWAY}, full=True)
    assert [(f.file, f.line, f.rule) for f in found] == [("app/services/claude_gateway.rb", 7, RULE)]
    assert "anthropic_api_base" in found[0].hint


def test_gemini_path_and_key_header_without_a_host_is_a_bypass(run_app):
    src = """
        class Summarize
          def call(base, text)
            Faraday.post("#{base}/v1beta/models/gemini-2.0-flash:generateContent",
                         { contents: [{ parts: [{ text: text }] }] }.to_json,
                         { "x-goog-api-key" => ENV["GEMINI_KEY"], "Content-Type" => "application/json" })
          end
        end
    """
    assert run_app({"app/services/summarize.rb": src}) == [("app/services/summarize.rb", 3, RULE)]
    assert run_app({"app/services/summarize.rb": src}, version="1.8.0") == []  # no gemini_api_base yet


def test_a_provider_path_alone_or_an_old_release_is_no_hostless_bypass(run_app, tmp_path):
    # the path without Anthropic's header: any server (a local proxy, another API) may answer it
    no_header = CLAUDE_GATEWAY.replace('req["Anthropic-Version"] = "2023-06-01"\n', "")
    assert run_app({"app/services/claude_gateway.rb": no_header}) == []
    # OpenAI-style paths serve every compatible server: never taken without a host
    local = 'require "net/http"\nclass L\n  def go(base) = Net::HTTP.post(URI("#{base}/v1/chat/completions"), "{}",' \
            ' "Authorization" => "Bearer x")\nend\n'
    for p in tmp_path.rglob("*.rb"):
        p.unlink()
    assert run_app({"app/services/local.rb": local}) == []
    # before 1.13.0 ruby_llm reaches Anthropic only at its own host: a configured host may be out of its reach
    for p in tmp_path.rglob("*.rb"):
        p.unlink()
    assert run_app({"app/services/claude_gateway.rb": CLAUDE_GATEWAY}, version="1.12.0") == []
    # a test file naming them is never the app going around ruby_llm
    for p in tmp_path.rglob("*.rb"):
        p.unlink()
    assert run_app({"test/claude_gateway_test.rb": CLAUDE_GATEWAY}, version="1.16.0") == []
