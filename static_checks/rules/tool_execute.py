"""rubyllm/tool-execute: a RubyLLM::Tool whose `execute` cannot receive the params it declares, or has none.

The gem calls `execute(**arguments)` with one keyword per declared `param`, so every
declared param must be an accepted keyword, and every required keyword must be declared
(from the release that infers params from `execute`, only when some params are declared).
"""

from __future__ import annotations

from static_checks.rules.base import Proof, Rule
from static_checks.rules.model.analysis import analysis
from static_checks.types.syntax import arg_shape, first_arg, symbol_value

TOOL = "RubyLLM::Tool"


def _declared(app) -> tuple[list[str], set[str], bool]:
    """Params declared with `param :x`, those marked `required: false`, and whether any are dynamic."""
    names: list[str] = []
    optional: set[str] = set()
    dynamic = False
    for cls in app.chain():
        for d in cls.defs:
            for name, call, scope in d.macros:
                if scope.kind != "class":
                    continue
                if name == "param":
                    sym = symbol_value(first_arg(call))
                    if sym is None:
                        dynamic = True
                        continue
                    names.append(sym)
                    req = arg_shape(call).keywords.get("required")
                    value = req.child_by_field_name("value") if req is not None else None
                    if value is not None and value.type == "false":
                        optional.add(sym)
                elif name in ("params", "parameters"):
                    dynamic = True
    return names, optional, dynamic


def _problems(params: list[tuple[str, str | None]], declared: list[str], optional: set[str],
              infers: bool) -> list[str]:
    kinds = [k for k, _ in params]
    if "forward" in kinds:
        return []
    keywords = {n for k, n in params if k in ("key", "keyreq")}
    required = [n for k, n in params if k == "keyreq"]
    takes_keywords = bool(keywords) or "keyrest" in kinds
    out: list[str] = []
    if takes_keywords:
        if "keyrest" not in kinds:
            extra = [p for p in declared if p not in keywords]
            if extra:
                out.append("declared param" + ("s " if len(extra) > 1 else " ")
                           + ", ".join(f"`{p}`" for p in extra) + " not accepted as keyword"
                           + ("s" if len(extra) > 1 else ""))
        if declared or not infers:
            lost = [k for k in required if k not in declared]
            if lost:
                out.append("required keyword" + ("s " if len(lost) > 1 else " ")
                           + ", ".join(f"`{k}:`" for k in lost) + " never declared with `param`")
        # the model may leave out a `required: false` param: a required keyword then raises
        omitted = [k for k in required if k in optional]
        if omitted:
            out.append("optional param" + ("s " if len(omitted) > 1 else " ")
                       + ", ".join(f"`{k}`" for k in omitted) + " required by execute (give a default)")
        return out
    req = kinds.count("req")
    if declared and ("rest" not in kinds) and (req + kinds.count("opt") == 0):
        out.append("execute takes no arguments but params are declared")
    elif req > 1:
        out.append(f"execute needs {req} positional arguments; the gem passes keywords")
    return out


def takes_one_positional(params: list[tuple[str, str | None]]) -> bool:
    """Can `call(args)` (one positional Hash, as the gem's chat loop passes it) bind to these params?"""
    kinds = [k for k, _ in params]
    if "forward" in kinds or "rest" in kinds:
        return True
    req, opt = kinds.count("req"), kinds.count("opt")
    return req <= 1 and req + opt >= 1 and "keyreq" not in kinds


def _bad_call(app, an):
    """An app `call` override the gem's `tool.call(args)` cannot reach (keywords only, or no argument)."""
    call = app.find_def("call", False)
    if call is None or takes_one_positional(call.params):
        return None
    return RULE.finding(
        call.scope.file.pf,
        call.node.child_by_field_name("name") or call.node,
        f"tool `{app.fq}` overrides `call` without one positional argument: the gem's chat loop calls "
        "`tool.call(arguments)` with one Hash (ArgumentError)",
        f"RubyLLM::Chat in ruby_llm {an.version} runs tools as `tool.call(args)` (one positional Hash); "
        f"this `call` takes {_describe(call.params)}",
        hint="rename it to `execute` (keywords per `param`), or accept `call(args)`",
    )


def _describe(params) -> str:
    return ", ".join(f"{n}:" if k in ("key", "keyreq") else f"**{n or ''}" if k == "keyrest" else str(n)
                     for k, n in params if k != "block") or "no arguments"


def check(ctx):
    an = analysis(ctx)
    index = an.index
    if index.namespace(TOOL) is None:
        return
    infers = index.find_method(TOOL, "inferred_parameters") is not None
    parents = {a.parent.fq for a in an.project.classes.values() if a.parent is not None}
    for app in an.project.classes.values():
        base = app.base
        if base is None or base.open or not index.is_subclass(base.name, TOOL):
            continue
        declared, optional, dynamic = _declared(app)
        execute = app.find_def("execute", False)
        cdef = app.defs[0]
        bad_call = None if cdef.file.is_test else _bad_call(app, an)
        if bad_call is not None:
            yield bad_call
            continue
        if execute is None:
            # an app `call` override replaces the gem's call -> execute path entirely
            if app.fq in parents or app.has_foreign_mixins() or cdef.file.is_test or app.find_def("call", False):
                continue
            yield RULE.finding(
                cdef.file.pf,
                cdef.node.child_by_field_name("name") or cdef.node,
                f"tool `{app.fq}` defines no `execute`: calling it raises NotImplementedError",
                f"RubyLLM::Tool#execute in ruby_llm {an.version} (manifest) raises NotImplementedError "
                "unless a subclass overrides it",
                hint="define `def execute(**params)` with one keyword per declared `param`",
            )
            continue
        if dynamic:
            continue
        problems = _problems(execute.params, declared, optional, infers)
        if not problems:
            continue
        yield RULE.finding(
            execute.scope.file.pf,
            execute.node.child_by_field_name("name") or execute.node,
            f"tool `{app.fq}`: `execute` does not match its params: {'; '.join(problems)}",
            f"declared params: {', '.join(declared) or '(none)'}; RubyLLM::Tool#call in ruby_llm "
            f"{an.version} passes them as keywords to execute",
            hint="def execute(" + ", ".join(f"{p}:" for p in declared) + ")" if declared else None,
        )



RULE = Rule(
    id="rubyllm/tool-execute",
    summary="A RubyLLM::Tool whose `execute` cannot take the params it declares, or that has no `execute`",
    why=(
        "The gem calls `execute(**arguments)` with one keyword per declared param: a mismatch fails on the "
        "first tool call the model makes."
    ),
    bad="""
    class WeatherTool < RubyLLM::Tool
      description "Current weather"
      param :city, desc: "City name"

      def execute(location:) = "sunny in #{location}"
    end
""",
    good="""
    class WeatherTool < RubyLLM::Tool
      description "Current weather"
      param :city, desc: "City name"

      def execute(city:) = "sunny in #{city}"
    end
""",
    proof=Proof.app_code,
    check=check,
)
