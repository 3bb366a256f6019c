"""Benchmarks: every example under every execution mode, timed, with its parity class.

A study: ``render(folder)`` writes docs/performance.md from folder/results/performance.json. It
has no ``measure``: a full bench takes about half an hour, so ``tfparity bench --docs``
(``tfparity.cli.bench``) measures it, not ``tfparity docs``; ``tfparity bench --main-job --docs``
adds the main job's time (``tfparity run --all``), which ``readme`` quotes in the README.
"""
import json

from tfparity.core.jsonio import write_atomic
from tfparity.core.paths import NOTES

# The README's line on the main job's time ends with this mark; ``tfparity docs`` rewrites the line.
README_MARK = "<!-- main job: written by `tfparity docs` from docs/results/performance.json -->"


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


def with_main_job(docs, main_job):
    """The committed record with its main job replaced by ``main_job``; the rest is kept."""
    source = docs / "results" / "performance.json"
    committed = json.loads(source.read_text()) if source.exists() else {"examples": {}, "determinism": {}}
    return dict(committed, main_job=main_job)


def readme(text, docs):
    """The README ``text`` with its marked line rewritten from the record's main job (unchanged
    where the record has none); a README without the mark is an error."""
    from tfparity.studies.performance import report
    lines = text.split("\n")
    marked = [i for i, line in enumerate(lines) if line.endswith(README_MARK)]
    if len(marked) != 1:
        raise ValueError(f"the README needs exactly one line ending with {README_MARK}, found {len(marked)}")
    source = docs / "results" / "performance.json"
    result = json.loads(source.read_text()) if source.exists() else {}
    if "main_job" in result:
        lines[marked[0]] = f"{report.main_job_sentence(result['main_job'])} {README_MARK}"
    return "\n".join(lines)


def render(docs):
    """docs/performance.md and its chart from docs/results/performance.json, if there is one."""
    from tfparity.studies.performance import report  # matplotlib: only when rendering
    source = docs / "results" / "performance.json"
    if source.exists():
        result = json.loads(source.read_text())
        write_atomic(docs / "performance.md", report.page(result, (NOTES / "performance.md").read_text()))
        report.chart(result, docs / "img" / "performance.png")
