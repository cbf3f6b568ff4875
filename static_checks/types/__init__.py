"""Receiver type inference for RubyLLM calls.

`analyze(ctx)` builds, once per app root (cached in ctx.cache), the project model and an
`Inferer`; `resolve_receiver(ctx, rel, call)` answers "is this call's receiver a RubyLLM
object, and which one?" for any call node of a parsed file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import tree_sitter as ts

from static_checks.types.infer import Inferer
from static_checks.types.project import Project, build_project
from static_checks.types.ref import TypeRef
from static_checks.types.scan import FileScan, Scope, scan_file

__all__ = ["Inferer", "Project", "build_project", "TypeRef", "FileScan", "Scope", "scan_file",
           "TypeModel", "analyze", "resolve_receiver", "app_files"]

# Installed gems inside a repo (`.gems/ruby/3.3.0/gems/ruby_llm-1.0.0/...`): not the app's code.
_INSTALLED_GEM = re.compile(r"(?:^|/)gems/[^/]+-\d[^/]*/")


def app_files(ctx) -> list:
    # every match holds "gems/": the substring test spares most paths the regex
    return [pf for pf in ctx.files if "gems/" not in pf.rel or not _INSTALLED_GEM.search(pf.rel)]


@dataclass
class TypeModel:
    project: Project
    infer: Inferer
    files: list

    def scope_of(self, rel: str, call: ts.Node) -> Scope | None:
        for fs in self.project.scans:
            if fs.pf.rel == rel:
                for node, scope in fs.calls:
                    if node.id == call.id:
                        return scope
        return None


def analyze(ctx) -> TypeModel:
    model = ctx.cache.get("types")
    if model is None:
        files = app_files(ctx)
        project = build_project(files, ctx.index)
        infer = Inferer(project, ctx.index)
        from static_checks.models_world.relations import Associations

        infer.associations = Associations(ctx, project)
        model = TypeModel(project, infer, files)
        ctx.cache["types"] = model
    return model  # type: ignore[return-value]


def resolve_receiver(ctx, rel: str, call: ts.Node) -> TypeRef | None:
    """The RubyLLM type of `call`'s receiver (or of `self` for a receiver-less call), else None."""
    model = analyze(ctx)
    scope = model.scope_of(rel, call)
    if scope is None:
        return None
    found = model.infer.receiver_type(call, scope)
    return None if found is None or not found.checkable else found
