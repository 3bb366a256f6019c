"""Inputs for the 784-15-10 MLP on MNIST: the data, Glorot-uniform weights, per-epoch batches."""
import numpy as np

from shared_data import mnist, positive_float, positive_int, rng
from tfparity.core.tolerances import Bound

# 784 inputs -> 15 sigmoid units -> 10 outputs; a weight matrix and a bias per layer.
SIZES = (784, 15, 10)
PARAMETER_COUNT = sum(a * b + b for a, b in zip(SIZES, SIZES[1:]))
PARAMS = ("W1", "b1", "W2", "b2")
# What the source printed of its network: the number of weights and biases. The guide puts it
# beside the count make_inputs computes from SIZES (the record's settings).
PUBLISHED = {"source": "the size of its network", "rows": [
    {"what": "weights and biases", "printed": 11935, "setting": "parameter_count"}]}
# Tuned on the default seed (docs/mlp.md has the sweep): a constant rate plateaus below the
# decayed one; decaying it every epoch averages out the batch noise that holds the accuracy down.
EPOCHS, BATCH_SIZE, LEARNING_RATE, DECAY = 30, 32, 0.5, 0.9
GRADIENTS = ("auto", "manual")
# A small run that still shows parity: what the tests and the notebooks run by default.
QUICK = {"epochs": 1, "train_size": 32, "test_size": 16}
# `tfparity run`'s default (the main job, docs/performance.md#the-main-job has each mode's seconds):
# the first 3 of the 30 epochs, the Session, tf.function and Keras fit each, compared whole (final
# weights and predictions too); eager pays Python's dispatch on each of an epoch's 1,875 updates, so
# it runs the first, compared with the Session's first. All are marked partial; `--full`,
# `tfparity docs` and the records' tests run every mode to the end (docs/mlp.md has the headline).
FIRST_EPOCHS = {"tf1_graph": 3, "tf2_eager": 1}
# Allowed differences from the TF1 Session, each with its named cause and its measurement;
# tfparity/core/tolerances.py applies a bound only while its cause is active.
BOUNDS = {
    "tf2_eager": [Bound(
        "onednn", 512, 2e-5,
        "The loss differs by 1 ULP from the first step. Measured on the full default run (seed 0, "
        "56,250 updates; AVX2 with TF_ENABLE_ONEDNN_OPTS=1): loss within 261 ULP, weights within "
        "1.28e-5 absolutely (near-zero W1 entries differ by many of their own ULPs), test "
        "predictions identical; tf.function stays bit-identical. Measured again on AVX-512, where "
        "oneDNN is on by default (full default run): weights within 7.9e-6 absolutely.")],
    "tf2_xla": [Bound(
        "xla", 512, 2e-5,
        "XLA's fused epoch differs from step 1. Measured over 2 full epochs (seed 0, AVX2): the loss "
        "within 28 ULP, weights within 2.9e-6 absolutely, test predictions identical.")],
}
# The example's own mode beyond the harness's (tfN_NAME runs twin N's run_NAME): the TF2 twin's
# last section, the Keras 3 model trained by model.fit, compared with the Session like the others.
MODES = ("tf2_keras",)
# What `tfparity run` lets a user set beyond the common options: make_inputs parameter -> argparse settings.
OPTIONS = {"batch_size": {"type": int, "help": "images per update"},
           "train_size": {"type": int, "help": "train on the first N images (MNIST has 60,000)"},
           "test_size": {"type": int, "help": "test on the first N images (MNIST has 10,000)"},
           "gradients": {"choices": GRADIENTS, "help": "train on the automatic or the hand-written gradient"}}


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
        "parameter_count": PARAMETER_COUNT,
        "learning_rate": learning_rate, "decay": decay,
        "learning_rates": np.float32(learning_rate * decay ** np.arange(epochs)), "gradients": gradients, "dtype": "float32",
        "report_every": 1,  # the table shows every epoch
    }
