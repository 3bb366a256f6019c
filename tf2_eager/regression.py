"""regression, TF2 eager twin: fit x·A = 10 by single-sample gradient descent (cookbook recipe).

Each step passes one sample as a tensor argument, takes the gradient with GradientTape, then
evaluates A and that sample's loss after the update, as the recipe prints them. The last section
is the one-weight model in Keras 3, trained by ``model.fit``.
"""
import keras
import numpy as np
import tensorflow as tf

from tfparity.port import keras_optimizers, keras_trace, optimizers
from tfparity.port.keras_layers import Scale

# The Keras stage's loss for each of the recipe's losses.
KERAS_LOSSES = {"l2": keras.losses.MeanSquaredError, "l1": keras.losses.MeanAbsoluteError}


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
def run(inputs, function=False, on_step=None):
    A = tf.Variable(inputs["A0"], name="A")
    step = tf.function(train_step) if function else train_step
    trace = {"A": [], "loss": []}
    read_state = lambda: {"A": A.numpy()}  # noqa: E731
    if on_step:
        on_step(0, read_state)
    for i in inputs["schedule"]:
        x, y = tf.constant(inputs["x"][i:i + 1]), tf.constant(inputs["y"][i:i + 1])
        step(x, y, A, inputs["learning_rate"], inputs["loss"])
        A_now, loss_now = A.numpy(), loss_fn(model(x, A), y, inputs["loss"]).numpy()
        trace["A"].append(A_now[0])
        trace["loss"].append(loss_now)
        if on_step:
            on_step(len(trace["loss"]), read_state)
    return {name: np.array(values) for name, values in trace.items()}


# %% one step from a state
def step_from(inputs, states, function=False):
    """Teacher forcing: ``states`` is {k: the state before update k} (k counted from 1 over the run;
    a state is every variable by its TF1 name: A, as plain SGD keeps nothing else). From each, one
    update on update k's sample; returns {k: (that sample's loss after it, as run traces it, the state after it)}."""
    A = tf.Variable(inputs["A0"], name="A")
    step = tf.function(train_step) if function else train_step
    after = {}
    for k, before in states.items():
        A.assign(before["A"])
        i = inputs["schedule"][k - 1]
        x, y = tf.constant(inputs["x"][i:i + 1]), tf.constant(inputs["y"][i:i + 1])
        step(x, y, A, inputs["learning_rate"], inputs["loss"])
        after[k] = loss_fn(model(x, A), y, inputs["loss"]).numpy(), {"A": A.numpy()}
    return after


# %% whole loop (TF2 only)
def train_loop(x_all, y_all, schedule, A, learning_rate, kind):
    """Every step and its trace in one graph: a tf.range loop writing TensorArrays."""
    trace = {name: tf.TensorArray(x_all.dtype, size=tf.size(schedule)) for name in ("A", "loss")}
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


def step_from_loop(inputs, states, jit_compile=False):
    """``step_from`` for the whole-loop modes: each update as a loop over a schedule of one sample."""
    A = tf.Variable(inputs["A0"], name="A")
    loop = tf.function(train_loop, jit_compile=jit_compile)
    data = [tf.constant(inputs[name]) for name in ("x", "y")]
    after = {}
    for k, before in states.items():
        A.assign(before["A"])
        trace = loop(*data, tf.constant(inputs["schedule"][k - 1:k]), A, inputs["learning_rate"], inputs["loss"])
        after[k] = trace["loss"].numpy()[0], {"A": A.numpy()}
    return after


# %% keras fit (TF2 only)
def keras_model(inputs, optimizer="tf1"):
    """The one-weight model from the shared A0, compiled with TF1's GradientDescent rule as a Keras
    optimizer ("tf1") or Keras 3's SGD ("keras") and the recipe's loss; and the samples (x, y) in
    the schedule's order, one row each."""
    net = keras.Sequential([keras.Input((1,)), Scale()])
    net.layers[0].set_weights([inputs["A0"]])
    rate = inputs["learning_rate"]
    rule = keras_optimizers.wrap(optimizers.GradientDescent(rate)) if optimizer == "tf1" else keras.optimizers.SGD(rate)
    net.compile(optimizer=rule, loss=KERAS_LOSSES[inputs["loss"]]())
    return net, [inputs[name][inputs["schedule"]].reshape(-1, 1) for name in ("x", "y")]


def run_keras(inputs, optimizer="tf1"):
    """``model.fit`` on one sample a step in the schedule's order. After each step the callback
    reads A and that sample's loss with this twin's model and loss_fn, as run does."""
    net, (x, y) = keras_model(inputs, optimizer)

    def after_step(step, logs):
        A, x_now, y_now = net.layers[0].A.value, x[step:step + 1, 0], y[step:step + 1, 0]
        return {"A": A.numpy()[0], "loss": loss_fn(model(x_now, A), y_now, inputs["loss"]).numpy()}
    trace = {"A": [], "loss": []}
    net.fit(x, y, batch_size=1, shuffle=False, verbose=0, callbacks=[keras_trace.Trace(trace, after_step)])
    return {name: np.array(values) for name, values in trace.items()}


def step_from_keras(inputs, states, optimizer="tf1"):
    """``step_from`` for ``model.fit``: each update as ``train_on_batch`` on its sample, which runs
    fit's own train function; the layer's A set through its TF1 name."""
    net, (x, y) = keras_model(inputs, optimizer)
    A, after = net.layers[0].A.value, {}
    for k, before in states.items():
        A.assign(before["A"])
        net.train_on_batch(x[k - 1:k], y[k - 1:k])
        after[k] = loss_fn(model(x[k - 1:k, 0], A), y[k - 1:k, 0], inputs["loss"]).numpy(), {"A": A.numpy()}
    return after


if __name__ == "__main__":
    from shared_data.regression import make_inputs
    from tfparity.core.report import print_log

    print_log(run(make_inputs(seed=0)), every=25)
