"""Citation checks against the repo through the safe reader."""

from __future__ import annotations

import os

from grader.judge.evidence import verify_citation
from grader.judge.models import EvidenceCitation
from grader.judge.repo_view import RepoView


def _check(root, file, a, b, quote):
    return verify_citation(RepoView(root), EvidenceCitation(file=file, start_line=a, end_line=b, quote=quote))


def test_citation_rules(repo, tmp_path):
    ctl = "app/controllers/chats_controller.rb"
    assert _check(repo, ctl, 4, 5, "rescue RubyLLM::RateLimitError => e\n  flash.now[:alert]").verified
    assert _check(repo, ctl, 4, 6, "rescue   RubyLLM::RateLimitError ... render :show").verified  # spacing, ellipsis
    assert _check(repo, ctl, 4, 4, "    4 | rescue RubyLLM::RateLimitError => e").verified  # our numbering copied
    # the right text at the wrong lines
    assert "does not occur" in _check(repo, ctl, 1, 2, "rescue RubyLLM::RateLimitError").problem
    assert "outside the file" in _check(repo, ctl, 8, 9, "end").problem
    assert "no such text file" in _check(repo, "app/controllers/missing.rb", 1, 1, "x").problem
    assert "no verbatim text" in _check(repo, ".env", 1, 1, "****").problem
    assert "no such text file" in _check(repo, "../outside.rb", 1, 1, "x").problem
    (tmp_path / "secret.rb").write_text("TOKEN = 1\n")
    os.symlink(tmp_path / "secret.rb", repo / "app" / "linked.rb")
    assert "no such text file" in _check(repo, "app/linked.rb", 1, 1, "TOKEN = 1").problem  # links are not followed
