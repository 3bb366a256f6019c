"""Results as JSON that round-trips exactly, written atomically.

Finite floats are written with ``repr`` of their float64 value (exact for float32 and float64).
Non-finite values, which JSON lacks, are strings: "Infinity", "-Infinity", "NaN" for the default
quiet NaN of its dtype, and any other NaN (negative, or with a payload) by its bits in that dtype,
"NaN:0xffc00000" (float32) or "NaN:0xfff8000000000000" (float64), so sign and payload come back.
The dtype of every trace field is kept in ``parity.dtypes`` so a reader can rebuild the arrays.
"""
import hashlib
import json
import math

import numpy as np

from tfparity.core.files import write_atomic  # noqa: F401  (its home before files.py; still imported from here)

NAN_BITS = "NaN:0x"  # prefix of a NaN written by its bits
UNSIGNED = {2: np.uint16, 4: np.uint32, 8: np.uint64}  # float itemsize -> same-width integer
FLOATS = {2: np.float16, 4: np.float32, 8: np.float64}


def _nan_from_bits(text):
    digits = text[len(NAN_BITS):]
    width = len(digits) // 2
    return np.array([int(digits, 16)], UNSIGNED[width]).view(FLOATS[width])[0]


class _NonFinite(dict):
    """The three plain spellings; ``get`` also reads "NaN:0x..." (as a Python float, which keeps
    the sign and the payload of a quiet NaN through float32 and back), for readers that build
    arrays from ``[NON_FINITE.get(v, v) ...]``. ``decode_array`` is exact for every NaN."""

    def get(self, key, default=None):
        if isinstance(key, str) and key.startswith(NAN_BITS):
            return float(_nan_from_bits(key))
        return super().get(key, default)


NON_FINITE = _NonFinite({"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf})


def non_finite_text(value):
    """The string for one non-finite numpy or Python float, with its bits where they matter."""
    value = value if isinstance(value, np.floating) else np.float64(value)
    if np.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    unsigned = UNSIGNED[value.itemsize]
    bits = int(np.array([value]).view(unsigned)[0])
    if bits == int(np.array([np.nan], value.dtype).view(unsigned)[0]):
        return "NaN"
    return f"{NAN_BITS}{bits:0{2 * value.itemsize}x}"


def _float_array(array):
    if array.ndim == 0:
        return array.item() if np.isfinite(array) else non_finite_text(array[()])
    out = array.astype(object)  # Python floats: exact for float16/32/64
    bad = ~np.isfinite(array)
    for index in zip(*np.nonzero(bad)):
        out[index] = non_finite_text(array[index])
    return out.tolist()


def decode_array(values, dtype):
    """Nested JSON lists (numbers and the strings above) as an array of ``dtype``, bit for bit."""
    dtype = np.dtype(dtype)
    if not isinstance(values, list):
        return decode_array([values], dtype)[0]
    cells = np.array(values, dtype=object)
    text = np.frompyfunc(lambda v: isinstance(v, str), 1, 1)(cells).astype(bool)
    out = np.where(text, 0, cells).astype(dtype)
    for index in zip(*np.nonzero(text)):
        word = cells[index]
        if not word.startswith(NAN_BITS):
            out[index] = NON_FINITE[word]
        elif len(word) - len(NAN_BITS) == 2 * dtype.itemsize:  # the dtype's own bits: exact
            out.view(UNSIGNED[dtype.itemsize])[index] = int(word[len(NAN_BITS):], 16)
        else:
            out[index] = _nan_from_bits(word)
    return out


def jsonable(value):
    """Plain JSON types for arrays, numpy scalars, verdicts and non-finite floats."""
    if hasattr(value, "to_dict"):
        return jsonable(value.to_dict())
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind == "f":
        return _float_array(np.asarray(value))
    if isinstance(value, (np.ndarray, np.generic)):
        return jsonable(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return non_finite_text(value)
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
    return {mode: {field: values if isinstance(values, dict) else  # a digest, not the values
                   decode_array(values, dtypes[field]) for field, values in trace.items()}
            for mode, trace in document["traces"].items()}
