"""The convnet as a Keras 3 model trained by ``fit``: standard Conv2D and MaxPooling2D layers (their
bias add is ``tf.nn.bias_add``, as the TF1 twin's), TF1Dense for the dense layers (the twin adds
with ``+``), the shared dropout masks as a second input, TF1's Adam rule as a Keras optimizer
(or Keras 3's Adam with TF1's epsilon, a measured false friend)."""
import keras
import numpy as np

from shared_data.convnet import SHAPES, make_inputs
from tfparity import keras_optimizers, optimizers
from tfparity.keras_layers import TF1Dense
from tfparity.kerasfit.fitting import fit

SETTINGS = {"epochs": 1, "train_size": 1_000, "test_size": 100}  # one short epoch: 20 updates
LAYERS = ("conv1", "conv2", "fc1", "fc2")
FIELDS = ("loss",) + tuple(f"{layer}.{kind}" for layer in LAYERS for kind in ("weights", "biases"))


def model():
    images, mask = keras.Input((784,)), keras.Input((SHAPES["fc1/biases"][0],))
    x = keras.layers.Reshape((28, 28, 1))(images)
    for name in LAYERS[:2]:
        x = keras.layers.Conv2D(SHAPES[f"{name}/biases"][0], 5, padding="same", activation="relu", name=name)(x)
        x = keras.layers.MaxPooling2D(2, padding="same")(x)
    hidden = TF1Dense(SHAPES["fc1/biases"][0], activation="relu", name="fc1")(keras.layers.Flatten()(x))
    logits = TF1Dense(10, name="fc2")(keras.layers.Multiply()([hidden, mask]))
    return keras.Model([images, mask], logits)


def run(seed=0, optimizer="tf1"):
    inputs = make_inputs(seed, **SETTINGS)
    net = model()
    for name in LAYERS:
        net.get_layer(name).set_weights([inputs[f"{name}/weights"], inputs[f"{name}/biases"]])
    rate = inputs["learning_rate"]
    rule = keras_optimizers.wrap(optimizers.Adam(rate)) if optimizer == "tf1" else keras.optimizers.Adam(rate, epsilon=1e-8)
    order = [np.concatenate(inputs["schedule"][e]) for e in range(SETTINGS["epochs"])]
    x = [np.concatenate([inputs["train_x"][o] for o in order]), np.concatenate(
        [np.concatenate(inputs["keep_masks"][e]) for e in range(SETTINGS["epochs"])])]
    y = np.concatenate([inputs["train_y"][o] for o in order])
    trace = fit(net, rule, keras.losses.CategoricalCrossentropy(from_logits=True), x, y,
                len(inputs["schedule"][0][0]), SETTINGS["epochs"], lambda m, logs: {"loss": np.float32(logs["batch_loss"])})
    final = {f"{name}.{kind}": value[np.newaxis] for name in LAYERS
             for kind, value in zip(("weights", "biases"), net.get_layer(name).get_weights())}
    return inputs, dict(trace, **final)
