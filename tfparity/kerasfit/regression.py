"""The cookbook regression as a Keras 3 model trained by ``fit``: one weight A (``Scale``), one
sample a step in the shared schedule's order, TF1's GradientDescent rule as a Keras optimizer;
after each step the callback reads A and that sample's loss, as the recipe prints them."""
import keras
import numpy as np

from shared_data.regression import make_inputs
from tfparity import keras_optimizers, optimizers
from tfparity.keras_layers import Scale
from tfparity.kerasfit.fitting import fit

SETTINGS = {}  # the recipe's own run: every step
FIELDS = ("A", "loss")
LOSSES = {"l2": keras.losses.MeanSquaredError, "l1": keras.losses.MeanAbsoluteError}


def run(seed=0, optimizer="tf1"):
    inputs = make_inputs(seed, **SETTINGS)
    model = keras.Sequential([keras.Input((1,)), Scale()])
    model.layers[0].set_weights([inputs["A0"]])
    x, y = inputs["x"][inputs["schedule"]].reshape(-1, 1), inputs["y"][inputs["schedule"]].reshape(-1, 1)
    loss = LOSSES[inputs["loss"]]()
    rate = inputs["learning_rate"]
    rule = keras_optimizers.wrap(optimizers.GradientDescent(rate)) if optimizer == "tf1" else keras.optimizers.SGD(rate)

    def after_step(net, logs):
        step = len(after_step.seen)
        after_step.seen.append(step)
        return {"A": np.float32(net.layers[0].A.numpy()[0]),
                "loss": np.float32(loss(y[step:step + 1], net(x[step:step + 1])))}
    after_step.seen = []
    return inputs, fit(model, rule, loss, x, y, 1, 1, after_step)
