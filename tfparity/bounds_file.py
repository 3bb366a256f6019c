"""Tolerances by cause in the user's repository: ``[[tool.tfparity.bounds]]`` in pyproject.toml,
or ``[[bounds]]`` in a file passed with ``--tolerances``. Each entry is one bound::

    [[bounds]]
    mode = "tf2_eager"                 # optional: every mode when left out
    cause = "grappler_arithmetic"      # one of tfparity.tolerances.CAUSES
    ulp = 2048                         # within this many units in the last place...
    atol = 3e-07                       # ...or this close absolutely (optional, 0)
    measured = "how, where and over which seeds it was measured"

A bound applies only while its cause is active (``tfparity.tolerances.applicable``), so strict
mode, with every switchable cause off, demands bit-identity. ``measure`` finds a bound over
several seeds and ``write`` adds it to a file.
"""
import math
import tomllib

from tfparity.tolerances import CAUSES, Bound

MODES = ("tf2_eager", "tf2_function", "tf2_loop", "tf2_xla")
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
        modes = [entry["mode"]] if "mode" in entry else list(MODES)
        if modes[0] not in MODES:
            raise BoundsError(f"{where}: unknown mode {modes[0]!r}; known: {', '.join(MODES)}")
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


def write(path, entries):
    """Add ``entries`` (dicts with the keys above) to the ``[[bounds]]`` of ``path``, atomically."""
    import tomli_w
    from tfparity.files import write_atomic
    if str(path).endswith("pyproject.toml"):  # tomli_w would drop its comments and layout
        raise BoundsError(f"cannot write bounds into {path}: write a tolerances file and copy them over")
    try:
        existing = _entries(path)
    except BoundsError:
        import os
        if os.path.exists(path):
            raise
        existing = []
    write_atomic(path, tomli_w.dumps({"bounds": existing + list(entries)}))
