"""The recorder tried on a corpus of real TF1 programs, each in a process of its own: what happens to
each (recorded, ended before a training run, not served, failed) and what recording costs, a recorded
training run's time against an unrecorded one's in the same run (the first ``steps`` of each, medians).
``tfparity bench --recorder`` runs it over parity_tests/legacy_corpus and, with --docs, keeps the
record in docs/results/record.json, from which docs/porting.md quotes its numbers.

``python -m tfparity.record.survey SCRIPT STEPS`` is the one-script measurement the survey starts:
it prints one JSON object.
"""
import json
import os
import subprocess
import sys
import tempfile

# Each program runs until its STEPS training runs are recorded and STEPS more are timed: a handful, so
# that a program of thousands of steps is measured in seconds, enough for a median.
STEPS = 5
# What a recorded training run may cost against an unrecorded one (issue 29's goal): the survey reports
# each program's ratio beside it.
OVERHEAD_GOAL = 1.3
# A program that has not reached them by then is reported as such (its data loading, or one step, is that slow).
TIMEOUT_SECONDS = 600


def survey(folder, steps=STEPS, progress=lambda line: None):
    """{script name: its outcome} for every ``.py`` of ``folder``, in name order."""
    found = {}
    for name in sorted(n for n in os.listdir(folder) if n.endswith(".py")):
        progress(name)
        found[name] = _one(os.path.join(folder, name), steps)
    return found


def _one(path, steps):
    command = [sys.executable, "-m", "tfparity.record.survey", path, str(steps)]
    with tempfile.TemporaryDirectory() as scratch:  # the program's own files (/tmp/data/...) stay its own
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
                                  cwd=os.path.dirname(path), env=dict(os.environ, TMPDIR=scratch))
        except subprocess.TimeoutExpired:
            return {"outcome": "timed out", "detail": f"not done within {TIMEOUT_SECONDS} s"}
    lines = done.stdout.strip().splitlines()
    if done.returncode or not lines:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"outcome": "failed", "detail": last[-300:]}
    return json.loads(lines[-1])


def measure(path, steps):
    """One program recorded (``steps`` training runs) and then timed unrecorded: its outcome."""
    from tfparity.core import quiet
    quiet.import_tensorflow()
    from tfparity.record import recorder, recording, runtime
    timing = {}
    try:
        index, arrays = recorder.record(path, (), steps, False, timing, timed_stop=True)
    except runtime.Unserved as unserved:
        return {"outcome": "not served", "detail": str(unserved)}
    except runtime.ScriptFailed as failed:
        return {"outcome": "failed", "detail": failed.how}
    size = len(recording.to_bytes(index, arrays))
    found = {"outcome": "recorded" if index["trained"] else "ended before a training run", "runs": len(index["runs"]),
             "trained": index["trained"], "bytes": size}
    measured = recorder.overhead(timing)
    if measured is not None:
        found.update(zip(("recorded_seconds", "unrecorded_seconds", "overhead"), measured))
    return found


if __name__ == "__main__":
    outcome = measure(os.path.abspath(sys.argv[1]), int(sys.argv[2]))
    sys.stdout.flush()
    print(json.dumps(outcome))
