"""Every input the twins need, made from an explicit seed: the only place randomness lives.

Each example has a module here with ``make_inputs(seed, ...) -> dict``. The twins receive that
dict and draw no random numbers of their own, because TF1 and TF2 random ops give different
numbers for the same seed (see docs/pitfalls.md).
"""
import math

import numpy as np


def rng(seed):
    """A NumPy generator for ``seed``; rejects anything but a non-negative integer."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return np.random.default_rng(int(seed))


def positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def positive_float(name, value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}") from None
    if not math.isfinite(number) or number <= 0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return number
