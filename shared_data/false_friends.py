"""Inputs for the false-friends measurements: two training problems and one loss batch.

The optimizers run on the regression example's inputs and on the MLP over a fixed MNIST slice;
the losses are evaluated on one batch of predictions, labels and a 0/1 mask drawn here.
"""
import numpy as np

from shared_data import mlp, positive_int, regression, rng

# Small enough for the test suite, long enough for accumulators and bias corrections to matter.
MLP_IMAGES, MLP_BATCH, STEPS = 640, 32, 20
# Every optimizer gets the same learning rate per problem: the recipe's for the regression,
# a tenth of the MLP's 0.5 for the MLP (adaptive optimizers would diverge at 0.5).
LEARNING_RATES = {"regression": 0.02, "mlp": 0.05}
# The loss batch: rows, classes, and the share of rows the mask keeps.
LOSS_ROWS, LOSS_CLASSES, KEEP = 16, 10, 0.75
LABEL_SMOOTHING = 0.1


def problems(seed=0, steps=STEPS, data_dir=None):
    """{problem: {"variables": {name: initial value}, "batches": [(x, y), ...], "learning_rate"}}."""
    steps = positive_int("steps", steps)
    reg = regression.make_inputs(seed, steps=steps)
    net = mlp.make_inputs(seed, epochs=1, batch_size=MLP_BATCH, train_size=MLP_IMAGES,
                          test_size=MLP_BATCH, data_dir=data_dir)
    order = net["schedule"].reshape(-1, MLP_BATCH)
    return {
        "regression": {"variables": {"A": reg["A0"]}, "learning_rate": LEARNING_RATES["regression"],
                       "batches": [(reg["x"][i:i + 1], reg["y"][i:i + 1]) for i in reg["schedule"]]},
        "mlp": {"variables": {k: net[k] for k in ("W1", "b1", "W2", "b2")}, "learning_rate": LEARNING_RATES["mlp"],
                "batches": [(net["train_x"][order[i % len(order)]], net["train_y"][order[i % len(order)]])
                            for i in range(steps)]},
    }


def loss_batch(seed=0):
    """Logits, one-hot labels, 0/1 labels for sigmoid losses, regression targets and a row mask."""
    draw = rng(seed)
    logits = draw.normal(0.0, 2.0, (LOSS_ROWS, LOSS_CLASSES)).astype(np.float32)
    classes = draw.integers(0, LOSS_CLASSES, LOSS_ROWS)
    return {"logits": logits, "labels": np.eye(LOSS_CLASSES, dtype=np.float32)[classes],
            "binary": (draw.random((LOSS_ROWS, LOSS_CLASSES)) < 0.3).astype(np.float32),
            "targets": draw.normal(0.0, 1.0, (LOSS_ROWS, LOSS_CLASSES)).astype(np.float32),
            "mask": (draw.random((LOSS_ROWS, 1)) < KEEP).astype(np.float32),
            "label_smoothing": LABEL_SMOOTHING}
