"""What a Keras 3 ``fit`` port needs to be compared step by step with its TF1 program: the loss of
each batch (``fit`` reports a running mean) and a callback that records it, as the TF1 loop did.

    loss = keras.losses.CategoricalCrossentropy(from_logits=True)
    model.compile(optimizer=..., loss=loss, metrics=[BatchLoss(loss)])
    trace = {"loss": []}
    model.fit(batches, epochs=E, steps_per_epoch=S, callbacks=[Trace(trace)])
"""
import keras
import numpy as np


class BatchLoss(keras.metrics.Metric):
    """The loss of the last batch, computed by ``loss`` from fit's own forward pass (any Keras
    metric's result is otherwise a mean over the epoch so far, as fit's reported loss is)."""

    def __init__(self, loss, name="batch_loss"):
        super().__init__(name=name)
        self.loss, self.value = loss, self.add_variable(shape=(), initializer="zeros", name="value")

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.value.assign(self.loss(y_true, y_pred))

    def result(self):
        return self.value


class BatchValue(keras.metrics.Metric):
    """``value(y_true, y_pred)`` of the last batch, kept whole (of ``shape`` and ``dtype``) in
    ``self.value``, for a callback to read: e.g. the labels fit fed, ``lambda y, _: y``."""

    def __init__(self, value, shape, dtype="float32", name="batch_value"):
        super().__init__(name=name)
        self.compute, self.value = value, self.add_variable(shape=shape, initializer="zeros", dtype=dtype, name="value")

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.value.assign(self.compute(y_true, y_pred))

    def result(self):
        return 0.0  # the value is read from ``self.value``: fit's logs keep scalars


class Seen(keras.layers.Layer):
    """The identity, keeping the last batch it saw in training in ``self.seen`` (of ``shape`` and
    ``dtype``), for a callback to read: what fit fed the model, put after its input."""

    def __init__(self, shape, dtype="float32", **kwargs):
        super().__init__(dtype=dtype, **kwargs)
        self.seen = self.add_weight(shape=shape, initializer="zeros", dtype=dtype, trainable=False, name="seen")

    def call(self, inputs, training=False):
        if training:
            self.seen.assign(inputs)
        return inputs


class Trace(keras.callbacks.Callback):
    """Appends to ``trace`` what ``after_step(step, logs)`` returns ({field: value}) after every
    batch, steps counted from 0 across epochs; by default the batch's loss as BatchLoss logs it.
    ``after_epoch(epoch)`` (counted from 1), if given, is called after every epoch."""

    def __init__(self, trace, after_step=None, after_epoch=None):
        super().__init__()
        self.trace, self.after_step, self.after_epoch, self.step = trace, after_step, after_epoch, 0

    def on_train_batch_end(self, batch, logs=None):
        values = self.after_step(self.step, logs) if self.after_step else {"loss": np.float32(logs["batch_loss"])}
        for field, value in values.items():
            self.trace.setdefault(field, []).append(value)
        self.step += 1

    def on_epoch_end(self, epoch, logs=None):
        if self.after_epoch:
            self.after_epoch(epoch + 1)
