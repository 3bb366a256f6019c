"""The TF1 program: placeholders, tf1.Variable, a tf1.train optimizer, a Session. Replace the
model and the optimizer with yours; take initial values from ``inputs``, and return every value
to compare, one entry per update step. ``on_step(k, read)`` (given by ``tfparity check --step``)
is called before the first update (k = 0) and after each update k; ``read()`` returns the whole
state by TF1 name, every variable (an optimizer's slots too), which the port's ``step_from``
takes one update from."""
import numpy as np
import tensorflow.compat.v1 as tf1


def run(inputs, on_step=None):
    graph = tf1.Graph()  # its own graph: nothing leaks into the next run
    with graph.as_default():
        x = tf1.placeholder(tf1.float32, [None, 3])
        y = tf1.placeholder(tf1.float32, [None])
        w, b = tf1.Variable(inputs["w0"], name="w"), tf1.Variable(inputs["b0"], name="b")  # replace: your model
        loss = tf1.reduce_mean(tf1.square(tf1.reduce_sum(x * w, axis=1) + b - y))
        train_op = tf1.train.GradientDescentOptimizer(inputs["learning_rate"]).minimize(loss)
        init = tf1.global_variables_initializer()
        state = tf1.global_variables()  # every variable, by the name the port's step_from sets
    trace = {"w": [], "b": [], "loss": []}  # replace: the fields to compare, the same in new.py
    with tf1.Session(graph=graph) as session:
        session.run(init)
        read = lambda: {v.op.name: value for v, value in zip(state, session.run(state))}  # noqa: E731
        if on_step:
            on_step(0, read)
        for _ in range(inputs["steps"]):
            _, loss_now = session.run([train_op, loss], {x: inputs["x"], y: inputs["y"]})
            w_now, b_now = session.run([w, b])  # read after the update, as new.py does
            for name, value in (("w", w_now), ("b", b_now), ("loss", loss_now)):
                trace[name].append(value)
            if on_step:
                on_step(len(trace["loss"]), read)
    return {name: np.array(values) for name, values in trace.items()}
