"""Pitfall: grappler's arithmetic optimizer rewrites graph-mode arithmetic; eager runs it as written."""
import tensorflow as tf

import tf2_eager.classification as twin
from shared_data.classification import make_inputs
from tfparity.core.compare import compare


def measure():
    inputs = make_inputs(0)
    eager = twin.run(inputs)
    default = compare(eager, twin.run(inputs, function=True))
    tf.config.optimizer.set_experimental_options({"arithmetic_optimization": False})
    return {"eager vs tf.function, default": str(default),
            "eager vs tf.function, arithmetic_optimization off": str(compare(eager, twin.run(inputs, function=True)))}
