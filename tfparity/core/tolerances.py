"""Allowed differences from the TF1 Session trace, each keyed by its cause.

Each example declares its bounds, with their measurements, as ``BOUNDS = {mode: [Bound, ...]}``
in its shared_data module; this module names the causes and decides which bounds apply. Anything
not declared must be bit-identical. A bound applies only while its cause is active
in the process that measures (``active``): with every switchable cause off (``switch_off``, and
TF_ENABLE_ONEDNN_OPTS=0 before TensorFlow loads) every mode but XLA must be bit-identical, so no
bound can hide a porting bug (parity_tests/test_tolerances.py). A place passes when it is within
``ulp`` units in the last place or within ``atol`` absolutely. Each bound is the largest distance
measured, rounded up to a power of two (ULP) or a round number (atol), on the machines named.

Where an example's twins offer one update from a given state and its data module says
``LOCAL_BOUNDS = True``, its bounds are local: they bound one update taken from the
Session's own state, in ULPs at each field's largest value (``tfparity.core.harness.local_layer``),
and the free-running trajectory is bit-identical or "differs" while a cause is active, reported
and never bounded (``tolerance``'s ``layer``).

A bound is a rounding bound or it is refused (``NotARoundingBound``, by ``check_bound`` for what a
bound is alone, ``check_rounding`` against the reference trace it is to bound). Rounding changes
the last bits of a value, never its leading ones: a bound must keep the leading KEPT_BITS of every
value it bounds. Its ULP must be a whole number no larger than 2**(p - KEPT_BITS), where p is the
mantissa bits of the narrowest float dtype compared (at 2**p ULP a value off by a factor of two
passes, and just under it one off by 1.5), and its atol a finite number no larger than 2**-KEPT_BITS
of the largest magnitude of each float field it bounds (an atol near a field's values lets a value
off by its own size pass; one above 0 on a field of zeros, any value near 0).
"""
import importlib
import math
import numbers
from collections import namedtuple
from collections.abc import Mapping

import numpy as np

# differs: the bound is the local layer's, so a trajectory that differs while a cause is active is
# reported as "differs", judged by its local steps (``tolerance``; ``compare``'s ``differs``).
Tolerance = namedtuple("Tolerance", "ulp atol causes differs", defaults=(False,))
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
    "reformulation": ("the port computes the same mathematics in another order of operations (the bound's "
                      "measured text says what: two matrix products for one on the concatenation, a fused "
                      "softmax cross-entropy, bias_add for +); nothing switches it off, so it bounds local "
                      "steps only, and each is confirmed against the port's step in float64 "
                      "(tfparity.check.local.confirm)", None),
}
# The causes a bound may name only where each update is taken from the reference's own state (the
# local layer): nothing switches them off to show what they explain.
LOCAL_ONLY = ("reformulation",)
# No float dtype has more mantissa bits than float64's 52: a ULP bound of 2**52 covers a factor
# of two in every dtype, so it is refused before any trace is seen.
WIDEST_MANTISSA = np.finfo(np.float64).nmant
# How many leading bits of a value a rounding bound leaves alone: the widest ULP bound the examples
# declare (an all-reduce's order, on near-zero entries) keeps exactly these, and a slip of a
# percent in a value changes them.
KEPT_BITS = 8
# The causes switched in-process by grappler's options (tf.config.optimizer), by option name.
GRAPPLER = {"grappler_arithmetic": "arithmetic_optimization", "grappler_remapper": "remapping"}


def active(cause, mode):
    """Whether ``cause`` can act on a comparison of ``mode`` with the Session in this process."""
    if cause == "xla":
        return mode == "tf2_xla"
    if cause == "onednn":
        from tfparity.core.machine import onednn_active
        return onednn_active()
    if cause in ("allreduce_order", "reformulation"):  # a property of the two runs compared, not of the process
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


def local_bounds(example, data="shared_data"):
    """Whether the example's BOUNDS bound its local layer (``LOCAL_BOUNDS`` in its data module): one
    update from the Session's own state, in ULPs at each field's largest value, not the trajectory."""
    return bool(getattr(importlib.import_module(f"{data}.{example}"), "LOCAL_BOUNDS", False))


def tolerance(example, mode, data="shared_data", layer="trajectory"):
    """The bound for one (example, mode) from the bounds whose causes are active, and those causes.
    Where the bounds are local (``local_bounds``), they apply to the ``layer`` "local" only: the
    trajectory's tolerance is bit-identity, with the active causes named and ``differs`` set."""
    found = applicable(bounds(example, data), mode)
    if layer == "trajectory" and local_bounds(example, data):
        return Tolerance(0, 0.0, found.causes, bool(found.causes))
    return found


def applicable(declared, mode):
    """The bound for ``mode`` from ``declared`` ({mode: [Bound, ...]}) whose causes are active here."""
    bounds_here = [b for b in declared.get(mode, ()) if active(b.cause, mode)]
    if not bounds_here:
        return BIT_IDENTICAL
    return Tolerance(max(b.ulp for b in bounds_here), max(b.atol for b in bounds_here),
                     tuple(b.cause for b in bounds_here))


class NotARoundingBound(ValueError):
    """A bound that is malformed, infinite or larger than the values it bounds; one line."""


def check_bound(bound, where="bound"):
    """``NotARoundingBound`` unless ``bound`` (a ``Bound``) names a known cause, a whole ULP
    count below 2**52, a finite atol >= 0 and its measurement as text; ``where`` names it."""
    if not isinstance(bound, Bound):
        raise NotARoundingBound(f"{where}: {bound!r} is not a Bound(cause, ulp, atol, measured)")
    if not isinstance(bound.cause, str) or bound.cause not in CAUSES:
        raise NotARoundingBound(f"{where}: unknown cause {bound.cause!r}; known: {', '.join(CAUSES)}")
    if not _whole(bound.ulp) or bound.ulp < 0:
        raise NotARoundingBound(f"{where}: ulp must be a whole number >= 0, got {bound.ulp!r}")
    if bound.ulp >= 2 ** WIDEST_MANTISSA:
        raise NotARoundingBound(f"{where}: ulp {bound.ulp} reaches 2**{WIDEST_MANTISSA}, a factor of two even "
                                "in float64: not a rounding bound")
    if not _real(bound.atol) or not bound.atol >= 0 or not math.isfinite(bound.atol):
        raise NotARoundingBound(f"{where}: atol must be a finite number >= 0, got {bound.atol!r}")
    if not isinstance(bound.measured, str):
        raise NotARoundingBound(f"{where}: measured must be text (how, where and over which seeds), "
                                f"got {bound.measured!r}")


def _whole(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def check_declared(declared, modes):
    """``NotARoundingBound`` unless ``declared`` is {mode: [Bound, ...]} with every mode in
    ``modes`` and every bound passing ``check_bound``."""
    if not isinstance(declared, Mapping):
        raise NotARoundingBound(f"tolerances must be {{mode: [Bound, ...]}}, got {type(declared).__name__}")
    for mode, found in declared.items():
        if mode not in modes:
            raise NotARoundingBound(f"tolerances: unknown mode {mode!r}; known: {', '.join(modes)}")
        if isinstance(found, (str, bytes, Bound)) or not isinstance(found, (list, tuple)):
            raise NotARoundingBound(f"tolerances[{mode!r}] must be a list of Bound, got {type(found).__name__}")
        for bound in found:
            check_bound(bound, f"the bound for {mode}")


def check_rounding(declared, desired):
    """``NotARoundingBound`` for the first bound in ``declared`` ({mode: [Bound, ...]}) that is
    larger than rounding of the values of ``desired`` (the reference trace, {field: array}) it would
    bound: a ULP count above 2**(p - KEPT_BITS) in its narrowest float dtype (p mantissa bits), or an
    atol above 2**-KEPT_BITS of the largest finite magnitude of any float field (an atol applies to
    every field: judged against the field of smallest values, not the largest value of all). An atol
    above 0 on a field whose finite values are all 0 is refused too: it keeps none of their bits, and
    lets any value within it pass; a field with no finite value is not judged (inf and NaN are compared
    by their bits). A trace with no float field has nothing ULPs measure."""
    floats = {name: a for name, a in ((n, np.asarray(v)) for n, v in desired.items()) if a.dtype.kind in "fc"}
    if not floats:
        return
    narrowest = min((np.finfo(a.dtype) for a in floats.values()), key=lambda info: info.nmant)
    largest = {name: float(np.abs(a[np.isfinite(a)]).max()) for name, a in floats.items() if np.isfinite(a).any()}
    smallest = min(largest, key=largest.get, default=None)
    widest_ulp = 2 ** (narrowest.nmant - KEPT_BITS)
    for mode, found in declared.items():
        for bound in found:
            where = f"the bound for {bound.cause} ({mode})"
            if bound.ulp > widest_ulp:
                raise NotARoundingBound(
                    f"{where}: ulp {bound.ulp} is above 2**{narrowest.nmant - KEPT_BITS}: in {narrowest.dtype} "
                    f"it lets a value's leading {KEPT_BITS} bits differ (a relative difference of "
                    f"{bound.ulp * 2.0 ** -narrowest.nmant:.2g}); not a rounding bound")
            if smallest is None or bound.atol <= largest[smallest] * 2.0 ** -KEPT_BITS:
                continue
            if largest[smallest] == 0:
                raise NotARoundingBound(
                    f"{where}: atol {bound.atol:g} applies to field {smallest!r} too, whose reference (TF1) values "
                    "are all 0: any value within it would pass; not a rounding bound (bound it in ulp, atol 0)")
            raise NotARoundingBound(
                f"{where}: atol {bound.atol:g} is above 2**-{KEPT_BITS} of the largest reference (TF1) value "
                f"of field {smallest!r} ({largest[smallest]:g}), which it bounds too: a value off by more than "
                "rounding would pass; not a rounding bound")
