"""classification, TF1 graph twin: sigmoid(x + A) separates N(−1, 1) from N(3, 1) (cookbook recipe).

Each step feeds one sample, minimises sigmoid cross-entropy with GradientDescentOptimizer, then
evaluates A, that sample's loss, and the accuracy of round(sigmoid(x + A)) over all points.
"""
import numpy as np
import tensorflow.compat.v1 as tf1


# %% model
def model(x, A):
    return x + A


# %% loss
def loss_fn(logits, y):
    return tf1.reduce_mean(tf1.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))


def accuracy_fn(logits, y):
    return tf1.reduce_mean(tf1.cast(tf1.equal(tf1.round(tf1.sigmoid(logits)), y), tf1.float32))


# %% step
def train_step(inputs):
    x = tf1.placeholder(tf1.float32, shape=[None], name="x")
    y = tf1.placeholder(tf1.float32, shape=[None], name="y")
    A = tf1.Variable(inputs["A0"], name="A")
    loss = loss_fn(model(x, A), y)
    accuracy = accuracy_fn(model(x, A), y)
    train_op = tf1.train.GradientDescentOptimizer(inputs["learning_rate"]).minimize(loss)
    return x, y, A, loss, accuracy, train_op


# %% train
def run(inputs):
    graph = tf1.Graph()
    with graph.as_default():
        x, y, A, loss, accuracy, train_op = train_step(inputs)
        init = tf1.global_variables_initializer()
    graph.finalize()
    trace = {"A": [], "loss": [], "accuracy": []}
    with tf1.Session(graph=graph) as sess:
        sess.run(init)
        everything = {x: inputs["x"], y: inputs["y"]}
        for i in inputs["schedule"]:
            feed = {x: inputs["x"][i:i + 1], y: inputs["y"][i:i + 1]}
            sess.run(train_op, feed_dict=feed)
            A_now, loss_now = sess.run([A, loss], feed_dict=feed)
            accuracy_now = sess.run(accuracy, feed_dict=everything)
            trace["A"].append(A_now[0])
            trace["loss"].append(loss_now)
            trace["accuracy"].append(accuracy_now)
    return {name: np.array(values) for name, values in trace.items()}


if __name__ == "__main__":
    from shared_data.classification import make_inputs
    from tfparity.core.report import print_log

    print_log(run(make_inputs(seed=0)), every=200)
