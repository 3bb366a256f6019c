"""Pitfall: Keras 3's GRU applies the reset gate after the recurrent product by default
(``reset_after=True``: ``tanh(x W_h + r * (h U_h + b_rh))``, keras/src/layers/rnn/gru.py,
``GRUCell.call``); TF1's ``GRUCell`` applies it before (``tanh([x, r * h] W_c + b_c)``,
tf_keras/src/layers/rnn/legacy_cells.py, ``GRUCell.call``), which is Keras's ``reset_after=False``.
A converter that keeps the default has a bias of two rows to fill and puts TF1's in the input row, the
recurrent row zero: it loads and computes another function."""
import numpy as np

from tfparity.port import rnn_cells
from tfparity.studies.pitfalls import rnn_runs


def measure():
    import keras
    x, draw = rnn_runs.sequences()
    weights, outputs, _ = rnn_runs.tf1_cell("GRUCell", x, draw)
    converted = rnn_cells.to_keras("GRUCell", weights)
    naive = dict(converted, bias=np.stack([converted["bias"], np.zeros_like(converted["bias"])]))
    after = rnn_runs.keras_layer("GRU", naive, x)[0]
    before = rnn_runs.keras_layer("GRU", converted, x, reset_after=False)[0]
    return {"keras.layers.GRU's default reset_after": keras.layers.GRU(rnn_runs.UNITS).reset_after,
            "reset_after=True, TF1's bias in the input row, the recurrent row zero: outputs' largest |difference|":
                rnn_runs.largest(after - outputs),
            "reset_after=True: in ULP of the largest output": rnn_runs.ulp(outputs, after),
            "reset_after=False, weights by rnn_cells.to_keras: in ULP of the largest output":
                rnn_runs.ulp(outputs, before)}
