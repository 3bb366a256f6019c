"""Keras 3 layers for ports that must compute what the TF1 graph computed, op for op.

``TF1Dense``: Keras' own add becomes ``tf.nn.bias_add`` on the TensorFlow backend
(keras/src/backend/tensorflow/numpy.py, ``add``), whose gradient (BiasAddGrad) sums the batch in
another order than the ``Sum`` behind TF1's ``x @ W + b``; this Dense adds with ``tf.math.add``.
(A TF1 program that used ``tf.nn.bias_add`` or ``tf1.layers.dense`` matches keras.layers.Dense.)
``Scale``: one weight times the input, ``x * A``, as a one-weight TF1 model wrote it.
"""
import keras
import tensorflow as tf


class TF1Dense(keras.layers.Dense):
    """Dense whose bias add is TF1's ``+`` (``tf.math.add``), not ``tf.nn.bias_add``."""

    def call(self, inputs):
        return self.activation(tf.math.add(tf.matmul(inputs, self.kernel), self.bias))


class Scale(keras.layers.Layer):
    """``x * A`` for a weight A of shape [1]."""

    def build(self, input_shape):
        self.A = self.add_weight(shape=(1,), initializer="zeros", name="A")

    def call(self, inputs):
        return inputs * self.A
