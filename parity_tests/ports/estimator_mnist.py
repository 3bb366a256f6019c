"""A Keras 3 port of parity_tests/record_cases/estimator_mnist.py, an Estimator program (model_fn,
numpy_input_fn, train_and_evaluate, a SessionRunHook logging the loss), written as a migrating
engineer writes one: the model_fn's layers as a keras.Sequential, EstimatorSpec's loss and train_op
as ``compile``, ``train_and_evaluate`` as ``fit`` and ``evaluate``, the hook as a Keras callback,
Estimator's global_step as the optimizer's ``iterations``, its model_dir checkpoints as a
``tf.train.Checkpoint`` of the model and the optimizer (``checkpoint_roots``; ESTIMATOR_MAP carries
Estimator's own into it: ``tfparity checkpoint convert --map``). TF1's Adam is
``tfparity.port.optimizers.Adam`` wrapped as a Keras optimizer (Keras's own Adam is not TF1's rule:
docs/false_friends.md). Each training run's batch is the one Estimator's input queue gave it (the
recording's dequeued tensors: the row indices, the images, the labels); ``step`` runs ``fit`` on it,
one batch, so the replay sets the state before every step. Recorded on TensorFlow 2.15, checked here:

    tfparity record --runtime 2.15 --strict --steps 3 --out FILE -- parity_tests/record_cases/estimator_mnist.py \\
        --model_dir DIR --train_steps 3 --batch_size 8 --hidden_units 8
    tfparity check --recording FILE --tf2 parity_tests/ports/estimator_mnist.py:make_port \\
        --map parity_tests/ports/estimator_mnist.map.json
"""
import keras
import numpy as np

from tfparity.port import keras_optimizers, keras_trace, optimizers

LEARNING_RATE = 0.001  # the program's --learning_rate default
HIDDEN_UNITS, BATCH_SIZE = 8, 8  # --hidden_units and --batch_size as recorded (the program's defaults, 128 and 100, make a larger recording)
NUM_INPUT, NUM_CLASSES = 784, 10  # MNIST's flattened images and classes
LOSS = "sparse_softmax_cross_entropy_loss/value"  # the TF1 tensor the hook logged (tf.losses' name for it)


class LossLogger(keras.callbacks.Callback):
    """The SessionRunHook's counterpart: the loss of every training step, with the step counted as
    Estimator's global_step is (the optimizer's ``iterations``, carried by the checkpoint), appended
    to ``logged`` as (step, loss); printed as the hook printed it when ``show``."""

    def __init__(self, logged, show=False):
        super().__init__()
        self.logged, self.show = logged, show

    def on_train_batch_end(self, batch, logs=None):
        step, loss = int(self.model.optimizer.iterations.numpy()), np.float32(logs["batch_loss"])
        self.logged.append((step, loss))
        if self.show:
            print("step %d: loss %.6f" % (step, loss))


def make_model(dtype="float32", learning_rate=LEARNING_RATE):
    """The model_fn as a compiled Keras model, its optimizer's slots made (a checkpoint restores into them)."""
    model = keras.Sequential([keras.Input((NUM_INPUT,), dtype=dtype),
                              keras.layers.Dense(HIDDEN_UNITS, activation="relu", dtype=dtype),
                              keras.layers.Dense(NUM_CLASSES, dtype=dtype)])
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer=keras_optimizers.wrap(optimizers.Adam(learning_rate)), loss=loss,
                  metrics=[keras_trace.BatchLoss(loss), keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    model.optimizer.build(model.trainable_variables)
    return model


def checkpoint_roots(model):
    """What ``tf.train.Checkpoint(**roots)`` saves: the model's two layers, named as the TF1 scopes
    their variables had, and its optimizer (iterations, TF1's slots and beta powers)."""
    hidden, logits = model.layers
    return {"dense": hidden, "dense_1": logits, "optimizer": model.optimizer}


def train_step(model, images, labels, logged, show=False):
    """One training step of the Estimator's loop: ``fit`` on the batch its input queue gave."""
    model.fit(images, labels, batch_size=int(images.shape[0]), epochs=1, shuffle=False, verbose=0,
              callbacks=[LossLogger(logged, show)])
    return logged[-1][1]


def make_port(dtype=None):
    model = make_model(dtype or "float32")
    logged = []

    def step(index, images, labels):
        return {LOSS: train_step(model, images, labels, logged)}
    return checkpoint_roots(model), step


def fresh_roots():
    """``checkpoint_roots`` of a new model: what ``tfparity checkpoint convert --verify`` restores into."""
    return checkpoint_roots(make_model())


def evaluate(model, datasets):
    """The EvalSpec's evaluation: the test set (input_data's), one pass in the training batch size,
    as numpy_input_fn(num_epochs=1, shuffle=False) gave it; {"accuracy": ..., "loss": ...}."""
    return model.evaluate(datasets.test.images, datasets.test.labels.astype("int32"), batch_size=BATCH_SIZE,
                          verbose=0, return_dict=True)
