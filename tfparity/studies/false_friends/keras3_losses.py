"""The TF2 side of the losses: the Keras 3 namesake, the closest Keras setting, and TF1's
computation written out in TF2 ops (tf1.losses reduce by SUM_BY_NONZERO_WEIGHTS: the weighted
sum over every element, divided by the number of elements whose weight is not zero)."""
import keras
import numpy as np
import tensorflow as tf


def sum_by_nonzero_weights(losses, weights=1.0):
    """TF1's default reduction: sum(losses · weights) / count of nonzero broadcast weights."""
    weights = tf.cast(weights, tf.float32)
    present = tf.broadcast_to(tf.where(tf.equal(weights, 0.0), tf.zeros_like(weights), tf.ones_like(weights)),
                              tf.shape(losses))
    return tf.math.divide_no_nan(tf.reduce_sum(losses * weights), tf.reduce_sum(present))


def smoothed_binary(labels, s):
    return labels * (1 - s) + 0.5 * s


def smoothed_onehot(labels, s):
    return labels * (1.0 - s) + s / tf.cast(tf.shape(labels)[-1], tf.float32)


def _masked_mse_sum(b):
    rows = tf.math.count_nonzero(b["mask"], dtype=tf.float32)
    return keras.losses.MeanSquaredError(reduction="sum")(b["targets"], b["logits"], sample_weight=b["mask"]) / rows


# TF1 loss name -> {"naive": (label, fn), "matched": (label, fn) or absent, "exact": (label, fn)}.
LOSSES = {
    "tf1.losses.mean_squared_error": {
        "naive": ("keras.losses.MeanSquaredError()",
                  lambda b: keras.losses.MeanSquaredError()(b["targets"], b["logits"])),
        "exact": ("sum_by_nonzero_weights(tf.math.squared_difference(p, t))",
                  lambda b: sum_by_nonzero_weights(tf.math.squared_difference(b["logits"], b["targets"]))),
    },
    "tf1.losses.mean_squared_error, weights=mask": {
        "naive": ("keras.losses.MeanSquaredError()(t, p, sample_weight=mask)",
                  lambda b: keras.losses.MeanSquaredError()(b["targets"], b["logits"], sample_weight=b["mask"])),
        "matched": ("MeanSquaredError(reduction=\"sum\")(…, sample_weight=mask) / count_nonzero(mask)",
                    _masked_mse_sum),
        "exact": ("sum_by_nonzero_weights(tf.math.squared_difference(p, t), mask)",
                  lambda b: sum_by_nonzero_weights(tf.math.squared_difference(b["logits"], b["targets"]), b["mask"])),
    },
    "tf1.nn.softmax_cross_entropy_with_logits (v1)": {
        "naive": ("tf.nn.softmax_cross_entropy_with_logits (v2)", lambda b: tf.reduce_mean(
            tf.nn.softmax_cross_entropy_with_logits(labels=b["labels"], logits=b["logits"]))),
        "exact": ("the same with labels=tf.stop_gradient(labels)", lambda b: tf.reduce_mean(
            tf.nn.softmax_cross_entropy_with_logits(labels=tf.stop_gradient(b["labels"]), logits=b["logits"]))),
    },
    "tf1.losses.sigmoid_cross_entropy, label_smoothing": {
        "naive": ("keras.losses.BinaryCrossentropy(from_logits=True, label_smoothing=s)",
                  lambda b: keras.losses.BinaryCrossentropy(from_logits=True, label_smoothing=b["label_smoothing"])(
                      b["binary"], b["logits"])),
        "exact": ("sum_by_nonzero_weights(sigmoid_cross_entropy_with_logits(labels·(1−s) + s/2, logits))",
                  lambda b: sum_by_nonzero_weights(tf.nn.sigmoid_cross_entropy_with_logits(
                      labels=smoothed_binary(b["binary"], b["label_smoothing"]), logits=b["logits"]))),
    },
    "tf1.losses.softmax_cross_entropy, label_smoothing": {
        "naive": ("keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=s)",
                  lambda b: keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=b["label_smoothing"])(
                      b["labels"], b["logits"])),
        "exact": ("sum_by_nonzero_weights(softmax_cross_entropy_with_logits(stop_gradient(smoothed), logits))",
                  lambda b: sum_by_nonzero_weights(tf.nn.softmax_cross_entropy_with_logits(
                      labels=tf.stop_gradient(smoothed_onehot(b["labels"], b["label_smoothing"])), logits=b["logits"]))),
    },
}


def evaluate_loss(fn, label_key, batch, function=True):
    """The loss, its gradient into the logits (predictions) and into the labels (``label_key``);
    in a tf.function by default, so that graph rewrites apply as they do to the TF1 Session."""

    def value_and_grads(tensors):
        with tf.GradientTape() as tape:
            tape.watch([tensors["logits"], tensors[label_key]])
            loss = fn(tensors)
        return [loss] + tape.gradient(loss, [tensors["logits"], tensors[label_key]],
                                      unconnected_gradients=tf.UnconnectedGradients.ZERO)

    tensors = {k: tf.constant(v) if isinstance(v, np.ndarray) else v for k, v in batch.items()}
    loss, grad_logits, grad_labels = (tf.function(value_and_grads) if function else value_and_grads)(tensors)
    return {"value": np.array([loss.numpy()]), "grad_logits": grad_logits.numpy()[np.newaxis],
            "grad_labels": grad_labels.numpy()[np.newaxis]}
