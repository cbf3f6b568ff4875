"""HTTP readiness probe run *inside* the app container, and analysis of the page it returns.

The container has network "none", so the host cannot reach it; `docker exec` of a Ruby one-liner
shares the container's network namespace and talks to 127.0.0.1 there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from importlib import resources

import yaml

# Exit codes of the probe script: 0 got an HTTP answer, 3 no answer yet (refused/reset/timeout).
PROBE_NO_ANSWER = 3
_BODY_LIMIT = 300_000

# Follows up to 3 redirects that stay on this app (relative, or http to localhost/127.0.0.1), so a
# root that redirects to /chats/new is judged on the page it leads to. Prints the final status
# and path on the first line, then the body.
_PROBE_RUBY = r"""
require "net/http"
require "uri"
port, path, read_timeout = Integer(ARGV[0]), ARGV[1], Float(ARGV[2])
begin
  http = Net::HTTP.new("127.0.0.1", port)
  http.open_timeout = 2
  http.read_timeout = read_timeout
  res = nil
  4.times do
    res = http.request(Net::HTTP::Get.new(path, "Host" => "localhost"))
    break unless res.is_a?(Net::HTTPRedirection) && res["location"]
    target = URI.join("http://localhost:#{port}#{path}", res["location"]) rescue break
    break unless target.scheme == "http" && %%w[localhost 127.0.0.1].include?(target.host)
    path = target.request_uri
  end
  $stdout.binmode
  $stdout.write("HTTP #{res.code} #{path}\n")
  $stdout.write(res.body.to_s.byteslice(0, %d))
rescue StandardError, Timeout::Error => e
  $stdout.write("NOANSWER #{e.class}: #{e.message}\n")
  exit %d
end
""" % (_BODY_LIMIT, PROBE_NO_ANSWER)


def probe_command(port: int, path: str, read_timeout: float = 15.0) -> list[str]:
    return ["ruby", "-e", _PROBE_RUBY, str(port), path, f"{read_timeout:.1f}"]


@dataclass
class ProbeAnswer:
    status: int | None  # None: nothing answered
    body: str = ""
    path: str | None = None  # where redirects led
    error: str = ""
    missing_runtime: bool = False  # the image has no `ruby` to run the probe with


def parse_probe_output(exit_code: int | None, output: bytes) -> ProbeAnswer:
    text = output.decode("utf-8", "replace")
    if exit_code in (126, 127):  # exec could not start the probe at all
        return ProbeAnswer(None, error=text.strip()[:500], missing_runtime=True)
    head, _, body = text.partition("\n")
    if exit_code == 0 and head.startswith("HTTP "):
        parts = head.split(" ", 2)
        try:
            return ProbeAnswer(int(parts[1]), body, path=parts[2] if len(parts) > 2 else None)
        except (IndexError, ValueError):
            pass
    return ProbeAnswer(None, error=text.strip()[:500])


@dataclass
class PageFacts:
    turbo: bool
    stimulus: bool
    chat_form: bool
    markers: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def _markers() -> dict:
    return yaml.safe_load(resources.files("grader.runtime").joinpath("page_markers.yaml").read_text())


class _FormScanner(HTMLParser):
    """Finds a <form> containing a textarea or a text input named like a chat message."""

    def __init__(self, words: list[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.words = words
        self.depth = 0
        self.chat_form = False

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.depth += 1
        elif self.depth and tag == "textarea":
            self.chat_form = True
        elif self.depth and tag == "input" and attrs.get("type", "text").lower() in ("text", "search", ""):
            label = (attrs.get("name", "") + " " + attrs.get("id", "") + " " + attrs.get("placeholder", "")).lower()
            if any(w in label for w in self.words):
                self.chat_form = True

    def handle_endtag(self, tag):
        if tag == "form" and self.depth:
            self.depth -= 1


def analyse_page(html: str) -> PageFacts:
    markers = _markers()
    lowered = html.lower()
    seen = [m for group in ("turbo", "stimulus") for m in markers[group] if m.lower() in lowered]
    scanner = _FormScanner([w.lower() for w in markers["chat_form_field_words"]])
    try:
        scanner.feed(html)
        scanner.close()
    except Exception:  # malformed HTML from a hostile page must not break the report
        pass
    return PageFacts(
        turbo=any(m in seen for m in markers["turbo"]),
        stimulus=any(m in seen for m in markers["stimulus"]),
        chat_form=scanner.chat_form,
        markers=seen,
    )
