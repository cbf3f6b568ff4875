from static_checks.parsing import parse_ruby, syntax_findings


def test_valid_file_has_no_parse_finding():
    pf = parse_ruby("a.rb", b"class A\n  def b = 1\nend\n")
    assert syntax_findings(pf) == []


def test_broken_file_yields_one_info_finding_with_location_and_keeps_tree():
    src = b"class A\n  def ok\n    RubyLLM.chat\n  end\n  def broken(\n    x = \nend\n"
    pf = parse_ruby("app/a.rb", src)
    (finding,) = syntax_findings(pf)
    assert finding.rule == "parse/syntax-error"
    assert finding.severity.value == "info" and finding.category.value == "parse"
    assert finding.file == "app/a.rb"
    assert finding.line <= 5 <= finding.extra["end_line"]  # the unclosed `def broken(` is inside the span
    # error recovery: the good method is still in the tree
    calls, stack = [], [pf.root]
    while stack:
        node = stack.pop()
        if node.type == "call":
            calls.append(pf.text(node))
        stack.extend(node.children)
    assert "RubyLLM.chat" in calls


NESTED_HEREDOC = b'''class Agent
  def prompt(docs)
    <<~PROMPT
      Intro #{docs ? <<~RULES : ""}
        - rules
      RULES
      Outro
    PROMPT
  end

  def run = RubyLLM.chat.ask("hi")
end
'''


def _calls(pf):
    out, stack = [], [pf.root]
    while stack:
        node = stack.pop()
        if node.type == "call":
            out.append((pf.line_of(node), pf.text(node.child_by_field_name("method"))))
        stack.extend(node.children)
    return out


def test_nested_heredoc_falls_back_to_blanked_bodies_and_says_so():
    pf = parse_ruby("app/agent.rb", NESTED_HEREDOC)
    assert pf.heredocs_blanked and not pf.root.has_error
    assert (11, "ask") in _calls(pf)  # lines unchanged
    assert len(pf.source) == len(NESTED_HEREDOC)
    (finding,) = syntax_findings(pf)
    assert finding.rule == "parse/heredoc-fallback" and finding.severity.value == "info"


def test_fallback_is_not_used_when_it_does_not_remove_the_error():
    broken = NESTED_HEREDOC.replace(b"  def run", b"  def run(")
    pf = parse_ruby("app/agent.rb", broken)
    assert not pf.heredocs_blanked and pf.source == broken
    assert [f.rule for f in syntax_findings(pf)] == ["parse/syntax-error"]


def test_blanking_keeps_shift_operators_and_quoted_ids():
    from static_checks.heredoc import blank_heredoc_bodies

    src = b"list << item\nx = <<-'EOS'\n  body #{y}\n  EOS\nz = 1\n"
    out = blank_heredoc_bodies(src)
    assert out.split(b"\n")[0] == b"list << item"
    assert out.split(b"\n")[2].strip() == b"" and out.split(b"\n")[3] == b"  EOS"
    assert out.split(b"\n")[4] == b"z = 1" and len(out) == len(src)
