RULE = "rubyllm/unknown-config-option"


def test_configure_block_and_config_writer(run_app):
    found = run_app({"config/initializers/llm.rb": """
        RubyLLM.configure do |config|
          config.openai_api_key = "k"
          config.api_key = "k"
          config.timeout ||= 5
        end
        RubyLLM.config.default_model = "x"
        RubyLLM.config.model = "x"
    """}, full=True)
    assert [(f.line, f.rule) for f in found] == [(3, RULE), (4, RULE), (7, RULE)]
    api_key = found[0]
    assert "openai_api_key" in (api_key.hint or "")


def test_option_from_a_later_release_is_version_drift(run_app):
    found = run_app({"c.rb": "RubyLLM.configure { |c| c.openai_api_base = 'x' }\n"}, version="1.1.0")
    assert found == [("c.rb", 1, "rubyllm/version-mismatch")]
