"""Inputs for your example: copy to shared_data/<name>.py, beside tf1_graph/ and tf2_eager/<name>.py.

Draw every input here with NumPy from the seed (data, initial weights, batch schedule); the twins
draw nothing. This template fits y = 3x + 2 in mini-batches; replace it with your data.
"""
import numpy as np

from shared_data import positive_float, positive_int, rng

# 64 noisy points, batches of 8, 50 updates at 0.1: small enough to run in a blink.
N, BATCH, STEPS, LEARNING_RATE = 64, 8, 50, 0.1
# A small run that still shows parity: what the tests and the notebooks run by default.
QUICK = {"steps": 20}


def make_inputs(seed=0, learning_rate=LEARNING_RATE, steps=STEPS):
    learning_rate, steps = positive_float("learning rate", learning_rate), positive_int("steps", steps)
    draw = rng(seed)
    x = draw.normal(0.0, 1.0, (N, 1)).astype(np.float32)
    y = (3 * x + 2 + draw.normal(0.0, 0.1, (N, 1))).astype(np.float32)
    return {"x": x, "y": y, "w0": draw.normal(0.0, 1.0, (1, 1)).astype(np.float32),
            "b0": np.zeros(1, np.float32),
            "schedule": np.stack([draw.choice(N, BATCH, replace=False) for _ in range(steps)]),
            "learning_rate": learning_rate, "steps": steps, "report_every": 10}
