"""An exact Ruby pin of another patch release of the image's series is widened in the build's copy;
another minor version, or the image's very version, is left alone."""

from __future__ import annotations

import pytest

from grader.runtime.ruby_series import widen_ruby_pin

TRIXIE = (3, 3, 8)
GEMFILE = 'source "https://rubygems.org"\n\n{line}\ngem "rails", "~> 8.0.2"\n'


def test_an_exact_pin_of_the_same_series_asks_for_the_series():
    widened = widen_ruby_pin(GEMFILE.format(line='ruby "3.3.6"'), TRIXIE, {})
    assert widened.gemfile == GEMFILE.format(line='ruby "~> 3.3.0"')
    assert widened.note == ("the Gemfile asks for Ruby 3.3.6 exactly (Gemfile line 3); built and run on Ruby 3.3.8, "
                            "a later release of the same 3.3 series (the build's copy asks for ~> 3.3.0)")
    assert "an earlier release" in widen_ruby_pin(GEMFILE.format(line="ruby '3.3.9' # prod"), TRIXIE, {}).note


@pytest.mark.parametrize("line, files", [
    ('ruby file: ".ruby-version"', {".ruby-version": "ruby-3.3.5\n"}),
    ("ruby File.read('.ruby-version').strip", {".ruby-version": "3.3.5\n"}),
    ('ruby file: ".tool-versions"', {".tool-versions": "nodejs 22.1.0\nruby 3.3.5\n"}),
])
def test_a_pin_read_from_a_version_file_is_widened_too(line, files):
    widened = widen_ruby_pin(GEMFILE.format(line=line), TRIXIE, files)
    assert widened.gemfile == GEMFILE.format(line='ruby "~> 3.3.0"')
    assert widened.note.startswith("the Gemfile (through .") and "asks for Ruby 3.3.5 exactly" in widened.note


@pytest.mark.parametrize("line, files, image", [
    ('ruby "3.2.2"', {}, TRIXIE),  # another minor version: Bundler's refusal stands
    ('ruby "3.3.8"', {}, TRIXIE),  # already the image's
    ('ruby "~> 3.3"', {}, TRIXIE),  # already a range
    ('ruby file: ".ruby-version"', {}, TRIXIE),  # no file: Bundler says so itself
    ('ruby file: ".ruby-version"', {".ruby-version": "3.4.1\n"}, TRIXIE),
    ('ruby "3.3.6"', {}, None),  # an image without version labels
    ('# ruby "3.3.6"', {}, TRIXIE),
])
def test_nothing_else_is_touched(line, files, image):
    assert widen_ruby_pin(GEMFILE.format(line=line), image, files) is None
