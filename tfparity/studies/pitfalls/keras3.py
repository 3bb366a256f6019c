"""Pitfall: the TF1 bridges that Keras 3 removed."""
import tensorflow.compat.v1 as tf1

BRIDGES = (("tf.compat.v1.layers.dense", lambda: tf1.layers.dense),
           ("tf.compat.v1.nn.rnn_cell.BasicRNNCell", lambda: tf1.nn.rnn_cell.BasicRNNCell),
           ("tf.compat.v1.keras.utils.DeterministicRandomTestTool", lambda: tf1.keras.utils.DeterministicRandomTestTool))


def measure():
    found = {}
    for name, get in BRIDGES:
        try:
            get()
            found[name] = "available"
        except Exception as error:  # what the installed TensorFlow raises is the measurement
            found[name] = f"{type(error).__name__}: {str(error).splitlines()[0]}"
    return found
