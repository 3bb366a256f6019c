"""A Keras 3 port of the TF 1.x tutorial "A Guide to TF Layers" (parity_tests/record_cases/cnn_mnist.py,
vendored from tensorflow/tensorflow): its Estimator's cnn_model_fn as a keras.Sequential of the same
layers, dropout included, trained by ``fit`` one batch a step (the batch Estimator's input queue
gave: the recording's dequeued tensors), TF1's gradient descent from tfparity.port inside ``fit``,
the batch's loss logged by a callback as the tutorial's hooks logged theirs. The tutorial's
model_dir is fixed (/tmp/mnist_convnet_model): a second run resumes from the first's checkpoint.

    tfparity record --runtime 2.15 --strict --steps 2 --stop --out FILE -- parity_tests/record_cases/cnn_mnist.py
    tfparity check --recording FILE --tf2 parity_tests/ports/cnn_mnist.py:make_port
"""
import keras

from tfparity.port import keras_optimizers, keras_trace, optimizers

LEARNING_RATE, DROPOUT = 0.001, 0.4  # the tutorial's
LOSS = "sparse_softmax_cross_entropy_loss/value"  # the TF1 tensor of the loss (tf.losses' name for it)


def make_port(dtype=None):
    dtype = dtype or "float32"
    layers = keras.layers
    model = keras.Sequential([
        keras.Input((28 * 28,), dtype=dtype), layers.Reshape((28, 28, 1), dtype=dtype),
        layers.Conv2D(32, 5, padding="same", activation="relu", dtype=dtype), layers.MaxPooling2D(2, 2, dtype=dtype),
        layers.Conv2D(64, 5, padding="same", activation="relu", dtype=dtype), layers.MaxPooling2D(2, 2, dtype=dtype),
        layers.Reshape((7 * 7 * 64,), dtype=dtype), layers.Dense(1024, activation="relu", dtype=dtype),
        layers.Dropout(DROPOUT, dtype=dtype), layers.Dense(10, dtype=dtype)])
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer=keras_optimizers.wrap(optimizers.GradientDescent(LEARNING_RATE)), loss=loss,
                  metrics=[keras_trace.BatchLoss(loss)])
    model.optimizer.build(model.trainable_variables)
    trace = {}

    def step(index, images, labels):
        model.fit(images, labels, batch_size=int(images.shape[0]), epochs=1, shuffle=False, verbose=0,
                  callbacks=[keras_trace.Trace(trace)])
        return {LOSS: trace["loss"][-1]}
    return {"model": model, "optimizer": model.optimizer}, step
