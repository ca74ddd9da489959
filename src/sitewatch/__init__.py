"""sitewatch: a self-hosted website availability monitor.

The flow, one way: ``config`` (what to watch) → ``scheduler`` (when) → ``probe`` (engine + rules: one
check → one :class:`~sitewatch.result.Result`) → ``outputs`` (log.txt, health.txt, console).
``runner`` wires them into the long-running process and ``cli`` is the command line.
"""

__version__ = "0.1.0"
