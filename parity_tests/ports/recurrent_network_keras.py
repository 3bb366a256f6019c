"""A TF2 port of TensorFlow-Examples' recurrent_network.py (parity_tests/legacy_corpus/) with stock
Keras 3 layers, as a migrating engineer writes one: ``keras.layers.LSTM`` for ``BasicLSTMCell`` under
``static_rnn`` (the image's rows as time steps), a dense head on its last output, TF1's gradient
descent from tfparity.port. Keras's LSTM is other arithmetic than TF1's cell (two products x W + h U
for one on [x, h], gates i, f, c, o for i, j, f, o, forget_bias folded into the bias): the replay
carries the TF1 cell's weights in and out through ``tfparity.port.rnn_cells``, and the difference is
a reformulation, measured and confirmed in float64:

    tfparity record --strict --out FILE -- parity_tests/legacy_corpus/recurrent_network.py
    tfparity check --recording FILE --tf2 parity_tests/ports/recurrent_network_keras.py:make_port \\
        --write-bound BOUNDS --reformulated "Keras's LSTM: x W + h U, forget_bias folded"
    tfparity check --recording FILE --tf2 parity_tests/ports/recurrent_network_keras.py:make_port --tolerances BOUNDS
"""
import keras
import tensorflow as tf

from tfparity.port import optimizers
from tfparity.port.keras_layers import TF1Dense

LEARNING_RATE = 0.001  # the original's
NUM_INPUT, TIMESTEPS, NUM_HIDDEN, NUM_CLASSES = 28, 28, 128, 10  # an image's rows as time steps, as the original


def make_port(dtype=None):
    dtype = dtype or "float32"
    # Any initial values do: the replay gives the variables the TF1 run's own. The head adds its bias
    # with TF1's `+` (TF1Dense), as the original's `tf.matmul(outputs[-1], W) + b`.
    model = keras.Sequential([keras.Input((TIMESTEPS, NUM_INPUT), dtype=dtype),
                              keras.layers.LSTM(NUM_HIDDEN, dtype=dtype),
                              TF1Dense(NUM_CLASSES, dtype=dtype)])
    optimizer = optimizers.GradientDescent(learning_rate=LEARNING_RATE)
    optimizer.build(model.trainable_variables)

    def step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x)
            loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))
        variables = model.trainable_variables
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return {"loss": loss}
    return {"model": model, "optimizer": optimizer.checkpointable()}, step
