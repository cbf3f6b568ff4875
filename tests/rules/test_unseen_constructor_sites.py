"""A class's `initialize` (and an ActiveJob's `perform`) is typed from its `X.new(...)` sites only when no site
can hide from the scan: `self.class.new`, a constant alias, `send(:new)`, `method(:new)`, `Job.set(..)`, a class
handed on as a value, `klass.new` after a computed lookup, `Job.new(x).perform_now`, a subclass's `super`."""

import pytest

RULE = "rubyllm/unknown-method"
REPLY = "class Reply\n  def initialize(source)\n    @source = source\n  end\n\n" \
        "  def shout = @source.explode\n{extra}end\n"
DIGEST = "class Digest\n  def call = Reply.new(RubyLLM.chat).shout\n{extra}end\n"
JOB = "class TitleJob < ApplicationJob\n  def perform(chat) = chat.explode\nend\n"
ENQUEUE = "class Enqueue\n  def call = TitleJob.perform_later(RubyLLM.chat)\n{extra}end\n"


def _app(reply="", digest="", more=None):
    files = {"app/services/reply.rb": REPLY.format(extra=reply), "app/services/digest.rb": DIGEST.format(extra=digest)}
    return {**files, **(more or {})}


def _reply_findings(found):
    return [(f, r) for f, _line, r in found if f == "app/services/reply.rb"]


def test_every_site_named_types_the_parameter_and_class_tests_keep_it(run_app):
    plain = "  def kind(x) = x.is_a?(Reply) || Reply === x || Reply.name\n" \
            "  def pick(x)\n    case x\n    when Reply then 1\n    end\n  end\n"
    assert _reply_findings(run_app(_app(digest=plain))) == [("app/services/reply.rb", RULE)]


@pytest.mark.parametrize("shape", [
    pytest.param({"reply": "  def again = self.class.new(\"text\")\n"}, id="self.class.new"),
    pytest.param({"reply": "  def again = self.class.send(:new, \"text\")\n"}, id="self.class.send"),
    pytest.param({"reply": "  def self.build(x) = send(:new, x)\n",
                  "digest": "  def other = Reply.build(\"text\")\n"}, id="send(:new) in a class method"),
    pytest.param({"digest": "  Svc = Reply\n  def other = Svc.new(\"text\")\n"}, id="constant alias"),
    pytest.param({"digest": "  def other = Reply.public_send(:new, \"text\")\n"}, id="public_send(:new)"),
    pytest.param({"digest": "  def other = Reply.send(:new, \"text\")\n"}, id="send(:new)"),
    pytest.param({"digest": "  def other = %w[a b].map(&Reply.method(:new))\n"}, id="method(:new)"),
    pytest.param({"digest": "  def other = [Reply].each { |k| k.new(\"text\") }\n"}, id="class in an Array"),
    pytest.param({"more": {"app/controllers/build_controller.rb":
                           "class BuildController < ApplicationController\n"
                           "  def create = Object.const_get(params[:kind]).new(params[:text])\nend\n"}},
                 id="computed class in an unscanned file"),
    pytest.param({"more": {"config/initializers/aliases.rb": "Svc = Reply\n",
                           "app/controllers/svc_controller.rb": "class SvcController < ApplicationController\n"
                                                                "  def show = render(plain: Svc.new(1))\nend\n"}},
                 id="alias and use in two unscanned files"),
    pytest.param({"more": {"app/services/loud_reply.rb":
                           "class LoudReply < Reply\n  def initialize(x)\n    super(\"text\")\n  end\nend\n"}},
                 id="subclass super"),
])
def test_a_site_the_scan_cannot_name_leaves_the_parameter_untyped(run_app, shape):
    assert _reply_findings(run_app(_app(shape.get("reply", ""), shape.get("digest", ""), shape.get("more")))) == []


def test_job_perform_typed_only_when_every_enqueue_is_named(run_app):
    def job_findings(extra):
        found = run_app({"app/jobs/title_job.rb": JOB, "app/services/enqueue.rb": ENQUEUE.format(extra=extra)})
        return [f for f, _line, _r in found if f == "app/jobs/title_job.rb"]

    assert job_findings("") == ["app/jobs/title_job.rb"]
    assert job_findings("  def later = TitleJob.set(wait: 1).perform_later(\"text\")\n") == []
    assert job_findings("  def now = TitleJob.new(\"text\").perform_now\n") == []


def test_a_computed_class_built_with_arguments_the_constructor_cannot_take_hides_nothing(run_app):
    """`klass.new(a, b)` after a computed lookup cannot be `Reply.new` (initialize takes one argument)."""
    controller = {"app/controllers/build_controller.rb":
                  "class BuildController < ApplicationController\n"
                  "  def create = params[:kind].constantize.new(params[:text], params[:tone])\nend\n"}
    assert _reply_findings(run_app(_app(more=controller))) == [("app/services/reply.rb", RULE)]
