"""The README documents every config key: a new key without a row in its table fails here."""

from __future__ import annotations

from pathlib import Path

from sitewatch.config._model import MonitorModel, SettingsModel
from sitewatch.result import FIELDS

README = (Path(__file__).parent.parent / "README.md").read_text()


def _section(title: str) -> str:
    start = README.index(title)
    end = README.find("\n## ", start + 1)
    nxt = README.find("\n### ", start + 1)
    cut = min(x for x in (end, nxt) if x > 0)
    return README[start:cut]


def test_every_setting_is_documented() -> None:
    table = _section("### `settings`")
    missing = [name for name in SettingsModel.model_fields if f"| `{name}` |" not in table]
    assert not missing, f"settings missing from README: {missing}"


def test_every_monitor_key_is_documented() -> None:
    table = _section("### monitor keys")
    missing = [name for name in MonitorModel.model_fields if f"| `{name}` |" not in table]
    assert not missing, f"monitor keys missing from README: {missing}"


def test_every_result_field_is_documented() -> None:
    table = _section("## What every check produces")
    missing = [name for name in FIELDS if f"`{name}`" not in table]
    assert not missing, f"result fields missing from README: {missing}"


def test_the_alerts_example_in_the_readme_is_a_valid_config() -> None:
    import json

    from sitewatch.config import parse_config

    section = _section("## Alerts")
    example = section.split("```json", 1)[1].split("```", 1)[0]
    config = parse_config(json.loads(example))
    shop = config.monitors[0]
    assert shop.retry_interval == 10 and shop.confirm == 3 and len(shop.notify) == 3 and len(shop.maintenance) == 2
