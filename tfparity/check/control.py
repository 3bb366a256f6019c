"""Control runs: a re-run may explain a difference only after it has reproduced, with nothing
switched, the numbers it is meant to explain.

Attribution re-runs the pair with a cause switched off: in this process (grappler) and in a fresh
one (oneDNN, fixed when TensorFlow loads). Either re-run could compute something else than the run
the user started: a fresh process imports the user's functions again by name, so a module global
set after import (``port.VARIANT = "sum"``) is back to its written value there; a function that
keeps state between calls gives other numbers the second time. A re-run that then comes out
bit-identical would "explain" a porting slip. So, before the first such re-run, the same runs are
made with nothing switched (in this process, and in a fresh process when one is needed) and must
give the user's traces bit for bit; the functions a fresh process imports must be the same code.
Otherwise the verdict is "not reproducible", with the first thing that differs, never "explained".

A record is ``{"code": {role: digest}, "inputs": digest, "traces": {mode: {field: digest}}}``
(``"tf1_graph"`` for the TF1 run); ``difference(mine, theirs)`` says, in words, where two differ.
"""
import hashlib
from collections.abc import Mapping

import numpy as np

# What makes a re-run compute something else, most likely first; said when a control fails.
REASONS = ("a module global set after import (the code that called check changed the module; a fresh "
           "process imports it as written)", "state kept between calls", "files, the clock or the "
           "environment read", "random draws not from the inputs")


def _update(hasher, value):
    """Feed ``value`` to ``hasher``: arrays by dtype, shape and bytes, containers item by item,
    numbers and strings by value; any other object by its type only (its repr may hold an address)."""
    if isinstance(value, Mapping):
        hasher.update(b"{")
        for key in sorted(value, key=repr):
            hasher.update(repr(key).encode())
            _update(hasher, value[key])
        hasher.update(b"}")
    elif isinstance(value, (list, tuple)):
        hasher.update(f"[{len(value)}".encode())
        for item in value:
            _update(hasher, item)
    elif isinstance(value, (np.ndarray, np.generic, bool, int, float, complex)):
        array = np.ascontiguousarray(value)
        hasher.update(f"{array.dtype.str}{array.shape}".encode())
        hasher.update(array.tobytes())
    elif isinstance(value, (str, bytes)):
        hasher.update(repr(value).encode())
    else:
        hasher.update(type(value).__qualname__.encode())


def digest(value):
    hasher = hashlib.sha256()
    _update(hasher, value)
    return hasher.hexdigest()


def _code(code, hasher):
    hasher.update(code.co_code)
    hasher.update(repr(code.co_names).encode())
    for constant in code.co_consts:
        if hasattr(constant, "co_code"):
            _code(constant, hasher)
        elif isinstance(constant, frozenset):  # its order follows string hashing, which differs by process
            hasher.update(repr(sorted(constant, key=repr)).encode())
        else:
            hasher.update(repr(constant).encode())


def code_digest(function):
    """A digest of the function's compiled code (a tf.function's or a wrapper's inner Python
    function); None for a callable without Python code of its own (a builtin, an object)."""
    for _ in range(4):  # tf.function -> python_function, functools.wraps -> __wrapped__
        inner = getattr(function, "python_function", None) or getattr(function, "__wrapped__", None)
        if inner is None:
            break
        function = inner
    code = getattr(function, "__code__", None)
    if code is None:
        return None
    hasher = hashlib.sha256()
    _code(code, hasher)
    return hasher.hexdigest()


def record(functions, inputs, traces):
    """The record of a run: ``functions`` {role: function}, ``inputs`` the digest of what
    ``make_inputs`` returned (taken before any function ran), ``traces`` {mode: trace}."""
    return {"code": {role: code_digest(f) for role, f in functions.items() if f is not None},
            "inputs": inputs,
            "traces": {mode: {field: digest(values) for field, values in trace.items()}
                       for mode, trace in traces.items()}}


def difference(mine, theirs):
    """The first difference between two records, in words; None when they agree on all that both hold."""
    for role, code in mine.get("code", {}).items():
        other = theirs.get("code", {}).get(role)
        if code and other and code != other:
            return f"{role}, imported again by name, is other code than the function checked"
    if mine.get("inputs") and theirs.get("inputs") and mine["inputs"] != theirs["inputs"]:
        return "make_inputs returns other inputs than in the run being checked"
    for mode, fields in mine.get("traces", {}).items():
        other = theirs.get("traces", {}).get(mode)
        if other is None:
            continue
        who = "tf1_run" if mode == "tf1_graph" else mode
        if list(fields) != list(other):
            return f"{who} returns other fields ({', '.join(other)}) than in the run being checked ({', '.join(fields)})"
        changed = next((field for field in fields if fields[field] != other[field]), None)
        if changed:
            return f"{who} gives other values in its field {changed!r} than in the run being checked"
    return None


def message(where, what):
    """The verdict's words for a control that failed: ``where`` the re-run, ``what`` its difference."""
    return (f"not reproducible {where}: {what}, so no re-run may explain a difference; likely causes: "
            f"{'; '.join(REASONS)}")
