"""A name map read and checked, without TensorFlow: ``{TF1 name: dotted path, or null}``.

A path is the attributes from a root object to a variable joined by dots (``model.dense.kernel``,
``optimizer.slots.m.0``); null leaves the TF1 variable out on purpose. Every map that passes is a
checkpoint one can restore: no empty part (it would write the key ``model//kernel``), no slash
(TensorFlow would escape it to ``.S``), no two names on one path (one would be lost), no path
through another entry's variable, at least one variable. Bad maps raise ``CheckpointError``.

A TF1 RNN cell is one entry keyed by its scope (``load(..., cells=True)``, ``tfparity checkpoint``):
``{"cell": "BasicLSTMCell", "forget_bias": 1.0, "kernel": P, "recurrent_kernel": P, "bias": P,
"slots": {"Adam": {"kernel": P, "recurrent_kernel": P, "bias": P}, "Adam_1": {...}}}``, its weights
carried through ``tfparity.port.rnn_cells`` (``tfparity.checkpoint.cells``); ``forget_bias`` is in
no checkpoint and defaults to the cell's default.
"""
import json
import os
import stat

from tfparity.checkpoint.prefixes import CheckpointError, kind
from tfparity.port.rnn_cells import KERAS_WEIGHTS, LAYOUTS

# A map has a line per variable: a large model's is well under a megabyte, so more is not a map
# (and /dev/zero-like files are refused by type before this).
MAX_BYTES = 64 * 2 ** 20
FORMAT = "{TF1 name: dotted path, or null to leave it out}"
EXAMPLE = "model.dense.kernel"
CELL_KEYS = ("cell", "forget_bias", *KERAS_WEIGHTS, "slots")  # a cell entry's keys, the paths required
JSON_TYPES = {dict: "an object", list: "an array", str: "a string", int: "a number", float: "a number",
              bool: "true or false", type(None): "null"}


def _json_type(value):
    return JSON_TYPES.get(type(value), type(value).__name__)


def _unique(pairs):
    """A JSON object's pairs as a dict; a key given twice is refused (json keeps the last silently)."""
    found = {}
    for key, value in pairs:
        if key in found:
            raise CheckpointError(f"TF1 name {key!r} is given twice")
        found[key] = value
    return found


def load(path, option="--map", cells=False):
    """The map in the JSON file at ``path``, checked; a special file is refused before it is opened.
    ``cells``: entries for TF1 RNN cells are allowed (see the module's docstring)."""
    where = f"{option} {path}"
    try:
        mode, size = os.stat(path).st_mode, os.stat(path).st_size
        if not stat.S_ISREG(mode):
            raise CheckpointError(f"{where} is {kind(mode)}, not a JSON file")
        if size > MAX_BYTES:
            raise CheckpointError(f"{where} is {size:,} bytes: a map is at most {MAX_BYTES:,}")
        with open(path, "rb") as file:
            text = file.read(MAX_BYTES + 1)
    except OSError as error:
        raise CheckpointError(f"cannot read {where}: {error.strerror}") from None
    try:
        mapping = json.loads(text, object_pairs_hook=_unique)
    except CheckpointError as error:
        raise CheckpointError(f"{where}: {error}") from None
    except UnicodeDecodeError:
        raise CheckpointError(f"{where} is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise CheckpointError(f"{where} is not JSON: {error}") from None
    except RecursionError:
        raise CheckpointError(f"{where} is nested too deeply to be a map {FORMAT}") from None
    if not isinstance(mapping, dict):
        raise CheckpointError(f"{where}: expected a JSON object {FORMAT}, got {_json_type(mapping)}")
    for name, entry in mapping.items():
        if cells and isinstance(entry, dict):
            check_cell(name, entry, where)
        elif not isinstance(entry, (str, type(None))):
            raise CheckpointError(f"{where}: entry {name!r} is {_json_type(entry)}: expected a dotted path "
                                  f"such as {EXAMPLE}, or null" + (", or a cell's entry {\"cell\": ...}" if cells else ""))
    check(mapping, where)
    return mapping


def path_of(entry):
    """An entry's path: the entry itself, or its "path" (``{"path": P, "iterations_from_beta": b}``)."""
    return entry["path"] if isinstance(entry, dict) else entry


def is_cell(entry):
    return isinstance(entry, dict) and "cell" in entry


def cell_paths(entry):
    """{(slot suffix or None, Keras weight): path} of a cell's entry: its weights', then each slot's."""
    found = {(None, weight): entry[weight] for weight in KERAS_WEIGHTS}
    for suffix, paths in (entry.get("slots") or {}).items():
        found.update({(suffix, weight): paths[weight] for weight in KERAS_WEIGHTS})
    return found


def targets(name, entry):
    """[(what, path)] an entry writes: a plain one its path, a cell's each weight's and slot's."""
    if is_cell(entry):
        return [(f"{name} {weight}" + (f" ({suffix})" if suffix else ""), path)
                for (suffix, weight), path in cell_paths(entry).items()]
    return [] if path_of(entry) is None else [(name, path_of(entry))]


def check_cell(name, entry, where="the map"):
    """A cell's entry: a known cell, the three Keras paths (strings), a number forget_bias for an
    LSTM only, slots each with the three paths, no other key."""
    def wrong(what):
        raise CheckpointError(f"{where}: cell entry {name!r}: {what}")
    unknown = sorted(set(entry) - set(CELL_KEYS))
    if unknown:
        wrong(f"unknown key {unknown[0]!r} (a cell's entry has {', '.join(CELL_KEYS)})")
    if entry.get("cell") not in LAYOUTS:
        wrong(f"cell {entry.get('cell')!r} is not one whose layout is known ({', '.join(LAYOUTS)})")
    forget_bias = entry.get("forget_bias")
    if forget_bias is not None:
        if LAYOUTS[entry["cell"]]["forget_bias"] is None:
            wrong(f"{entry['cell']} has no forget_bias")
        if isinstance(forget_bias, bool) or not isinstance(forget_bias, (int, float)):
            wrong(f"forget_bias is {_json_type(forget_bias)}: expected a number (the program's, e.g. 1.0)")
    slots = entry.get("slots", {})
    if not isinstance(slots, dict):
        wrong(f"slots is {_json_type(slots)}: expected {{TF1 slot suffix such as \"Adam\": {{kernel, recurrent_kernel, bias}}}}")
    for label, paths in [("", entry), *((f"slot {s!r}: ", p) for s, p in slots.items())]:
        if not isinstance(paths, dict):
            wrong(f"{label}is {_json_type(paths)}: expected {{kernel, recurrent_kernel, bias}} paths")
        for weight in KERAS_WEIGHTS:
            if not isinstance(paths.get(weight), str):
                wrong(f"{label}{weight} is " + ("missing" if weight not in paths else _json_type(paths[weight]))
                      + f": expected a dotted path such as model.lstm.cell.{weight}")
        extra = sorted(set(paths) - set(KERAS_WEIGHTS)) if label else []
        if extra:
            wrong(f"{label}unknown key {extra[0]!r} (a slot has {', '.join(KERAS_WEIGHTS)})")


def _check_path(name, path, where):
    if not path:
        raise CheckpointError(f"{where}: entry {name!r} has an empty path: give a dotted path such as "
                              f"{EXAMPLE}, or null to leave it out")
    if "/" in path:
        raise CheckpointError(f"{where}: entry {name!r}: path {path!r} has '/': a path's parts are joined by "
                              f"dots ({path.replace('/', '.')})")
    if "" in path.split("."):
        raise CheckpointError(f"{where}: entry {name!r}: path {path!r} has an empty part: parts are names "
                              f"joined by single dots, e.g. {EXAMPLE}")
    if any(c.isspace() or not c.isprintable() for c in path):
        raise CheckpointError(f"{where}: entry {name!r}: path {path!r} has a space or a control character")


def check(mapping, where="the map"):
    """Every path well formed, on one variable each, none through another's variable, at least one."""
    owners = {}
    for name, entry in mapping.items():
        if is_cell(entry):
            check_cell(name, entry, where)
        for what, path in targets(name, entry):
            _check_path(what, path, where)
            if path in owners:
                raise CheckpointError(f"{where}: entries {owners[path]!r} and {what!r} both go to {path}: "
                                      f"one variable would be lost")
            owners[path] = what
    for path, name in owners.items():
        parts = path.split(".")
        above = next((".".join(parts[:i]) for i in range(1, len(parts)) if ".".join(parts[:i]) in owners), None)
        if above is not None:
            raise CheckpointError(f"{where}: entry {owners[above]!r} puts a variable at {above}, so entry {name!r} "
                                  f"cannot go through it to {path}")
    if not owners:
        raise CheckpointError(f"{where} maps no variable (every entry is null): nothing to convert")
