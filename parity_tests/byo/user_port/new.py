"""The user's TF2 port: tf.Variable, GradientTape, assign_sub; the step eager or as a tf.function."""
import numpy as np
import tensorflow as tf


def train_step(x, y, w, b, learning_rate):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(tf.reduce_sum(x * w, axis=1) + b - y))
    grad_w, grad_b = tape.gradient(loss, [w, b])
    w.assign_sub(learning_rate * grad_w)
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
