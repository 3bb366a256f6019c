"""Pitfall: tf.function(jit_compile=True) is not bit-identical to the Session, even for one scalar."""
import functools

import tensorflow as tf

import tf1_graph.classification as c1
import tf1_graph.regression as r1
import tf2_eager.classification as c2
import tf2_eager.regression as r2
from shared_data import classification, regression
from tfparity.core.compare import compare


def measure():
    tf.function = functools.partial(tf.function, jit_compile=True)  # this process only: every step under XLA
    found = {}
    for name, data, tf1_twin, tf2_twin in (("regression", regression, r1, r2), ("classification", classification, c1, c2)):
        inputs = data.make_inputs(0)
        found[f"{name}: tf.function(jit_compile=True) vs Session"] = str(
            compare(tf1_twin.run(inputs), tf2_twin.run(inputs, function=True)))
    return found
