"""Reading a config file and turning every problem into one line that names where it is."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import ConfigError
from ._model import ConfigModel, MonitorModel, SettingsModel
from ._resolve import Config, resolve


def load_config(path: str | Path, **settings_overrides: Any) -> Config:
    """Read, validate and resolve the config file at ``path``.

    ``settings_overrides`` (e.g. from command-line flags) replace keys of ``settings`` before
    validation. Raises :class:`~sitewatch.errors.ConfigError` listing every problem.
    """
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"{source}: file not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{source}: cannot read: {exc}"]) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError([f"{source}:{exc.lineno}:{exc.colno}: JSON syntax error: {exc.msg}"]) from exc
    return parse_config(data, source=source, **settings_overrides)


def parse_config(data: object, *, source: str = "<memory>", **settings_overrides: Any) -> Config:
    """Validate already-parsed JSON (an object, or a bare list of monitors)."""
    if isinstance(data, list):
        data = {"monitors": data}
    if not isinstance(data, dict):
        raise ConfigError([f'{source}: expected an object with "monitors" (or a list of monitors)'])
    if settings_overrides:
        settings = data.get("settings")
        settings = dict(settings) if isinstance(settings, dict) else {}
        settings.update({k: v for k, v in settings_overrides.items() if v is not None})
        data = {**data, "settings": settings}
    raw_monitors = data.get("monitors")
    label = _MonitorLabels(raw_monitors if isinstance(raw_monitors, list) else [])
    try:
        model = ConfigModel.model_validate(data)
    except ValidationError as exc:
        raise ConfigError([f"{source}: {line}" for line in _describe(exc, label)]) from exc
    problems: list[str] = []
    config = resolve(model, problems, label)
    if problems:
        raise ConfigError([f"{source}: {line}" for line in problems])
    return Config(settings=config.settings, monitors=config.monitors, source=source)


class _MonitorLabels(dict[int, str]):
    """``monitors[3] "shop"``: the index and, when the raw entry has one, its name or URL."""

    def __init__(self, raw: list[Any]) -> None:
        super().__init__()
        self._raw = raw

    def __missing__(self, index: int) -> str:
        entry = self._raw[index] if index < len(self._raw) else None
        who = ""
        if isinstance(entry, dict):
            hint = entry.get("name") or entry.get("url")
            if isinstance(hint, str):
                who = f" ({hint})"
        return f"monitors[{index}]{who}"


_KNOWN = {"settings": set(SettingsModel.model_fields), "monitor": set(MonitorModel.model_fields)}


def _describe(exc: ValidationError, label: _MonitorLabels) -> list[str]:
    lines = []
    for err in exc.errors(include_url=False):
        loc = list(err["loc"])
        where: list[str] = []
        fields = "monitor"
        if loc[:1] == ["monitors"] and len(loc) > 1 and isinstance(loc[1], int):
            where.append(label[loc[1]])
            loc = loc[2:]
        elif loc[:1] == ["settings"]:
            where.append("settings")
            fields = "settings"
            loc = loc[1:]
        # drop pydantic's union-branch names (e.g. "int", "str") from the path
        path = ".".join(str(p) for p in loc if not (isinstance(p, str) and p in {"int", "str", "float"}))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            key = str(loc[-1]) if loc else ""
            close = difflib.get_close_matches(key, _KNOWN[fields], n=1)
            msg = "unknown key" + (f" (did you mean {close[0]!r}?)" if close else "")
        elif err["type"] == "missing":
            msg = "required"
        if path:
            where.append(path)
        lines.append(f"{': '.join(where) or 'config'}: {msg}")
    return list(dict.fromkeys(lines))  # union errors can repeat; keep each line once
