"""Ruby 3 argument binding against a manifest signature: what would raise ArgumentError."""

from __future__ import annotations

from static_checks.manifest.model import MethodSig
from static_checks.types.syntax import ArgShape


def format_signature(sig: MethodSig) -> str:
    parts = []
    for p in sig.params:
        n = p.name or ""
        parts.append({
            "req": n, "opt": f"{n} = …", "rest": f"*{n}", "keyreq": f"{n}:", "key": f"{n}: …",
            "keyrest": f"**{n}", "nokey": "**nil", "block": f"&{n}", "forward": "...",
        }[p.kind])
    return f"{sig.name}({', '.join(parts)})"


def binding_errors(sig: MethodSig, shape: ArgShape) -> list[str]:
    """Why this call cannot bind to `sig`; empty when it can (or cannot be proven wrong)."""
    kinds = [p.kind for p in sig.params]
    if "forward" in kinds:
        return []
    if shape.unverifiable:
        return _beside_keyword_splat(sig, shape) if shape.only_keyword_splat else []
    req = kinds.count("req")
    opt = kinds.count("opt")
    rest = "rest" in kinds
    keyreq = [p.name for p in sig.params if p.kind == "keyreq"]
    key = {p.name for p in sig.params if p.kind == "key"}
    keyrest = "keyrest" in kinds
    takes_keywords = bool(keyreq or key or keyrest)
    errors: list[str] = []
    positional = len(shape.positional)
    given = set(shape.keywords)
    folded = ""
    if given and not takes_keywords:
        if "nokey" in kinds:
            errors.append("it accepts no keywords (**nil)")
            given = set()
        else:
            positional += 1  # Ruby 3: braceless keywords become one positional Hash
            folded = ", ".join(f"`{k}:`" for k in sorted(given))
            given = set()
    if takes_keywords:
        if not keyrest:
            unknown = sorted(given - set(keyreq) - key)
            if unknown:
                errors.append("unknown keyword" + ("s" if len(unknown) > 1 else "") + ": "
                              + ", ".join(f"`{k}:`" for k in unknown))
        missing = [k for k in keyreq if k not in given]
        if missing:
            errors.append("missing required keyword" + ("s" if len(missing) > 1 else "") + ": "
                          + ", ".join(f"`{k}:`" for k in missing))
    if positional < req or (positional > req + opt and not rest):
        note = f"; {folded} count as one positional Hash, the method takes no keywords" if folded else ""
        errors.append(f"wrong number of arguments (given {positional}, expected {_expected(req, opt, rest)}){note}")
    return errors


def _beside_keyword_splat(sig: MethodSig, shape: ArgShape) -> list[str]:
    """`m(x, a: 1, **opts)`. To a method that takes keywords `opts` can only add keywords, so the
    positional arguments must fit as written and `a:` must be a keyword the method declares; missing
    keywords stay unprovable (`opts` may fill them). To a method without keywords the written keywords
    and `opts` fold into one positional Hash, which an empty `opts` with no written keyword leaves out:
    the positional count is known within one."""
    kinds = [p.kind for p in sig.params]
    declared = {p.name for p in sig.params if p.kind in ("key", "keyreq")}
    req, opt, rest = kinds.count("req"), kinds.count("opt"), "rest" in kinds
    given = len(shape.positional)
    if "keyrest" not in kinds and not declared:
        if "nokey" in kinds:
            return ["it accepts no keywords (**nil)"] if shape.keywords else []
        least = given + (1 if shape.keywords else 0)  # written keywords always make the Hash
        if least > req + opt and not rest:
            return [f"wrong number of arguments (given at least {least}, expected {_expected(req, opt, rest)}); "
                    "the method takes no keywords, so keywords and `**` become one positional Hash"]
        if given + 1 < req:
            return [f"wrong number of arguments (given at most {given + 1}, expected {_expected(req, opt, rest)})"]
        return []
    errors: list[str] = []
    unknown = sorted(set(shape.keywords) - declared) if "keyrest" not in kinds else []
    if unknown:
        errors.append("unknown keyword" + ("s" if len(unknown) > 1 else "") + ": "
                      + ", ".join(f"`{k}:`" for k in unknown) + " (passed beside `**`, which cannot make it known)")
    if given < req or (given > req + opt and not rest):
        errors.append(f"wrong number of arguments (given {given}, expected {_expected(req, opt, rest)}); "
                      "the `**` beside them can only add keywords, as the method takes keywords")
    return errors


def _expected(req: int, opt: int, rest: bool) -> str:
    if rest:
        return f"{req}+"
    return str(req) if not opt else f"{req}..{req + opt}"
