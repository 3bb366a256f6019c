"""TF1 names passed around without being called, imported by name, and bound to new names."""
import functools

import tensorflow as tf
from tensorflow import placeholder  # expect: tf.placeholder
from tensorflow.train import AdamOptimizer as Adam  # expect: tf.train.AdamOptimizer

inputs = list(map(tf.placeholder, [tf.float32, tf.int32]))  # expect: tf.placeholder
dense = functools.partial(tf.layers.dense, activation=tf.nn.relu)  # expect: tf.layers.dense
OPTIMIZERS = {"sgd": tf.train.GradientDescentOptimizer, "adam": Adam}  # expect: tf.train.GradientDescentOptimizer, tf.train.AdamOptimizer
initializer = tf.truncated_normal_initializer  # expect: tf.truncated_normal_initializer
Session = tf.Session  # expect: tf.Session

images = placeholder(tf.float32, [None, 784])  # expect: tf.placeholder
weights = tf.Variable(tf.random_normal([784, 10], stddev=0.1))  # expect: tf.random_normal
noise = tf.random_uniform([10], seed=1)  # expect: tf.random_uniform
tf.set_random_seed(0)  # expect: tf.set_random_seed
logits = dense(images, 10)
optimizer = OPTIMIZERS["adam"](0.001)
grads = tf.gradients(logits, [weights])
update = tf.assign_sub(weights, 0.1 * grads[0])  # expect: tf.assign_sub
step = tf.group(update, name="step")
tf.reset_default_graph()  # expect: tf.reset_default_graph
session = Session()  # expect: tf.Session

cells = tf.nn.rnn_cell  # expect: tf.nn.rnn_cell
cells = []  # rebound to a list: no longer an alias of the TF module
cells.append(len(cells))
