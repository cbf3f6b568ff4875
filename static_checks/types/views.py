"""Instance variables a Rails view receives from the controllers that render it.

A template `app/views/<dir>/<action>.<format>.erb` is rendered implicitly by the app controller whose
name underscores to <dir> (`admin/chats` <- Admin::ChatsController), and explicitly by any app controller
whose `render` names it (`render :other`, `render "dir/x"`, `template:`/`action:`). An `@x` in the view has
the type each renderer's own code sees for `@x` (the controller-local rule: every assignment in the class,
its app concerns and app ancestors, `before_action` setters included, must agree; a nil assignment is
dropped), joined with the assignments to `@x` in app helpers and in templates themselves. Anything not
knowable leaves `@x` untyped (no finding):
- a partial or a layout (rendered from anywhere), a folder with no app controller (mailer views, a gem's
  controllers such as Devise's), a controller whose ancestry leaves the app for anything other than
  ActionController::Base/API (madmin, administrate: the gem's base controller sets the records);
- a renderer whose `render` target is not a literal: it may render any template, so it joins every view.
"""

from __future__ import annotations

import re

from static_checks.types.interface import Inferer
from static_checks.types.ref import TypeRef
from static_checks.types.scan import ClassDef, FileScan, scan_file
from static_checks.types.syntax import call_args, is_test_path, symbol_value, text

# The template's folder and file name; `(?:^|/)` keeps an app nested in a monorepo.
VIEW_TEMPLATE = re.compile(r"(?:^|/)app/views/(.+)/([^/]+)\.erb$")
_HELPER = re.compile(r"(?:^|/)app/helpers/")
_CONTROLLER_FILE = re.compile(r"(?:^|/)app/controllers/")
# Rails' own bases set no app-named ivars for views; any other foreign base may.
_RAILS_BASES = frozenset({"ActionController::Base", "ActionController::API"})
# `render json: ..` and friends render no template; `partial:` is a partial (untyped here).
_TEMPLATE_KEYS = ("template", "action")
_NO_TEMPLATE_KEYS = frozenset({"json", "plain", "html", "body", "inline", "xml", "js", "partial", "file",
                               "turbo_stream", "nothing", "status", "layout", "content_type", "formats",
                               "locals", "collection", "object", "as", "location", "notice", "alert"})
_NIL = frozenset({"nil"})
# A file that may render a partial (types.views.partial_sites): the unscanned ones are scanned for their renders.
_RENDERS = re.compile(rb"\b(?:render\w*|turbo_stream|broadcast_\w+|partial)\b")


def underscore(camel: str) -> str:
    """`Admin::AIModels` -> `admin/ai_models`: ActiveSupport's underscore for constant paths."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", camel.lstrip(":"))
    return words.replace("::", "/").lower()


def template_key(rel: str) -> tuple[str, str] | None:
    """(folder, action) of a full template, None for partials and layouts (rendered from anywhere)."""
    m = VIEW_TEMPLATE.search(rel)
    if m is None:
        return None
    folder, name = m.group(1), m.group(2)
    if name.startswith("_") or folder == "layouts" or folder.startswith("layouts/"):
        return None
    return folder, name.split(".", 1)[0]


class ViewIvars:
    """Built once per inferer, on the first ivar asked for in a template; the inferer is handed to each
    question, not kept (types.interface says why)."""

    def __init__(self, project) -> None:
        self.project = project
        self.by_folder: dict[str, list] = {}  # controller folder -> app controller classes
        self.explicit: dict[tuple[str, str], list] = {}  # template -> controllers rendering it by name
        self.anywhere: list = []  # controllers with a computed render target
        self.extra: list[ClassDef] = []  # helpers and templates: their own ivar assignments
        self._memo: dict[tuple[tuple[str, str], str], TypeRef | None] = {}
        self._busy: set[tuple[tuple[str, str], str]] = set()
        self._keys: dict[str, tuple | None] = {}  # template path -> (template, renderers) or None
        self._partial_renders: list | None = None
        # the unscanned controllers, helpers and templates: where an ivar or a partial may come from unseen
        self._unscanned_views = [pf for pf in project.unscanned if _CONTROLLER_FILE.search(pf.rel)
                                 or _HELPER.search(pf.rel) or pf.rel.endswith(".erb")]
        self._unscanned_writes = _ivar_writes(self._unscanned_views)
        self._unscanned_bases = project.unscanned_bases
        for fq, app in project.classes.items():
            if fq.endswith("Controller") and fq != "Controller":
                self.by_folder.setdefault(underscore(fq[: -len("Controller")]), []).append(app)
        for fs in project.scans:
            rel = fs.pf.rel
            if _HELPER.search(rel):
                self.extra.extend(fs.classes)
            elif VIEW_TEMPLATE.search(rel) and fs.toplevel is not None:
                self.extra.append(fs.toplevel)
            elif _CONTROLLER_FILE.search(rel):
                self._scan_renders(fs)

    def _scan_renders(self, fs: FileScan) -> None:
        for call, scope in fs.calls:
            if fs.name_of(call) != "render" or call.child_by_field_name("receiver") is not None:
                continue
            app = self.project.classes.get(scope.cls.fq) if scope.cls is not None else None
            if app is None or not app.fq.endswith("Controller"):
                continue
            folder = underscore(app.fq[: -len("Controller")])
            target = _render_target(call, folder)
            if target is None:
                continue
            if target == "?":
                self.anywhere.append(app)
            else:
                self.explicit.setdefault(target, []).append(app)

    def ivar_type(self, infer: Inferer, fs: FileScan, name: str) -> TypeRef | None | bool:
        """The ivar's type; False when the template's renderers are unknown (the caller keeps its rule)."""
        key = self._keys.get(fs.pf.rel, False)
        if key is False:
            key = self._keys[fs.pf.rel] = self._renderers(fs.pf.rel)
        if key is None:
            return False
        memo_key = (key[0], name)
        if memo_key in self._memo:
            if memo_key in self._busy:
                infer.cuts += 1  # a loop cut (types.infer.Inferer.cuts)
            return self._memo[memo_key]
        self._memo[memo_key] = None  # recursion guard (`@x = @x || ..` in a template)
        self._busy.add(memo_key)
        result = self._join(infer, key, name)
        self._busy.discard(memo_key)
        self._memo[memo_key] = result
        return result

    def partial_renders(self) -> list:
        """Every render of a partial in the app (tests aside): in the scanned files, and in the unscanned
        ones that may render one, scanned here (a partial's local is typed only when all renders agree)."""
        if self._partial_renders is None:
            sites = [s for fs in self.project.scans if not fs.is_test for s in partial_sites(fs)]
            for pf in self.project.unscanned:
                if pf.rel.endswith((".erb", ".rb")) and not is_test_path(pf.rel) and _RENDERS.search(pf.source):
                    for site in partial_sites(scan_file(pf)):
                        site.unscanned = True
                        sites.append(site)
            self._partial_renders = sites
        return self._partial_renders

    def _renderers(self, rel: str) -> tuple[tuple[str, str], tuple] | None:
        """The template and the app controllers rendering it, None when a renderer is unknown."""
        key = template_key(rel)
        implicit = self.by_folder.get(key[0], []) if key is not None else []
        if key is None or not implicit:
            return None  # a partial, a layout, a mailer's or a gem's template: renderers unknown
        renderers = tuple({id(a): a for a in (*implicit, *self.explicit.get(key, []), *self.anywhere)}.values())
        rooted = all(_rails_rooted(app, self._unscanned_bases) for app in renderers)
        return (key, renderers) if rooted else None

    def _join(self, infer: Inferer, key, name: str) -> TypeRef | None:
        _, renderers = key
        if name in self._unscanned_writes or "*" in self._unscanned_writes:
            return None  # written in a file the project did not scan: a source we cannot type
        found: list[TypeRef | None] = []
        for app in renderers:
            t = infer._app_ivar(app, name)
            if t is None:
                return None  # never assigned there, or unknowable, or disagreeing
            found.append(t)
        for holder in self.extra:
            for rhs, scope in holder.ivars.get(name, []):
                if rhs is not None and rhs.type in _NIL:
                    continue
                t = None if rhs is None else infer.type_of(rhs, scope)
                if t is None:
                    return None
                found.append(t)
        first = found[0]
        return first if all(t == first for t in found) else None


def _rails_rooted(app, unscanned_bases: dict[str, str]) -> bool:
    """The app ancestry ends in a Rails base, through scanned classes then unscanned controller files
    (an ApplicationController naming nothing typed is not scanned)."""
    seen = set()
    cur = app
    while cur.parent is not None and cur.fq not in seen:
        seen.add(cur.fq)
        cur = cur.parent
    sup = cur.superclass
    for _ in range(8):
        if sup is None:
            return False
        sup = sup.lstrip(":")
        if sup in _RAILS_BASES:
            return True
        sup = unscanned_bases.get(sup.rsplit("::", 1)[-1])
    return False


# `class Admin::BaseController < ApplicationController` in a file the project did not scan
_CLASS_LINE = re.compile(rb"^\s*class\s+(?:[\w:]+::)?(\w+)\s*<\s*((?:::)?[\w:]+)", re.M)
# `@x = `, `@x ||= `, `@x += `, `@a, @x = ` (not `==`, `=~`, `=>`): an ivar write seen in a file's text
_IVAR_WRITE = re.compile(rb"@(\w+)\s*(?:\|\||&&|[-+*/])?=(?![=~>])|@(\w+)\s*,(?=[^\n]*=)")


def scan_templates(files, scanned: dict[str, FileScan], classes: dict) -> dict[str, str]:
    """Scan the templates of scanned controllers that assign ivars: their `@x` may be typed from there.
    Returns the superclasses of the unscanned controller classes (the templates scanned here are none)."""
    folders: dict[str, re.Pattern[bytes]] = {}  # folder -> the ivars its controller assigns
    bases = _unscanned_bases(pf for pf in files if pf.rel not in scanned)
    for fq, app in classes.items():
        names = {n for c in app.chain() for d in c.defs for n in d.ivars} if fq.endswith("Controller") else ()
        if names and _rails_rooted(app, bases):  # a gem-based controller's views stay untyped: skip them
            alternatives = b"|".join(re.escape(n.encode()) for n in sorted(names))
            folders[underscore(fq[: -len("Controller")])] = re.compile(rb"(?:" + alternatives + rb")\b")
    if not folders:
        return bases
    for pf in files:
        if pf.rel in scanned or not pf.rel.endswith(".erb"):
            continue
        key = template_key(pf.rel)
        wanted = folders.get(key[0]) if key is not None else None
        if wanted is not None and wanted.search(pf.source):
            scanned[pf.rel] = scan_file(pf)
    _scan_partials(files, scanned)
    return bases


def _keys_to_scan(site: RenderSite) -> list[tuple[str, str]]:
    if site.key == COMPUTED:
        return []
    if site.key is not None:
        return [site.key] if site.locals or site.each else []
    # `render @messages` / `render chat.messages`: Rails picks messages/_message by the records' model,
    # typed later; scan the partial the name suggests (typing still checks the model)
    words = re.findall(r"\w+", text(site.each[0])) if site.each[0] is not None else []
    if not words:
        return []
    plural = words[-1]
    single = plural[:-3] + "y" if plural.endswith("ies") else plural[:-1] if plural.endswith("s") else plural
    return [(plural, single), (single + "s", single)]


def _scan_partials(files, scanned: dict[str, FileScan]) -> None:
    """Scan the partials that scanned files render with locals, and theirs (a few rounds)."""
    by_key = {}
    for pf in files:
        key = partial_key(pf.rel) if pf.rel not in scanned else None
        if key is not None:
            by_key.setdefault(key, []).append(pf)
    pending = [fs for rel, fs in scanned.items() if _CONTROLLER_FILE.search(rel) or rel.endswith(".erb")]
    for _ in range(4):
        wanted = {key for fs in pending for site in partial_sites(fs)
                  for key in _keys_to_scan(site)}
        pending = []
        anywhere = {name for folder, name in wanted if folder == "*"}  # a bare name: that partial in any folder
        for key in wanted | {k for k in by_key if k[1] in anywhere}:
            for pf in by_key.pop(key, []):
                scanned[pf.rel] = fs = scan_file(pf)
                pending.append(fs)
        if not pending:
            break


def _unscanned_bases(files) -> dict[str, str]:
    bases: dict[str, str] = {}
    for pf in files:
        if _CONTROLLER_FILE.search(pf.rel):
            for m in _CLASS_LINE.finditer(pf.source):
                bases.setdefault(m.group(1).decode(), m.group(2).decode())
    return bases


def _ivar_writes(views) -> set[str]:
    """Ivar names written in unscanned controllers, helpers and templates ("*" for instance_variable_set);
    `views` holds those and any other unscanned .erb (not a template: left out)."""
    written: set[str] = set()
    for pf in views:
        if pf.rel.endswith(".erb") and not VIEW_TEMPLATE.search(pf.rel) and not _CONTROLLER_FILE.search(pf.rel) \
                and not _HELPER.search(pf.rel):
            continue
        src = pf.source
        if b"@" in src:
            for m in _IVAR_WRITE.finditer(src):
                written.add("@" + (m.group(1) or m.group(2)).decode("utf-8", "replace"))
        if b"instance_variable_set" in src:
            written.add("*")
    return written


def _render_target(call, folder: str) -> tuple[str, str] | str | None:
    """The template a controller's `render` names: (folder, action); "?" when computed; None when none."""
    args = call_args(call)
    if not args:
        return None
    first = args[0]
    if first.type == "pair" or first.type == "hash":
        pairs = first.named_children if first.type == "hash" else [a for a in args if a.type == "pair"]
        return _keyed_target(pairs, folder)
    if first.type in ("simple_symbol", "string", "delimited_symbol"):
        name = symbol_value(first)
        return "?" if name is None else _named(name, folder)
    if first.type == "instance_variable" or (first.type == "call" and text(first).endswith(".new")):
        return None  # `render @record` / `render Card.new(..)`: a record's partial or a component
    return "?"


def _keyed_target(pairs, folder: str) -> tuple[str, str] | str | None:
    for pair in pairs:
        if pair.type != "pair":
            return "?"  # `**options`: could name a template
        key = pair.child_by_field_name("key")
        value = pair.child_by_field_name("value")
        kname = symbol_value(key) if key is not None else None
        if kname is None and key is not None:
            kname = text(key).rstrip(":")
        if kname in _TEMPLATE_KEYS:
            name = symbol_value(value)
            if name is None:
                return "?"
            return _named(name, folder) if kname == "template" else (folder, name)
        if kname not in _NO_TEMPLATE_KEYS:
            return "?"
    return None


def _named(name: str, folder: str | None) -> tuple[str, str]:
    """(folder, name) of a named template or partial; a bare name where the folder is unknown (a model's
    broadcast, a helper) is ("*", name): that name in any folder."""
    name = name.lstrip("/")
    if "/" in name:
        head, _, tail = name.rpartition("/")
        return head, tail.split(".", 1)[0]
    return folder or "*", name.split(".", 1)[0]


# ---- partials: `render "x", m: @m`, `render partial: "x", locals: {m: ..}`, `render @messages` ----------------
_PARTIAL = re.compile(r"(?:^|/)app/views/(.+)/_([^/.]+)[^/]*\.erb$")
_PARTIAL_KEYS = frozenset({"partial", "locals", "object", "collection", "as", "layout", "spacer_template",
                           "cached", "formats"})


def partial_key(rel: str) -> tuple[str, str] | None:
    m = _PARTIAL.search(rel)
    return (m.group(1), m.group(2)) if m else None


def _folder_of(fs: FileScan, scope) -> str | None:
    """The folder a bare partial name is looked up in: the template's, or the controller's."""
    m = VIEW_TEMPLATE.search(fs.pf.rel)
    if m is not None:
        return m.group(1)
    if scope.cls is not None and scope.cls.fq.endswith("Controller"):
        return underscore(scope.cls.fq[: -len("Controller")])
    return None


class RenderSite:
    """One render of a partial: its key, the locals it passes (name -> expression) and what binds
    the partial's own name (`object:`/`collection:` or `render @records`).

    key: (folder, name); ("*", name) for a bare name rendered where the folder is unknown (a model's
    broadcast, a helper); None for `render record(s)` (the records' model picks the partial); COMPUTED
    for a partial named by an expression (`render partial_for(x), a: x`), which may be any partial."""

    def __init__(self, key, locals_, each, scope) -> None:
        self.key = key
        self.locals = locals_
        # (expression or None for `self`, is_collection, local name) or None
        self.each = each
        self.scope = scope
        # in a file the type scan skipped: it names no typed class nor an association reader leading to one
        self.unscanned = False


COMPUTED = ("?", "?")
# A helper named for what it returns: a partial's path (`render tool_result_partial(tool), tool: tool`).
_PARTIAL_NAME = re.compile(r"partial(?:_name|_path)?$")
# turbo-rails' stream actions: `turbo_stream.append "list", partial: ..` / `turbo_stream.replace @message`
# render a partial (a record's when given a record); `broadcast_append_to` & co. on a model render
# its own partial (`messages/_message` with `message: self`) unless told otherwise.
_TURBO_ACTIONS = frozenset({"append", "prepend", "replace", "update", "before", "after", "append_all",
                            "prepend_all", "replace_all", "update_all", "before_all", "after_all"})
_BROADCAST = re.compile(r"^broadcast_(?:append|prepend|replace|update|before|after)(?:_later)?(?:_to)?$")
# keywords that give a turbo action or a broadcast its content without a record's partial
_OWN_CONTENT = frozenset({"html", "content", "renderable", "template", "inline", "plain", "json", "body"})
# arguments that name a DOM target, not a record to render
_TARGET_CALLS = frozenset({"dom_id", "dom_class", "dom_target"})
_LITERAL_ARGS = frozenset({"string", "simple_symbol", "delimited_symbol", "integer", "nil", "true", "false",
                           "array", "string_array", "symbol_array", "pair", "hash", "hash_splat_argument",
                           "block_argument"})


def partial_sites(fs: FileScan) -> list[RenderSite]:
    """The file's renders of partials: `render` in templates, helpers and controllers, and anywhere a call
    with `partial:` (`turbo_stream.append`, `broadcast_append_to`, `ApplicationController.render`), a turbo
    stream action given a record, a model's own broadcast."""
    out: list[RenderSite] = []
    for call, scope in fs.calls:
        name = fs.name_of(call)
        if name is None or not (name in ("render", "render_to_string") or name in _TURBO_ACTIONS
                                or _BROADCAST.match(name)):
            continue
        recv = fs.receiver_of(call)
        args = call_args(call)
        pairs = _pairs(args)
        folder = _folder_of(fs, scope)
        if "partial" in pairs:
            out.append(_keyed_partial(pairs, folder, scope))
        elif name == "render" and recv is None and args:
            site = _render_site(fs, args, pairs, folder, scope)
            if site is not None:
                out.append(site)
        elif name in _TURBO_ACTIONS and recv is not None and text(recv) == "turbo_stream":
            if not _OWN_CONTENT.intersection(pairs) and call.child_by_field_name("block") is None:
                # a record given by a variable (a call there is a helper's HTML: `helpers.tag.div`, `render_to_string`)
                out.extend(RenderSite(None, {}, (arg, True, None), scope) for arg in args
                           if arg.type in ("identifier", "instance_variable"))
        elif _BROADCAST.match(name) and not _OWN_CONTENT.intersection(pairs):
            out.append(RenderSite(None, pairs, (recv, False, None), scope))  # recv None: `self`
    return out


def _render_site(fs: FileScan, args, pairs: dict, folder: str | None, scope) -> RenderSite | None:
    """A receiver-less `render` without `partial:`: a partial named by a string (templates and helpers), a
    template (controllers: not a partial), records, or a computed name."""
    first = args[0]
    in_view = fs.pf.rel.endswith(".erb") or _HELPER.search(fs.pf.rel) is not None
    if first.type in ("string", "simple_symbol"):
        if not in_view:
            return None  # a controller's `render "chats/show"`: a template
        name = symbol_value(first)
        if name is None:
            return RenderSite(COMPUTED, pairs, None, scope)  # `render "messages/#{kind}"`
        return RenderSite(_named(name, folder), pairs, None, scope)
    if first.type in ("pair", "hash", "hash_splat_argument"):
        return None  # `render json: ..`, `render turbo_stream: ..`: no partial
    if first.type == "call" and fs.name_of(first) == "new":
        return None  # `render Card::Component.new(..)`: a component renders itself
    if not _may_be_record(first):
        return None
    named = first.child_by_field_name("method") if first.type == "call" else first
    if first.type in ("call", "identifier") and named is not None and _PARTIAL_NAME.search(text(named)):
        return RenderSite(COMPUTED, pairs, None, scope)  # `render tool_partial(tool), tool: tool`: a helper's path
    # `render @messages` / `render message, extra: 1`: a record's partial; a call may also give a name
    return RenderSite(None, pairs, (first, True, None), scope)


def _may_be_record(arg) -> bool:
    if arg.type in _LITERAL_ARGS:
        return False
    if arg.type == "call":
        m = arg.child_by_field_name("method")
        return m is None or text(m) not in _TARGET_CALLS
    return True


def _pairs(args) -> dict:
    found = {}
    for a in args:
        for pair in (a.named_children if a.type == "hash" else [a]):
            if pair.type == "pair":
                key = pair.child_by_field_name("key")
                kname = symbol_value(key) if key is not None else None
                if kname is None and key is not None:
                    kname = text(key).rstrip(":")
                found[kname] = pair.child_by_field_name("value")
            elif pair.type == "hash_splat_argument":
                found["**"] = pair
    return found


def _keyed_partial(pairs: dict, folder: str | None, scope) -> RenderSite:
    """`render partial: "x", locals: {..}, collection: ..`; a locals Hash that is not a literal passes
    unknown names ("**"), a partial or `as:` that is not a literal makes the site COMPUTED."""
    name = symbol_value(pairs["partial"])
    locals_: dict = {}
    local_hash = pairs.get("locals")
    if local_hash is not None:
        locals_ = _pairs([local_hash]) if local_hash.type == "hash" else {"**": local_hash}
    if "**" in pairs:
        locals_["**"] = pairs["**"]
    key = COMPUTED if name is None else _named(name, folder)
    as_node = pairs.get("as")
    as_name = symbol_value(as_node) if as_node is not None else None if key == COMPUTED else key[1]
    each = None
    for kw, many in (("object", False), ("collection", True)):
        if kw in pairs:
            each = (pairs[kw], many, as_name)
    return RenderSite(key, locals_, each, scope)


def partial_local(infer: Inferer, views: ViewIvars, fs: FileScan, name: str) -> TypeRef | None | bool:
    """A local of a partial from every render of it; False when no render passes that name (a helper)."""
    key = partial_key(fs.pf.rel)
    if key is None:
        return False
    found: list[TypeRef | None] = []
    for site in views.partial_renders():
        if site.key == COMPUTED:
            if name in site.locals or "**" in site.locals or (site.each is not None and site.each[2] in (name, None)):
                return None  # a partial named by an expression may be this one
        elif site.key is None:
            if name != key[1] and name not in site.locals and "**" not in site.locals:
                continue
            node = site.each[0]
            records = infer.self_type(site.scope) if node is None else infer.type_of(node, site.scope)
            element = _rendered_records(records)
            if element is None and site.unscanned and not _names_model(site, key[1]):
                continue  # a file naming no typed class renders records of its own (`render video`)
            if element is None or infer.project.classes.get(element.app_class) is None:
                return None  # records of an unknown model (perhaps this partial's), or a partial's name
            app = infer.project.classes[element.app_class]
            if any("to_partial_path" in d.methods for c in app.chain() for d in c.defs):
                return None  # the model picks its own partial
            model = underscore(app.fq)
            if model.rsplit("/", 1)[-1] != key[1]:
                continue  # another model's partial
            if "/" in model or "/" in key[0]:
                return None  # namespaced models or folders: Rails' partial path rules, not followed here
            found.extend(_passed(infer, site, name, element if name == key[1] else None))
        elif site.key == key or site.key == ("*", key[1]):
            found.extend(_passed(infer, site, name, None) or [None])  # a render not passing it: not this local
    if not found:
        return False
    first = found[0]
    return first if first is not None and all(t == first for t in found) else None


def _names_model(site: RenderSite, single: str) -> bool:
    """The site's file says the partial's model name, singular or plural (`message`, `@messages`)."""
    return re.search(rb"\b" + re.escape(single.encode()) + rb"s?\b", site.scope.file.pf.source) is not None


def _passed(infer, site: RenderSite, name: str, own: TypeRef | None) -> list[TypeRef | None]:
    """What one render of the partial binds to `name`: a local, the records it iterates, both or nothing."""
    out: list[TypeRef | None] = []
    if own is not None:
        out.append(own)
    if name in site.locals:
        out.append(infer.type_of(site.locals[name], site.scope))
    elif "**" in site.locals:
        out.append(None)
    if site.key is not None and site.each is not None and site.each[2] == name:
        out.append(_element(infer.type_of(site.each[0], site.scope), site.each[1]))
    return out


def _rendered_records(t: TypeRef | None) -> TypeRef | None:
    """What `render x` binds in the partial of x's model: one record (`render message`), or each record
    of a relation or an Array of records (`render @messages`); None when x holds no model's records."""
    if t is not None and not t.singleton and t.open and not t.collection and t.app_class:
        return t  # a record (a plain model's too: its partial is another one)
    return _element(t, True)


def _element(t: TypeRef | None, many: bool) -> TypeRef | None:
    if t is None or not many:
        return t
    if t.singleton and t.open and t.app_class:
        return t.instance()  # a model's relation: its records
    if t.collection and not t.singleton:
        return t.element()
    return None
