from static_checks.erb import extract_ruby
from static_checks.parsing import parse_ruby


def test_extraction_keeps_lines_and_columns():
    template = b"<div>\n  <p><%= @message.content %></p>\n</div>\n"
    ruby = extract_ruby(template)
    assert len(ruby) == len(template)
    assert ruby.count(b"\n") == template.count(b"\n")
    line2 = ruby.split(b"\n")[1]
    assert line2.index(b"@message.content") == template.split(b"\n")[1].index(b"@message.content")


def test_control_flow_directives_parse_without_errors():
    template = (
        b"<% if @chat %>\n<% @chat.messages.each do |m| %>\n"
        b"<%= render m %><% end %>\n<% else %>none<% end %>\n"
        b"<%= form_with url: '/x' do |f| %>\n<%= f.text_field :q %>\n<% end %>\n"
    )
    tree = parse_ruby("v.erb", extract_ruby(template), kind="erb").tree
    assert not tree.root_node.has_error


def test_comments_and_html_are_not_code():
    template = b"<%# RubyLLM::Client.new %>\n<p>chat.user('hi')</p>\n<%= 1 %>"
    ruby = extract_ruby(template).decode()
    assert "RubyLLM" not in ruby
    assert "chat.user" not in ruby
    assert "1" in ruby


def test_raw_output_directive_keeps_expression():
    ruby = extract_ruby(b"<%== @msg.content %>").decode()
    assert "@msg.content" in ruby
    assert not parse_ruby("v.erb", ruby.encode()).tree.root_node.has_error
