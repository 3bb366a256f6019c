"""A sequence classifier with one LSTM layer, TF1 as the tutorials wrote it (``BasicLSTMCell``
unrolled over the time steps, a dense softmax head, gradient descent), and TF2 ports of it for
``check --step``: stock ``keras.layers.LSTM``, a reformulation (the same mathematics in another order:
two matrix products, x W + h U, for TF1's one on the concatenation [x, h], and forget_bias folded
into the bias), and slips on that port (the gates left in TF1's order, read as Keras's; forget_bias
not folded; the learning rate 10% high).

The TF1 cell is written out as ``BasicLSTMCell`` computes it, since the cell itself now lives in
tf-keras, which is not a dependency here: ``build`` makes ``kernel`` [input + units, 4 units] and a
zero ``bias`` [4 units] under the cell's scope (``rnn/basic_lstm_cell`` inside ``static_rnn`` or
``dynamic_rnn``); ``call`` takes one ``matmul`` of ``concat([inputs, h], 1)`` by the kernel, a
``bias_add``, splits the result into i, j, f, o (input gate, new input, forget gate, output gate)
and computes ``new_c = c * sigmoid(f + forget_bias) + sigmoid(i) * tanh(j)``,
``new_h = tanh(new_c) * sigmoid(o)``, forget_bias 1.0 by default. Source: TensorFlow's
tensorflow/python/ops/rnn_cell_impl.py, ``BasicLSTMCell.build`` and ``BasicLSTMCell.call`` (read at
commit 01788c9e4e36abd8fa785515a6d89ac9ca325996 of tensorflow/tensorflow; the r1.x cell).

Keras 3's ``LSTMCell.call`` (keras/src/layers/rnn/lstm.py, implementation 2, the CPU path when cuDNN
is not available) computes ``x @ kernel + h @ recurrent_kernel``, adds ``bias``, splits into
i, f, c, o and has no forget_bias: its ``unit_forget_bias`` only initializes the bias. The port's
weights come from TF1's by ``to_keras`` and go back by ``to_tf1``.
"""
import keras
import numpy as np
import tensorflow as tf
import tensorflow.compat.v1 as tf1

from tfparity.port import teacher

TIME_STEPS, FEATURES, UNITS, CLASSES, BATCH, BATCHES, EPOCHS = 6, 4, 8, 3, 16, 4, 3
# BasicLSTMCell's default, added to the forget gate's pre-activation at every step.
FORGET_BIAS = 1.0
KERNEL, BIAS = "rnn/basic_lstm_cell/kernel", "rnn/basic_lstm_cell/bias"
NAMES = (KERNEL, BIAS, "dense/kernel", "dense/bias")
# Keras's gate blocks (i, f, c, o) as TF1's blocks (i, j, f, o): c is TF1's j. Swapping blocks 1
# and 2 is its own inverse.
KERAS_FROM_TF1 = (0, 2, 1, 3)


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


def _batch(inputs, i):
    return inputs["x"][i * BATCH:(i + 1) * BATCH], inputs["y"][i * BATCH:(i + 1) * BATCH]


def tf1_run(inputs, on_step=None):
    start = _initial(inputs)
    graph = tf1.Graph()
    with graph.as_default():
        x = tf1.placeholder(tf1.float32, [None, TIME_STEPS, FEATURES])
        y = tf1.placeholder(tf1.float32, [None, CLASSES])
        with tf1.variable_scope("rnn/basic_lstm_cell"):
            kernel = tf1.get_variable("kernel", initializer=start[KERNEL])
            bias = tf1.get_variable("bias", initializer=start[BIAS])
        c = h = tf1.zeros([tf1.shape(x)[0], UNITS])
        for x_t in tf1.unstack(x, TIME_STEPS, axis=1):  # static_rnn's unrolling
            gates = tf1.nn.bias_add(tf1.matmul(tf1.concat([x_t, h], 1), kernel), bias)
            i, j, f, o = tf1.split(gates, 4, axis=1)
            c = tf1.add(tf1.multiply(c, tf1.sigmoid(tf1.add(f, tf1.constant(FORGET_BIAS, f.dtype)))),
                        tf1.multiply(tf1.sigmoid(i), tf1.tanh(j)))
            h = tf1.multiply(tf1.tanh(c), tf1.sigmoid(o))
        with tf1.variable_scope("dense"):  # tf.layers.dense: matmul, then bias_add
            W = tf1.get_variable("kernel", initializer=start["dense/kernel"])
            b = tf1.get_variable("bias", initializer=start["dense/bias"])
        logits = tf1.nn.bias_add(tf1.matmul(h, W), b)
        loss = tf1.reduce_mean(tf1.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
        train_op = tf1.train.GradientDescentOptimizer(inputs["learning_rate"]).minimize(loss)
        init = tf1.global_variables_initializer()
    variables = (kernel, bias, W, b)
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


def _blocks(array, order):
    """``array``'s last axis, four gate blocks, in ``order``."""
    return np.concatenate([np.split(array, 4, axis=-1)[g] for g in order], axis=-1)


def to_keras(kernel, bias, order=KERAS_FROM_TF1, forget_bias=FORGET_BIAS):
    """TF1's ``kernel`` [input + units, 4 units] and ``bias`` as Keras's (kernel, recurrent_kernel,
    bias): the kernel split at the input's rows, each gate block moved to Keras's place, and the
    forget gate's bias plus forget_bias (Keras adds none). ``order`` and ``forget_bias`` are there
    for the slips."""
    kernel, bias, forget = _blocks(kernel, order), _blocks(bias, order).copy(), order.index(2)
    bias[forget * UNITS:(forget + 1) * UNITS] += bias.dtype.type(forget_bias)  # where f is put
    return kernel[:FEATURES], kernel[FEATURES:], bias


def to_tf1(kernel, recurrent_kernel, bias, order=KERAS_FROM_TF1, forget_bias=FORGET_BIAS):
    """``to_keras`` undone: Keras's three weights as TF1's (kernel, bias)."""
    bias, forget = bias.copy(), order.index(2)
    bias[forget * UNITS:(forget + 1) * UNITS] -= bias.dtype.type(forget_bias)
    return _blocks(np.concatenate([kernel, recurrent_kernel]), order), _blocks(bias, order)


class _Converted:
    """The Keras LSTM's weights seen by TF1 name: ``assign`` one of TF1's (the kernel or the bias)
    and read it back with ``numpy``, through ``to_keras`` and ``to_tf1``, as ``teacher`` expects of a
    variable."""

    def __init__(self, cell, name, order, forget_bias):
        self.cell, self.name, self.order, self.forget_bias = cell, name, order, forget_bias

    def _tf1(self):
        return dict(zip((KERNEL, BIAS), to_tf1(self.cell.kernel.numpy(), self.cell.recurrent_kernel.numpy(),
                                               self.cell.bias.numpy(), self.order, self.forget_bias)))

    def assign(self, value):
        state = dict(self._tf1(), **{self.name: np.asarray(value)})
        for weight, now in zip((self.cell.kernel, self.cell.recurrent_kernel, self.cell.bias),
                               to_keras(state[KERNEL], state[BIAS], self.order, self.forget_bias)):
            weight.assign(now)

    def numpy(self):
        return self._tf1()[self.name]


def _port(inputs, function, states, order=KERAS_FROM_TF1, forget_bias=FORGET_BIAS, rate=1.0):
    """The stock Keras port's run, or with ``states`` its ``step_from``: one update from each state.
    Its layers and arithmetic follow the inputs' dtype (float64 for the confirmation)."""
    dtype = inputs["x"].dtype
    lstm = keras.layers.LSTM(UNITS, dtype=dtype, kernel_initializer="zeros", recurrent_initializer="zeros")
    dense = keras.layers.Dense(CLASSES, dtype=dtype, kernel_initializer="zeros")
    model = keras.Sequential([keras.Input((TIME_STEPS, FEATURES), dtype=dtype), lstm, dense])
    variables = {name: _Converted(lstm.cell, name, order, forget_bias) for name in (KERNEL, BIAS)}
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


def gates_run(inputs, function=False):
    """TF1's kernel and bias given to Keras in TF1's gate order (i, j, f, o), read as (i, f, c, o)."""
    return _port(inputs, function, None, order=(0, 1, 2, 3))


def gates_step(inputs, states, function=False):
    return _port(inputs, function, states, order=(0, 1, 2, 3))


def forget_bias_run(inputs, function=False):
    """forget_bias dropped: TF1's bias given to Keras as it is, with nothing added to the forget gate."""
    return _port(inputs, function, None, forget_bias=0.0)


def forget_bias_step(inputs, states, function=False):
    return _port(inputs, function, states, forget_bias=0.0)


def rate_run(inputs, function=False):
    return _port(inputs, function, None, rate=1.1)


def rate_step(inputs, states, function=False):
    return _port(inputs, function, states, rate=1.1)
