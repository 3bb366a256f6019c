"""Benchmarks: every example under every execution mode, timed, with its parity class.

A study: ``add_parser(sub)`` adds ``tfparity bench``; ``render(folder)`` writes docs/performance.md
from folder/results/performance.json. It has no ``measure``: a full bench takes about half an
hour, so ``tfparity bench --docs`` measures it, not ``tfparity docs``.
"""
from tfparity.bench.command import add_parser, render  # noqa: F401  (the study's interface)
