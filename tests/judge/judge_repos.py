"""A small Rails-shaped repo for the judge tests."""

from __future__ import annotations

from pathlib import Path

APP_FILES = {
    "Gemfile": 'source "https://rubygems.org"\ngem "rails", "~> 8.0"\ngem "ruby_llm", "~> 1.9"\n',
    "README.md": "# Chat\n\nA chat app on RubyLLM. Run it with docker compose up and open localhost:3000.\n",
    "app/controllers/chats_controller.rb": (
        "class ChatsController < ApplicationController\n"
        "  def create\n"
        "    @reply = ChatService.new(session[:history]).ask(params[:message])\n"
        "  rescue RubyLLM::RateLimitError => e\n"
        "    flash.now[:alert] = \"The model is busy, try again in a minute\"\n"
        "    render :show, status: :too_many_requests\n"
        "  end\n"
        "end\n"),
    "app/services/chat_service.rb": (
        "class ChatService\n"
        "  MAX_TURNS = 20\n"
        "  def initialize(history)\n"
        "    @history = Array(history).last(MAX_TURNS)\n"
        "  end\n\n"
        "  def ask(message)\n"
        "    chat = RubyLLM.chat\n"
        "    chat.ask(message)\n"
        "  end\n"
        "end\n"),
    "app/views/chats/show.html.erb": "<div id=\"chat\"><%= render @messages %></div>\n",
    "config/routes.rb": "Rails.application.routes.draw do\n  resource :chat\nend\n",
    ".env": "OPENROUTER_API_KEY=sk-or-v1-0123456789abcdef0123456789abcdef0123\n",
}


def make_repo(root: Path, extra: dict[str, str] | None = None) -> Path:
    for rel, text in {**APP_FILES, **(extra or {})}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root
