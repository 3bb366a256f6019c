"""TF1's batch normalization in TF2, bit for bit: ``tf.layers.batch_normalization`` as a TF1 graph ran it.

TF1's layer (tf-keras ``BatchNormalizationBase._fused_batch_norm``, graph mode) normalizes a 4-D
input with the fused kernel (FusedBatchNormV3, here through ``tf.raw_ops``), whose batch variance
carries Bessel's correction n/(n-1), and updates each moving statistic by
``assign_moving_average``'s rule (``_assign_moving_average``: ``moving -= (moving - batch) * decay``)
with ``decay = 1 - momentum`` computed in float32, because TF1's ``training`` is a tensor there
(``smart_cond`` of an is_training placeholder). Keras 3's BatchNormalization differs on each count
(``moving * momentum + batch * (1 - momentum)``, a variance without the correction, moments by
``reduce_mean``): docs/pitfalls.md measures it.

    bn = BatchNorm(channels, momentum=0.99, epsilon=1e-3)      # TF1's tf.layers defaults
    y = bn(x, training=True)    # normalizes by the batch and updates moving_mean/moving_variance
    y = bn(x, training=False)   # normalizes by the moving statistics
"""
import tensorflow as tf


class BatchNorm(tf.Module):
    """gamma (ones), beta (zeros), moving_mean (zeros), moving_variance (ones), as TF1 made them;
    ``center=False``/``scale=False`` (slim.batch_norm's default scale) use constant 0/1 instead."""

    def __init__(self, channels, momentum=0.99, epsilon=1e-3, center=True, scale=True, name="bn"):
        super().__init__(name=name)
        self.momentum, self.epsilon, self.center, self.scale = momentum, epsilon, center, scale
        with self.name_scope:
            self.gamma = tf.Variable(tf.ones([channels]), name="gamma") if scale else tf.ones([channels])
            self.beta = tf.Variable(tf.zeros([channels]), name="beta") if center else tf.zeros([channels])
            self.moving_mean = tf.Variable(tf.zeros([channels]), trainable=False, name="moving_mean")
            self.moving_variance = tf.Variable(tf.ones([channels]), trainable=False, name="moving_variance")

    def __call__(self, x, training):
        return normalize(x, self.gamma, self.beta, self.moving_mean, self.moving_variance, self.momentum,
                         self.epsilon, training)


def normalize(x, gamma, beta, moving_mean, moving_variance, momentum, epsilon, training):
    """TF1's layer on a 4-D NHWC ``x``: the fused kernel, and in training each moving statistic (a
    tf.Variable) moved by TF1's rule; the normalized ``x``. ``BatchNorm`` and the Keras layer
    (tfparity.port.keras_layers.TF1BatchNorm) both call it."""
    y, mean, variance, *_ = tf.raw_ops.FusedBatchNormV3(
        x=x, scale=gamma, offset=beta, mean=moving_mean, variance=moving_variance,
        epsilon=epsilon, exponential_avg_factor=1.0, data_format="NHWC", is_training=training)
    if training:
        decay = tf.constant(1.0) - tf.constant(momentum, tf.float32)
        moving_mean.assign_sub((moving_mean - mean) * decay)
        moving_variance.assign_sub((moving_variance - variance) * decay)
    return y
