"""Where results go on this machine: log.txt (every check), health.txt (status only), the console."""

from __future__ import annotations

from ._console import ConsoleReport, MinuteSummary
from ._files import LineWriter, RotatingFile
from ._health import minute_lines, state_line

__all__ = ["ConsoleReport", "LineWriter", "MinuteSummary", "RotatingFile", "minute_lines", "state_line"]
