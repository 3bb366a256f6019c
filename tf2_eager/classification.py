"""classification, TF2 eager twin: sigmoid(x + A) separates N(−1, 1) from N(3, 1) (cookbook recipe).

Each step passes one sample, takes the sigmoid cross-entropy gradient with GradientTape, then
evaluates A, that sample's loss, and the accuracy of round(sigmoid(x + A)) over all points.
"""
import numpy as np
import tensorflow as tf


# %% model
def model(x, A):
    return x + A


# %% loss
def loss_fn(logits, y):
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))


def accuracy_fn(logits, y):
    return tf.reduce_mean(tf.cast(tf.equal(tf.round(tf.sigmoid(logits)), y), tf.float32))


# %% step
def train_step(x, y, A, learning_rate):
    with tf.GradientTape() as tape:
        loss = loss_fn(model(x, A), y)
    A.assign_sub(learning_rate * tape.gradient(loss, A))


# %% train
def run(inputs, function=False, on_step=None):
    A = tf.Variable(inputs["A0"], name="A")
    step = tf.function(train_step) if function else train_step
    trace = {"A": [], "loss": [], "accuracy": []}
    read_state = lambda: {"A": A.numpy()}  # noqa: E731
    if on_step:
        on_step(0, read_state)
    everything = tf.constant(inputs["x"]), tf.constant(inputs["y"])
    for i in inputs["schedule"]:
        x, y = tf.constant(inputs["x"][i:i + 1]), tf.constant(inputs["y"][i:i + 1])
        step(x, y, A, inputs["learning_rate"])
        A_now, loss_now = A.numpy(), loss_fn(model(x, A), y).numpy()
        accuracy_now = accuracy_fn(model(everything[0], A), everything[1]).numpy()
        trace["A"].append(A_now[0])
        trace["loss"].append(loss_now)
        trace["accuracy"].append(accuracy_now)
        if on_step:
            on_step(len(trace["loss"]), read_state)
    return {name: np.array(values) for name, values in trace.items()}


# %% one step from a state
def step_from(inputs, states, function=False):
    """Teacher forcing: ``states`` is {k: the state before update k} (k counted from 1 over the run;
    a state is every variable by its TF1 name: A, as plain SGD keeps nothing else). From each, one
    update on update k's sample; returns {k: (that sample's loss after it, as run traces it, the state
    after it)}. The accuracy over all points is not the step's: it reads the state after it."""
    A = tf.Variable(inputs["A0"], name="A")
    step = tf.function(train_step) if function else train_step
    after = {}
    for k, before in states.items():
        A.assign(before["A"])
        i = inputs["schedule"][k - 1]
        x, y = tf.constant(inputs["x"][i:i + 1]), tf.constant(inputs["y"][i:i + 1])
        step(x, y, A, inputs["learning_rate"])
        after[k] = loss_fn(model(x, A), y).numpy(), {"A": A.numpy()}
    return after


# %% whole loop (TF2 only)
def train_loop(x_all, y_all, schedule, A, learning_rate):
    """Every step and its trace in one graph: a tf.range loop writing TensorArrays."""
    names = ("A", "loss", "accuracy")
    dtypes = {"A": x_all.dtype, "loss": x_all.dtype, "accuracy": tf.float32}  # accuracy_fn's cast
    trace = {name: tf.TensorArray(dtypes[name], size=tf.size(schedule)) for name in names}
    for step in tf.range(tf.size(schedule)):
        i = schedule[step]
        x, y = x_all[i:i + 1], y_all[i:i + 1]
        train_step(x, y, A, learning_rate)
        now = {"A": A[0], "loss": loss_fn(model(x, A), y), "accuracy": accuracy_fn(model(x_all, A), y_all)}
        trace = {name: trace[name].write(step, now[name]) for name in trace}
    return {name: values.stack() for name, values in trace.items()}


def run_loop(inputs, jit_compile=False):
    A = tf.Variable(inputs["A0"], name="A")
    loop = tf.function(train_loop, jit_compile=jit_compile)
    data = [tf.constant(inputs[name]) for name in ("x", "y", "schedule")]
    trace = loop(*data, A, inputs["learning_rate"])
    return {name: values.numpy() for name, values in trace.items()}


def step_from_loop(inputs, states, jit_compile=False):
    """``step_from`` for the whole-loop modes: each update as a loop over a schedule of one sample."""
    A = tf.Variable(inputs["A0"], name="A")
    loop = tf.function(train_loop, jit_compile=jit_compile)
    data = [tf.constant(inputs[name]) for name in ("x", "y")]
    after = {}
    for k, before in states.items():
        A.assign(before["A"])
        trace = loop(*data, tf.constant(inputs["schedule"][k - 1:k]), A, inputs["learning_rate"])
        after[k] = trace["loss"].numpy()[0], {"A": A.numpy()}
    return after


if __name__ == "__main__":
    from shared_data.classification import make_inputs
    from tfparity.core.report import print_log

    print_log(run(make_inputs(seed=0)), every=200)
