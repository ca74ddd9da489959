"""``/metrics``: a prometheus_client collector that reads current state at scrape time.

The probe_* names and labels follow blackbox_exporter's, so existing Grafana dashboards work, with
``monitor``, ``url`` and ``location`` labels added since one sitewatch watches many targets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

from ..result import SLOW, UP, Result

LABELS = ["monitor", "url", "location"]


@dataclass(slots=True)
class ProcessFigures:
    """The running monitor's own counters (absent under ``sitewatch serve``)."""

    checks_by_result: dict[str, int] = field(default_factory=dict)
    skipped: int = 0
    lateness_buckets: list[tuple[str, float]] = field(default_factory=list)  # (le, cumulative count)
    lateness_sum: float = 0.0
    store_buffer: int | None = None


class SitewatchCollector(Collector):
    def __init__(self, latest: Callable[[], Iterable[Result]], process: Callable[[], ProcessFigures | None]):
        self._latest = latest
        self._process = process

    def collect(self) -> Iterator[Metric]:
        success = GaugeMetricFamily("probe_success", "Whether the last check passed (up or slow)", labels=LABELS)
        duration = GaugeMetricFamily("probe_duration_seconds", "Duration of the last check", labels=LABELS)
        status = GaugeMetricFamily("probe_http_status_code", "HTTP status of the last check", labels=LABELS)
        phases = GaugeMetricFamily(
            "probe_http_duration_seconds", "Duration of each phase of the last check", labels=[*LABELS, "phase"]
        )
        length = GaugeMetricFamily("probe_http_content_length", "Body bytes read by the last check", labels=LABELS)
        expiry = GaugeMetricFamily(
            "probe_ssl_earliest_cert_expiry", "Earliest certificate expiry in the chain, Unix time", labels=LABELS
        )
        for r in self._latest():
            labels = [r.monitor, r.url, r.location]
            success.add_metric(labels, 1.0 if r.result in (UP, SLOW) else 0.0)
            if r.time_ms is not None:
                duration.add_metric(labels, r.time_ms / 1000)
            status.add_metric(labels, float(r.http_code or 0))
            if r.bytes is not None:
                length.add_metric(labels, float(r.bytes))
            if r.cert_days is not None:
                expiry.add_metric(labels, round(r.ts + r.cert_days * 86400))
            for phase, ms in _phases(r).items():
                phases.add_metric([*labels, phase], ms / 1000)
        yield from (success, duration, status, phases, length, expiry)
        figures = self._process()
        if figures is None:
            return
        checks = CounterMetricFamily("sitewatch_checks", "Checks finished, by result", labels=["result"])
        for result, count in sorted(figures.checks_by_result.items()):
            checks.add_metric([result], float(count))
        yield checks
        yield CounterMetricFamily(
            "sitewatch_checks_skipped", "Ticks skipped because the previous check still ran", value=figures.skipped
        )
        yield HistogramMetricFamily(
            "sitewatch_schedule_lateness_seconds",
            "How late checks started after their due time",
            buckets=figures.lateness_buckets,
            sum_value=figures.lateness_sum,
        )
        if figures.store_buffer is not None:
            yield GaugeMetricFamily(
                "sitewatch_store_buffer", "Results waiting to be written to the store", value=figures.store_buffer
            )


def _phases(r: Result) -> dict[str, float]:
    """blackbox_exporter's phases: resolve, connect, tls, processing (to first byte), transfer."""
    out: dict[str, float] = {}
    before_request = 0.0
    for phase, ms in (("resolve", r.dns_ms), ("connect", r.connect_ms), ("tls", r.tls_ms)):
        if ms is not None:
            out[phase] = ms
            before_request += ms
    if r.ttfb_ms is not None:
        out["processing"] = max(0.0, r.ttfb_ms - before_request)
        if r.time_ms is not None:
            out["transfer"] = max(0.0, r.time_ms - r.ttfb_ms)
    return out


def registry_for(collector: Collector) -> CollectorRegistry:
    """A fresh registry per app (never the global one), so tests and processes never share state."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    return registry
