"""SELF_REVIEW citations resolve inside the repository only: a citation climbing out with `..`
or through a link says nothing about host files, and `package.json` is not `package.js`."""

from __future__ import annotations

import os

from grader.selfreview.fidelity import check_citations
from grader.selfreview.parser import parse_self_review_text, read_self_review

HEADER = "| Goal | Verdict | Evidence |\n|---|---|---|\n"


def _cite(repo, evidence: str):
    review = parse_self_review_text(HEADER + f"| G1 | PASS | {evidence} |\n")
    return {c.text: c.exists for c in check_citations(review, repo)}


def _repo(tmp_path):
    repo = tmp_path / "repo"
    (repo / "app").mkdir(parents=True)
    (repo / "app" / "a.rb").write_text("x = 1\n")
    (repo / "package.json").write_text("{\n}\n")
    (repo / ".rubocop.yml").write_text("AllCops: {}\n")
    return repo


def test_climbing_citations_are_never_looked_up_on_the_host(tmp_path, monkeypatch):
    repo = _repo(tmp_path)
    host = tmp_path / "etc"
    host.mkdir()
    (host / "x.rb").write_text("\n" * 100)  # exists on the host, 100 lines
    looked: list[str] = []
    for name in ("lstat", "stat", "open"):
        real = getattr(os, name)
        monkeypatch.setattr(os, name, lambda p, *a, _real=real, **k: looked.append(str(p)) or _real(p, *a, **k))
    found = _cite(repo, "app/../../etc/x.rb:50 and app/../../etc/nope.rb:50")
    assert found == {"app/../../etc/x.rb:50": False, "app/../../etc/nope.rb:50": False}  # same answer: no oracle
    assert not any(str(host) in p for p in looked)


def test_a_citation_through_a_link_is_not_followed(tmp_path):
    repo = _repo(tmp_path)
    outside = tmp_path / "secret.rb"
    outside.write_text("\n" * 80)
    (repo / "app" / "leak.rb").symlink_to(outside)
    assert _cite(repo, "app/leak.rb:50") == {"app/leak.rb:50": False}


def test_extensions_end_where_the_name_ends(tmp_path):
    repo = _repo(tmp_path)
    assert _cite(repo, "package.json:1, app/a.rb:1, .rubocop.yml") == {
        "package.json:1": True, "app/a.rb:1": True, ".rubocop.yml": True}
    assert _cite(repo, "package.js:1") == {"package.js:1": False}
    assert _cite(repo, "app/a.rb:2") == {"app/a.rb:2": False}  # past the last line


def test_a_huge_or_special_self_review_is_read_safely(tmp_path):
    repo = _repo(tmp_path)
    with open(repo / "SELF_REVIEW.md", "wb") as fh:
        fh.write((HEADER + "| G1 | PASS | app/a.rb:1 |\n").encode())
        fh.truncate(3 * 1024**3)  # sparse: reading it whole would cost 3 GB
    review = read_self_review(repo)
    assert review.present and len(review.rows) == 1
    os.remove(repo / "SELF_REVIEW.md")
    os.mkfifo(repo / "SELF_REVIEW.md")  # a FIFO would block the reader forever
    assert not read_self_review(repo).present
