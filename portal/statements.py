"""Statements built once per process, on first use (STYLE: a speed trick behind one door).

The hot pages' statements carry joins and loader options: building such a select costs more than
running it, so each is built by a small function decorated with `@statement`, which builds it on
the first call and hands the same object after. Built on first use, not at import: importing a
module never configures the mappers, so modules import in any order. SQLAlchemy's own compiled
cache then finds the compiled form by the statement's cache key.
"""
from functools import cache


def statement(build):
    """`build()` runs once, on the first call; later calls return the same statement."""
    return cache(build)
