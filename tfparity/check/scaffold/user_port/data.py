"""Every input both programs read, drawn once with NumPy from the seed: data, initial values,
hyperparameters, the number of steps. Replace the draws with your own; keep every random number
here, so that neither program draws its own (an unseeded initializer is the first parity bug)."""
import numpy as np

STEPS, LEARNING_RATE = 30, 0.1  # replace: your run's length and learning rate


def make_inputs(seed):
    draw = np.random.default_rng(seed)
    x = draw.normal(size=(64, 3)).astype(np.float32)  # replace: your data (a batch, or a schedule of batches)
    y = (x @ np.float32([1.0, -2.0, 0.5]) + np.float32(0.3)).astype(np.float32)
    return {"x": x, "y": y, "w0": np.zeros(3, np.float32), "b0": np.zeros(1, np.float32),  # initial values
            "learning_rate": LEARNING_RATE, "steps": STEPS}
