"""Architecture: service objects apart from controllers, and how long controller actions are."""

from __future__ import annotations

from static_checks.facts.context import FactContext, fact
from static_checks.facts.layout import controller_files, public_actions
from static_checks.facts.registry import collector
from static_checks.facts.ruby_nodes import class_path, def_name, enclosing, line_count

# Where code apart from controllers lives; lib/ holds plain Ruby objects in many apps.
SERVICE_FOLDERS = ("app/services", "app/lib", "app/clients", "app/interactors", "app/operations", "app/llm", "lib")
LONG_ACTION_LINES = 25


@collector(ids=["arch.service_objects"])
def services(ctx: FactContext):
    found = []
    for pf in ctx.app_files(*SERVICE_FOLDERS, kind="ruby"):
        for cls in ctx.index(pf).of("class", "module"):
            if enclosing(cls, "class", "module") is None:  # nested error/schema classes are not services
                found.append(ctx.ev(pf, cls))
    return [fact("arch.service_objects", len(found), "facts/architecture/services", found[:10])]


@collector(ids=["arch.max_action_lines", "arch.long_actions"])
def action_size(ctx: FactContext):
    sizes = []
    for pf in controller_files(ctx):
        for m in public_actions(ctx, pf):
            sizes.append((line_count(m), f"{class_path(pf, m)}#{def_name(pf, m)}", ctx.ev(pf, m)))
    sizes.sort(key=lambda s: -s[0])
    longest = sizes[0][0] if sizes else 0
    long = [s for s in sizes if s[0] > LONG_ACTION_LINES]
    return [
        fact("arch.max_action_lines", longest, "facts/architecture/action-size", [sizes[0][2]] if sizes else [],
             sizes[0][1] if sizes else "no controller actions"),
        fact("arch.long_actions", [f"{name}:{n}" for n, name, _ in long], "facts/architecture/action-size",
             [e for _, _, e in long][:10]),
    ]
