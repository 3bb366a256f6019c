"""Ports that compute something else when called again: the traps a re-run must not fall into.

``run``: the variant is chosen by a module global that the calling code sets after import
(``variant_port.VARIANT = "slipped"``); a fresh process imports the module as written and runs the
other variant, which would then "explain" the slip. ``chooser`` is a module that sets it at import,
as the trial's user did. ``run_slipped_once``: the first call of each mode is slipped, the calls
after it are not (state kept between calls)."""
from tf2_eager import mlp as tf2_twin

# The slip: a learning rate 10% off, the size of a typo in a hyperparameter.
SLIP = 1.1

VARIANT = "as ported"
CALLS = {}


def _slipped(inputs):
    return dict(inputs, learning_rates=tuple(rate * SLIP for rate in inputs["learning_rates"]))


def run(inputs, function=False):
    return tf2_twin.run(_slipped(inputs) if VARIANT == "slipped" else inputs, function=function)


def run_slipped_once(inputs, function=False):
    CALLS[function] = CALLS.get(function, 0) + 1
    return tf2_twin.run(_slipped(inputs) if CALLS[function] == 1 else inputs, function=function)
