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
import tensorflow as tf
import tensorflow.compat.v1 as tf1
from tf_keras.api._v1.keras.__internal__.legacy import rnn_cell

from tfparity.port import rnn_cells, teacher

TIME_STEPS, FEATURES, UNITS, CLASSES, BATCH, BATCHES, EPOCHS = 6, 4, 8, 3, 16, 4, 3
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


def _batch(inputs, i):
    return inputs["x"][i * BATCH:(i + 1) * BATCH], inputs["y"][i * BATCH:(i + 1) * BATCH]


def _by_shape(values):
    """An initializer giving each variable the one of ``values`` of its shape: the cell's two kernels
    (shapes differ), made inside ``static_rnn`` with no initializer of their own, take their variable
    scope's (the biases keep the cell's own)."""
    arrays = {v.shape: v for v in values}
    return lambda shape, dtype=None, partition_info=None: tf1.constant(arrays[tuple(shape)], dtype)


def tf1_run(inputs, on_step=None):
    start = _initial(inputs)
    graph = tf1.Graph()
    with graph.as_default():
        x = tf1.placeholder(tf1.float32, [None, TIME_STEPS, FEATURES])
        y = tf1.placeholder(tf1.float32, [None, CLASSES])
        kernels = (start[f"{SCOPE}/gates/kernel"], start[f"{SCOPE}/candidate/kernel"])
        with tf1.variable_scope("rnn", initializer=_by_shape(kernels)) as scope:
            pass
        cell = rnn_cell.GRUCell(UNITS)
        outputs, _ = tf1.nn.static_rnn(cell, tf1.unstack(x, TIME_STEPS, axis=1), dtype=tf1.float32, scope=scope)
        with tf1.variable_scope("dense"):  # tf.layers.dense: matmul, then bias_add
            W = tf1.get_variable("kernel", initializer=start["dense/kernel"])
            b = tf1.get_variable("bias", initializer=start["dense/bias"])
        logits = tf1.nn.bias_add(tf1.matmul(outputs[-1], W), b)
        loss = tf1.reduce_mean(tf1.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
        train_op = tf1.train.GradientDescentOptimizer(inputs["learning_rate"]).minimize(loss)
        init = tf1.global_variables_initializer()
    variables = (*cell.variables, W, b)
    assert [v.op.name for v in variables] == list(NAMES), [v.op.name for v in variables]
    trace = {name: [] for name in ("loss", *NAMES)}
    with tf1.Session(graph=graph) as sess:
        sess.run(init)
        read = lambda: dict(zip(NAMES, sess.run(variables)))  # noqa: E731
        if on_step:
            on_step(0, read)
        for _ in range(EPOCHS):
            for i in range(BATCHES):
                x_i, y_i = _batch(inputs, i)
                _, value = sess.run([train_op, loss], {x: x_i, y: y_i})
                for name, now in zip(("loss", *NAMES), (value, *sess.run(variables))):
                    trace[name].append(now)
                if on_step:
                    on_step(len(trace["loss"]), read)
    return {name: np.array(values) for name, values in trace.items()}


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


class _Converted:
    """The Keras GRU's weights seen by TF1 name: ``assign`` one of TF1's cell variables and read it
    back with ``numpy``, through ``as_keras`` and ``as_tf1``, as ``teacher`` expects of a variable."""

    def __init__(self, cell, name, slips):
        self.cell, self.name, self.slips = cell, name, slips

    def _tf1(self):
        return as_tf1({n: getattr(self.cell, n).numpy() for n in rnn_cells.KERAS_WEIGHTS}, **self.slips)

    def assign(self, value):
        state = dict(self._tf1(), **{self.name: np.asarray(value)})
        for name, now in as_keras(state, **self.slips).items():
            getattr(self.cell, name).assign(now)

    def numpy(self):
        return self._tf1()[self.name]


def _port(inputs, function, states, reset_after=False, gates=False, rate=1.0):
    """The stock Keras port's run, or with ``states`` its ``step_from``: one update from each state.
    Its layers and arithmetic follow the inputs' dtype (float64 for the confirmation)."""
    dtype = inputs["x"].dtype
    gru = keras.layers.GRU(UNITS, reset_after=reset_after, dtype=dtype, kernel_initializer="zeros",
                           recurrent_initializer="zeros")
    dense = keras.layers.Dense(CLASSES, dtype=dtype, kernel_initializer="zeros")
    model = keras.Sequential([keras.Input((TIME_STEPS, FEATURES), dtype=dtype), gru, dense])
    slips = {"reset_after": reset_after, "gates": gates}
    variables = {f"{SCOPE}/{name}": _Converted(gru.cell, name, slips) for name in CELL_VARIABLES}
    variables.update({"dense/kernel": dense.kernel, "dense/bias": dense.bias})
    for name, value in _initial(inputs).items():
        variables[name].assign(value)
    learning_rate = tf.cast(inputs["learning_rate"] * np.float32(rate), dtype)

    def step(x, y):
        with tf.GradientTape() as tape:
            value = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=model(x)))
        for weight, gradient in zip(model.trainable_variables, tape.gradient(value, model.trainable_variables)):
            weight.assign_sub(learning_rate * gradient)
        return value
    step = tf.function(step) if function else step
    if states is not None:
        after = {}
        for k, _, i in teacher.each_update(states, variables, BATCHES):
            after[k] = step(*map(tf.constant, _batch(inputs, i))).numpy(), teacher.values(variables)
        return after
    trace = {name: [] for name in ("loss", *NAMES)}
    for _ in range(EPOCHS):
        for i in range(BATCHES):
            trace["loss"].append(step(*map(tf.constant, _batch(inputs, i))).numpy())
            for name, now in teacher.values(variables).items():
                trace[name].append(now)
    return {name: np.array(values) for name, values in trace.items()}


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
