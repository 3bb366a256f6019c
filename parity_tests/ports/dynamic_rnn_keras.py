"""A TF2 port of TensorFlow-Examples' dynamic_rnn.py (parity_tests/legacy_corpus/) with stock Keras 3
layers: ``keras.layers.LSTM`` for ``BasicLSTMCell`` under ``static_rnn(..., sequence_length=seqlen)``,
the sequence lengths as the layer's mask. TF1 returns zeros past a sequence's end and carries the
state, and the original gathers each sequence's output at its length - 1; Keras's LSTM with a mask
returns the output at the last step the mask keeps, the same value. The cell's weights go in and out
through ``tfparity.port.rnn_cells`` in the replay; the LSTM's arithmetic is a reformulation.
"""
import keras
import tensorflow as tf

from tfparity.port import optimizers
from tfparity.port.keras_layers import TF1Dense

LEARNING_RATE = 0.01  # the original's
SEQ_MAX_LEN, N_HIDDEN, N_CLASSES = 20, 64, 2  # the original's


def make_port(dtype=None):
    dtype = dtype or "float32"
    lstm = keras.layers.LSTM(N_HIDDEN, dtype=dtype)
    head = TF1Dense(N_CLASSES, dtype=dtype)  # the original's tf.matmul(outputs, W) + b
    lstm.build((None, SEQ_MAX_LEN, 1))
    head.build((None, N_HIDDEN))
    optimizer = optimizers.GradientDescent(learning_rate=LEARNING_RATE)
    variables = [*lstm.trainable_variables, *head.trainable_variables]
    optimizer.build(variables)

    def step(x, y, seqlen):
        with tf.GradientTape() as tape:
            logits = head(lstm(x, mask=tf.sequence_mask(seqlen, SEQ_MAX_LEN)))
            loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return {"loss": loss}
    return {"lstm": lstm, "head": head, "optimizer": optimizer.checkpointable()}, step
