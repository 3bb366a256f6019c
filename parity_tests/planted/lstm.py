"""A sequence classifier with one LSTM layer, TF1 as the tutorials wrote it (``BasicLSTMCell``
unrolled over the time steps, a dense softmax head, gradient descent), and TF2 ports of it for
``check --step``: stock ``keras.layers.LSTM``, a reformulation (the same mathematics in another order:
two matrix products, x W + h U, for TF1's one on the concatenation [x, h], and forget_bias folded
into the bias), and slips on that port (the gates left in TF1's order, read as Keras's; forget_bias
not folded; the learning rate 10% high).

The TF1 side runs the real cell: tf-keras's ``BasicLSTMCell`` (the r1.x cell of
tensorflow/python/ops/rnn_cell_impl.py, kept in tf_keras/src/layers/rnn/legacy_cells.py,
``BasicLSTMCell.build`` and ``call``) through ``tf1.nn.static_rnn``: one ``matmul`` of
``concat([inputs, h], 1)`` by ``rnn/basic_lstm_cell/kernel`` [input + units, 4 units], a ``bias_add``,
gates split as i, j, f, o (input gate, new input, forget gate, output gate),
``new_c = c * sigmoid(f + forget_bias) + sigmoid(i) * tanh(j)``, ``new_h = tanh(new_c) * sigmoid(o)``,
forget_bias 1.0 by default. (Until tf-keras was in the test setup the cell was written out here as
those lines; the real cell's run is the written-out one's bit for bit, losses and weights, at seeds
0 and 1: the recorded numbers below did not move.)

Keras 3's ``LSTMCell.call`` (keras/src/layers/rnn/lstm.py, implementation 2, the CPU path when cuDNN
is not available) computes ``x @ kernel + h @ recurrent_kernel``, adds ``bias``, splits into
i, f, c, o and has no forget_bias: its ``unit_forget_bias`` only initializes the bias. The port's
weights come from TF1's by ``tfparity.port.rnn_cells.to_keras`` and go back by its ``to_tf1``; each
slip is applied on top of that (``as_keras``, ``as_tf1``).

Measured at seed 0 (``parity.check`` with ``--step``, float32; this machine, TF 2.21, Keras 3):
the stock port's worst local difference is 23 ULP, confirmed in float64 as rounding (the TF1 update
2.78 ULP from the port's float64 update, the port's own float32 2.63); the slips at update 1: the
gates in TF1's order 2.0e7 ULP, forget_bias dropped 5.3e6, the learning rate 10% high 3.3e6.
"""
import keras
import numpy as np
from tf_keras.api._v1.keras.__internal__.legacy import rnn_cell

from parity_tests.planted import rnn_pair
from parity_tests.planted.rnn_pair import BATCH, BATCHES, CLASSES, FEATURES, TIME_STEPS, UNITS
from tfparity.port import rnn_cells
# BasicLSTMCell's default, added to the forget gate's pre-activation at every step.
FORGET_BIAS = 1.0
SCOPE = "rnn/basic_lstm_cell"  # static_rnn's scope and the cell's name
KERNEL, BIAS = f"{SCOPE}/kernel", f"{SCOPE}/bias"
NAMES = (KERNEL, BIAS, "dense/kernel", "dense/bias")
CELL = "BasicLSTMCell"  # its layout in tfparity.port.rnn_cells


def make_inputs(seed):
    draw = np.random.default_rng(seed)
    x = draw.normal(size=(BATCH * BATCHES, TIME_STEPS, FEATURES)).astype(np.float32)
    labels = np.argmax(x.sum(axis=1)[:, :CLASSES], axis=1)  # learnable from the whole sequence
    limit = np.sqrt(6.0 / (FEATURES + UNITS + 4 * UNITS))  # glorot_uniform, get_variable's default
    return {"x": x, "y": np.eye(CLASSES, dtype=np.float32)[labels],
            "kernel0": draw.uniform(-limit, limit, size=(FEATURES + UNITS, 4 * UNITS)).astype(np.float32),
            "dense0": (0.3 * draw.normal(size=(UNITS, CLASSES))).astype(np.float32),
            "learning_rate": np.float32(0.5)}


def _initial(inputs):
    """The initial state by TF1 name (biases zero, as the cell and the head initialize them)."""
    kernel = inputs["kernel0"]
    return {KERNEL: kernel, BIAS: np.zeros(4 * UNITS, kernel.dtype), "dense/kernel": inputs["dense0"],
            "dense/bias": np.zeros(CLASSES, kernel.dtype)}


def tf1_run(inputs, on_step=None):
    start = _initial(inputs)
    return rnn_pair.tf1_run(inputs, start, lambda: rnn_cell.BasicLSTMCell(UNITS, forget_bias=FORGET_BIAS), (KERNEL,),
                            NAMES, on_step)


def as_keras(kernel, bias, gates=False, forget_bias=FORGET_BIAS):
    """TF1's ``kernel`` and ``bias`` as the port gives them to Keras's LSTM cell: ``rnn_cells.to_keras``
    with ``forget_bias`` folded, then the slips: ``gates`` puts the blocks back in TF1's order (i, j, f, o,
    read by Keras as i, f, c, o; the swap of blocks 1 and 2 is its own inverse)."""
    weights = rnn_cells.to_keras(CELL, {"kernel": kernel, "bias": bias}, forget_bias)
    return {n: rnn_cells._blocks(v, 4, rnn_cells.LSTM_ORDER) for n, v in weights.items()} if gates else weights


def as_tf1(weights, gates=False, forget_bias=FORGET_BIAS):
    """``as_keras`` undone: Keras's {kernel, recurrent_kernel, bias} as TF1's (kernel, bias)."""
    if gates:
        weights = {n: rnn_cells._blocks(v, 4, rnn_cells.LSTM_ORDER) for n, v in weights.items()}
    values = rnn_cells.to_tf1(CELL, weights, forget_bias)
    return values["kernel"], values["bias"]


def _port(inputs, function, states, gates=False, forget_bias=FORGET_BIAS, rate=1.0):
    """The stock Keras port's run, or with ``states`` its ``step_from``: one update from each state."""
    lstm = keras.layers.LSTM(UNITS, dtype=inputs["x"].dtype, kernel_initializer="zeros", recurrent_initializer="zeros")
    slips = {"gates": gates, "forget_bias": forget_bias}
    keras_of = lambda state: as_keras(state[KERNEL], state[BIAS], **slips)  # noqa: E731
    tf1_of = lambda weights: dict(zip((KERNEL, BIAS), as_tf1(weights, **slips)))  # noqa: E731
    return rnn_pair.stock_port(inputs, function, states, lstm, keras_of, tf1_of, _initial(inputs), NAMES, rate)


def keras_run(inputs, function=False):
    return _port(inputs, function, None)


def keras_step(inputs, states, function=False):
    return _port(inputs, function, states)


def gates_run(inputs, function=False):
    """TF1's kernel and bias given to Keras in TF1's gate order (i, j, f, o), read as (i, f, c, o)."""
    return _port(inputs, function, None, gates=True)


def gates_step(inputs, states, function=False):
    return _port(inputs, function, states, gates=True)


def forget_bias_run(inputs, function=False):
    """forget_bias dropped: TF1's bias given to Keras as it is, with nothing added to the forget gate."""
    return _port(inputs, function, None, forget_bias=0.0)


def forget_bias_step(inputs, states, function=False):
    return _port(inputs, function, states, forget_bias=0.0)


def rate_run(inputs, function=False):
    return _port(inputs, function, None, rate=1.1)


def rate_step(inputs, states, function=False):
    return _port(inputs, function, states, rate=1.1)
