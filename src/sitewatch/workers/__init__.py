"""Using every core: probe workers, one per core, each with a stable shard of the monitors.

Public face: :class:`WorkerPool` (the supervisor's side), :func:`worker_main` (the worker
process), :func:`shard_of`.
"""

from __future__ import annotations

from ._pool import WorkerPool
from ._wire import shard_of
from ._worker import worker_main

__all__ = ["WorkerPool", "shard_of", "worker_main"]
