"""regression, TF1 graph twin: fit x·A = 10 by single-sample gradient descent (cookbook recipe).

Each step feeds one sample through placeholders, runs GradientDescentOptimizer.minimize, then
evaluates A and that sample's loss after the update, as the recipe prints them.
"""
import numpy as np
import tensorflow.compat.v1 as tf1


# %% model
def model(x, A):
    return x * A


# %% loss
def loss_fn(prediction, y, kind):
    if kind == "l1":
        return tf1.reduce_mean(tf1.abs(prediction - y))
    return tf1.reduce_mean(tf1.square(prediction - y))


# %% step
def train_step(inputs):
    x = tf1.placeholder(tf1.float32, shape=[None], name="x")
    y = tf1.placeholder(tf1.float32, shape=[None], name="y")
    A = tf1.Variable(inputs["A0"], name="A")
    loss = loss_fn(model(x, A), y, inputs["loss"])
    train_op = tf1.train.GradientDescentOptimizer(inputs["learning_rate"]).minimize(loss)
    return x, y, A, loss, train_op


# %% train
def run(inputs):
    graph = tf1.Graph()
    with graph.as_default():
        x, y, A, loss, train_op = train_step(inputs)
        init = tf1.global_variables_initializer()
    graph.finalize()
    trace = {"A": [], "loss": []}
    with tf1.Session(graph=graph) as sess:
        sess.run(init)
        for i in inputs["schedule"]:
            feed = {x: inputs["x"][i:i + 1], y: inputs["y"][i:i + 1]}
            sess.run(train_op, feed_dict=feed)
            A_now, loss_now = sess.run([A, loss], feed_dict=feed)
            trace["A"].append(A_now[0])
            trace["loss"].append(loss_now)
    return {name: np.array(values) for name, values in trace.items()}


if __name__ == "__main__":
    from shared_data.regression import make_inputs
    from tfparity.core.report import print_log

    print_log(run(make_inputs(seed=0)), every=25)
