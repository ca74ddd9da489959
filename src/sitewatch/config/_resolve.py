"""From validated file models to the records the program uses: defaults applied, names unique."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC
from urllib.parse import urlsplit

from ._durations import format_duration
from ._model import ConfigModel, MonitorModel, SettingsModel, WindowModel
from ._windows import DAYS, Window


@dataclass(frozen=True, slots=True)
class Settings:
    """Process-wide settings (see :class:`~sitewatch.config._model.SettingsModel` for the meaning)."""

    interval: float = 60.0
    timeout: float = 10.0
    location: str = "local"
    log: str = "output/log.txt"
    health: str = "output/health.txt"
    log_max_bytes: int = 50 * 1024 * 1024
    log_backups: int = 5
    max_concurrency: int = 500
    store: str = "sqlite:///output/sitewatch.db"
    retention_days: float = 30
    rollup_retention_days: float = 400
    confirm: int = 2
    recover: int = 2
    retry_interval: float | None = None
    notify: tuple[str, ...] = ()
    notify_min_interval: float = 60.0
    cert_warn_days: float = 14
    maintenance: tuple[Window, ...] = ()


@dataclass(frozen=True, slots=True)
class Monitor:
    """One monitor with every default resolved. Equal monitors check the same way."""

    name: str
    url: str
    interval: float
    timeout: float
    contains: tuple[str, ...] = ()
    not_contains: tuple[str, ...] = ()
    regex: str | None = None
    status: frozenset[int] | None = None  # None: any 2xx
    max_response_ms: float | None = None
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    body: str | None = None
    follow_redirects: bool = True
    verify_tls: bool = True
    ca_file: str | None = None
    max_body_bytes: int = 1024 * 1024
    confirm: int = 2
    recover: int = 2
    retry_interval: float | None = None
    notify: tuple[str, ...] = ()  # the monitor's own channels and the settings' ones
    cert_warn_days: float = 14
    maintenance: tuple[Window, ...] = ()  # the monitor's own windows and the settings' ones

    def in_maintenance(self, ts: float) -> bool:
        return any(w.active(ts) for w in self.maintenance)


@dataclass(frozen=True, slots=True)
class Config:
    """A loaded, valid configuration."""

    settings: Settings
    monitors: tuple[Monitor, ...] = field(default_factory=tuple)
    source: str = "<memory>"


def derive_name(url: str) -> str:
    """A readable default name: host[:port] plus path, without a trailing slash."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]  # never leak credentials into a name
    return (netloc + parts.path).rstrip("/") or url


def expand_status(spec: list[int | str] | None) -> frozenset[int] | None:
    """``[200, "3xx"]`` → the set of codes; ``None`` stays ``None`` (any 2xx)."""
    if spec is None:
        return None
    codes: set[int] = set()
    for item in spec:
        if isinstance(item, str) and item.endswith("xx"):
            base = int(item[0]) * 100
            codes.update(range(base, base + 100))
        else:
            codes.add(int(item))
    return frozenset(codes)


def resolve(model: ConfigModel, problems: list[str], label: dict[int, str]) -> Config:
    """Apply defaults; add a line to ``problems`` for each cross-field problem found."""
    s: SettingsModel = model.settings
    fields = s.model_dump(exclude={"notify", "maintenance"})
    settings = Settings(**fields, notify=tuple(s.notify), maintenance=tuple(_window(w) for w in s.maintenance))
    monitors: list[Monitor] = []
    seen: dict[str, int] = {}
    for index, m in enumerate(model.monitors):
        monitors.append(_resolve_monitor(index, m, settings, problems, label))
        name = monitors[-1].name
        if name in seen:
            hint = "" if m.name else " (derived from the URL; set a distinct `name`)"
            problems.append(f"{label[index]}: name: {name!r} is already used by monitor [{seen[name]}]{hint}")
        else:
            seen[name] = index
    return Config(settings=settings, monitors=tuple(monitors))


def _resolve_monitor(
    index: int, m: MonitorModel, settings: Settings, problems: list[str], label: dict[int, str]
) -> Monitor:
    interval = m.interval if m.interval is not None else settings.interval
    if m.timeout is not None:
        timeout = m.timeout
        if timeout > interval:
            problems.append(
                f"{label[index]}: timeout: {format_duration(timeout)} is longer than the interval "
                f"{format_duration(interval)}; a check must end before the next one is due"
            )
    else:  # an inherited default never makes a config invalid: it is capped instead
        timeout = min(settings.timeout, interval)
    return Monitor(
        name=m.name or derive_name(m.url),
        url=m.url,
        interval=interval,
        timeout=timeout,
        contains=tuple(m.contains),
        not_contains=tuple(m.not_contains),
        regex=m.regex,
        status=expand_status(m.status),
        max_response_ms=m.max_response_ms,
        method=m.method,
        headers=tuple(m.headers.items()),
        body=m.body,
        follow_redirects=m.follow_redirects,
        verify_tls=m.verify_tls,
        ca_file=m.ca_file,
        max_body_bytes=m.max_body_bytes,
        confirm=m.confirm or settings.confirm,
        recover=m.recover or settings.recover,
        retry_interval=m.retry_interval if m.retry_interval is not None else settings.retry_interval,
        notify=tuple(dict.fromkeys((*m.notify, *settings.notify))),
        cert_warn_days=settings.cert_warn_days if m.cert_warn_days is None else m.cert_warn_days,
        maintenance=tuple(_window(w) for w in m.maintenance) + settings.maintenance,
    )


def _window(w: WindowModel) -> Window:
    if w.start is not None:
        start = w.start if w.start.tzinfo else w.start.replace(tzinfo=UTC)
        return Window(duration=w.duration, start=start.timestamp())
    assert w.days is not None and w.at is not None
    hours, minutes = map(int, w.at.split(":"))
    return Window(duration=w.duration, days=frozenset(DAYS.index(d) for d in w.days), at_minute=hours * 60 + minutes)
