"""The user's inputs, drawn once with NumPy: both programs get the same numbers."""
import numpy as np

STEPS, LEARNING_RATE = 30, 0.1


def make_inputs(seed):
    draw = np.random.default_rng(seed)
    x = draw.normal(size=(64, 3)).astype(np.float32)
    y = (x @ np.float32([1.0, -2.0, 0.5]) + np.float32(0.3)).astype(np.float32)
    return {"x": x, "y": y, "w0": np.zeros(3, np.float32), "b0": np.zeros(1, np.float32),
            "learning_rate": LEARNING_RATE, "steps": STEPS}
