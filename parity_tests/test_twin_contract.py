"""The twin contract: the diff of a pair is the lesson, so the two twins differ only in TF1 → TF2 lines.

Checked on both twins' source (``ast``) for every example and the template; a drift is named by
file, section and function, the first one first:

1. Sections: the same ``# %% name`` sections in the same order. The TF2 twin adds one trailing
   section marked ``(TF2 only)`` (``# %% whole loop (TF2 only)``: ``run_loop`` and its helpers),
   and may add a second after it, ``# %% keras fit (TF2 only)``, holding ``run_keras`` (the
   example's declared ``tf2_keras`` mode, ``model.fit``), and nothing else; the TF1 twin may add one trailing section marked ``(TF1 only)``
   (``# %% eager shim (TF1 only)``: ``run_eager``, its own code run eagerly, the harness's optional
   ``tf1_eager`` mode). Before the first section: imports and constants only.
2. Functions: in each shared section the same top-level functions in the same order, with the same
   parameters (TF2's ``run`` and ``step_from`` add ``function``) and the same return shape: a value or nothing,
   a tuple's or list's length and a dict's keys where the return statement shows them.
3. ``train_step`` is where the twins' signatures differ, and only because TF1 builds what TF2 is
   handed. TF1's builds the graph (placeholders, variables, the train op) and returns what the
   train section needs, the train op (``train_op``) last; TF2's is handed tensors and variables,
   takes one update and returns exactly what TF2's ``run`` reads from the call (the step's loss in
   most examples, its two gradients in simple_network), nothing where ``run`` reads the values
   after the update (regression, classification), as TF1 fetches only ``train_op`` there; what
   TF2's returns, TF1's returns too. Not returning the loss everywhere is measured: an output
   nobody reads is still a tf.function output, and returning regression's loss moved A by 1 ULP
   under tf.function (seeds 1 to 5, from step 2). The one TF2-only construct in a shared section
   is a ``tf.Module`` holding the variables, in ``model``: TF1 creates them in its ``train_step``.
4. ``if __name__ == "__main__":``, if there, is the module's last statement in both twins, and
   no section the guide shows (``pages.sections``) contains it.

Epoch-based twins call ``on_epoch(epoch, trace)`` with an int and the trace named as returned.
A pair with a local layer has a shared section ``# %% one step from a state`` holding
``step_from(inputs, states)``, and its ``run`` takes ``on_step`` (``tfparity.core.harness.local_layer``).
"""
import ast
import re

import pytest
from conftest import quick_options

from tfparity.core.harness import examples, load, run_mode
from tfparity.core.modes import ALL_MODES, OPTIONAL_MODES
from tfparity.core.paths import ROOT
from tfparity.render import pages

PAIRS = examples() + ["_template"]
ADDS_FUNCTION = ("run", "step_from")  # TF2's takes ``function`` beside TF1's parameters
MARKER = re.compile(r"# %% (.+)$")


def outline(source):
    """(statements before the first section, [(section title, its top-level statements)])."""
    markers = [(n, m.group(1).strip()) for n, line in enumerate(source.splitlines(), 1) if (m := MARKER.match(line))]
    head, parts = [], [(title, []) for _, title in markers]
    for node in ast.parse(source).body:
        index = sum(n < node.lineno for n, _ in markers) - 1
        (head if index < 0 else parts[index][1]).append(node)
    return head, parts


def shape(value):
    if value is None or (isinstance(value, ast.Constant) and value.value is None):
        return "nothing"
    if isinstance(value, (ast.Tuple, ast.List)) and not any(isinstance(e, ast.Starred) for e in value.elts):
        return f"a {type(value).__name__.lower()} of {len(value.elts)}"
    if isinstance(value, ast.Dict) and all(isinstance(k, ast.Constant) for k in value.keys):
        return f"a dict of {sorted(k.value for k in value.keys)}"
    return "a value"


def return_values(function):
    """The value of each of the function's own return statements (not of functions inside it)."""
    found = []

    def visit(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Return):
                found.append(child.value)
            elif not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                visit(child)
    visit(function)
    return found


def shapes(function):
    return sorted({shape(v) for v in return_values(function)} or {"nothing"})


def names(value):
    return [e.id for e in (value.elts if isinstance(value, ast.Tuple) else [value]) if isinstance(e, ast.Name)]


def parameters(function):
    a = function.args
    return [p.arg for p in a.posonlyargs + a.args + a.kwonlyargs]


def is_module_class(node):
    return isinstance(node, ast.ClassDef) and any(ast.unparse(b) == "tf.Module" for b in node.bases)


def is_main(node):
    return isinstance(node, ast.If) and "__name__" in ast.unparse(node.test)


def first_difference(a, b):
    """(a's item, b's item) at the first index where the two lists differ (None past an end)."""
    i = next(i for i in range(max(len(a), len(b))) if a[i:i + 1] != b[i:i + 1])
    return (a[i] if i < len(a) else None), (b[i] if i < len(b) else None)


def reads_the_step(run):
    """Whether TF2's run uses what its ``step(...)`` calls return (None: it makes no such call)."""
    calls = [n for n in ast.walk(run) if isinstance(n, ast.Call) and ast.unparse(n.func) == "step"]
    bare = [n.value for n in ast.walk(run) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call)]
    return None if not calls else any(c not in bare for c in calls)


def train_step_drift(where, tf1, tf2, run2):
    """How the two train_steps break rule 3, or None."""
    built, taken = return_values(tf1), return_values(tf2)
    if len(built) != 1 or not isinstance(built[0], ast.Tuple) or ast.unparse(built[0].elts[-1]) != "train_op":
        return f"{where[0]}, function 'train_step': TF1's builds the graph and returns what the train section needs, train_op last"
    returns = shapes(tf2) != ["nothing"]
    reads = reads_the_step(run2) if run2 else None
    if reads is not None and returns != reads:
        return (f"{where[1]}, function 'train_step': returns " + ("a value that run discards" if returns else
                "nothing, but run reads what step(...) returns"))
    missing = [n for v in taken for n in names(v) if n not in names(built[0])]
    if missing:
        return f"{where[1]}, function 'train_step': returns {', '.join(missing)}, which TF1's train_step does not"
    return None


def drifts(tf1_source, tf2_source, tf1_path="tf1_graph/X.py", tf2_path="tf2_eager/X.py"):
    """Every breach of the contract, in reading order; [] for a pair that keeps it."""
    found, paths = [], (tf1_path, tf2_path)
    (head1, parts1), (head2, parts2) = outline(tf1_source), outline(tf2_source)
    for path, head in zip(paths, (head1, head2)):
        for node in head:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                found.append(f"{path}, before the first section, {node.name!r}: defined outside any section")
    titles1, titles2 = [t for t, _ in parts1], [t for t, _ in parts2]
    marked = [t for t in titles2 if t.endswith(pages.TF2_ONLY)]
    if any(t.endswith(pages.TF2_ONLY) for t in titles1):
        found.append(f"{tf1_path}: a section marked {pages.TF2_ONLY} in the TF1 twin")
    if any(t.endswith(pages.TF1_ONLY) for t in titles2):
        found.append(f"{tf2_path}: a section marked {pages.TF1_ONLY} in the TF2 twin")
    marked1 = [t for t in titles1 if t.endswith(pages.TF1_ONLY)]
    if len(marked1) > 1 or (marked1 and titles1[-1] != marked1[0]):
        found.append(f"{tf1_path}: at most one trailing section marked {pages.TF1_ONLY}, found {marked1}")
    own1 = [p for p in parts1 if p[0].endswith(pages.TF1_ONLY)]
    run1 = next((n for _, nodes in parts1 for n in nodes if isinstance(n, ast.FunctionDef) and n.name == "run"), None)
    for title, nodes in own1:
        eager = [n for n in nodes if isinstance(n, ast.FunctionDef) and n.name == "run_eager"]
        if not eager:
            found.append(f"{tf1_path}, section {title!r}: a {pages.TF1_ONLY} section holds run_eager")
        elif run1 and (parameters(eager[0]) != parameters(run1) or shapes(eager[0]) != shapes(run1)):
            found.append(f"{tf1_path}, section {title!r}, function 'run_eager': takes and returns what run does")
    parts1 = [p for p in parts1 if not p[0].endswith(pages.TF1_ONLY)]
    titles1 = [t for t, _ in parts1]
    keras = [f"{pages.KERAS_FIT} {pages.TF2_ONLY}"] if titles2[-1:] == [f"{pages.KERAS_FIT} {pages.TF2_ONLY}"] else []
    if len(marked) != 1 + len(keras) or titles2[len(titles2) - len(marked):] != marked:
        found.append(f"{tf2_path}: one trailing section marked {pages.TF2_ONLY} holds run_loop, then "
                     f"optionally '{pages.KERAS_FIT} {pages.TF2_ONLY}' run_keras; found {marked}")
    for title, nodes in parts2:
        if keras and title == keras[0] and not any(isinstance(n, ast.FunctionDef) and n.name == "run_keras" for n in nodes):
            found.append(f"{tf2_path}, section {title!r}: a {pages.KERAS_FIT} section holds run_keras")
    shared2 = [p for p in parts2 if not p[0].endswith(pages.TF2_ONLY)]
    if titles1 != [t for t, _ in shared2]:
        t1, t2 = first_difference(titles1, [t for t, _ in shared2])
        found.append(f"{tf2_path}, section {t2!r}: TF1 has section {t1!r} here ({titles1} against {titles2})")
    defined1 = {n.name for _, nodes in parts1 for n in nodes if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    for (title, nodes1), (_, nodes2) in zip(parts1, shared2):
        defs1 = [n for n in nodes1 if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
        defs2 = [n for n in nodes2 if isinstance(n, (ast.FunctionDef, ast.ClassDef))
                 and not (title == "model" and is_module_class(n))]
        names1, names2 = [d.name for d in defs1], [d.name for d in defs2]
        if names1 != names2:
            name1, name2 = first_difference(names1, names2)
            found.append(f"{tf2_path}, section {title!r}, function {name2 or name1!r}: the functions are "
                         f"{names1} in TF1, {names2} in TF2")
            continue
        for f1, f2 in zip(defs1, defs2):
            where = (f"{tf1_path}, section {title!r}", f"{tf2_path}, section {title!r}")
            if isinstance(f1, ast.ClassDef) or isinstance(f2, ast.ClassDef):
                continue
            if f1.name == "train_step":
                run2 = next((n for _, nodes in shared2 for n in nodes
                             if isinstance(n, ast.FunctionDef) and n.name == "run"), None)
                drift = train_step_drift(where, f1, f2, run2)
                found += [drift] if drift else []
                continue
            p1, p2 = parameters(f1), [p for p in parameters(f2) if not (f2.name in ADDS_FUNCTION and p == "function")]
            if p1 != p2:
                found.append(f"{where[1]}, function {f2.name!r}: parameters {parameters(f2)} where TF1 has {p1}")
            if shapes(f1) != shapes(f2):
                found.append(f"{where[1]}, function {f2.name!r}: returns {' or '.join(shapes(f2))} "
                             f"where TF1 returns {' or '.join(shapes(f1))}")
    for title, nodes in parts2[len(shared2):]:
        for node in nodes:
            if isinstance(node, ast.FunctionDef) and node.name in defined1:
                found.append(f"{tf2_path}, section {title!r}, function {node.name!r}: TF1 has it too, "
                             "so it belongs in a shared section")
    defined2 = {n.name for _, nodes in parts2 for n in nodes if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    for title, nodes in own1:
        for node in nodes:
            if isinstance(node, ast.FunctionDef) and node.name in defined2:
                found.append(f"{tf1_path}, section {title!r}, function {node.name!r}: TF2 has it too, "
                             "so it belongs in a shared section")
    mains = []
    for path, source, parts in zip(paths, (tf1_source, tf2_source), (parts1, parts2)):
        body = ast.parse(source).body
        mains.append(any(is_main(n) for n in body))
        if any(is_main(n) for n in body[:-1]):
            found.append(f"{path}: the __main__ block is not the module's last statement")
        for title, _, code in pages.sections(source):
            if "__name__" in code:
                found.append(f"{path}, section {title!r}: the guide would show the __main__ block")
    if mains[0] != mains[1]:
        found.append(f"{paths[0 if mains[0] else 1]}: a __main__ block only in this twin")
    return found


@pytest.mark.parametrize("name", PAIRS)
def test_every_pair_keeps_the_contract(name):
    paths = f"tf1_graph/{name}.py", f"tf2_eager/{name}.py"
    found = drifts(*((ROOT / p).read_text() for p in paths), *paths)
    assert not found, f"first drift: {found[0]}" + (f" (and {len(found) - 1} more)" if len(found) > 1 else "")


# A planted pair that keeps the contract (read as text, never imported); each PLANTED edit breaks it.
TF1, TF2 = ((ROOT / "parity_tests" / "planted" / f"twin_{twin}.py").read_text() for twin in ("tf1", "tf2"))
PLANTED = {  # (twin, old text, new text) -> the first drift named
    "section renamed": ("tf2", "# %% step\n", "# %% steps\n", "tf2_eager/X.py, section 'steps'"),
    "section missing": ("tf2", "# %% train\n", "", "tf2_eager/X.py, section None: TF1 has section 'train'"),
    "function renamed": ("tf2", "def model(x, w):", "def forward(x, w):", "tf2_eager/X.py, section 'model', function 'forward'"),
    "return dropped": ("tf2", "    return loss\n", "", "tf2_eager/X.py, section 'step', function 'train_step': "
                       "returns nothing, but run reads"),
    "unread return": ("tf2", '    return {"w": [step(tf.constant(inputs["x"]), inputs["w"]).numpy()]}',
                      '    step(tf.constant(inputs["x"]), inputs["w"])\n    return {"w": []}',
                      "tf2_eager/X.py, section 'step', function 'train_step': returns a value that run discards"),
    "TF2 returns what TF1 does not build": ("tf2", "    return loss\n", "    return loss, tape\n",
                                            "tf2_eager/X.py, section 'step', function 'train_step': returns tape"),
    "tuple arity": ("tf2", "return [], []", "return [], [], []", "tf2_eager/X.py, section 'train', function 'gradients'"),
    "TF1 op not last": ("tf1", "return x, w, loss, train_op", "return x, w, train_op, loss",
                        "tf1_graph/X.py, section 'step', function 'train_step'"),
    "parameter added": ("tf2", "def run(inputs, function=False):", "def run(inputs, lr, function=False):",
                        "tf2_eager/X.py, section 'train', function 'run'"),
    "shared function in the TF2-only section": (
        "tf2", "def gradients(inputs):\n    return [], []\n\n\n# %% whole loop (TF2 only)\n",
        "# %% whole loop (TF2 only)\ndef gradients(inputs):\n    return [], []\n\n\n",
        "tf2_eager/X.py, section 'train', function 'gradients'"),
    "TF1-only section before a shared one": (
        "tf1", "# %% train\n", "# %% eager shim (TF1 only)\ndef run_eager(inputs):\n    return {}\n\n\n# %% train\n",
        "tf1_graph/X.py: at most one trailing section marked (TF1 only)"),
    "TF1-only section without run_eager": (
        "tf1", 'if __name__ == "__main__":', '# %% eager shim (TF1 only)\ndef shim(inputs):\n    return {}\n\n\n'
        'if __name__ == "__main__":', "tf1_graph/X.py, section 'eager shim (TF1 only)': a (TF1 only) section holds run_eager"),
    "run_eager unlike run": (
        "tf1", 'if __name__ == "__main__":', '# %% eager shim (TF1 only)\ndef run_eager(inputs, eager):\n    return {}\n\n\n'
        'if __name__ == "__main__":', "tf1_graph/X.py, section 'eager shim (TF1 only)', function 'run_eager': takes and returns"),
    "TF1-only section in the TF2 twin": (
        "tf2", "# %% whole loop (TF2 only)", "# %% eager shim (TF1 only)", "tf2_eager/X.py: a section marked (TF1 only)"),
    "Keras section without run_keras": (
        "tf2", 'if __name__ == "__main__":', '# %% keras fit (TF2 only)\ndef fit(inputs):\n    return {}\n\n\n'
        'if __name__ == "__main__":', "tf2_eager/X.py, section 'keras fit (TF2 only)': a keras fit section holds run_keras"),
    "Keras section before the whole loop": (
        "tf2", "# %% whole loop (TF2 only)", "# %% keras fit (TF2 only)\ndef run_keras(inputs):\n    return {}\n\n\n"
        "# %% whole loop (TF2 only)", "tf2_eager/X.py: one trailing section marked (TF2 only) holds run_loop"),
    "unmarked TF2 section": ("tf2", "# %% whole loop (TF2 only)", "# %% whole loop", "tf2_eager/X.py: one trailing section"),
    "__main__ block the guide would show": (
        "tf2", 'if __name__ == "__main__":', 'if "__main__" == __name__:',
        "tf2_eager/X.py, section 'whole loop': the guide would show the __main__ block"),
    "code after __main__": ("tf1", '    print(run({}))\n', '    print(run({}))\n\n\nprint("late")\n',
                            "tf1_graph/X.py: the __main__ block is not the module's last statement"),
}


def test_the_planted_pair_keeps_the_contract():
    assert drifts(TF1, TF2) == []


def test_a_trailing_tf1_only_section_with_run_eager_keeps_the_contract():
    shim = '# %% eager shim (TF1 only)\ndef run_eager(inputs):\n    return {"w": []}\n\n\nif __name__ == "__main__":'
    assert drifts(TF1.replace('if __name__ == "__main__":', shim), TF2) == []


@pytest.mark.parametrize("case", PLANTED)
def test_a_planted_drift_is_named_first(case):
    twin, old, new, named = PLANTED[case]
    sources = {"tf1": TF1, "tf2": TF2}
    assert sources[twin].count(old) == 1
    sources[twin] = sources[twin].replace(old, new)
    found = drifts(sources["tf1"], sources["tf2"])
    assert found and found[0].startswith(named), found


def test_sections_end_before_the_main_block():
    last = pages.sections(TF2)[-1]
    assert last[0] == "whole loop" and "def run_loop(" in last[2] and "__main__" not in last[2]


@pytest.mark.parametrize("name", PAIRS)
def test_the_guide_shows_every_shared_section_then_the_tf2_only_one_and_no_main_block(name):
    parts = pages.side_by_side(f"tf1_graph/{name}.py", f"tf2_eager/{name}.py")
    headings = [p for p in parts if p.startswith("### ")]
    source = (ROOT / "tf1_graph" / f"{name}.py").read_text()
    own = pages.marked(source, pages.TF1_ONLY)
    tf1 = [s[0] for s in pages.sections(source) if s[0] not in own]
    tf2_source = (ROOT / "tf2_eager" / f"{name}.py").read_text()
    keras = [f"### {pages.KERAS_FIT} {pages.TF2_ONLY}"] if pages.marked(tf2_source, pages.TF2_ONLY)[1:] else []
    assert headings == ([f"### {s}" for s in tf1] + [f"### whole loop {pages.TF2_ONLY}"] + keras
                        + [f"### {s} {pages.TF1_ONLY}" for s in own])
    assert not any("__main__" in p for p in parts)


@pytest.mark.parametrize("name", [n for n in examples() if "epochs" in load(n)[0].QUICK])
def test_on_epoch_gets_an_int_and_the_trace_named_as_returned(name):
    data, *twins = load(name)
    inputs = data.make_inputs(0, **quick_options(name))
    for mode in (("tf1_graph", "tf2_eager", ALL_MODES[-2]) + (OPTIONAL_MODES if hasattr(twins[0], "run_eager") else ())
                 + (("tf2_keras",) if hasattr(twins[1], "run_keras") else ())):
        calls = []
        trace = run_mode(twins, mode, inputs, lambda epoch, so_far: calls.append((epoch, dict(so_far))))
        assert calls and all(type(epoch) is int for epoch, _ in calls), (mode, calls)
        for epoch, so_far in calls:
            loss = [f for f in so_far if f.endswith("epoch_loss")]
            assert len(loss) == 1 and loss[0].replace("epoch_loss", "test_accuracy") in so_far, (mode, so_far)
            assert set(so_far) <= set(trace), (mode, set(so_far) - set(trace))
        methods = {f.rpartition("/")[0] for _, so_far in calls for f in so_far}
        assert [e for e, _ in calls] == list(range(1, inputs["epochs"] + 1)) * len(methods), (mode, calls)


def test_record_epoch_has_one_signature_in_every_example():
    """The same helper means the same across examples: (trace, predictions, labels, updates)."""
    found = {f"{pkg}/{name}.py": parameters(node) for name in PAIRS for pkg in ("tf1_graph", "tf2_eager")
             for node in ast.parse((ROOT / pkg / f"{name}.py").read_text()).body
             if isinstance(node, ast.FunctionDef) and node.name == "record_epoch"}
    assert len(found) >= 2 and len({tuple(p) for p in found.values()}) == 1, found
