"""Results as JSON that round-trips exactly, written atomically.

Finite floats are written with ``repr`` of their float64 value (exact for float32 and float64);
NaN and ±inf, which JSON lacks, are written as the strings "NaN", "Infinity" and "-Infinity".
The dtype of every trace field is kept in ``parity.dtypes`` so a reader can rebuild the arrays.
"""
import hashlib
import json
import math
import os
import tempfile

import numpy as np

NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def jsonable(value):
    """Plain JSON types for arrays, numpy scalars, verdicts and non-finite floats."""
    if hasattr(value, "to_dict"):
        return jsonable(value.to_dict())
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (np.ndarray, np.generic)):
        return jsonable(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value


# Arrays larger than this (MNIST itself, a whole batch schedule, 784×784 final weights) are named
# by their digest instead of embedded: shared_data and the twins regenerate them from the seed.
EMBED_LIMIT = 100_000


def _input(value):
    if isinstance(value, np.ndarray) and value.size > EMBED_LIMIT:
        return {"shape": list(value.shape), "dtype": str(value.dtype),
                "sha256": hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest(),
                "note": "not embedded: regenerate with shared_data from the seed"}
    return value


def _with_dtypes(result):
    """The result as written: large inputs by digest, trace dtypes, each mode's final values."""
    traces = result["traces"]
    dtypes = {field: str(array.dtype) for trace in traces.values() for field, array in trace.items()}
    final = {mode: {f: a[-1] for f, a in trace.items() if a.ndim == 1} for mode, trace in traces.items()}
    inputs = {name: _input(value) for name, value in result["inputs"].items()}
    traces = {mode: {f: _input(a) for f, a in trace.items()} for mode, trace in traces.items()}
    return dict(result, inputs=inputs, traces=traces,
                parity=dict(result["parity"], dtypes=dtypes, final=final))


def dumps(value, depth=0):
    """Dicts one key a line, lists on one line: readable and still exact."""
    if isinstance(value, dict) and value:
        pad = " " * (depth + 1)
        items = [f"{pad}{json.dumps(k)}: {dumps(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * depth + "}"
    return json.dumps(value, allow_nan=False)


def to_json(document):
    """A ``run_example`` result, or a dict of them keyed by example name, as JSON text."""
    if "example" in document:
        document = _with_dtypes(document)
    else:
        document = {name: _with_dtypes(result) for name, result in document.items()}
    return dumps(jsonable(document)) + "\n"


def traces_from_json(document):
    """The traces of a parsed result document, as numpy arrays of their original dtypes."""
    dtypes = document["parity"]["dtypes"]
    decode = (lambda v: [decode(x) for x in v] if isinstance(v, list) else NON_FINITE.get(v, v))
    return {mode: {field: values if isinstance(values, dict) else  # a digest, not the values
                   np.array(decode(values), dtype=dtypes[field]) for field, values in trace.items()}
            for mode, trace in document["traces"].items()}


def write_atomic(path, text):
    """Write ``text`` (str or bytes) to ``path`` via a temporary file in its folder and a rename."""
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=os.path.basename(path))
    umask = os.umask(0)
    os.umask(umask)
    try:
        binary = isinstance(text, bytes)
        with os.fdopen(handle, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})) as out:
            out.write(text)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp's 0600 would hide results from others
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
