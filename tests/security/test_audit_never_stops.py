"""No input switches the audit off: deep chains, dangling links, FIFOs and undecodable file names
are analysed or reported, and the invented call next to them is still found."""

from __future__ import annotations

import json
import os
import sys

from static_checks.engine import check_path

GEMFILE = 'source "https://rubygems.org"\ngem "ruby_llm", "1.9.1"\n'
INVENTED = "class A\n  def go\n    RubyLLM.chat.bogus_call\n  end\nend\n"


def _repo(tmp_path, files: dict[str, str]):
    (tmp_path / "Gemfile").write_text(GEMFILE)
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


def _invented(report) -> list[str]:
    return sorted(f"{f.file}:{f.line}" for f in report.findings if f.rule == "rubyllm/unknown-method")


def test_a_600_link_call_chain_is_typed_to_its_end(tmp_path):
    chain = "RubyLLM.chat" + ".with_temperature(0.1)" * 600 + ".bogus_call"
    repo = _repo(tmp_path, {"app/models/chain.rb": f"class C\n  def go\n    {chain}\n  end\nend\n"})
    assert _invented(check_path(repo)) == ["app/models/chain.rb:3"]


def test_a_600_method_chain_of_returns_is_followed(tmp_path):
    defs = "\n".join(f"  def m{i}\n    m{i + 1}\n  end" for i in range(600))
    body = f"class C\n{defs}\n  def m600\n    RubyLLM.chat\n  end\n  def go\n    m0.bogus_call\n  end\nend\n"
    repo = _repo(tmp_path, {"app/models/c.rb": body})
    limit = sys.getrecursionlimit()
    report = check_path(repo)
    assert sys.getrecursionlimit() == limit
    assert _invented(report) == [f"app/models/c.rb:{3 * 600 + 6}"]


def test_deeply_nested_parentheses_do_not_crash(tmp_path):
    repo = _repo(tmp_path, {"app/models/p.rb": "x = " + "(" * 3000 + "RubyLLM.chat" + ")" * 3000 + "\n",
                            "app/models/a.rb": INVENTED})
    assert _invented(check_path(repo)) == ["app/models/a.rb:3"]


def test_a_dangling_gemspec_link_and_a_fifo_are_skipped(tmp_path):
    repo = _repo(tmp_path, {"app/models/a.rb": INVENTED})
    (repo / "x.gemspec").symlink_to(tmp_path / "gone.gemspec")
    os.mkfifo(repo / "app" / "models" / "x.rb")  # reading it would block forever
    report = check_path(repo)
    reasons = {s.file: s.reason for s in report.skipped}
    assert reasons["x.gemspec"] == "symbolic link not followed"
    assert reasons["app/models/x.rb"] == "not a regular file (a FIFO)"
    assert _invented(report) == ["app/models/a.rb:3"]


def test_undecodable_file_names_still_serialize(tmp_path):
    repo = _repo(tmp_path, {})
    raw = os.fsencode(repo) + b"/app/models/caf\xe9.rb"
    os.makedirs(os.path.dirname(raw), exist_ok=True)
    with open(raw, "w") as fh:
        fh.write(INVENTED)
    report = check_path(repo, with_facts=True)
    assert _invented(report) == ["app/models/caf\ufffd.rb:3"]
    json.loads(report.model_dump_json())  # a lone surrogate would raise here


def test_a_600_helper_chain_of_parameters_and_a_600_level_subclass_tower_are_followed(tmp_path):
    # each private helper hands its parameter to the next: the type comes from the first call site
    helpers = "\n".join(f"  def h{i}(x)\n    h{i + 1}(x)\n  end" for i in range(600))
    body = (f"class C\n  def go\n    h0(RubyLLM.chat)\n  end\n\n  private\n\n{helpers}\n"
            "  def h600(x)\n    x.bogus_call\n  end\nend\n")
    tower = "class T0\n  def chat = RubyLLM.chat\nend\n" + "".join(
        f"class T{i + 1} < T{i}\nend\n" for i in range(600)) + "class Top < T600\n  def go = chat.bogus_call\nend\n"
    limit = sys.getrecursionlimit()
    report = check_path(_repo(tmp_path, {"app/models/c.rb": body, "app/models/t.rb": tower}))
    assert sys.getrecursionlimit() == limit
    assert _invented(report) == [f"app/models/c.rb:{3 * 600 + 9}", f"app/models/t.rb:{3 + 2 * 600 + 2}"]


def test_uses_of_an_invented_value_through_a_600_link_chain_end(tmp_path):
    chain = "RubyLLM.client" + ".fetch_more(1)" * 600 + ".bogus_call"
    repo = _repo(tmp_path, {"app/models/v.rb": f"class V\n  def go\n    {chain}\n  end\nend\n"})
    uses = [f for f in check_path(repo).findings if f.rule == "rubyllm/invented-value-use"]
    # the chain's first unaccepted link is the one use reported; its 600 followers hang off it
    assert [(u.line, u.column, u.related[0].line) for u in uses] == [(3, 20, 3)]


def test_an_argument_hash_nested_900_deep_and_a_1000_module_include_chain(tmp_path):
    # both were walked by recursion (the scan's "may this argument carry a value" and a class's lookup chain):
    # a hostile repo made the whole check end with RecursionError
    nested = "{a: " * 900 + "x" + "}" * 900
    modules = "\n".join(f"module M{i}\n  include M{i + 1}\nend" for i in range(1000)) + "\nmodule M1000\nend\n"
    repo = _repo(tmp_path, {
        "app/services/other.rb": "class Other\n  def self.go(h) = h\nend\n",
        "app/services/deep.rb": f"class Deep\n  def call(x)\n    Other.go({nested})\n  end\nend\n",
        "app/models/chat.rb": "class Chat < ApplicationRecord\n  acts_as_chat\n  include M0\nend\n",
        "app/models/concerns/modules.rb": modules,
        "app/models/a.rb": INVENTED,
    })
    assert _invented(check_path(repo)) == ["app/models/a.rb:3"]
