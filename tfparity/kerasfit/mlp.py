"""The MLP as a Keras 3 model trained by ``fit``: two TF1Dense layers (the TF1 twin adds its biases
with ``+``), initial values from shared_data, TF1's GradientDescent rule as a Keras optimizer,
the learning rate of each epoch as the twin's."""
import keras
import numpy as np

from shared_data.mlp import make_inputs
from tfparity import keras_optimizers, optimizers
from tfparity.keras_layers import TF1Dense
from tfparity.kerasfit.fitting import fit, ordered

SETTINGS = {"epochs": 1, "train_size": 10_000, "test_size": 1_000}  # one epoch: 313 updates
FIELDS = ("loss", "W1", "b1", "W2", "b2")  # compared with the TF1 twin's run


def run(seed=0, optimizer="tf1", dense=TF1Dense):
    inputs = make_inputs(seed, **SETTINGS)
    if len(set(inputs["learning_rates"])) != 1:
        raise ValueError("one learning rate for every epoch: fit's optimizer keeps one")
    model = keras.Sequential([keras.Input((784,)), dense(15, activation="sigmoid"), dense(10)])
    model.layers[0].set_weights([inputs["W1"], inputs["b1"]])
    model.layers[1].set_weights([inputs["W2"], inputs["b2"]])
    rate = float(inputs["learning_rates"][0])
    rule = keras_optimizers.wrap(optimizers.GradientDescent(rate)) if optimizer == "tf1" else keras.optimizers.SGD(rate)
    batch = len(inputs["schedule"][0][0])
    trace = fit(model, rule, keras.losses.CategoricalCrossentropy(from_logits=True),
                ordered(inputs, "train_x", SETTINGS["epochs"]), ordered(inputs, "train_y", SETTINGS["epochs"]),
                batch, SETTINGS["epochs"], lambda m, logs: {"loss": np.float32(logs["batch_loss"])})
    weights = dict(zip(("W1", "b1", "W2", "b2"), model.get_weights()))
    return inputs, dict(trace, **{k: np.asarray(v)[np.newaxis] for k, v in weights.items()})
