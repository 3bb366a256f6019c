"""The user's TF1 program: placeholders, tf1.Variable, GradientDescentOptimizer, a Session."""
import numpy as np
import tensorflow.compat.v1 as tf1


def run(inputs):
    graph = tf1.Graph()
    with graph.as_default():
        x = tf1.placeholder(tf1.float32, [None, 3])
        y = tf1.placeholder(tf1.float32, [None])
        w, b = tf1.Variable(inputs["w0"]), tf1.Variable(inputs["b0"])
        loss = tf1.reduce_mean(tf1.square(tf1.reduce_sum(x * w, axis=1) + b - y))
        train_op = tf1.train.GradientDescentOptimizer(inputs["learning_rate"]).minimize(loss)
        init = tf1.global_variables_initializer()
    trace = {"w": [], "b": [], "loss": []}
    with tf1.Session(graph=graph) as session:
        session.run(init)
        for _ in range(inputs["steps"]):
            _, loss_now = session.run([train_op, loss], {x: inputs["x"], y: inputs["y"]})
            w_now, b_now = session.run([w, b])
            for name, value in (("w", w_now), ("b", b_now), ("loss", loss_now)):
                trace[name].append(value)
    return {name: np.array(values) for name, values in trace.items()}
