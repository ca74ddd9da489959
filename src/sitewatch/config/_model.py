"""The config file's schema, as pydantic models. Unknown keys are errors everywhere.

These models describe what a user may *write*; :mod:`._resolve` turns them into the
:class:`~sitewatch.config.Monitor` records the rest of the program uses, with every default applied.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from ._durations import parse_duration

Duration = Annotated[
    float,
    BeforeValidator(parse_duration),
    Field(json_schema_extra={"type": ["number", "string"], "examples": [30, "250ms", "30s", "5m"]}),
]
StatusSpec = int | str
Method = Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

MIB = 1024 * 1024


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _mask(url: str) -> str:
    """Enough of an Apprise URL to find it in the config, never its secrets."""
    scheme, sep, _ = url.partition("://")
    return f"{scheme}://…" if sep else "…"


def _check_apprise_urls(urls: list[str]) -> list[str]:
    import apprise  # only needed to validate, and a little slow to import

    for i, url in enumerate(urls):
        if apprise.Apprise.instantiate(url, suppress_exceptions=True) is None:
            raise ValueError(f"entry {i} ({_mask(url)}) is not a valid Apprise URL")
    return urls


def _one_or_many(value: object) -> object:
    return [value] if isinstance(value, str | int) and not isinstance(value, bool) else value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class WindowModel(_Strict):
    """A maintenance window in UTC: one-off (``start``) or weekly (``days`` and ``at``)."""

    start: datetime | None = Field(None, description="One-off: when it begins (ISO 8601; UTC if no offset).")
    days: list[Weekday] | None = Field(None, min_length=1, description='Weekly: on these days, e.g. ["sat", "sun"].')
    at: str | None = Field(None, pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description='Weekly: start, "HH:MM" UTC.')
    duration: Duration = Field(description="How long it lasts.")

    @model_validator(mode="after")
    def _one_kind(self) -> WindowModel:
        weekly = self.days is not None or self.at is not None
        if self.start is not None and weekly:
            raise ValueError("give either start (one-off) or days and at (weekly), not both")
        if self.start is None and (self.days is None or self.at is None):
            raise ValueError("give start (one-off), or both days and at (weekly)")
        return self


class SettingsModel(_Strict):
    """Process-wide settings and the defaults monitors inherit."""

    interval: Duration = Field(60.0, description="Default time between two checks of a monitor.")
    timeout: Duration = Field(
        10.0, description="Default hard deadline for a whole check (capped at the monitor's interval)."
    )
    location: str = Field("local", min_length=1, description="Name of this probe location.")
    log: str = Field("output/log.txt", description="Path of the per-check log (logfmt).")
    health: str = Field("output/health.txt", description="Path of the status log.")
    log_max_bytes: int = Field(50 * MIB, ge=4096, description="Rotate log.txt/health.txt beyond this size.")
    log_backups: int = Field(5, ge=0, le=100, description="Rotated files kept (log.txt.1 … log.txt.N).")
    max_concurrency: int = Field(500, ge=1, le=10000, description="Checks running at the same time, at most.")
    store: str = Field("sqlite:///output/sitewatch.db", description="History store URL, or none.")
    retention_days: float = Field(30, gt=0, description="Days raw results are kept.")
    rollup_retention_days: float = Field(400, gt=0, description="Days minute/hour/day rollups are kept.")
    confirm: int = Field(2, ge=1, le=100, description="Failed checks in a row before a monitor is down (or slow).")
    recover: int = Field(2, ge=1, le=100, description="Good checks in a row before it is up again.")
    retry_interval: Duration | None = Field(None, description="Default re-check delay after a first failure.")
    notify: list[str] = Field(default_factory=list, description="Apprise URLs that hear about every monitor.")
    notify_min_interval: Duration = Field(60.0, description="At most one message per monitor this often.")
    cert_warn_days: float = Field(14, ge=0, description="Warn (once a day) when a certificate expires sooner.")
    maintenance: list[WindowModel] = Field(default_factory=list, description="Windows that silence every monitor.")

    _notify_list = field_validator("notify", mode="before")(_one_or_many)
    _apprise = field_validator("notify")(_check_apprise_urls)


class MonitorModel(_Strict):
    """One monitored URL and what a good answer looks like."""

    url: str = Field(description="http:// or https:// URL to check.")
    name: str | None = Field(None, min_length=1, description="Unique name; default derived from the URL.")
    interval: Duration | None = Field(None, description="Time between two checks (default: settings).")
    timeout: Duration | None = Field(None, description="Hard deadline for the whole check.")
    contains: list[str] = Field(default_factory=list, description="Text(s) that must all appear in the body.")
    not_contains: list[str] = Field(default_factory=list, description="Text(s) that must not appear.")
    regex: str | None = Field(None, description="Regular expression the body must match (search).")
    status: list[StatusSpec] | None = Field(
        None, description='Expected status code(s), e.g. 200, [200, 301] or "2xx". Default: any 2xx.'
    )
    max_response_ms: float | None = Field(None, gt=0, description="Slower than this (ms) ⇒ result `slow`.")
    method: Method = "GET"
    headers: dict[str, str] = Field(default_factory=dict, description="Extra request headers.")
    body: str | None = Field(None, description="Request body (for POST/PUT/PATCH).")
    follow_redirects: bool = Field(True, description="Follow up to 5 redirects.")
    verify_tls: bool = Field(True, description="Verify the server's certificate and host name.")
    ca_file: str | None = Field(None, description="PEM file of CA certificates to trust instead of the system's.")
    max_body_bytes: int = Field(MIB, ge=1, description="Stop reading the body beyond this (after decompression).")
    confirm: int | None = Field(None, ge=1, le=100, description="Failed checks in a row before down.")
    recover: int | None = Field(None, ge=1, le=100, description="Good checks in a row before up again.")
    retry_interval: Duration | None = Field(None, description="After a failure, re-check this soon to confirm.")
    notify: list[str] = Field(default_factory=list, description="Apprise URLs for this monitor (plus settings').")
    cert_warn_days: float | None = Field(None, ge=0, description="Certificate warning threshold in days.")
    maintenance: list[WindowModel] = Field(default_factory=list, description="Windows that silence this monitor.")

    _notify_list = field_validator("notify", mode="before")(_one_or_many)
    _apprise = field_validator("notify")(_check_apprise_urls)

    _as_list = field_validator("contains", "not_contains", "status", mode="before")(_one_or_many)

    @field_validator("method", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https"):
            raise ValueError(f"must start with http:// or https://, got {value!r}")
        if not parts.hostname:
            raise ValueError(f"has no host name: {value!r}")
        if any(c.isspace() for c in value):
            raise ValueError(f"must not contain spaces: {value!r}")
        return value

    @field_validator("contains", "not_contains")
    @classmethod
    def _non_empty_texts(cls, value: list[str]) -> list[str]:
        if any(text == "" for text in value):
            raise ValueError("an empty string always matches; remove it")
        return value

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"invalid regular expression: {exc}") from None
        return value

    @field_validator("status")
    @classmethod
    def _status_codes(cls, value: list[StatusSpec] | None) -> list[StatusSpec] | None:
        for item in value or []:
            if isinstance(item, int) and not 100 <= item <= 599:
                raise ValueError(f"status code must be 100-599, got {item}")
            if isinstance(item, str) and not re.fullmatch(r"[1-5]xx|[1-5]\d\d", item):
                raise ValueError(f'expected a code like 200 or a class like "2xx", got {item!r}')
        return value

    @field_validator("headers")
    @classmethod
    def _header_safe(cls, value: dict[str, str]) -> dict[str, str]:
        for key, val in value.items():
            if not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", key):
                raise ValueError(f"invalid header name {key!r}")
            if "\r" in val or "\n" in val:
                raise ValueError(f"header {key!r} contains a line break")
        return value


class ConfigModel(_Strict):
    """The whole file: ``{"settings": {...}, "monitors": [...]}``."""

    settings: SettingsModel = Field(default_factory=lambda: SettingsModel.model_validate({}))
    monitors: list[MonitorModel] = Field(description="The URLs to watch.")
