"""Inputs for the RNN cells: MNIST rows as 28-step sequences, each cell's initial weights in TF1's
layout, the batch order, and (for variable-length sequences) each image's number of rows."""
import numpy as np

from shared_data import mnist, positive_float, positive_int, rng
from tfparity.core.tolerances import Bound

# The classic tutorial's shape (TensorFlow-Examples' recurrent_network.py): each image is 28 time
# steps of one 28-pixel row; an LSTM reads them and a dense layer reads its last output. Fewer
# units and updates than the tutorial's, so that `tfparity run` of this example stays short.
STEPS, ROW = 28, 28
CLASSES = 10
UNITS, EPOCHS, BATCH_SIZE, TRAIN_SIZE, LEARNING_RATE = 32, 2, 128, 6400, 0.5
# TF1's cells by option: the class tf-keras keeps them as, and the scope its variables are made in.
CELLS = {"basic_lstm": ("BasicLSTMCell", "basic_lstm_cell"), "lstm": ("LSTMCell", "lstm_cell"),
         "gru": ("GRUCell", "gru_cell")}
# The two ways TF1 unrolled a cell: static_rnn builds 28 copies of the step, dynamic_rnn a while_loop.
RNNS = ("static", "dynamic")
# One cell reading the rows in order (the tutorial's), or one cell each way, as TF1's
# static_bidirectional_rnn and bidirectional_dynamic_rnn run a pair (TensorFlow-Examples'
# bidirectional_rnn.py): the backward cell reads each sequence's rows last to first; the head reads
# both cells' final outputs side by side.
DIRECTIONS = ("forward", "bidirectional")
# Every sequence 28 rows long (the tutorial's), or each image its own first rows, at least MIN_ROWS
# of them, passed as sequence_length.
LENGTHS = ("full", "variable")
MIN_ROWS = 14
# A small run that still shows parity: what the tests and the notebooks run by default.
QUICK = {"epochs": 1, "train_size": 256, "test_size": 128, "batch_size": 64}
# What the local bounds were measured on (tfparity.core.local_record, seeds 0-2): the first epoch of
# the default run (the updates `tfparity run` checks first), QUICK, which the tests and the notebooks
# run, and QUICK's GRUCell under dynamic_rnn and its two stacked LSTMCells under static_rnn, both on
# sequences of their own lengths.
LOCAL_SETTINGS = ({"epochs": 1}, QUICK, dict(QUICK, cell="gru", rnn="dynamic", lengths="variable"),
                  dict(QUICK, cell="lstm", layers=2, lengths="variable"))
# Allowed differences from the TF1 Session, each with its named cause; tfparity/core/tolerances.py
# applies a bound only while its cause is active. They are local bounds: the twins offer one update
# from a given state (step_from), so every TF2 mode is judged on single updates taken from the
# Session's own state (tfparity.core.harness.local_layer), in ULPs at each field's largest value; the
# free-running trajectory is reported beside it, not bounded. The measurements are in
# docs/results/local_steps.json (python -m tfparity.core.local_record mnist_rnn, under each oneDNN
# setting); each bound is the smallest power of two at or above twice the largest of them, as
# parity_tests/test_local_steps.py checks.
LOCAL_BOUNDS = True
_MEASURED = ("Measured over the checked updates of the default run's first epoch, of QUICK, and of QUICK's "
             "GRUCell under dynamic_rnn and two stacked LSTMCells, both on sequences of their own lengths "
             "(seeds 0-2), under each oneDNN setting: docs/results/local_steps.json.")
_GRAPPLER = Bound(
    "grappler_arithmetic", 16, 0.0,
    "A cell's variables are used at every step, so their gradient is a sum of one term per step; the "
    "module twin sums them in TF1's order (static_rnn's one AddN, dynamic_rnn's running sum, last step "
    "first), but grappler's arithmetic optimizer rewrites the Session's sums (and tf.function's "
    "otherwise), while eager runs them as written: one update from the Session's state differs by rounding "
    "in the cells' weights. With the optimizer off every mode of the twin is bit-identical "
    "(parity_tests/test_mnist_rnn.py). " + _MEASURED)
BOUNDS = {
    "tf2_eager": [_GRAPPLER], "tf2_function": [_GRAPPLER], "tf2_loop": [_GRAPPLER],
    "tf2_xla": [Bound(
        "xla", 32, 0.0,
        "XLA's fused kernels round each step's arithmetic otherwise, in the loss and every variable. " + _MEASURED)],
    "tf2_keras": [Bound(
        "reformulation", 256, 0.0,
        "Keras 3's LSTM and GRU compute the cell in another order: x and h multiplied by a kernel each and "
        "added, where TF1 multiplies concat([x, h]) by one; forget_bias folded into f's bias (it rounds, "
        "tfparity.port.rnn_cells.to_keras) where TF1 adds it at every step; their own gradient sums, and the "
        "model's weights carried to TF1's layout and back around each update. One update from the "
        "Session's state differs by rounding, each confirmed against the Keras update in float64. " + _MEASURED)],
}
# The example's own mode beyond the harness's (tfN_NAME runs twin N's run_NAME): the TF2 twin's
# last section, the stock Keras 3 LSTM or GRU trained by model.fit, compared with the Session like the others.
MODES = ("tf2_keras",)
# What `tfparity run` lets a user set beyond the common options: make_inputs parameter -> argparse settings.
OPTIONS = {"cell": {"choices": tuple(CELLS), "help": "TF1's cell: BasicLSTMCell (the tutorial's), LSTMCell or GRUCell"},
           "rnn": {"choices": RNNS, "help": "unroll with tf.nn.static_rnn (the tutorial's) or tf.nn.dynamic_rnn"},
           "lengths": {"choices": LENGTHS, "help": "every image's 28 rows, or each its own first rows (sequence_length)"},
           "direction": {"choices": DIRECTIONS, "help": "one cell over the rows in order (the tutorial's), or one "
                         "each way (static_bidirectional_rnn / bidirectional_dynamic_rnn)"},
           "layers": {"type": int, "help": "cells stacked in a MultiRNNCell (default 1: the cell alone)"},
           "forget_bias": {"type": float, "help": "the LSTM cells' forget_bias (TF1's default 1.0)"},
           "train_size": {"type": int, "help": "train on the first N images (MNIST has 60,000)"},
           "test_size": {"type": int, "help": "test on the first N images (MNIST has 10,000)"}}


def glorot_uniform(draw, shape):
    """TF1's get_variable default and Keras's: U(±sqrt(6 / (fan_in + fan_out)))."""
    limit = np.sqrt(6.0 / (shape[0] + shape[1]))
    return draw.uniform(-limit, limit, shape).astype(np.float32)


def cell_scope(layers, cell, layer):
    """The scope TF1 makes layer ``layer``'s variables in, under the rnn's: a cell alone is named
    by its class; MultiRNNCell puts each under multi_rnn_cell/cell_N."""
    name = CELLS[cell][1]
    return f"rnn/{name}" if layers == 1 else f"rnn/multi_rnn_cell/cell_{layer}/{name}"


def cell_scopes(cell, layers, direction="forward"):
    """The scope of each of TF1's cells in the order TF1 makes them: the layers' (``cell_scope``), or
    a bidirectional run's forward and backward cell, each under bidirectional_rnn/fw and /bw."""
    if direction == "bidirectional":
        return [f"bidirectional_rnn/{side}/{CELLS[cell][1]}" for side in ("fw", "bw")]
    return [cell_scope(layers, cell, layer) for layer in range(layers)]


def cell_shapes(cell, inputs, units):
    """A cell's variables (under its scope) and their shapes, TF1's layout
    (tfparity.port.rnn_cells.LAYOUTS)."""
    if cell == "gru":
        return {"gates/kernel": (inputs + units, 2 * units), "gates/bias": (2 * units,),
                "candidate/kernel": (inputs + units, units), "candidate/bias": (units,)}
    return {"kernel": (inputs + units, 4 * units), "bias": (4 * units,)}


def shapes(cell, layers, units, direction="forward"):
    """Every variable by its TF1 name and shape: each cell (a layer reads the one below; both cells
    of a bidirectional run read the rows), then the dense head (on both final outputs if two)."""
    found = {}
    for layer, scope in enumerate(cell_scopes(cell, layers, direction)):
        below = units if layer > 0 and direction == "forward" else ROW
        found.update({f"{scope}/{name}": shape for name, shape in cell_shapes(cell, below, units).items()})
    head = 2 * units if direction == "bidirectional" else units
    return dict(found, **{"output/weights": (head, CLASSES), "output/biases": (CLASSES,)})


def make_inputs(seed=0, epochs=EPOCHS, batch_size=BATCH_SIZE, learning_rate=LEARNING_RATE, units=UNITS,
                train_size=TRAIN_SIZE, test_size=None, cell="basic_lstm", rnn="static", lengths="full",
                layers=1, forget_bias=1.0, direction="forward", data_dir=None, download=False):
    """Tests pass ``train_size``/``test_size`` to train on the first images only."""
    epochs, batch_size = positive_int("epochs", epochs), positive_int("batch size", batch_size)
    units, layers = positive_int("units", units), positive_int("layers", layers)
    learning_rate = positive_float("learning rate", learning_rate)
    for name, value, allowed in (("cell", cell, CELLS), ("rnn", rnn, RNNS), ("lengths", lengths, LENGTHS),
                                 ("direction", direction, DIRECTIONS)):
        if value not in allowed:
            raise ValueError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    if direction == "bidirectional" and layers != 1:
        raise ValueError(f"a bidirectional run has one cell each way: layers must be 1, got {layers}")
    try:
        forget_bias = float(forget_bias)
    except (TypeError, ValueError):
        raise ValueError(f"forget bias must be a number, got {forget_bias!r}") from None
    if not np.isfinite(forget_bias):
        raise ValueError(f"forget bias must be finite, got {forget_bias!r}")
    if cell == "gru" and forget_bias != 1.0:
        raise ValueError("forget bias is an LSTM cell's: GRUCell has none")
    draw = rng(seed)
    data = mnist.load(data_dir, download=download)
    train_size = positive_int("train size", min(train_size or len(data["train_x"]), len(data["train_x"])))
    test_size = positive_int("test size", test_size or len(data["test_x"]))
    if batch_size > train_size:
        raise ValueError(f"batch size {batch_size} exceeds the {train_size} training images")
    steps = train_size // batch_size  # the last partial batch of an epoch is dropped
    initial = {name: glorot_uniform(draw, shape) if len(shape) == 2 else np.zeros(shape, np.float32)
               for name, shape in shapes(cell, layers, units, direction).items()}
    schedule = np.stack([draw.permutation(train_size)[:steps * batch_size].reshape(steps, batch_size)
                         for _ in range(epochs)])
    # Drawn after everything else, so the full-length inputs stay what they are: each image's rows.
    rows = {split: draw.integers(MIN_ROWS, STEPS + 1, size) if lengths == "variable" else None
            for split, size in (("train", train_size), ("test", test_size))}
    return dict(initial, **{
        "train_x": data["train_x"][:train_size], "train_y": data["train_y"][:train_size],
        "test_x": data["test_x"][:test_size], "test_y": data["test_y"][:test_size],
        "train_lengths": rows["train"], "test_lengths": rows["test"],
        "schedule": schedule, "epochs": epochs, "batch_size": batch_size, "learning_rate": learning_rate,
        "units": units, "cell": cell, "rnn": rnn, "lengths": lengths, "layers": layers, "direction": direction,
        "forget_bias": np.float32(forget_bias),
        "parameter_count": int(sum(np.prod(v.shape) for v in initial.values())),
        "report_every": 1,  # the table shows every epoch
    })
