"""What to watch: the config file, validated, with every default resolved.

Public face: :func:`load_config`, :func:`parse_config`, :func:`json_schema`, and the records
:class:`Config`, :class:`Settings`, :class:`Monitor`. Problems raise
:class:`~sitewatch.errors.ConfigError` with one line per problem.
"""

from __future__ import annotations

from typing import Any

from ._durations import format_duration, parse_duration
from ._load import load_config, parse_config
from ._model import ConfigModel
from ._resolve import Config, Monitor, Settings, derive_name
from ._windows import Window

__all__ = [
    "Config",
    "Monitor",
    "Settings",
    "Window",
    "derive_name",
    "format_duration",
    "json_schema",
    "load_config",
    "parse_config",
    "parse_duration",
]


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the config file."""
    schema = ConfigModel.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "sitewatch config"
    return schema
