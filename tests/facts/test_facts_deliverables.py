"""Layout, Gemfile, Docker/compose, README, secrets, Rails frameworks: positive and negative cases."""

from __future__ import annotations

import pytest

from static_checks.facts.docker import dockerfile_instructions, dockerfile_ruby, ruby_verdict


@pytest.mark.parametrize(
    "version, verdict",
    [("3.4.7", "sane"), ("ruby-3.3.6", "sane"), ("4.0.0", "sane"), ("3.4", "sane"), ("3", "sane"),
     ("3.5.0-preview1", "sane"), ("3.5.0", "impossible"), ("2.7.8", "old"), ("5.0", "impossible"),
     ("3.9.1", "impossible"), ("latest", "impossible"), ("", "missing"), (None, "missing")],
)
def test_ruby_verdict(version, verdict):
    assert ruby_verdict(version) == verdict


def test_dockerfile_ruby_from_tag_with_arg_expansion_and_continuations():
    text = "# c\nARG BASE=3.3.6\nFROM docker.io/library/ruby:${BASE}-slim \\\n  AS base\nRUN echo hi\n"
    assert dockerfile_ruby(dockerfile_instructions(text)) == ("3.3.6-slim", "dockerfile_from", 3)
    assert ruby_verdict("3.3.6-slim") == "sane"
    assert dockerfile_ruby(dockerfile_instructions("FROM node:20\n")) == (None, "none", 0)


def test_ruby_version_sources_and_disagreement(facts_for):
    f = facts_for({"Dockerfile": "FROM ruby:2.7.8\nUSER root\n", ".ruby-version": "3.4.7\n"})
    assert (f["ruby.version"], f["ruby.version_source"], f["ruby.version_verdict"]) == (
        "2.7.8", "dockerfile_from", "old")
    assert f["ruby.versions_disagree"] is True
    assert f["dockerfile.non_root"] is False and f["dockerfile.entrypoint"] is False
    g = facts_for({"Gemfile": 'source "https://rubygems.org"\nruby "3.4.1"\ngem "rails"\n'})
    assert (g["ruby.version"], g["ruby.version_source"], g["ruby.version_verdict"]) == ("3.4.1", "gemfile", "sane")
    assert g["dockerfile.present"] is False


@pytest.mark.parametrize("name", ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"])
def test_every_compose_name_counts(facts_for, name):
    f = facts_for({name: "services: {}\n"})
    assert f["compose.present"] is True and f["compose.file"] == name


def test_no_compose(facts_for):
    f = facts_for({"compose.example": "services: {}\n"})
    assert f["compose.present"] is False and f["compose.file"] is None


@pytest.mark.parametrize(
    "files, status",
    [({}, "missing"), ({"README.md": "# App\n\nTODO\n"}, "empty"),
     ({"README.md": "# README\n\nThis README would normally\n"
                    "document whatever steps are necessary to get it up.\n"}, "stock"),
     # real = names what this app is made of (issue 10: measure project-specific content)
     ({"README.md": "# Chat\n\n" + "Run docker compose up and open the page to chat with Claude via ruby_llm. " * 3,
       "app/services/claude_chat.rb": "class ClaudeChat\nend\n"}, "real"),
     # a template that says nothing about this app is left to the judge (criterion readme_substance)
     ({"README.md": "# Project\n\n" + "Install the dependencies, run the server and open the browser. " * 3},
      "undecided")],
)
def test_readme_status(facts_for, files, status):
    assert facts_for(files)["readme.status"] == status


def test_gem_alternatives_and_missing_slots(facts_for):
    f = facts_for({"Gemfile": 'source "https://rubygems.org"\ngem "rails"\ngem "ruby-openai"\n# gem "brakeman"\n'
                              'group :test do\n  gem "simplecov", require: false\nend\n'})
    assert f["gem.ruby_llm"] is False
    assert f["gem.llm_alternatives"] == ["ruby-openai"]
    assert f["gem.simplecov"] is True and f["gem.brakeman"] is False  # a commented gem is not a gem
    assert f["gems.missing_required"] == ["turbo-rails", "stimulus-rails", "tailwind", "brakeman", "rubocop",
                                          "bundler-audit"]
    assert f["gems.missing_required_count"] == 6
    assert f["rubyllm.bypass"] is True


def test_tailwind_through_cssbundling_needs_package_json(facts_for):
    gemfile = 'source "https://rubygems.org"\ngem "rails"\ngem "cssbundling-rails"\n'
    assert facts_for({"Gemfile": gemfile})["gem.tailwind"] is False
    f = facts_for({"Gemfile": gemfile, "package.json": '{"devDependencies": {"tailwindcss": "^4.1.0"}}'})
    assert f["gem.tailwind"] is True


def test_locked_ruby_llm_version(facts_for):
    lock = "GEM\n  remote: https://rubygems.org/\n  specs:\n    ruby_llm (1.6.4)\n      faraday (>= 1)\n"
    assert facts_for({"Gemfile.lock": lock})["gem.ruby_llm_version"] == "1.6.4"
    assert facts_for({})["gem.ruby_llm_version"] is None


def test_secrets_real_keys_masked_placeholders_ignored(full_facts_for):
    real = "sk-ant-api03-" + "Zq7Kp2Lm9Xv4Rt8Wn3Bc6Yh1Jd5Fg0Sa" * 2
    f = full_facts_for({
        ".env.example": "OPENROUTER_API_KEY=sk-or-v1-your-key-here\n",
        "app/javascript/config.js": f'const key = "{real}";\n',
        "README.md": "Set OPENROUTER_API_KEY=sk-or-v1-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
        "config/initializers/a.rb": 'KEY = "sk-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"\n',
    })
    assert f["secrets.env_committed"].value is False
    assert f["secrets.key_strings"].value == 1
    (ev,) = f["secrets.key_strings"].evidence
    assert (ev.file, ev.line) == ("app/javascript/config.js", 1)
    assert real not in ev.snippet and "sk-ant-api03-****" in ev.snippet


def test_env_files(facts_for):
    assert facts_for({".env.production": "X=1\n"})["secrets.env_committed"] is True
    assert facts_for({".env.sample": "X=1\n", ".env.template": "X=\n"})["secrets.env_committed"] is False


def test_rails_all_turns_everything_on(facts_for):
    f = facts_for({"config/application.rb": 'require_relative "boot"\nrequire "rails/all"\n',
                   "config/database.yml": "default: {}\n"})
    assert f["rails.frameworks_left_on"] == ["active_record", "action_mailer", "active_job"]
    assert f["rails.active_record_on"] is True


def test_leftover_config_without_loading(facts_for):
    f = facts_for({"config/environments/production.rb":
                   "Rails.application.configure do\n  config.action_mailer.perform_caching = false\nend\n"})
    assert f["rails.frameworks_left_on"] == []
    assert f["rails.framework_config_left"] == ["action_mailer"]


def test_trivial_app_is_not_mvc(facts_for):
    f = facts_for({"config/routes.rb": 'Rails.application.routes.draw do\n  get "up" => "rails/health#show"\nend\n',
                   "app/controllers/application_controller.rb":
                       "class ApplicationController < ActionController::Base\nend\n"})
    assert f["app.routes_nontrivial"] is False and f["app.controllers"] == 0 and f["app.mvc_nontrivial"] is False


def test_private_methods_are_not_actions(facts_for):
    f = facts_for({"app/controllers/pages_controller.rb":
                   "class PagesController < ApplicationController\n  private\n  def helper; end\nend\n"})
    assert f["app.controllers"] == 0


def test_app_root_found_by_config_even_without_gemfile(facts_for):
    f = facts_for({"web/config/application.rb": "require 'rails'\n", "web/Gemfile": 'gem "rails"\n'}, skeleton=False)
    assert f["app.root"] == "web" and f["app.nested"] is True
