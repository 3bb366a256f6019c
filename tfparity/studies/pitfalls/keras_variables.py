"""Pitfall: tf.Module does not track Keras 3 layers or variables (tensorflow/tensorflow#84019,
#74297), and a Keras 3 name cannot hold TF1's '/'."""
import keras
import numpy as np
import tensorflow as tf


class Holder(tf.Module):
    def __init__(self):
        super().__init__(name="holder")
        self.dense = keras.layers.Dense(3)
        self.dense.build((None, 2))
        self.keras_variable = keras.Variable(np.ones(2, np.float32), name="weights")
        self.tf_variable = tf.Variable(np.ones(2, np.float32), name="weights")


def measure():
    holder = Holder()
    try:
        keras.Variable(np.ones(2, np.float32), name="conv1/weights")
        slash = "accepted"
    except ValueError as error:
        slash = f"ValueError: {str(error).splitlines()[0]}"
    return {"tf.Module.trainable_variables, holding a Keras Dense, a keras.Variable and a tf.Variable":
            [v.name for v in holder.trainable_variables],
            "the Keras Dense layer's own weights": len(holder.dense.weights),
            "keras.Variable(name='conv1/weights')": slash,
            "tf.Variable(name='weights') inside tf.name_scope('conv1')": _scoped()}


def _scoped():
    with tf.name_scope("conv1"):
        return tf.Variable(np.ones(2, np.float32), name="weights").name
