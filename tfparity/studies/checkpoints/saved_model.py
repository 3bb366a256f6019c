"""The resumed TF2 convnet exported with ``tf.saved_model.save`` and a serving signature; a fresh
process loads it and predicts the test images, to compare with the TF1 Session's predictions."""
import os

import numpy as np

from tfparity.core import fresh

EVAL_BATCH = 1000  # test images per call, as the twins evaluate


def export(net, model, folder):
    """``net`` (a tf.Module) with ``serving_default``: images [None, 784] -> {"logits"}."""
    import tensorflow as tf

    @tf.function(input_signature=[tf.TensorSpec([None, 784], tf.float32, name="images")])
    def serve(images):
        return {"logits": model(images, None, net)}
    path = os.path.join(folder, "saved_model")
    tf.saved_model.save(net, path, signatures={"serving_default": serve})
    return path


def predict(path, settings):
    """In a fresh process: the saved model's predicted class for every test image."""
    import tensorflow as tf

    from shared_data.convnet import make_inputs
    serve = tf.saved_model.load(path).signatures["serving_default"]
    test_x = make_inputs(**settings)["test_x"]
    return np.concatenate([np.argmax(serve(images=tf.constant(test_x[i:i + EVAL_BATCH]))["logits"].numpy(), 1)
                           for i in range(0, len(test_x), EVAL_BATCH)])


def compare_saved(path, tf1_predictions, settings):
    loaded = np.asarray(fresh.call("tfparity.studies.checkpoints.saved_model:predict", {"path": path, "settings": settings}))
    return {"test_images": len(tf1_predictions), "same_predictions": int(np.sum(loaded == tf1_predictions))}
