"""What the planted RNN pairs share (lstm.py, gru.py): the same small sequence task, the TF1 program
around a real tf-keras cell under ``tf1.nn.static_rnn`` with a dense softmax head and gradient
descent, and the stock Keras port's run and ``step_from`` with the cell's weights seen by TF1 name
through the pair's own transform (``rnn_cells``' and its slips)."""
import keras
import numpy as np
import tensorflow as tf
import tensorflow.compat.v1 as tf1

from tfparity.port import rnn_cells, teacher

TIME_STEPS, FEATURES, UNITS, CLASSES, BATCH, BATCHES, EPOCHS = 6, 4, 8, 3, 16, 4, 3
DENSE = ("dense/kernel", "dense/bias")


def batch(inputs, i):
    return inputs["x"][i * BATCH:(i + 1) * BATCH], inputs["y"][i * BATCH:(i + 1) * BATCH]


def _by_shape(arrays):
    """An initializer giving each variable the one of ``arrays`` of its shape: the cell's kernels,
    made by the cell inside ``static_rnn`` with no initializer of their own, take their variable
    scope's (the biases keep the cell's own initializers)."""
    by_shape = {a.shape: a for a in arrays}
    return lambda shape, dtype=None, partition_info=None: tf1.constant(by_shape[tuple(shape)], dtype)


def tf1_run(inputs, start, make_cell, kernels, names, on_step=None):
    """The TF1 program's trace: ``make_cell()`` under ``static_rnn``, its ``kernels`` (TF1 names)
    starting from ``start``, a dense head, gradient descent; ``names`` the variables in order."""
    graph = tf1.Graph()
    with graph.as_default():
        x = tf1.placeholder(tf1.float32, [None, TIME_STEPS, FEATURES])
        y = tf1.placeholder(tf1.float32, [None, CLASSES])
        with tf1.variable_scope("rnn", initializer=_by_shape([start[k] for k in kernels])) as scope:
            pass
        cell = make_cell()
        outputs, _ = tf1.nn.static_rnn(cell, tf1.unstack(x, TIME_STEPS, axis=1), dtype=tf1.float32, scope=scope)
        with tf1.variable_scope("dense"):  # tf.layers.dense: matmul, then bias_add
            W = tf1.get_variable("kernel", initializer=start["dense/kernel"])
            b = tf1.get_variable("bias", initializer=start["dense/bias"])
        logits = tf1.nn.bias_add(tf1.matmul(outputs[-1], W), b)
        loss = tf1.reduce_mean(tf1.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
        train_op = tf1.train.GradientDescentOptimizer(inputs["learning_rate"]).minimize(loss)
        init = tf1.global_variables_initializer()
    variables = (*cell.variables, W, b)
    assert [v.op.name for v in variables] == list(names), [v.op.name for v in variables]
    trace = {name: [] for name in ("loss", *names)}
    with tf1.Session(graph=graph) as sess:
        sess.run(init)
        read = lambda: dict(zip(names, sess.run(variables)))  # noqa: E731
        if on_step:
            on_step(0, read)
        for _ in range(EPOCHS):
            for i in range(BATCHES):
                _, value = sess.run([train_op, loss], dict(zip((x, y), batch(inputs, i))))
                for name, now in zip(("loss", *names), (value, *sess.run(variables))):
                    trace[name].append(now)
                if on_step:
                    on_step(len(trace["loss"]), read)
    return {name: np.array(values) for name, values in trace.items()}


class Converted:
    """A Keras cell's weights seen by one TF1 name: ``assign`` it and read it back with ``numpy``,
    through ``as_keras`` ({TF1 name: array} -> Keras's weights) and ``as_tf1`` (back), as ``teacher``
    expects of a variable."""

    def __init__(self, cell, name, as_keras, as_tf1):
        self.cell, self.name, self.as_keras, self.as_tf1 = cell, name, as_keras, as_tf1

    def _tf1(self):
        return self.as_tf1({n: getattr(self.cell, n).numpy() for n in rnn_cells.KERAS_WEIGHTS})

    def assign(self, value):
        state = dict(self._tf1(), **{self.name: np.asarray(value)})
        for name, now in self.as_keras(state).items():
            getattr(self.cell, name).assign(now)

    def numpy(self):
        return self._tf1()[self.name]


def stock_port(inputs, function, states, layer, keras_of, tf1_of, initial, names, rate=1.0):
    """The run (or with ``states`` the ``step_from``) of a stock Keras port: ``layer`` (a Keras LSTM
    or GRU of UNITS, zero-initialized) and a Dense head, in the inputs' dtype (float64 for the
    confirmation). Its cell's TF1 variables are ``Converted`` views by ``keras_of``/``tf1_of``; every
    TF1 variable starts at ``initial`` ({TF1 name: value}); ``names``: the TF1 names traced."""
    dtype = inputs["x"].dtype
    dense = keras.layers.Dense(CLASSES, dtype=dtype, kernel_initializer="zeros")
    model = keras.Sequential([keras.Input((TIME_STEPS, FEATURES), dtype=dtype), layer, dense])
    variables = {name: Converted(layer.cell, name, keras_of, tf1_of) for name in names if name not in DENSE}
    variables.update(dict(zip(DENSE, (dense.kernel, dense.bias))))
    for name, value in initial.items():
        variables[name].assign(value)
    return port_run(inputs, function, states, model, variables, names, rate)


def port_run(inputs, function, states, model, variables, names, rate=1.0):
    """The stock Keras port's run of ``model``, or with ``states`` its ``step_from``: one update from
    each state. ``variables``: {TF1 name: variable or Converted}, set to the TF1 program's start."""
    dtype = inputs["x"].dtype
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
            after[k] = step(*map(tf.constant, batch(inputs, i))).numpy(), teacher.values(variables)
        return after
    trace = {name: [] for name in ("loss", *names)}
    for _ in range(EPOCHS):
        for i in range(BATCHES):
            trace["loss"].append(step(*map(tf.constant, batch(inputs, i))).numpy())
            for name, now in teacher.values(variables).items():
                trace[name].append(now)
    return {name: np.array(values) for name, values in trace.items()}
