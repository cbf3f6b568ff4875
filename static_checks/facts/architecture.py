"""Architecture: service objects apart from controllers, and how long controller actions are."""

from __future__ import annotations

from static_checks.facts.context import FactContext, fact
from static_checks.facts.layout import controller_files, public_actions
from static_checks.facts.registry import collector
from static_checks.facts.ruby_nodes import ancestors, class_path, def_name

LONG_ACTION_LINES = 25


@collector(ids=["arch.service_objects"])
def services(ctx: FactContext):
    """App classes outside controllers, views and helpers that hold the LLM access (a provider call),
    wherever they live (app/services, app/agents, app/jobs, app/models, lib/...): issue 10, cause 7.
    A service folder full of classes that never reach the model is not what the rubric asks for."""
    from static_checks.facts.call_chain import provider_sites

    outside = tuple(ctx.app_rel(f) for f in ("app/controllers/", "app/views/", "app/helpers/"))
    found: dict[str, object] = {}
    for site in provider_sites(ctx):
        if site.pf.rel.startswith(outside) or not site.pf.rel.startswith((ctx.app_rel("app/"), ctx.app_rel("lib/"))):
            continue
        outer = None
        for a in [site.node, *ancestors(site.node)]:
            if a.type in ("class", "module"):
                outer = a
        if outer is not None:
            name = class_path(site.pf, outer)
            found.setdefault(name, ctx.ev(site.pf, outer))
    note = ", ".join(sorted(found)) or "no class outside controllers, views and helpers calls the model"
    return [fact("arch.service_objects", len(found), "facts/architecture/services", list(found.values())[:10], note)]


def code_lines(pf, node) -> int:
    """Lines of the definition that hold code: blank and comment-only lines are no length (cause 17)."""
    lines = pf.text(node).splitlines()
    return sum(1 for ln in lines if ln.strip() and not ln.strip().startswith("#"))


@collector(ids=["arch.max_action_lines", "arch.long_actions"])
def action_size(ctx: FactContext):
    sizes = []
    for pf in controller_files(ctx):
        for m in public_actions(ctx, pf):
            sizes.append((code_lines(pf, m), f"{class_path(pf, m)}#{def_name(pf, m)}", ctx.ev(pf, m)))
    sizes.sort(key=lambda s: -s[0])
    longest = sizes[0][0] if sizes else 0
    long = [s for s in sizes if s[0] > LONG_ACTION_LINES]
    return [
        fact("arch.max_action_lines", longest, "facts/architecture/action-size", [sizes[0][2]] if sizes else [],
             sizes[0][1] if sizes else "no controller actions"),
        fact("arch.long_actions", [f"{name}:{n}" for n, name, _ in long], "facts/architecture/action-size",
             [e for _, _, e in long][:10]),
    ]
