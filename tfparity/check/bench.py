"""``tfparity check --bench``: how long each mode of the user's pair takes, each in a fresh process
(as ``tfparity bench`` times the examples), beside the mode's parity class from the report.

A mode's first run includes building the graph or tracing; the repeats after it are the cost
of a run once warm. Each run is the whole of ``tf1_run(inputs)`` or of the mode's TF2 call.
"""
import os
import statistics
import time

from tfparity.check import specs
from tfparity.check.parity import runner
from tfparity.core import fresh

REPEATS = 3  # warm runs after the first: enough for a median on 2 cores, short for a check


def _absolute(spec):
    """A path spec made absolute: the fresh process starts in another directory."""
    module, _, function = spec.rpartition(":")
    return f"{os.path.abspath(module)}:{function}" if module.endswith(".py") else spec


def time_mode(named, seed, mode, repeats=REPEATS):
    """In a fresh process: the first run's seconds and the warm runs' median, min and max."""
    functions = {k: specs.resolve(spec, k) for k, spec in named.items()}
    run = runner(functions["inputs"](seed), functions["tf1"], functions["tf2"], functions.get("loop"))
    seconds = []
    for _ in range(1 + repeats):
        start = time.perf_counter()
        run(mode, desired=mode == "tf1_graph")
        seconds.append(time.perf_counter() - start)
    warm = seconds[1:]
    return {"first": seconds[0], "median": statistics.median(warm), "min": min(warm), "max": max(warm)}


def bench(args, report):
    """{mode: timings and parity class} for the TF1 run and every mode of the report."""
    named = {k: _absolute(getattr(args, k)) for k in ("inputs", "tf1", "tf2", "loop") if getattr(args, k)}
    result = {}
    for mode in ("tf1_graph", *report.verdicts):
        timing = fresh.call("tfparity.check.bench:time_mode", {"named": named, "seed": args.seed, "mode": mode},
                            {"PYTHONPATH": specs.search_path()})
        result[mode] = dict(timing, parity="reference" if mode == "tf1_graph" else report.line(mode))
    return result


def table(result):
    lines = [f"{'mode':<14} {'first run s':>11} {'warm run s':>10}  parity",
             *(f"{mode:<14} {t['first']:>11.3f} {t['median']:>10.3f}  {t['parity']}" for mode, t in result.items())]
    return lines
