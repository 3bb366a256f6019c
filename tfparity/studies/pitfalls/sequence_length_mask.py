"""Pitfall: TF1's ``dynamic_rnn(..., sequence_length=lengths)`` returns zeros past each sequence's end
and carries its state from its last step (tensorflow/python/ops/rnn.py, ``dynamic_rnn`` and
``_rnn_step``); Keras 3 has no sequence_length: a mask (``tf.sequence_mask(lengths, time)``) skips the
steps past the end, and with ``return_sequences=True`` what it returns there is measured here
(keras/src/layers/rnn/rnn.py, ``RNN.__init__``'s ``zero_output_for_mask``, False by default)."""
import numpy as np

from tfparity.port import rnn_cells
from tfparity.studies.pitfalls import rnn_runs

# One sequence of each kind: whole, two past the middle, one step, and in between.
LENGTHS = (rnn_runs.STEPS, 4, 1, 3)


def _past(outputs):
    """The outputs past each sequence's end, stacked."""
    return np.concatenate([outputs[b, n:] for b, n in enumerate(LENGTHS)])


def _within(outputs):
    """The outputs up to each sequence's end, stacked."""
    return np.concatenate([outputs[b, :n] for b, n in enumerate(LENGTHS)])


def _held(outputs):
    """Each sequence's output at its last step, repeated over the steps past its end."""
    return np.concatenate([np.repeat(outputs[b, n - 1:n], rnn_runs.STEPS - n, 0) for b, n in enumerate(LENGTHS)])


def measure():
    import tensorflow as tf
    x, draw = rnn_runs.sequences()
    weights, outputs, (c, h) = rnn_runs.tf1_cell("BasicLSTMCell", x, draw, sequence_length=np.array(LENGTHS))
    converted = rnn_cells.to_keras("BasicLSTMCell", weights)
    mask = tf.sequence_mask(LENGTHS, rnn_runs.STEPS)
    masked, masked_h, masked_c = rnn_runs.keras_layer("LSTM", converted, x, mask=mask)
    zeroed = rnn_runs.keras_layer("LSTM", converted, x, mask=mask, zero_output_for_mask=True)[0]
    unmasked_h = rnn_runs.keras_layer("LSTM", converted, x)[1]
    last = np.stack([outputs[b, n - 1] for b, n in enumerate(LENGTHS)])
    return {"TF1 dynamic_rnn, sequence_length: outputs past the end, largest |value|": rnn_runs.largest(_past(outputs)),
            "TF1: final h is each sequence's last output, bit for bit": bool(np.array_equal(h, last)),
            "Keras LSTM with the mask: outputs up to the end, in ULP of TF1's largest":
                rnn_runs.ulp(_within(outputs), _within(masked)),
            "Keras LSTM with the mask: outputs past the end, largest |value|": rnn_runs.largest(_past(masked)),
            "Keras LSTM with the mask: outputs past the end are the last step's repeated, bit for bit":
                bool(np.array_equal(_past(masked), _held(masked))),
            "Keras LSTM with the mask: all outputs against TF1's, in ULP of the largest": rnn_runs.ulp(outputs, masked),
            "Keras LSTM with the mask and zero_output_for_mask=True: all outputs, in ULP of the largest":
                rnn_runs.ulp(outputs, zeroed),
            "Keras LSTM with the mask: final state (h, c), in ULP of TF1's largest":
                max(rnn_runs.ulp(h, masked_h), rnn_runs.ulp(c, masked_c)),
            "Keras LSTM without a mask: final h, largest |difference| from TF1's": rnn_runs.largest(unmasked_h - h)}
