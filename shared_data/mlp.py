"""Inputs for the 784-15-10 MLP on MNIST: the data, Glorot-uniform weights, per-epoch batches."""
import numpy as np

from shared_data import mnist, positive_float, positive_int, rng

# 784 inputs -> 15 sigmoid units -> 10 outputs: 784·15 + 15 + 15·10 + 10 = 11,935 parameters.
SIZES = (784, 15, 10)
PARAMS = ("W1", "b1", "W2", "b2")
# Tuned on the default seed (docs/mlp.md has the sweep): a constant rate plateaus near 94.8%;
# decaying it every epoch averages out the batch noise that holds the test accuracy down.
EPOCHS, BATCH_SIZE, LEARNING_RATE, DECAY = 30, 32, 0.5, 0.9
GRADIENTS = ("auto", "manual")
# A small run that still shows parity: what the tests and the notebooks run by default.
QUICK = {"epochs": 1, "train_size": 32, "test_size": 16}


def glorot_uniform(draw, fan_in, fan_out):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return draw.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32)


def make_inputs(seed=0, epochs=EPOCHS, batch_size=BATCH_SIZE, learning_rate=LEARNING_RATE,
                decay=DECAY, train_size=None, test_size=None, gradients="auto", data_dir=None, download=False):
    """Tests pass ``train_size``/``test_size`` to train on the first images only."""
    epochs, batch_size = positive_int("epochs", epochs), positive_int("batch size", batch_size)
    learning_rate = positive_float("learning rate", learning_rate)
    decay = positive_float("decay", decay)
    if gradients not in GRADIENTS:
        raise ValueError(f"gradients must be one of {', '.join(GRADIENTS)}, got {gradients!r}")
    draw = rng(seed)
    data = mnist.load(data_dir, download=download)
    train_size = positive_int("train size", train_size or len(data["train_x"]))
    test_size = positive_int("test size", test_size or len(data["test_x"]))
    if batch_size > train_size:
        raise ValueError(f"batch size {batch_size} exceeds the {train_size} training images")
    steps = train_size // batch_size  # the last partial batch of an epoch is dropped
    schedule = np.stack([draw.permutation(train_size)[:steps * batch_size].reshape(steps, batch_size)
                         for _ in range(epochs)])
    return {
        "train_x": data["train_x"][:train_size], "train_y": data["train_y"][:train_size],
        "test_x": data["test_x"][:test_size], "test_y": data["test_y"][:test_size],
        "W1": glorot_uniform(draw, SIZES[0], SIZES[1]), "b1": np.zeros(SIZES[1], np.float32),
        "W2": glorot_uniform(draw, SIZES[1], SIZES[2]), "b2": np.zeros(SIZES[2], np.float32),
        "schedule": schedule, "epochs": epochs, "batch_size": batch_size,
        "parameter_count": sum(a * b + b for a, b in zip(SIZES, SIZES[1:])),
        "learning_rate": learning_rate, "decay": decay,
        "learning_rates": np.float32(learning_rate * decay ** np.arange(epochs)), "gradients": gradients, "dtype": "float32",
        "report_every": 1,  # the table shows every epoch
    }
