"""Allowed differences from the TF1 Session trace, each keyed by its cause.

Each example declares its bounds, with their measurements, as ``BOUNDS = {mode: [Bound, ...]}``
in its shared_data module; this module names the causes and decides which bounds apply. Anything
not declared must be bit-identical. A bound applies only while its cause is active
in the process that measures (``active``): with every switchable cause off (``switch_off``, and
TF_ENABLE_ONEDNN_OPTS=0 before TensorFlow loads) every mode but XLA must be bit-identical, so no
bound can hide a porting bug (parity_tests/test_tolerances.py). A place passes when it is within
``ulp`` units in the last place or within ``atol`` absolutely. Each bound is the largest distance
measured, rounded up to a power of two (ULP) or a round number (atol), on the machines named.
"""
import importlib
from collections import namedtuple

Tolerance = namedtuple("Tolerance", "ulp atol causes")
Bound = namedtuple("Bound", "cause ulp atol measured")
BIT_IDENTICAL = Tolerance(0, 0.0, ())

# What each cause does, and how it is switched off (None: only by not using it).
CAUSES = {
    "onednn": ("oneDNN fusion: with oneDNN's custom ops on (TF_ENABLE_ONEDNN_OPTS=1, or a CPU where TF "
               "turns them on by default), graph mode (Session, tf.function, Keras fit) fuses op chains into "
               "one oneDNN kernel: a MatMul with its bias add, a convolution's filter gradient with its bias "
               "gradient where no gate stands between them (minimize() gates them in the Session); eager "
               "runs the ops apart, and two graphs that fuse differently round differently",
               "TF_ENABLE_ONEDNN_OPTS=0"),
    "grappler_arithmetic": ("grappler's arithmetic optimizer rewrites graph-mode arithmetic (Session and "
                            "tf.function alike); eager runs the ops as written",
                            "tf.config.optimizer.set_experimental_options({'arithmetic_optimization': False})"),
    "grappler_remapper": ("grappler's remapper fuses graph-mode op chains (Conv2D or MatMul + BiasAdd + "
                          "an activation) into one kernel (Session and tf.function alike); eager runs them apart",
                          "tf.config.optimizer.set_experimental_options({'remapping': False})"),
    "allreduce_order": ("data parallelism: each replica sums its share of the global batch and the "
                        "all-reduce adds the replicas' sums, where one device sums the whole batch in one "
                        "reduction; the same numbers in another order round differently. Removed when the "
                        "one device sums per share, as the replicas do", "one_device_sum='halves'"),
    "xla": ("XLA (jit_compile=True) fuses each step's elementwise ops into generated kernels that round "
            "differently; the same loop without XLA (tf2_loop) is bit-identical", None),
}
# The causes switched in-process by grappler's options (tf.config.optimizer), by option name.
GRAPPLER = {"grappler_arithmetic": "arithmetic_optimization", "grappler_remapper": "remapping"}


def active(cause, mode):
    """Whether ``cause`` can act on a comparison of ``mode`` with the Session in this process."""
    if cause == "xla":
        return mode == "tf2_xla"
    if cause == "onednn":
        from tfparity.core.machine import onednn_active
        return onednn_active()
    if cause == "allreduce_order":  # a property of the two runs compared, not of the process
        return True
    if cause in GRAPPLER:
        import tensorflow as tf
        return tf.config.optimizer.get_experimental_options().get(GRAPPLER[cause], True)
    raise ValueError(f"unknown cause {cause!r}; known: {', '.join(CAUSES)}")


def switch_off():
    """Switch off, in this process, every cause that can be switched off once TF has loaded."""
    import tensorflow as tf
    tf.config.optimizer.set_experimental_options({option: False for option in GRAPPLER.values()})


def bounds(example, data="shared_data"):
    """The example's declared bounds, {mode: [Bound, ...]}, from its module in the ``data`` package."""
    return getattr(importlib.import_module(f"{data}.{example}"), "BOUNDS", {})


def tolerance(example, mode, data="shared_data"):
    """The bound for one (example, mode) from the bounds whose causes are active, and those causes."""
    return applicable(bounds(example, data), mode)


def applicable(declared, mode):
    """The bound for ``mode`` from ``declared`` ({mode: [Bound, ...]}) whose causes are active here."""
    bounds_here = [b for b in declared.get(mode, ()) if active(b.cause, mode)]
    if not bounds_here:
        return BIT_IDENTICAL
    return Tolerance(max(b.ulp for b in bounds_here), max(b.atol for b in bounds_here),
                     tuple(b.cause for b in bounds_here))
