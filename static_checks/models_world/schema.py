"""Tables and their columns, from db/schema.rb (read with tree-sitter) or db/structure.sql.

A table's column list is complete only when its whole definition was read; anything we cannot
follow (a `create_table` whose name is computed, a column line we do not understand) marks
that table as not fully known, so the model world stays unverifiable for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import tree_sitter as ts

from static_checks.parsing import ParsedFile
from static_checks.types.syntax import call_args, keyword_args, literal_name, statements

SCHEMA_RB = "db/schema.rb"
STRUCTURE_SQL = "db/structure.sql"
# t.<type> "name"... in create_table blocks; anything else that is not an index/check is not understood.
_NO_COLUMN = frozenset({"index", "check_constraint", "foreign_key", "exclusion_constraint", "unique_constraint"})
_TIMESTAMPS = ("created_at", "updated_at")
# Column types schema.rb writes as `t.<type>` (Rails' native types and the adapters' own).
COLUMN_TYPES = frozenset({
    "string", "text", "integer", "bigint", "float", "decimal", "numeric", "datetime", "timestamp", "timestamptz",
    "time", "date", "binary", "blob", "boolean", "json", "jsonb", "uuid", "citext", "inet", "cidr", "macaddr",
    "hstore", "ltree", "interval", "xml", "tsvector", "point", "line", "lseg", "box", "path", "polygon",
    "circle", "money", "bit", "bit_varying", "int4range", "int8range", "numrange", "tsrange", "tstzrange",
    "daterange", "enum", "virtual", "primary_key", "serial", "bigserial", "oid", "vector", "tinytext",
    "mediumtext", "longtext", "tinyblob", "mediumblob", "longblob", "unsigned_integer", "unsigned_bigint",
    "unsigned_float", "unsigned_decimal", "set", "geometry", "geography", "st_point", "st_polygon",
})


@dataclass
class Schema:
    source: str  # the file read
    columns: dict[str, set[str]] = field(default_factory=dict)  # table -> column names
    partial: set[str] = field(default_factory=set)  # tables whose definition we could not read whole


def _table_block(pf: ParsedFile, call: ts.Node, schema: Schema) -> None:
    args = call_args(call)
    table = literal_name(pf, args[0]) if args else None
    if table is None:
        return
    kw = keyword_args(pf, args)
    cols: set[str] = set()
    pk = kw.get("primary_key")
    if "id" in kw and kw["id"].type == "false":
        pass  # no primary key column
    elif pk is not None:
        name = literal_name(pf, pk)
        if name is None:
            schema.partial.add(table)  # composite keys: read, but not modelled
        else:
            cols.add(name)
    else:
        cols.add("id")
    block = call.child_by_field_name("block")
    for stmt in statements(block.child_by_field_name("body")) if block is not None else []:
        if not _column_line(pf, stmt, cols):
            schema.partial.add(table)
    schema.columns[table] = cols


def _column_line(pf: ParsedFile, stmt: ts.Node, cols: set[str]) -> bool:
    """Adds the columns one `t.x ...` line declares; False when the line is not understood."""
    if stmt.type != "call" or stmt.child_by_field_name("receiver") is None:
        return False
    kind = pf.text(stmt.child_by_field_name("method"))
    args = call_args(stmt)
    names = [literal_name(pf, a) for a in args if a.type != "pair"]
    if kind in _NO_COLUMN:
        return True
    if kind == "timestamps":
        cols.update(_TIMESTAMPS)
        return True
    if None in names or not names:
        return False
    if kind in ("references", "belongs_to"):
        poly = keyword_args(pf, args).get("polymorphic")
        for n in names:
            cols.add(f"{n}_id")
            if poly is not None and poly.type != "false":
                cols.add(f"{n}_type")
        return True
    if kind == "column":
        cols.add(names[0])  # t.column "name", :type
        return True
    if kind not in COLUMN_TYPES:
        return False
    cols.update(n for n in names if n is not None)
    return True


def read_schema_rb(pf: ParsedFile) -> Schema:
    schema = Schema(source=pf.rel)
    stack = [pf.root]
    while stack:
        node = stack.pop()
        if node.type == "call" and node.child_by_field_name("receiver") is None and \
                pf.text(node.child_by_field_name("method")) == "create_table":
            _table_block(pf, node, schema)
            continue
        stack.extend(node.named_children)
    return schema


_CREATE = re.compile(
    r"CREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([\w.\"`]+)\s*\((.*?)\n\)", re.I | re.S
)
_NOT_COLUMN = re.compile(r"^(?:CONSTRAINT|PRIMARY|UNIQUE|CHECK|FOREIGN|EXCLUDE|KEY|INDEX|FULLTEXT|SPATIAL)\b", re.I)
_COLUMN = re.compile(r"""^["`]?([A-Za-z_][\w$]*)["`]?\s""")


def read_structure_sql(text: str, source: str = STRUCTURE_SQL) -> Schema:
    schema = Schema(source=source)
    for m in _CREATE.finditer(text):
        table = m.group(1).replace('"', "").replace("`", "").rsplit(".", 1)[-1]
        cols: set[str] = set()
        for line in m.group(2).splitlines():
            line = line.strip().rstrip(",")
            if not line or line.startswith("--") or _NOT_COLUMN.match(line):
                continue
            col = _COLUMN.match(line)
            if col is None:
                schema.partial.add(table)
            else:
                cols.add(col.group(1))
        schema.columns[table] = cols
    return schema
