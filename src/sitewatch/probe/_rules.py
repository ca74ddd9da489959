"""What a good answer looks like: status, content and speed rules, compiled once per monitor."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from ..config import Monitor

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Rules:
    """The rules of one monitor. Each ``judge_*`` returns ``None`` when satisfied, else a detail."""

    status: frozenset[int] | None
    contains: tuple[str, ...]
    not_contains: tuple[str, ...]
    regex: re.Pattern[str] | None
    max_response_ms: float | None

    @classmethod
    def of(cls, monitor: Monitor) -> Rules:
        return cls(
            status=monitor.status,
            contains=monitor.contains,
            not_contains=monitor.not_contains,
            regex=re.compile(monitor.regex) if monitor.regex is not None else None,
            max_response_ms=monitor.max_response_ms,
        )

    @property
    def reads_body(self) -> bool:
        """Whether any rule needs the body's text (otherwise it is counted, not kept)."""
        return bool(self.contains or self.not_contains or self.regex)

    def judge_status(self, code: int) -> str | None:
        if self.status is None:
            return None if 200 <= code <= 299 else f"status {code}, expected 2xx"
        return None if code in self.status else f"status {code}, expected {_describe_codes(self.status)}"

    def judge_content(self, text: str) -> tuple[str, str] | None:
        """``None`` when every content rule passes, else (the rule that failed, a detail)."""
        for needle in self.contains:
            if needle not in text:
                return "contains", f"body does not contain {needle!r}"
        for needle in self.not_contains:
            if needle in text:
                return "not_contains", f"body contains forbidden {needle!r}"
        if self.regex is not None and self.regex.search(text) is None:
            return "regex", f"body does not match regex {self.regex.pattern!r}"
        return None


def decode_body(body: bytes, content_type: str | None) -> str:
    """Decode with the declared charset (header, then ``<meta>``), falling back to UTF-8.

    Undecodable bytes become U+FFFD rather than failing the check: the rules then judge the text
    a browser would show.
    """
    charset = _charset_from_header(content_type)
    if charset is None:
        match = _META_CHARSET.search(body, 0, 1024)
        charset = match.group(1).decode("ascii") if match else None
    if charset is not None:
        try:
            codecs.lookup(charset)
        except LookupError:
            charset = None
    return body.decode(charset or "utf-8", errors="replace")


def _charset_from_header(content_type: str | None) -> str | None:
    if not content_type:
        return None
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def _describe_codes(codes: frozenset[int]) -> str:
    parts: list[str] = []
    for klass in range(1, 6):
        block = set(range(klass * 100, klass * 100 + 100))
        if block <= codes:
            parts.append(f"{klass}xx")
    covered = {c for p in parts for c in range(int(p[0]) * 100, int(p[0]) * 100 + 100)}
    parts.extend(str(c) for c in sorted(codes - covered))
    return ", ".join(parts)
