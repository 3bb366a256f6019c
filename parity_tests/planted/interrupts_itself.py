"""A user's pair whose TF2 run interrupts itself, as Ctrl-C would, once TensorFlow has written the
file autograph generates for it: ``tfparity check`` must end with 130 and leave no such file behind."""
import os
import signal
import time

import numpy as np
import tensorflow as tf

STEPS = 3
LONGER_THAN_ANY_CASE = 120  # seconds: the interrupt lands while this sleeps


def make_inputs(seed):
    return {"x": np.arange(STEPS, dtype=np.float32) + seed}


def tf1_run(inputs):
    return {"y": inputs["x"] * 2}


@tf.function
def doubled(x):
    if x > 0:  # an `if` on a tensor: autograph converts it, and writes the generated module to TMPDIR
        return x * 2
    return x + x


def tf2_run(inputs, function=False):
    doubled(tf.constant(inputs["x"][-1]))
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(LONGER_THAN_ANY_CASE)
