"""simple_network, TF2 eager twin: one weight w, f(w) = a·w, cost C(w) = (f(w) − ŷ)².

Every update evaluates the hand-written partial ∂C/∂w = 2a(f(w) − ŷ) beside the framework's
own gradient, then takes one gradient-descent step. Plain eager, or the step as a tf.function.
"""
import numpy as np
import tensorflow as tf


# %% model
def model(w, a):
    return a * w


# %% loss
def cost_fn(f, y):
    return tf.square(f - y)


def manual_gradient(f, y, a):
    return 2 * a * (f - y)


# %% step
def train_step(a, y, w, learning_rate):
    with tf.GradientTape() as tape:
        f = model(w, a)
        cost = cost_fn(f, y)
    grad_manual = manual_gradient(f, y, a)
    grad_auto = tape.gradient(cost, w)
    w.assign_sub(learning_rate * grad_auto)
    return grad_manual, grad_auto


# %% train
def run(inputs, function=False, on_step=None):
    trace = {}
    for config in inputs["runs"]:
        dtype = tf.as_dtype(config["dtype"])
        a, y = tf.constant(inputs["a"], dtype), tf.constant(inputs["y"], dtype)
        w = tf.Variable(inputs["w0"], dtype=dtype, name="w")
        step = tf.function(train_step) if function else train_step
        steps = {"w": [], "cost": [], "f": [], "grad_manual": [], "grad_auto": []}
        read_state = lambda: {f"{config['name']}/w": w.numpy()}  # noqa: E731
        if on_step:
            on_step(0, read_state)
        for _ in range(config["steps"]):
            grads = [g.numpy() for g in step(a, y, w, config["learning_rate"])]
            f = model(w, a)
            values = [w.numpy(), cost_fn(f, y).numpy(), f.numpy()]
            for name, value in zip(steps, values + grads):
                steps[name].append(value)
            if on_step:
                on_step(len(steps["w"]), read_state)
        trace.update({f"{config['name']}/{name}": np.array(v) for name, v in steps.items()})
    return trace


# %% one step from a state
def step_from(inputs, states, function=False):
    """Teacher forcing: ``states`` is {k: the state before update k} (k counted from 1 in each run;
    a state is every variable by its TF1 name, after the run's name as its fields are: run/w, as
    plain gradient descent keeps nothing else). From each, one update of every run that has an
    update k; returns {k: ({run/cost: the cost after it, as run traces it}, the state after it)}.
    The variables take the states' dtype: the float64 confirmation casts a float32 run's to float64."""
    after = {}
    for config in inputs["runs"]:
        name = f"{config['name']}/w"
        mine = {k: before[name] for k, before in states.items() if k <= config["steps"]}
        dtype = tf.as_dtype(np.array(list(mine.values())).dtype)
        a, y = tf.constant(inputs["a"], dtype), tf.constant(inputs["y"], dtype)
        w = tf.Variable(inputs["w0"], dtype=dtype, name="w")
        step = tf.function(train_step) if function else train_step
        for k, before in mine.items():
            w.assign(before)
            step(a, y, w, config["learning_rate"])
            losses, now = after.setdefault(k, ({}, {}))
            losses[f"{config['name']}/cost"] = cost_fn(model(w, a), y).numpy()
            now[name] = w.numpy()
    return after


# %% whole loop (TF2 only)
def train_loop(a, y, w, learning_rate, steps):
    """Every step and its trace in one graph: a tf.range loop writing TensorArrays."""
    names = ("w", "cost", "f", "grad_manual", "grad_auto")
    trace = {name: tf.TensorArray(w.dtype, size=steps) for name in names}
    for step in tf.range(steps):
        grad_manual, grad_auto = train_step(a, y, w, learning_rate)
        f = model(w, a)
        now = {"w": w.read_value(), "cost": cost_fn(f, y), "f": f, "grad_manual": grad_manual, "grad_auto": grad_auto}
        trace = {name: trace[name].write(step, now[name]) for name in trace}
    return {name: values.stack() for name, values in trace.items()}


def run_loop(inputs, jit_compile=False):
    trace = {}
    loop = tf.function(train_loop, jit_compile=jit_compile)
    for config in inputs["runs"]:
        dtype = tf.as_dtype(config["dtype"])
        a, y = tf.constant(inputs["a"], dtype), tf.constant(inputs["y"], dtype)
        w = tf.Variable(inputs["w0"], dtype=dtype, name="w")
        steps = loop(a, y, w, config["learning_rate"], config["steps"])
        trace.update({f"{config['name']}/{name}": v.numpy() for name, v in steps.items()})
    return trace


def step_from_loop(inputs, states, jit_compile=False):
    """``step_from`` for the whole-loop modes: each update as a loop of one step."""
    loop = tf.function(train_loop, jit_compile=jit_compile)
    after = {}
    for config in inputs["runs"]:
        name = f"{config['name']}/w"
        mine = {k: before[name] for k, before in states.items() if k <= config["steps"]}
        dtype = tf.as_dtype(np.array(list(mine.values())).dtype)
        a, y = tf.constant(inputs["a"], dtype), tf.constant(inputs["y"], dtype)
        w = tf.Variable(inputs["w0"], dtype=dtype, name="w")
        for k, before in mine.items():
            w.assign(before)
            trace = loop(a, y, w, config["learning_rate"], 1)
            losses, now = after.setdefault(k, ({}, {}))
            losses[f"{config['name']}/cost"] = trace["cost"].numpy()[0]
            now[name] = w.numpy()
    return after


if __name__ == "__main__":
    from shared_data.simple_network import make_inputs
    from tfparity.core.report import print_log

    print_log(run(make_inputs(seed=0)), every=1)
