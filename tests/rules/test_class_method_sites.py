"""Class-method parameters are typed from their `X.m(...)` sites when no file the type scan skipped could
call `X.m` too: such a file must name both X and m (or the sugar that calls m unnamed)."""

RULE = "rubyllm/unknown-method"


def analyzer(private: bool) -> dict[str, str]:
    hidden = "\n    private\n" if private else "\n"
    return {"app/services/analyzer.rb": (
        "class Analyzer\n  class << self\n    def run(symbol)\n      reply = RubyLLM.chat.ask(\"Rate #{symbol}\")\n"
        f"      parse(reply)\n    end\n{hidden}\n    def parse(reply)\n      reply.dig(\"choices\", 0)\n"
        "    end\n  end\nend\n")}


def controller(body: str) -> dict[str, str]:
    # names nothing of RubyLLM, so the type scan skips this file
    return {"app/controllers/ratings_controller.rb":
            f"class RatingsController < ApplicationController\n  def show\n    {body}\n  end\nend\n"}


def rules_at(findings) -> list[tuple[str, str]]:
    return [(f[0], f[2]) for f in findings]


def test_a_skipped_file_calling_only_another_class_method_leaves_the_helper_typed(run_app):
    app = {**analyzer(private=False), **controller("render json: Analyzer.run(params[:id])")}
    assert rules_at(run_app(app)) == [("app/services/analyzer.rb", RULE)]


def test_a_skipped_file_calling_the_helper_leaves_its_parameter_untyped(run_app):
    app = {**analyzer(private=False), **controller("render json: Analyzer.parse(params[:raw])")}
    assert run_app(app) == []


def test_a_reopening_in_a_skipped_file_may_call_a_private_class_method(run_app):
    reopened = {"app/services/analyzer/batch.rb": "class Analyzer\n  class << self\n    def batch(rows)\n"
                "      rows.map { |row| parse(row) }\n    end\n  end\nend\n"}
    assert run_app({**analyzer(private=True), **reopened}) == []


def test_call_sugar_in_a_skipped_file_calls_the_method_without_naming_it(run_app):
    rating = {"app/services/rating.rb": "class Rating\n  def self.call(reply)\n    reply.dig(\"score\")\n  end\n"
              "  def self.rate(text)\n    call(RubyLLM.chat.ask(text))\n  end\nend\n"}
    assert rules_at(run_app(rating)) == [("app/services/rating.rb", RULE)]
    assert run_app({**rating, **controller("render json: Rating.(params[:reply])")}) == []
