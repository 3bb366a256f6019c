"""``tfparity bench``: time every example under every execution mode, each in its own process,
with its parity class against the TF1 Session trace; then the determinism matrix.

Timing and tracing run in child processes (``tfparity.studies.performance.worker``) so that each mode's peak memory
is its own and each setting of the determinism matrix starts TensorFlow afresh.
"""
import json
import os
import pickle
import platform
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from tfparity.core import signals
from tfparity.core.compare import compare
from tfparity.core.harness import declared_modes, load
from tfparity.core.machine import ONEDNN_OFF, ONEDNN_ON, describe, fingerprint
from tfparity.core.modes import ALL_MODES, KERAS_MODE, REFERENCE
from tfparity.core.paths import ROOT
from tfparity.core.report import read_summary
from tfparity.core.tolerances import tolerance

FULL_REPEATS, QUICK_REPEATS = 5, 2
# The main job: the README's first command, timed as a user runs it (``bench --main-job``).
MAIN_JOB = ("run", "--all")
# What the record keeps of each row of the main job's summary table (``read_summary``): the seconds,
# and what they bought.
MAIN_JOB_COLUMNS = ("example", "mode", "ran", "verdict", "partial", "seconds")
# The determinism matrix: each setting is a fresh process with these environment variables.
SETTINGS = {
    "default": {},
    "TF_ENABLE_ONEDNN_OPTS=0": ONEDNN_OFF,
    "TF_ENABLE_ONEDNN_OPTS=1": ONEDNN_ON,
    "1 intra-op thread": {"TF_NUM_INTRAOP_THREADS": "1"},
    "2 intra-op threads": {"TF_NUM_INTRAOP_THREADS": "2"},
}


class WorkerError(Exception):
    pass


def _worker(arguments, environment, folder):
    out = Path(folder) / f"{uuid.uuid4().hex}.pkl"
    done = signals.child([sys.executable, "-m", "tfparity.studies.performance.worker", *arguments, "--out", str(out)],
                         env=dict(os.environ, **environment), cwd=ROOT)  # never left running when interrupted
    if done.returncode:
        lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
        raise WorkerError(lines[-1])
    return pickle.loads(out.read_bytes())


def parity_class(verdict):
    """'bit-identical', or the largest distance measured, flagged where beyond the table's bound."""
    if verdict.status == "bit-identical":
        return "bit-identical"
    text = f"{verdict.max_ulp:g} ULP, abs {verdict.max_abs:.1e}"
    return text if verdict.ok else text + " (beyond the tolerance table)"


def time_example(name, quick, repeats, folder, progress, options=None):
    """Each mode of example ``name`` timed in a worker process; ``options``: make_inputs options of a
    variant (None: the example as it is by default)."""
    flags = ["--repeats", str(repeats)] + (["--quick"] if quick else []) + (
        ["--options", json.dumps(options)] if options else [])
    modes, traces = {}, {}
    # The Keras fit stage, timed too where an example declares it (the example's other own modes, such
    # as data_parallel's worker processes, are timed on their own pages).
    for mode in ALL_MODES + tuple(m for m in declared_modes(load(name)[0]) if m == KERAS_MODE):
        progress(f"{name}: {mode}")
        try:
            modes[mode], traces[mode] = _worker(["time", name, "--modes", mode] + flags, {}, folder)
        except WorkerError as error:
            modes[mode] = {"error": str(error)}
    session = modes[REFERENCE].get("per_step_s", {}).get("median")
    for mode, timing in modes.items():
        if mode != REFERENCE and mode in traces and REFERENCE in traces:
            verdict = compare(traces[REFERENCE], traces[mode], *tolerance(name, mode))
            timing.update(parity=parity_class(verdict), status=verdict.status,
                          max_ulp=verdict.max_ulp, max_abs=verdict.max_abs)
        elif mode == REFERENCE:
            timing.update(parity="reference", status="reference")
        if session and "per_step_s" in timing:
            timing["ratio_to_session"] = timing["per_step_s"]["median"] / session
    return modes, traces.get(REFERENCE)


def determinism(names, references, quick, folder, progress):
    """Every example and mode under each setting, against the default-settings TF1 trace (taken
    from the "default" setting's own run where ``references`` is None)."""
    matrix = {name: {} for name in names}
    for setting, environment in SETTINGS.items():
        progress(f"determinism: {setting}")
        try:
            info, traces = _worker(["trace", *names, "--modes", *ALL_MODES] + (["--quick"] if quick else []),
                                   environment, folder)
        except WorkerError as error:
            for name in names:
                matrix[name][setting] = {"error": str(error)}
            continue
        references = references or {name: traces[name][REFERENCE] for name in names}
        for name in names:
            # Distances, not verdicts: the tolerance table bounds modes within one setting.
            row = {mode: parity_class(compare(references[name], trace)).replace(
                " (beyond the tolerance table)", "") for mode, trace in traces[name].items()}
            matrix[name][setting] = dict(row, onednn=info["onednn"], isa=info["isa"])
    return matrix


def by_machine(matrix, here):
    """The determinism section of a results file: one matrix per machine it was measured on."""
    return {describe(here): {"machine": here, "matrix": matrix}}


def main_job():
    """``tfparity run --all`` timed in a fresh process, TensorFlow's import included, as a user
    runs it (its live progress lines pass through on stderr): the wall-clock seconds, the CPU
    seconds it and its own subprocesses used, the 1-minute load average as it started (the machine
    may be shared), and each mode's seconds and what it ran, from the command's own summary table.
    A run that does not exit 0 is no measurement: its "exit_status" says so."""
    load, before = os.getloadavg()[0], resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "tfparity.cli", *MAIN_JOB], cwd=ROOT, stdout=subprocess.PIPE,
                          text=True)
    seconds, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    rows = [] if done.returncode else [{column: row[column] for column in MAIN_JOB_COLUMNS}
                                       for row in read_summary(done.stdout.splitlines())]
    return {"command": f"tfparity {' '.join(MAIN_JOB)}", "exit_status": done.returncode, "seconds": seconds,
            "cpu_seconds": cpu, "machine": fingerprint(), "python": platform.python_version(), "load_average": load,
            "modes": rows}


def bench(names, quick=False, repeats=None, with_determinism=True, progress=lambda line: None,
          with_timing=True, options=None):
    """``options``: {example: its make_inputs options} for variants (timing only)."""
    repeats = repeats or (QUICK_REPEATS if quick else FULL_REPEATS)
    here = fingerprint()
    result = {"tensorflow": here["tensorflow"], "python": platform.python_version(), "machine": here,
              "quick": quick, "repeats": repeats, "examples": {}, "determinism": {}}
    references = {}
    with tempfile.TemporaryDirectory(prefix="tfparity-bench-") as folder:
        for name in names if with_timing else ():
            result["examples"][name], references[name] = time_example(name, quick, repeats, folder, progress,
                                                                      (options or {}).get(name))
            if (options or {}).get(name):
                result.setdefault("options", {})[name] = options[name]
        if with_determinism:
            complete = [n for n in names if references.get(n) is not None] if with_timing else names
            matrix = determinism(complete, references if with_timing else None, quick, folder, progress)
            result["determinism"] = by_machine(matrix, here)
    return result
