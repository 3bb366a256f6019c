"""A softmax classifier trained by gradient descent, TF1 as the tutorials wrote it (the loss as
``-reduce_sum(y * log(softmax(x W + b)))``, averaged), and TF2 ports of it for ``check --step``: the
exact port; two reformulations, the same mathematics in another order (the fused softmax
cross-entropy; ``bias_add`` for ``+``); and slips (the learning rate 10% high or nudged by 2**-10, a
sum for the mean), each on the fused port."""
import numpy as np
import tensorflow as tf
import tensorflow.compat.v1 as tf1

from tfparity.port import teacher

FEATURES, CLASSES, BATCH, BATCHES, EPOCHS = 20, 5, 16, 4, 4
NAMES = ("W", "b")


def make_inputs(seed):
    draw = np.random.default_rng(seed)
    x = draw.normal(size=(BATCH * BATCHES, FEATURES)).astype(np.float32)
    labels = draw.integers(CLASSES, size=BATCH * BATCHES)
    return {"x": x, "y": np.eye(CLASSES, dtype=np.float32)[labels],
            "W0": (0.1 * draw.normal(size=(FEATURES, CLASSES))).astype(np.float32),
            "b0": np.zeros(CLASSES, np.float32), "learning_rate": np.float32(0.5)}


def _batch(inputs, i):
    return inputs["x"][i * BATCH:(i + 1) * BATCH], inputs["y"][i * BATCH:(i + 1) * BATCH]


def tf1_run(inputs, on_step=None):
    graph = tf1.Graph()
    with graph.as_default():
        x = tf1.placeholder(tf1.float32, [None, FEATURES])
        y = tf1.placeholder(tf1.float32, [None, CLASSES])
        W, b = tf1.Variable(inputs["W0"], name="W"), tf1.Variable(inputs["b0"], name="b")
        pred = tf1.nn.softmax(tf1.matmul(x, W) + b)
        loss = tf1.reduce_mean(-tf1.reduce_sum(y * tf1.log(pred), axis=1))
        train_op = tf1.train.GradientDescentOptimizer(inputs["learning_rate"]).minimize(loss)
        init = tf1.global_variables_initializer()
    trace = {"loss": [], "W": [], "b": []}
    with tf1.Session(graph=graph) as sess:
        sess.run(init)
        read = lambda: dict(zip(NAMES, sess.run([W, b])))  # noqa: E731
        if on_step:
            on_step(0, read)
        for _ in range(EPOCHS):
            for i in range(BATCHES):
                x_i, y_i = _batch(inputs, i)
                _, value = sess.run([train_op, loss], {x: x_i, y: y_i})
                for name, now in zip(("loss", *NAMES), (value, *sess.run([W, b]))):
                    trace[name].append(now)
                if on_step:
                    on_step(len(trace["loss"]), read)
    return {name: np.array(values) for name, values in trace.items()}


def _port(inputs, function, states, loss="log_softmax", add="+", rate=1.0, reduce=tf.reduce_mean):
    """The port's run, or with ``states`` its ``step_from``: one update from each state."""
    W, b = tf.Variable(inputs["W0"], name="W"), tf.Variable(inputs["b0"], name="b")
    variables, learning_rate = dict(zip(NAMES, (W, b))), inputs["learning_rate"] * np.float32(rate)

    def step(x, y):
        with tf.GradientTape() as tape:
            logits = tf.matmul(x, W) + b if add == "+" else tf.nn.bias_add(tf.matmul(x, W), b)
            if loss == "fused":
                value = reduce(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))
            else:
                value = reduce(-tf.reduce_sum(y * tf.math.log(tf.nn.softmax(logits)), axis=1))
        for variable, gradient in zip((W, b), tape.gradient(value, [W, b])):
            variable.assign_sub(learning_rate * gradient)
        return value
    step = tf.function(step) if function else step
    if states is not None:
        after = {}
        for k, _, i in teacher.each_update(states, variables, BATCHES):
            after[k] = step(*map(tf.constant, _batch(inputs, i))).numpy(), teacher.values(variables)
        return after
    trace = {"loss": [], "W": [], "b": []}
    for _ in range(EPOCHS):
        for i in range(BATCHES):
            trace["loss"].append(step(*map(tf.constant, _batch(inputs, i))).numpy())
            trace["W"].append(W.numpy())
            trace["b"].append(b.numpy())
    return {name: np.array(values) for name, values in trace.items()}


def exact_run(inputs, function=False):
    return _port(inputs, function, None)


def exact_step(inputs, states, function=False):
    return _port(inputs, function, states)


def fused_run(inputs, function=False):
    return _port(inputs, function, None, loss="fused")


def fused_step(inputs, states, function=False):
    return _port(inputs, function, states, loss="fused")


def bias_add_run(inputs, function=False):
    return _port(inputs, function, None, add="bias_add")


def bias_add_step(inputs, states, function=False):
    return _port(inputs, function, states, add="bias_add")


def rate_run(inputs, function=False):
    return _port(inputs, function, None, loss="fused", rate=1.1)


def rate_step(inputs, states, function=False):
    return _port(inputs, function, states, loss="fused", rate=1.1)


def nudged_run(inputs, function=False):
    """The learning rate off by 2**-10 of itself: a slip small enough to hide under a wide bound."""
    return _port(inputs, function, None, loss="fused", rate=1 + 2 ** -10)


def nudged_step(inputs, states, function=False):
    return _port(inputs, function, states, loss="fused", rate=1 + 2 ** -10)


def summed_run(inputs, function=False):
    return _port(inputs, function, None, loss="fused", reduce=tf.reduce_sum)


def summed_step(inputs, states, function=False):
    return _port(inputs, function, states, loss="fused", reduce=tf.reduce_sum)
