"""What the app's tests cover: files, cases, the LLM path, mocking, error paths, payload assertions."""

from __future__ import annotations

import re
from dataclasses import dataclass

import tree_sitter as ts

from static_checks.facts.context import FactContext, fact
from static_checks.facts.llm_calls import llm_model
from static_checks.facts.registry import collector
from static_checks.facts.ruby_nodes import (
    ancestors,
    args,
    call_name,
    class_path,
    const_path,
    contains,
    def_name,
    enclosing_method,
    literal,
    receiver,
)
from static_checks.facts.finding_nodes import app_findings
from static_checks.models import Category
from static_checks.parsing import ParsedFile

CASE_CALLS = frozenset({"test", "it", "specify", "scenario"})
# Mocking tool -> (calls with a receiver, calls without one) that prove it is used.
MOCK_USES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "webmock": (frozenset(), frozenset({"stub_request", "assert_requested", "assert_not_requested", "a_request"})),
    "mocha": (frozenset({"stubs", "expects", "any_instance"}), frozenset({"mock", "stub_everything"})),
    "rspec-mocks": (frozenset(), frozenset({"allow", "double", "instance_double", "class_double", "receive",
                                            "have_received", "allow_any_instance_of"})),
    "vcr": (frozenset({"use_cassette"}), frozenset()),
}
FAKE_NAME = re.compile(r"(?:Fake|Stub|Mock|Dummy|Double|Spy)")
ERROR_NAME = re.compile(r"error|fail|timeout|missing|invalid|unavailable|rescue|raise|exception|refus|degrad|budget",
                        re.I)
RAISING_CALLS = frozenset({"assert_raises", "assert_raise", "raise_error", "raises", "to_raise", "to_timeout",
                           "and_raise", "assert_nothing_raised"})
SIZE_CALLS = frozenset({"size", "count", "length"})
PAYLOAD_WORDS = ("message", "payload", "history", "body", "request")
LLM_SEND = frozenset({"ask", "say", "complete"})


@dataclass
class Case:
    pf: ParsedFile
    node: ts.Node  # the def or the `test "..." do` call
    name: str


def test_cases(ctx: FactContext) -> list[Case]:
    if "test_cases" in ctx.cache:
        return ctx.cache["test_cases"]
    cases = []
    for pf in ctx.test_files():
        idx = ctx.index(pf)
        for m in idx.of("method"):
            name = m.child_by_field_name("name")
            if name is not None and pf.text(name).startswith("test_"):
                cases.append(Case(pf, m, pf.text(name)))
        for c in idx.calls(*CASE_CALLS):
            if receiver(c) is None and c.child_by_field_name("block") is not None:
                a = args(c)
                cases.append(Case(pf, c, (literal(a[0]) if a else None) or pf.text(c)[:60]))
    broken = [c for c in cases if _broken_generator_case(ctx, c)]
    ctx.cache["generator_cases"] = broken
    cases = [c for c in cases if c not in broken]
    ctx.cache["test_cases"] = cases
    return cases


GENERATOR_HELPER = re.compile(r"^([a-z_]+?)_([a-z_]+)_(?:url|path)$")


def _broken_generator_case(ctx: FactContext, case: Case) -> bool:
    """`rails g controller Chats show` writes `get chats_show_url`, a helper only its own
    `get "chats/show"` route defines. When routes.rb lacks that route, the test only errors: it
    is generator output, not the app's work (issue 10, cause 2)."""
    routes_pf = ctx.parsed_file("config/routes.rb")
    routes = routes_pf.source.decode("utf-8", "replace") if routes_pf is not None else ""
    requests = [c for c in calls_within(ctx, case.pf, case.node, *REQUEST_CALLS) if receiver(c) is None]
    if not requests:
        return False
    for req in requests:
        a = args(req)
        helper = case.pf.text(a[0]) if a and a[0].type in ("identifier", "call") else ""
        m = GENERATOR_HELPER.match(helper)
        # `new_todo_url` / `edit_todo_url` are what `resources` defines (the generator writes `todos_new_url`)
        if m is None or m.group(1) in ("new", "edit") or f"{m.group(1)}/{m.group(2)}" in routes:
            return False
    return True


def files_with_cases(ctx: FactContext) -> list[ParsedFile]:
    """Test files holding at least one test: a generator stub (`class XTest ... end` with only a
    commented-out example) exercises nothing, so it neither reaches code nor covers a component."""
    seen = {c.pf.rel for c in test_cases(ctx)}
    return [pf for pf in ctx.test_files() if pf.rel in seen]


def calls_within(ctx: FactContext, pf: ParsedFile, node: ts.Node, *names: str) -> list[ts.Node]:
    return [c for c in ctx.index(pf).calls(*names) if contains(node, c)]


@collector(ids=["tests.folder_present", "tests.framework", "tests.files", "tests.count"])
def inventory(ctx: FactContext):
    rule = "facts/tests/inventory"
    ruby = ctx.test_files()
    files = [pf for pf in ruby if pf.rel.endswith(("_test.rb", "_spec.rb"))]
    minitest = [pf for pf in files if pf.rel.endswith("_test.rb")]
    rspec = [pf for pf in files if pf.rel.endswith("_spec.rb")]
    framework = {(True, True): "both", (True, False): "minitest", (False, True): "rspec"}.get(
        (bool(minitest), bool(rspec)), "none")
    cases = test_cases(ctx)
    return [
        fact("tests.folder_present", bool(ruby), rule, [ctx.ev_text(pf.rel, 1) for pf in ruby[:1]]),
        fact("tests.framework", framework, rule, [ctx.ev_text(pf.rel, 1) for pf in (minitest[:1] + rspec[:1])]),
        fact("tests.files", len(files), rule, [ctx.ev_text(pf.rel, 1) for pf in files[:10]]),
        fact("tests.count", len(cases), "facts/tests/cases", [ctx.ev(c.pf, c.node) for c in cases[:10]]),
    ]


@collector(ids=["tests.mocking_libraries", "tests.fakes", "tests.real_mocking"])
def mocking(ctx: FactContext):
    used: dict[str, list] = {}
    fakes: dict[str, object] = {}
    for pf in ctx.test_files():
        idx = ctx.index(pf)
        for lib, (with_recv, bare) in MOCK_USES.items():
            hits = [c for c in idx.calls(*with_recv) if receiver(c) is not None] if with_recv else []
            hits += [c for c in idx.calls(*bare) if receiver(c) is None] if bare else []
            if hits:
                used.setdefault(lib, []).append(ctx.ev(pf, hits[0]))
        # Minitest's own: Minitest::Mock, or `obj.stub(:name, value) { ... }` (it needs the block).
        mm = [n for n in idx.of("scope_resolution") if const_path(n) == "Minitest::Mock"]
        mm += [c for c in idx.calls("stub") if receiver(c) is not None and c.child_by_field_name("block") is not None]
        if mm:
            used.setdefault("minitest-mock", []).append(ctx.ev(pf, mm[0]))
        for cls in idx.of("class", "module"):
            name = cls.child_by_field_name("name")
            if name is not None and FAKE_NAME.search(pf.text(name)):
                fakes.setdefault(class_path(pf, cls), ctx.ev(pf, cls))
        for a in idx.of("assignment"):
            left = a.child_by_field_name("left")
            if left is not None and left.type == "constant" and FAKE_NAME.search(pf.text(left)):
                fakes.setdefault(pf.text(left), ctx.ev(pf, a))
    libs = sorted(used)
    ev = [e for lib in libs for e in used[lib][:1]]
    return [
        fact("tests.mocking_libraries", libs, "facts/tests/mocking", ev),
        fact("tests.fakes", sorted(fakes), "facts/tests/fakes", list(fakes.values())[:10]),
        fact("tests.real_mocking", bool(libs or fakes), "facts/tests/mocking", (ev + list(fakes.values()))[:10]),
    ]


def _is_error_case(ctx: FactContext, case: Case) -> bool:
    if ERROR_NAME.search(case.name):
        return True
    if calls_within(ctx, case.pf, case.node, *RAISING_CALLS):
        return True
    # WebMock `to_return(status: 5xx)` / `stub_openrouter(status: 500)`: a provider failure.
    for pair in ctx.index(case.pf).of("pair"):
        if contains(case.node, pair):
            key = pair.child_by_field_name("key")
            val = pair.child_by_field_name("value")
            if key is not None and literal(key) == "status" and val is not None and val.type == "integer":
                if int(case.pf.text(val).replace("_", "")) >= 400:
                    return True
    return False


@collector(ids=["tests.error_path"])
def error_paths(ctx: FactContext):
    cases = [c for c in test_cases(ctx) if _is_error_case(ctx, c)]
    return [fact("tests.error_path", len(cases), "facts/tests/error-path", [ctx.ev(c.pf, c.node) for c in cases[:10]])]


def llm_classes(ctx: FactContext) -> set[str]:
    """Short names of app classes on the LLM path: those holding a provider call (typed, invented or
    a bypass) and, following calls upward to any depth, those whose methods reach one (issue 10,
    cause 3). Enqueuing a job (`perform_later`) does not run it: its caller is not on the path."""
    return set(llm_path_methods(ctx))


def llm_path_methods(ctx: FactContext) -> dict[str, set[str]]:
    """Class short name -> its methods on the LLM path (holding a provider call, or calling one at any
    depth); an acts_as_chat class's path is the gem's ask/say/complete."""
    from static_checks.facts.call_chain import callers, provider_sites

    if "llm_path_methods" in ctx.cache:
        return ctx.cache["llm_path_methods"]
    model = llm_model(ctx)
    reach: dict[str, set[str]] = {fq.rsplit("::", 1)[-1]: set(LLM_SEND) for fq in model.acts_as_chat_classes()}
    seen: set[tuple[str, int]] = set()
    frontier = [(s.pf, s.node) for s in provider_sites(ctx)]
    while frontier and len(seen) < 400:
        nxt = []
        for pf, node in frontier:
            owner = class_path(pf, node)
            m = enclosing_method(node)
            if owner:
                names = reach.setdefault(owner.rsplit("::", 1)[-1], set())
                if m is not None:
                    names.add(def_name(pf, m) or "")
            if m is None or (pf.rel, m.start_byte) in seen:
                continue
            seen.add((pf.rel, m.start_byte))
            nxt += callers(ctx, pf, m)
        frontier = nxt
    ctx.cache["llm_path_methods"] = reach
    return reach


# A job runs its `perform` when a test performs it (`perform_now`, `new.perform`).
RUNS_METHOD = {"perform_now": "perform"}


def _calls_into_path(ctx: FactContext, pf: ParsedFile, path: dict[str, set[str]]) -> ts.Node | None:
    """A call of this test that runs a method on the LLM path of a class the test names: following
    calls from the test into the app, not matching a class name (`Chat.new(title:)` runs no ask)."""
    idx = ctx.index(pf)
    # `perform_enqueued_jobs { post ... }` runs the jobs the test enqueues: a job on the path runs
    if any("perform" in names for names in path.values()):
        ran = next(iter(idx.calls("perform_enqueued_jobs")), None)
        if ran is not None:
            return ran
    named = {pf.text(c) for c in idx.of("constant")} & set(path)
    methods = {m for cls in named for m in path[cls]}
    return next((c for c in idx.calls() if RUNS_METHOD.get(call_name(c) or "", call_name(c)) in methods), None)


REQUEST_CALLS = ("get", "post", "put", "patch", "delete", "visit")
REQUEST_TEST_BASES = ("IntegrationTest", "SystemTestCase")


def _is_request_test(ctx: FactContext, pf: ParsedFile) -> bool:
    idx = ctx.index(pf)
    request_class = any(
        c.child_by_field_name("superclass") is not None
        and pf.text(c.child_by_field_name("superclass")).endswith(REQUEST_TEST_BASES)
        for c in idx.of("class")
    )
    rspec_request = any(literal(p.child_by_field_name("value")) in ("request", "system", "feature")
                        for p in idx.of("pair") if literal(p.child_by_field_name("key")) == "type")
    return (request_class or rspec_request) and any(receiver(c) is None for c in idx.calls(*REQUEST_CALLS))


WRITE_REQUESTS = frozenset({"post", "put", "patch", "delete"})
UI_ACTIONS = ("click_on", "click_button", "click_link", "fill_in", "send_keys")


def _request_reaching(ctx: FactContext, pf: ParsedFile, controllers: list[str]) -> ts.Node | None:
    """A request of this integration/system test that can reach an LLM-path controller. Routes are
    not resolved, so: a request whose path names one of those controllers' resources, any write
    request (chat turns are posted), or a system test that works the page (fills in, clicks).
    A page load alone (`get root_path`, the generator's stock test) is not the LLM path."""
    idx = ctx.index(pf)
    for c in idx.calls(*REQUEST_CALLS):
        a = args(c)
        if receiver(c) is not None:
            continue
        requested = a and any(_controller_requested(k, [pf.text(a[0]).lower()]) for k in controllers)
        if call_name(c) in WRITE_REQUESTS or requested:
            return c
    return next((c for c in idx.calls(*UI_ACTIONS) if receiver(c) is None), None)


@collector(ids=["tests.reach_llm_path"])
def reach_llm(ctx: FactContext):
    path = llm_path_methods(ctx)
    targets = set(path)
    ev = []
    for pf in files_with_cases(ctx):
        if not pf.rel.endswith(("_test.rb", "_spec.rb")):
            continue
        idx = ctx.index(pf)
        hit = _calls_into_path(ctx, pf, path)
        if hit is None and _is_request_test(ctx, pf):
            # `class ChatsControllerTest` exercises ChatsController through its routes.
            for cls in idx.of("class"):
                name = cls.child_by_field_name("name")
                tested = re.sub(r"(Test|Spec)$", "", pf.text(name)) if name is not None else ""
                if tested in targets and tested.endswith("Controller"):
                    hit = cls
                    break
        llm_controllers = sorted(t for t in targets if t.endswith("Controller"))
        if hit is None and llm_controllers and _is_request_test(ctx, pf):
            hit = _request_reaching(ctx, pf, llm_controllers)
        if hit is not None:
            ev.append(ctx.ev(pf, hit))
    note = f"classes on the LLM path: {', '.join(sorted(targets))}" if targets else "no app class calls RubyLLM"
    return [fact("tests.reach_llm_path", bool(ev), "facts/tests/llm-path", ev[:10], note)]


COMPONENT_FOLDERS = ("app/controllers", "app/services", "app/models", "app/jobs", "app/tools", "app/channels",
                     "app/lib")
NOT_COMPONENTS = frozenset({"ApplicationController", "ApplicationRecord", "ApplicationJob", "ApplicationMailer",
                            "ApplicationCable", "ApplicationTool", "Connection", "Channel"})


def _requested_paths(ctx: FactContext) -> list[str]:
    """First arguments of the requests request/system tests make (`post "/chats/1/messages"`,
    `get chat_messages_path(chat)`), lowercased, for matching controllers by resource name."""
    out = []
    # Requests of generator tests whose route does not exist reach no controller (test_cases drops them).
    test_cases(ctx)
    broken = ctx.cache["generator_cases"]
    for pf in ctx.test_files():
        if _is_request_test(ctx, pf):
            for c in ctx.index(pf).calls(*REQUEST_CALLS):
                a = args(c)
                generated = any(b.pf.rel == pf.rel and contains(b.node, c) for b in broken)
                if receiver(c) is None and a and not generated:
                    out.append(pf.text(a[0]).lower())
    return out


def _controller_requested(short: str, paths: list[str]) -> bool:
    """`MessagesController` is exercised by a request whose path or path helper names `messages` or
    `message` (routes are not resolved: a resource named in the path is taken as its controller)."""
    if not short.endswith("Controller") or not paths:
        return False
    plural = re.sub(r"(?<!^)(?=[A-Z])", "_", short.removesuffix("Controller")).lower()
    if not plural:
        return False
    singular = plural[:-3] + "y" if plural.endswith("ies") else plural[:-1] if plural.endswith("s") else plural
    words = re.compile(r"(?<![a-z])(?:%s|%s)(?![a-z])" % (re.escape(plural), re.escape(singular)))
    return any(words.search(p) for p in paths)


@collector(ids=["tests.untested_components", "tests.untested_component_count"])
def untested(ctx: FactContext):
    """Outermost app classes that no test mentions (a constant in a test, or `<Name>Test`/`<Name>Spec`),
    and controllers no request test reaches by their resource's path."""
    mentioned: set[str] = set()
    for pf in files_with_cases(ctx):
        idx = ctx.index(pf)
        mentioned |= {pf.text(c) for c in idx.of("constant")}
        for cls in idx.of("class"):
            name = cls.child_by_field_name("name")
            if name is not None:
                mentioned.add(re.sub(r"(Test|Spec)$", "", pf.text(name).rsplit("::", 1)[-1]))
    paths = _requested_paths(ctx)
    missing, ev = [], []
    for pf in ctx.app_files(*COMPONENT_FOLDERS, kind="ruby"):
        for cls in ctx.index(pf).of("class", "module"):
            if any(a.type in ("class", "module") for a in ancestors(cls)):
                continue
            name_node = cls.child_by_field_name("name")
            short = pf.text(name_node).rsplit("::", 1)[-1] if name_node is not None else ""
            if (short and short not in NOT_COMPONENTS and short not in mentioned
                    and not _controller_requested(short, paths)):
                missing.append(short)
                ev.append(ctx.ev(pf, cls))
    return [
        fact("tests.untested_components", sorted(set(missing)), "facts/tests/untested", ev[:10]),
        fact("tests.untested_component_count", len(set(missing)), "facts/tests/untested", ev[:10]),
    ]


@collector(ids=["tests.mock_invented_api"])
def mock_invented(ctx: FactContext):
    found = app_findings(ctx, Category.api_hallucination, tests=True)
    return [fact("tests.mock_invented_api", len(found), "facts/tests/invented-mock",
                 [ctx.ev_text(f.file, f.line, f.snippet) for f in found[:10]])]


def _role_content_hash(pf: ParsedFile, node: ts.Node) -> bool:
    if node.type != "hash":
        return False
    keys = {literal(p.child_by_field_name("key")) for p in node.named_children if p.type == "pair"}
    return {"role", "content"} <= keys


def _array_of_messages(ctx: FactContext, pf: ParsedFile, node: ts.Node | None, at: ts.Node) -> bool:
    if node is None:
        return False
    if node.type == "identifier":
        # `expected = [...]` earlier in the same test
        for a in ctx.index(pf).of("assignment"):
            left = a.child_by_field_name("left")
            if left is not None and pf.text(left) == pf.text(node) and a.end_byte <= at.start_byte:
                node = a.child_by_field_name("right")
        if node is None or node.type == "identifier":
            return False
    elems = [e for e in node.named_children if e.type != "comment"] if node.type == "array" else []
    return bool(elems) and all(_role_content_hash(pf, e) for e in elems)


def _counts_messages(pf: ParsedFile, size_call: ts.Node) -> bool:
    """`chat.messages.count`, `payload[:messages].size`, `history.length`: what is counted is the messages
    themselves (its last name says so), not something parsed out of one (`message.recommendations.count`)."""
    counted = receiver(size_call)
    if counted is None:
        return False
    if counted.type == "call":
        last = call_name(counted) or ""
    elif counted.type == "element_reference" and len(counted.named_children) > 1:
        last = pf.text(counted.named_children[1])
    else:
        last = pf.text(counted)
    return any(w in last.lower() for w in PAYLOAD_WORDS)


@collector(ids=["tests.exact_payload_array", "tests.count_based_payload"])
def payload_assertions(ctx: FactContext):
    exact, counted = [], []
    for pf in ctx.test_files():
        idx = ctx.index(pf)
        for c in idx.calls("assert_equal", "eq", "match_array", "contain_exactly"):
            a = args(c)
            if a and _array_of_messages(ctx, pf, a[0], c):
                exact.append(ctx.ev(pf, c))
            elif (call_name(c) == "assert_equal" and len(a) >= 2 and a[0].type == "integer"
                  and a[1].type == "call" and call_name(a[1]) in SIZE_CALLS and _counts_messages(pf, a[1])):
                counted.append(ctx.ev(pf, c))
    return [
        fact("tests.exact_payload_array", bool(exact), "facts/tests/exact-payload", exact[:5]),
        fact("tests.count_based_payload", bool(counted), "facts/tests/count-payload", counted[:5]),
    ]
