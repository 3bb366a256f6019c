"""Compact, deterministic records of measured runs: what the generated guide is built from.

A record keeps verdict summaries, each mode's final values and every series (subsampled to at
most MAX_POINTS). No timings, so regenerating the same run gives the same bytes.
"""
import json
import math
import pathlib

from tfparity.core.jsonio import decode_array, dumps, jsonable, write_atomic

MAX_POINTS = 1000


def _series(array):
    every = max(1, math.ceil(len(array) / MAX_POINTS))
    return {"every": every, "dtype": str(array.dtype), "values": array[every - 1::every]}


def final_values(traces):
    """Each mode's scalar fields after its last step: a record's "final"."""
    return {mode: {f: a[-1] for f, a in trace.items() if a.ndim == 1 and a.dtype.kind == "f"}
            for mode, trace in traces.items()}


def make_record(result):
    """The record of one run. An example may name small final arrays to keep for its own figures
    (``recorded_arrays`` in its inputs, e.g. first-layer filters): they go under "arrays"."""
    traces, parity = result["traces"], result["parity"]
    kept = result["inputs"].get("recorded_arrays", ())
    arrays = {"arrays": {mode: {f: trace[f][-1] for f in kept} for mode, trace in traces.items()}} if kept else {}
    return jsonable({
        "example": result["example"], "seed": result["seed"], "machine": result["machine"],
        "verdicts": {mode: str(v) for mode, v in parity["verdicts"].items()},
        "manual_vs_auto": {mode: str(v) for mode, v in parity["manual_vs_auto"].items()},
        **({"local": {mode: str(v) for mode, v in parity["local"].items()}} if parity.get("local") else {}),
        "final": final_values(traces),
        "series": {mode: {f: _series(a) for f, a in trace.items() if a.ndim == 1}
                   for mode, trace in traces.items()},
        "predictions": {mode: {f: a[0] for f, a in trace.items()
                               if f.endswith("test_predictions") and a.size <= 1000}
                        for mode, trace in traces.items()},
        "settings": {k: v for k, v in result["inputs"].items()
                     if isinstance(v, (int, float, str)) and not isinstance(v, bool)},
        **arrays,
    })


def record_path(folder, name):
    return pathlib.Path(folder) / "results" / f"{name}.json"


def save(folder, record):
    path = record_path(folder, record["example"])
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, dumps(record) + "\n")


def load(folder, name):
    record = json.loads(record_path(folder, name).read_text())
    for trace in record["series"].values():
        for field, series in trace.items():
            series["values"] = decode_array(series["values"], series["dtype"])
    return record


def load_plain(folder, name):
    """A record as stored, without turning series into arrays."""
    return json.loads(record_path(folder, name).read_text())
