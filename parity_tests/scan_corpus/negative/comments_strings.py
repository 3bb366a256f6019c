"""TF1 names only where no program runs them: tf.placeholder, tf.Session, feed_dict, tf.contrib.slim.

A docstring that quotes sess.run(train_op, feed_dict={x: xs}) and tf.layers.dense(x, 10).
"""
import tensorflow as tf

# tf.placeholder(tf.float32) and tf.Session() were TF1; so was tf.train.AdamOptimizer.
MESSAGE = "replace tf.placeholder with a function argument, and sess.run(x, feed_dict=f) with a call"
TEMPLATE = f"tf.contrib.{'slim'} is gone; tf.nn.dropout(x, keep_prob) took a keep probability"
NAMES = ["tf.Session", "tf.train.Saver", "tf.estimator.Estimator"]


def explain():
    """tf.get_variable and tf.variable_scope have no TF2 equivalent under those names."""
    return MESSAGE + TEMPLATE + " ".join(NAMES) + str(tf.constant(1.0).shape)  # tf.Session() here is a comment
