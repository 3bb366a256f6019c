"""Inputs for the MNIST convnet: the images, Glorot-uniform initial weights, the batch order, and
every dropout mask, drawn here once so that both twins drop the same units at every step."""
import numpy as np

from shared_data import mnist, positive_float, positive_int, rng
from tfparity.core.tolerances import Bound

# conv 5×5×16 → max-pool → conv 5×5×32 → max-pool → dense 128 → dropout → dense 10. SAME padding
# halves 28 → 14 → 7, so fc1 reads 7·7·32 = 1,568 values: 416 + 12,832 + 200,832 + 1,290 = 215,370.
SHAPES = {"conv1/weights": (5, 5, 1, 16), "conv1/biases": (16,), "conv2/weights": (5, 5, 16, 32),
          "conv2/biases": (32,), "fc1/weights": (1568, 128), "fc1/biases": (128,),
          "fc2/weights": (128, 10), "fc2/biases": (10,)}
# The model's outer variable scope (TF1, and the shim's make_template) and tf.Module name (TF2).
SCOPE = "convnet"
# TF1 variable name -> TF2 attribute path, mechanically: the scope is the model, '/' becomes '.'.
NAME_MAP = {f"{SCOPE}/{name}": "model." + name.replace("/", ".") for name in SHAPES}
# The issue's settings: TF1's Adam defaults but the rate, batch 50, 3 epochs, keep half of fc1.
EPOCHS, BATCH_SIZE, LEARNING_RATE, KEEP_PROB = 3, 50, 1e-3, 0.5
HIDDEN = SHAPES["fc1/biases"][0]
# Pixels are standardized by the whole training split's mean and standard deviation: with raw
# [0, 1] pixels the 3-epoch run stayed short of the 99.0% target under Glorot, He and the TF1
# tutorial's initializers (seed 0, measured while building this example; docs/notes/convnet.md).
# The target this example was built to (not a printed run): test accuracy of at least 0.99 after
# EPOCHS epochs in every mode. tfparity.studies.seeds puts it among seeds 0-4 under each oneDNN setting.
TARGET = 0.99
PUBLISHED = {"source": f"a test accuracy of at least {TARGET} after {EPOCHS} epochs in every mode, put "
                       "among several seeds of the TF1 Session under each oneDNN setting ([seeds](seeds.md) "
                       "has every run)", "distribution": "seeds", "target": True,
             "rows": [{"what": f"test accuracy after {EPOCHS} epochs, {setting}", "printed": TARGET,
                       "field": "test_accuracy", "step": EPOCHS, "variant": setting}
                      for setting in ("oneDNN on", "oneDNN off")]}
# A small run that still shows parity: what the tests and the notebooks run by default.
QUICK = {"epochs": 1, "train_size": 200, "test_size": 100}
# `tfparity run`'s default (the main job, docs/performance.md#the-main-job has each mode's seconds):
# one epoch of this network costs a Session about a third of its whole run and eager mode several
# times that, so every mode runs epoch 1 only, marked partial; the shim stage (tf1_eager), whose one
# epoch costs as much as tf2_eager's, is left out: tf2_eager shows the same eager arithmetic bit for
# bit, the tests run the shim small, and `--full` and `tfparity docs` run every mode to the end.
FIRST_EPOCHS = {"tf1_graph": 1, "tf1_eager": 0}
# Allowed differences from the TF1 Session, each with its named cause; tfparity/core/tolerances.py
# applies a bound only while its cause is active. They are local bounds: the twins offer one update
# from a given state (step_from), so every TF2 mode is judged on single updates taken from the
# Session's own state (the local layer, tfparity.core.harness.local_layer), in ULPs at each field's
# largest value; the free-running trajectory is reported beside it, not bounded. The measurements
# are in docs/results/local_steps.json (python -m tfparity.core.local_record convnet, under each
# oneDNN setting); each bound is the smallest power of two at or above twice the largest of them,
# as parity_tests/test_local_steps.py checks.
LOCAL_BOUNDS = True
# What the local bounds were measured on (tfparity.core.local_record, seeds 0-2): the first epoch over
# the whole training split (the updates `tfparity run` checks by default; the test split is not read),
# and QUICK, which the tests run.
LOCAL_SETTINGS = ({"epochs": 1, "test_size": 100}, QUICK)
_GRAPH = Bound(
    "onednn", 64, 0.0,
    "In graph functions (the step, the whole epoch, and Keras fit's train function) oneDNN "
    "fuses conv2's Conv2DBackpropFilter with its BiasAddGrad, not in the Session, where minimize() gates "
    "the gradients: conv2's bias gradient is summed over the batch in another order, so one update from "
    "the Session's state differs in conv2's bias and its two Adam slots only, by rounding the size of "
    "that sum's terms. Measured over the checked updates of the first epoch and of QUICK (seeds 0-2), "
    "under each oneDNN setting: docs/results/local_steps.json. With oneDNN off every mode's update is bit-identical, and eager and "
    "the shim are with it on. Adam and dropout grow that rounding into a separate trajectory (reported, "
    "not bounded).")
BOUNDS = {
    "tf2_function": [_GRAPH], "tf2_loop": [_GRAPH], "tf2_keras": [_GRAPH],
    "tf2_xla": [Bound(
        "xla", 4096, 0.0,
        "XLA's fused kernels round each update's arithmetic otherwise, in every variable and "
        "slot; the largest difference is in fc1's weights at update 1, where Adam's first step, "
        "lr·g/(|g| + ε) after bias correction, turns the rounding of a gradient near ε into a share of the "
        "step itself. Measured over the checked updates of the first epoch and of QUICK (seeds 0-2), under "
        "each oneDNN setting: docs/results/local_steps.json.")],
}
# The example's own mode beyond the harness's (tfN_NAME runs twin N's run_NAME): the TF2 twin's
# last section, the Keras 3 model trained by model.fit, compared with the Session like the others.
MODES = ("tf2_keras",)
# What `tfparity run` lets a user set beyond the common options: make_inputs parameter -> argparse settings.
OPTIONS = {"train_size": {"type": int, "help": "train on the first N images (MNIST has 60,000)"},
           "test_size": {"type": int, "help": "test on the first N images (MNIST has 10,000)"},
           "optimizer": {"choices": ("tf1", "keras"), "help": "TF2 twin: the exact TF1 Adam rule "
                         "(tfparity.port.optimizers) or Keras 3 Adam (a measured false friend)"}}


def glorot_uniform(draw, shape):
    """Keras's default initializer: a conv kernel's fans count each of its 5×5 positions."""
    receptive = int(np.prod(shape[:-2]))
    limit = np.sqrt(6.0 / (receptive * (shape[-2] + shape[-1])))
    return draw.uniform(-limit, limit, shape).astype(np.float32)


def make_inputs(seed=0, epochs=EPOCHS, batch_size=BATCH_SIZE, learning_rate=LEARNING_RATE,
                keep_prob=KEEP_PROB, train_size=None, test_size=None, optimizer="tf1", data_dir=None,
                download=False):
    """Tests pass ``train_size``/``test_size`` to train on the first images only."""
    epochs, batch_size = positive_int("epochs", epochs), positive_int("batch size", batch_size)
    learning_rate, keep_prob = positive_float("learning rate", learning_rate), positive_float("keep prob", keep_prob)
    if keep_prob > 1:
        raise ValueError(f"keep prob must be at most 1, got {keep_prob!r}")
    if optimizer not in OPTIONS["optimizer"]["choices"]:
        raise ValueError(f"optimizer must be tf1 or keras, got {optimizer!r}")
    draw = rng(seed)
    data = mnist.load(data_dir, download=download)
    train_size = positive_int("train size", train_size or len(data["train_x"]))
    test_size = positive_int("test size", test_size or len(data["test_x"]))
    if batch_size > train_size:
        raise ValueError(f"batch size {batch_size} exceeds the {train_size} training images")
    steps = train_size // batch_size  # the last partial batch of an epoch is dropped
    initial = {name: glorot_uniform(draw, shape) if name.endswith("weights") else np.zeros(shape, np.float32)
               for name, shape in SHAPES.items()}
    # Each epoch's batch order, then its dropout masks: epoch k's draws do not depend on the
    # number of epochs. A kept unit is scaled by 1/keep_prob and a dropped one is 0, as TF does.
    schedule, keep = [], []
    for _ in range(epochs):
        schedule.append(draw.permutation(train_size)[:steps * batch_size].reshape(steps, batch_size))
        keep.append(draw.random((steps, batch_size, HIDDEN)) < keep_prob)
    schedule, keep = np.stack(schedule), np.stack(keep)
    mean, std = (np.float32(f(data["train_x"], dtype=np.float64)) for f in (np.mean, np.std))
    return dict(initial, **{
        "train_x": (data["train_x"][:train_size] - mean) / std, "train_y": data["train_y"][:train_size],
        "test_x": (data["test_x"][:test_size] - mean) / std, "test_y": data["test_y"][:test_size],
        "schedule": schedule, "keep_masks": np.where(keep, np.float32(1 / keep_prob), np.float32(0)),
        "epochs": epochs, "batch_size": batch_size, "learning_rate": learning_rate,
        "keep_prob": keep_prob, "optimizer": optimizer,
        "parameter_count": int(sum(np.prod(shape) for shape in SHAPES.values())),
        "recorded_arrays": ("conv1.weights",),  # the first layer's filters, for the guide's figure
        "report_every": 1,  # the table shows every epoch
    })


def figures(record, folder):
    """The guide's own figure for this example: first-layer filters after training, a row per
    mode. Returns the file names drawn."""
    from tfparity.render import plots
    weights = {mode: np.asarray(kept["conv1.weights"], np.float32) for mode, kept in record["arrays"].items()}
    plots.kernels(weights, folder / "img" / "convnet-filters.png")
    return ["convnet-filters.png"]
