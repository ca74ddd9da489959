"""Confirmed states: one bad check never changes a monitor's state; `confirm` in a row does."""

from __future__ import annotations

from sitewatch.result import Result
from sitewatch.state import StateTracker


def feed(results: str, confirm: int = 2, recover: int = 2) -> list[tuple[str, str, float]]:
    """``results``: one letter per check (u=up, s=slow, d=down). Returns the changes (old, new, at)."""
    tracker, changes = StateTracker(), []
    kinds = {"u": "up", "s": "slow", "d": "timeout"}
    for i, letter in enumerate(results):
        change = tracker.observe(Result(float(i), "m", "u", "l", kinds[letter]), confirm, recover)
        if change is not None:
            changes.append((change.old, change.new, change.at))
    return changes


def test_the_first_good_check_makes_a_monitor_up_at_once() -> None:
    assert feed("uuu") == [("unknown", "up", 0.0)]


def test_a_single_failure_changes_nothing() -> None:
    assert feed("uuduuduu") == [("unknown", "up", 0.0)]


def test_confirm_failures_in_a_row_make_it_down_from_the_first_of_them() -> None:
    assert feed("uuddd") == [("unknown", "up", 0.0), ("up", "down", 2.0)]


def test_recovery_needs_recover_good_checks_in_a_row() -> None:
    assert feed("ddudduu", confirm=2, recover=2) == [("unknown", "down", 0.0), ("down", "up", 5.0)]


def test_a_flapping_site_never_changes_state() -> None:
    assert feed("udududududud") == [("unknown", "up", 0.0)]


def test_slow_is_confirmed_like_down() -> None:
    assert feed("uusuussu", confirm=2) == [("unknown", "up", 0.0), ("up", "slow", 5.0)]


def test_confirm_1_follows_every_check() -> None:
    assert feed("udu", confirm=1, recover=1) == [("unknown", "up", 0.0), ("up", "down", 1.0), ("down", "up", 2.0)]
