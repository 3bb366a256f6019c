"""The TF2 port: tf.Variable, GradientTape, the update; the step eager or, with ``function=True``,
as a tf.function. Replace the model and the update with yours. For a tf1.train optimizer other
than plain gradient descent, use the exact rule from ``tfparity.port.optimizers`` (a Keras optimizer
of the same name rounds differently: docs/false_friends.md). ``step_from`` takes one update from
each of the TF1 run's states (``tfparity check --step``): keep the variables' TF1 names."""
import numpy as np
import tensorflow as tf

from tfparity.port import teacher


def train_step(x, y, w, b, learning_rate):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(tf.reduce_sum(x * w, axis=1) + b - y))  # replace: your model
    grad_w, grad_b = tape.gradient(loss, [w, b])
    w.assign_sub(learning_rate * grad_w)  # replace: your update (e.g. tfparity.port.optimizers.Adam)
    b.assign_sub(learning_rate * grad_b)
    return loss


def run(inputs, function=False, states=None):
    w, b = tf.Variable(inputs["w0"], name="w"), tf.Variable(inputs["b0"], name="b")
    step = tf.function(train_step) if function else train_step
    x, y = tf.constant(inputs["x"]), tf.constant(inputs["y"])
    if states is not None:  # step_from: each update k from the TF1 state before it
        variables, after = {"w": w, "b": b}, {}
        for k, _, _ in teacher.each_update(states, variables, inputs["steps"]):
            after[k] = step(x, y, w, b, inputs["learning_rate"]).numpy(), teacher.values(variables)
        return after
    trace = {"w": [], "b": [], "loss": []}
    for _ in range(inputs["steps"]):
        loss = step(x, y, w, b, inputs["learning_rate"])
        for name, value in (("w", w), ("b", b), ("loss", loss)):
            trace[name].append(value.numpy())
    return {name: np.array(values) for name, values in trace.items()}


def step_from(inputs, states, function=False):
    """{k: (the loss, the state after)}: one update from each state of ``states`` ({k: the TF1
    run's state before update k, by TF1 name}), as run takes it."""
    return run(inputs, function, states)
