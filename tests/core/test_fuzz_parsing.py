"""Random and mutated Ruby must never crash discovery, parsing, ERB extraction or the rules."""

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from static_checks.erb import extract_ruby
from static_checks.parsing import parse_ruby, syntax_findings

SEEDS = [
    b'chat = RubyLLM.chat(model: "x")\nchat.ask("hi") { |c| print c.content }\n',
    b"class Weather < RubyLLM::Tool\n  param :city, desc: 'x'\n  def execute(city:) = city\nend\n",
    b"RubyLLM.configure do |config|\n  config.openrouter_api_key = ENV['K']\nend\n",
    b"def chat = @chat ||= RubyLLM::Chat.new.with_instructions('x')\n",
    b"<% @chat.messages.each do |m| %><%= m.content %><% end %>",
]

ruby_tokens = st.sampled_from(
    [b"def ", b"end", b"class ", b"do |x|", b"{", b"}", b"(", b")", b"RubyLLM", b"::", b".", b"chat",
     b"ask", b":", b",", b"\n", b"'", b'"', b"#{", b"<<~EOS\n", b"EOS\n", b"@x ||= ", b"...", b"**", b"&",
     b"%i[", b"]", b"=begin\n", b"=end\n", b"\xff\xfe", b"\x00", b"<%", b"%>", b"<%=", b"-%>"]
)


@st.composite
def mutated(draw):
    seed = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 6))):
        pos = draw(st.integers(0, len(seed)))
        action = draw(st.sampled_from(["insert", "delete", "flip"]))
        if action == "insert":
            seed[pos:pos] = draw(ruby_tokens)
        elif action == "delete" and seed:
            del seed[pos : pos + draw(st.integers(1, 8))]
        elif seed:
            seed[min(pos, len(seed) - 1)] = draw(st.integers(0, 255))
    return bytes(seed)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=400), mutated(), st.lists(ruby_tokens, max_size=60).map(b"".join)))
def test_parse_and_erb_never_crash(data):
    pf = parse_ruby("f.rb", data)
    for finding in syntax_findings(pf):
        assert finding.line >= 1
    extracted = extract_ruby(data)
    assert len(extracted) == len(data)
    parse_ruby("f.erb", extracted, kind="erb")


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(mutated())
def test_whole_check_never_crashes(tmp_path_factory, data):
    from static_checks.engine import check_path

    root: Path = tmp_path_factory.mktemp("fuzz")
    (root / "Gemfile").write_text('gem "ruby_llm"\n')
    (root / "app").mkdir()
    (root / "app" / "x.rb").write_bytes(data)
    (root / "app" / "v.html.erb").write_bytes(data)
    report = check_path(root)
    assert report.files_analyzed + len(report.skipped) == 3
