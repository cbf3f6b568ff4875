"""What the readers types.infer.Inferer calls back (hashes, views) need of it.

They are handed an inferer per call and type it with this Protocol: they import nothing of types.infer
and keep no reference to it, so an inferer and the view model it builds form no cycle (a root's trees are
freed when its inferer goes, not at the next full collection).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import tree_sitter as ts

    from static_checks.types.ref import TypeRef
    from static_checks.types.scan import Scope


class Inferer(Protocol):
    cuts: int  # loop cuts: a recursion guard answered before its value was known

    project: Any  # types.project.Project (which imports views): a partial's renders are typed against its classes

    def type_of(self, node: ts.Node | None, scope: Scope) -> TypeRef | None: ...

    def self_type(self, scope: Scope) -> TypeRef | None: ...  # `broadcast_append_to` in a model renders `self`

    def _app_ivar(self, app, name: str) -> TypeRef | None: ...  # app: types.project.AppClass (which imports views)
