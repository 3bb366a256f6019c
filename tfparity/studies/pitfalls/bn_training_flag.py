"""Pitfall: the training flag forgotten. TF1 programs feed an ``is_training`` placeholder; in TF2 a
Keras layer called without ``training=True`` (a custom loop's ``model(x)``) runs in inference
mode (keras/src/layers/layer.py, ``Layer.__call__``: training resolves to False outside fit):
batch norm normalizes by the moving statistics, which it never updates, so the loss is another
function and the moving statistics stay at their initial values. TF1's placeholder fed False at
train time is the same slip."""
import numpy as np

from tfparity.studies.pitfalls.batch_norm_runs import batch, keras_layer, tf1_layer, ulp


def measure():
    x = batch()
    trained, variables = tf1_layer(x)
    frozen, frozen_variables = tf1_layer(x, is_training=False)
    out, mean, _ = keras_layer(x, training=True)
    forgotten, forgotten_mean, _ = keras_layer(x, training=None)
    return {"TF1 is_training fed True: output's largest |value|": float(f"{np.abs(trained).max():.3g}"),
            "TF1 is_training fed False: output against fed True, in ULP": ulp(trained, frozen),
            "TF1 is_training fed False: moving mean's largest |value| after the step":
                float(np.abs(frozen_variables["moving_mean"]).max()),
            "Keras 3 BatchNormalization(x, training=True): output against TF1's, in ULP": ulp(trained, out),
            "Keras 3 BatchNormalization(x) (training forgotten): output against TF1's, in ULP": ulp(trained, forgotten),
            "Keras 3 BatchNormalization(x) (training forgotten): moving mean's largest |value| after the call":
                float(np.abs(forgotten_mean).max()),
            "Keras 3 training=True: moving mean's largest |value| after the call": float(f"{np.abs(mean).max():.3g}"),
            "TF1 fed True: moving mean's largest |value| after the step":
                float(f"{np.abs(variables['moving_mean']).max():.3g}")}
