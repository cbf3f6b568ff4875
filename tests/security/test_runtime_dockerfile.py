"""Dockerfiles that would make the daemon fetch from the network during an offline build
(issue 11, item 2): every form is found by parsing, and daemon errors are summarised."""

from __future__ import annotations

import pytest

from grader.runtime.builds import _refusal, base_images
from grader.runtime.dockerfile_scan import scan_dockerfile
from grader.runtime.engine import summarise_daemon_error

REMOTE_FORMS = {
    "json form": 'FROM base\nADD ["http://203.0.113.9/payload", "/s"]\n',
    "arg expansion": "ARG U=http://203.0.113.9/payload\nFROM base\nARG U\nADD $U /t\n",
    "braced arg with default": "FROM base\nADD ${U:-https://203.0.113.9/p} /t\n",
    "env expansion": 'FROM base\nENV SRC="https://203.0.113.9/p"\nADD ${SRC} /t\n',
    "line continuation": "FROM base\nADD \\\n  https://203.0.113.9/p \\\n  /t\n",
    "flags first": "FROM base\nADD --chown=1:1 --chmod=644 https://203.0.113.9/p /t\n",
    "git source": "FROM base\nadd git@example.invalid:o/r.git /src\n",
    "onbuild": "FROM base\nONBUILD ADD http://203.0.113.9/p /t\n",
    "lower case and escape": "# escape=`\nFROM base\nadd `\n  http://203.0.113.9/p /t\n",
}


@pytest.mark.parametrize("text", REMOTE_FORMS.values(), ids=REMOTE_FORMS.keys())
def test_every_remote_add_form_is_refused_offline(text):
    assert scan_dockerfile(text).remote_sources
    reason = _refusal(text, offline=True)
    assert reason and "remote source" in reason
    assert _refusal(text, offline=False) is None  # the user allowed build network


def test_unknown_variable_in_an_add_source_is_refused_offline():
    text = "FROM base\nADD ${FROM_BUILD_ARG}/payload /t\n"
    assert "unset variable" in _refusal(text, offline=True)


def test_image_references_the_daemon_would_pull_are_listed():
    text = ("FROM base AS build\nRUN true\nFROM base\nCOPY --from=build /a /a\nCOPY --from=0 /b /b\n"
            "COPY --from=127.0.0.1:5000/img /c /c\nRUN --mount=type=bind,from=evil/img,target=/m true\n")
    assert base_images(text) == ["base", "127.0.0.1:5000/img", "evil/img"]


def test_local_sources_heredocs_and_comments_are_not_remote():
    text = "FROM base\n# ADD http://comment/only /x\nADD vendor.tgz /v\nCOPY <<EOF /x\nhttp://inline\nEOF\n"
    assert scan_dockerfile(text).remote_sources == []
    assert _refusal(text, offline=True) is None


def test_daemon_error_bodies_are_summarised():
    raw = ("ADD failed: failed to GET http://203.0.113.9/p with status 404 Not Found: body: "
           "<html>SECRET-PAGE-CONTENT</html>\nsecond line\x1b[31m")
    summary = summarise_daemon_error(raw)
    assert "SECRET-PAGE-CONTENT" not in summary and "\n" not in summary and "\x1b" not in summary
    assert summary.startswith("ADD failed") and "response body not shown" in summary
    assert len(summarise_daemon_error("x" * 5000)) <= 200
