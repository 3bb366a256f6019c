"""tf.contrib through every kind of alias: all of it is gone in TF2."""
import tensorflow as tf
import tensorflow.contrib.slim as slim2  # expect: tf.contrib.slim
from tensorflow.contrib import rnn  # expect: tf.contrib.rnn
from tensorflow.contrib.layers import xavier_initializer  # expect: tf.contrib.layers.xavier_initializer

slim = tf.contrib.slim  # expect: tf.contrib.slim
layers = slim.layers  # expect: tf.contrib.slim.layers


def network(images, is_training):
    with slim.arg_scope([slim.conv2d], padding="SAME"):  # expect: tf.contrib.slim.arg_scope, tf.contrib.slim.conv2d
        net = slim.conv2d(images, 32, [3, 3], scope="conv1")  # expect: tf.contrib.slim.conv2d
        net = slim2.max_pool2d(net, [2, 2])  # expect: tf.contrib.slim.max_pool2d
        net = layers.flatten(net)  # expect: tf.contrib.slim.layers.flatten
        net = slim.fully_connected(net, 10, activation_fn=None,  # expect: tf.contrib.slim.fully_connected
                                   weights_initializer=xavier_initializer())  # expect: tf.contrib.layers.xavier_initializer
    return net


def recurrent(sequence):
    cell = rnn.BasicLSTMCell(128)  # expect: tf.contrib.rnn.BasicLSTMCell
    stacked = tf.contrib.rnn.MultiRNNCell([cell] * 2)  # expect: tf.contrib.rnn.MultiRNNCell
    outputs, state = tf.nn.static_rnn(stacked, sequence, dtype=tf.float32)  # expect: tf.nn.static_rnn
    return outputs


def regularized(weights):
    return tf.contrib.layers.l2_regularizer(0.01)(weights)  # expect: tf.contrib.layers.l2_regularizer
