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


ACME = """
    module RubyLLM
      module Providers
        class Acme < RubyLLM::Providers::OpenAI
          class << self
            def configuration_options = %i[acme_api_key acme_region]
            def configuration_requirements = [:acme_api_key]
          end
        end
      end
    end
    RubyLLM::Provider.register :acme, RubyLLM::Providers::Acme
    RubyLLM.configure do |c|
      c.acme_api_key = ENV["ACME_KEY"]
      c.acme_regoin = "eu"
    end
"""


def test_options_of_a_provider_the_app_registers(run_app):
    # from 1.14.0 Provider.register adds the provider's options; a misspelt one is still unknown
    assert run_app({"lib/acme.rb": ACME}, version="1.14.0") == [("lib/acme.rb", 14, "rubyllm/unknown-config-option")]


def test_registered_provider_options_do_not_exist_before_1_14(run_app):
    found = run_app({"lib/acme.rb": ACME}, version="1.13.2")
    assert ("lib/acme.rb", 13, "rubyllm/unknown-config-option") in found
