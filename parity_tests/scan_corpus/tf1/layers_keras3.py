"""tf.layers and tf.nn.rnn_cell: still listed in tf.compat.v1, raising under Keras 3."""
import tensorflow as tf


def classifier(images, training):
    net = tf.layers.conv2d(images, 32, 5, activation=tf.nn.relu)  # expect: tf.layers.conv2d
    net = tf.layers.max_pooling2d(net, 2, 2)  # expect: tf.layers.max_pooling2d
    net = tf.layers.flatten(net)  # expect: tf.layers.flatten
    net = tf.layers.dense(net, 1024, activation=tf.nn.relu)  # expect: tf.layers.dense
    net = tf.layers.dropout(net, rate=0.4, training=training)  # expect: tf.layers.dropout
    return tf.layers.dense(net, 10)  # expect: tf.layers.dense


def encoder(inputs, lengths):
    cell = tf.nn.rnn_cell.BasicLSTMCell(64)  # expect: tf.nn.rnn_cell.BasicLSTMCell
    cells = tf.nn.rnn_cell.MultiRNNCell([cell, tf.nn.rnn_cell.GRUCell(64)])  # expect: tf.nn.rnn_cell.MultiRNNCell, tf.nn.rnn_cell.GRUCell
    outputs, _ = tf.nn.dynamic_rnn(cells, inputs, sequence_length=lengths, dtype=tf.float32)  # expect: tf.nn.dynamic_rnn
    return outputs
