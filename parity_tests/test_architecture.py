"""The house (tfparity/house.py): every import of a project module is an edge the table allows.
Function-level imports count too, so none can hide a cycle. docs/architecture.md draws the table."""
import ast

from tfparity.core.paths import ROOT
from tfparity.house import EXAMPLES, HOUSE, STUDIES, allowed, package


def modules():
    for top in ("tfparity",) + EXAMPLES:
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def imports(path):
    """Every module ``path`` imports, anywhere in it; ``from X import y`` counts as ``X.y``, which
    lands in X's package when y is a name and in y's when it is a module (packages match by prefix)."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):  # the project uses no relative imports
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def breaches(pairs):
    return [f"{source} imports {target}" for source, target in pairs if not allowed(source, target)]


def test_every_import_is_an_edge_the_house_allows():
    assert breaches((name, target) for name, path in modules() for target in imports(path)) == []


def test_the_check_refuses_an_edge_the_house_does_not_list():
    # Each is an import the project once had or could be tempted to write.
    planted = [("tfparity.core.compare", "tfparity.cli.main"), ("tfparity.port.optimizers", "tfparity.core.quiet"),
               ("tfparity.studies.seeds", "tfparity.studies.fidelity.page"), ("tf1_graph.mlp", "tfparity.port.optimizers"),
               ("tfparity.scan.page", "tfparity.guide.mapping"), ("tfparity.check.parity", "tfparity.cli.arguments")]
    assert breaches(planted) == [f"{s} imports {t}" for s, t in planted]


def test_the_house_is_a_ladder():
    # No package may reach one that can reach it back: the table itself has no cycle.
    def reach(start, seen=()):
        for target in HOUSE[start]:
            if target == start or target in seen:
                continue
            yield target
            yield from reach(target, seen + (start,))
    assert [p for p in HOUSE if p in set(reach(p))] == []


def test_every_module_belongs_to_a_package_of_the_house():
    # A new module or folder directly under tfparity/ would fall to the catch-all entry: name its package.
    assert sorted(name for name, _ in modules() if package(name) == "tfparity") == ["tfparity", "tfparity.house"]
    assert sorted(p.name for p in (ROOT / "tfparity" / "studies").iterdir()
                  if p.is_dir() and not p.name.startswith("_")) == sorted(STUDIES)


def test_the_port_library_imports_only_tensorflow_keras_and_numpy():
    found = {target.split(".")[0] for name, path in modules() if package(name) == "tfparity.port"
             for target in imports(path) if not target.startswith("tfparity.port")}
    assert found <= {"tensorflow", "keras", "numpy", "math", "functools", "dataclasses"}, found


def test_the_core_the_guide_and_the_command_hold_no_example_names():
    # Everything particular to an example (QUICK, OPTIONS, BOUNDS, figures, notes) is declared by
    # its own modules, so adding one edits no file here. The studies (the scanner among them) may name
    # the examples they study.
    from tfparity.core.harness import examples
    names = examples()
    found = []
    for name, path in modules():
        if name.startswith("tfparity") and not name.startswith(("tfparity.studies.", "tfparity.scan")):
            text = path.read_text()
            found += [f"{name}: {example}" for example in names if example in text]
    assert found == []
