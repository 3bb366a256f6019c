"""What every Keras stage shares: ``model.fit`` over the shared schedule, one batch a step in the
schedule's order (an already-ordered array, ``shuffle=False``), with a metric that keeps the last
batch's loss and a callback that records it, so the trace is the twins' per-step trace."""
import keras
import numpy as np


class BatchLoss(keras.metrics.Metric):
    """The loss of the last batch, computed by ``loss`` from fit's own forward pass (a Keras
    metric's result is otherwise a running mean, as fit's reported loss is)."""

    def __init__(self, loss, name="batch_loss"):
        super().__init__(name=name)
        self.loss, self.value = loss, self.add_variable(shape=(), initializer="zeros", name="value")

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.value.assign(self.loss(y_true, y_pred))

    def result(self):
        return self.value


class Trace(keras.callbacks.Callback):
    """``on_step(model, logs)`` after every batch and ``on_epoch(model)`` after every epoch, each
    returning {field: value} appended to the trace."""

    def __init__(self, on_step, on_epoch=None):
        super().__init__()
        self.on_step, self.on_epoch, self.trace = on_step, on_epoch, {}

    def _add(self, values):
        for field, value in values.items():
            self.trace.setdefault(field, []).append(value)

    def on_train_batch_end(self, batch, logs=None):
        self._add(self.on_step(self.model, logs))

    def on_epoch_end(self, epoch, logs=None):
        if self.on_epoch:
            self._add(self.on_epoch(self.model))


def fit(model, optimizer, loss, x, y, batch_size, epochs, on_step, on_epoch=None):
    """Compile (no XLA: jit_compile left "auto", False on a CPU-only machine) and fit; the trace."""
    model.compile(optimizer=optimizer, loss=loss, metrics=[BatchLoss(loss)])
    trace = Trace(on_step, on_epoch)
    model.fit(x, y, batch_size=batch_size, epochs=epochs, shuffle=False, verbose=0, callbacks=[trace])
    return {field: np.array(values) for field, values in trace.trace.items()}


def ordered(inputs, key, epochs):
    """The rows of ``inputs[key]`` in the schedule's order, every epoch after the other."""
    return np.concatenate([inputs[key][np.concatenate(inputs["schedule"][e])] for e in range(epochs)])
