"""Printing: the side-by-side table at the report interval, verdict lines, and the twins' log."""
import re

import numpy as np

from tfparity.core.modes import REFERENCE, epochs_run

# The summary table's columns, in order ("ran": what each mode ran of the example's run).
# "local": the local layer (one update from the Session's own state), "—" where the example has none.
SUMMARY_COLUMNS = ("example", "mode", "verdict", "local", "ran", "final loss", "final accuracy", "seconds")
# How the table's verdict marks a mode that ran its first epochs only (harness.first_epochs).
PARTIAL = ", partial"
# What the verdict line and the table say of a mode ``tfparity run`` leaves out by default (FIRST_EPOCHS 0).
NOT_RUN = "not run by default, as every epoch of it is slow (--full runs it)"
NOT_RUN_CELL = "not run"


def print_log(trace, every):
    """The twins' own log, cookbook style: every ``every`` steps, each field's value."""
    n = len(next(iter(trace.values())))
    for step in range(every, n + 1, every):
        print(f"Step #{step} " + " ".join(f"{f} = {v[step - 1]}" for f, v in trace.items()))


def _groups(trace):
    """Fields grouped by run prefix ('lr=1/float64/w' -> group 'lr=1/float64')."""
    groups = {}
    for field in trace:
        prefix, _, name = field.rpartition("/")
        groups.setdefault(prefix, []).append(field)
    return groups


def table(result, every, fields=2):
    """Lines of a side-by-side table: step, then the first ``fields`` fields under each mode."""
    traces = result["traces"]
    modes = list(traces)
    lines = []
    for prefix, names in _groups(traces[REFERENCE]).items():
        shown = names[:fields]
        if prefix:
            lines.append(f"[{prefix}]")
        unit = "epoch" if "epochs" in result["inputs"] else "step"
        header = [unit] + [f"{f.rpartition('/')[2]} {m}" for f in shown for m in modes]
        rows = [header]
        n = len(traces[REFERENCE][shown[0]])
        steps = sorted(set(range(every, n + 1, every)) | {n})
        for step in steps:
            rows.append([str(step)] + [str(traces[m][f][step - 1]) if step <= len(traces[m][f])
                                       else "-" for f in shown for m in modes])
        widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
        lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in rows]
    return lines


def diverged(result):
    """True when every mode, in every group of fields, is already inf or NaN at the first step:
    equal traces then prove nothing (NaN equals NaN in the comparison), so it is not parity."""
    for trace in result["traces"].values():
        for names in _groups(trace).values():
            first = [np.asarray(trace[f])[:1] for f in names if np.asarray(trace[f]).dtype.kind == "f"]
            if not any(len(a) and not np.isfinite(a).all() for a in first):
                return False
    return bool(result["traces"])


def verdict_lines(result):
    parity = result["parity"]
    if diverged(result) and summary_ok(result):
        return [f"{result['example']}: diverged: every mode is inf or NaN from step 1, so parity "
                "was not measured (lower the learning rate)"]
    local, traces = parity.get("local", {}), result["traces"]
    lines = [f"{result['example']}: {mode} vs {parity['reference']}: {verdict}" if mode not in local else
             f"{result['example']}: {mode} vs {parity['reference']}: local, {local[mode].local} updates from the "
             f"Session's own state: {local[mode]}; trajectory: {verdict}; {both_ways(traces[parity['reference']], traces[mode])}"
             for mode, verdict in parity["verdicts"].items()]
    if parity["reference"] in local:
        lines.insert(0, f"{result['example']}: {parity['reference']} from its own state ({local[parity['reference']].local} "
                        f"updates; the control that the state set and read is all of it): {local[parity['reference']]}")
    lines += [f"{result['example']}: {mode}: {NOT_RUN}" for mode in not_run(result)]
    lines += [f"{result['example']}: hand-written vs automatic gradient in {mode}: {verdict}"
              for mode, verdict in parity["manual_vs_auto"].items()]
    return lines


def summary_ok(result):
    parity = result["parity"]
    return all(v.ok for group in ("verdicts", "local", "manual_vs_auto") for v in parity.get(group, {}).values())


def both_ways(reference, trace):
    """The trajectory's end, always said: final loss and accuracy of the mode, then of the Session's run
    (where the trace has them), and how far the per-update loss moved apart: at the first update it
    differs and at its largest."""
    said = [f"final {what} {_last(trace, ending)} (TF1 {_last(reference, ending)})"
            for what, ending in (("loss", ("loss", "cost")), ("accuracy", "accuracy"))
            if _last(reference, ending) != "—"]
    if "loss" in reference and "loss" in trace:
        n = min(len(reference["loss"]), len(trace["loss"]))
        apart = np.abs(np.asarray(reference["loss"][:n], np.float64) - np.asarray(trace["loss"][:n], np.float64))
        moved = np.nonzero(apart)[0]
        if len(moved):
            said.append(f"loss |diff| {apart[moved[0]]:.2g} at update {moved[0] + 1}, "
                        f"{apart.max():.2g} at most (update {int(apart.argmax()) + 1})")
    return ", ".join(said)


def _last(trace, ending):
    field = next((f for f, v in trace.items() if f.endswith(ending) and v.ndim == 1), None)
    return f"{trace[field][-1]:.6g}" if field else "—"


def _short(verdict):
    if verdict.status == "bit-identical":
        text = "bit-identical"
    elif verdict.status == "within":
        text = f"within, max {verdict.max_ulp:g} ULP ({', '.join(verdict.causes)})"
    elif verdict.status == "differs":
        text = f"differs from step {verdict.first_difference['step']} ({', '.join(verdict.causes)})"
    else:
        text = f"MISMATCH at step {verdict.first_mismatch['step']}"
    return text + PARTIAL if verdict.partial else text


def ran(result, mode):
    """What ``mode`` ran of the example's run: 'all 30 epochs', 'epochs 1–2 of 30' (its first epochs
    only, ``harness.first_epochs``), or 'all 100 steps' and 'whole run' where there are no epochs."""
    inputs, scope = result["inputs"], result["parity"].get("scope", {})
    if "epochs" in inputs:
        return epochs_run(scope.get(mode, inputs["epochs"]), inputs["epochs"])
    return f"all {inputs['steps']:,} steps" if "steps" in inputs else "whole run"


def not_run(result):
    """The modes the run left out (``harness.first_epochs`` of 0), in the order they would have run."""
    return [mode for mode, epochs in result["parity"].get("scope", {}).items() if epochs == 0]


def summary(results, seconds):
    """One table, a row per example and mode: the verdict, what the mode ran, final loss and
    accuracy, seconds."""
    rows = [list(SUMMARY_COLUMNS)]
    for name, result in results.items():
        verdicts, diverged = result["parity"]["verdicts"], result["parity"].get("diverged")
        for mode, trace in result["traces"].items():
            verdict = ("reference" + (PARTIAL if mode in result["parity"].get("scope", {}) else "")
                       if mode == REFERENCE else "diverged" if diverged else _short(verdicts[mode]))
            local = result["parity"].get("local", {}).get(mode)
            local = ("diverged" if diverged else _short(local).replace(PARTIAL, "")) if local else "—"
            rows.append([name, mode, verdict, local,
                         ran(result, mode), _last(trace, ("loss", "cost")), _last(trace, "accuracy"),
                         f"{seconds.get(name, {}).get(mode, float('nan')):.1f}"])
        rows += [[name, mode, NOT_RUN_CELL, "—", ran(result, mode), "—", "—", "0.0"] for mode in not_run(result)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]


def read_summary(lines):
    """The rows of a ``summary`` table printed by ``tfparity run``, as dicts keyed by its columns
    (seconds as a float) and "partial" (whether the mode ran its first epochs only, or not at all): how
    ``tfparity bench --main-job`` reads each mode's time."""
    lines = iter(lines)
    for line in lines:
        if line.split() == [word for column in SUMMARY_COLUMNS for word in column.split()]:
            break
    else:
        raise ValueError("no parity summary table in the output")
    rows = []
    for line in lines:
        cells = re.split(r" {2,}", line.strip())
        if len(cells) != len(SUMMARY_COLUMNS):
            break
        row = dict(zip(SUMMARY_COLUMNS, cells))
        rows.append(dict(row, seconds=float(row["seconds"]), partial=row["verdict"].endswith(PARTIAL) or row["verdict"] == NOT_RUN_CELL))
    return rows
