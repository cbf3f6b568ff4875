"""Constructor parameters are typed from `X.new(...)` sites only when every site is read."""

RULE = "rubyllm/unknown-method"
SERVICE = {
    "app/services/reply.rb": "class Reply\n  def initialize(source) = @source = source\n"
                             "  def shout = @source.upcase\nend\n",
    "app/services/digest.rb": "class Digest\n  def call = Reply.new(RubyLLM.chat)\nend\n",
}


def test_every_site_read_types_the_parameter(run_app):
    assert [(f[0], f[2]) for f in run_app(SERVICE)] == [("app/services/reply.rb", RULE)]


def test_a_site_in_a_file_the_scan_skipped_leaves_the_parameter_untyped(run_app):
    # the controller names nothing of RubyLLM, so the type scan skips it, and its `Reply.new` passes a String
    controller = "class RepliesController < ApplicationController\n" \
                 "  def show = render(plain: Reply.new(params[:text]).shout)\nend\n"
    assert run_app({**SERVICE, "app/controllers/replies_controller.rb": controller}) == []
