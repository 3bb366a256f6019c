"""The cookbook recipes over many seeds: the distribution their one unseeded printout was drawn from.

Each seed is run by the TF2 twin's whole loop (``train_loop``), traced once and reused for every
seed: the fastest mode the records show bit-identical to the Session. Some seeds are run by the
TF1 Session too, and the record says on how many the two agreed bit for bit.
"""
import numpy as np
import tensorflow as tf
import tensorflow.compat.v1 as tf1

from tfparity.core.harness import load

# Every CHECK_EVERY-th seed is also run by the TF1 Session: 10 of 1,000 costs seconds, not minutes.
CHECK_EVERY = 100
# The printout is compared with the seeds whose A is nearest it at every printed step: the closest
# NEAREST of them say what start the printed run had (1% of 1,000 seeds).
NEAREST = 10


def traces(name, seeds, **options):
    """{field: array seeds × steps} from the TF2 twin's whole loop, and the seeds the Session
    also ran with whether each gave the same bits."""
    data, tf1_twin, tf2_twin = load(name)
    first = data.make_inputs(0, **options)
    A = tf.Variable(first["A0"], name="A")
    loop = tf.function(tf2_twin.train_loop)
    extra = (first["learning_rate"],) + ((first["loss"],) if "loss" in first else ())
    found, checked = [], {}
    for seed in seeds:
        inputs = data.make_inputs(seed, **options)
        A.assign(inputs["A0"])
        trace = {k: v.numpy() for k, v in loop(*(tf.constant(inputs[k]) for k in ("x", "y", "schedule")), A, *extra).items()}
        if seed % CHECK_EVERY == 0:
            session = tf1_twin.run(inputs)
            checked[seed] = all(np.array_equal(session[k], trace[k]) for k in trace)
        found.append(trace)
    return {k: np.stack([t[k] for t in found]) for k in found[0]}, checked, np.array(
        [data.make_inputs(seed, **options)["A0"][0] for seed in seeds])


def summary(values, printed=None, digits=None):
    """Percentiles of one quantity over the seeds and, for a printed number, its mid-rank
    percentile among them (values rounded to the digits the source printed, for ties)."""
    values = np.asarray(values, np.float64)
    low, q1, median, q3, high = np.percentile(values, [5, 25, 50, 75, 95])
    row = {"n": len(values), "low": low, "q1": q1, "median": median, "q3": q3, "high": high,
           "span": "5th to 95th percentile"}
    if isinstance(printed, (int, float)):
        rounded = np.round(values, digits) if digits is not None else values
        row["printed_percentile"] = 100 * (np.mean(rounded < printed) + 0.5 * np.mean(rounded == printed))
    return row


def nearest_start(found, starts, rows):
    """The initial A of the NEAREST seeds whose A at the printed steps is closest to the printout,
    and where that start falls among all the seeds' starts (percent below)."""
    printed = [(row["step"], row["printed"]) for row in rows if row["field"] == "A"]
    distance = sum((found["A"][:, step - 1] - value) ** 2 for step, value in printed)
    closest = np.argsort(distance)[:NEAREST]
    start = float(np.median(starts[closest]))
    return {"n": NEAREST, "median_A0": start, "percentile": 100 * float(np.mean(starts < start)),
            "median_distance": float(np.median(np.sqrt(distance[closest] / len(printed))))}


def unreduced_loss_same_bits(seeds):
    """The recipe's regression loss is tf.square(x·A − y) with no mean (minimize sums it): run as
    written in a TF1 graph, against the twin's reduce_mean, for each seed. True where every A is equal."""
    data, tf1_twin, _ = load("regression")
    same = []
    for seed in seeds:
        inputs = data.make_inputs(seed)
        graph = tf1.Graph()
        with graph.as_default():
            x, y = tf1.placeholder(tf1.float32, [1]), tf1.placeholder(tf1.float32, [1])
            A = tf1.Variable(inputs["A0"])
            train = tf1.train.GradientDescentOptimizer(inputs["learning_rate"]).minimize(tf1.square(x * A - y))
            init = tf1.global_variables_initializer()
        with tf1.Session(graph=graph) as session:
            session.run(init)
            found = []
            for i in inputs["schedule"]:
                session.run(train, {x: inputs["x"][i:i + 1], y: inputs["y"][i:i + 1]})
                found.append(session.run(A)[0])
        same.append(bool(np.array_equal(np.array(found), tf1_twin.run(inputs)["A"])))
    return same


def study(name, seeds, rows, histograms=(), **options):
    """One recipe's record: a summary per printed number, the Session check, the nearest runs' start,
    and every seed's value of the rows named in ``histograms``."""
    found, checked, starts = traces(name, seeds, **options)
    at = lambda row: found[row["field"]][:, row["step"] - 1]
    result = {"seeds": len(seeds), "options": options,
              "session_checked": len(checked), "session_equal": sum(checked.values()),
              "rows": {row["what"]: summary(at(row), row["printed"], row.get("digits")) for row in rows},
              "bands": {f: np.percentile(found[f], [5, 25, 50, 75, 95], axis=0) for f in ("A",)},
              "values": {row["what"]: at(row).astype(np.float64) for row in rows if row["what"] in histograms}}
    if any(row["field"] == "A" for row in rows):
        result["nearest"] = nearest_start(found, starts, rows)
    return result
