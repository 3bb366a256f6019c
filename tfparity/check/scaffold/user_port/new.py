"""The TF2 port: tf.Variable, GradientTape, the update; the step eager or, with ``function=True``,
as a tf.function. Replace the model and the update with yours. For a tf1.train optimizer other
than plain gradient descent, use the exact rule from ``tfparity.port.optimizers`` (a Keras optimizer
of the same name rounds differently: docs/false_friends.md)."""
import numpy as np
import tensorflow as tf


def train_step(x, y, w, b, learning_rate):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(tf.reduce_sum(x * w, axis=1) + b - y))  # replace: your model
    grad_w, grad_b = tape.gradient(loss, [w, b])
    w.assign_sub(learning_rate * grad_w)  # replace: your update (e.g. tfparity.port.optimizers.Adam)
    b.assign_sub(learning_rate * grad_b)
    return loss


def run(inputs, function=False):
    w, b = tf.Variable(inputs["w0"]), tf.Variable(inputs["b0"])
    step = tf.function(train_step) if function else train_step
    x, y = tf.constant(inputs["x"]), tf.constant(inputs["y"])
    trace = {"w": [], "b": [], "loss": []}
    for _ in range(inputs["steps"]):
        loss = step(x, y, w, b, inputs["learning_rate"])
        for name, value in (("w", w), ("b", b), ("loss", loss)):
            trace[name].append(value.numpy())
    return {name: np.array(values) for name, values in trace.items()}
