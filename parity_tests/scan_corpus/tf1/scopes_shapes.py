"""Variable scopes, collections and static shapes: TF1's graph bookkeeping."""
import tensorflow as tf


def dense(inputs, units, name):
    with tf.variable_scope(name, reuse=tf.AUTO_REUSE):  # expect: tf.variable_scope, tf.AUTO_REUSE
        size = inputs.get_shape()[1].value  # expect: Dimension.value
        rows = inputs.shape[0].value  # expect: Dimension.value
        w = tf.get_variable("w", [size, units], initializer=tf.glorot_uniform_initializer())  # expect: tf.get_variable, tf.glorot_uniform_initializer
        b = tf.get_variable("b", [units], initializer=tf.constant_initializer(0.0))  # expect: tf.get_variable
        tf.add_to_collection("weights", w)  # expect: tf.add_to_collection
        return tf.matmul(inputs, w) + b, rows


def tower(inputs):
    with tf.variable_scope("tower") as scope:  # expect: tf.variable_scope
        first, _ = dense(inputs, 10, "layer")
        scope.reuse_variables()  # expect: VariableScope.reuse_variables
        second, _ = dense(inputs, 10, "layer")
        tf.get_variable_scope().reuse_variables()  # expect: tf.get_variable_scope, VariableScope.reuse_variables
    weights = tf.get_collection("weights")  # expect: tf.get_collection
    trainable = tf.trainable_variables()  # expect: tf.trainable_variables
    losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)  # expect: tf.get_collection, tf.GraphKeys.REGULARIZATION_LOSSES
    return first + second, weights, trainable, losses
