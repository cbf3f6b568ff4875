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
