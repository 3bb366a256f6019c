"""Pitfall: TF1's ``BasicLSTMCell``/``LSTMCell`` add ``forget_bias`` (1.0 by default) to the forget
gate's pre-activation at every step (tf_keras/src/layers/rnn/legacy_cells.py, ``BasicLSTMCell.call``:
``sigmoid(f + forget_bias)``), a constant in no variable; Keras 3's LSTM adds nothing at run time
(keras/src/layers/rnn/lstm.py, ``LSTMCell.call``), its ``unit_forget_bias`` only initializes the bias
(``LSTMCell.build``), so loading TF1's bias overwrites it. The fix folds forget_bias into the forget
block of the bias (``tfparity.port.rnn_cells.to_keras``)."""
from tfparity.port import rnn_cells
from tfparity.studies.pitfalls import rnn_runs


def measure():
    x, draw = rnn_runs.sequences()
    weights, outputs, _ = rnn_runs.tf1_cell("BasicLSTMCell", x, draw, forget_bias=1.0)
    dropped = rnn_cells.to_keras("BasicLSTMCell", weights, forget_bias=0.0)
    folded = rnn_cells.to_keras("BasicLSTMCell", weights)
    kept = rnn_runs.keras_layer("LSTM", dropped, x, unit_forget_bias=True)[0]
    return {"gates moved, forget_bias not folded (unit_forget_bias=True, TF1's bias loaded): outputs' "
            "largest |difference|": rnn_runs.largest(kept - outputs),
            "forget_bias not folded: in ULP of the largest output": rnn_runs.ulp(outputs, kept),
            "forget_bias folded into the forget block by rnn_cells.to_keras: in ULP of the largest output":
                rnn_runs.ulp(outputs, rnn_runs.keras_layer("LSTM", folded, x)[0])}
