"""A TF2 port of TensorFlow-Examples' bidirectional_rnn.py (parity_tests/legacy_corpus/) with stock
Keras 3 layers: ``keras.layers.Bidirectional(keras.layers.LSTM(...))`` for two ``BasicLSTMCell`` under
``static_bidirectional_rnn``, a dense head on the last time step's output. That output is not what
``Bidirectional`` returns by default: TF1's ``outputs[-1]`` joins the forward cell's last output with
the backward cell's output *at the last time step*, its first step over the reversed sequence; Keras's
``return_sequences=False`` gives the backward cell's last step (over the whole sequence). With
``return_sequences=True`` Keras puts the backward outputs back in time order, so ``[:, -1]`` is TF1's.
"""
import keras
import tensorflow as tf

from tfparity.port import optimizers
from tfparity.port.keras_layers import TF1Dense

LEARNING_RATE = 0.001  # the original's
NUM_INPUT, TIMESTEPS, NUM_HIDDEN, NUM_CLASSES = 28, 28, 128, 10  # the original's
# TF1's outputs[-1]: the outputs in time order, the last one (False: Keras's default output, each
# direction's last step, the slip parity_tests/test_replay_keras_rnn.py plants).
RETURN_SEQUENCES = True


def make_port(dtype=None):
    dtype = dtype or "float32"
    rnn = keras.layers.Bidirectional(keras.layers.LSTM(NUM_HIDDEN, return_sequences=RETURN_SEQUENCES, dtype=dtype), dtype=dtype)
    head = TF1Dense(NUM_CLASSES, dtype=dtype)  # the original's tf.matmul(outputs[-1], W) + b
    rnn.build((None, TIMESTEPS, NUM_INPUT))
    head.build((None, 2 * NUM_HIDDEN))
    variables = [*rnn.trainable_variables, *head.trainable_variables]
    optimizer = optimizers.GradientDescent(learning_rate=LEARNING_RATE)
    optimizer.build(variables)

    def step(x, y):
        with tf.GradientTape() as tape:
            outputs = rnn(x)
            logits = head(outputs[:, -1] if RETURN_SEQUENCES else outputs)
            loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return {"loss": loss}
    return {"rnn": rnn, "head": head, "optimizer": optimizer.checkpointable()}, step
