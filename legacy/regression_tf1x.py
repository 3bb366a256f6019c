"""The regression recipe as TensorFlow 1.x code spelled it, before any port (written for this project).

Typical of its time: the default graph, tf.placeholder, tf.Session. It runs only on TensorFlow
1.x; `tf_upgrade_v2` renames it to tf.compat.v1, and docs/upgrade.md follows it to the twins.
"""
import numpy as np
import tensorflow as tf


def run(inputs):
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, shape=[None], name="x")
    y = tf.placeholder(tf.float32, shape=[None], name="y")
    A = tf.Variable(inputs["A0"], name="A")
    loss = tf.reduce_mean(tf.square(x * A - y))
    train_step = tf.train.GradientDescentOptimizer(inputs["learning_rate"]).minimize(loss)
    trace = {"A": [], "loss": []}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in inputs["schedule"]:
            feed = {x: inputs["x"][i:i + 1], y: inputs["y"][i:i + 1]}
            sess.run(train_step, feed_dict=feed)
            A_now, loss_now = sess.run([A, loss], feed_dict=feed)
            trace["A"].append(A_now[0])
            trace["loss"].append(loss_now)
    return {name: np.array(values) for name, values in trace.items()}
