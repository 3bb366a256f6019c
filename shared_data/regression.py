"""Inputs for the cookbook regression x·A = 10 with single-sample gradient descent."""
import numpy as np

from shared_data import positive_float, positive_int, rng
from tfparity.core.tolerances import Bound

# The recipe: 100 samples x ~ N(1, 0.1) with target 10, A ~ N(0, 1), learning rate 0.02,
# 100 single-sample steps, a report every 25 steps.
N_SAMPLES, X_MEAN, X_STD, TARGET = 100, 1.0, 0.1, 10.0
LEARNING_RATE, STEPS, REPORT_EVERY = 0.02, 100, 25
LOSSES = ("l2", "l1")
# A small run that still shows parity: what the tests and the notebooks run by default.
QUICK = {"steps": 20}
# Allowed differences from the TF1 Session, each with its named cause; tfparity/core/tolerances.py
# applies a bound only while its cause is active. They are local bounds: the twins offer one update
# from a given state (step_from), so every TF2 mode is judged on single updates taken from the
# Session's own state (the local layer, tfparity.core.harness.local_layer), in ULPs at each field's
# largest value; the free-running trajectory is reported beside it, not bounded. The measurements
# are in docs/results/local_steps.json (python -m tfparity.core.local_record regression, under each
# oneDNN setting); each bound is the smallest power of two at or above twice the largest of them,
# as parity_tests/test_local_steps.py checks.
LOCAL_BOUNDS = True
# What the local bounds were measured on (tfparity.core.local_record, seeds 0-2): the default run on
# either loss, and QUICK, which the tests and the notebooks run.
LOCAL_SETTINGS = ({}, {"loss": "l1"}, QUICK)
BOUNDS = {
    "tf2_xla": [Bound(
        "xla", 4, 0.0,
        "XLA's fused step rounds otherwise: one update from the Session's state differs in A and in "
        "the loss by rounding (the loss, the square of a residual x·A − 10 that nears zero, counted "
        "at its largest over the checked updates, not in its own ULPs). Measured over the checked updates of the default run (either "
        "loss) and of QUICK (seeds 0-2), under each oneDNN setting: docs/results/local_steps.json.")],
}
# What the recipe printed (McClure, "TensorFlow Machine Learning Cookbook", ch. 2, "Implementing
# Back Propagation"; the notebook 02_TensorFlow_Way/05_Implementing_Back_Propagation in
# nfmcclure/tensorflow_cookbook): one unseeded run, A and that sample's loss after these steps.
# The guide puts each beside ours and, from docs/results/fidelity.json, beside 1,000 seeds.
PRINTED = {25: (5.40734911, 26.12220001), 50: (8.33076572, 7.52755737),
           75: (9.41368389, 4.23305845), 100: (9.93231583, 1.10820949)}
PUBLISHED = {"source": "one unseeded run of the recipe", "distribution": "fidelity",
             "rows": [{"what": f"{field} after step {step}", "printed": value, "field": field, "step": step}
                      for step, values in PRINTED.items() for field, value in zip(("A", "loss"), values)]}
# The example's own mode beyond the harness's (tfN_NAME runs twin N's run_NAME): the TF2 twin's
# last section, the Keras 3 model trained by model.fit, compared with the Session like the others.
MODES = ("tf2_keras",)
# What `tfparity run` lets a user set beyond the common options: make_inputs parameter -> argparse settings.
OPTIONS = {"loss": {"choices": LOSSES, "help": "the recipe's squared (l2) or absolute (l1) loss (default l2)"}}


def make_inputs(seed=0, learning_rate=LEARNING_RATE, steps=STEPS, loss="l2"):
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {', '.join(LOSSES)}, got {loss!r}")
    learning_rate = positive_float("learning rate", learning_rate)
    steps = positive_int("steps", steps)
    draw = rng(seed)
    x = draw.normal(X_MEAN, X_STD, N_SAMPLES).astype(np.float32)
    a0 = draw.normal(0.0, 1.0, 1).astype(np.float32)
    schedule = draw.integers(0, N_SAMPLES, steps)
    return {
        "x": x, "y": np.full(N_SAMPLES, TARGET, np.float32), "A0": a0, "schedule": schedule,
        "learning_rate": learning_rate, "steps": steps, "loss": loss, "dtype": "float32",
        "report_every": REPORT_EVERY,
    }
