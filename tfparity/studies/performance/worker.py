"""One benchmark process: time one example under one mode, or trace examples under the settings
this process was started with (``python -m tfparity.studies.performance.worker``; the runner starts it).

Per step is the slope between a short and a long run (``sizes``): the extra seconds per extra
update, so building the graph, tracing and XLA compiling fall out of it. They are the intercept,
reported as setup. Peak memory is this process's peak resident set, beside the resident set it
had before the first run (TensorFlow imported, inputs made).
"""
import argparse
import inspect
import json
import os
import pickle
import resource
import statistics
import sys
import time

from tfparity.core.modes import LOOP_MODES

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# Short and long runs for the slope: in updates for step-based examples, in epochs otherwise.
# A whole loop costs microseconds per step against a setup (tracing, compiling) of a large
# fraction of a second (docs/performance.md: "setup"), so its long run is 100× the short one:
# the difference then stands well above the noise.
FULL_STEPS, QUICK_STEPS, LONG_FACTOR, LOOP_LONG_FACTOR = 1000, 50, 10, 100
# --quick also shrinks MNIST examples to a slice of the images.
QUICK_DATA = {"train_size": 64, "test_size": 32}


def sizes(make_inputs, quick, mode="tf1_graph"):
    """(short, long) make_inputs options: one epoch and two, or a number of steps and more.
    Parity is judged on the short run, the same size for every mode."""
    accepted = inspect.signature(make_inputs).parameters
    base = {k: v for k, v in QUICK_DATA.items() if quick and k in accepted}
    if "epochs" in accepted:
        return dict(base, epochs=1), dict(base, epochs=2)
    steps = QUICK_STEPS if quick else FULL_STEPS
    factor = LOOP_LONG_FACTOR if mode in LOOP_MODES and not quick else LONG_FACTOR
    return dict(base, steps=steps), dict(base, steps=steps * factor)


def updates(trace):
    """Updates in a run: the length of every per-step loss or cost field, summed."""
    return sum(len(v) for k, v in trace.items() if k.rsplit("/", 1)[-1] in ("loss", "cost"))


def _rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _spread(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def time_mode(name, mode, quick, repeats, variant=None):
    """``variant``: make_inputs options beyond the sizes (an example's own, such as mnist_rnn's rnn)."""
    import tensorflow as tf

    from tfparity.core.harness import load, run_mode
    tf.get_logger().setLevel("ERROR")  # each run makes its own tf.function: retracing is meant
    data, *twins = load(name)
    options = sizes(data.make_inputs, quick, mode)
    short, long = (data.make_inputs(0, **dict(o, **(variant or {}))) for o in options)
    base_rss = _rss_mib()

    def timed(inputs):
        start = time.perf_counter()
        trace = run_mode(twins, mode, inputs)
        return time.perf_counter() - start, trace

    cold, _ = timed(short)  # warm-up: the first run in a process also loads kernels
    runs, traces = [], []
    for _ in range(repeats):
        (t_short, trace_short), (t_long, trace_long) = timed(short), timed(long)
        runs.append((t_short, t_long))
        traces.append(trace_short)
    n_short, n_long = updates(trace_short), updates(trace_long)
    per_step = [(b - a) / (n_long - n_short) for a, b in runs]
    setup = [a - n_short * s for (a, _), s in zip(runs, per_step)]
    repeatable = all(t[f].tobytes() == traces[0][f].tobytes() for t in traces for f in traces[0])
    return {"per_step_s": _spread(per_step), "run_s": _spread([b for _, b in runs]),
            "setup_s": _spread(setup), "cold_s": cold, "updates": [n_short, n_long],
            "peak_rss_mib": _rss_mib(), "base_rss_mib": base_rss, "repeatable": repeatable,
            "repeats": repeats, "unit": "epoch" if "epochs" in options[0] else "step"}, traces[0]


def trace_all(names, modes, quick):
    """Each example's short-run trace under every mode, in this process's settings."""
    import tensorflow as tf

    from tfparity.core.harness import load, run_mode
    from tfparity.core.machine import fingerprint
    tf.get_logger().setLevel("ERROR")
    traces = {}
    for name in names:
        data, *twins = load(name)
        inputs = data.make_inputs(0, **sizes(data.make_inputs, quick)[0])
        traces[name] = {mode: run_mode(twins, mode, inputs) for mode in modes}
    return fingerprint(), traces


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tfparity.studies.performance.worker")
    parser.add_argument("what", choices=("time", "trace"))
    parser.add_argument("names", nargs="+")
    parser.add_argument("--modes", nargs="+", required=True)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", required=True)
    parser.add_argument("--options", type=json.loads, default=None, help="make_inputs options of a variant, as JSON")
    args = parser.parse_args(argv)
    if args.what == "time":
        result = time_mode(args.names[0], args.modes[0], args.quick, args.repeats, args.options)
    else:
        result = trace_all(args.names, args.modes, args.quick)
    with open(args.out, "wb") as file:  # a private temporary file the runner reads back
        pickle.dump(result, file)


if __name__ == "__main__":
    sys.exit(main())
