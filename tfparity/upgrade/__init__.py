"""The tf_upgrade_v2 stage: legacy TF 1.x code -> the tool's output -> the tf1_graph twin -> TF2.

Runs the installed `tf_upgrade_v2` script, then each stage in a fresh process on the regression
example's inputs, and compares every stage's trace with the tf1_graph twin's.
"""
import difflib
import json
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
LEGACY = ROOT / "legacy" / "regression_tf1x.py"
STAGE = """
import importlib.util, json, sys
import tensorflow as tf
if sys.argv[2] == "graph-mode":
    tf.compat.v1.disable_eager_execution()
spec = importlib.util.spec_from_file_location("stage", sys.argv[1])
stage = importlib.util.module_from_spec(spec)
spec.loader.exec_module(stage)
from shared_data.regression import make_inputs
import tf1_graph.regression as twin
from tfparity.compare import compare
inputs = make_inputs(0)
try:
    result = str(compare(twin.run(inputs), stage.run(inputs)))
except Exception as error:
    result = f"{type(error).__name__}: {str(error).splitlines()[0]}"
print(json.dumps(result))
"""


def tool():
    return str(pathlib.Path(sys.executable).with_name("tf_upgrade_v2"))


def upgrade(folder):
    """Run tf_upgrade_v2 on the legacy file; return the upgraded text and the report's INFO lines."""
    out, report = pathlib.Path(folder) / "upgraded.py", pathlib.Path(folder) / "report.txt"
    subprocess.run([tool(), "--infile", str(LEGACY), "--outfile", str(out), "--reportfile", str(report)],
                   check=True, capture_output=True, cwd=ROOT)
    notes = [line.split(": ", 1)[1] for line in report.read_text().splitlines() if ": INFO: " in line]
    summary = [line for line in report.read_text().splitlines() if line.startswith("Detected")]
    return out.read_text(), notes + summary


def run_stage(path, how):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    done = subprocess.run([sys.executable, "-c", STAGE, str(path), how], capture_output=True,
                          text=True, env=env, cwd=ROOT)
    if done.returncode:
        raise RuntimeError(f"stage {path} failed: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure():
    with tempfile.TemporaryDirectory() as folder:
        upgraded, report = upgrade(folder)
        path = pathlib.Path(folder) / "upgraded.py"
        diff = "".join(difflib.unified_diff(LEGACY.read_text().splitlines(True), upgraded.splitlines(True),
                                            "legacy/regression_tf1x.py", "tf_upgrade_v2 output"))
        return {
            "report": report, "diff": diff,
            "1. legacy file on TF2, vs the tf1_graph twin": run_stage(LEGACY, "eager"),
            "2. upgraded file on TF2 (eager by default), vs the tf1_graph twin": run_stage(path, "eager"),
            "3. upgraded file after disable_eager_execution(), vs the tf1_graph twin": run_stage(path, "graph-mode"),
        }
