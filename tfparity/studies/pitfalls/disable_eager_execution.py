"""Pitfall: tf1.disable_eager_execution() switches eager off for the whole process, TF2 code included."""
import tensorflow as tf
import tensorflow.compat.v1 as tf1

import tf2_eager.regression as twin
from shared_data.regression import make_inputs


def measure():
    tf1.disable_eager_execution()
    try:
        twin.run(make_inputs(0))
        result = "ran"
    except Exception as error:  # what the TF2 twin raises is the measurement
        result = f"{type(error).__name__}: {str(error).splitlines()[0]}"
    return {"tf.executing_eagerly()": tf.executing_eagerly(), "the TF2 eager twin": result}
