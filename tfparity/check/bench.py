"""``tfparity check --bench``: how long each mode of the user's pair takes, each in a fresh process
(as ``tfparity bench`` times the examples), beside the mode's parity class from the report.

A mode's first run includes building the graph or tracing; the repeats after it are the cost
of a run once warm. Each run is the whole of ``tf1_run(inputs)`` or of the mode's TF2 call.
"""
import statistics
import time

from tfparity.check import control, specs
from tfparity.check.parity import runner
from tfparity.core import fresh

REPEATS = 3  # warm runs after the first: enough for a median on 2 cores, short for a check
# The roles a timed run calls (a port's step_from, for the local layer, is not timed).
TIMED = ("make_inputs", "tf1_run", "tf2_run", "tf2_loop")


def time_mode(named, seed, mode, repeats=REPEATS):
    """In a fresh process: the first run's seconds and the warm runs' median, min and max, and the
    control record of the first run (the code, inputs and trace it timed)."""
    functions = {role: specs.resolve(spec, role) for role, spec in named.items()}
    inputs = functions["make_inputs"](seed)
    given = control.digest(inputs)
    run = runner(inputs, functions["tf1_run"], functions["tf2_run"], functions.get("tf2_loop"))
    seconds, traces = [], {}
    for _ in range(1 + repeats):
        start = time.perf_counter()
        trace = run(mode, desired=mode == "tf1_graph")
        seconds.append(time.perf_counter() - start)
        traces.setdefault(mode, trace)
    warm = seconds[1:]
    return {"first": seconds[0], "median": statistics.median(warm), "min": min(warm), "max": max(warm),
            "record": control.record(functions, given, traces)}


def bench(args, report):
    """{mode: timings and parity class} for the TF1 run and every mode of the report; a mode whose
    fresh process did not compute what the report compared (the control) says so, and is
    ``"reproduced": False``: its time is of other code or numbers."""
    named = {role: spec for role, spec in specs.names(args).items() if role in TIMED}
    result = {}
    for mode in ("tf1_graph", *report.verdicts):
        try:
            timing = fresh.call("tfparity.check.bench:time_mode", {"named": named, "seed": args.seed, "mode": mode},
                                {"PYTHONPATH": specs.search_path()})
        except RuntimeError as error:  # the user's code stopped there: no time, and not what was compared
            timing = dict.fromkeys(("first", "median", "min", "max"), float("nan"))
            what = f"the run failed there: {str(error).splitlines()[-1]}"
        else:
            mine = dict(report.record, traces={mode: report.record["traces"][mode]})
            what = control.difference(mine, timing.pop("record"))
        parity = "reference" if mode == "tf1_graph" else report.line(mode)
        result[mode] = dict(timing, parity=control.message("in the fresh process that timed it", what) if what
                            else parity, reproduced=not what)
    return result


def table(result):
    lines = [f"{'mode':<14} {'first run s':>11} {'warm run s':>10}  parity",
             *(f"{mode:<14} {t['first']:>11.3f} {t['median']:>10.3f}  {t['parity']}" for mode, t in result.items())]
    return lines
