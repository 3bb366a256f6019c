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
# Allowed differences from the TF1 Session, each with its named cause; tfparity/core/tolerances.py
# applies a bound only while its cause is active. They are local bounds: the twins offer one update
# from a given state (step_from), so every TF2 mode is judged on single updates taken from the
# Session's own state (the local layer, tfparity.core.harness.local_layer), in ULPs at each field's
# largest value; the free-running trajectory is reported beside it, not bounded. The measurements
# are in docs/results/local_steps.json (python -m tfparity.core.local_record mlp, under each
# oneDNN setting); each bound is the smallest power of two at or above twice the largest of them,
# as parity_tests/test_local_steps.py checks.
LOCAL_BOUNDS = True
# What the local bounds were measured on (tfparity.core.local_record, seeds 0-2): the first epoch over
# the whole training split on either gradient (the updates `tfparity run` checks first; the test split
# is not read), two epochs of a slice (the second at the decayed rate; parity_tests/test_mlp.py runs
# it), and QUICK, which the notebooks run.
LOCAL_SETTINGS = ({"epochs": 1, "test_size": 100}, {"epochs": 1, "test_size": 100, "gradients": "manual"},
                  {"epochs": 2, "train_size": 3200, "test_size": 100}, QUICK)
BOUNDS = {
    "tf2_eager": [Bound(
        "onednn", 4, 0.0,
        "oneDNN fuses each MatMul with the bias add after it in graphs (the Session's and tf.function's), "
        "not in eager, where the ops run one by one: one update from the Session's state differs by "
        "rounding in the loss and the weights. Measured over the checked updates of the first epoch "
        "(either gradient), of two epochs of a slice, and of QUICK (seeds 0-2), under each oneDNN setting: "
        "docs/results/local_steps.json. tf.function, the whole loop and Keras fit stay bit-identical, "
        "and with oneDNN off so does eager. The plain SGD steps then carry that rounding into a "
        "separate trajectory (reported, not bounded).")],
    "tf2_xla": [Bound(
        "xla", 8, 0.0,
        "XLA's fused kernels round each update's arithmetic otherwise, in the loss and the weights. "
        "Measured over the checked updates of the first epoch (either gradient), of two epochs of a "
        "slice, and of QUICK (seeds 0-2), under each oneDNN setting: docs/results/local_steps.json.")],
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
