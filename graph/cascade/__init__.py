"""Cascade linking: which lower-level task implements which higher-level one (linker), from text features (text,
features), candidate search (index), level and place scope (scope), a model fitted offline (scoring), read from a
store in batches (read); and a task's implementation chain as a tree by level (chain_tree)."""
