"""The tf_upgrade_v2 path: legacy TF 1.x code -> the tool's output -> the tf1_graph twin -> TF2.

A study: ``measure()`` runs the installed `tf_upgrade_v2` script, then each stage in a fresh
process (``tfparity.studies.upgrade.stage``) on the regression example's inputs, and compares every
stage's trace with the tf1_graph twin's; ``render(folder)`` writes docs/upgrade.md.
"""
import difflib
import pathlib
import subprocess
import sys
import tempfile

from tfparity.core import fresh, records
from tfparity.core.files import write_atomic
from tfparity.core.machine import describe, fingerprint
from tfparity.core.paths import NOTES, ROOT
from tfparity.render.pages import GENERATED, table

LEGACY = ROOT / "legacy" / "regression_tf1x.py"


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
    """One stage's verdict, in a fresh process: disable_eager_execution() lasts for the process."""
    return fresh.call("tfparity.studies.upgrade.stage:measure", {"path": str(path), "how": how})


def measure():
    with tempfile.TemporaryDirectory() as folder:
        upgraded, report = upgrade(folder)
        path = pathlib.Path(folder) / "upgraded.py"
        diff = "".join(difflib.unified_diff(LEGACY.read_text().splitlines(True), upgraded.splitlines(True),
                                            "legacy/regression_tf1x.py", "tf_upgrade_v2 output"))
        return {
            "example": "upgrade", "machine": fingerprint(), "report": report, "diff": diff,
            "1. legacy file on TF2, vs the tf1_graph twin": run_stage(LEGACY, "eager"),
            "2. upgraded file on TF2 (eager by default), vs the tf1_graph twin": run_stage(path, "eager"),
            "3. upgraded file after disable_eager_execution(), vs the tf1_graph twin": run_stage(path, "graph-mode"),
        }


def page(record, regression):
    legacy = (ROOT / "legacy" / "regression_tf1x.py").read_text().strip()
    stages = [[k, v] for k, v in record.items() if k[0].isdigit()]
    how = {"tf2_eager": "eager", "tf2_function": "as a tf.function", "tf2_keras": "its Keras model trained by fit"}
    stages += [[f"4. tf2_eager twin, {how.get(mode, mode)}, vs the tf1_graph twin", verdict]
               for mode, verdict in regression["verdicts"].items()]
    return "\n\n".join([(NOTES / "upgrade.md").read_text().strip(), GENERATED,
                         "## Stage 1: the legacy TF 1.x file", f"```python\n{legacy}\n```",
                         "## Stage 2: what `tf_upgrade_v2` changed", f"```diff\n{record['diff'].strip()}\n```",
                         "Its report:", "\n".join(f"- {line}" for line in record["report"]),
                         f"## Every stage, run on {describe(record['machine'])} with the regression inputs (seed 0)",
                         table(["stage", "result"], stages),
                         "## Stages 3 and 4: the twins",
                         "The [regression page](regression.md) shows `tf1_graph/regression.py` and "
                         "`tf2_eager/regression.py` side by side."]) + "\n"


def render(folder):
    if records.record_path(folder, "upgrade").exists():
        write_atomic(folder / "upgrade.md", page(records.load_plain(folder, "upgrade"),
                                                 records.load_plain(folder, "regression")))
