"""Keras 3 layers for ports that must compute what the TF1 graph computed, op for op.

``TF1Dense``: Keras' own add becomes ``tf.nn.bias_add`` on the TensorFlow backend
(keras/src/backend/tensorflow/numpy.py, ``add``), whose gradient (BiasAddGrad) sums the batch in
another order than the ``Sum`` behind TF1's ``x @ W + b``; this Dense adds with ``tf.math.add``.
(A TF1 program that used ``tf.nn.bias_add`` or ``tf1.layers.dense`` matches keras.layers.Dense.)
``Scale``: one weight times the input, ``x * A``, as a one-weight TF1 model wrote it.
``TF1BatchNorm``: ``tf.layers.batch_normalization`` as a TF1 graph ran it (tfparity.port.batch_norm:
the fused kernel, its Bessel-corrected batch variance, TF1's moving-average update), where Keras 3's
BatchNormalization computes another moving variance (docs/pitfalls.md).
"""
import keras
import tensorflow as tf

from tfparity.port.batch_norm import normalize


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


class TF1BatchNorm(keras.layers.Layer):
    """TF1's batch norm on NHWC inputs: gamma, beta (trainable), moving_mean, moving_variance, made
    as TF1 made them (ones, zeros, zeros, ones); trains on the batch and moves the statistics by TF1's
    rule when ``training``, else normalizes by the moving statistics."""

    def __init__(self, momentum=0.99, epsilon=1e-3, **kwargs):
        super().__init__(**kwargs)
        self.momentum, self.epsilon = momentum, epsilon

    def build(self, input_shape):
        channels = (input_shape[-1],)
        self.gamma = self.add_weight(shape=channels, initializer="ones", name="gamma")
        self.beta = self.add_weight(shape=channels, initializer="zeros", name="beta")
        self.moving_mean = self.add_weight(shape=channels, initializer="zeros", trainable=False, name="moving_mean")
        self.moving_variance = self.add_weight(shape=channels, initializer="ones", trainable=False,
                                               name="moving_variance")

    def call(self, inputs, training=False):
        return normalize(inputs, self.gamma.value, self.beta.value, self.moving_mean.value,
                         self.moving_variance.value, self.momentum, self.epsilon, bool(training))

    def get_config(self):
        return dict(super().get_config(), momentum=self.momentum, epsilon=self.epsilon)
