"""Check history: every result stored, queryable by time interval, rolled up, pruned.

Public face: :func:`open_store` (a :class:`Store` from a URL), :class:`StoreWriter` (the thread
that writes for the running monitor), :class:`Maintenance` (rollups and retention), the records
:class:`Page`, :class:`Rollup`, :class:`Transition`, and :class:`StoreError`.
"""

from __future__ import annotations

from ._base import LEVELS, US, Page, Rollup, Store, StoreError, Transition
from ._rollup import Maintenance, watermarks
from ._sqlite import SQLiteStore
from ._writer import StoreWriter

__all__ = [
    "LEVELS",
    "US",
    "Maintenance",
    "Page",
    "Rollup",
    "SQLiteStore",
    "Store",
    "StoreError",
    "StoreWriter",
    "Transition",
    "open_store",
    "watermarks",
]

DEFAULT_URL = "sqlite:///output/sitewatch.db"


def open_store(url: str, *, create: bool = True) -> Store | None:
    """``sqlite:///relative.db``, ``sqlite:////absolute.db`` or ``none`` (→ ``None``).

    With ``create=False`` (readers) a store that does not exist yet is an error, not a new file."""
    if url == "none":
        return None
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if not path:
            raise StoreError(f"store URL {url!r} names no file: use sqlite:///path/to/file.db")
        return SQLiteStore(path, create=create)
    raise StoreError(f"unsupported store URL {url!r}: use sqlite:///path/to/file.db or none")
