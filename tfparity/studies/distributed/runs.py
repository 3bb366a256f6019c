"""The measurements behind docs/distributed.md, each called in a fresh process (tfparity.core.fresh.call)
so that oneDNN's setting and the logical CPUs are this process's own.

Per global step is the slope between a short and a long run of the same images (one epoch and
LONG_EPOCHS), so starting worker processes, building graphs and tracing fall out of it.
"""
import statistics
import time
from unittest import mock

# The variants the issue asks to time, as harness modes, in the page's order.
VARIANTS = ("tf1_one_device", "tf1_graph", "tf2_function", "tf2_loop", "tf2_eager", "tf2_multiworker")
# 200 updates an epoch; five epochs against one: 800 updates apart, seconds of work per variant.
TIMING = {"train_size": 6400, "test_size": 100}
LONG_EPOCHS, REPEATS = 5, 3
# The parity and pitfall runs: the full default run's first 100 updates, a minute for every variant.
PARITY = {"epochs": 1, "train_size": 3200, "test_size": 1000}


def _traces(modes, **options):
    from tfparity.core.harness import load, run_mode
    data, *twins = load("data_parallel")
    inputs = data.make_inputs(0, **options)
    return {mode: run_mode(twins, mode, inputs) for mode in modes}


def distances(one_device_sum="batch"):
    """Every variant against the one-device run (and against the TF1 towers), as parity classes."""
    from tfparity.core.compare import compare
    from tfparity.core.machine import fingerprint
    traces = _traces(("tf1_one_device",) + VARIANTS[1:] + ("tf2_xla",), one_device_sum=one_device_sum, **PARITY)
    return {"machine": fingerprint(), "one_device_sum": one_device_sum, "updates": len(traces["tf1_graph"]["loss"]),
            "against one device": {m: parity_class(compare(traces["tf1_one_device"], t)) for m, t in traces.items()},
            "against the TF1 towers": {m: parity_class(compare(traces["tf1_graph"], t)) for m, t in traces.items()}}


def parity_class(verdict):
    return "bit-identical" if verdict.status == "bit-identical" else f"{verdict.max_ulp:g} ULP, abs {verdict.max_abs:.2e}"


def pitfall():
    """The tower's loss ported verbatim (tf.reduce_mean inside strategy.run, a mean per replica)
    against the TF1 towers: with the all-reduce summing, as the twin does, and averaging instead."""
    import numpy as np
    import tensorflow as tf

    import tf1_graph.data_parallel as tf1_twin
    import tf2_eager.data_parallel as tf2_twin
    from tfparity.core.compare import compare
    from tfparity.core.harness import load

    def tower_mean(logits, y):
        return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))
    data = load("data_parallel")[0]
    inputs, one = data.make_inputs(0, **PARITY), data.make_inputs(0, **dict(PARITY, train_size=32))
    right, right_one = tf1_twin.run(inputs), tf1_twin.run(one)  # the whole slice, and one update
    found = {}
    for label, reduce in (("summed (ReduceOp.SUM)", tf.distribute.ReduceOp.SUM), ("averaged (ReduceOp.MEAN)", tf.distribute.ReduceOp.MEAN)):
        with mock.patch.object(tf2_twin, "loss_fn", tower_mean), mock.patch.object(tf2_twin, "SUM", reduce):
            wrong, wrong_one = tf2_twin.run(inputs, function=True), tf2_twin.run(one, function=True)
        moved = [(one[n] - wrong_one[n][0], one[n] - right_one[n][0]) for n in tf1_twin.PARAMS]
        ratios = np.concatenate([w[r != 0] / r[r != 0] for w, r in moved])
        verdict, loss = compare(right, wrong), compare({"loss": right["loss"]}, {"loss": wrong["loss"]})
        found[f"reduce_mean inside strategy.run, gradients and loss {label}"] = {
            "against the TF1 towers": str(verdict).split(" (")[0],
            "loss, max abs difference": f"{loss.max_abs:.3g}",
            "first update / the right one (median, min–max)": f"{np.median(ratios):.6g} ({ratios.min():.6g}–{ratios.max():.6g})",
            "final loss, test accuracy": f"{wrong['loss'][-1]:.6g}, {wrong['test_accuracy'][-1]:.4g} "
                                         f"(right: {right['loss'][-1]:.6g}, {right['test_accuracy'][-1]:.4g})"}
    return found


def time_variant(mode):
    """Seconds per global step of one variant: the median of REPEATS slopes, with their spread."""
    from tfparity.core.harness import load, run_mode
    data, *twins = load("data_parallel")
    short, long = (data.make_inputs(0, epochs=e, **TIMING) for e in (1, LONG_EPOCHS))
    steps = [sum(len(b) for b in i["schedule"]) for i in (short, long)]

    def seconds(inputs):
        start = time.perf_counter()
        run_mode(twins, mode, inputs)
        return time.perf_counter() - start
    seconds(short)  # warm-up: kernels, the logical devices, the strategy
    slopes = [(seconds(long) - seconds(short)) / (steps[1] - steps[0]) for _ in range(REPEATS)]
    return {"per_step_s": statistics.median(slopes), "min_s": min(slopes), "max_s": max(slopes),
            "updates": steps, "repeats": REPEATS}


def fault(name):
    """One planted fault (faults.py, or a taken port): its message and seconds."""
    import socket

    from tfparity.core import cluster
    from tfparity.core.harness import load
    inputs = load("data_parallel")[0].make_inputs(0, epochs=2, train_size=64, test_size=16)
    healthy = "tf2_eager.data_parallel:run"
    plans = {"worker exits mid-run": ([healthy, "tfparity.studies.distributed.faults:exit_mid_run"], {}),
             "worker never joins": ([healthy, "tfparity.studies.distributed.faults:never_joins"], {"timeout": 20}),
             "port already taken": (healthy, {})}
    targets, options = plans[name]
    with socket.socket() as taken:
        taken.bind((cluster.HOST, 0))
        taken.listen()
        if name == "port already taken":
            options["ports"] = [taken.getsockname()[1], cluster.free_ports(1)[0]]
        start = time.monotonic()
        try:
            cluster.run(targets, inputs, 2, function=True, **options)
            message = "no error"
        except cluster.ClusterError as error:
            message = str(error)
    return {"message": message, "seconds": time.monotonic() - start, **({"timeout_s": options["timeout"]} if "timeout" in options else {})}
