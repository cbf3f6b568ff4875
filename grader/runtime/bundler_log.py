"""What Bundler itself said when `bundle install` failed in a build, in one line for the report.

Docker's own error ("The command '/bin/sh -c bundle install ...' returned a non-zero code: 4") names
the command, not the cause, and a reader took it for missing gems when the base image's Bundler could
not even read a Gemfile made by a newer Rails (`platforms: %i[ windows jruby ]`). The build log keeps
Bundler's words; this picks the one that says why. Repo text can appear in them (gem names, a Gemfile
line): the report escapes it like any other repo text, and it is cut to a line here.
"""

from __future__ import annotations

import re

_LIMIT = 240

# Bundler's messages, most telling first. Each pattern's groups feed its sentence.
_PARSE_ERROR = re.compile(r"There was an error parsing `Gemfile`: (?P<why>.+?)\.?"
                          r"(?: The available options are: \[[^\]]*\])?\. Bundler cannot continue\."
                          r"(?:\s+#\s+from [^\n]*?Gemfile:(?P<line>\d+))?")
_GEM = r"[\w.-]{1,100}-\d[\w.-]{0,60}"  # name-version, e.g. rails-8.0.2
# Bundler wraps its messages at 80 columns: any run of whitespace may be a line break
_WHERE = r"(?:locally\s+installed\s+gems|cached\s+gems\s+or\s+installed\s+locally|any\s+of\s+the\s+(?:gem\s+)?sources)"
_CAUSES: tuple[tuple[re.Pattern[str], str], ...] = (
    (_PARSE_ERROR, "Bundler cannot read the Gemfile: {why}{at}"),
    (re.compile(r"Your Ruby version is (?P<have>\S+), but your Gemfile specified (?P<want>[^\s,]+)"),
     "the Gemfile asks for Ruby {want}, the image has Ruby {have}"),
    (re.compile(rf"Could not find gem '(?P<gem>[^']+)'[^\n]*? in {_WHERE}"), "the image lacks gem {gem}"),
    # bounded name and version runs: the log is the graded repo's output, and an unbounded run backtracks
    # quadratically over a long line of word characters
    # Bundler wraps a long list over several lines; each gem is an atomic group, because a name such as
    # a-1a-1a-1 splits into name and version in many ways and the list would retry every split of every gem
    (re.compile(rf"Could not find (?P<gems>(?>{_GEM})(?:,\s{{1,4}}(?>{_GEM}))*)\s{{1,4}}in\s{{1,4}}{_WHERE}"),
     "the image lacks {gems}"),
    (re.compile(r"Fetching (?P<url>\S{1,300})\s+You need to install git to be able to use gems from git"),
     "the Gemfile takes gems from a git repository ({url}) and the image has no git (no gem mirror serves it)"),
    (re.compile(r"(?:Could not fetch specs from|Could not reach host|Network error while fetching) (?P<what>\S+)"),
     "no network to fetch gems from {what}"),
)
_VERSION = r"\d+(?:\.\d+)*"
_LOCK_BUNDLER = re.compile(rf"Bundler (?P<have>{_VERSION}) is running, but your lockfile was generated with "
                           rf"(?P<want>{_VERSION})")


_ANSI = re.compile(r"\x1b\[[0-9;]{0,20}[A-Za-z]")  # Bundler colours some messages even without a terminal


def bundler_failure(log: str) -> str | None:
    """Bundler's reason for the failure found in a build log, as one line, or None when it gave none."""
    log = _ANSI.sub("", log or "")
    for pattern, sentence in _CAUSES:
        found = pattern.search(log or "")
        if found is None:
            continue
        groups = {k: " ".join((v or "").split()) for k, v in found.groupdict().items()}
        groups["at"] = f" (Gemfile line {groups.pop('line')})" if groups.get("line") else ""
        if "gems" in groups:
            groups["gems"] = _gem_list(groups["gems"])
        said = sentence.format(**groups)
        lock = _LOCK_BUNDLER.search(log)
        if lock is not None and pattern is _PARSE_ERROR:  # an older Bundler than the lockfile's is why it cannot
            said += f"; the image has Bundler {lock['have']}, the lockfile was made with {lock['want']}"
        return said[:_LIMIT]
    return None


_SHOWN = 4


def _gem_list(text: str) -> str:
    """A few of the missing gems and how many there are in all: a new app locks a hundred."""
    gems = [g.strip() for g in text.split(",") if g.strip()]
    if len(gems) <= _SHOWN + 1:
        return ", ".join(gems)
    return f"{len(gems)} of the locked gems: {', '.join(gems[:_SHOWN])} and {len(gems) - _SHOWN} more"


_NOISE = re.compile(r"^(?:Step \d+/\d+ :|\s*---> |Removing intermediate container|The command '"
                    r"|Don't run Bundler as root|Installing your bundle as root|application for all non-root users"
                    r"|Bundler can ask for sudo"
                    r"|\s*#\s|\s*from \S)")
_RAISED_AT = re.compile(r"^\S+:\d+:in [`'][^`']{0,200}[`']: ")  # Ruby's "file:line:in `m': message (Class)"
_ERRORISH = re.compile(r"error|Error|No such file|cannot|could not|Could not|not found|denied|invalid")


def bundle_step_error(log: str) -> str | None:
    """When Bundler's words match none of the known causes: the first line of the bundle step's output
    that reads like an error (else its last line), without Docker's and Bundler's boilerplate."""
    text = _ANSI.sub("", log or "")
    start = text.rfind(": RUN bundle install")
    lines = [_RAISED_AT.sub("", ln.strip()) for ln in text[max(start, 0):].splitlines()[1:]]
    lines = [ln for ln in lines if ln and not _NOISE.match(ln)]
    if not lines:
        return None
    said = next((ln for ln in lines if _ERRORISH.search(ln)), lines[-1])
    return " ".join(said.split())[:_LIMIT]
