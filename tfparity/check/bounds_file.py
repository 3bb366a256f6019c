"""Tolerances by cause in the user's repository: ``[[tool.tfparity.bounds]]`` in pyproject.toml,
or ``[[bounds]]`` in a file passed with ``--tolerances``. Each entry is one bound::

    [[bounds]]
    mode = "tf2_eager"                 # optional: every mode when left out
    cause = "grappler_arithmetic"      # one of tfparity.core.tolerances.CAUSES
    ulp = 2048                         # within this many units in the last place...
    atol = 3e-07                       # ...or this close absolutely (optional, 0)
    measured = "how, where and over which seeds it was measured"

A bound applies only while its cause is active (``tfparity.core.tolerances.applicable``), so strict
mode, with every switchable cause off, demands bit-identity. ``measure`` finds a bound over
several seeds and ``write`` adds it to a file.
"""
import math
import tomllib

from tfparity.core.modes import CHECKED_MODES
from tfparity.core.tolerances import CAUSES, Bound

KEYS = {"mode", "cause", "ulp", "atol", "measured"}


class BoundsError(ValueError):
    pass


def _entries(path):
    try:
        with open(path, "rb") as file:
            document = tomllib.load(file)
    except OSError as error:
        raise BoundsError(f"cannot read {path}: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise BoundsError(f"{path} is not valid TOML: {error}") from None
    if str(path).endswith("pyproject.toml"):
        document = document.get("tool", {}).get("tfparity", {})
    entries = document.get("bounds", [])
    if not isinstance(entries, list):
        raise BoundsError(f"{path}: bounds must be an array of tables ([[bounds]])")
    return entries


def load(path):
    """{mode: [Bound, ...]} from a tolerances file or pyproject.toml; {} when it declares none."""
    declared = {}
    for number, entry in enumerate(_entries(path), 1):
        where = f"{path}: bound {number}"
        if not isinstance(entry, dict) or KEYS - {"mode", "atol"} - set(entry) or set(entry) - KEYS:
            raise BoundsError(f"{where}: needs cause, ulp and measured (mode and atol optional), "
                              f"got {sorted(entry) if isinstance(entry, dict) else entry!r}")
        if entry["cause"] not in CAUSES:
            raise BoundsError(f"{where}: unknown cause {entry['cause']!r}; known: {', '.join(CAUSES)}")
        modes = [entry["mode"]] if "mode" in entry else list(CHECKED_MODES)
        if modes[0] not in CHECKED_MODES:
            raise BoundsError(f"{where}: unknown mode {modes[0]!r}; known: {', '.join(CHECKED_MODES)}")
        ulp, atol = entry["ulp"], entry.get("atol", 0.0)
        if not isinstance(ulp, int) or ulp < 0 or not isinstance(atol, (int, float)) or not atol >= 0:
            raise BoundsError(f"{where}: ulp must be a whole number >= 0 and atol a number >= 0")
        for mode in modes:
            declared.setdefault(mode, []).append(Bound(entry["cause"], ulp, float(atol), str(entry["measured"])))
    return declared


def rounded(max_ulp, max_abs):
    """A measured distance rounded up: ULPs to a power of two, |diff| to one significant digit."""
    ulp = 1 << max(0, math.ceil(math.log2(max_ulp))) if max_ulp > 0 else 0
    if max_abs <= 0:
        return ulp, 0.0
    scale = 10 ** math.floor(math.log10(max_abs))
    return ulp, float(f"{math.ceil(max_abs / scale) * scale:.1g}")


def write(path, entries, force=False):
    """Add ``entries`` (dicts with the keys above) to the ``[[bounds]]`` of ``path``, atomically
    (``force``: even where ``path`` is read-only)."""
    import tomli_w

    from tfparity.core.files import write_atomic
    if str(path).endswith("pyproject.toml"):  # tomli_w would drop its comments and layout
        raise BoundsError(f"cannot write bounds into {path}: write a tolerances file and copy them over")
    try:
        existing = _entries(path)
    except BoundsError:
        import os
        if os.path.exists(path):
            raise
        existing = []
    write_atomic(path, tomli_w.dumps({"bounds": existing + list(entries)}), force=force)


def measure(functions, modes, attribute, strict, seeds):
    """The bound of every mode whose difference a cause explains at every seed of 0..seeds-1, as
    bounds-file entries, and the modes left unexplained at some seed; ``functions`` are the pair's
    ``inputs``, ``tf1``, ``tf2`` and (optionally) ``loop``."""
    from tfparity.check import parity
    from tfparity.core.machine import describe, fingerprint
    worst, unexplained = {}, set()
    for seed in range(seeds):
        report = parity.check(functions["inputs"], functions["tf1"], functions["tf2"], seed, modes, {},
                              functions.get("loop"), attribute, strict)
        for mode, verdict in report.verdicts.items():
            if mode in report.explained:
                causes, ulp, atol = worst.get(mode, ((), 0.0, 0.0))
                worst[mode] = (tuple(dict.fromkeys(causes + report.explained[mode])),
                               max(ulp, verdict.max_ulp), max(atol, verdict.max_abs))
            elif verdict.status != "bit-identical":
                unexplained.add(mode)
    where = describe(fingerprint())
    entries = []
    for mode, (causes, max_ulp, max_abs) in worst.items():
        if mode in unexplained:
            continue
        ulp, atol = rounded(max_ulp, max_abs)
        measured = (f"max {max_ulp:g} ULP, |diff| {max_abs:.3g} over seeds 0-{seeds - 1}, bit-identical "
                    f"with {' and '.join(causes)} off; {where}")
        entries += [{"mode": mode, "cause": cause, "ulp": ulp, "atol": atol, "measured": measured} for cause in causes]
    return entries, sorted(unexplained)
