"""A TF2 port of TensorFlow-Examples' convolutional_network_raw.py (parity_tests/legacy_corpus/), written
as a migrating engineer writes one: a tf.Module, eager, tf.nn ops, the gradient from a tape, and TF1's
Adam from tfparity.port (Keras 3's Adam is another rule). Checked against the TF1 program's
recording: tfparity check --recording FILE --tf2 parity_tests/ports/convolutional_network_raw.py:make_port
"""
import tensorflow as tf

from tfparity.port import optimizers

LEARNING_RATE = 0.001  # the original's
NUM_INPUT, NUM_CLASSES = 784, 10  # MNIST's pixels and classes, as the original declares them


class ConvNet(tf.Module):
    def __init__(self, dtype=tf.float32):
        super().__init__()
        # Any initial values do: the replay gives the variables the TF1 run's own.
        def normal(shape):
            return tf.random.normal(shape, dtype=dtype)
        self.wc1, self.bc1 = tf.Variable(normal([5, 5, 1, 32]), name="wc1"), tf.Variable(normal([32]), name="bc1")
        self.wc2, self.bc2 = tf.Variable(normal([5, 5, 32, 64]), name="wc2"), tf.Variable(normal([64]), name="bc2")
        self.wd1 = tf.Variable(normal([7 * 7 * 64, 1024]), name="wd1")
        self.bd1 = tf.Variable(normal([1024]), name="bd1")
        self.w_out = tf.Variable(normal([1024, NUM_CLASSES]), name="w_out")
        self.b_out = tf.Variable(normal([NUM_CLASSES]), name="b_out")

    def __call__(self, x, keep_prob):
        x = tf.reshape(x, [-1, 28, 28, 1])
        x = _pool(_conv(x, self.wc1, self.bc1))
        x = _pool(_conv(x, self.wc2, self.bc2))
        x = tf.nn.relu(tf.matmul(tf.reshape(x, [-1, self.wd1.shape[0]]), self.wd1) + self.bd1)
        x = _dropout(x, keep_prob)
        return tf.matmul(x, self.w_out) + self.b_out


def _conv(x, w, b):
    return tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, w, strides=1, padding="SAME"), b))


def _dropout(x, keep_prob):
    # keep_prob is the fed tensor, as in TF1: a tensor rate divides by 1 - rate as TF1's keep_prob did;
    # a Python float rate (and keras.layers.Dropout) multiplies by 1 / (1 - rate) instead, which rounds otherwise.
    return tf.nn.dropout(x, rate=1 - keep_prob)


def _pool(x):
    return tf.nn.max_pool2d(x, ksize=2, strides=2, padding="SAME")


def make_port(dtype=None):
    """The model, TF1's Adam built for its variables, and one training step; ``dtype``: "float64" for
    the replay's float64 confirmation of a difference (float32 otherwise, as the original)."""
    model = ConvNet(dtype or tf.float32)
    optimizer = optimizers.Adam(learning_rate=LEARNING_RATE)
    optimizer.build(model.trainable_variables)

    def step(x, y, keep_prob):
        with tf.GradientTape() as tape:
            logits = model(x, keep_prob)
            loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))
        variables = model.trainable_variables
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return {"loss": loss}
    return {"model": model, "optimizer": optimizer.checkpointable()}, step
