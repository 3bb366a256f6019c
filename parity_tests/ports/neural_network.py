"""A Keras 3 port of TensorFlow-Examples' neural_network.py (parity_tests/legacy_corpus/), an Estimator
program (model_fn, numpy_input_fn, train), written as a migrating engineer writes one: a
keras.Sequential of three Dense layers, the loss and the update in a custom step, TF1's gradient
descent from tfparity.port, and the step count Estimator kept as global_step. Each training run's batch
is the one Estimator's input queue gave it (the recording's dequeued tensors: the row indices, the
images, the labels). Recorded on TensorFlow 2.15, checked here:

    tfparity record --runtime 2.15 --strict --steps 3 --stop --out FILE -- parity_tests/legacy_corpus/neural_network.py
    tfparity check --recording FILE --tf2 parity_tests/ports/neural_network.py:make_port
"""
import keras
import tensorflow as tf

from tfparity.port import optimizers

LEARNING_RATE = 0.1  # the original's
NUM_INPUT, HIDDEN, NUM_CLASSES = 784, 256, 10  # the original's layer sizes


def make_port(dtype=None):
    dtype = dtype or "float32"
    model = keras.Sequential([keras.Input((NUM_INPUT,), dtype=dtype),
                              *[keras.layers.Dense(units, dtype=dtype) for units in (HIDDEN, HIDDEN, NUM_CLASSES)]])
    global_step = tf.Variable(0, dtype=tf.int64, trainable=False, name="global_step")
    optimizer = optimizers.GradientDescent(LEARNING_RATE)

    def step(index, images, labels):
        with tf.GradientTape() as tape:
            logits = model(images)
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
                labels=tf.cast(labels, tf.int32), logits=logits))
        variables = model.trainable_variables
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        global_step.assign_add(1)
        return {"Mean": loss}
    return {"model": model, "global_step": global_step}, step
