"""Cause 11: absence earns no points. A dimension whose subject does not exist scores 0."""

from __future__ import annotations

import pytest
from verdict_helpers import scorecard

RAILS_NEW = {
    "Gemfile": ('source "https://rubygems.org"\ngem "rails", "~> 8.1"\ngem "ruby_llm"\n'
                'gem "turbo-rails"\n'),
    "config/application.rb": ('require_relative "boot"\nrequire "rails/all"\nmodule App\n'
                              '  class Application < Rails::Application\n  end\nend\n'),
    "config/routes.rb": ('Rails.application.routes.draw do\n'
                         '  get "up" => "rails/health#show", as: :rails_health_check\nend\n'),
    "app/controllers/application_controller.rb": "class ApplicationController < ActionController::Base\nend\n",
    "config/initializers/ruby_llm.rb": ('RubyLLM.configure do |config|\n'
                                        '  config.openrouter_api_key = ENV["OPENROUTER_API_KEY"]\nend\n'),
}


def dims(card) -> dict[str, float]:
    return {d.id: d.score for d in card.dimensions}


@pytest.mark.parametrize("files,skeleton", [({}, False), (RAILS_NEW, False)], ids=["empty", "rails-new"])
def test_nothing_built_earns_nothing_in_rubyllm_architecture_production(repo_facts, files, skeleton):
    facts = repo_facts(files, skeleton=skeleton)
    assert facts["rubyllm.used"].value is False  # configuring the gem is no use of it
    v1 = dims(scorecard(facts, "rails-rubyllm-v1"))
    assert v1["rubyllm"] == 0 and v1["architecture"] == 0 and v1["production"] == 0
    assert dims(scorecard(facts, "rails-rubyllm-v2"))["persistence"] == 0


def test_a_built_app_keeps_the_points_no_deduction_takes(repo_facts):
    facts = repo_facts({
        **RAILS_NEW,
        "config/routes.rb": 'Rails.application.routes.draw do\n  resources :chats, only: [:create]\nend\n',
        "app/controllers/chats_controller.rb": (
            "class ChatsController < ApplicationController\n"
            "  def create\n"
            "    chat = RubyLLM.chat.with_instructions(\"Be brief\")\n"
            "    render plain: chat.ask(params[:q]).content\n"
            "  end\n"
            "end\n"),
    }, skeleton=False)
    assert facts["rubyllm.used"].value is True
    v1 = dims(scorecard(facts, "rails-rubyllm-v1"))
    assert v1["rubyllm"] > 0 and v1["production"] > 0
