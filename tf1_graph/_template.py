"""Your example, TF1 graph twin: copy to tf1_graph/<name>.py and keep the TF1 program as it was.

Fill in model, loss, step (train_step builds the graph and its train op) and train; feed it only the arrays from shared_data; return a trace
{field: per-step values}. This template fits y = x·w + b in mini-batches.
"""
import numpy as np
import tensorflow.compat.v1 as tf1


# %% model
def model(x, w, b):
    return tf1.matmul(x, w) + b


# %% loss
def loss_fn(prediction, y):
    return tf1.reduce_mean(tf1.square(prediction - y))


# %% step
def train_step(inputs):
    x = tf1.placeholder(tf1.float32, shape=[None, 1], name="x")
    y = tf1.placeholder(tf1.float32, shape=[None, 1], name="y")
    w = tf1.Variable(inputs["w0"], name="w")
    b = tf1.Variable(inputs["b0"], name="b")
    loss = loss_fn(model(x, w, b), y)
    train_op = tf1.train.GradientDescentOptimizer(inputs["learning_rate"]).minimize(loss)
    return x, y, w, b, loss, train_op


# %% train
def run(inputs):
    graph = tf1.Graph()
    with graph.as_default():
        x, y, w, b, loss, train_op = train_step(inputs)
        init = tf1.global_variables_initializer()
    graph.finalize()
    trace = {"w": [], "b": [], "loss": []}
    with tf1.Session(graph=graph) as sess:
        sess.run(init)
        for batch in inputs["schedule"]:
            feed = {x: inputs["x"][batch], y: inputs["y"][batch]}
            _, loss_now = sess.run([train_op, loss], feed_dict=feed)
            w_now, b_now = sess.run([w, b])
            trace["w"].append(w_now[0, 0])
            trace["b"].append(b_now[0])
            trace["loss"].append(loss_now)
    return {name: np.array(values) for name, values in trace.items()}
