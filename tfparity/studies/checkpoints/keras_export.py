"""The MLP's TF1 checkpoint into a Keras 3 model (standard Dense layers), saved as ``.keras`` and
``.weights.h5``; a fresh process loads each file and predicts the test images, to compare with
the TF1 Session's logits at the moment it saved."""
import os

import numpy as np

from tfparity.checkpoint import convert as checkpoints
from tfparity.core import fresh

PARAMS = ("W1", "b1", "W2", "b2")  # the TF1 twin's variables, in the order of the Keras weights


def keras_model():
    import keras
    return keras.Sequential([keras.Input((784,)), keras.layers.Dense(15, activation="sigmoid", name="hidden"),
                             keras.layers.Dense(10, name="logits")])


def export(inputs, tf1_prefix, folder):
    """Convert by the map read off the model (each weight's path, in TF1's order), restore, save."""
    import tensorflow as tf
    model = keras_model()
    path_of = {id(var): path for path, var in checkpoints.paths({"model": model}).items()}
    mapping = {name: path_of[id(var)] for name, var in zip(PARAMS, model.weights)}
    prefix = os.path.join(folder, "keras")
    checkpoints.convert(tf1_prefix, prefix, mapping, into={"model": model})
    tf.train.Checkpoint(model=model).restore(prefix).assert_existing_objects_matched()
    files = {"keras": os.path.join(folder, "mlp.keras"), "weights.h5": os.path.join(folder, "mlp.weights.h5")}
    model.save(files["keras"])
    model.save_weights(files["weights.h5"])
    return {"map": mapping, "files": files}


def predict(path, settings):
    """In a fresh process: the test images' logits of the saved model (``.keras`` whole, or
    ``.weights.h5`` into a newly built model)."""
    import keras

    from shared_data.mlp import make_inputs
    inputs = make_inputs(**settings)
    if path.endswith(".keras"):
        model = keras.models.load_model(path)
    else:
        model = keras_model()
        model.load_weights(path)
    return model.predict(inputs["test_x"], batch_size=len(inputs["test_x"]), verbose=0)


def compare_saved(exported, tf1_logits, settings):
    """Per saved file: how many test predictions equal the Session's, and the logits' distance;
    ``settings`` are the make_inputs arguments that gave the test images."""
    from tfparity.core.compare import compare
    result = {"map": exported["map"], "test_images": len(tf1_logits)}
    for kind, path in exported["files"].items():
        logits = np.asarray(fresh.call("tfparity.studies.checkpoints.keras_export:predict", {"path": path, "settings": settings}),
                            np.float32)
        result[kind] = {"same_predictions": int(np.sum(logits.argmax(1) == tf1_logits.argmax(1))),
                        "logits": str(compare({"logits": tf1_logits[np.newaxis]}, {"logits": logits[np.newaxis]}))}
    return result
