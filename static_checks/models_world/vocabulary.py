"""ActiveRecord names the inferer needs; no imports, so static_checks.types can use it without a cycle."""

# ActiveRecord::QueryMethods/SpawnMethods (and `all`): a relation of the same model.
AR_RELATION = frozenset({
    "all", "where", "not", "rewhere", "invert_where", "order", "reorder", "in_order_of", "includes", "preload",
    "eager_load", "joins", "left_joins", "left_outer_joins", "references", "limit", "offset", "distinct",
    "group", "having", "unscope", "only", "except", "readonly", "lock", "none", "strict_loading", "extending",
    "from", "merge", "with", "unscoped", "excluding", "without", "and", "or", "annotate", "optimizer_hints",
    "create_with",
})

# ActiveRecord class methods that hand back one record of the model.
AR_FINDERS = frozenset({
    "new", "create", "create!", "find", "find_by", "find_by!", "first", "first!", "last", "last!",
    "take", "take!", "find_or_create_by", "find_or_create_by!", "find_or_initialize_by",
    "create_or_find_by", "create_or_find_by!", "sole", "find_sole_by",
})
