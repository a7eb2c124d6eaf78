"""Patches to Whoosh 2.7's write path (Whoosh is no longer maintained), applied on import.

None changes the index format: an unpatched Whoosh reads what they write.
"""
import sys

from whoosh.codec.whoosh3 import W3PerDocReader, W3TermInfo
from whoosh.writing import PostingPool

# Whoosh's writer calls terminfo.set_inline() for a short posting list, a method its term info
# names set_inlined(): inlining has never worked, so the default inlinelimit=1 inlines nothing.
if not hasattr(W3TermInfo, "set_inline"):
    W3TermInfo.set_inline = W3TermInfo.set_inlined


def _cached_length_reader(self, fieldname, column, _uncached=W3PerDocReader._cached_reader):
    """Whoosh reads a field length for every posting it writes and, for a field that stores none,
    looks for the missing file each time (a stat per posting); remember that it is missing."""
    if fieldname not in self._readers:
        self._readers[fieldname] = _uncached(self, fieldname, column)
    return self._readers[fieldname]


W3PerDocReader._cached_reader = _cached_length_reader


def _pool_bounded_by_memory(self, tempstore, segment, limitmb=128, _init=PostingPool.__init__, **kwargs):
    """Whoosh also spills a posting pool to disk every million postings, whatever limitmb says
    (each spill pickles every posting to disk and back): let limitmb alone decide."""
    kwargs.setdefault("maxsize", sys.maxsize)
    _init(self, tempstore, segment, limitmb=limitmb, **kwargs)


PostingPool.__init__ = _pool_bounded_by_memory
