"""A name map read and checked, without TensorFlow: ``{TF1 name: dotted path, or null}``.

A path is the attributes from a root object to a variable joined by dots (``model.dense.kernel``,
``optimizer.slots.m.0``); null leaves the TF1 variable out on purpose. Every map that passes is a
checkpoint one can restore: no empty part (it would write the key ``model//kernel``), no slash
(TensorFlow would escape it to ``.S``), no two names on one path (one would be lost), no path
through another entry's variable, at least one variable. Bad maps raise ``CheckpointError``.
"""
import json
import os
import stat

from tfparity.checkpoint.prefixes import CheckpointError, kind

# A map has a line per variable: a large model's is well under a megabyte, so more is not a map
# (and /dev/zero-like files are refused by type before this).
MAX_BYTES = 64 * 2 ** 20
FORMAT = "{TF1 name: dotted path, or null to leave it out}"
EXAMPLE = "model.dense.kernel"
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


def load(path, option="--map"):
    """The map in the JSON file at ``path``, checked; a special file is refused before it is opened."""
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
        if not isinstance(entry, (str, type(None))):
            raise CheckpointError(f"{where}: entry {name!r} is {_json_type(entry)}: expected a dotted path "
                                  f"such as {EXAMPLE}, or null")
    check(mapping, where)
    return mapping


def path_of(entry):
    """An entry's path: the entry itself, or its "path" (``{"path": P, "iterations_from_beta": b}``)."""
    return entry["path"] if isinstance(entry, dict) else entry


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
        path = path_of(entry)
        if path is None:
            continue
        _check_path(name, path, where)
        if path in owners:
            raise CheckpointError(f"{where}: entries {owners[path]!r} and {name!r} both go to {path}: "
                                  f"one variable would be lost")
        owners[path] = name
    for path, name in owners.items():
        parts = path.split(".")
        above = next((".".join(parts[:i]) for i in range(1, len(parts)) if ".".join(parts[:i]) in owners), None)
        if above is not None:
            raise CheckpointError(f"{where}: entry {owners[above]!r} puts a variable at {above}, so entry {name!r} "
                                  f"cannot go through it to {path}")
    if not owners:
        raise CheckpointError(f"{where} maps no variable (every entry is null): nothing to convert")
