"""Which cause explains a difference: re-run the pair with each switchable cause off.

A mode that differs from the TF1 run is re-run, with the TF1 run, under each cause active here
switched off on its own, then with all of them off: grappler's passes in this process
(``tf.config.optimizer``, which the TF1 Session obeys too), oneDNN in a fresh process with
TF_ENABLE_ONEDNN_OPTS=0 (fixed when TensorFlow loads; the functions must then be importable, see
``specs.spec_of``). The first setting under which the mode is bit-identical explains it. XLA
cannot be switched off inside ``tf2_xla``: its difference is explained when the same loop
without XLA (``tf2_loop``) is bit-identical under a setting.

``run(mode, desired=False)`` is the pair's contract here: the trace of one mode, or of the TF1
program when ``desired``. ``remote(off)``, or None, runs the pair in a fresh process with oneDNN
and the causes in ``off`` switched off, returning ``{mode: status}`` for every mode but XLA.
"""
from contextlib import contextmanager

from tfparity.core.compare import compare
from tfparity.core.tolerances import GRAPPLER, active


@contextmanager
def grappler_off(causes):
    """Switch grappler's passes for ``causes`` off for the block, then restore the options."""
    import tensorflow as tf
    before = tf.config.optimizer.get_experimental_options()
    tf.config.optimizer.set_experimental_options({GRAPPLER[c]: False for c in causes if c in GRAPPLER})
    try:
        yield
    finally:
        tf.config.optimizer.set_experimental_options(
            {option: before.get(option, True) for option in GRAPPLER.values()})


def settings(mode):
    """The settings to try, in order: each active switchable cause alone, then all together;
    for ``tf2_xla`` first none (XLA alone: is the loop without XLA bit-identical already?)."""
    causes = [c for c in (*GRAPPLER, "onednn") if active(c, mode)]
    tried = [(c,) for c in causes] + ([tuple(causes)] if len(causes) > 1 else [])
    return [()] + tried if mode == "tf2_xla" else tried


def explain(run, modes, remote=None):
    """``{mode: causes}`` for each mode in ``modes`` that is bit-identical with ``causes`` off."""
    desired, remote_statuses, explained = {}, {}, {}

    def status(setting, mode):
        compared = "tf2_loop" if mode == "tf2_xla" else mode  # XLA is not switched off: it is left out
        if "onednn" in setting:
            if remote is None:
                return None
            if setting not in remote_statuses:
                remote_statuses[setting] = remote([c for c in setting if c != "onednn"])
            return remote_statuses[setting].get(compared)
        with grappler_off(setting):
            if setting not in desired:
                desired[setting] = run(None, desired=True)
            return compare(desired[setting], run(compared)).status

    for mode in modes:
        for setting in settings(mode):
            if status(setting, mode) == "bit-identical":
                explained[mode] = setting + (("xla",) if mode == "tf2_xla" else ())
                break
    return explained
