"""Gems the app declares (parsed Gemfile) and the ruby_llm version it locks."""

from __future__ import annotations

import json

from grader.core.gems import parse_lockfile
from static_checks.facts.context import FactContext, fact
from static_checks.facts.registry import collector
from static_checks.facts.ruby_nodes import args, literal

# Gems that talk to LLM providers without RubyLLM (or misspell it).
LLM_ALTERNATIVES = frozenset(
    {
        "ruby-openai", "rubyllm", "ruby-llm", "openai", "openai-ruby", "anthropic", "ruby-anthropic",
        "anthropic-sdk-ruby", "openrouter", "open_router", "openrouter-ruby", "langchainrb", "omniai",
        "gemini-ai", "ruby-gemini-ai", "llm.rb",
    }
)
# Required slot -> gems that fill it (the tailwind slot also accepts cssbundling + package.json).
REQUIRED_SLOTS: dict[str, tuple[str, ...]] = {
    "turbo-rails": ("turbo-rails",),
    "stimulus-rails": ("stimulus-rails",),
    "tailwind": ("tailwindcss-rails",),
    "brakeman": ("brakeman",),
    "rubocop": ("rubocop", "rubocop-rails-omakase", "rubocop-rails", "standard"),
    "simplecov": ("simplecov",),
    "bundler-audit": ("bundler-audit",),
}
SLOT_FACTS = {
    "turbo-rails": "gem.turbo_rails",
    "stimulus-rails": "gem.stimulus_rails",
    "tailwind": "gem.tailwind",
    "brakeman": "gem.brakeman",
    "rubocop": "gem.rubocop",
    "simplecov": "gem.simplecov",
    "bundler-audit": "gem.bundler_audit",
}


def declared_gems(ctx: FactContext) -> dict[str, object]:
    """Gem name -> Evidence of its `gem "name"` line in the app's Gemfile (cached)."""
    if "gems" in ctx.cache:
        return ctx.cache["gems"]
    gems: dict[str, object] = {}
    pf = ctx.parsed_file("Gemfile")
    if pf is not None:
        for call in ctx.index(pf).calls("gem"):
            a = args(call)
            name = literal(a[0]) if a else None
            if name and call.child_by_field_name("receiver") is None:
                gems.setdefault(name, ctx.ev(pf, call))
    ctx.cache["gems"] = gems
    return gems


def locked_versions(ctx: FactContext) -> dict[str, tuple[str, int]]:
    """Gem -> (version, line) from the specs of Gemfile.lock (top-level specs only)."""
    return parse_lockfile(ctx.read_text(ctx.app_rel("Gemfile.lock")) or "").versions()


TAILWIND_GEMS = ("tailwindcss-ruby",)
TAILWIND_CDN = ("cdn.tailwindcss.com", "@tailwindcss/browser", "tailwindcss@")


def tailwind_elsewhere(ctx: FactContext, gems: dict) -> tuple[list, str | None]:
    """Tailwind however it is installed (issue 10, cause 7): the tailwindcss-ruby gem, an npm package
    (cssbundling, jsbundling, vite: tailwindcss or @tailwindcss/*), an importmap pin, or a layout
    loading it from a CDN."""
    for g in TAILWIND_GEMS:
        if g in gems:
            return [gems[g]], f"{g} gem"
    pkg = package_json_has(ctx, "tailwindcss")
    if pkg is not None:
        return [pkg], "tailwindcss in package.json"
    importmap = ctx.app_rel("config/importmap.rb")
    text = ctx.read_text(importmap) or ""
    for n, line in enumerate(text.splitlines(), 1):
        if "tailwind" in line and line.lstrip().startswith("pin"):
            return [ctx.ev_text(importmap, n, line)], "pinned in config/importmap.rb"
    layouts = ctx.app_rel("app/views/layouts/")
    for rel in ctx.all_files:
        if rel.startswith(layouts):
            body = ctx.read_text(rel) or ""
            for n, line in enumerate(body.splitlines(), 1):
                if any(c in line for c in TAILWIND_CDN):
                    return [ctx.ev_text(rel, n, line)], "loaded from a CDN in a layout"
    return [], None


def package_json_has(ctx: FactContext, name: str):
    rel = ctx.app_rel("package.json")
    text = ctx.read_text(rel)
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    for section in ("dependencies", "devDependencies"):
        deps = data.get(section) if isinstance(data, dict) else None
        if isinstance(deps, dict) and any(k == name or k.startswith((name + "/", "@" + name + "/")) or k == "@" + name
                                          for k in deps):
            line = next((i for i, ln in enumerate(text.splitlines(), 1) if f'"{name}' in ln), 1)
            return ctx.ev_text(rel, line, text.splitlines()[line - 1])
    return None


@collector(ids=["gemfile.present", "gemfile.lock_present", "gemfile.gems", "gem.ruby_llm",
                           "gem.ruby_llm_version", "gem.llm_alternatives"])
def gemfile(ctx: FactContext):
    rule = "facts/gemfile/gems"
    gems = declared_gems(ctx)
    gemfile_rel = ctx.app_rel("Gemfile")
    present = ctx.parsed_file("Gemfile") is not None
    lock_rel = ctx.app_rel("Gemfile.lock")
    lock = locked_versions(ctx)
    ruby_llm = gems.get("ruby_llm")
    locked = lock.get("ruby_llm")
    alternatives = sorted(g for g in gems if g in LLM_ALTERNATIVES)
    return [
        fact("gemfile.present", present, rule, [ctx.ev_text(gemfile_rel, 1)] if present else []),
        fact("gemfile.lock_present", ctx.exists(lock_rel), rule,
             [ctx.ev_text(lock_rel, 1)] if ctx.exists(lock_rel) else []),
        fact("gemfile.gems", sorted(gems), rule, [ctx.ev_text(gemfile_rel, 1)] if present else []),
        fact("gem.ruby_llm", ruby_llm is not None, rule, [ruby_llm] if ruby_llm else []),
        fact(
            "gem.ruby_llm_version",
            locked[0] if locked else None,
            "facts/gemfile/lock",
            [ctx.ev_text(lock_rel, locked[1])] if locked else [],
            None if locked else "ruby_llm is not in Gemfile.lock",
        ),
        fact("gem.llm_alternatives", alternatives, rule, [gems[g] for g in alternatives]),
    ]


@collector(ids=[*SLOT_FACTS.values(), "gems.missing_required", "gems.missing_required_count"])
def required_gems(ctx: FactContext):
    rule = "facts/gemfile/required"
    gems = declared_gems(ctx)
    out = []
    missing = []
    for slot, names in REQUIRED_SLOTS.items():
        ev = [gems[n] for n in names if n in gems]
        note = None
        if slot == "tailwind" and not ev:
            ev, note = tailwind_elsewhere(ctx, gems)
        if not ev:
            missing.append(slot)
        out.append(fact(SLOT_FACTS[slot], bool(ev), rule, ev, note))
    out.append(fact("gems.missing_required", missing, rule))
    out.append(fact("gems.missing_required_count", len(missing), rule))
    return out
