"""The data builders and measured operations of `mofan bench`, one module per section.

Kept free of imports so that `python -m mofan.site.bench.import_child` can set Django up first.
"""
