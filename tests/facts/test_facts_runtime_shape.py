"""Persistence, Hotwire, architecture, security and v2-goal facts: positive and negative cases."""

from __future__ import annotations

from static_checks.facts.javascript import scan_js
from static_checks.facts.security import raw_erb_outputs


def test_mutable_constant_store_and_globals(facts_for):
    f = facts_for({"app/services/store.rb": (
        "class Store\n  HISTORY = {}\n  LIMITS = [1, 2].freeze\n  def self.add(id, m)\n    HISTORY[id] = m\n"
        "    $last_chat = m\n  end\nend\n")})
    assert f["persistence.mutable_constants"] == 1 and f["persistence.globals"] == 1
    assert f["persistence.process_local_store"] is True and f["persistence.strategy"] == "process_local"
    assert f["concurrency.hazards"] == ["process_local_store"]


def test_frozen_or_unmutated_constants_are_not_stores(facts_for):
    f = facts_for({"app/services/c.rb": 'class C\n  ROLES = %w[user assistant].freeze\n  DEFAULTS = { a: 1 }\n'
                                         "  def x = DEFAULTS[:a]\nend\n"})
    assert f["persistence.mutable_constants"] == 0 and f["persistence.process_local_store"] is False
    assert f["persistence.strategy"] == "none"


def test_session_store_with_cap_but_no_ttl(facts_for):
    f = facts_for({"app/controllers/c_controller.rb": (
        "class CController < ApplicationController\n  def create\n"
        "    session[:messages] = (session[:messages] || []).push(params[:m]).last(20)\n  end\nend\n")})
    assert f["persistence.session"] is True and f["persistence.strategy"] == "session"
    assert f["persistence.cap"] is True and f["persistence.ttl"] is False
    assert f["persistence.cache_store"] == "default"


def test_unlocked_cache_read_modify_write_is_a_hazard(facts_for):
    f = facts_for({"app/services/h.rb": (
        "class H\n  MAX = 10\n  def add(id, m)\n    list = Rails.cache.read(id) || []\n"
        "    list.shift if list.size >= MAX\n    Rails.cache.write(id, list + [m], expires_in: 1.hour)\n  end\nend\n")})
    assert f["concurrency.hazards"] == ["non_atomic_cache_rmw", "read_then_write_cap"]
    assert f["persistence.rails_cache"] is True and f["persistence.ttl"] is True


def test_fork_unsafe_pool_needs_preload_without_reconnect(facts_for):
    files = {"config/puma.rb": "workers 2\npreload_app!\n", "config/initializers/redis.rb": "REDIS = Redis.new\n"}
    assert facts_for(files)["concurrency.hazards"] == ["fork_unsafe_pool"]
    files["config/puma.rb"] += "on_worker_boot { REDIS.reconnect }\n"
    assert facts_for(files)["concurrency.hazards"] == []


def test_js_tokens_not_substrings():
    quiet = scan_js(b'// fetch("/x") then el.innerHTML = y\nconst s = "fetch(1); a.innerHTML = 2";\n')
    assert quiet.fetch_lines == [] and quiet.html_write_lines == []
    loud = scan_js(b"window.fetch(u).then(r => r.text()).then(h => {\n  box.insertAdjacentHTML('beforeend', h)\n})\n")
    assert loud.fetch_lines == [1] and loud.html_write_lines == [2]
    assert scan_js(b"api.fetch(1); el.textContent = 2\n").fetch_lines == []


def test_inline_script_fetch_innerhtml_in_a_view(full_facts_for):
    f = full_facts_for({"app/views/chats/show.html.erb": (
        "<div id=\"m\"></div>\n<script>\n  fetch('/m').then(r => r.text())\n"
        "    .then(t => { document.getElementById('m').innerHTML = t })\n</script>\n")})
    assert f["hotwire.fetch_innerhtml"].value is True
    assert [(e.file, e.line) for e in f["hotwire.fetch_innerhtml"].evidence] == [
        ("app/views/chats/show.html.erb", 3), ("app/views/chats/show.html.erb", 4)]


def test_broadcast_after_ask_is_not_streaming(facts_for):
    f = facts_for({"app/services/s.rb": (
        "class S\n  def call(t)\n    reply = RubyLLM.chat.ask(t)\n"
        "    Turbo::StreamsChannel.broadcast_append_to('c', target: 'm', html: reply.content)\n  end\nend\n")})
    assert f["hotwire.broadcasts"] == 1 and f["hotwire.streams_in_ask_block"] is False


def test_streaming_through_an_app_method_in_the_block(facts_for):
    f = facts_for({"app/services/s.rb": (
        "class S\n  def call(t)\n    RubyLLM.chat.ask(t) { |chunk| push(chunk.content) }\n  end\n\n"
        "  def push(text)\n    ActionCable.server.broadcast('c', text)\n  end\nend\n")})
    assert f["hotwire.streams_in_ask_block"] is True


def test_stimulus_partials_and_turbo_views(facts_for):
    f = facts_for({"app/javascript/controllers/hello_controller.js": "export default 1\n",
                   "app/javascript/controllers/chat_controller.js": "export default 1\n",
                   "app/views/m/_message.html.erb": "<p></p>\n", "app/views/m/create.turbo_stream.erb": "\n"})
    assert f["hotwire.stimulus_controllers"] == 1 and f["hotwire.partials"] == 1
    assert f["hotwire.turbo_stream_responses"] == 1 and f["hotwire.fetch_innerhtml"] is False


def test_csrf_variants(facts_for):
    app = "app/controllers/application_controller.rb"
    base = "class ApplicationController < ActionController::Base\n  {}\nend\n"
    for line in ("protect_from_forgery with: :null_session", "skip_before_action :verify_authenticity_token",
                 "skip_forgery_protection"):
        assert facts_for({app: base.format(line)})["security.csrf_disabled_globally"] is True, line
    protected = facts_for({app: base.format("protect_from_forgery with: :exception")})
    assert protected["security.csrf_disabled_globally"] is False
    api = facts_for({"app/controllers/hooks_controller.rb":
                     "class HooksController < ApplicationController\n  skip_forgery_protection\nend\n"})
    assert api["security.csrf_disabled_globally"] is False and api["security.csrf_skipped_actions"] == 1
    test_env = facts_for({"config/environments/test.rb": "config.action_controller.allow_forgery_protection = false\n"})
    assert test_env["security.csrf_disabled_globally"] is False


def test_unsafe_html_on_messages(full_facts_for):
    f = full_facts_for({
        "app/views/m/_message.html.erb": "<div><%== message.content %></div>\n<p><%= raw @footer %></p>\n",
        "app/helpers/m_helper.rb": "module MHelper\n  def md(t) = markdown(t, sanitize: false)\n"
                                   "  def ok = '<br>'.html_safe\nend\n",
    })
    assert f["security.unsafe_html"].value == 4
    assert f["security.unsafe_html_on_message"].value is True
    evidence = [(e.file, e.line) for e in f["security.unsafe_html_on_message"].evidence]
    assert ("app/views/m/_message.html.erb", 1) in evidence
    assert raw_erb_outputs(b"<%= a %>\n<%== b %>") == [(2, "b")]


def test_fixed_markup_made_raw_is_not_message_content(full_facts_for):
    f = full_facts_for({"app/helpers/ui_helper.rb": (
        "module UiHelper\n  def badge = \"<span class='text-gray-100 message'>new</span>\".html_safe\n"
        "  def bubble(msg) = \"<p>#{msg.content}</p>\".html_safe\nend\n"),
        # a view uses the helper: a helper nothing calls puts nothing on the page (issue 10)
        "app/views/messages/_message.html.erb": "<%= bubble(message) %>\n"})
    assert f["security.unsafe_html"].value == 2
    # only the interpolated message content counts; the CSS words in fixed markup do not
    evidence = [(e.file, e.line) for e in f["security.unsafe_html_on_message"].evidence]
    assert evidence == [("app/helpers/ui_helper.rb", 3)]


def test_eval_family(facts_for):
    bad = facts_for({"app/tools/calc_tool.rb": (
        "class CalcTool < RubyLLM::Tool\n  def execute(expression:)\n    Kernel.eval(expression)\n  end\nend\n"),
        "app/services/x.rb": "class X\n  def a(s) = instance_eval(s)\n  def b(s) = send(:eval, s)\nend\n"})
    assert bad["security.eval_calls"] == 3 and bad["tools.calculator_uses_eval"] is True
    assert bad["tools.classes"] == ["calc"]
    ok = facts_for({"app/services/x.rb": ("class X\n  def a = instance_eval { 1 }\n  def evaluate(s) = s\n"
                                          "  def c(item, &blk) = instance_exec(item, &blk)\nend\n")})
    assert ok["security.eval_calls"] == 0


def test_action_size(facts_for):
    body = "\n".join(f"    x{i} = {i}" for i in range(30))
    f = facts_for({"app/controllers/big_controller.rb":
                   f"class BigController < ApplicationController\n  def create\n{body}\n  end\n  def show; end\nend\n"})
    assert f["arch.max_action_lines"] == 32 and f["arch.long_actions"] == ["BigController#create:32"]
    assert f["arch.service_objects"] == 0


def test_plain_ruby_objects_in_lib_are_service_objects(facts_for):
    f = facts_for({"lib/link_radar/analyzer.rb":
                   "module LinkRadar\n  class Analyzer\n    def call(u) = RubyLLM.chat.ask(u)\n  end\nend\n"})
    assert f["arch.service_objects"] == 1


def test_budget_guard_must_come_before_ask(facts_for):
    before = facts_for({"app/services/b.rb": (
        'class B\n  LIMIT = ENV.fetch("TOKEN_BUDGET", 10_000).to_i\n  def call(t)\n'
        '    raise "over budget" if used_tokens >= LIMIT\n    RubyLLM.chat.ask(t)\n  end\nend\n')})
    assert before["budget.env_var"] == "TOKEN_BUDGET" and before["budget.check_before_ask"] is True
    after = facts_for({"app/services/b.rb": (
        "class B\n  def call(t)\n    r = RubyLLM.chat.ask(t)\n    @used += r.input_tokens\n"
        '    raise "over budget" if @used > 100\n    r\n  end\nend\n')})
    assert after["budget.check_before_ask"] is False and after["budget.tracks_tokens"] is True
    assert after["budget.env_var"] is None


def test_schema_title_and_tools(facts_for):
    f = facts_for({
        "app/services/titler.rb": (
            "class Titler\n  def call(conv)\n"
            '    conv.title = RubyLLM.chat.with_schema({ type: "object", properties: { title: { type: "string" } } })'
            '.ask("t").content["title"]\n  end\nend\n'),
        "app/tools/server_time.rb": "class ServerTime < RubyLLM::Tool\n  def execute = Time.now.utc\nend\n",
        "app/controllers/titles_controller.rb": (
            "class TitlesController < ApplicationController\n  def create\n    Titler.new.call(@conv)\n  end\nend\n"),
    })
    assert f["schema.with_schema"] is True and f["schema.schema_class"] is True
    assert f["schema.title_via_schema"] is True and f["title.generated"] is True
    assert f["tools.classes"] == ["server_time"] and f["tools.server_time"] is True and f["tools.calculator"] is False
    assert f["tools.registered"] is False
    none = facts_for({})
    assert none["schema.with_schema"] is False and none["tools.count"] == 0 and none["title.generated"] is False


TURN = """class Turn
  def call(text)
    chat = RubyLLM.chat
    history.each { |m| chat.add_message(m) }
    reply = chat.ask(text)
    history << reply
  end
end
"""


def test_unserialized_turns(facts_for):
    assert "unserialized_turns" in facts_for({"app/services/turn.rb": TURN})["concurrency.hazards"]
    locked = TURN.replace("    reply = chat.ask(text)\n", "    reply = store.with_lock { chat.ask(text) }\n")
    assert "unserialized_turns" not in facts_for({"app/services/turn.rb": locked})["concurrency.hazards"]
    one_off = "class T\n  def call(t) = RubyLLM.chat.ask(t)\nend\n"
    assert facts_for({"app/services/t.rb": one_off})["concurrency.hazards"] == []


def test_an_app_tool_base_class_is_not_a_tool(facts_for):
    f = facts_for({"app/tools/application_tool.rb": "class ApplicationTool < RubyLLM::Tool\nend\n",
                   "app/tools/calculator_tool.rb":
                       "class CalculatorTool < ApplicationTool\n  def execute(e:) = e\nend\n",
                   "app/tools/weather_tool.rb": "class WeatherTool < RubyLLM::Tool\n  def execute = 1\nend\n"})
    assert f["tools.classes"] == ["calculator", "weather"] and f["tools.count"] == 2


def test_turbo_stream_format_with_any_block_name(facts_for):
    ctl = ("class MController < ApplicationController\n  def create\n    respond_to do |wants|\n"
           "      wants.turbo_stream\n      wants.html { redirect_to root_path }\n    end\n  end\nend\n")
    assert facts_for({"app/controllers/m_controller.rb": ctl})["hotwire.turbo_stream_responses"] == 1
    plain = ctl.replace("wants.turbo_stream\n", "wants.json\n")
    assert facts_for({"app/controllers/m_controller.rb": plain})["hotwire.turbo_stream_responses"] == 0
