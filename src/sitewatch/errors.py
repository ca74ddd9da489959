"""The exceptions sitewatch raises on purpose.

Foreign exceptions (pydantic, json, OSError) are translated where they enter, so callers only need
to know this tree::

    SitewatchError
    ├── ConfigError          the config cannot be used; ``problems`` lists every problem found
    └── UsageError           a command-line argument is wrong (exit code 2)

A check that fails is *not* an exception: it is a :class:`~sitewatch.result.Result` whose ``result``
says what went wrong.
"""

from __future__ import annotations

from collections.abc import Sequence


class SitewatchError(Exception):
    """Base class of every error sitewatch raises on purpose."""


class ConfigError(SitewatchError):
    """The configuration is unusable. ``problems`` holds one human-readable line per problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class UsageError(SitewatchError):
    """A command-line argument is invalid."""
