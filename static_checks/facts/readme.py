"""README state: missing, empty, the Rails generator's stock text, or a real one."""

from __future__ import annotations

import re

from static_checks.facts.context import FactContext, fact
from static_checks.facts.registry import collector

README_NAMES = ["README.md", "README.markdown", "README.rdoc", "README.txt", "README", "readme.md", "Readme.md"]
# The sentence `rails new` writes; agents that never touch the README leave it.
STOCK_SENTENCE = "this readme would normally document whatever steps are necessary"
MIN_REAL_WORDS = 15


@collector(ids=["readme.status"])
def readme(ctx: FactContext):
    rule = "facts/readme/status"
    # The workspace root's README is the deliverable; a nested app's own README also counts.
    folders = [""] + ([ctx.prefix] if ctx.prefix else [])
    rel = next((f + n for f in folders for n in README_NAMES if ctx.exists(f + n)), None)
    if rel is None:
        return [fact("readme.status", "missing", rule, note="no README in the app or repo root")]
    text = ctx.read_text(rel) or ""
    flat = re.sub(r"\s+", " ", text).lower()
    if STOCK_SENTENCE in flat:
        line = next((n for n, ln in enumerate(text.splitlines(), 1) if "would normally" in ln.lower()), 1)
        return [fact("readme.status", "stock", rule, [ctx.ev_text(rel, line, text.splitlines()[line - 1])])]
    words = re.findall(r"[A-Za-z]{2,}", text)
    if len(words) < MIN_REAL_WORDS:
        return [fact("readme.status", "empty", rule, [ctx.ev_text(rel, 1)], f"only {len(words)} words")]
    # A template README (bootcamp, generator, "Getting started") is long but says nothing about
    # this app. Measure project-specific content: names the app's own code uses (issue 10, cause 5).
    own = project_words(ctx)
    lowered = {w.lower() for w in re.findall(r"[A-Za-z_]{3,}", text)}
    named = sorted(own & lowered)
    if len(named) >= MIN_PROJECT_WORDS:
        line = next((n for n, ln in enumerate(text.splitlines(), 1) if named[0] in ln.lower()), 1)
        return [fact("readme.status", "real", rule, [ctx.ev_text(rel, line, text.splitlines()[line - 1])],
                     f"{len(words)} words; names this app's {', '.join(named[:6])}")]
    # Undecidable by counting: whether it is substantive is the judge's. `undecided` (not null) so the
    # rubric's readme_stock does not fire and its judge criterion readme_substance applies instead:
    # one rubric line, pending until the judge decides it, never both.
    return [fact("readme.status", "undecided", rule, [ctx.ev_text(rel, 1)],
                 f"{len(words)} words but only {len(named)} of the app's own names ({', '.join(named) or 'none'}): "
                 "template or substantive is left to the judge")]


MIN_PROJECT_WORDS = 3
GENERIC = frozenset({"application", "controller", "controllers", "record", "job", "jobs", "mailer", "helper",
                     "base", "app", "rails", "ruby", "service", "services", "model", "models", "channel",
                     "connection", "cable", "test", "tests", "config", "the", "and", "for", "new", "index", "show",
                     "create", "update", "destroy", "edit", "main", "home", "page", "pages", "api", "key"})


def project_words(ctx: FactContext) -> set[str]:
    """Lower-case words from the app's own names: its module, class names split at capitals, its
    gems beyond Rails' defaults, and the environment variables its code reads."""
    words: set[str] = set()
    app_rb = ctx.read_text(ctx.app_rel("config/application.rb")) or ""
    for name in re.findall(r"^\s*module\s+([A-Z]\w*)", app_rb, re.M):
        words |= _split(name)
    for pf in ctx.app_files("app", "lib", kind="ruby"):
        src = pf.source.decode("utf-8", "replace")
        for name in re.findall(r"^\s*(?:class|module)\s+([A-Z][\w:]*)", src, re.M):
            words |= _split(name.rsplit("::", 1)[-1])
        words |= {v.lower() for v in re.findall(r"ENV(?:\.fetch\(|\[)[\"']([A-Z_]+)", src)}
    gemfile = ctx.read_text(ctx.app_rel("Gemfile")) or ""
    words |= {g.lower() for g in re.findall(r"^\s*gem\s+[\"']([\w-]+)", gemfile, re.M)} - RAILS_DEFAULT_GEMS
    return {w for w in words if len(w) >= 3} - GENERIC


RAILS_DEFAULT_GEMS = frozenset({"rails", "puma", "bootsnap", "debug", "propshaft", "sprockets-rails", "importmap-rails",
                                "turbo-rails", "stimulus-rails", "jbuilder", "tzinfo-data", "sqlite3", "pg",
                                "web-console", "capybara", "selenium-webdriver", "kamal", "thruster", "solid_cache",
                                "solid_queue", "solid_cable", "brakeman", "rubocop-rails-omakase", "image_processing"})


def _split(name: str) -> set[str]:
    parts = re.findall(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+", name)
    return {p.lower() for p in parts} | {name.lower()}
