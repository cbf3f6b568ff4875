"""Where the app is and whether it has real routes, controllers and views."""

from __future__ import annotations

from static_checks.facts.context import FactContext, fact
from static_checks.facts.registry import collector
from static_checks.facts.ruby_nodes import def_name, enclosing

ROUTE_CALLS = frozenset(
    {"get", "post", "put", "patch", "delete", "match", "resources", "resource", "root", "mount", "direct"}
)
# Routes every `rails new` app has: they do not make an app.
GENERATED_ROUTE_TARGETS = ("rails/health", "rails/pwa")
NON_ACTIONS = frozenset({"initialize"})


def public_actions(ctx: FactContext, pf) -> list:
    """`def` nodes of a controller that are public instance methods (before private/protected)."""
    idx = ctx.index(pf)
    cutoffs = [
        n.start_byte
        for n in idx.bare_identifiers("private", "protected")
        if n.parent is not None and n.parent.type == "body_statement"
    ]
    # `private def foo` (a call with a method argument) hides just that method.
    hidden = {
        id(a)
        for c in idx.calls("private", "protected")
        for a in c.child_by_field_name("arguments").named_children
        if c.child_by_field_name("arguments") is not None and a.type == "method"
    }
    cut = min(cutoffs) if cutoffs else None
    out = []
    for m in idx.of("method"):
        if enclosing(m, "method", "singleton_method") is not None or id(m) in hidden:
            continue
        if cut is not None and m.start_byte > cut:
            continue
        if def_name(pf, m) in NON_ACTIONS:
            continue
        out.append(m)
    return out


# Generator output is no work of the app (issue 10, cause 2): the placeholder `rails g controller`
# writes, and the views and partials Devise's generator copies.
PLACEHOLDER_VIEW = "Find me in app/views/"
GENERATED_VIEW_FOLDERS = ("devise/",)


def generated_view(ctx: FactContext, rel: str) -> bool:
    inside = rel[len(ctx.app_rel("app/views/")):]
    if inside.startswith(GENERATED_VIEW_FOLDERS):
        return True
    text = ctx.read_text(rel) or ""
    return PLACEHOLDER_VIEW in text and len(text) < 400


def controller_files(ctx: FactContext):
    return [
        pf
        for pf in ctx.app_files("app/controllers", kind="ruby")
        if pf.rel.endswith("_controller.rb") and not pf.rel.endswith("/application_controller.rb")
    ]


@collector(ids=["app.root", "app.nested"])
def app_root(ctx: FactContext):
    rule = "facts/layout/app-root"
    marker = ctx.app_rel("config/application.rb")
    ev = [ctx.ev_text(marker, 1, "config/application.rb")] if ctx.exists(marker) else []
    note = None if ev else "no config/application.rb found: the folder with the Gemfile (or the repo root) was used"
    return [
        fact("app.root", ctx.app_root, rule, ev, note),
        fact("app.nested", ctx.app_root != ".", rule, ev, note),
    ]


@collector(ids=["app.routes_nontrivial", "app.controllers", "app.views", "app.mvc_nontrivial"])
def mvc(ctx: FactContext):
    routes_pf = ctx.parsed_file("config/routes.rb")
    route_ev = []
    if routes_pf is not None:
        for call in ctx.index(routes_pf).calls(*ROUTE_CALLS):
            text = routes_pf.text(call)
            if call.child_by_field_name("receiver") is None and not any(t in text for t in GENERATED_ROUTE_TARGETS):
                route_ev.append(ctx.ev(routes_pf, call))
    ctl_ev = []
    for pf in controller_files(ctx):
        actions = public_actions(ctx, pf)
        if actions:
            ctl_ev.append(ctx.ev(pf, actions[0]))
    views_prefix = ctx.app_rel("app/views/")
    views = [
        rel
        for rel in ctx.all_files
        if rel.startswith(views_prefix) and not rel[len(views_prefix) :].startswith(("layouts/", "pwa/"))
        and not generated_view(ctx, rel)
    ]
    view_ev = [ctx.ev_text(v, 1) for v in views[:10]]
    nontrivial = bool(route_ev) and bool(ctl_ev) and bool(views)
    return [
        fact(
            "app.routes_nontrivial",
            bool(route_ev),
            "facts/layout/routes",
            route_ev[:10],
            None if routes_pf else "no config/routes.rb",
        ),
        fact("app.controllers", len(ctl_ev), "facts/layout/controllers", ctl_ev[:10]),
        fact("app.views", len(views), "facts/layout/views", view_ev),
        fact("app.mvc_nontrivial", nontrivial, "facts/layout/mvc", (route_ev[:1] + ctl_ev[:1] + view_ev[:1])),
    ]
