"""Names: resolving what a client calls a drug or an effect, and searching names.

The matching rule itself (`name_key`) is app/name_keys.py, a leaf module the loaders share.
"""
