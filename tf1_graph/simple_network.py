"""simple_network, TF1 graph twin: one weight w, f(w) = a·w, cost C(w) = (f(w) − ŷ)².

Every update evaluates the hand-written partial ∂C/∂w = 2a(f(w) − ŷ) beside the framework's
own gradient, then takes one gradient-descent step. One graph and one Session per run.
"""
import numpy as np
import tensorflow.compat.v1 as tf1


# %% model
def model(w, a):
    return a * w


# %% loss
def cost_fn(f, y):
    return tf1.square(f - y)


def manual_gradient(f, y, a):
    return 2 * a * (f - y)


# %% step
def train_step(inputs, config):
    dtype = tf1.as_dtype(config["dtype"])
    a = tf1.placeholder(dtype, shape=[], name="a")
    y = tf1.placeholder(dtype, shape=[], name="y")
    w = tf1.Variable(inputs["w0"], dtype=dtype, name="w")
    f = model(w, a)
    cost = cost_fn(f, y)
    grad_manual = manual_gradient(f, y, a)
    grad_auto = tf1.gradients(cost, w)[0]
    # A Python learning rate becomes a float32 tensor first: float64 would step with 0.10000000149.
    learning_rate = tf1.constant(config["learning_rate"], dtype)
    train_op = tf1.train.GradientDescentOptimizer(learning_rate).minimize(cost)
    return a, y, w, f, cost, grad_manual, grad_auto, train_op


# %% train
def run(inputs, on_step=None):
    trace = {}
    for config in inputs["runs"]:
        graph = tf1.Graph()
        with graph.as_default():
            a, y, w, f, cost, grad_manual, grad_auto, train_op = train_step(inputs, config)
            state = tf1.global_variables()
            init = tf1.global_variables_initializer()
        graph.finalize()
        steps = {"w": [], "cost": [], "f": [], "grad_manual": [], "grad_auto": []}
        with tf1.Session(graph=graph) as sess:
            sess.run(init)
            read_state = lambda: {f"{config['name']}/{v.op.name}": value  # noqa: E731
                                  for v, value in zip(state, sess.run(state))}
            if on_step:
                on_step(0, read_state)
            feed = {a: inputs["a"], y: inputs["y"]}
            for _ in range(config["steps"]):
                grads = sess.run([grad_manual, grad_auto], feed_dict=feed)
                sess.run(train_op, feed_dict=feed)
                values = sess.run([w, cost, f], feed_dict=feed)
                for name, value in zip(steps, values + grads):
                    steps[name].append(value)
                if on_step:
                    on_step(len(steps["w"]), read_state)
        trace.update({f"{config['name']}/{name}": np.array(v) for name, v in steps.items()})
    return trace


# %% one step from a state
def step_from(inputs, states):
    """Teacher forcing: ``states`` is {k: the state before update k} (k counted from 1 in each run;
    a state is every variable by its TF1 name, after the run's name as its fields are: run/w, as
    plain gradient descent keeps nothing else). From each, one update of every run that has an
    update k; returns {k: ({run/cost: the cost after it, as run traces it}, the state after it)}."""
    after = {}
    for config in inputs["runs"]:
        mine = {k: before for k, before in states.items() if k <= config["steps"]}
        graph = tf1.Graph()
        with graph.as_default():
            a, y, w, f, cost, grad_manual, grad_auto, train_op = train_step(inputs, config)
            state = tf1.global_variables()
            values = [tf1.placeholder(v.dtype.base_dtype, v.shape) for v in state]
            set_state = tf1.group(*[v.assign(value) for v, value in zip(state, values)])
        graph.finalize()
        names = [f"{config['name']}/{v.op.name}" for v in state]
        with tf1.Session(graph=graph) as sess:
            feed = {a: inputs["a"], y: inputs["y"]}
            for k, before in mine.items():
                sess.run(set_state, feed_dict={value: before[name] for name, value in zip(names, values)})
                sess.run(train_op, feed_dict=feed)
                cost_now = sess.run(cost, feed_dict=feed)
                losses, now = after.setdefault(k, ({}, {}))
                losses[f"{config['name']}/cost"] = cost_now
                now.update(zip(names, sess.run(state)))
    return after


if __name__ == "__main__":
    from shared_data.simple_network import make_inputs
    from tfparity.core.report import print_log

    print_log(run(make_inputs(seed=0)), every=1)
