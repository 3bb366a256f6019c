"""Bench results as text: the per-example table, the targets with their verdicts, the
determinism matrix, and a bar chart of the time per step."""
from tfparity.core.machine import describe
from tfparity.core.modes import ALL_MODES, KERAS_MODE, REFERENCE
from tfparity.core.report import NOT_RUN_CELL
from tfparity.render.pages import table

LABELS = {"tf1_graph": "TF1 Session", "tf2_eager": "TF2 eager", "tf2_function": "tf.function per step",
          "tf2_loop": "whole loop in one tf.function", "tf2_xla": "whole loop, jit_compile=True",
          "tf2_keras": "Keras model.fit"}
# The modes of the timing tables: the harness's, then the Keras stage where an example has one.
TIMED = ALL_MODES + (KERAS_MODE,)
# The targets: whole loop vs Session per step on scalar examples, XLA likewise, and the
# MLP's epoch in its fastest bit-identical TF2 mode.
LOOP_SPEEDUP, XLA_SPEEDUP, MLP_EPOCH_S = 10, 100, 0.3


def _time(seconds):
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6)):
        if abs(seconds) >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds * 1e9:.3g} ns"


def _spread(stats):
    text = f"{_time(stats['median'])} ({_time(stats['min'])}–{_time(stats['max'])})"
    return text + " — below resolution" if stats["min"] <= 0 else text


def example_table(modes):
    header = ["mode", "parity vs Session", "per step: median (min–max)", "ratio to Session", "long run",
              "setup: build, trace, compile", "peak RSS (MiB)", "repeat runs"]
    rows = []
    for mode in TIMED:
        m = modes.get(mode)
        if m is None:
            continue
        if "error" in m:
            rows.append([LABELS[mode], f"error: {m['error']}"] + [""] * 6)
            continue
        rows.append([LABELS[mode], m["parity"], _spread(m["per_step_s"]), f"{m['ratio_to_session']:.3g}",
                     f"{_spread(m['run_s'])} ({m['updates'][1]} updates)", _time(m["setup_s"]["median"]),
                     f"{m['peak_rss_mib']:.0f} (+{m['peak_rss_mib'] - m['base_rss_mib']:.0f})",
                     "bit-identical" if m["repeatable"] else "DIFFER"])
    return table(header, rows)


def recommended(modes):
    """The fastest TF2 mode at the Session's parity class (bit-identical), or None."""
    same = [m for m in TIMED if m != REFERENCE and modes.get(m, {}).get("status") == "bit-identical"]
    return min(same, key=lambda m: modes[m]["per_step_s"]["median"], default=None)


def targets(result):
    """[(passed, line)] for each target the issue sets, from the numbers measured."""
    lines = []
    for name, modes in result["examples"].items():
        best = recommended(modes)
        if best:
            ratio = modes[best]["ratio_to_session"]
            lines.append((ratio <= 1.0, f"{name}: recommended {LABELS[best]} (bit-identical), "
                                        f"{ratio:.3g}× the Session's time per step (target ≤ 1)"))
        if modes[REFERENCE].get("unit") == "step":  # the scalar examples
            for mode, goal in (("tf2_loop", LOOP_SPEEDUP), ("tf2_xla", XLA_SPEEDUP)):
                m = modes.get(mode, {})
                if "ratio_to_session" in m:
                    speedup = 1 / m["ratio_to_session"]
                    lines.append((speedup >= goal, f"{name}: {LABELS[mode]} {speedup:.3g}× faster than Session "
                                                   f"per step (target ≥ {goal}), {m['parity']}"))
    mlp = result["examples"].get("mlp")
    if mlp and (best := recommended(mlp)):
        per_epoch = {m: mlp[m]["per_step_s"]["median"] * (mlp[m]["updates"][1] - mlp[m]["updates"][0])
                     for m in (best, REFERENCE)}
        lines.append((per_epoch[best] <= MLP_EPOCH_S,
                      f"mlp: one epoch {per_epoch[best]:.3g} s in {LABELS[best]} (target ≤ {MLP_EPOCH_S} s"
                      f"{'' if not result['quick'] else ', --quick: a slice, not the epoch'}); "
                      f"TF1 Session {per_epoch[REFERENCE]:.3g} s"))
    return lines


def determinism_table(matrix):
    settings = list(next(iter(matrix.values()), {}))
    rows = [[name, LABELS[mode]] + [by_setting[s].get(mode, by_setting[s].get("error", "")) for s in settings]
            for name, by_setting in matrix.items() for mode in ALL_MODES]
    return table(["example", "mode"] + settings, rows)


def markdown(result):
    parts = [f"Timed on {describe(result['machine'])}, Python {result['python']}, "
             f"{result['repeats']} repeats" + (", --quick" if result["quick"] else "") + "."]
    for name, modes in result["examples"].items():
        variant = ", ".join(f"--{k.replace('_', '-')} {v}" for k, v in result.get("options", {}).get(name, {}).items())
        parts += [f"### {name}" + (f" ({variant})" if variant else ""), example_table(modes)]
    if result["examples"]:
        parts += ["### Targets", "\n".join(f"- {'PASS' if ok else 'MISS'}: {line}" for ok, line in targets(result))]
    for where, measured in result["determinism"].items():
        parts += [f"### Determinism on {where}: parity class against that machine's default-settings "
                  "TF1 Session trace", determinism_table(measured["matrix"])]
    return "\n\n".join(parts) + "\n"


def chart(result, path):
    """Horizontal bars of the median time per step, log scale, one group per example."""
    from tfparity.render.plots import plt, save
    names = list(result["examples"])
    figure, axes = plt.subplots(len(names), 1, figsize=(8, 1.6 * len(names) + 0.6), squeeze=False)
    for axis, name in zip(axes[:, 0], names):
        modes = [m for m in ALL_MODES if "per_step_s" in result["examples"][name].get(m, {})]
        values = [result["examples"][name][m]["per_step_s"]["median"] * 1e6 for m in modes]
        axis.barh([LABELS[m] for m in modes], values, color=["#777"] + ["#4a7"] * (len(modes) - 1))
        axis.set_xscale("log")
        axis.invert_yaxis()
        axis.set_title(name, fontsize=9, loc="left")
        axis.tick_params(labelsize=7)
    axes[-1, 0].set_xlabel("µs per update (median; log scale)")
    save(figure, path)


def _range(values, digits=2):
    low, high = min(values), max(values)
    return f"{low:.{digits}g}×" if f"{low:.{digits}g}" == f"{high:.{digits}g}" else f"{low:.{digits}g}–{high:.{digits}g}×"


def advice(result):
    """What the numbers say about porting, as sentences computed from them."""
    examples = {n: m for n, m in result["examples"].items() if "per_step_s" in m.get(REFERENCE, {})}
    speed = {mode: [1 / m[mode]["ratio_to_session"] for m in examples.values() if "ratio_to_session" in m.get(mode, {})]
             for mode in ALL_MODES[1:]}
    loop_identical = all(m.get("tf2_loop", {}).get("status") == "bit-identical" for m in examples.values())
    xla_classes = [f"{n}: {m['tf2_xla']['parity']}" for n, m in examples.items() if "parity" in m.get("tf2_xla", {})]
    lines = [f"- **Eager** ran at {_range(speed['tf2_eager'])} the Session's speed per update, and "
             f"**`tf.function` per step** at {_range(speed['tf2_function'])}: a Python loop that calls "
             "TensorFlow once per update pays that call every time, as `sess.run` did.",
             f"- **The whole loop in one `tf.function`** ran {_range(speed['tf2_loop'])} as fast as the Session and was "
             + ("bit-identical to it in every example." if loop_identical else "NOT bit-identical everywhere: see the tables.")
             + " This is the mode to port to, once the eager twin is proven equal.",
             f"- **XLA** (`jit_compile=True`) ran {_range(speed['tf2_xla'])} as fast as the Session but was never "
             "bit-identical: " + "; ".join(xla_classes) + ". Use it when the tolerance table's bounds are acceptable."]
    slower = [n for n, m in examples.items() if m.get("tf2_xla", {}).get("ratio_to_session", 0) > 1]
    if slower:
        lines[-1] += f" It was slower than the Session on {', '.join(slower)}."
    for where, measured in result["determinism"].items():
        lines.append(f"- **Settings on {where}** (each a fresh process; a change means some mode's trace "
                     "differs from the same mode under that machine's default settings): "
                     + settings_summary(measured["matrix"]))
    return "\n".join(lines)


def settings_summary(matrix):
    parts = []
    for setting in list(next(iter(matrix.values())))[1:]:
        changed = [name for name, by_setting in matrix.items()
                   if any(by_setting[setting].get(m) != by_setting["default"].get(m) for m in ALL_MODES)]
        parts.append(f"{setting}: " + (f"changes {', '.join(changed)}" if changed else "changes nothing"))
    return "; ".join(parts) + "."


def main_job_sentence(job, page="docs/performance.md"):
    """The README's sentence on the main job's time, from its record (``runner.main_job``)."""
    rows = job["modes"]
    left_out = sum(row["verdict"] == NOT_RUN_CELL for row in rows)
    shortened = sum(row["partial"] for row in rows) - left_out
    return (f"`{job['command']}` took {job['seconds']:.0f} s in a fresh process on {describe(job['machine'])} "
            f"(`tfparity bench --main-job`; the 1-minute load average was {job['load_average']:.2f} as it started): "
            f"{len(rows) - shortened - left_out} of its {len(rows)} modes ran to the "
            f"end, {shortened} their first epochs only and {left_out} not at all, each marked in its verdict and "
            "summary row; `--full` runs every mode to the end, as `tfparity docs` does "
            f"([each mode's span and seconds]({page}#the-main-job)).")


def main_job_section(job):
    """The main job: its time, the conditions, and each mode's span and seconds."""
    modes = sum(row["seconds"] for row in job["modes"])
    rows = [[row["example"], row["mode"], row["ran"], row["verdict"], f"{row['seconds']:.1f}"] for row in job["modes"]]
    return "\n\n".join([
        f"`{job['command']}`, the README's first command, took {job['seconds']:.0f} s in a fresh process on "
        f"{describe(job['machine'])}, Python {job['python']} (`tfparity bench --main-job`), using {job['cpu_seconds']:.0f} "
        f"CPU seconds; the 1-minute load average was {job['load_average']:.2f} as it started (above 0, other "
        f"work shared the cores). Its modes took {modes:.0f} s of it; the rest is "
        "importing TensorFlow and making each example's inputs. A mode marked partial ran its first epochs "
        "only, or not at all (its example's `FIRST_EPOCHS`), and was compared with the same epochs of the TF1 "
        "Session's run; `tfparity run --full` runs every mode to the end, as `tfparity docs` does.",
        table(["example", "mode", "ran", "verdict", "seconds"], rows)])


def page(result, notes):
    parts = [notes.strip(), "<!-- generated by `tfparity bench --docs` from docs/results/performance.json -->",
             "## What to use", advice(result), "![time per update](img/performance.png)"]
    if "main_job" in result:
        parts += ["## The main job", main_job_section(result["main_job"])]
    parts += ["## Measured", markdown(result)]
    return "\n\n".join(parts) + "\n"
