"""An exact Ruby pin in the Gemfile, widened to its minor series for the build copy.

Rails generators write the Ruby of the author's machine into the Gemfile, exactly: `ruby "3.3.6"`,
or `ruby file: ".ruby-version"` (Rails 7.2+) with 3.3.6 in that file. Bundler then refuses every other
Ruby, and a Debian base image has one Ruby per suite (trixie: 3.3.8), so most current apps stopped at
"Your Ruby version is 3.3.8, but your Gemfile specified 3.3.6" before a gem was looked at. A later
patch release of the same series only fixes bugs, so the copy we build (never the repo) asks for
`~> 3.3.0` instead, and the report says so. Another minor version (3.2 on 3.3) is not widened: that is
a different Ruby, and Bundler's refusal stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from grader.runtime.base_choice import version_tuple

_EXACT = re.compile(r"""^(?P<indent>[ \t]*)ruby[ \t(]+(?P<q>["'])(?P<version>\d{1,9}\.\d{1,9}\.\d{1,9})(?P=q)"""
                    r"""[ \t)]*(?:#.*)?$""", re.MULTILINE)
# `ruby file: ".ruby-version"` and the older `ruby File.read(".ruby-version").strip`
_FROM_FILE = re.compile(r"""^(?P<indent>[ \t]*)ruby[ \t(]+"""
                        r"""(?:file:[ \t]*(?P<q>["'])(?P<file>\.ruby-version|\.tool-versions)(?P=q)"""
                        r"""|File\.read\([ \t]*(?P<q2>["'])(?P<file2>\.ruby-version)(?P=q2)[ \t]*\)\.strip)"""
                        r"""[ \t)]*(?:#.*)?$""", re.MULTILINE)


@dataclass(frozen=True)
class Widened:
    gemfile: str  # the Gemfile text to build with
    note: str  # what was changed, for the report


def _file_version(name: str, text: str | None) -> str | None:
    """The Ruby a .ruby-version (`3.3.6`, `ruby-3.3.6`) or .tool-versions (`ruby 3.3.6`) names."""
    for line in (text or "").splitlines():
        line = line.strip()
        if name == ".tool-versions":
            parts = line.split()
            if len(parts) >= 2 and parts[0] == "ruby":
                return parts[1]
            continue
        return line.removeprefix("ruby-") or None
    return None


def widen_ruby_pin(gemfile: str, image_ruby: tuple[int, ...] | None, version_files: dict[str, str]) -> Widened | None:
    """The Gemfile with its exact Ruby pin widened to `~> X.Y.0`, when the pin names another patch
    release of the image's own X.Y series; None when there is nothing to widen."""
    if image_ruby is None or len(image_ruby) < 3:
        return None
    found = _EXACT.search(gemfile)
    asked = found.group("version") if found else None
    where = "the Gemfile"
    if found is None:
        found = _FROM_FILE.search(gemfile)
        if found is None:
            return None
        name = found.group("file") or found.group("file2")
        asked = _file_version(name, version_files.get(name))
        where = f"the Gemfile (through {name})"
    wanted = version_tuple(asked)
    if wanted is None or len(wanted) < 3 or wanted[:2] != image_ruby[:2] or wanted == image_ruby[:3]:
        return None
    line = gemfile.count("\n", 0, found.start()) + 1
    series = f"{wanted[0]}.{wanted[1]}"
    text = gemfile[:found.start()] + f'{found.group("indent")}ruby "~> {series}.0"' + gemfile[found.end():]
    ran = ".".join(str(p) for p in image_ruby)
    note = (f"{where} asks for Ruby {asked} exactly (Gemfile line {line}); built and run on Ruby {ran}, "
            f"a later release of the same {series} series (the build's copy asks for ~> {series}.0)")
    if wanted > image_ruby:
        note = note.replace("a later release", "an earlier release")
    return Widened(text, note)
