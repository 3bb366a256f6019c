"""Benchmarks: every example under every execution mode, timed, with its parity class.

A study: ``render(folder)`` writes docs/performance.md from folder/results/performance.json. It
has no ``measure``: a full bench takes about half an hour, so ``tfparity bench --docs``
(``tfparity.cli.bench``) measures it, not ``tfparity docs``.
"""
import json

from tfparity.core.jsonio import write_atomic
from tfparity.core.paths import NOTES


def merged(docs, result):
    """The new measurements over the committed ones: other machines' determinism matrices stay
    beside this machine's; with --determinism-only the committed timings stay too, and a run of
    some examples keeps the others' committed timings where they were measured on this machine
    (with the same settings), else replaces them all."""
    source = docs / "results" / "performance.json"
    committed = json.loads(source.read_text()) if source.exists() else {}
    determinism = dict(committed.get("determinism", {}), **result["determinism"])
    if not result["examples"] and committed:
        return dict(committed, determinism=determinism)
    same = committed.get("machine") == result["machine"] and all(
        committed.get(k) == result.get(k) for k in ("quick", "repeats"))
    examples = dict(committed["examples"], **result["examples"]) if same else result["examples"]
    return dict(result, examples=examples, determinism=determinism)


def render(docs):
    """docs/performance.md and its chart from docs/results/performance.json, if there is one."""
    from tfparity.studies.performance import report  # matplotlib: only when rendering
    source = docs / "results" / "performance.json"
    if source.exists():
        result = json.loads(source.read_text())
        write_atomic(docs / "performance.md", report.page(result, (NOTES / "performance.md").read_text()))
        report.chart(result, docs / "img" / "performance.png")
