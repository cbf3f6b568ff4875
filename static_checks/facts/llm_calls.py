"""RubyLLM-typed calls of the app (static_checks.typed_calls), from the shared receiver-type inference.

Built once per fact run and cached in ctx.cache: every call whose receiver is a RubyLLM object
(RubyLLM itself, a Chat, a Message, a Tool subclass, an acts_as_chat model...), with its scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

from static_checks.facts.context import FactContext
from static_checks.typed_calls import TypedCall, rubyllm_calls
from static_checks.types import Inferer, Project, TypeRef, build_project
from static_checks.types import app_files as types_app_files

CHAT = "RubyLLM::Chat"
AGENT = "RubyLLM::Agent"  # an agent instance forwards ask/complete/with_* to the chat it wraps
SEND_METHODS = frozenset({"ask", "say", "complete"})


@dataclass
class LlmModel:
    project: Project | None
    inferer: Inferer | None
    calls: list[TypedCall] = field(default_factory=list)
    error: str | None = None

    def code_scans(self):
        """Scanned app files that are not tests (none when receiver types are unavailable)."""
        if self.project is None or self.inferer is None:
            return []
        return [fs for fs in self.project.scans if not fs.is_test]

    def code_calls(self, *names: str) -> list[TypedCall]:
        return [c for c in self.calls if not c.is_test and (not names or c.name in names)]

    def is_chat(self, t: TypeRef) -> bool:
        """A RubyLLM::Chat, an agent, or an instance of an acts_as_chat model (which forward to one)."""
        if t.singleton:
            return False
        if t.name in (CHAT, AGENT):
            return True
        app = self.project.classes.get(t.app_class or "") if self.project else None
        return app is not None and app.acts_as == "acts_as_chat"

    def chat_calls(self, *names: str) -> list[TypedCall]:
        return [c for c in self.code_calls(*names) if self.is_chat(c.rtype)]

    def acts_as_chat_classes(self) -> list[str]:
        if self.project is None:
            return []
        return sorted(fq for fq, app in self.project.classes.items() if app.acts_as == "acts_as_chat")

    def tool_classes(self):
        """App classes built on RubyLLM::Tool: fq name -> AppClass."""
        if self.project is None:
            return {}
        tools = {
            fq: app
            for fq, app in self.project.classes.items()
            if app.base is not None and app.base.name == "RubyLLM::Tool" and app.acts_as is None
        }
        # An app base class (`ApplicationTool < RubyLLM::Tool`) that other tools extend is not a tool.
        bases = {app.parent.fq for app in tools.values() if app.parent is not None}
        return {fq: app for fq, app in tools.items() if fq not in bases}

    def used_agents(self) -> dict:
        """App classes built on RubyLLM::Agent that app code outside their own bodies calls (`Agent.find(id)`,
        `Agent.new.ask`): a declared but unused agent configures nothing."""
        agents = self.subclasses_of(AGENT)
        used = {}
        for fq, app in agents.items():
            own = {d.file.pf.rel for d in app.defs}
            if any(c.rtype.app_class == fq and c.pf.rel not in own for c in self.code_calls()):
                used[fq] = app
        return used

    def agent_macros(self, name: str, with_args: bool = True) -> list:
        """(file, call) of each `name ...` declaration in the body of an agent the app uses
        (`instructions "..."`, `tools A, B`): the agent applies them to every chat it builds."""
        out = []
        for app in self.used_agents().values():
            for d in app.defs:
                for macro, node, _scope in d.macros:
                    has_args = node.type == "call" and (node.child_by_field_name("arguments") is not None
                                                        or node.child_by_field_name("block") is not None)
                    if macro == name and (has_args or not with_args):
                        out.append((d.file.pf, node))
        return out

    def subclasses_of(self, base: str):
        if self.project is None:
            return {}
        return {fq: app for fq, app in self.project.classes.items() if app.base is not None and app.base.name == base}


def _version(ctx: FactContext) -> str:
    from static_checks.manifest.index import available_versions

    for root in ctx.roots:
        if root.path == ctx.app_root:
            return root.ruby_llm_version
    if ctx.roots:
        return ctx.roots[0].ruby_llm_version
    return available_versions()[-1]


def llm_model(ctx: FactContext) -> LlmModel:
    if "llm_model" in ctx.cache:
        return ctx.cache["llm_model"]
    from static_checks.manifest.index import ManifestIndex

    # Installed gems vendored into the repo are not the app's code (same filter as the rules).
    files = types_app_files(SimpleNamespace(files=ctx.app_files()))
    shared = ctx.cache.get("rules_cache", {})
    reused = shared.get("types") or shared.get("analysis")
    try:
        if reused is not None:  # the rules' type model of the same root: same files, same manifest
            project, inferer = reused.project, reused.infer
        else:
            from static_checks.manifest.versions import resolve_schema_version

            index = ManifestIndex.load(_version(ctx), schema_version=resolve_schema_version(ctx.app_dir))
            project = build_project(files, index)
            inferer = Inferer(project, index)
    except (ValueError, OSError) as exc:
        model = LlmModel(None, None, error=f"no receiver types: {exc}")
        ctx.cache["llm_model"] = model
        return model
    model = LlmModel(project, inferer, rubyllm_calls(project, inferer))
    ctx.cache["llm_model"] = model
    return model
