"""Pitfall: TF1's ``dynamic_rnn(..., time_major=True)`` takes [time, batch, features] and returns
[time, batch, units] (tensorflow/python/ops/rnn.py, ``dynamic_rnn``); Keras 3's recurrent layers take
batch-major input only and have no ``time_major`` (keras/src/layers/rnn/rnn.py, ``RNN.__init__``).
The time-major array fed as it is reads time as the batch and the batch as time: the outputs come back
in the shape TF1's had and hold other numbers. The fix transposes in and out
(``tf.transpose(x, [1, 0, 2])``)."""
import numpy as np

from tfparity.port import rnn_cells
from tfparity.studies.pitfalls import rnn_runs


def measure():
    import keras
    x, draw = rnn_runs.sequences()
    time_first = np.ascontiguousarray(x.transpose(1, 0, 2))
    weights, outputs, _ = rnn_runs.tf1_cell("BasicLSTMCell", time_first, draw, time_major=True)
    converted = rnn_cells.to_keras("BasicLSTMCell", weights)
    as_it_is = rnn_runs.keras_layer("LSTM", converted, time_first)[0]
    transposed = rnn_runs.keras_layer("LSTM", converted, x)[0].transpose(1, 0, 2)
    try:
        keras.layers.LSTM(rnn_runs.UNITS, time_major=True)
        refused = "accepted"
    except Exception as error:  # what the installed Keras raises is the measurement
        refused = f"{type(error).__name__}: {str(error).splitlines()[0]}"
    return {"TF1 time_major=True: outputs' shape": list(outputs.shape),
            "Keras LSTM fed the time-major array as it is: outputs' shape": list(as_it_is.shape),
            "fed as it is: outputs' largest |difference|": rnn_runs.largest(as_it_is - outputs),
            "fed as it is: in ULP of the largest output": rnn_runs.ulp(outputs, as_it_is),
            "transposed in and out: in ULP of the largest output": rnn_runs.ulp(outputs, transposed),
            "keras.layers.LSTM(units, time_major=True)": refused}
