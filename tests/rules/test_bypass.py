RULE = "rubyllm/bypass"


def test_sdk_client_and_raw_http_while_ruby_llm_is_required(run_app):
    found = run_app({
        "app/a.rb": "class A\n  def c = OpenAI::Client.new(access_token: 'x')\nend\n",
        "app/b.rb": 'require "net/http"\nURL = "https://api.openai.com/v1/chat/completions"\nNet::HTTP.post(URI(URL), "{}")\n',
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
