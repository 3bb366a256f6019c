"""One notebook per example, generated from the twin modules (``tfparity docs`` writes them).

Both twins define the same names, so each code cell runs its twin's code verbatim in that twin's
own namespace through the ``%%twin tf1`` / ``%%twin tf2`` cell magic (``tfparity.guide.twin_magic``).
By default a notebook runs the example's ``QUICK`` setting; ``FULL_SIZE = True`` runs the default.
"""
import ast
import re

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tfparity.guide.mapping import RULES
from tfparity.render.pages import KERAS_FIT, ROOT, TF1_ONLY, marked, sections

# Where the TF2 twin has a Keras stage, its trace joins the others before the verdicts.
KERAS_TRACE = 'traces["tf2_keras"] = namespaces["tf2"]["run_keras"](inputs)  # the Keras stage: model.fit\n'
KERAS_TEXT = ("The third stage, TF1 → tape → Keras: the same network as a Keras 3 model, trained by "
              "`model.fit` over the same batches in the same order, TF1's update rule as a Keras optimizer "
              "(`tfparity.port.keras_optimizers`), and a callback recording the same per-step trace.")
SETUP = """%load_ext tfparity.guide.twin_magic
from tfparity.guide.twin_magic import namespaces"""

PARITY = """from tfparity.core.harness import local_check, verdicts

traces = {"tf1_graph": namespaces["tf1"]["run"](inputs),
          "tf2_eager": namespaces["tf2"]["run"](inputs),
          "tf2_function": namespaces["tf2"]["run"](inputs, function=True)}
local = local_check(NAME, inputs, list(traces))  # one update from the Session's own state, where the twins offer it
for mode, verdict in verdicts(NAME, traces, local=local).items():
    print(f"{mode} vs tf1_graph:", verdict)
for mode, verdict in local.items():
    print(f"{mode}, one update from the Session's state:", verdict)"""

PLOT = '''import matplotlib.pyplot as plt

field = next(f for f, v in traces["tf1_graph"].items() if v.ndim == 1)
for mode, trace in traces.items():
    plt.plot(trace[field], label=mode, lw=3 if mode == "tf1_graph" else 1)
plt.xlabel("step or epoch")
plt.ylabel(field)
plt.legend()
plt.show()'''


def header(source):
    """A module's imports and constants: what lies between its docstring and its first section."""
    start = ast.parse(source).body[0].end_lineno
    lines = source.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("# %% "))
    return "\n".join(lines[start:first]).strip()


def explain(section, tf1_code, tf2_code):
    """What changes from TF1 to TF2 in one section, from the mapping rules it uses."""
    used = [rule for rule in RULES if any(re.search(rule[1], line.strip()) for line in tf1_code.splitlines())]
    if not used:
        same = tf1_code.replace("tf1.", "tf.") == tf2_code
        return f"## {section}\n\n" + ("The same code in both twins, but for the module name (`tf1.` → `tf.`)."
                                     if same else "TF1 first, then TF2; the code differs only in layout.")
    return f"## {section}\n\nWhat changes here, TF1 → TF2:\n\n" + "\n".join(
        f"- `{tf1}` → {tf2}: {why}" for tf1, _, tf2, _, why in used)


def notebook(name):
    tf1_source, tf2_source = ((ROOT / pkg / f"{name}.py").read_text() for pkg in ("tf1_graph", "tf2_eager"))
    title = tf2_source.split("\n")[0].strip('"').split(": ", 1)[-1]
    cells = [
        new_markdown_cell(f"# `{name}`: {title}\n\nGenerated from `tf1_graph/{name}.py` and "
                          f"`tf2_eager/{name}.py` by `tfparity docs`; the [guide page](../{name}.md) "
                          "has the measured verdicts. Each step shows the TF1 twin's code, then the "
                          "TF2 twin's, each run in its own namespace by `%%twin`."),
        new_code_cell("SEED = 0\nFULL_SIZE = False  # True: the full default run, as `tfparity run` does (slow)",
                      metadata={"tags": ["parameters"]}),
        new_code_cell(SETUP),
        new_markdown_cell("## Inputs\n\nEvery input comes from `shared_data`, drawn once with NumPy "
                          "from the seed; the twins draw no random numbers."),
        new_code_cell(f"from shared_data.{name} import QUICK, make_inputs\n\nNAME = {name!r}\n"
                      "inputs = make_inputs(SEED, **({} if FULL_SIZE else QUICK))"),
        new_markdown_cell("## Imports\n\nThe TF1 twin imports `tensorflow.compat.v1 as tf1`; the TF2 twin plain `tensorflow`, never `compat.v1`."),
        new_code_cell("%%twin tf1\n" + header(tf1_source)),
        new_code_cell("%%twin tf2\n" + header(tf2_source)),
    ]
    shared1 = [s for s in sections(tf1_source) if s[0] not in marked(tf1_source, TF1_ONLY)]
    for (section, _, code1), (_, _, code2) in zip(shared1, sections(tf2_source)):
        cells += [new_markdown_cell(explain(section, code1, code2)),
                  new_code_cell("%%twin tf1\n" + code1), new_code_cell("%%twin tf2\n" + code2)]
    keras = [(section, code) for section, _, code in sections(tf2_source) if section == KERAS_FIT]
    for section, code in keras:
        cells += [new_markdown_cell(f"## {section} (TF2 only)\n\n{KERAS_TEXT}"), new_code_cell("%%twin tf2\n" + code)]
    modes = ", TF2 `tf.function` and the Keras stage" if keras else " and TF2 `tf.function`"
    cells += [new_markdown_cell(f"## Parity\n\nRun the TF1 Session, TF2 eager{modes} on the same inputs, "
                                "and compare every recorded value at every step."),
              new_code_cell(PARITY.replace("for mode, verdict", (KERAS_TRACE if keras else "") + "for mode, verdict")),
              new_code_cell(PLOT)]
    for number, cell in enumerate(cells):
        cell["id"] = f"{name}-{number}"  # fixed ids: the same twins give the same file
    book = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                              "language": "python"}})
    nbformat.validate(book)
    return nbformat.writes(book) + "\n"
