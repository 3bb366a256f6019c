"""A sequence classifier with one GRU layer, TF1 as the tutorials wrote it (tf-keras's real ``GRUCell``
unrolled by ``tf1.nn.static_rnn``, a dense softmax head, gradient descent), and TF2 ports of it for
``check --step``: stock ``keras.layers.GRU(reset_after=False)``, a reformulation (the same mathematics
in another order: x W + h U for TF1's one product on the concatenation [x, h], per gate and for the
candidate), and slips on that port (``reset_after=True``, Keras 3's default, with TF1's bias carried
into the input row and the recurrent row zero, as a converter would naively do; the update and reset
gate blocks left in TF1's order r, u, read by Keras as z, r; the learning rate 10% high).

TF1's ``GRUCell`` (tf_keras/src/layers/rnn/legacy_cells.py, ``GRUCell.build`` and ``call``; the r1.x
cell of tensorflow/python/ops/rnn_cell_impl.py): ``gates/kernel`` [input + units, 2 units] and
``gates/bias`` (initialized to 1.0) give ``r, u = split(sigmoid([x, h] @ gates/kernel + gates/bias))``;
``candidate/kernel`` [input + units, units] and ``candidate/bias`` (zeros) give
``c = tanh([x, r * h] @ candidate/kernel + candidate/bias)``; ``new_h = u * h + (1 - u) * c``: the reset
gate scales the state before its product.

Keras 3's ``GRUCell.call`` (keras/src/layers/rnn/gru.py, implementation 2): blocks z, r, h;
``reset_after=False`` computes ``hh = tanh(x W_h + b_h + (r * h) U_h)``, TF1's function, with one bias
row; ``reset_after=True`` (the default) computes ``tanh(x W_h + b_in_h + r * (h U_h + b_rec_h))``,
another function, with a bias of two rows (input, recurrent). The port's weights come from TF1's by
``tfparity.port.rnn_cells.to_keras`` and go back by its ``to_tf1`` (a permutation, exact both ways);
each slip is applied on top of that (``as_keras``, ``as_tf1``).

Measured at seed 0 (``parity.check`` with ``--step``, float32; this machine, TF 2.21, Keras 3): the
stock port's worst local difference is 8 ULP, confirmed in float64 as rounding (the TF1 update
3.76 ULP from the port's float64 update, the port's own float32 1.65); the slips, each first seen at
update 1: reset_after=True 3.2e6 ULP, the gate blocks swapped 1.1e7, the learning rate 10% high 2.6e6.
"""
import keras
import numpy as np
from tf_keras.api._v1.keras.__internal__.legacy import rnn_cell

from parity_tests.planted import rnn_pair
from parity_tests.planted.rnn_pair import BATCH, BATCHES, CLASSES, FEATURES, TIME_STEPS, UNITS
from tfparity.port import rnn_cells
CELL, SCOPE = "GRUCell", "rnn/gru_cell"  # its layout in tfparity.port.rnn_cells; static_rnn's scope for it
CELL_VARIABLES = tuple(rnn_cells.LAYOUTS[CELL]["tf1"])  # gates/kernel, gates/bias, candidate/kernel, candidate/bias
NAMES = (*(f"{SCOPE}/{v}" for v in CELL_VARIABLES), "dense/kernel", "dense/bias")
# Keras's z and r blocks as TF1's r and u would be read without the reorder: swapping the first two
# of the three blocks is its own inverse.
SWAPPED = (1, 0, 2)


def make_inputs(seed):
    draw = np.random.default_rng(seed)
    x = draw.normal(size=(BATCH * BATCHES, TIME_STEPS, FEATURES)).astype(np.float32)
    labels = np.argmax(x.sum(axis=1)[:, :CLASSES], axis=1)  # learnable from the whole sequence
    gates = np.sqrt(6.0 / (FEATURES + UNITS + 2 * UNITS))  # glorot_uniform, get_variable's default
    candidate = np.sqrt(6.0 / (FEATURES + UNITS + UNITS))
    return {"x": x, "y": np.eye(CLASSES, dtype=np.float32)[labels],
            "gates0": draw.uniform(-gates, gates, size=(FEATURES + UNITS, 2 * UNITS)).astype(np.float32),
            "candidate0": draw.uniform(-candidate, candidate, size=(FEATURES + UNITS, UNITS)).astype(np.float32),
            "dense0": (0.3 * draw.normal(size=(UNITS, CLASSES))).astype(np.float32),
            "learning_rate": np.float32(0.5)}


def _initial(inputs):
    """The initial state by TF1 name: the kernels drawn, the biases as GRUCell and the head initialize
    them (gates/bias 1.0, the others zero)."""
    dtype = inputs["gates0"].dtype
    return {f"{SCOPE}/gates/kernel": inputs["gates0"], f"{SCOPE}/gates/bias": np.ones(2 * UNITS, dtype),
            f"{SCOPE}/candidate/kernel": inputs["candidate0"], f"{SCOPE}/candidate/bias": np.zeros(UNITS, dtype),
            "dense/kernel": inputs["dense0"], "dense/bias": np.zeros(CLASSES, dtype)}


def tf1_run(inputs, on_step=None):
    kernels = (f"{SCOPE}/gates/kernel", f"{SCOPE}/candidate/kernel")  # their shapes differ
    return rnn_pair.tf1_run(inputs, _initial(inputs), lambda: rnn_cell.GRUCell(UNITS), kernels, NAMES, on_step)


def as_keras(values, reset_after=False, gates=False):
    """TF1's cell variables ({name under the cell's scope: array}) as the port gives them to Keras's GRU
    cell: ``rnn_cells.to_keras``, then the slips: ``gates`` leaves the first two blocks in TF1's order;
    ``reset_after`` puts the bias in the input row of a two-row bias, the recurrent row zero."""
    weights = rnn_cells.to_keras(CELL, values)
    if gates:
        weights = {n: rnn_cells._blocks(v, 3, SWAPPED) for n, v in weights.items()}
    if reset_after:
        weights["bias"] = np.stack([weights["bias"], np.zeros_like(weights["bias"])])
    return weights


def as_tf1(weights, reset_after=False, gates=False):
    """``as_keras`` undone: Keras's {kernel, recurrent_kernel, bias} as TF1's cell variables (with
    ``reset_after`` the input row read as the bias, as the naive converter would read it back)."""
    weights = dict(weights)
    if reset_after:
        weights["bias"] = weights["bias"][0]
    if gates:
        weights = {n: rnn_cells._blocks(v, 3, SWAPPED) for n, v in weights.items()}
    return rnn_cells.to_tf1(CELL, weights)


def _port(inputs, function, states, reset_after=False, gates=False, rate=1.0):
    """The stock Keras port's run, or with ``states`` its ``step_from``: one update from each state."""
    gru = keras.layers.GRU(UNITS, reset_after=reset_after, dtype=inputs["x"].dtype, kernel_initializer="zeros",
                           recurrent_initializer="zeros")
    slips = {"reset_after": reset_after, "gates": gates}
    keras_of = lambda state: as_keras({n: state[f"{SCOPE}/{n}"] for n in CELL_VARIABLES}, **slips)  # noqa: E731
    tf1_of = lambda weights: {f"{SCOPE}/{n}": v for n, v in as_tf1(weights, **slips).items()}  # noqa: E731
    return rnn_pair.stock_port(inputs, function, states, gru, keras_of, tf1_of, _initial(inputs), NAMES, rate)


def keras_run(inputs, function=False):
    return _port(inputs, function, None)


def keras_step(inputs, states, function=False):
    return _port(inputs, function, states)


def reset_after_run(inputs, function=False):
    """Keras 3's default GRU: TF1's bias in the input row, the recurrent row zero."""
    return _port(inputs, function, None, reset_after=True)


def reset_after_step(inputs, states, function=False):
    return _port(inputs, function, states, reset_after=True)


def gates_run(inputs, function=False):
    """TF1's gate blocks (r, u) given to Keras as they are, read as (z, r)."""
    return _port(inputs, function, None, gates=True)


def gates_step(inputs, states, function=False):
    return _port(inputs, function, states, gates=True)


def rate_run(inputs, function=False):
    return _port(inputs, function, None, rate=1.1)


def rate_step(inputs, states, function=False):
    return _port(inputs, function, states, rate=1.1)
