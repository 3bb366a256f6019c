"""Your example, TF2 eager twin: copy to tf2_eager/<name>.py and port the TF1 twin line by line.

Keep section order, function and variable names; change only the TF1 constructs, so that
`diff -u` of the two files reads as the migration. This template fits y = x·w + b.
"""
import numpy as np
import tensorflow as tf


# %% model
def model(x, w, b):
    return tf.matmul(x, w) + b


# %% loss
def loss_fn(prediction, y):
    return tf.reduce_mean(tf.square(prediction - y))


# %% step
def train_step(x, y, w, b, learning_rate):
    with tf.GradientTape() as tape:
        loss = loss_fn(model(x, w, b), y)
    for variable, grad in zip((w, b), tape.gradient(loss, (w, b))):
        variable.assign_sub(learning_rate * grad)
    return loss


# %% train
def run(inputs, function=False):
    w = tf.Variable(inputs["w0"], name="w")
    b = tf.Variable(inputs["b0"], name="b")
    step = tf.function(train_step) if function else train_step
    trace = {"w": [], "b": [], "loss": []}
    for batch in inputs["schedule"]:
        x, y = tf.constant(inputs["x"][batch]), tf.constant(inputs["y"][batch])
        loss_now = step(x, y, w, b, inputs["learning_rate"]).numpy()
        w_now, b_now = w.numpy(), b.numpy()
        trace["w"].append(w_now[0, 0])
        trace["b"].append(b_now[0])
        trace["loss"].append(loss_now)
    return {name: np.array(values) for name, values in trace.items()}


# %% whole loop (TF2 only)
def train_loop(x_all, y_all, schedule, w, b, learning_rate):
    """Every step and its trace in one graph: a tf.range loop writing TensorArrays."""
    trace = {name: tf.TensorArray(tf.float32, size=tf.shape(schedule)[0]) for name in ("w", "b", "loss")}
    for step in tf.range(tf.shape(schedule)[0]):
        x, y = tf.gather(x_all, schedule[step]), tf.gather(y_all, schedule[step])
        loss = train_step(x, y, w, b, learning_rate)
        now = {"w": w[0, 0], "b": b[0], "loss": loss}
        trace = {name: trace[name].write(step, now[name]) for name in trace}
    return {name: values.stack() for name, values in trace.items()}


def run_loop(inputs, jit_compile=False):
    w = tf.Variable(inputs["w0"], name="w")
    b = tf.Variable(inputs["b0"], name="b")
    loop = tf.function(train_loop, jit_compile=jit_compile)
    data = [tf.constant(inputs[name]) for name in ("x", "y", "schedule")]
    trace = loop(*data, w, b, inputs["learning_rate"])
    return {name: values.numpy() for name, values in trace.items()}
