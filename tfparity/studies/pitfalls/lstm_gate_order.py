"""Pitfall: TF1's LSTM cells keep their four gate blocks as i, j, f, o (input gate, new input, forget
gate, output gate: tf_keras/src/layers/rnn/legacy_cells.py, ``BasicLSTMCell.call``); Keras 3's LSTM as
i, f, c, o (keras/src/layers/rnn/lstm.py, ``LSTMCell.call``). TF1's kernel split at the input's rows
fits Keras's shapes exactly, so the same weights given as they are load without a word and compute
another function; ``tfparity.port.rnn_cells.to_keras`` moves the blocks. forget_bias is 0 here, so
the gate order is the only difference."""
from tfparity.port import rnn_cells
from tfparity.studies.pitfalls import rnn_runs


def measure():
    x, draw = rnn_runs.sequences()
    weights, outputs, _ = rnn_runs.tf1_cell("BasicLSTMCell", x, draw, forget_bias=0.0)
    right = rnn_cells.to_keras("BasicLSTMCell", weights, forget_bias=0.0)
    as_they_are = {"kernel": weights["kernel"][:rnn_runs.INPUT], "recurrent_kernel": weights["kernel"][rnn_runs.INPUT:],
                   "bias": weights["bias"]}
    loaded = rnn_runs.keras_layer("LSTM", as_they_are, x)[0]
    moved = rnn_runs.keras_layer("LSTM", right, x)[0]
    return {"TF1 kernel [input + units, 4 units] split at the input's rows: Keras's shapes":
                [list(v.shape) for v in as_they_are.values()] == [list(v.shape) for v in right.values()],
            "gates as they are (i, j, f, o read as i, f, c, o): outputs' largest |difference|":
                rnn_runs.largest(loaded - outputs),
            "gates as they are: in ULP of the largest output": rnn_runs.ulp(outputs, loaded),
            "blocks moved by rnn_cells.to_keras: in ULP of the largest output": rnn_runs.ulp(outputs, moved)}
