"""Getting results into the store without ever slowing the scheduler.

The hub appends to a bounded buffer (O(1), never blocks); a real thread takes everything every
``flush_interval`` seconds and writes it as one batch. If the database is locked or failing, the
batch is kept and retried while new results wait in the buffer; only when the buffer is full are
results dropped — counted in ``overflow`` and reported, never silently.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections import deque
from collections.abc import Callable

from ..result import Result
from ._base import Store, StoreError, Transition
from ._rollup import Maintenance

OnProblem = Callable[[str], None]


class StoreWriter:
    """Owns the thread that writes to a :class:`Store`."""

    def __init__(
        self,
        store: Store,
        *,
        capacity: int = 200_000,
        flush_interval: float = 0.2,
        maintenance: Maintenance | None = None,
        maintenance_interval: float = 5.0,
        prune_interval: float = 60.0,
        on_problem: OnProblem | None = None,
    ) -> None:
        self.store = store
        self.capacity = capacity
        self.flush_interval = flush_interval
        self.maintenance = maintenance
        self.maintenance_interval = maintenance_interval
        self.prune_interval = prune_interval
        self.on_problem = on_problem or (lambda text: None)
        self.overflow = 0
        self.written = 0
        self.failures = 0
        self._results: deque[Result] = deque()
        self._transitions: deque[Transition] = deque()
        self._pending: tuple[list[Result], list[Transition]] | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="store-writer", daemon=True)
        self._thread.start()

    @property
    def buffered(self) -> int:
        """Results waiting to be written (the ``sitewatch_store_buffer`` figure)."""
        return len(self._results) + (len(self._pending[0]) if self._pending else 0)

    def put(self, result: Result) -> bool:
        """Queue a result (from the hub). False when the buffer was full and it was dropped."""
        if self.buffered >= self.capacity:
            self.overflow += 1
            if self.overflow == 1 or self.overflow % 10_000 == 0:
                self.on_problem(f"store buffer full ({self.capacity} results): {self.overflow} results dropped")
            return False
        self._results.append(result)
        return True

    def put_transition(self, transition: Transition) -> None:
        self._transitions.append(transition)  # few and small: never dropped

    def close(self, timeout: float = 10.0) -> None:
        """Write everything still buffered, then stop the thread."""
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        next_maintenance = time.monotonic() + self.maintenance_interval
        next_prune = time.monotonic() + self.prune_interval
        while True:
            stopping = self._stop.wait(self.flush_interval)
            self._flush()
            if stopping:
                self._flush()  # results that arrived during the last flush
                return
            if self.maintenance is not None and time.monotonic() >= next_maintenance:
                next_maintenance = time.monotonic() + self.maintenance_interval
                try:
                    self.maintenance.step()
                    if time.monotonic() >= next_prune:  # one range delete per monitor and table
                        next_prune = time.monotonic() + self.prune_interval
                        self.maintenance.prune()
                except StoreError as exc:
                    self.on_problem(f"store maintenance failed (will retry): {exc}")
                except Exception:  # a bug here must not stop results from being written
                    traceback.print_exc()

    def _flush(self) -> None:
        if self._pending is None:
            results = [self._results.popleft() for _ in range(len(self._results))]
            transitions = [self._transitions.popleft() for _ in range(len(self._transitions))]
            if not results and not transitions:
                return
            self._pending = (results, transitions)
        try:
            self.store.write(*self._pending)
        except StoreError as exc:
            self.failures += 1
            if self.failures == 1 or self.failures % 50 == 0:
                self.on_problem(f"store write failed, {self.buffered} results kept for retry: {exc}")
            return
        self.written += len(self._pending[0])
        self._pending = None
