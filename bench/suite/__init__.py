"""The benchmark suite of issue 6: every figure of the issue, measured on loopback, written to RESULTS.md.

Run it through ``bench/run`` (installs what is missing, then ``python -m suite`` with bench/ on the
path). Each section is a module here with a ``measure(ctx)`` function that returns plain figures;
the processes under test are children pinned to CPU 0 while the targets (nginx, the slow server)
run on CPU 1. ``__main__`` orders the sections, ``report`` writes RESULTS.md and ``plots`` the PNGs.
Nothing is asserted anywhere: a benchmark reports.
"""
