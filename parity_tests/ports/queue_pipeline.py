"""A TF2 port of parity_tests/record_cases/queue_pipeline.py: the batch its queue gave each training run
comes in as the step's arguments (the recording's dequeued tensors), as a tf.data pipeline would give it."""
import tensorflow as tf

from tfparity.port import optimizers

LEARNING_RATE = 0.5  # the original's


def make_port(dtype=None):
    w = tf.Variable(tf.zeros([3, 1], dtype or tf.float32), name="w")
    optimizer = optimizers.GradientDescent(LEARNING_RATE)

    def step(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))
        optimizer.apply_gradients([(tape.gradient(loss, w), w)])
        return {"Mean": loss}
    return {"w": w}, step
