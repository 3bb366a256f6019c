"""Inputs for the cookbook classification sigmoid(x + A) with single-sample gradient descent."""
import numpy as np

from shared_data import positive_float, positive_int, rng
from tfparity.core.tolerances import Bound

# The recipe: 50 points from N(-1, 1) labelled 0 and 50 from N(3, 1) labelled 1; A ~ N(10, 1),
# deliberately far from the answer -(-1 + 3)/2 = -1; learning rate 0.05, 1400 steps, report every 200.
N_PER_CLASS, MEANS, A0_MEAN = 50, (-1.0, 3.0), 10.0
LEARNING_RATE, STEPS, REPORT_EVERY = 0.05, 1400, 200
# A small run that still shows parity: what the tests and the notebooks run by default.
QUICK = {"steps": 20}
# Allowed differences from the TF1 Session, each with its named cause; tfparity/core/tolerances.py
# applies a bound only while its cause is active. They are local bounds: the twins offer one update
# from a given state (step_from), so every TF2 mode is judged on single updates taken from the
# Session's own state (the local layer, tfparity.core.harness.local_layer), in ULPs at each field's
# largest value: the sample's loss after the update and A. The accuracy over all points is not the
# step's (it reads A after it) and is left to the trajectory, which is reported beside it, not bounded.
# The measurements are in docs/results/local_steps.json (python -m tfparity.core.local_record
# classification, under each oneDNN setting); each bound is the smallest power of two at or above
# twice the largest of them, as parity_tests/test_local_steps.py checks.
LOCAL_BOUNDS = True
# What the local bounds were measured on (tfparity.core.local_record, seeds 0-2): the default run,
# and QUICK, which the tests and the notebooks run.
LOCAL_SETTINGS = ({}, QUICK)
BOUNDS = {
    "tf2_eager": [Bound(
        "grappler_arithmetic", 1, 0.0,
        "Graph mode (the Session, tf.function, the loop) rewrites the sigmoid cross-entropy gradient, "
        "eager runs it as written: at a few of a long run's updates one update from the Session's state "
        "differs in A by rounding, and the trajectory drifts from the first of them. Measured over the "
        "checked updates of the default run and of QUICK (seeds 0-2), under each oneDNN setting: "
        "docs/results/local_steps.json; none of those updates is among them, so the bound is the "
        "smallest there is; it names the cause the trajectory differs by.")],
    "tf2_xla": [Bound(
        "xla", 2, 0.0,
        "XLA's fused step rounds otherwise: one update from the Session's state differs by rounding. "
        "Measured over the checked updates of the default run and of QUICK (seeds 0-2), under each "
        "oneDNN setting: docs/results/local_steps.json.")],
}

# What the recipe printed (McClure, "TensorFlow Machine Learning Cookbook", ch. 2, "Implementing
# Back Propagation"; the notebook 02_TensorFlow_Way/05_Implementing_Back_Propagation in
# nfmcclure/tensorflow_cookbook): one unseeded run, A and that sample's loss every 200 steps, then
# the accuracy over the 100 points, rounded to 2 digits. The guide puts each beside ours and, from
# docs/results/fidelity.json, beside 1,000 seeds.
PRINTED = {200: (4.98884058, 9.61972692e-05), 400: (1.25237942, 0.13927367), 600: (-0.43401867, 0.06842836),
           800: (-0.78914857, 0.18796471), 1000: (-1.01327193, 0.03451081), 1200: (-1.02339005, 0.03584756),
           1400: (-0.94646472, 0.03685168)}
PUBLISHED = {"source": "one unseeded run of the recipe", "distribution": "fidelity",
             "rows": [{"what": f"{field} after step {step}", "printed": value, "field": field, "step": step}
                      for step, values in PRINTED.items() for field, value in zip(("A", "loss"), values)]
             + [{"what": "accuracy at the end", "printed": 0.98, "digits": 2, "field": "accuracy", "step": STEPS}]}


def make_inputs(seed=0, learning_rate=LEARNING_RATE, steps=STEPS):
    learning_rate = positive_float("learning rate", learning_rate)
    steps = positive_int("steps", steps)
    draw = rng(seed)
    x = np.concatenate([draw.normal(MEANS[0], 1.0, N_PER_CLASS),
                        draw.normal(MEANS[1], 1.0, N_PER_CLASS)]).astype(np.float32)
    y = np.repeat(np.float32([0.0, 1.0]), N_PER_CLASS)
    a0 = draw.normal(A0_MEAN, 1.0, 1).astype(np.float32)
    schedule = draw.integers(0, 2 * N_PER_CLASS, steps)
    return {
        "x": x, "y": y, "A0": a0, "schedule": schedule,
        "learning_rate": learning_rate, "steps": steps, "dtype": "float32",
        "report_every": REPORT_EVERY,
    }
