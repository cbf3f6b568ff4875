"""Facts about an app's tests and its error handling."""

from __future__ import annotations

SERVICE = {"app/services/replier.rb": "class Replier\n  def call(t)\n    RubyLLM.chat.ask(t).content\n  end\nend\n"}


def test_counts_cases_in_three_styles(facts_for):
    f = facts_for({
        "test/models/a_test.rb": "class ATest < Minitest::Test\n  def test_one; end\n  def helper; end\nend\n",
        "test/models/b_test.rb":
            'class BTest < ActiveSupport::TestCase\n  test "two" do\n  end\n  test "three" do\n  end\nend\n',
        "spec/c_spec.rb": 'RSpec.describe "C" do\n  it "four" do\n  end\nend\n',
    })
    assert (f["tests.files"], f["tests.count"], f["tests.framework"]) == (3, 4, "both")
    assert f["tests.folder_present"] is True


def test_no_tests(facts_for):
    f = facts_for({})
    assert (f["tests.folder_present"], f["tests.files"], f["tests.count"], f["tests.framework"]) == (
        False, 0, 0, "none")
    assert f["tests.reach_llm_path"] is False


def test_reach_llm_path_direct_and_through_a_controller(facts_for):
    direct = facts_for({**SERVICE, "test/services/replier_test.rb":
                        'class ReplierTest < ActiveSupport::TestCase\n  test "x" do\n    Replier.new.call("hi")\n'
                        '  end\nend\n'})
    assert direct["tests.reach_llm_path"] is True
    # naming the class runs none of its LLM path
    built = facts_for({**SERVICE, "test/services/replier_test.rb":
                       'class ReplierTest < ActiveSupport::TestCase\n  test "x" do\n    Replier.new\n  end\nend\n'})
    assert built["tests.reach_llm_path"] is False
    via = facts_for({**SERVICE,
                     "app/controllers/msgs_controller.rb": "class MsgsController < ApplicationController\n"
                                                           "  def create = Replier.new.call(params[:t])\nend\n",
                     "test/controllers/msgs_controller_test.rb":
                         'class MsgsControllerTest < ActionDispatch::IntegrationTest\n'
                         '  test "p" do\n    post "/m"\n  end\nend\n'})
    assert via["tests.reach_llm_path"] is True
    other = facts_for({**SERVICE, "test/models/x_test.rb":
                       'class XTest < ActiveSupport::TestCase\n  test "x" do\n    assert true\n  end\nend\n'})
    assert other["tests.reach_llm_path"] is False


def test_generator_stub_tests_reach_nothing_and_cover_nothing(facts_for):
    stub = ("class ReplierTest < ActiveSupport::TestCase\n  # test \"the truth\" do\n  #   Replier.new.call(1)\n"
            "  # end\nend\n")
    f = facts_for({**SERVICE, "test/services/replier_test.rb": stub})
    assert (f["tests.count"], f["tests.reach_llm_path"]) == (0, False)
    assert "Replier" in f["tests.untested_components"]
    uncommented = stub.replace("# test", "test").replace("#   Replier", "  Replier").replace("# end", "end")
    real = facts_for({**SERVICE, "test/services/replier_test.rb": uncommented})
    assert (real["tests.count"], real["tests.reach_llm_path"]) == (1, True)
    assert "Replier" not in real["tests.untested_components"]


def test_mocking_tools_and_fakes(facts_for):
    f = facts_for({"test/a_test.rb": (
        "class ATest < Minitest::Test\n  class FakeChat\n    def ask(m) = Struct.new(:content).new('x')\n  end\n"
        "  def test_stub\n    RubyLLM.stub(:chat, FakeChat.new) { assert true }\n  end\nend\n")})
    assert f["tests.mocking_libraries"] == ["minitest-mock"]
    assert f["tests.fakes"] == ["ATest::FakeChat"]
    assert f["tests.real_mocking"] is True
    g = facts_for({"test/a_test.rb": "class ATest < Minitest::Test\n  def test_x\n    assert_equal 1, 1\n  end\nend\n"})
    assert g["tests.mocking_libraries"] == [] and g["tests.real_mocking"] is False


def test_error_path_tests(facts_for):
    f = facts_for({"test/a_test.rb": (
        "class ATest < Minitest::Test\n"
        "  def test_raises\n    assert_raises(ArgumentError) { Integer('x') }\n  end\n"
        "  def test_provider_down\n    stub_request(:post, 'https://x').to_return(status: 503)\n  end\n"
        "  def test_happy\n    assert_equal 2, 1 + 1\n  end\nend\n")})
    assert f["tests.error_path"] == 2


def test_exact_payload_array_and_count_only(facts_for):
    exact = facts_for({"test/p_test.rb": (
        "class PTest < Minitest::Test\n  def test_payload\n"
        '    expected = [{ role: "system", content: "s" }, { "role" => "user", "content" => "hi" }]\n'
        "    assert_equal expected, sent_messages\n  end\nend\n")})
    assert exact["tests.exact_payload_array"] is True and exact["tests.count_based_payload"] is False
    counted = facts_for({"test/p_test.rb": (
        "class PTest < Minitest::Test\n  def test_payload\n    assert_equal 3, payload[:messages].size\n"
        '    assert_equal ["a", "b"], names\n  end\nend\n')})
    assert counted["tests.exact_payload_array"] is False and counted["tests.count_based_payload"] is True


def test_unrescued_llm_call(facts_for):
    f = facts_for(SERVICE)
    assert (f["errors.llm_calls"], f["errors.llm_calls_rescued"], f["errors.rescue_around_llm"]) == (1, 0, "none")
    assert f["errors.rescues_rubyllm_error"] is False


def test_rescue_in_the_caller_counts(full_facts_for):
    f = full_facts_for({**SERVICE, "app/controllers/msgs_controller.rb": (
        "class MsgsController < ApplicationController\n  def create\n    Replier.new.call(params[:t])\n"
        "  rescue RubyLLM::Error => e\n    flash.now[:alert] = e.message\n    render :new\n  end\nend\n")})
    assert f["errors.rescue_around_llm"].value == "all"
    assert (f["errors.rescue_around_llm"].evidence[0].file, f["errors.rescue_around_llm"].evidence[0].line) == (
        "app/controllers/msgs_controller.rb", 4)
    assert f["errors.rescues_rubyllm_error"].value is True
    assert f["errors.degraded_ui"].value is True


def test_rescue_modifier_and_rescue_from(facts_for):
    mod = facts_for({"app/services/r.rb": "class R\n  def call(t) = (RubyLLM.chat.ask(t) rescue nil)\nend\n"})
    assert mod["errors.rescue_around_llm"] == "all"
    # rescue_from protects what a controller action reaches (issue 10: a rescue must enclose the call)
    handler = {"app/controllers/application_controller.rb": (
        "class ApplicationController < ActionController::Base\n  rescue_from RubyLLM::Error, with: :oops\nend\n")}
    ctl = {"app/controllers/replies_controller.rb": (
        "class RepliesController < ApplicationController\n  def create\n"
        "    render plain: Replier.new.call(params[:t])\n  end\nend\n")}
    rf = facts_for({**SERVICE, **handler, **ctl})
    assert rf["errors.rescue_around_llm"] == "all" and rf["errors.rescues_rubyllm_error"] is True
    # a service no controller reaches is not protected by the controllers' rescue_from
    assert facts_for({**SERVICE, **handler})["errors.rescue_around_llm"] == "none"


def test_missing_key_preflight(facts_for):
    yes = facts_for({"app/controllers/c_controller.rb": (
        'class CController < ApplicationController\n  def index\n'
        '    return render(:missing_key) if ENV["OPENROUTER_API_KEY"].blank?\n  end\nend\n')})
    assert yes["errors.missing_key_preflight"] is True
    # a flag that stops nothing is no preflight (issue 10, cause 1)
    flag = facts_for({"app/controllers/c_controller.rb": (
        'class CController < ApplicationController\n  def index\n'
        '    @missing = ENV["OPENROUTER_API_KEY"].blank?\n  end\nend\n')})
    assert flag["errors.missing_key_preflight"] is False
    boot_only = facts_for({"config/initializers/llm.rb": 'raise "no key" if ENV["OPENROUTER_API_KEY"].blank?\n'})
    assert boot_only["errors.missing_key_preflight"] is False
    unrelated = facts_for({"app/models/u.rb": "class U\n  def ok? = name.blank?\nend\n"})
    assert unrelated["errors.missing_key_preflight"] is False
    assert unrelated["errors.degraded_ui"] is False


def test_request_test_reaches_an_llm_controller_through_routes(facts_for):
    ctl = {"app/controllers/msgs_controller.rb":
           "class MsgsController < ApplicationController\n  def create = RubyLLM.chat.ask(params[:t])\nend\n"}
    flow = ('class ChatFlowTest < ActionDispatch::IntegrationTest\n  test "talk" do\n'
            '    post "/msgs", params: { t: "hi" }\n  end\nend\n')
    assert facts_for({**ctl, "test/integration/chat_flow_test.rb": flow})["tests.reach_llm_path"] is True
    unit = (flow.replace("ActionDispatch::IntegrationTest", "ActiveSupport::TestCase")
            .replace('post "/msgs", params: { t: "hi" }', "assert true"))
    assert facts_for({**ctl, "test/models/chat_flow_test.rb": unit})["tests.reach_llm_path"] is False



def test_a_page_load_alone_does_not_reach_the_llm_path(facts_for):
    """The generator's stock `get root_url` test does not exercise the controller that calls RubyLLM;
    a posted turn, a path naming that controller, or a system test working the form does."""
    ctl = {"app/controllers/msgs_controller.rb":
           "class MsgsController < ApplicationController\n  def create = RubyLLM.chat.ask(params[:t])\nend\n",
           "app/controllers/pages_controller.rb":
               "class PagesController < ApplicationController\n  def home; end\nend\n"}

    def flow(body, base="ActionDispatch::IntegrationTest"):
        return {**ctl, "test/integration/home_test.rb":
                f'class HomeTest < {base}\n  test "home" do\n    {body}\n  end\nend\n'}

    assert facts_for(flow("get root_url"))["tests.reach_llm_path"] is False
    assert facts_for(flow('get "/msgs/new"'))["tests.reach_llm_path"] is True  # names the LLM controller
    assert facts_for(flow('post ask_url, params: { t: "hi" }'))["tests.reach_llm_path"] is True  # a posted turn
    system = "ApplicationSystemTestCase"
    assert facts_for(flow("visit root_url", system))["tests.reach_llm_path"] is False
    assert facts_for(flow('visit root_url\n    fill_in "t", with: "hi"\n    click_on "Send"', system))[
        "tests.reach_llm_path"] is True


def test_untested_components(facts_for):
    f = facts_for({
        "app/services/alpha.rb": "class Alpha\n  class Inner; end\nend\n",
        "app/services/beta.rb": "class Beta\nend\n",
        "app/controllers/application_controller.rb": "class ApplicationController < ActionController::Base\nend\n",
        "app/controllers/pages_controller.rb": "class PagesController < ApplicationController\n  def show; end\nend\n",
        "test/services/alpha_test.rb": "class AlphaTest < Minitest::Test\n  def test_x = assert(true)\nend\n",
        "test/integration/flow_test.rb": "class FlowTest < Minitest::Test\n  def test_y = Beta.new\nend\n",
    })
    assert f["tests.untested_components"] == ["PagesController"]
    assert f["tests.untested_component_count"] == 1


def test_a_controller_reached_by_an_integration_test_is_tested(facts_for):
    """A flow test named after no controller still exercises the controllers whose paths it requests."""
    app = {
        "app/controllers/chat_messages_controller.rb":
            "class ChatMessagesController < ApplicationController\n  def create; end\nend\n",
        "app/controllers/replies_controller.rb":
            "class RepliesController < ApplicationController\n  def show; end\nend\n",
        "app/controllers/pages_controller.rb": "class PagesController < ApplicationController\n  def show; end\nend\n",
    }
    flow = ('class ChatFlowTest < ActionDispatch::IntegrationTest\n  test "talk" do\n'
            '    post chat_messages_path, params: { t: "hi" }\n    get "/replies/1"\n  end\nend\n')
    f = facts_for({**app, "test/integration/chat_flow_test.rb": flow})
    assert f["tests.untested_components"] == ["PagesController"]
    # A unit test (no requests) reaches no controller.
    unit = flow.replace("ActionDispatch::IntegrationTest", "ActiveSupport::TestCase")
    unit = unit.replace('post chat_messages_path, params: { t: "hi" }', "assert true").replace('get "/replies/1"', "")
    g = facts_for({**app, "test/models/chat_flow_test.rb": unit})
    assert g["tests.untested_components"] == ["ChatMessagesController", "PagesController", "RepliesController"]


def test_reach_llm_path_through_an_invented_entry_class_or_a_bypass(facts_for):
    """Code that tries to reach the provider through an invented class or around the gem is still the
    LLM path: testing it is not "tests never reach the LLM" (its own rules charge the broken call)."""
    test = 'class ReplierTest < ActiveSupport::TestCase\n  test "x" do\n    Replier.new.call("hi")\n  end\nend\n'
    invented = {"app/services/replier.rb": (
        "class Replier\n  def call(t)\n    client = RubyLLM::Client.new(api_key: ENV['K'])\n"
        "    client.chat(messages: [{ role: 'user', content: t }])\n  end\nend\n")}
    f = facts_for({**invented, "test/services/replier_test.rb": test})
    assert f["tests.reach_llm_path"] is True and "entry_class" in f["rubyllm.invented_kinds"]
    untested = facts_for({**invented, "test/models/x_test.rb":
                          'class XTest < ActiveSupport::TestCase\n  test "x" do\n    assert true\n  end\nend\n'})
    assert untested["tests.reach_llm_path"] is False
    bypass = {"Gemfile": 'source "https://rubygems.org"\ngem "rails", "~> 8.1"\ngem "ruby_llm"\ngem "ruby-openai"\n',
              "app/services/replier.rb": (
                  "class Replier\n  def call(t)\n    client = OpenAI::Client.new(access_token: ENV['K'])\n"
                  "    client.chat(parameters: { model: 'x', messages: [{ role: 'user', content: t }] })\n"
                  "  end\nend\n")}
    g = facts_for({**bypass, "test/services/replier_test.rb": test})
    assert g["rubyllm.bypass"] is True
    assert g["tests.reach_llm_path"] is True
