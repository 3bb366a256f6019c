"""The TF1 program: placeholders, tf1.Variable, a tf1.train optimizer, a Session. Replace the
model and the optimizer with yours; take initial values from ``inputs``, and return every value
to compare, one entry per update step."""
import numpy as np
import tensorflow.compat.v1 as tf1


def run(inputs):
    graph = tf1.Graph()  # its own graph: nothing leaks into the next run
    with graph.as_default():
        x = tf1.placeholder(tf1.float32, [None, 3])
        y = tf1.placeholder(tf1.float32, [None])
        w, b = tf1.Variable(inputs["w0"]), tf1.Variable(inputs["b0"])  # replace: your model
        loss = tf1.reduce_mean(tf1.square(tf1.reduce_sum(x * w, axis=1) + b - y))
        train_op = tf1.train.GradientDescentOptimizer(inputs["learning_rate"]).minimize(loss)
        init = tf1.global_variables_initializer()
    trace = {"w": [], "b": [], "loss": []}  # replace: the fields to compare, the same in new.py
    with tf1.Session(graph=graph) as session:
        session.run(init)
        for _ in range(inputs["steps"]):
            _, loss_now = session.run([train_op, loss], {x: inputs["x"], y: inputs["y"]})
            w_now, b_now = session.run([w, b])  # read after the update, as new.py does
            for name, value in (("w", w_now), ("b", b_now), ("loss", loss_now)):
                trace[name].append(value)
    return {name: np.array(values) for name, values in trace.items()}
