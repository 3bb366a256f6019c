"""Ports of the regression twin with a slip planted, each with its run and its ``step_from``, for
``tfparity check --step`` (the local layer) to catch on the update where the slip acts; and TF1
runs that break the ``on_step`` contract."""
import numpy as np

from tf1_graph import regression as tf1_twin
from tf2_eager import regression as twin


def _scaled(inputs, factor):
    return dict(inputs, learning_rate=np.float32(inputs["learning_rate"] * factor))


def rate_run(inputs, function=False):
    """The learning rate 10% too large."""
    return twin.run(_scaled(inputs, 1.1), function)


def rate_step(inputs, states, function=False):
    return twin.step_from(_scaled(inputs, 1.1), states, function)


def ulps_run(inputs, function=False):
    """The learning rate off by 2**-20 of itself: a few ULPs, the size of rounding."""
    return twin.run(_scaled(inputs, 1 + 2 ** -20), function)


def ulps_step(inputs, states, function=False):
    return twin.step_from(_scaled(inputs, 1 + 2 ** -20), states, function)


def unset_step(inputs, states, function=False):
    """A step that never sets the state it is given: each update from the initial value."""
    first = {k: {"A": inputs["A0"]} for k in states}
    return twin.step_from(inputs, first, function)


def read_before_step(inputs, states, function=False):
    """The weights read before the update, not after it."""
    after = twin.step_from(inputs, states, function)
    return {k: (loss, dict(states[k])) for k, (loss, _) in after.items()}


def silent_tf1(inputs, on_step=None):
    """A TF1 run that takes on_step and never calls it."""
    return tf1_twin.run(inputs)


def plain_tf1(inputs):
    """A TF1 run without on_step."""
    return tf1_twin.run(inputs)
