"""regression, TF2 eager twin: fit x·A = 10 by single-sample gradient descent (cookbook recipe).

Each step passes one sample as a tensor argument, takes the gradient with GradientTape, then
evaluates A and that sample's loss after the update, as the recipe prints them.
"""
import numpy as np
import tensorflow as tf


# %% model
def model(x, A):
    return x * A


# %% loss
def loss_fn(prediction, y, kind):
    if kind == "l1":
        return tf.reduce_mean(tf.abs(prediction - y))
    return tf.reduce_mean(tf.square(prediction - y))


# %% step
def train_step(x, y, A, learning_rate, kind):
    with tf.GradientTape() as tape:
        loss = loss_fn(model(x, A), y, kind)
    A.assign_sub(learning_rate * tape.gradient(loss, A))


# %% train
def run(inputs, function=False):
    A = tf.Variable(inputs["A0"], name="A")
    step = tf.function(train_step) if function else train_step
    trace = {"A": [], "loss": []}
    for i in inputs["schedule"]:
        x, y = tf.constant(inputs["x"][i:i + 1]), tf.constant(inputs["y"][i:i + 1])
        step(x, y, A, inputs["learning_rate"], inputs["loss"])
        A_now, loss_now = A.numpy(), loss_fn(model(x, A), y, inputs["loss"]).numpy()
        trace["A"].append(A_now[0])
        trace["loss"].append(loss_now)
    return {name: np.array(values) for name, values in trace.items()}


# %% whole loop (TF2 only)
def train_loop(x_all, y_all, schedule, A, learning_rate, kind):
    """Every step and its trace in one graph: a tf.range loop writing TensorArrays."""
    trace = {name: tf.TensorArray(tf.float32, size=tf.size(schedule)) for name in ("A", "loss")}
    for step in tf.range(tf.size(schedule)):
        i = schedule[step]
        x, y = x_all[i:i + 1], y_all[i:i + 1]
        train_step(x, y, A, learning_rate, kind)
        now = {"A": A[0], "loss": loss_fn(model(x, A), y, kind)}
        trace = {name: trace[name].write(step, now[name]) for name in trace}
    return {name: values.stack() for name, values in trace.items()}


def run_loop(inputs, jit_compile=False):
    A = tf.Variable(inputs["A0"], name="A")
    loop = tf.function(train_loop, jit_compile=jit_compile)
    data = [tf.constant(inputs[name]) for name in ("x", "y", "schedule")]
    trace = loop(*data, A, inputs["learning_rate"], inputs["loss"])
    return {name: values.numpy() for name, values in trace.items()}


if __name__ == "__main__":
    from shared_data.regression import make_inputs
    from tfparity.report import print_log

    print_log(run(make_inputs(seed=0)), every=25)
