"""Config validation: every problem is reported on its own line, naming where it is."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sitewatch.config import json_schema, load_config, parse_config, parse_duration
from sitewatch.errors import ConfigError

WriteConfig = Callable[[Any], Path]


def problems_of(data: Any) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(data, source="urls.json")
    return caught.value.problems


def test_the_shipped_example_config_is_valid() -> None:
    config = load_config(Path(__file__).parent.parent / "data" / "urls.json")
    assert len(config.monitors) >= 5
    assert all(m.url.startswith("https://") for m in config.monitors)


def test_a_bare_list_of_monitors_is_accepted_with_defaults() -> None:
    config = parse_config([{"url": "http://127.0.0.1/a"}, {"url": "https://example.test:8443/b/"}])
    a, b = config.monitors
    assert (a.name, a.interval, a.timeout, a.status, a.follow_redirects) == ("127.0.0.1/a", 60, 10, None, True)
    assert b.name == "example.test:8443/b"
    assert config.settings.location == "local"


def test_durations_accept_seconds_and_units() -> None:
    assert [parse_duration(v) for v in (30, 1.5, "250ms", "30s", "5m", "1h")] == [30, 1.5, 0.25, 30, 300, 3600]
    for bad in ("3x", "", "-5s", 0, True, [1]):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_an_inherited_timeout_is_capped_at_the_interval_but_an_explicit_one_is_an_error() -> None:
    config = parse_config([{"url": "http://a.test/", "interval": "5s"}])
    assert config.monitors[0].timeout == 5
    [problem] = problems_of([{"name": "shop", "url": "http://a.test/", "interval": "5s", "timeout": "10s"}])
    assert problem == (
        "urls.json: monitors[0] (shop): timeout: 10s is longer than the interval 5s; "
        "a check must end before the next one is due"
    )


def test_each_problem_names_the_monitor_index_name_and_field() -> None:
    problems = problems_of(
        {
            "settings": {"intervall": 5},
            "monitors": [
                {"name": "ok", "url": "http://a.test/"},
                {"name": "shop", "url": "ftp://b.test/", "timeout": "3x", "contians": "x"},
                {"url": "http://c.test/", "status": [200, "9xx"], "regex": "(unclosed"},
            ],
        }
    )
    assert "urls.json: settings: intervall: unknown key (did you mean 'interval'?)" in problems
    assert "urls.json: monitors[1] (shop): url: must start with http:// or https://, got 'ftp://b.test/'" in problems
    assert any(p.startswith("urls.json: monitors[1] (shop): timeout: expected a duration") for p in problems)
    assert "urls.json: monitors[1] (shop): contians: unknown key (did you mean 'contains'?)" in problems
    assert any(p.startswith("urls.json: monitors[2] (http://c.test/): status:") and "9xx" in p for p in problems)
    assert any(
        p.startswith("urls.json: monitors[2] (http://c.test/): regex: invalid regular expression") for p in problems
    )


def test_a_missing_url_and_wrong_types_are_reported() -> None:
    problems = problems_of({"monitors": [{"name": "x"}, {"url": "http://a.test/", "max_body_bytes": "lots"}]})
    assert "urls.json: monitors[0] (x): url: required" in problems
    assert any(p.startswith("urls.json: monitors[1] (http://a.test/): max_body_bytes:") for p in problems)


def test_duplicate_names_are_an_error_even_when_derived() -> None:
    [problem] = problems_of([{"url": "http://a.test/x"}, {"url": "http://a.test/x/"}])
    assert "monitors[1]" in problem and "already used by monitor [0]" in problem and "set a distinct" in problem


def test_headers_cannot_smuggle_line_breaks() -> None:
    [problem] = problems_of([{"url": "http://a.test/", "headers": {"X-A": "1\r\nHost: evil"}}])
    assert "line break" in problem


def test_a_json_syntax_error_gives_line_and_column(write_config: WriteConfig) -> None:
    path = write_config('{\n  "monitors": [\n    {"url": "http://a.test/",}\n  ]\n}\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    [problem] = caught.value.problems
    assert problem.startswith(f"{path}:3:30: JSON syntax error")


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.json")


def test_settings_overrides_from_the_command_line_are_validated(write_config: WriteConfig) -> None:
    path = write_config({"monitors": [{"url": "http://a.test/"}]})
    assert load_config(path, interval=5, location="eu-1").monitors[0].interval == 5
    with pytest.raises(ConfigError, match="settings: location"):
        load_config(path, location="")


def test_the_json_schema_describes_every_monitor_key() -> None:
    schema = json_schema()
    monitor = schema["$defs"]["MonitorModel"]
    assert monitor["additionalProperties"] is False
    assert {"url", "contains", "not_contains", "regex", "status", "max_response_ms", "timeout"} <= set(
        monitor["properties"]
    )
    json.dumps(schema)  # serialisable
