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
import os
import re
import stat
import tomllib

from tfparity.core.files import KINDS, NotWritable, check_target
from tfparity.core.modes import CHECKED_MODES
from tfparity.core.tolerances import Bound, NotARoundingBound, check_bound

KEYS = {"mode", "cause", "ulp", "atol", "measured"}
# A tolerances file is a few lines of TOML (pyproject.toml a few pages): larger than this, it is
# not one, and it is not read whole.
MAX_BYTES = 1 << 20
# Python's TOML reader takes time quadratic in the parts of a dotted key (one of 30,000 took half a
# minute): a line longer than this, or with more dots outside quoted strings (a key's parts, a float
# in an array), is refused before it is parsed. A tolerances file's lines are short, its keys one
# part; pyproject.toml's a few parts; files within both caps parse in seconds at most.
MAX_LINE = 4096
MAX_DOTS = 64
QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'')


class BoundsError(ValueError):
    pass


def _kind(mode):
    return next((kind for test, kind in KINDS if test(mode)), "not a regular file")


def _text(path):
    """The text of the regular file at ``path``: anything else (a named pipe would block the
    read, a device would never end) is refused by its type before it is opened, and at most
    MAX_BYTES are read."""
    try:
        status = os.stat(path)
        if not stat.S_ISREG(status.st_mode):
            raise BoundsError(f"cannot read {path}: it is {_kind(status.st_mode)}, not a regular file")
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # replaced by a pipe since: no wait
    except OSError as error:
        raise BoundsError(f"cannot read {path}: {error.strerror}") from None
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise BoundsError(f"cannot read {path}: it is not a regular file")
        try:
            data = file.read(MAX_BYTES + 1)
        except OSError as error:
            raise BoundsError(f"cannot read {path}: {error.strerror}") from None
    if len(data) > MAX_BYTES:
        raise BoundsError(f"{path} is larger than {MAX_BYTES >> 10} KiB: not a tolerances file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BoundsError(f"{path} is not UTF-8 text (byte {error.start}): not a tolerances file") from None


def _parsed(path):
    """The TOML document at ``path``, its lines checked against MAX_LINE and MAX_DOTS first."""
    text = _text(path)
    for number, line in enumerate(text.splitlines(), 1):
        if len(line) > MAX_LINE:
            raise BoundsError(f"{path}: line {number} is longer than {MAX_LINE} characters: not a tolerances file")
        dots = QUOTED.sub("", line).count(".")
        if dots > MAX_DOTS:
            raise BoundsError(f"{path}: line {number} has {dots} dots outside quotes (a key of {dots + 1} parts?), "
                              f"more than {MAX_DOTS}: not a tolerances file")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BoundsError(f"{path} is not valid TOML: {error}") from None
    except RecursionError:  # arrays or inline tables nested thousands deep
        raise BoundsError(f"{path}: nested too deeply: not a tolerances file") from None


def _entries(path):
    document = _parsed(path)
    if str(path).endswith("pyproject.toml"):
        tool = document.get("tool", {})
        document = tool.get("tfparity", {}) if isinstance(tool, dict) else {}
    entries = document.get("bounds", []) if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise BoundsError(f"{path}: bounds must be an array of tables ([[bounds]])")
    return entries


def load(path):
    """{mode: [Bound, ...]} from a tolerances file or pyproject.toml; {} when it declares none.
    Each bound must be a rounding bound (``tfparity.core.tolerances.check_bound``)."""
    declared = {}
    for number, entry in enumerate(_entries(path), 1):
        where = f"{path}: bound {number}"
        if not isinstance(entry, dict) or KEYS - {"mode", "atol"} - set(entry) or set(entry) - KEYS:
            raise BoundsError(f"{where}: needs cause, ulp and measured (mode and atol optional), "
                              f"got {sorted(entry) if isinstance(entry, dict) else entry!r}")
        mode = entry.get("mode")
        if mode is not None and (not isinstance(mode, str) or mode not in CHECKED_MODES):
            raise BoundsError(f"{where}: unknown mode {mode!r}; known: {', '.join(CHECKED_MODES)}")
        bound = Bound(entry["cause"], entry["ulp"], entry.get("atol", 0.0), entry["measured"])
        try:
            check_bound(bound, where)
        except NotARoundingBound as error:
            raise BoundsError(str(error)) from None
        for each in [mode] if mode is not None else CHECKED_MODES:
            declared.setdefault(each, []).append(bound._replace(atol=float(bound.atol)))
    return declared


def check_writable(path, force=False):
    """``BoundsError`` unless ``write`` can add bounds to ``path`` (--write-bound): a new file, or a
    tolerances file that loads (``force``: even a read-only one), never pyproject.toml."""
    if path == "":
        raise BoundsError("cannot write --write-bound '': give a file name")
    if str(path).endswith("pyproject.toml"):  # tomli_w would drop its comments and layout
        raise BoundsError(f"cannot write bounds into {path}: write a tolerances file and copy them over")
    try:
        exists = check_target(path, force) is not None
    except NotWritable as error:
        raise BoundsError(f"cannot write --write-bound {path}: {error}") from None
    if exists:
        load(path)


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
    check_writable(path, force)
    existing = _entries(path) if os.path.lexists(path) else []
    write_atomic(path, tomli_w.dumps({"bounds": existing + list(entries)}), force=force)


def measure(functions, modes, attribute, strict, seeds, names=None, reformulated=None):
    """The bound of every mode whose difference a cause explains at every seed of 0..seeds-1, as
    bounds-file entries (measured on the local layer's steps where the pair has one, ``--step``), and
    {mode: why no bound} for the modes left unexplained at some seed or whose measured bound is larger
    than rounding (``tfparity.core.tolerances.check_rounding``); ``functions`` are the pair's
    ``inputs``, ``tf1``, ``tf2`` and (optionally) ``loop`` and ``step``; ``names`` as ``parity.check``
    takes them. ``reformulated`` (what the port computes in another order): a local difference no
    switchable cause explains is measured as a "reformulation" bound, where float64 confirms it at
    every seed (``tfparity.check.local.confirm``)."""
    from tfparity.check import parity
    from tfparity.core.machine import describe, fingerprint
    from tfparity.core.tolerances import check_rounding
    worst, refused, references, confirmed = {}, {}, [], {}
    for seed in range(seeds):
        report = parity.check(functions["inputs"], functions["tf1"], functions["tf2"], seed, modes, {},
                              functions.get("loop"), attribute, strict, names, functions.get("step"))
        references.append(report.traces["tf1_graph"])
        for mode, trajectory in report.verdicts.items():
            verdict = report.local.get(mode, trajectory)  # with a local layer, the bound is its alone
            causes = report.explained.get(mode)
            check = report.confirmed.get(mode)
            if not causes and reformulated and check is not None:
                if not check["ok"]:
                    refused[mode] = f"not a reformulation: {check['detail']}"
                    continue
                causes = ("reformulation",)
                confirmed[mode] = max(confirmed.get(mode, (0.0, 0.0)), (check["tf1"], check["port"]))
            if causes:  # a local step's ULPs are counted at each field's largest value: no atol needed
                known, ulp, atol = worst.get(mode, ((), 0.0, 0.0))
                worst[mode] = (tuple(dict.fromkeys(known + causes)), max(ulp, verdict.max_ulp),
                               max(atol, 0.0 if mode in report.local else verdict.max_abs))
            elif verdict.status != "bit-identical":
                refused[mode] = "its difference is not explained by a cause (a porting difference?)"
    where = describe(fingerprint())
    entries = []
    for mode, (causes, max_ulp, max_abs) in worst.items():
        if mode in refused:
            continue
        ulp, atol = rounded(max_ulp, max_abs)
        bounds = [Bound(cause, ulp, atol, "") for cause in causes]
        try:
            for reference in references:
                check_rounding({mode: bounds}, reference)
        except NotARoundingBound as error:
            refused[mode] = f"the difference is larger than rounding ({error})"
            continue
        if "reformulation" in causes:
            tf1, port = confirmed[mode]
            measured = (f"{reformulated}: max {max_ulp:g} ULP of each field's largest value on local updates over "
                        f"seeds 0-{seeds - 1}; in float64 the TF1 updates within {tf1:.3g} ULP of the port's, its "
                        f"own float32 within {port:.3g}; {where}")
        else:
            measured = (f"max {max_ulp:g} ULP, |diff| {max_abs:.3g} over seeds 0-{seeds - 1}, bit-identical "
                        f"with {' and '.join(causes)} off; {where}")
        entries += [{"mode": mode, "cause": cause, "ulp": ulp, "atol": atol, "measured": measured} for cause in causes]
    return entries, dict(sorted(refused.items()))
