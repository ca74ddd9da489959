"""The long-running monitor: config → scheduler → probe → {log.txt, health.txt, console}.

Everything runs on one gevent hub in the main thread; file and console output go through threads
of their own. Signals: SIGINT/SIGTERM stop (after flushing), SIGHUP reloads the config.
"""

from __future__ import annotations

import resource
import signal
import sys
from pathlib import Path
from typing import Any

import gevent
import gevent.event

from .alerts import Alerts, Notifier
from .config import Config, Monitor, format_duration, load_config
from .errors import ConfigError, UsageError
from .outputs import ConsoleReport, LineWriter, MinuteSummary, RotatingFile, minute_lines, state_line
from .prober import LocalProber, Prober
from .result import Result, iso_utc, now
from .scheduler import MinuteTicker, summarize
from .state import DOWN, StateTracker
from .store import US, Maintenance, Store, StoreError, StoreWriter, Transition, open_store
from .web import LiveSource, ProcessFigures, WebServer, create_app
from .workers import WorkerPool

# How long running checks may finish after a stop request before they are cancelled; with the
# flush this keeps shutdown within the 2 s users are promised.
STOP_GRACE_S = 1.0


class Runner:
    """One monitoring process. ``run()`` returns the exit code."""

    def __init__(
        self,
        config_path: str | Path,
        overrides: dict[str, Any] | None = None,
        *,
        console: ConsoleReport | None = None,
        minute_period: float = 60.0,
        web: tuple[str, int] | None = None,
        workers: int = 1,
    ) -> None:
        self.config_path = Path(config_path)
        self.overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
        self.console = console or ConsoleReport()
        self.minute_period = minute_period
        self.web_address = web
        self.workers = workers
        self.web: WebServer | None = None
        self.tracker = StateTracker()
        self.config: Config | None = None
        self._stop = gevent.event.Event()

    def _load(self) -> Config:
        return load_config(self.config_path, **self.overrides)

    def _try_load(self) -> tuple[Config | None, ConfigError | None]:
        """For the thread pool: return the problem rather than raise it across threads."""
        try:
            return self._load(), None
        except ConfigError as exc:
            return None, exc

    def run(self, duration: float | None = None) -> int:
        """Monitor until stopped (signal, :meth:`stop`) or ``duration`` seconds have passed."""
        try:
            config = self.config = self._load()
        except ConfigError as exc:
            for problem in exc.problems:
                self.console.error(problem)
            self.console.close()
            return 2
        settings = config.settings
        _raise_open_files_limit(settings.max_concurrency)
        # Threads (writers, console) must not hold the GIL long while the hub has a timer due.
        sys.setswitchinterval(0.0005)

        try:
            log_file = RotatingFile(settings.log, settings.log_max_bytes, settings.log_backups)
            health_file = RotatingFile(settings.health, settings.log_max_bytes, settings.log_backups)
        except OSError as exc:
            self.console.error(f"cannot open {exc.filename}: {exc.strerror}")
            self.console.close()
            return 2
        try:
            store = open_store(settings.store)
        except StoreError as exc:
            self.console.error(str(exc))
            self.console.close()
            return 2
        self.log = LineWriter(log_file, "log")
        self.health = LineWriter(health_file, "health")
        self.store_writer: StoreWriter | None = None
        if store is not None:
            maintenance = Maintenance(
                store,
                grace_s=max((m.timeout for m in config.monitors), default=10) + 60,
                raw_days=settings.retention_days,
                rollup_days=settings.rollup_retention_days,
            )
            self.store_writer = StoreWriter(store, maintenance=maintenance, on_problem=self.console.error)
        self.prober: Prober
        if self.workers > 1:
            self.prober = WorkerPool(
                self.workers, self._on_result, self._on_skip, location=settings.location,
                max_concurrency=settings.max_concurrency, on_event=self.console.error,
            )  # fmt: skip
        else:
            self.prober = LocalProber(
                self._on_result, self._on_skip, location=settings.location, max_concurrency=settings.max_concurrency
            )
        self.prober.set_monitors(config.monitors)
        self._by_name = {m.name: m for m in config.monitors}
        self.alerts = Alerts(Notifier(self.health.put, min_interval=settings.notify_min_interval), self.health.put)
        self.ticker = MinuteTicker(self._on_minute, period=self.minute_period)
        if self.web_address is not None:
            try:
                self.web = self._start_web(store, *self.web_address)
            except UsageError as exc:
                self.console.error(str(exc))
                self._close_outputs()
                return 2

        handlers = [
            gevent.signal_handler(signal.SIGTERM, self.stop),
            gevent.signal_handler(signal.SIGINT, self.stop),
            gevent.signal_handler(signal.SIGHUP, lambda: gevent.spawn(self.reload)),
        ]
        intervals = sorted({m.interval for m in config.monitors})
        self.console.info(
            f"sitewatch: watching {len(config.monitors)} monitors from {config.source} at location "
            f"{settings.location!r}; first checks spread over {format_duration(max(intervals, default=0) or 1)}; "
            f"log → {settings.log}, health → {settings.health}" + (f"; status page {self.web.url}" if self.web else "")
        )
        self.prober.start()
        self.ticker.start()
        try:
            self._stop.wait(timeout=duration)
        finally:
            for handler in handlers:
                handler.cancel()
            self._shutdown()
        return 0

    def stop(self) -> None:
        """Ask the process to stop (safe from signal handlers and other greenlets)."""
        self._stop.set()

    def reload(self) -> bool:
        """Re-read the config; on any problem keep the running one and say why."""
        new, problem = gevent.get_hub().threadpool.apply(self._try_load)
        if new is None:
            exc = problem
            assert exc is not None
            self.console.error(f"reload of {self.config_path} failed; still running the previous config:")
            for problem in exc.problems:
                self.console.error(problem)
            self.health.put(f"ts={iso_utc(now())} event=reload ok=false problems={len(exc.problems)}")
            return False
        old = self.config
        assert old is not None
        self.config = new
        self.prober.location = new.settings.location
        self.prober.max_concurrency = new.settings.max_concurrency
        self.prober.set_monitors(new.monitors)
        self._by_name = {m.name: m for m in new.monitors}
        self.tracker.keep_only(set(self._by_name))
        self.alerts.notifier.min_interval = new.settings.notify_min_interval
        before, after = {m.name for m in old.monitors}, {m.name for m in new.monitors}
        changed = sum(1 for m in new.monitors if m.name in before and m not in old.monitors)
        self.health.put(f"ts={iso_utc(now())} event=reload ok=true monitors={len(new.monitors)}")
        self.console.info(
            f"reloaded {self.config_path}: {len(after - before)} added, {len(before - after)} removed, "
            f"{changed} changed"
        )
        if (old.settings.log, old.settings.health) != (new.settings.log, new.settings.health):
            self.console.info("log/health paths changed: they take effect at the next start")
        return True

    # -- on the hub ----------------------------------------------------------------------------------

    def _on_result(self, result: Result) -> None:
        self.log.put(result.to_logfmt())
        writer = self.store_writer
        if writer is not None:
            writer.put(result)
        monitor = self._by_name.get(result.monitor)
        if monitor is None:  # removed by a reload while its check ran
            return
        change = self.tracker.observe(result, monitor.confirm, monitor.recover)
        if change is not None:
            self.health.put(state_line(change))
            self.console.state_change(change)
            self.alerts.on_change(change, monitor)
            if writer is not None:
                writer.put_transition(
                    Transition(result.monitor, result.location, round(change.at * US), change.old, change.new,
                               result.result, result.error)
                )  # fmt: skip
        elif monitor.retry_interval is not None and self.tracker.pending(monitor.name):
            self.prober.expedite(monitor.name, monitor.retry_interval)
        if result.cert_days is not None:
            self.alerts.on_result(result, monitor)

    def _on_skip(self, monitor: Monitor, why: str) -> None:
        # Counted per monitor in health.txt's minute line and in the console summary; not printed
        # one by one, since an overloaded process would flood the terminal exactly when it hurts.
        self.tracker.skipped(monitor.name)

    def _on_minute(self, boundary: float, lateness: float) -> None:
        # Only O(1) swaps here; the sorting and formatting happen in the health writer's thread.
        buckets = self.tracker.take_minute()
        states = dict(self.tracker.states)
        names = [m.name for m in self.prober.monitors]
        check_lateness = self.prober.lateness.take()
        skipped = self.prober.skipped
        location = self.prober.location
        report = self.console

        def job() -> list[str]:
            lines = minute_lines(boundary, lateness, location, names, buckets, states)
            current = [states[n].state for n in names if n in states]
            report.minute(
                MinuteSummary(
                    boundary=boundary,
                    monitors=len(names),
                    up=current.count("up"),
                    slow=current.count("slow"),
                    down=current.count(DOWN),
                    checks=sum(b.checks for b in buckets.values()),
                    skipped=skipped,
                    lateness_p99_ms=_ms(summarize(check_lateness).p99),
                    tick_lateness_ms=lateness * 1000,
                )
            )
            return lines

        self.health.put(job)

    # -- stopping ------------------------------------------------------------------------------------

    def _start_web(self, store: Store | None, host: str, port: int) -> WebServer:
        source = LiveSource(lambda: self.prober.monitors, self.tracker, lambda: self.prober.location, store)

        def figures() -> ProcessFigures:
            lateness = self.prober.lateness_histogram
            return ProcessFigures(
                checks_by_result=dict(self.tracker.checks_by_result),
                skipped=self.prober.skipped,
                lateness_buckets=lateness.cumulative(),
                lateness_sum=lateness.sum,
                store_buffer=None if self.store_writer is None else self.store_writer.buffered,
            )

        server = WebServer(create_app(source, mode="run", process=figures), host, port)
        server.start()
        return server

    def _close_outputs(self, farewell: str = "") -> None:
        """Release the probe, then write out everything buffered: files, store, console."""
        self.prober.close()
        self.log.close()
        self.health.close()
        if self.store_writer is not None:
            self.store_writer.close()
            self.store_writer.store.close()
        if farewell:
            self.console.info(farewell)
        self.console.close()

    def _shutdown(self) -> None:
        self.ticker.stop()
        self.alerts.notifier.close()
        if self.web is not None:
            self.web.stop()
        cancelled = self.prober.stop(grace=STOP_GRACE_S)
        note = f" ({cancelled} checks still running were cancelled)" if cancelled else ""
        self._close_outputs(f"sitewatch: stopped; {self.prober.started} checks run{note}")


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def _raise_open_files_limit(max_concurrency: int) -> None:
    """Each running check holds a socket: make sure the process may open enough of them."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = max_concurrency * 2 + 64
    if soft != resource.RLIM_INFINITY and soft < wanted:
        ceiling = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (ceiling, hard))
