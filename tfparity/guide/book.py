"""The migration guide, generated from the twins and their measured records (``tfparity docs``).

Pages show the TF1 and TF2 code section by section (split at ``# %% name`` markers), map every
TF1 construct to its replacement with the line in each twin, and quote measured verdicts.
"""
import importlib
import pathlib
import re

from tfparity.core import machine, records
from tfparity.core.harness import examples, run_example
from tfparity.core.jsonio import write_atomic
from tfparity.core.paths import NOTES, ROOT
from tfparity.core.tolerances import CAUSES, bounds, local_bounds
from tfparity.guide import architecture, mapping, notebooks
from tfparity.guide.settings import headline, measured_settings, other_setting, parity_table
from tfparity.render import plots, published
from tfparity.render.pages import GENERATED, porting_page, side_by_side, table


def sources(name):
    return [(ROOT / pkg / f"{name}.py").read_text() for pkg in ("tf1_graph", "tf2_eager")]


def figures(name, record, folder):
    """Draw the example's figures into folder/img and return their file names: its own first
    (``figures(record, folder)`` in its shared_data module, if it has one), then an overlay of
    TF1 and TF2 per run."""
    (folder / "img").mkdir(parents=True, exist_ok=True)
    groups = {}
    for field in record["series"]["tf1_graph"]:
        groups.setdefault(field.rpartition("/")[0], []).append(field)
    drawn = []
    for prefix, fields in groups.items():
        file = f"{name}{'-' + re.sub(r'[^a-z0-9.]+', '_', prefix) if prefix else ''}.png"
        log = [f for f in fields[:2] if re.search(r"(loss|cost)$", f)]
        plots.overlay(record, fields[:2], folder / "img" / file, f"{name} {prefix}".strip(), log)
        drawn.append(file)
    own = getattr(importlib.import_module(f"shared_data.{name}"), "figures", None)  # the example's own
    return (own(record, folder) if own else []) + drawn


def page(name, record, images, notes="", printed=()):
    """``printed``: the parts of published.section, shown after the headline numbers."""
    tf1_source, tf2_source = sources(name)
    title = tf2_source.split("\n")[0].strip('"').split(": ", 1)[-1]
    link = (lambda pkg, line: f"[{line}](../{pkg}/{name}.py#L{line})" if line else "—")
    parts = [f"# `{name}`: {title}", GENERATED,
             f"Run it with `tfparity run {name}`; `diff -u tf1_graph/{name}.py tf2_eager/{name}.py` "
             "shows only the TF1 → TF2 lines.",
             f"## Measured parity (seed {record['seed']})", parity_table(record)]
    if record["manual_vs_auto"]:
        parts += ["Hand-written against automatic gradient, within each mode:",
                  parity_table(record, "manual_vs_auto")]
    causes = [f"- **{mode}**, only while *{bound.cause}* is active — {CAUSES[bound.cause][0]}"
              + (f"; switched off by `{CAUSES[bound.cause][1]}`" if CAUSES[bound.cause][1] else "")
              + (f". Local bound {bound.ulp} ULP at each field's largest value (the loss's over the checked updates), "
                 "on one update from the Session's own state" if local_bounds(name) else f". Bound {bound.ulp} ULP or |diff| ≤ {bound.atol:g}")
              + f". {bound.measured}"
              for mode, declared in bounds(name).items() for bound in declared]
    if causes:
        parts += ["Bounds by cause (`tfparity/core/tolerances.py`); with every switchable cause off, every mode "
                  "but XLA must be bit-identical (`parity_tests/test_tolerances.py`)"
                  + (". These bound the local layer only ([two layers](porting.md#two-layers)): the free-running "
                     "trajectory is reported, not bounded" if local_bounds(name) else "") + ":", "\n".join(causes)]
    parts += ["## Headline numbers (after the last update)"] + headline(record)
    parts += list(printed)
    if notes:
        parts += ["## Notes", notes.strip()]
    def constructs(label, found):
        return table(["TF1", "line", label, "line", "why"],
                     [[f"`{r[0]}`", link("tf1_graph", a), r[2], link("tf2_eager", b), r[4]] for r, a, b in found])
    parts += ["## TF1 → TF2, construct by construct", constructs("TF2", mapping.rows(tf1_source, tf2_source))]
    keras = mapping.rows(tf1_source, tf2_source, mapping.KERAS_RULES)
    if keras:
        parts += ["## TF1 → Keras `fit`, construct by construct",
                  "The third stage, the TF2 twin's Keras section (the `tf2_keras` mode; "
                  "[Keras 3 fit](keras_fit.md) has what it takes):", constructs("Keras", keras)]
    parts += ["## The code, section by section"]
    parts += side_by_side(f"tf1_graph/{name}.py", f"tf2_eager/{name}.py")
    parts += ["## Plots"] + [f"![{image}](img/{image})" for image in images]
    return "\n\n".join(parts) + "\n"


def api_map(names, folder):
    def shown(rules):
        """A row per rule some example uses: the rule, its replacement, the examples, why."""
        used = {}
        for name in names:
            for rule, _, _ in mapping.rows(*sources(name), rules):
                used.setdefault(rule, []).append(f"[{name}]({name}.md)")
        return [[f"`{r[0]}`", r[2], ", ".join(used[r]), r[4]] for r in rules if r in used]
    rows = shown(mapping.RULES) + [["`tf1.random_normal(..., seed=s)`", "inputs drawn once with NumPy in shared_data",
                                    "every example", "TF1 and TF2 random ops give different numbers for one seed"]]
    keras_rows = shown(mapping.KERAS_RULES)
    return "\n\n".join(["# TF1 → TF2: every construct the twins use", GENERATED,
                        table(["TF1", "TF2 replacement", "shown in", "why"], rows),
                        "## TF1 → Keras 3 `model.fit`: the Keras stage's constructs",
                        table(["TF1", "in a Keras fit port", "shown in", "why"], keras_rows),
                        "## Every TF1 symbol `tfparity scan` reports, and what proves its replacement",
                        "One table, `docs/notes/api_map.tsv`, gives the scanner its advice and this section its rows "
                        "([scan](scan.md)); each verdict is read from the committed record of the twin or "
                        "measurement that proves it. A namesake measured to compute something else is a false friend.",
                        table(["TF1", "TF2 replacement", "proven on", "verdict", "its namesake"],
                              mapping.symbol_rows(folder))]) + "\n"


def index(names, folder):
    intro = (NOTES / "README.md").read_text().strip()
    rows = []
    for name in names:
        record = records.load(folder, name)
        # Records may come from different machines, and each lists its own setting first: a column
        # per oneDNN setting, and each row names the machine its verdicts were measured on.
        settings = {s["machine"]["onednn"]: s for s in measured_settings(record)}
        verdicts = ["; ".join(f"{mode}: {v.split(' (')[0]}" for mode, v in settings[on]["verdicts"].items())
                    if on in settings else "—" for on in (True, False)]
        where = "; ".join(dict.fromkeys(machine.describe(s["machine"]).replace(f", oneDNN {'on' if s['machine']['onednn'] else 'off'}", "")
                                        for s in settings.values()))
        title = sources(name)[1].split("\n")[0].strip('"').split(": ", 1)[-1]
        rows.append([f"[{name}]({name}.md)", title, *verdicts, where])
    return "\n\n".join([intro, GENERATED, "## The examples (seed 0)",
                        table(["example", "what", "parity against the TF1 Session, oneDNN on",
                               "parity against the TF1 Session, oneDNN off", "measured on"], rows),
                        "Also: [every TF1 construct and its TF2 replacement](api_map.md); "
                        "[what breaks parity](pitfalls.md), each measured; [port your own model]"
                        "(porting.md) from the template; and [the `tf_upgrade_v2` path](upgrade.md) "
                        "from legacy TF 1.x code to the twins. [Performance](performance.md): every "
                        "example under Session, eager, `tf.function`, the whole loop and XLA, timed "
                        "with its parity class. [False friends](false_friends.md): TF1 optimizers and losses "
                        "against their Keras 3 namesakes, and the exact TF2 rules. [Checkpoints](checkpoints.md): "
                        "a TF1 `Saver` checkpoint carried into TF2 and back, proven by resuming training. "
                        "[Scan](scan.md): every TF1 idiom in your code, with its status on the installed "
                        "TensorFlow. [Keras 3 fit](keras_fit.md): each example's `model.fit` stage against its "
                        "TF1 Session twin. [Fidelity](fidelity.md): every number the sources printed, "
                        "reproduced or placed in its measured distribution. [Seeds](seeds.md): an accuracy "
                        "target against the seed-to-seed spread."]) + "\n"


def build(folder, measure=True, names=None, progress=None):
    """Re-measure (or reuse) each example's record, then write every page, figure and the API map."""
    folder = pathlib.Path(folder)
    if not measure:
        missing = [n for n in names or () if not records.record_path(folder, n).exists()]
        if missing:
            raise ValueError(f"no record for {', '.join(missing)} in {folder}/results: "
                             "run `tfparity docs` without --render-only first")
        names = names or [n for n in examples() if records.record_path(folder, n).exists()]
    for name in names or examples():
        if measure:
            record = records.make_record(run_example(name, 0, progress=progress))
            records.save(folder, dict(record, other_setting=other_setting(name)))
        record = records.load(folder, name)
        notes_file = NOTES / f"{name}.md"
        notes = notes_file.read_text() if notes_file.exists() else ""
        write_atomic(folder / f"{name}.md", page(name, record, figures(name, record, folder), notes,
                                                       published.section(name, record, folder)))
    write_atomic(folder / "porting.md", porting_page())
    write_atomic(folder / "architecture.md", architecture.page())
    (folder / "notebooks").mkdir(exist_ok=True)
    for name in examples():
        write_atomic(folder / "notebooks" / f"{name}.ipynb", notebooks.notebook(name))
    everything = [n for n in examples() if records.record_path(folder, n).exists()]
    write_atomic(folder / "api_map.md", api_map(everything, folder))
    write_atomic(folder / "README.md", index(everything, folder))
