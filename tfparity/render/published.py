"""What the source printed beside what we measure: the table of an example's page.

An example declares ``PUBLISHED`` in its shared_data module: ``source`` (what the numbers are),
``rows`` (each the printed value, as a number or the text's words, with the record ``field`` and
``step`` that hold ours, or the record ``setting``; a ``variant`` other than "ours" has no
seed-0 value in the example's record) and optionally ``distribution``, the record whose
``examples[name]["rows"]`` summarises each row over many seeds (``tfparity.studies.fidelity``), and
``target``: the rows are a target the example was built to reach, not a printed run, and the
distribution's summaries carry seed 0's value and the seeds below it (``tfparity.studies.seeds``).
"""
import importlib

import numpy as np

from tfparity.core import records
from tfparity.core.harness import PACKAGES
from tfparity.render.pages import table


def declared(name):
    return getattr(importlib.import_module(f"{PACKAGES[0]}.{name}"), "PUBLISHED", None)


def ours(record, row):
    """Our seed-0 value of a row from the example's record (the TF1 Session's trace), or None."""
    if row.get("variant", "ours") != "ours":
        return None
    if "setting" in row:
        return record["settings"].get(row["setting"])
    series = record["series"]["tf1_graph"].get(row["field"])
    if series is None or row["step"] % series["every"]:
        return None
    index = row["step"] // series["every"] - 1
    return np.dtype(series["dtype"]).type(series["values"][index]) if index < len(series["values"]) else None


def printed_digits(value):
    """Decimals the source printed a number with (5.40734911: 8; 9.61972692e-05: 13)."""
    text = repr(value)
    mantissa, _, exponent = text.partition("e")
    return max(0, len(mantissa.partition(".")[2]) - int(exponent or 0))


def same(value, printed):
    """Whether ours, rounded as the source printed, is the printed number."""
    if value is None or not isinstance(printed, (int, float)):
        return "—"
    return "yes" if round(float(value), printed_digits(printed)) == printed else "no"


def lowest_to_highest(values):
    """Median and range of one quantity over a few seeds: what ``spread`` shows."""
    values = np.asarray(values, np.float64)
    return {"n": len(values), "low": values.min(), "median": float(np.median(values)), "high": values.max(),
            "span": "lowest to highest"}


def spread(summary):
    return (f"{summary['median']:.4g} ({summary['low']:.4g} to {summary['high']:.4g}: "
            f"{summary['span']}, {summary['n']:,} seeds)")


def section(name, record, folder):
    """The page's parts: a heading and the table, or nothing if the example declares nothing."""
    declared_ = declared(name)
    if not declared_:
        return []
    found = {}
    if declared_.get("distribution") and records.record_path(folder, declared_["distribution"]).exists():
        found = records.load_plain(folder, declared_["distribution"]).get("examples", {}).get(name, {}).get("rows", {})
    show = lambda v: "—" if v is None else (f"{v:,}" if isinstance(v, int) else str(v))
    text = lambda p: f"{p:,}" if isinstance(p, int) else (repr(p) if isinstance(p, float) else p)
    rows = declared_["rows"]
    if declared_.get("target"):  # a target the example was built to, not a printed run (tfparity.studies.seeds)
        header = ["what", "the target", "ours (seed 0)", "ours over seeds: median (lowest to highest)", "seeds below the target"]
        measured = lambda s: [f"{s['first']:.4f}", spread(s), f"{s['below']} of {s['n']}"] if s else ["—", "not measured yet", "—"]
        body = [[r["what"], text(r["printed"]), *measured(found.get(r["what"]))] for r in rows]
        return ["## The target vs what we measure", f"The target: {declared_['source']}. Beside it, ours from "
                f"docs/results/ (`PUBLISHED` in `shared_data/{name}.py` holds the target).", table(header, body)]
    if declared_.get("distribution"):
        header = ["what", "the source printed", "ours (seed 0)", "ours over many seeds: median (range)",
                  "the printed value's percentile among them"]
        body = [[r["what"], text(r["printed"]), show(ours(record, r)),
                 spread(found[r["what"]]) if r["what"] in found else "not measured yet",
                 f"{found[r['what']]['printed_percentile']:.1f}" if "printed_percentile" in found.get(r["what"], {}) else "—"]
                for r in rows]
    else:
        header = ["what", "the source printed", "ours (seed 0)", "the same to the printed digits"]
        body = [[r["what"], text(r["printed"]), show(ours(record, r)), same(ours(record, r), r["printed"])] for r in rows]
    return ["## What the source printed vs what we measure",
            f"Printed by the source: {declared_['source']}. Beside each number, ours from docs/results/ (`PUBLISHED` in "
            f"`shared_data/{name}.py` holds the printed values).", table(header, body)]
