"""Pitfall: a Python float learning rate reaches a float64 variable as a float32 constant."""
import tensorflow.compat.v1 as tf1


def one_step(rate):
    graph = tf1.Graph()
    with graph.as_default():
        w = tf1.Variable(0.8, dtype=tf1.float64)
        step = tf1.train.GradientDescentOptimizer(rate()).minimize(tf1.square(2 * w - 1))
        with tf1.Session(graph=graph) as session:
            session.run(tf1.global_variables_initializer())
            session.run(step)
            return repr(float(session.run(w)))


def measure():
    return {"GradientDescentOptimizer(0.1)": one_step(lambda: 0.1),
            "GradientDescentOptimizer(tf1.constant(0.1, tf1.float64))": one_step(lambda: tf1.constant(0.1, tf1.float64)),
            "exact": repr(0.8 - 0.1 * 2.4)}
