"""The app-wide picture the inferencer needs: which files matter, app classes built on RubyLLM.

Files are scanned only when they can involve RubyLLM (they name it, or name an app class
that is built on it), so a large repo without RubyLLM costs a byte search per file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import tree_sitter as ts

from grader.core.budget import checkpoint
from static_checks.models_world.vocabulary import AR_FINDERS, AR_RELATION
from static_checks.parsing import ParsedFile
from static_checks.types.ref import TypeRef
from static_checks.types.scan import ClassDef, FileScan, scan_file
from static_checks.types.syntax import call_receiver, const_path, is_test_path, pair_value, text

# Rails macros whose added methods the manifest describes (index.acts_as_methods).
ACTS_AS = frozenset({"acts_as_chat", "acts_as_message", "acts_as_tool_call", "acts_as_model"})
_SEED = re.compile(rb"Ruby_?(?i:llm)|acts_as_(?:chat|message|tool_call|model)")  # also miscased `RubyLlm`


def _seeds(source: bytes) -> bool:
    """_SEED.search, after substring tests (every match holds `Ruby` or `acts_as_`) that most files fail."""
    return (b"Ruby" in source or b"acts_as_" in source) and _SEED.search(source) is not None


# `use_new_acts_as = true|false` not on a comment line; any other value is computed at boot
_NEW_ACTS_AS = re.compile(rb"^[^#\n]*use_new_acts_as\s*=(?!=)\s*(true|false)?", re.M)


@dataclass
class AppClass:
    """All the `class X ... end` bodies of one fully-qualified app class, across files."""

    fq: str
    defs: list[ClassDef] = field(default_factory=list)
    base: TypeRef | None = None  # set when built on RubyLLM (subclass or acts_as macro)
    acts_as: str | None = None  # macro name, e.g. "acts_as_chat"
    parent: AppClass | None = None  # app superclass, when it is an app class
    includes: list[AppClass] = field(default_factory=list)  # app modules it includes/prepends, last first
    extends: list[AppClass] = field(default_factory=list)  # app modules it extends: their methods are class methods
    foreign_mixins: list[str] = field(default_factory=list)  # include/extend/prepend of no app module we read

    @property
    def superclass(self) -> str | None:
        for d in self.defs:
            if d.superclass:
                return d.superclass
        return None

    def chain(self) -> list[AppClass]:
        """This class, the app modules it includes, then its app superclasses and theirs: Ruby's method
        lookup order within the app (computed once the project is built)."""
        cached = self.__dict__.get("_chain")
        if cached is None:
            cached, seen = [], set()

            def add(owner: AppClass) -> None:  # an included module brings the modules it includes, depth first
                todo = [owner]  # a stack, not recursion: include chains may be long
                while todo:
                    cur_owner = todo.pop()
                    if cur_owner.fq not in seen:
                        seen.add(cur_owner.fq)
                        cached.append(cur_owner)
                        todo.extend(reversed(cur_owner.includes))

            cur: AppClass | None = self
            while cur is not None and cur.fq not in seen:
                add(cur)
                cur = cur.parent
            self.__dict__["_chain"] = cached
        return cached

    def find_def(self, name: str, singleton: bool):
        for cls in self.chain():
            for d in cls.defs:
                table = d.smethods if singleton else d.methods
                found = table.get(name)
                if found is not None and not (singleton and cls is not self and d.kind == "module"
                                              and not _concern_class_method(found)):
                    return found
        return None

    def defines(self, name: str, singleton: bool) -> bool:
        """The app declares this method on that side: a def, or a macro whose names we read
        (models_world/declarations.py: attr_*, class_attribute, cattr_*, delegate, define_method...),
        here, in an app module it includes, an app superclass, or (class side) an app module it extends."""
        if self.find_def(name, singleton) is not None:
            return True
        bare = name[:-1] if name.endswith("=") else None
        for cls in self.chain():
            for d in cls.defs:
                if not singleton and (name in d.readers or (bare is not None and bare in d.writers)):
                    return True
                found = declared_of(d)
                if name in (found.class_names if singleton else found.names):
                    return True
        return singleton and any(mod.defines(name, False) for cls in self.chain() for mod in cls.extends)

    def declaration_gaps(self, singleton: bool, harmless: Callable[[ts.Node], bool]) -> list[str]:
        """Why this side may have methods no declaration we read lists (a macro we do not know, a computed
        define_method): lookups that miss are then unverifiable, never invented. `harmless` vouches for
        class-body calls known to define nothing (the RubyLLM base's own DSL)."""
        found = [gap for cls in self.chain() for d in cls.defs for gap in declared_of(d).gaps(singleton, harmless)]
        if singleton:
            found += [gap for cls in self.chain() for mod in cls.extends
                      for gap in mod.declaration_gaps(False, harmless)]
        return found

    def has_foreign_mixins(self) -> bool:
        """Includes or extends a module that is not an app module we read (nor the gem's)."""
        return any(cls.foreign_mixins for cls in self.chain())


def _concern_class_method(mdef) -> bool:
    """A class method an included module gives its includer: a plain `def` in `class_methods do`, not the
    module's own `def self.x` or `class << self` ones."""
    return mdef.node.type == "method" and mdef.scope.parent is not None and mdef.scope.parent.kind != "sclass"


def declared_of(cdef: ClassDef):
    """What one class/module body declares (models_world/declarations.Declared), read once per body."""
    return cdef.declared


# Ruby's sugar calls a method without spelling it: `X.(a)` is `X.call(a)`, `X[a]` is `X.[](a)`; a file naming X
# may call these through the sugar, so the text looked for is the sugar's bracket.
_SPELT_WITHOUT_NAME = {"call": "(", "[]": "["}


@dataclass
class Project:
    scans: list[FileScan]
    classes: dict[str, AppClass]
    by_short: dict[str, list[str]]
    # RubyLLM namespaces the app reopens, keyed by "seen from a test file?":
    # fq -> (instance method names, singleton method names)
    patches: dict[bool, dict[str, tuple[set[str], set[str]]]]
    patched_open: dict[bool, set[str]]  # RubyLLM namespaces the app extends with its own modules
    app_method_names: set[str]  # every method name the app defines anywhere
    index: object
    new_acts_as: bool | None = None
    # files of the app not scanned (they name nothing typed): types.views reads their text for ivar writes
    unscanned: list[ParsedFile] = field(default_factory=list)
    # types.callers.CallSites of the scans, built by the first inferer that needs it and shared by the rest
    call_sites: object = None
    # `class X < Base` of unscanned controller files, by short name (types.views: is a controller Rails-rooted?)
    unscanned_bases: dict[str, str] = field(default_factory=dict)
    _named_unscanned: dict[tuple[str, tuple[str, ...]], bool] = field(default_factory=dict, repr=False)

    def named_in_unscanned(self, short: str, called: tuple[str, ...] = ()) -> bool:
        """Does any file the type scan skipped name `short` (as text), and with it one of the method names in
        `called` when some are given (a file naming the class but not `run` cannot call `X.run`; `X.(a)` calls
        `call` and `X[a]` calls `[]` without spelling them)? Asked per parameter lookup, so answered once per
        question: the unscanned files can be most of a big app."""
        key = (short, called)
        found = self._named_unscanned.get(key)
        if found is None:
            needle, names = short.encode(), [_SPELT_WITHOUT_NAME.get(n, n).encode() for n in called]
            found = self._named_unscanned[key] = any(
                needle in pf.source and (not names or any(n in pf.source for n in names)) for pf in self.unscanned)
        return found

    def lookup_class(self, path: str, nesting: tuple[str, ...]) -> AppClass | None:
        if path.startswith("::"):
            return self.classes.get(path[2:])
        for scope in reversed(nesting):
            hit = self.classes.get(f"{scope}::{path}")
            if hit is not None:
                return hit
        return self.classes.get(path)


def acts_as_settings(files: list[ParsedFile]) -> set[bool | None]:
    """Every value app (non-test) code gives `config.use_new_acts_as` (None: computed); tests may toggle it."""
    return {None if m.group(1) is None else m.group(1) == b"true"
            for pf in files if b"use_new_acts_as" in pf.source and not is_test_path(pf.rel)
            for m in _NEW_ACTS_AS.finditer(pf.source)}


def acts_as_setting(files: list[ParsedFile]) -> bool | None:
    """The app's `config.use_new_acts_as` (1.7+ picks one of two acts_as APIs), None if unset.

    Set both ways in app code (e.g. per environment): True, the API every generator since 1.7 writes.
    """
    found = acts_as_settings(files)
    return True if True in found else False if found == {False} else None


def _resolve_rubyllm(index, path: str, nesting: tuple[str, ...]) -> str | None:
    """A superclass/constant path to a RubyLLM namespace name, or None."""
    clean = path[2:] if path.startswith("::") else path
    if clean == "RubyLLM" or clean.startswith("RubyLLM::"):
        return clean if index.namespace(clean) is not None else None
    if any(n == "RubyLLM" or n.startswith("RubyLLM::") for n in nesting):
        hit = index.resolve_constant(path, list(nesting))
        if hit and index.namespace(hit) is not None:
            return hit
    return None


def build_project(files: list[ParsedFile], index) -> Project:
    new_api = acts_as_setting(files)
    scanned, classes = _scan_until_stable(files, index, new_api)
    by_short: dict[str, list[str]] = {}
    for fq in classes:
        by_short.setdefault(fq.rsplit("::", 1)[-1], []).append(fq)
    patches, patched_open, names = _gem_reopenings(classes, index)
    _add_reopening_calls(scanned, patched_open)
    from static_checks.types.views import scan_templates

    # views of scanned controllers: their ivars come from there
    unscanned_bases = scan_templates(files, scanned, classes)
    return Project(
        unscanned_bases=unscanned_bases,
        unscanned=[pf for pf in files if pf.rel not in scanned],
        scans=list(scanned.values()),
        classes=classes,
        by_short=by_short,
        patches=patches,
        patched_open=patched_open,
        app_method_names=names,
        index=index,
        new_acts_as=new_api,
    )


def _scan_until_stable(
    files: list[ParsedFile], index, new_api: bool | None
) -> tuple[dict[str, FileScan], dict[str, AppClass]]:
    """Scan files naming RubyLLM, then files naming an app class built on it, until stable."""
    scanned: dict[str, FileScan] = {}
    pending = [pf for pf in files if _seeds(pf.source)]
    classes: dict[str, AppClass] = {}
    typed_names: set[str] = set()
    parent_names: set[str] = set()
    function_names: set[str] = set()
    callee_names: set[str] = set()
    mixin_names: set[str] = set()
    words: dict[str, frozenset[bytes]] = {}  # a file's words, listed when a round first needs them
    receivers: set[str] = set()  # files scanned only as the class of a call site (see below)
    while pending:
        called: set[str] = set()
        for pf in pending:
            checkpoint()
            fs = scan_file(pf)
            scanned[pf.rel] = fs
            for cdef in fs.classes:
                classes.setdefault(cdef.fq, AppClass(cdef.fq)).defs.append(cdef)
            if not fs.is_test and pf.rel not in receivers:
                called |= _called_classes(fs)
        _type_classes(classes, index, new_api)
        new_names = {c.fq.rsplit("::", 1)[-1] for c in classes.values() if c.base is not None} - typed_names
        # modules a typed class mixes in that no scanned file defines yet: the files naming them hold their
        # bodies, whose declarations are the class's methods (else the class stays open)
        new_mixins = {m.rsplit("::", 1)[-1] for c in classes.values() if c.base is not None
                      for m in c.foreign_mixins if _MODULE_NAME.fullmatch(m)} - mixin_names
        # subclasses and includers inherit the methods of scanned classes and modules (`class ReportWriter <
        # Llm::BaseService` calling the base's `chat`): their files matter even when they name nothing of RubyLLM
        new_parents = {c.fq.rsplit("::", 1)[-1] for c in classes.values()
                       if _has_methods(c) and any(d.file.pf.rel not in receivers for d in c.defs)} - parent_names
        # a top-level `def` is callable from any file: its parameters are typed from every bare call to it
        new_functions = {n for fs in scanned.values() for n in fs.functions} - function_names
        # `Drafts.new(chat)`, `Runner.run(context: { chat: })`: the class's file types those parameters from
        # the call sites, so it is scanned even when it names nothing of RubyLLM
        known = {fq.rsplit("::", 1)[-1] for fq in classes}
        new_callees = called - known - callee_names
        if not new_names and not new_parents and not new_functions and not new_mixins and not new_callees:
            break
        typed_names |= new_names
        parent_names |= new_parents
        function_names |= new_functions
        mixin_names |= new_mixins
        callee_names |= new_callees
        pending = []
        if new_names or new_parents or new_functions:
            wanted = _file_pattern(new_names | new_functions, new_parents, _association_readers(files, new_names))
            pending = [pf for pf in files if pf.rel not in scanned and _wanted(wanted, pf, words)]
        pending += _module_files(files, new_mixins, scanned, pending)
        if new_callees:
            defining = _file_pattern(set(), set(), None, new_callees)
            chosen = {pf.rel for pf in pending}
            extra = [pf for pf in files if pf.rel not in scanned and pf.rel not in chosen
                     and _wanted(defining, pf, words)]
            receivers |= {pf.rel for pf in extra}
            pending += extra
    return scanned, classes


def _module_files(files: list[ParsedFile], names: set[str], scanned: dict[str, FileScan],
                  pending: list[ParsedFile]) -> list[ParsedFile]:
    """Files defining `module <name>` for one of `names` (mixins of typed classes), not yet scanned."""
    if not names:
        return []
    taken = {pf.rel for pf in pending}
    literals = [n.encode() for n in names]
    pattern = re.compile(rb"\bmodule\s+(?:\w+::)*(?:" + b"|".join(re.escape(n) for n in sorted(literals)) + rb")\b")
    return [pf for pf in files if pf.rel not in scanned and pf.rel not in taken and b"module" in pf.source
            and any(n in pf.source for n in literals) and pattern.search(pf.source) is not None]


def _wanted(pattern: re.Pattern[bytes] | _NamedIn, pf: ParsedFile, words: dict[str, frozenset[bytes]]) -> bool:
    if not isinstance(pattern, _NamedIn):
        return pattern.search(pf.source) is not None

    def words_of() -> frozenset[bytes]:
        found = words.get(pf.rel)
        if found is None:
            found = words[pf.rel] = frozenset(_WORD.findall(pf.source))
        return found

    return pattern.found_in(pf.source, words_of)


def _has_methods(app: AppClass) -> bool:
    return any(d.methods or d.smethods or d.readers for d in app.defs)


def _association_readers(files: list[ParsedFile], names: set[str]) -> set[str]:
    """`current_user.chats`: association readers leading to `names` (models_world/readers.py)."""
    from static_checks.models_world.readers import readers_of

    return readers_of([pf.source for pf in files if not is_test_path(pf.rel)], names) if names else set()


_WORD = re.compile(rb"\w+")
# From this many names in one round, a file's words are listed once (and kept for the later rounds):
# one pass over the bytes instead of one substring search per name.
_WORDS_FROM = 16


@dataclass(frozen=True)
class _Part:
    """One alternative of a round's pattern (readers, names or parents): its own regex and the names it needs.
    The pattern matches a file exactly when one of its parts does, so each part is asked alone, and only of
    files that hold one of its names: the full alternation tried at every byte was most of a round's cost."""

    regex: re.Pattern[bytes]
    literals: tuple[bytes, ...]
    words: frozenset[bytes]  # its names that are plain words (and, for parents, their `includeX` forms)
    others: tuple[bytes, ...]  # its names that are not plain words (`valid?`): a substring test
    decisive: bool  # a word of it among the file's words is itself a match (`\\bname\\b`)

    def found_in(self, source: bytes, words: frozenset[bytes] | None) -> bool:
        if words is None:
            if not any(lit in source for lit in self.literals):
                return False
        else:
            hit = not self.words.isdisjoint(words)
            if hit and self.decisive:
                return True
            if not hit and not any(lit in source for lit in self.others):
                return False
        return self.regex.search(source) is not None


def _part(regex: bytes, literals: set[bytes], glue: tuple[bytes, ...] = (), decisive: bool = False) -> _Part:
    plain = {lit for lit in literals if _WORD.fullmatch(lit)}
    glued = {kw + lit for lit in plain for kw in glue}
    return _Part(re.compile(regex), tuple(sorted(literals)), frozenset(plain | glued),
                 tuple(sorted(literals - plain)), decisive)


class _NamedIn:
    """A pattern's search, asked only of bytes holding one of the names it needs (every match
    contains one): a substring test is far cheaper than the alternation, and most files hold none.

    With many names, the test is a set lookup among the file's words instead: every match of the
    pattern holds its name as a whole word (`\\bname\\b`, `.reader\\b`, `< A::Parent\\b`), except a
    parent glued to `include`/`prepend` (`\\s*` may match nothing), whose word is `includeParent`.
    Names that are not plain words (`valid?`) keep the substring test."""

    def __init__(self, pattern: re.Pattern[bytes] | bytes, literals: set[bytes], parts: tuple[_Part, ...] = ()) -> None:
        self._pattern = pattern
        self.literals = tuple(sorted(literals))
        self.parts = parts

    @property
    def pattern(self) -> re.Pattern[bytes]:
        """The whole alternation, compiled when first asked (found_in needs only the parts)."""
        if isinstance(self._pattern, bytes):
            self._pattern = re.compile(self._pattern)
        return self._pattern

    def search(self, source: bytes) -> re.Match[bytes] | None:
        if not any(lit in source for lit in self.literals):
            return None
        return self.pattern.search(source)

    def found_in(self, source: bytes, words_of: Callable[[], frozenset[bytes]]) -> bool:
        """Whether search(source) would match, asked part by part; with many names, on the file's words first."""
        words = words_of() if len(self.literals) >= _WORDS_FROM else None
        return any(part.found_in(source, words) for part in self.parts)


def _called_classes(fs: FileScan) -> set[str]:
    """Short names of the constants a file calls a method on with arguments (`Drafts.new(chat)`)."""
    out = set()
    for call, _scope, name, path in fs.const_calls:
        if name in _NO_PARAMETERS:
            continue
        args = call.child_by_field_name("arguments")
        if args is not None and any(_may_carry(a) for a in args.named_children):
            out.add(path.rsplit("::", 1)[-1])
    return out


# ActiveRecord's finders and query methods on a model: they call no method of the app with the arguments.
_NO_PARAMETERS = (AR_RELATION | AR_FINDERS) - {"new"}
# Arguments that cannot hold a RubyLLM value: literals, and keywords or hashes of literals only.
_LITERALS = frozenset({"string", "simple_symbol", "integer", "float", "true", "false", "nil", "symbol_array",
                       "string_array", "delimited_symbol", "constant", "scope_resolution", "comment"})


def _may_carry(arg) -> bool:
    """May this argument hold a value other than a literal? (A stack, not recursion: hashes may nest deep.)"""
    stack = [arg]
    while stack:
        node = stack.pop()
        if node.type in _LITERALS:
            continue
        if node.type == "pair":
            stack.append(pair_value(node))  # `f(chat:)` reads the local `chat`: not a literal
        elif node.type == "hash":
            stack.extend(node.named_children)
        else:
            return True
    return False


def _file_pattern(names: set[str], parents: set[str], readers: set[str] | None = None,
                  defined: set[str] | None = None) -> re.Pattern[bytes] | _NamedIn:
    """Files naming one of `names` anywhere, subclassing or including one of `parents`
    (`< A::Parent`, `include A::Helpers`), calling an association reader leading to one (`.chats`), or
    defining a class or module named in `defined`."""
    alts: list[tuple[bytes, set[str], tuple[bytes, ...], bool]] = []  # regex, its names, glue, decisive
    if defined:
        alts.append((rb"\b(?:class|module)\s+(?:::)?(?:\w+::)*(?:"
                     + b"|".join(re.escape(n.encode()) for n in sorted(defined)) + rb")\b", defined, (), False))
    if readers:
        alts.append((rb"\.(?:" + b"|".join(re.escape(n.encode()) for n in sorted(readers)) + rb")\b", readers, (),
                     False))
    if names:
        alts.append((rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in sorted(names)) + rb")\b", names, (), True))
    if parents:
        names_alt = b"|".join(re.escape(n.encode()) for n in sorted(parents))
        alts.append((rb"(?:<|\binclude|\bprepend)\s*(?:::)?(?:\w+::)*(?:" + names_alt + rb")\b", parents,
                     (b"include", b"prepend"), False))
    whole = b"|".join(alt[0] for alt in alts)
    literals = {n.encode() for n in names | parents | (readers or set()) | (defined or set())}
    if not (literals and all(literals)):
        return re.compile(whole)
    # bare names first: a word among the file's words settles them without a regex
    parts = tuple(_part(regex, {n.encode() for n in group}, glue, decisive)
                  for regex, group, glue, decisive in sorted(alts, key=lambda alt: not alt[3]))
    return _NamedIn(whole, literals, parts)


def _gem_reopenings(
    classes: dict[str, AppClass], index
) -> tuple[dict[bool, dict[str, tuple[set[str], set[str]]]], dict[bool, set[str]], set[str]]:
    """Reopened RubyLLM classes; a reopening in a test file (a stub of the gem) counts for tests only.
    Also returns every method name the app defines."""
    patches: dict[bool, dict[str, tuple[set[str], set[str]]]] = {False: {}, True: {}}
    patched_open: dict[bool, set[str]] = {False: set(), True: set()}
    names: set[str] = set()
    for app in classes.values():
        for d in app.defs:
            names.update(d.methods)
            names.update(d.smethods)
            names.update(d.readers)
            names.update(w + "=" for w in d.writers)
        if index.namespace(app.fq) is not None and (app.fq == "RubyLLM" or app.fq.startswith("RubyLLM::")):
            for d in app.defs:
                for in_test in {True, d.file.is_test}:
                    inst, sing = patches[in_test].setdefault(app.fq, (set(), set()))
                    inst.update(d.methods)
                    inst.update(d.readers)
                    inst.update(w + "=" for w in d.writers)
                    sing.update(d.smethods)
                    if d.mixins or "method_missing" in d.methods:
                        patched_open[in_test].add(app.fq)
    return patches, patched_open, names


def _add_reopening_calls(scanned: dict[str, FileScan], patched_open: dict[bool, set[str]]) -> None:
    for fs in scanned.values():
        for call, _scope in fs.calls:
            # `RubyLLM::Chat.include(MyExt)` / `.prepend(...)` / `.class_eval` open the class
            if fs.name_of(call) in ("include", "prepend", "extend", "class_eval", "class_exec", "send"):
                recv = call_receiver(call)
                # `RubyLLM::X.singleton_class.prepend(M)` gives X class methods
                if recv is not None and recv.type == "call" and fs.name_of(recv) == "singleton_class":
                    recv = call_receiver(recv)
                target = const_path(recv)
                if target and target.startswith("RubyLLM"):
                    for in_test in {True, fs.is_test}:
                        patched_open[in_test].add(target)


# Document mappers that define `acts_as_*` macros of their own (e.g. the ruby_llm-mongoid gem).
NON_ACTIVE_RECORD = frozenset({"Mongoid::Document", "Dynamoid::Document", "NoBrainer::Document"})


def _app_defined_macros(classes: dict[str, AppClass]) -> set[str]:
    """acts_as_* macros the app (or a concern of it) defines itself."""
    return {
        name
        for app in classes.values()
        for d in app.defs
        for name in ACTS_AS & (set(d.methods) | set(d.smethods))
    }


def is_rubyllm_acts_as(app: AppClass, name: str, own_macros: set[str]) -> bool:
    """RubyLLM adds acts_as_* to ActiveRecord::Base only: a model always has a superclass
    (ApplicationRecord), is no other mapper's document, and the app does not define the macro."""
    if name not in ACTS_AS or name in own_macros or not app.superclass:
        return False
    return not any(m.lstrip(":") in NON_ACTIVE_RECORD for d in app.defs for m in d.mixins)


def _type_classes(classes: dict[str, AppClass], index, new_api: bool | None) -> None:
    """Give each app class built on RubyLLM its base type; link app superclasses."""
    own_macros = _app_defined_macros(classes)
    for app in classes.values():
        nesting = app.defs[0].nesting if app.defs else ()
        _link_app_parent(app, classes, nesting)
        if app.fq == "RubyLLM" or app.fq.startswith("RubyLLM::"):
            continue  # the app reopening the gem's own classes: a patch, not a subclass
        _type_from_acts_as(app, index, new_api, own_macros)
        sup = app.superclass
        if app.base is None and sup:
            ns = _resolve_rubyllm(index, sup, nesting)
            if ns:
                app.base = TypeRef(ns, app_class=app.fq)
    _inherit_bases(classes)


def _link_app_parent(app: AppClass, classes: dict[str, AppClass], nesting) -> None:
    """The app class this one inherits from, looked up from the innermost lexical scope out."""
    app.parent = None
    sup = app.superclass
    if sup:
        parent = None
        for scope in reversed(nesting):
            parent = classes.get(f"{scope}::{sup}") or parent
            if parent:
                break
        parent = parent or classes.get(sup.lstrip(":"))
        if parent is not None and parent is not app:
            app.parent = parent
    app.includes, app.extends, app.foreign_mixins = [], [], []
    for d in app.defs:
        for name, call, scope in d.macros:
            args = call.child_by_field_name("arguments") if name in ("include", "prepend", "extend") else None
            # `include` inside `class << self` extends the class
            into = app.extends if name == "extend" or scope.kind == "sclass" else app.includes
            for arg in args.named_children if args is not None else ():
                path = const_path(arg)
                mod = app if arg.type == "self" else _lookup(classes, path, (*nesting, app.fq))
                if mod is None:
                    if not (path or "").lstrip(":").startswith(("RubyLLM", _CONCERN)):
                        app.foreign_mixins.append(path or text(arg))
                elif mod is not app and mod not in into:
                    into.insert(0, mod)  # the module included last is looked up first


_MODULE_NAME = re.compile(r"(?:::)?(?:[A-Z]\w*::)*[A-Z]\w*")
# `extend ActiveSupport::Concern` adds only the hooks (`included`, `class_methods`) declarations.py reads.
_CONCERN = "ActiveSupport::Concern"


def _lookup(classes: dict[str, AppClass], path: str | None, nesting) -> AppClass | None:
    if not path:
        return None
    if not path.startswith("::"):
        for scope in reversed(nesting):
            hit = classes.get(f"{scope}::{path}")
            if hit is not None:
                return hit
    return classes.get(path.lstrip(":"))


def _type_from_acts_as(app: AppClass, index, new_api: bool | None, own_macros: set[str]) -> None:
    for d in app.defs:
        for name, _call, scope in d.macros:
            if scope.kind == "class" and is_rubyllm_acts_as(app, name, own_macros):
                ns = index.acts_as_methods(name, new_api)
                if ns:
                    app.acts_as = name
                    app.base = TypeRef(ns, app_class=app.fq, open=True)


def _inherit_bases(classes: dict[str, AppClass]) -> None:
    # inherit through app superclasses (a few rounds cover any realistic depth)
    for _ in range(4):
        changed = False
        for app in classes.values():
            if app.base is None and app.parent is not None and app.parent.base is not None:
                pb = app.parent.base
                app.base = TypeRef(pb.name, app_class=app.fq, open=pb.open)
                app.acts_as = app.parent.acts_as
                changed = True
        if not changed:
            break
